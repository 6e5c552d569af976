"""A citizen corrects a draft in a real browser (issue 9 item 6): after an upload the focus
is on that component's row; a file is replaced and taken out; "My dossiers" shows the state
and the due date on a 390 px phone without scrolling sideways. Screenshots in
``test-artifacts/screenshots/draft-*.png``."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from dossiers.models import State
from tests.browser.test_catalogue_browser import overflowing
from tests.browser.test_dossier_happy_path import PHONE, log_in, make_pdf
from tests.dossiers.factories import build_dossier, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FOCUSED_ROW = "() => document.activeElement && document.activeElement.id"


def test_a_draft_is_corrected_and_my_dossiers_reads_on_a_phone(
    page: Page, screenshot_dir: Path, tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    filed = build_dossier(world, State.RECEIVED)  # one with a due date, for the list
    draft = build_dossier(world, State.DRAFT)
    component = world.required_components[0]
    log_in(page, world.citizen)

    page.goto(f"/ho-so-cua-toi/{draft.ref}/ban-nhap/")
    row = page.locator(f"#thanh-phan-{component.pk}")
    row.get_by_text("Thay tệp").first.click()
    row.get_by_label("Tệp mới").first.set_input_files(make_pdf(tmp_path / "ban-chup-moi.pdf"))
    row.get_by_role("button", name="Thay", exact=True).first.click()
    expect(page.locator(".message.success")).to_contain_text("ban-chup-moi.pdf")
    # Back at the row just worked on, with the focus there for the keyboard.
    assert page.evaluate(FOCUSED_ROW) == f"thanh-phan-{component.pk}"
    page.screenshot(path=screenshot_dir / "draft-1-replaced-1280.png", full_page=True)

    row.get_by_role("button", name="Gỡ tệp").first.click()
    expect(page.locator(".message.success")).to_contain_text("Đã gỡ tệp “ban-chup-moi.pdf”.")
    expect(page.locator(f"#thanh-phan-{component.pk}")).to_contain_text("Bắt buộc")
    assert page.evaluate(FOCUSED_ROW) == f"thanh-phan-{component.pk}"
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshot_dir / "draft-2-removed-390.png", full_page=True)
    assert overflowing(page) == []

    page.goto("/ho-so-cua-toi/")
    listed = page.get_by_role("row").filter(has_text=str(filed.code))
    expect(listed.get_by_text("Được tiếp nhận")).to_be_in_viewport()
    expect(listed.locator(".nowrap").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert overflowing(page) == []
    page.screenshot(path=screenshot_dir / "draft-3-my-dossiers-390.png", full_page=True)
