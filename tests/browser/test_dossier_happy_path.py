"""The whole happy path of a dossier in a real browser, as the people who live it (issue 3).

The citizen files online with real PDF files; the one-stop clerk receives it and hands it
over; the department's specialist proposes the result; the head approves it; the clerk
returns it; the citizen sees "Đã trả kết quả" and downloads the receipt slip (form 01).
Every step goes through the pages only (login form, links, buttons, file pickers), and
leaves a screenshot in ``test-artifacts/screenshots/happy-path-NN-<step>.png`` (1280 px wide;
the citizen's final dossier page also at 390 px).
"""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pypdf import PdfReader, PdfWriter
from pytest_django.fixtures import Settings

from accounts.models import User
from dossiers.models import Dossier, State
from tests.browser.conftest import give_second_factor, received_code
from tests.browser.test_catalogue_browser import overflowing
from tests.dossiers.factories import World, build_world
from tests.factories import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server reads from another connection; roles created by migrations survive.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def make_pdf(path: Path, pages: int = 1) -> Path:
    """A small, real PDF (A4 blank pages), as a scanner would leave on the citizen's disk."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


class Camera:
    """Numbered full-page screenshots of the walk: happy-path-01-citizen-logged-in.png, …"""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0
        for old in folder.glob("happy-path-*.png"):
            old.unlink()

    def shot(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"happy-path-{self.count:02d}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


def log_in(page: Page, user: User) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(user.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    give_second_factor(page, user)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(page.get_by_role("link", name=user.full_name)).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(".message.success")).to_contain_text(text)


def open_from_queue(page: Page, code: str) -> None:
    page.get_by_role("link", name="Không gian làm việc").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Không gian làm việc")
    page.get_by_role("link", name=code, exact=True).first.click()
    expect(page.locator("h1 .dossier-code")).to_have_text(code)


def take_action(page: Page, label: str) -> None:
    """On the staff dossier page: the action's button, then its form's page."""
    page.locator(".staff-actions").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)


def confirm_action(page: Page, label: str, code: str) -> None:
    page.locator(".staff-action form").get_by_role("button", name=label, exact=True).click()
    expect_success(page, f"Đã thực hiện “{label}” với hồ sơ {code}.")


def open_confirmation(page: Page, label: str) -> Locator:
    """An action that needs no input: its button opens a confirmation on the dossier page."""
    page.locator(".staff-actions").get_by_role("link", name=label, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    return dialog


def confirm_in_dialog(dialog: Locator, label: str, code: str) -> None:
    dialog.get_by_role("button", name=f"Xác nhận: {label}").click()
    expect_success(dialog.page, f"Đã thực hiện “{label}” với hồ sơ {code}.")


SCROLLING_TABLES = """() => [...document.querySelectorAll(".table-wrap")]
  .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
  .map(wrap => wrap.querySelector("table").className)"""


def tables_scrolling_sideways(page: Page) -> list[str]:
    """Tables that do not fit the screen (they scroll inside their wrapper instead)."""
    return page.evaluate(SCROLLING_TABLES)


def state_badge(page: Page) -> Locator:
    return page.locator("h1 .dossier-state")


def citizen_files_the_dossier(page: Page, world: World, camera: Camera, tmp_path: Path) -> str:
    citizen = world.citizen
    log_in(page, citizen)
    camera.shot("citizen-logged-in")

    page.goto(f"/thu-tuc/{world.procedure.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.procedure.name)
    camera.shot("guidance")
    page.locator("#file-dossier").click()

    # Filed for herself: the identity is the account's (shown, not typed); the contact
    # details come prefilled from the profile.
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    expect(page.get_by_label("Nộp cho chính mình")).to_be_checked()
    filer = page.locator(".dossier-filer")
    expect(filer).to_contain_text(citizen.full_name)
    expect(filer).to_contain_text(citizen.national_id)
    expect(filer).to_contain_text("17/05/1990")
    expect(page.get_by_label("Địa chỉ thường trú")).to_have_value(citizen.address)
    expect(page.get_by_label("Thư điện tử")).to_have_value(citizen.email)
    expect(page.get_by_label("Trực tuyến", exact=True)).to_be_checked()
    for component in world.required_components:
        expect(page.locator("main")).to_contain_text(component.name)
    camera.shot("start-prefilled")
    page.get_by_role("button", name="Lưu bản nháp và tiếp tục").click()

    # The draft's checklist: one real PDF per required component.
    expect_success(page, "Đã lưu bản nháp")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ nháp")
    for component in world.required_components:
        row = page.locator(f"#thanh-phan-{component.pk}")
        expect(row).to_contain_text("Bắt buộc")
        scan = make_pdf(tmp_path / f"thanh-phan-{component.order}.pdf", pages=component.order)
        row.locator("input[type=file]").set_input_files(scan)
        row.get_by_role("button", name="Tải lên").click()
        expect_success(page, f"Đã tải lên “{scan.name}” cho “{component.name}”.")
        expect(page.locator(f"#thanh-phan-{component.pk}")).to_contain_text("Đã tải lên")
    expect(page.get_by_text("Đã đủ thành phần hồ sơ bắt buộc.")).to_be_visible()
    camera.shot("components-uploaded")

    page.locator("#submit-dossier").click()
    expect(page.locator(".message.success")).to_contain_text("Đã nộp hồ sơ. Mã hồ sơ của bạn là")
    code = page.locator("h1 .dossier-code").inner_text().strip()
    assert re.fullmatch(r"000\.00\.01\.H75-\d{6}-\d{4}", code), code
    expect(page.locator(".message.success")).to_contain_text(code)
    expect(state_badge(page)).to_have_text("Mới đăng ký")
    camera.shot("submitted")
    assert Dossier.objects.get(code=code).state == State.SUBMITTED
    log_out(page)
    return code


def test_the_whole_happy_path_in_a_browser(
    page: Page, screenshot_dir: Path, tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    camera = Camera(page, screenshot_dir)

    # 1. The citizen files online and gets a code.
    code = citizen_files_the_dossier(page, world, camera, tmp_path)

    # 2. The one-stop clerk receives it, then hands it over to the department.
    log_in(page, world.clerk)
    open_from_queue(page, code)
    expect(state_badge(page)).to_have_text("Mới đăng ký")
    expect(page.locator("main")).to_contain_text(world.citizen.full_name)
    camera.shot("clerk-opens")
    dialog = open_confirmation(page, "Tiếp nhận")
    camera.shot("clerk-receive-form")
    dialog.get_by_role("button", name="Xác nhận: Tiếp nhận").click()
    code = received_code(page, code)
    expect(state_badge(page)).to_have_text("Được tiếp nhận")
    expect(page.get_by_role("link", name=re.compile("Giấy tiếp nhận hồ sơ"))).to_be_visible()
    camera.shot("clerk-received")
    # To name the specialist, the hand-over's own page (from its confirmation).
    open_confirmation(page, "Chuyển xử lý").get_by_role(
        "link", name="Giao cho một người cụ thể…"
    ).click()
    expect(page.locator(".staff-action")).to_contain_text("Thẩm định, trình ký")
    page.get_by_label("Giao cho").select_option(label=world.specialist.full_name)
    page.get_by_label("Ý kiến khi chuyển").fill("Hồ sơ đầy đủ, đề nghị thẩm định.")
    camera.shot("clerk-hand-over-form")
    confirm_action(page, "Chuyển xử lý", code)
    expect(state_badge(page)).to_have_text("Đang xử lý")
    camera.shot("clerk-handed-over")
    log_out(page)

    # 3. The specialist proposes to grant it, with the result document.
    log_in(page, world.specialist)
    open_from_queue(page, code)
    camera.shot("specialist-opens")
    take_action(page, "Đề xuất kết quả")
    page.get_by_label("Giải quyết", exact=True).check()
    page.get_by_label("Văn bản kết quả").set_input_files(make_pdf(tmp_path / "phieu-ltp.pdf"))
    camera.shot("specialist-propose-form")
    confirm_action(page, "Đề xuất kết quả", code)
    expect(page.locator("main")).to_contain_text(f"Giải quyết — {world.specialist.full_name}")
    camera.shot("specialist-proposed")
    log_out(page)

    # 4. The head approves the proposal.
    log_in(page, world.head)
    page.get_by_role("link", name="Không gian làm việc").click()
    proposals = page.locator(
        "section", has=page.get_by_role("heading", name="Đề xuất chờ phê duyệt")
    )
    expect(proposals.get_by_role("link", name=code)).to_be_visible()
    camera.shot("head-queue")
    assert tables_scrolling_sideways(page) == []
    proposals.get_by_role("link", name=code).click()
    dialog = open_confirmation(page, "Phê duyệt")
    expect(dialog).to_contain_text(world.specialist.full_name)
    camera.shot("head-approve-form")
    confirm_in_dialog(dialog, "Phê duyệt", code)
    expect(state_badge(page)).to_have_text("Đã xử lý xong")
    camera.shot("head-approved")
    log_out(page)

    # 5. The clerk returns the result.
    log_in(page, world.clerk)
    open_from_queue(page, code)
    dialog = open_confirmation(page, "Trả kết quả")
    camera.shot("clerk-return-form")
    confirm_in_dialog(dialog, "Trả kết quả", code)
    expect(state_badge(page)).to_have_text("Đã trả kết quả")
    camera.shot("clerk-returned")
    # At 1280 px the process table (8 columns) fits without scrolling sideways.
    assert tables_scrolling_sideways(page) == []
    log_out(page)

    # 6. The citizen sees the result and downloads the receipt slip.
    log_in(page, world.citizen)
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(code)))).to_contain_text(
        "Đã trả kết quả"
    )
    camera.shot("citizen-my-dossiers")
    page.get_by_role("link", name=code).click()
    expect(state_badge(page)).to_have_text("Đã trả kết quả")
    expect(page.locator(".summary")).to_contain_text("Giải quyết")
    # The result comes online: no postal address is shown as where it goes.
    expect(page.locator(".summary")).to_contain_text("Trực tuyến")
    expect(page.locator(".summary")).not_to_contain_text(world.citizen.address)
    camera.shot("citizen-result")
    page.set_viewport_size(PHONE)
    camera.shot("citizen-result-390")
    assert overflowing(page) == []
    page.set_viewport_size(DESKTOP)

    with page.expect_download() as caught:
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    download = caught.value
    assert download.suggested_filename == f"{code}-mau-01.pdf"
    text = "\n".join(
        page_.extract_text()
        for page_ in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages
    )
    words = " ".join(text.split())  # the layout wraps long lines
    assert RECEIPT_TITLE in words
    assert f"Mã hồ sơ: {code}" in words
    assert world.citizen.full_name in words
    assert world.clerk.full_name in words
