"""Official slips rendered to PDF (docs/design.md §8; issue 3 item 5).

Dossiers are walked through the real services at fixed moments (time-machine), each slip is
rendered by WeasyPrint and its text read back with pypdf: what a citizen holding the paper
would read.
"""

import datetime
import http.server
import io
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from fontTools.ttLib import TTFont

from core import pdf as core_pdf
from dossiers import numbering, services
from dossiers.models import IssuedSlip, State, SupplementRequest
from dossiers.slips import catalogue, contexts, render, wording
from tests.dossiers.factories import World, build_dossier, draft_with_files, make_pdf_upload
from tests.factories import CitizenFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 20 January 2025, 08:00 in Đồng Nai: an ordinary working week before Tết.
MONDAY_8AM = datetime.datetime(2025, 1, 20, 8, 0, tzinfo=VN)


def at(
    day: int, hour: int, minute: int = 0, *, month: int = 1, year: int = 2025
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (lines wrap wherever the layout says)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def squashed(text: str) -> str:
    """Without any whitespace: for long strings the layout may break anywhere."""
    return "".join(text.split())


def received(world: World, when: datetime.datetime = MONDAY_8AM, **details: str):
    """A dossier of the world's citizen, submitted and received at ``when``."""
    with time_machine.travel(when, tick=False):
        dossier = draft_with_files(world) if not details else _draft_with(world, **details)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
    dossier.refresh_from_db()
    return dossier


def _draft_with(world: World, **details: str):

    dossier = services.dossier_create_draft(
        applicant=world.citizen,
        procedure=world.procedure,
        agency=world.centre,
        actor=world.citizen,
        applicant_details=details,
    )
    for component in world.required_components:
        services.dossier_attach_file(
            dossier=dossier, actor=world.citizen, upload=make_pdf_upload(), component=component
        )
    return dossier


def slip_text(dossier, form: str) -> str:
    _html, pdf = render.render_pdf(form, contexts.slip_context(dossier, form))
    return pdf_text(pdf)


@pytest.fixture(autouse=True)
def _media(media_root: Path, settings: Any) -> Path:
    # The world's staff need no strong hashing here; it is most of a test's setup time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return media_root


# --- form 01 -----------------------------------------------------------------------------------


def test_the_receipt_shows_title_code_applicant_appointment_and_number(world: World) -> None:
    dossier = received(world)
    assert world.citizen.full_name == "Nguyễn Thị Ánh"

    text = slip_text(dossier, "01")

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Thị Ánh" in text
    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in text
    # The header: issuing body and its governing body, national title and motto, number.
    assert "UBND TỈNH ĐỒNG NAI" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐỒNG NAI" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 01/PTNHS-TTPVHCC" in text
    assert "Đồng Nai, ngày 20 tháng 01 năm 2025" in text
    # Received Monday 08:00; 24 working hours (3 days of 07:30–11:30, 13:00–17:00) later.
    assert "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 20 tháng 01 năm 2025" in text
    assert (
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 23 tháng 01 năm 2025" in text
    )
    assert "3 ngày làm việc" in text
    # The components received, the clerk, and where to follow the dossier.
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    assert "Bản chụp thẻ Căn cước" in text
    assert "Lê Văn Cường" in text
    assert squashed(f"{settings.SITE_URL}/tra-cuu/{dossier.code}/") in squashed(text)


def test_the_qr_code_opens_the_public_status_page(world: World) -> None:
    dossier = received(world)
    context = contexts.slip_context(dossier, "01")

    assert context["tracking_url"] == settings.SITE_URL.rstrip("/") + reverse(
        "dossiers:track", kwargs={"code": dossier.code}
    )
    html = render.render_html("01", context)
    assert 'src="data:image/svg+xml' in html


def test_numbers_run_per_agency_form_and_year_and_a_slip_keeps_its_number(world: World) -> None:
    first = received(world)
    second = received(world, at(20, 9))

    assert "Số: 01/PTNHS-TTPVHCC" in slip_text(first, "01")
    assert "Số: 02/PTNHS-TTPVHCC" in slip_text(second, "01")
    # Downloaded again, in any order: the same numbers.
    assert "Số: 01/PTNHS-TTPVHCC" in slip_text(first, "01")
    assert "Số: 02/PTNHS-TTPVHCC" in slip_text(second, "01")
    assert IssuedSlip.objects.filter(form="01").count() == 2

    # A new year starts again at 01 (2 January 2026 is a Friday, a working day).
    next_year = received(world, at(2, 9, year=2026))
    assert "Số: 01/PTNHS-TTPVHCC" in slip_text(next_year, "01")
    assert "ngày 02 tháng 01 năm 2026" in slip_text(next_year, "01")


def test_the_download_is_a_pdf_attachment_named_after_the_code(
    world: World, media_root: Path
) -> None:
    dossier = received(world)

    response = render.slip_response(dossier, "01", None)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-mau-01.pdf"'
    assert response.content.startswith(b"%PDF-")
    # The issued slip is kept: the next download is the same document.
    again = render.slip_response(dossier, "01", None)
    assert again.content == response.content
    assert IssuedSlip.objects.get(dossier=dossier, form="01").pdf


def test_the_citizen_downloads_the_receipt_from_the_dossier_page(client, world: World) -> None:
    dossier = received(world)
    url = reverse("dossiers:slip", args=[dossier.ref, "01"])

    client.force_login(world.citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert "Nguyễn Thị Ánh" in pdf_text(response.content)

    client.force_login(CitizenFactory(full_name="Trần Thị Khác"))
    assert client.get(url).status_code == 404


# --- forms 02, 03, 05 --------------------------------------------------------------------------


def test_the_supplement_request_lists_every_item_with_its_reason(world: World) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_request_supplement(
            dossier=dossier,
            actor=world.clerk,
            items=[
                {"name": "Bản chụp thẻ Căn cước", "reason": "Ảnh chụp bị mờ, không đọc được số."},
                {"name": "Giấy ủy quyền", "reason": "Thiếu chữ ký của người ủy quyền."},
            ],
        )

    assert [form for form, _title in catalogue.AVAILABLE_FORMS(dossier)] == ["02"]
    text = slip_text(dossier, "02")

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Thị Ánh" in text
    assert "Số: 01/PYCBS-TTPVHCC" in text
    assert "Ảnh chụp bị mờ, không đọc được số." in text
    assert "Thiếu chữ ký của người ủy quyền." in text
    assert "Lê Văn Cường" in text
    assert SupplementRequest.objects.get(dossier=dossier).number == "01/PYCBS-TTPVHCC"


def test_the_refusal_gives_the_written_reasons(world: World) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_refuse(
            dossier=dossier, actor=world.clerk, reason="Hồ sơ không thuộc thẩm quyền giải quyết."
        )

    text = slip_text(dossier, "03")

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 01/PTCHS-TTPVHCC" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Thị Ánh" in text
    assert "Hồ sơ không thuộc thẩm quyền giải quyết." in text


def test_the_stop_notice_is_the_receiving_sections_with_the_reason_and_who_decided(
    world: World,
) -> None:
    """Form 05, "Thông báo dừng giải quyết hồ sơ", is issued by the one-stop section that
    received the dossier: its header, its number symbol, its head's signature; the head of
    the department who stopped the dossier is named as the one who decided."""
    with time_machine.travel(at(21, 14), tick=False):
        dossier = build_dossier(world, State.STOPPED)

    text = slip_text(dossier, "05")

    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "PHIẾU DỪNG" not in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐỒNG NAI" in text
    assert "SỞ TƯ PHÁP TỈNH ĐỒNG NAI" not in text
    assert "Số: 01/PDXL-TTPVHCC" in text
    assert f"Số định danh cá nhân: {dossier.applicant_national_id}" in text
    assert "Lý do: Công dân đề nghị dừng xử lý." in text
    assert "theo quyết định của Hoàng Văn Em — Sở Tư pháp tỉnh Đồng Nai" in text
    assert "14 giờ 00 phút, ngày 21 tháng 01 năm 2025" in text
    # Signed at the section by its head (the centre's "Giám đốc"), the name by hand.
    assert "GIÁM ĐỐC (Ký, ghi rõ họ tên và đóng dấu)" in text
    slip = IssuedSlip.objects.get(dossier=dossier, form="05")
    assert slip.agency_id == world.centre.pk
    assert slip.signer == {"lines": ["GIÁM ĐỐC"], "name": ""}


def test_a_withdrawn_dossier_gets_a_stop_notice_too(world: World) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = build_dossier(world, State.WITHDRAWN)

    assert [form for form, _title in catalogue.AVAILABLE_FORMS(dossier)] == ["05"]
    text = slip_text(dossier, "05")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 01/PDXL-TTPVHCC" in text
    assert "Theo đề nghị rút hồ sơ của ông/bà" in text
    assert "Không còn nhu cầu." in text
    assert "theo quyết định của" not in text


def _sign_as(person, **record: str) -> None:
    for name, value in record.items():
        setattr(person, name, value)
    person.full_clean(exclude=["password"])
    person.save()


def test_someone_of_the_receiving_section_who_stops_signs_with_their_own_block(
    world: World,
) -> None:
    """Decree 30/2020 art. 13, Annex I II.7 (docs/legal.md, "Who signs"): the section's own
    deputy head prints "KT." before the head's title, then their office, then their name."""
    from accounts.signing import SignsAs

    with time_machine.travel(at(21, 14), tick=False):
        dossier = build_dossier(world, State.STOPPED)
    world.head.agency = world.centre
    world.head.department = None
    _sign_as(
        world.head, signing_title="Phó Giám đốc", signs_as=SignsAs.KT, signs_for_title="Giám đốc"
    )

    terms = numbering.slip_terms(dossier, "05")

    assert terms.agency_id == world.centre.pk
    assert terms.signer is not None
    assert terms.signer.lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert terms.signer.name == "Hoàng Văn Em"


def test_an_issued_stop_notice_keeps_its_block(world: World) -> None:
    with time_machine.travel(at(21, 14), tick=False):
        dossier = build_dossier(world, State.STOPPED)
    before = slip_text(dossier, "05")
    world.centre.head_title = "Trưởng ban"
    world.centre.save()

    assert "GIÁM ĐỐC" in before
    assert "TRƯỞNG BAN" not in slip_text(dossier, "05")


def test_a_head_whose_record_says_no_title_cannot_stop_a_dossier(world: World) -> None:
    from core.errors import DossierError

    _sign_as(world.head, signing_title="")
    with time_machine.travel(at(21, 14), tick=False):
        dossier = build_dossier(world, State.IN_APPRAISAL)
        with pytest.raises(DossierError) as caught:
            services.dossier_stop(dossier=dossier, actor=world.head, reason="Hồ sơ giả mạo.")

    assert "chưa ghi chức vụ và hình thức ký văn bản" in str(caught.value.message)
    dossier.refresh_from_db()
    assert dossier.state == State.IN_APPRAISAL
    assert not IssuedSlip.objects.filter(dossier=dossier, form="05").exists()


def test_a_stop_notice_numbered_before_blocks_were_recorded_prints_what_it_printed(
    world: World,
) -> None:
    with time_machine.travel(at(21, 14), tick=False):
        dossier = build_dossier(world, State.STOPPED)
    IssuedSlip.objects.filter(dossier=dossier, form="05").update(signer={})

    text = slip_text(dossier, "05")

    assert "GIÁM ĐỐC" in text and "Hoàng Văn Em" in text


# --- form 06 -----------------------------------------------------------------------------------


def status_cells(html: str) -> list[str]:
    return [
        cell.strip() for cell in re.findall(r'<td class="center status">(.*?)</td>', html, re.S)
    ]


def test_the_control_slip_marks_a_step_finished_after_its_due_time_late(world: World) -> None:
    dossier = received(world)  # reception (4 h) starts Monday 08:00: due 13:30 the same day
    with time_machine.travel(at(21, 9), tick=False):  # handed over Tuesday 09:00: late
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    with time_machine.travel(at(21, 10), tick=False):  # appraisal (16 h, due Thursday) done early
        services.dossier_propose(
            dossier=dossier,
            actor=world.specialist,
            decision="granted",
            result_file=make_pdf_upload("ket-qua.pdf"),
        )
        services.dossier_approve(dossier=dossier, actor=world.head)

    html, pdf = render.render_pdf("06", contexts.slip_context(dossier, "06"))

    assert status_cells(html) == ["Quá hạn", "Trước hạn"]
    text = pdf_text(pdf)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 01/PTNHS-TTPVHCC" in text
    assert "Phòng Hành chính tư pháp — Sở Tư pháp" in text
    assert "09 giờ 00 phút, ngày 21 tháng 01 năm 2025" in text  # the hand-over
    assert "13 giờ 30 phút, ngày 20 tháng 01 năm 2025" in text  # the reception step's due time
    # Each row: the giver's due time, then whether it was met.
    assert "13 giờ 30 phút, ngày 20 tháng 01 năm 2025 Quá hạn" in text
    assert "09 giờ 00 phút, ngày 23 tháng 01 năm 2025 Trước hạn" in text


def test_a_hand_over_in_time_is_not_marked_late(world: World) -> None:
    dossier = received(world)
    with time_machine.travel(at(20, 10), tick=False):
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)

    html = render.render_html("06", contexts.slip_context(dossier, "06"))

    assert status_cells(html) == ["Đúng hạn"]
    assert wording.timeliness(at(20, 13, 30), at(20, 13, 30)) == "Đúng hạn"
    assert wording.timeliness(at(20, 13, 31), at(20, 13, 30)) == "Quá hạn"
    assert wording.timeliness(at(17, 16), at(20, 13, 30)) == "Trước hạn"


# --- which slips exist -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "forms"),
    [
        (State.DRAFT, []),
        (State.SUBMITTED, []),
        (State.SUPPLEMENT_REQUESTED, ["02"]),
        (State.REFUSED, ["03"]),
        (State.RECEIVED, ["01"]),
        (State.IN_APPRAISAL, ["01", "06"]),
        (State.AWAITING_SUPPLEMENT, ["01", "02", "06"]),
        (State.STOPPED, ["01", "05", "06"]),
        (State.RETURNED, ["01", "06"]),
    ],
)
def test_the_available_slips_follow_the_history(
    world: World, django_assert_num_queries: Callable, state: str, forms: list[str]
) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = build_dossier(world, state)

    # One query: the actions the dossier went through.
    with django_assert_num_queries(0 if state == State.DRAFT else 1):
        available = catalogue.AVAILABLE_FORMS(dossier)

    assert [form for form, _title in available] == forms
    for form, title in available:
        assert form in available
        assert title == str(catalogue.FORM_TITLES[form])
    assert "04" not in available


