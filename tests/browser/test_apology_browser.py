"""Issue 4 "Show it" in a real browser: the department head opens the overdue list, opens the
draft apology letter, edits the reason and the new date, issues it; the citizen signs in,
reads the letter on the dossier page and downloads the PDF; the public page shows the new
date. Screenshots of every step go to test-artifacts/screenshots/apology-*.png.
"""

import datetime
import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from apologies.models import ApologyLetter, LetterState
from dossiers.models import Dossier
from tests.apologies.overdue import flag_and_draft, received_dossier
from tests.browser.conftest import give_second_factor
from tests.dossiers.conftest import media_root  # noqa: F401
from tests.dossiers.factories import build_world
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from workcalendar import engine
from workcalendar.calendars import calendar_for

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another connection; roles created by migrations survive.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The letters' PDFs go to a fresh folder (the live server runs in this process).
    pytest.mark.usefixtures("media_root"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NEW_REASON = "Hồ sơ cần xác minh thêm thông tin lý lịch tại Công an tỉnh Đồng Nai."

OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => !e.closest(".table-wrap") && e.getBoundingClientRect().right > limit + 0.5)
    .map(e => [e.tagName.toLowerCase(), e.id, ...e.classList].join("."));
}"""


def three_weeks_ago_at_nine() -> datetime.datetime:
    """A weekday morning three weeks back: the 3-working-day deadline is long gone now."""
    day = timezone.localdate() - datetime.timedelta(days=21)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    joined = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", joined).split())


def sign_in(page: Page, email: str) -> None:
    """On the login page the site sent us to: e-mail, password, "Đăng nhập"."""
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/"))
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    give_second_factor(page, User.objects.get(email=email))


def test_the_head_issues_the_letter_and_the_citizen_downloads_it(
    page: Page, screenshot_dir: Path
) -> None:
    # Setup in the past (time-machine inside the builders), then the scan and the worker's
    # draft now: the list only needs the flags.
    world = build_world()
    dossier = received_dossier(world, moment=three_weeks_ago_at_nine())
    # A second one, late the same way, whose letter nobody has issued yet.
    waiting = received_dossier(world, moment=three_weeks_ago_at_nine())
    flag_and_draft(None)
    dossier.refresh_from_db()
    assert dossier.overdue_since is not None
    letter = ApologyLetter.objects.get(dossier=dossier)
    # The draft waited for its signature until its proposed date went by.
    ApologyLetter.objects.filter(pk=letter.pk).update(
        proposed_due_at=timezone.now() - datetime.timedelta(days=2)
    )
    # To the minute, as the date field takes it.
    new_date = timezone.localtime(
        engine.add_working_time(calendar_for(world.centre), timezone.now(), 16).due_at
    ).replace(second=0, microsecond=0)

    # 1. The head opens the overdue list (the login page first).
    page.goto("/can-bo/qua-han/")
    sign_in(page, world.head.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Theo dõi hạn giải quyết")
    expect(page.get_by_role("link", name="Quá hạn", exact=True)).to_be_visible()  # the navigation
    row = page.get_by_role("row").filter(has_text=dossier.code)
    expect(row).to_contain_text("Sở Tư pháp — Phòng Hành chính tư pháp")
    expect(row).to_contain_text("Thẩm định, trình ký")
    expect(row).to_contain_text("Dự thảo")
    expect(page.locator(".apology-tabs [aria-current=page]")).to_contain_text("Quá hạn")
    page.screenshot(path=screenshot_dir / "apology-1-overdue-list-1280.png", full_page=True)
    # On a phone the list's table scrolls inside its frame; the page itself is never wider
    # than the screen (a cell's visually hidden label once widened it to 695 px).
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]

    # 2. … opens the draft letter and previews it.
    row.get_by_role("link", name="Xem, ban hành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"
    )
    expect(page.get_by_text("Nguyễn Thị Ánh").first).to_be_visible()
    # Its proposed date is gone: the page says so before anyone issues it.
    expect(page.get_by_text("Ngày hẹn trả mới của dự thảo đã qua")).to_be_visible()
    with page.expect_download() as preview:
        page.get_by_role("link", name="Xem bản dự thảo (PDF)").click()
    draft_text = pdf_text(Path(preview.value.path()).read_bytes())
    assert "DỰ THẢO" in draft_text and str(dossier.code) in draft_text
    page.screenshot(path=screenshot_dir / "apology-2-letter-draft-1280.png", full_page=True)

    # 3. … edits the reason and the new date, saves the draft.
    page.get_by_label("Lý do quá hạn").fill(NEW_REASON)
    page.get_by_label("Ngày hẹn trả mới").fill(new_date.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu dự thảo phiếu xin lỗi.")
    expect(page.get_by_label("Lý do quá hạn")).to_have_value(NEW_REASON)
    page.screenshot(path=screenshot_dir / "apology-3-letter-edited-1280.png", full_page=True)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.screenshot(path=screenshot_dir / "apology-3-letter-edited-390.png", full_page=True)
    assert page.evaluate(OVERFLOWING) == []
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]

    # 4. … issues it, once asked to confirm (a letter is issued once only).
    page.get_by_role("button", name="Ban hành").click()
    expect(page.get_by_role("heading", name="Xác nhận ban hành phiếu")).to_be_visible()
    page.screenshot(path=screenshot_dir / "apology-4-confirm-1280.png", full_page=True)
    assert ApologyLetter.objects.get(pk=letter.pk).state == LetterState.DRAFT
    page.get_by_role("button", name="Xác nhận ban hành").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ban hành phiếu số 01/PXL")
    expect(page.get_by_role("button", name="Ban hành")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "apology-4-letter-issued-1280.png", full_page=True)
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == LetterState.ISSUED and letter.number_label.startswith("01/PXL-")
    assert dossier.due_at == new_date and dossier.extension_count == 1

    # 5. The citizen signs in, opens the dossier, reads the letter and downloads the PDF.
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    sign_in(page, world.citizen.email)
    section = page.locator("section.apology-citizen")
    expect(section).to_contain_text("01/PXL")
    expect(section).to_contain_text(NEW_REASON)
    expect(section).to_contain_text(new_date.strftime("%H:%M %d/%m/%Y"))
    section.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "apology-5-citizen-dossier-1280.png", full_page=True)
    with page.expect_download() as download:
        number = ApologyLetter.objects.get(dossier=dossier).number_label
        assert re.fullmatch(r"01/PXL-\w+", number), number
        section.get_by_role("link", name=f"Tải phiếu {number} (PDF)").click()
    assert download.value.suggested_filename == f"{dossier.code}-phieu-xin-loi.pdf"
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "VĂN BẢN XIN LỖI" in text
    assert str(dossier.code) in text
    assert "Nguyễn Thị Ánh" in text
    assert "".join(NEW_REASON.split()) in "".join(text.split())
    assert "DỰ THẢO" not in text
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.screenshot(path=screenshot_dir / "apology-5-citizen-dossier-390.png", full_page=True)
    assert page.evaluate(OVERFLOWING) == []
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]

    # 6. The public status page: the new date, no personal data.
    # (with the lookup secret of the receipt: the code alone shows the state only)
    page.goto(f"/tra-cuu/{dossier.code}/?k={dossier.lookup_secret}")
    expect(page.get_by_text("Ngày hẹn trả mới")).to_be_visible()
    expect(page.locator(".apology-public")).to_contain_text(new_date.strftime("%H:%M %d/%m/%Y"))
    content = page.content()
    assert str(world.citizen.national_id) not in content and NEW_REASON not in content
    page.screenshot(path=screenshot_dir / "apology-6-public-status-1280.png", full_page=True)
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="apology_issued").count() == 1

    # 7. The centre supervisor: the province's escalated dossiers, narrowed to one agency. The
    # issued letter gave the first dossier a new date, so only the second is still escalated.
    supervisor = StaffFactory(agency=world.centre, role="supervisor", full_name="Võ Thị Giang")
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/can-bo/qua-han/?loai=chuyen-giam-sat")
    sign_in(page, supervisor.email)
    expect(page.locator(".page-header .lead")).to_have_text("Toàn tỉnh Đồng Nai")
    page.get_by_role("combobox", name="Cơ quan").select_option(label="Sở Tư pháp tỉnh Đồng Nai")
    page.get_by_role("button", name="Lọc").click()
    row = page.get_by_role("row").filter(has_text=str(waiting.code))
    expect(row).to_contain_text("Sở Tư pháp — Phòng Hành chính tư pháp")
    expect(row).to_contain_text("Dự thảo")
    # The supervisor follows the letters; the head of the unit at fault signs them.
    expect(row.get_by_role("link", name="Xem dự thảo")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=str(dossier.code))).to_have_count(0)
    expect(page.get_by_role("link", name="Bỏ lọc")).to_be_visible()
    page.screenshot(path=screenshot_dir / "apology-7-supervisor-1280.png", full_page=True)
