"""The clerk's day in a real browser (issue 9 item 5), on a 1366×900 office screen.

After login the clerk lands on the workspace, where at least 15 dossiers are visible
without scrolling, one line each, dates unwrapped. From a dossier page, receive → hand over
→ return are each one click and one confirmation: one page load per action, back on the
dossier page with the success message. Screenshots: ``clerk-day-*.png``.
"""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.fixtures import Settings

from dossiers.models import Dossier, State
from tests.browser.conftest import received_code
from tests.browser.test_dossier_happy_path import expect_success, log_in, state_badge
from tests.dossiers.factories import World, build_dossier, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OFFICE: ViewportSize = {"width": 1366, "height": 900}

# Rows wholly inside the viewport, and how tall the tallest row and date are.
VISIBLE_ROWS = """() => {
  const rows = [...document.querySelectorAll("table.staff-queue tbody tr")];
  const inside = rows.filter(row => {
    const box = row.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  const times = [...document.querySelectorAll("table.staff-queue time")];
  const lineHeight = parseFloat(getComputedStyle(rows[0].querySelector("td")).lineHeight);
  return {
    total: rows.length,
    visible: inside.length,
    tallestRow: Math.max(...rows.map(row => row.getBoundingClientRect().height)),
    tallestTime: Math.max(...times.map(t => t.getBoundingClientRect().height)),
    lineHeight: lineHeight,
    scrollsSideways: document.querySelector(".table-wrap").scrollWidth >
      document.querySelector(".table-wrap").clientWidth + 1,
  };
}"""


@pytest.fixture
def office(page: Page) -> Page:
    page.set_viewport_size(OFFICE)
    return page


def test_at_least_15_dossiers_show_on_one_screen_one_line_each(
    office: Page, screenshot_dir: Path
) -> None:
    world = build_world()
    now = timezone.now()
    for n in range(20):
        dossier = build_dossier(world, State.RECEIVED if n % 2 else State.SUBMITTED)
        if n % 5 == 1:
            Dossier.objects.filter(pk=dossier.pk).update(overdue_since=now)
        elif n % 5 == 3:
            Dossier.objects.filter(pk=dossier.pk).update(due_soon_at=now)
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_name="Nguyễn Thị Phương Thảo Hoàng Minh Khuê"  # a long name stays one line
    )

    log_in(office, world.clerk)
    # Staff land on their workspace.
    expect(office.get_by_role("heading", level=1)).to_have_text("Không gian làm việc")
    figures = office.evaluate(VISIBLE_ROWS)
    office.screenshot(path=screenshot_dir / "clerk-day-queue-1366x900.png")
    print(f"rows visible at 1366x900: {figures}")

    assert figures["total"] == 20
    assert figures["visible"] >= 15, figures
    # One line per dossier: no row and no date is taller than a line and its padding.
    assert figures["tallestTime"] < 1.5 * figures["lineHeight"], figures
    assert figures["tallestRow"] < 2 * figures["lineHeight"] + 12, figures
    assert not figures["scrollsSideways"], figures

    # The headers sort: due date, soonest first, then the other way.
    office.get_by_role("link", name="Hẹn trả").click()
    expect(office.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    expect(office.locator("th[aria-sort]")).to_contain_text("Hẹn trả")
    office.get_by_role("link", name="Hẹn trả").click()
    expect(office.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert "sap_xep=-han" in office.url

    # A filter keeps the order, and the name is found without diacritics.
    office.get_by_label("Mã hồ sơ, số định danh hoặc tên người nộp").fill("phuong thao")
    office.get_by_role("button", name="Lọc").click()
    expect(office.locator("table.staff-queue tbody tr")).to_have_count(1)
    assert "sap_xep=-han" in office.url and "q=phuong+thao" in office.url
    office.screenshot(path=screenshot_dir / "clerk-day-queue-search.png")


class Loads:
    """Counts the documents the tab loads (a POST answered by a redirect is one)."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        page.on("load", self._loaded)

    def _loaded(self, _page: Page) -> None:
        self.count += 1


def confirm(page: Page, label: str, code: str) -> None:
    """One click on the action's button, one on the dialog's confirmation."""
    page.locator(".staff-actions").get_by_role("link", name=label, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=f"Xác nhận: {label}").click()
    expect_success(page, f"Đã thực hiện “{label}” với hồ sơ {code}.")


def test_receive_hand_over_and_return_are_one_click_and_one_confirmation_each(
    office: Page, screenshot_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world: World = build_world()
    new = build_dossier(world, State.SUBMITTED)
    ready = build_dossier(world, State.READY_FOR_RETURN)
    log_in(office, world.clerk)

    office.goto(f"/can-bo/ho-so/{new.code}/")
    loads = Loads(office)
    office.locator(".staff-actions").get_by_role("link", name="Tiếp nhận", exact=True).click()
    office.get_by_role("dialog").get_by_role("button", name="Xác nhận: Tiếp nhận").click()
    new.code = received_code(office, str(new.code))
    expect(state_badge(office)).to_have_text("Được tiếp nhận")
    assert loads.count == 1
    office.locator(".staff-actions").get_by_role("link", name="Chuyển xử lý").click()
    expect(office.get_by_role("dialog")).to_contain_text("Thẩm định, trình ký")
    office.screenshot(path=screenshot_dir / "clerk-day-hand-over-dialog.png")
    office.get_by_role("dialog").get_by_role("button", name="Xác nhận: Chuyển xử lý").click()
    expect_success(office, f"Đã thực hiện “Chuyển xử lý” với hồ sơ {new.code}.")
    expect(state_badge(office)).to_have_text("Đang xử lý")
    assert loads.count == 2

    office.goto(f"/can-bo/ho-so/{ready.code}/")
    assert loads.count == 3
    confirm(office, "Trả kết quả", str(ready.code))
    expect(state_badge(office)).to_have_text("Đã trả kết quả")
    assert loads.count == 4  # three actions, one page load each (the goto is the fourth)
    office.screenshot(path=screenshot_dir / "clerk-day-returned.png")

    # Cancel closes the dialog and does nothing.
    other = build_dossier(world, State.SUBMITTED)
    office.goto(f"/can-bo/ho-so/{other.code}/")
    office.locator(".staff-actions").get_by_role("link", name="Tiếp nhận", exact=True).click()
    office.get_by_role("dialog").get_by_role("button", name="Hủy").click()
    expect(office.get_by_role("dialog")).to_be_hidden()
    other.refresh_from_db()
    assert other.state == State.SUBMITTED

    for dossier, target in ((new, State.IN_APPRAISAL), (ready, State.RETURNED)):
        dossier.refresh_from_db()
        assert dossier.state == target


def test_without_javascript_the_button_still_goes_through_the_action_page(
    browser, live_server, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    dossier = build_dossier(world, State.SUBMITTED)
    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE, locale="vi-VN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, world.clerk)
        page.goto(f"/can-bo/ho-so/{dossier.code}/")
        page.locator(".staff-actions").get_by_role("link", name="Tiếp nhận", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tiếp nhận")
        page.locator(".staff-action form").get_by_role("button", name="Tiếp nhận").click()
        received_code(page, str(dossier.code))
    finally:
        context.close()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