# --- safety: escaping and the URL fetcher -------------------------------------------------------


@pytest.fixture
def trap_server() -> Iterator[tuple[int, list[str]]]:
    """An HTTP server on 127.0.0.1 recording every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the renderer asks the fetcher for."""
    calls: list[str] = []
    real = core_pdf.url_fetcher

    def recording(url: str) -> core_pdf.FetchedResource:
        calls.append(url)
        return real(url)

    monkeypatch.setattr(core_pdf, "url_fetcher", recording)
    return calls


def test_citizen_input_is_printed_as_text_and_fetches_nothing(
    world: World, trap_server: tuple[int, list[str]], fetched: list[str]
) -> None:
    port, hits = trap_server
    image = f'<img src="http://127.0.0.1:{port}/x.png">'
    link = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
    address = f"{image} {link} file:///etc/passwd <script>alert(1)</script>"
    dossier = received(world, applicant_address=address, applicant_name="Nguyễn Thị Ánh")

    html, pdf = render.render_pdf("01", contexts.slip_context(dossier, "01"))

    # Nothing reached the trap, and the renderer never even asked for it.
    assert hits == []
    assert fetched, "the renderer goes through the project's fetcher"
    assert not [url for url in fetched if f":{port}" in url or "passwd" in url]
    assert all(url.startswith(("file://", "data:image/svg+xml")) for url in fetched)
    # The markup is escaped in the HTML and printed literally on the slip.
    assert image not in html
    assert "&lt;img src=&quot;http://127.0.0.1" in html
    assert "<script>" not in html
    text = squashed(pdf_text(pdf))
    assert squashed(image) in text
    assert "file:///etc/passwd" in text
    assert "<script>alert(1)</script>" in text


