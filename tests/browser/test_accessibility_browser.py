"""Error states in a real browser, each page audited by axe-core (tests/browser/conftest.py):
a form's errors are announced and tied to their fields, the error pages, and English
chosen once and remembered."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, CitizenFactory

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another connection; roles created by migrations survive.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_form_errors_reach_the_fields_and_the_error_pages(page: Page, settings) -> None:
    settings.DEBUG = False  # the portal's own 404, as in production
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()

    # Announced on arrival, with a link to each field to correct.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Thông tin chưa hợp lệ")
    login = page.get_by_label("Thư điện tử hoặc số điện thoại")
    expect(login).to_have_attribute("aria-invalid", "true")
    # The error is the field's accessible description: a screen reader reads it with it.
    expect(login).to_have_accessible_description(re.compile("Trường này là bắt buộc."))
    alert.get_by_role("link", name=re.compile("Thư điện tử hoặc số điện thoại")).click()
    expect(login).to_be_focused()

    page.goto("/khong-co-trang-nay/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.get_by_role("link", name="Tra cứu hồ sơ").last).to_be_visible()

    citizen = CitizenFactory()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(citizen.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.goto("/can-bo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có quyền truy cập")
    expect(page.locator("main")).to_contain_text("Trang này dành cho cán bộ, công chức.")


def test_english_is_one_click_away_and_remembered(browser, live_server, axe_audit) -> None:
    # A browser set to English still opens the portal in Vietnamese.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    axe_audit(page)
    page.goto("/thu-tuc/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh mục thủ tục hành chính")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Catalogue of administrative procedures"
    )
    # Remembered: another page, and the next visit.
    page.goto("/tra-cuu/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    cookie = next(c for c in context.cookies() if c["name"] == "django_language")
    assert cookie["value"] == "en" and cookie["expires"] > 0  # not a session cookie
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    context.close()
