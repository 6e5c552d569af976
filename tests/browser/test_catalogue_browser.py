"""The catalogue in a real browser: search without diacritics, read the guidance, on a
desktop and on a phone; and the offline API docs page renders. axe-core audits every page
(tests/browser/conftest.py)."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, ViewportSize, expect

from tests.browser.axe import audit_now
from tests.procedures.catalogue import BIRTH_CODE, build_catalogue

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another connection; roles created by migrations survive.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => !e.closest(".table-wrap") && e.getBoundingClientRect().right > limit + 0.5)
    .map(e => [e.tagName.toLowerCase(), e.id, ...e.classList].join("."));
}"""


def overflowing(page: Page) -> list[str]:
    """Elements that stick out sideways (wide tables may only scroll inside their wrapper)."""
    return page.evaluate(OVERFLOWING)


def test_search_without_diacritics_then_read_the_guidance(page: Page, screenshot_dir: Path) -> None:
    build_catalogue()
    page.goto("/thu-tuc/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh mục thủ tục hành chính")

    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()

    results = page.locator(".result-title a")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_text("Tìm thấy 1 thủ tục")).to_be_visible()
    expect(page.get_by_label("Tìm thủ tục")).to_have_value("dang ky khai sinh")
    page.screenshot(path=screenshot_dir / "catalogue-search-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshot_dir / "catalogue-search-390.png", full_page=True)
    assert overflowing(page) == []
    page.set_viewport_size(DESKTOP)

    results.first.click()
    expect(page).to_have_url(f"{page.url.split('/thu-tuc/')[0]}/thu-tuc/{BIRTH_CODE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    expect(page.locator("#file-dossier")).to_be_visible()
    expect(page.locator("#file-dossier")).to_have_text("Nộp hồ sơ trực tuyến")
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Phí cấp bản sao trích lục")).to_be_visible()
    expect(page.get_by_text("100.000 đ")).to_be_visible()
    # The stylesheet is applied (not blocked by the CSP): the filing button is the red one.
    assert (
        page.locator("#file-dossier").evaluate("e => getComputedStyle(e).backgroundColor")
        == "rgb(200, 16, 46)"
    )
    page.screenshot(path=screenshot_dir / "guidance-1280.png", full_page=True)

    page.set_viewport_size(PHONE)
    expect(page.locator("#file-dossier")).to_be_visible()
    page.screenshot(path=screenshot_dir / "guidance-390.png", full_page=True)
    assert overflowing(page) == []


def test_skip_link_and_keyboard_focus(page: Page) -> None:
    build_catalogue()
    page.goto("/thu-tuc/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # The focused link gets the visible yellow focus band.
    assert skip.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 191, 71)"


def test_api_docs_render_offline(page: Page, live_server, screenshot_dir: Path) -> None:
    foreign: list[str] = []
    blocked: list[str] = []
    local_host = urlparse(live_server.url).netloc

    def watch(request: Request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in {"http", "https"} and parsed.netloc != local_host:
            foreign.append(request.url)

    page.on("request", watch)
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Một Cửa API")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/procedures/").first
    ).to_be_visible()
    page.screenshot(path=screenshot_dir / "api-docs-1280.png", full_page=False)
    # The page speaks the portal's language and leads back to it.
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Cổng dịch vụ công Một Cửa")).to_be_visible()
    # One operation opened: its parameters and responses pass axe-core too.
    page.locator(".opblock-summary-path", has_text="/api/v1/procedures/").first.click()
    expect(page.locator(".opblock.is-open .parameters-container")).to_be_visible()
    audit_now(page)
    assert foreign == []
    assert blocked == []