def test_a_withdrawal_reason_with_markup_is_printed_as_text(
    world: World, trap_server: tuple[int, list[str]], fetched: list[str]
) -> None:
    port, hits = trap_server
    reason = f'<img src="http://127.0.0.1:{port}/y.png"><img src="file:///etc/passwd">'
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_withdraw(dossier=dossier, actor=world.citizen, reason=reason)

    _html, pdf = render.render_pdf("05", contexts.slip_context(dossier, "05"))

    assert hits == []
    assert not [url for url in fetched if f":{port}" in url or "passwd" in url]
    assert squashed(reason) in squashed(pdf_text(pdf))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/static/documents/slip.css",
        "ftp://127.0.0.1/x",
        "data:text/html,<script>alert(1)</script>",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url: str) -> None:
    with pytest.raises(core_pdf.ForbiddenURL):
        core_pdf.url_fetcher(url)


def test_the_fetcher_refuses_to_climb_out_of_static() -> None:
    root = core_pdf.static_dir().as_uri()
    for url in (f"{root}/../pyproject.toml", f"{root}/fonts/../../pyproject.toml"):
        with pytest.raises(core_pdf.ForbiddenURL):
            core_pdf.url_fetcher(url)


def test_the_fetcher_serves_static_files_by_path_and_by_url() -> None:
    root = core_pdf.static_dir()
    css = core_pdf.url_fetcher((root / "documents" / "slip.css").as_uri())
    assert css.mime_type == "text/css"
    assert b"@font-face" in css.body

    site = settings.SITE_URL.rstrip("/")
    font = core_pdf.url_fetcher(f"{site}/static/fonts/LiberationSerif-Regular.ttf")
    assert font.body == (root / "fonts" / "LiberationSerif-Regular.ttf").read_bytes()
    # "/static/…" resolved against the renderer's file: base URL.
    assert core_pdf.url_fetcher("file:///static/documents/slip.css").body == css.body

    qr = core_pdf.url_fetcher(core_pdf.qr_data_uri("https://example.vn/tra-cuu/X/"))
    assert qr.mime_type == "image/svg+xml"
    assert qr.body.startswith(b"<svg")


# --- fonts -------------------------------------------------------------------------------------


def embedded_fonts(pdf: bytes) -> list[tuple[str, TTFont]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            descendant: Any = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"]
            program = descriptor["/FontFile2"].get_object().get_data()
            found.append((str(font["/BaseFont"]), TTFont(io.BytesIO(program))))
    return found


def test_slips_embed_the_bundled_liberation_serif_with_vietnamese_glyphs(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    dossier = received(world)

    _html, pdf = render.render_pdf("01", contexts.slip_context(dossier, "01"))

    fonts = embedded_fonts(pdf)
    assert fonts
    for base_font, program in fonts:
        assert "Liberation-Serif" in base_font
        assert program["name"].getDebugName(1) == "Liberation Serif"
        assert program["name"].getDebugName(5).startswith("Version 2.")
    # Every letter of the slip was drawn from those fonts: none came from a fallback font.
    drawn = set().union(*(program.getBestCmap() for _name, program in fonts))
    assert {
        ord(char) for char in "Nguyễn Thị Ánh ĐỒNG NAI Độc lập Hạnh phúc" if char != " "
    } <= drawn
    # Subset with HarfBuzz, no fallback to fontTools, no font left out.
    assert "HarfBuzz-Subset" not in caplog.text
    assert "cannot be loaded" not in caplog.text


def test_the_bare_render_uses_the_same_fonts_and_fetcher(fetched: list[str]) -> None:
    html = (
        '<html lang="vi"><head><link rel="stylesheet" href="documents/slip.css"></head>'
        "<body><p>Nguyễn Thị Ánh</p></body></html>"
    )

    pdf = core_pdf.html_to_pdf(html)

    assert "Nguyễn Thị Ánh" in pdf_text(pdf)
    assert all("Liberation-Serif" in name for name, _program in embedded_fonts(pdf))
    assert core_pdf.font_config() is core_pdf.font_config()
    assert any(url.endswith("documents/slip.css") for url in fetched)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "phrase"),
    [
        (datetime.date(2025, 1, 24), "Đồng Nai, ngày 24 tháng 01 năm 2025"),
        (datetime.date(2025, 2, 3), "Đồng Nai, ngày 03 tháng 02 năm 2025"),
        (datetime.date(2025, 9, 15), "Đồng Nai, ngày 15 tháng 9 năm 2025"),
        (datetime.date(2025, 12, 5), "Đồng Nai, ngày 05 tháng 12 năm 2025"),
        # 23 January 18:00 UTC is already the 24th in Việt Nam.
        (
            datetime.datetime(2025, 1, 23, 18, 0, tzinfo=datetime.UTC),
            "Đồng Nai, ngày 24 tháng 01 năm 2025",
        ),
    ],
)
def test_the_place_and_date_line(date: datetime.date, phrase: str) -> None:
    assert wording.vn_date_phrase("Đồng Nai", date) == phrase


def test_the_moment_phrase_is_local_time() -> None:
    moment = datetime.datetime(2025, 1, 23, 1, 5, tzinfo=datetime.UTC)
    assert wording.vn_moment_phrase(moment) == "08 giờ 05 phút, ngày 23 tháng 01 năm 2025"


# --- the issuing body --------------------------------------------------------------------------


def test_the_header_names_the_governing_body_and_the_place(db: None) -> None:
    from agencies.models import Agency, AgencyKind
    from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory

    def agency(**values: Any) -> Agency:
        return cast(Agency, AgencyFactory(**values))

    dong_nai = agency(name="Sở Tư pháp tỉnh Đồng Nai")
    assert wording.governing_body(dong_nai) == "UBND TỈNH ĐỒNG NAI"
    assert wording.place_name(dong_nai) == "Đồng Nai"

    ha_noi = ProvinceFactory(
        code=1, name="Thành phố Hà Nội", division_type="thành phố trung ương", codename="ha_noi"
    )
    city_department = agency(province=ha_noi, name="Sở Tư pháp thành phố Hà Nội")
    assert wording.governing_body(city_department) == "UBND THÀNH PHỐ HÀ NỘI"
    assert wording.place_name(city_department) == "Hà Nội"

    ward = CommuneFactory(name="Phường Trấn Biên")
    committee = agency(
        kind=AgencyKind.COMMUNE_COMMITTEE,
        name="Ủy ban nhân dân phường Trấn Biên",
        short_name="UBND Phường Trấn Biên",
        commune=ward,
    )
    centre = agency(
        kind=AgencyKind.COMMUNE_CENTRE,
        name="Trung tâm Phục vụ hành chính công phường Trấn Biên",
        commune=ward,
        parent=committee,
    )
    assert wording.governing_body(centre) == "UBND PHƯỜNG TRẤN BIÊN"
    assert wording.place_name(centre) == "Trấn Biên"
