"""The citizen's dossier pages (issue 3 item 3): start, checklist, submit, follow, supplement,
withdraw, download — with the bad input and the access rules a citizen would run into."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from dossiers import services
from dossiers.models import Dossier, DossierComponent, State
from procedures.models import Component
from tests.dossiers.factories import (
    World,
    another_citizen,
    build_dossier,
    draft_with_files,
    make_pdf_upload,
)
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(name: str, *args: object) -> str:
    return reverse(f"dossiers:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def details(world: World, **overrides: object) -> dict[str, object]:
    citizen = world.citizen
    data = {
        "agency": world.centre.pk,
        "applicant_name": citizen.full_name,
        "applicant_national_id": citizen.national_id,
        "applicant_date_of_birth": "1990-05-17",
        "applicant_address": citizen.address,
        "applicant_phone": citizen.phone,
        "applicant_email": citizen.email,
        "return_channel": "online",
        "return_address": "",
        "note": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(client, world: World):
    client.force_login(world.citizen)
    return client


# --- starting a dossier ------------------------------------------------------------------------


def test_the_start_form_is_prefilled_from_the_profile(signed_in, world):
    response = signed_in.get(url("start", world.procedure.code))

    assert response.status_code == 200
    html = page(response)
    citizen = world.citizen
    # The contact details are inputs prefilled from the profile; the identity is the
    # account's own, shown and not typed (tests/dossiers/test_representative.py).
    for value in (citizen.address, citizen.phone, citizen.email):
        assert f'value="{value}"' in html, value
    for value in (citizen.full_name, citizen.national_id, "17/05/1990"):
        assert f"<dd>{value}</dd>" in html, value
    assert f'value="{citizen.national_id}"' not in html
    # The checklist of what to prepare, from the version in force.
    for component in world.components:
        assert component.name in html


def test_the_guidance_page_button_leads_to_the_start_page(client, world):
    response = client.get(reverse("procedures:detail", args=[world.procedure.code]))

    assert response.status_code == 200
    assert f'href="{url("start", world.procedure.code)}"' in page(response)
    assert 'id="file-dossier"' in page(response)


def test_starting_saves_a_draft_with_the_details_as_filed(signed_in, world):
    response = signed_in.post(
        url("start", world.procedure.code),
        details(world, applicant_address="Số 5 đường Hà Huy Giáp"),
    )

    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response.status_code == 302
    assert response["Location"] == url("edit", dossier.ref)
    assert dossier.state == State.DRAFT
    assert dossier.code is None
    assert dossier.applicant_address == "Số 5 đường Hà Huy Giáp"
    assert dossier.version == world.version


def test_a_bad_national_id_is_refused_and_nothing_is_saved(signed_in, world):
    # Typed only when filing for someone else (for oneself the number is the account's).
    response = signed_in.post(
        url("start", world.procedure.code),
        details(
            world,
            filing_capacity="representative",
            applicant_national_id="12345",
            representative_authorisation="Giấy ủy quyền số 1/2025",
        ),
    )

    assert response.status_code == 400
    assert "Số định danh cá nhân phải có đúng 12 chữ số." in page(response)
    assert not Dossier.objects.exists()


def test_a_procedure_without_a_version_in_force_cannot_be_started(signed_in, world):
    world.version.effective_until = timezone.localdate() - datetime.timedelta(days=1)
    world.version.save()
    message = (
        f"Thủ tục “{world.procedure.name}” hiện không có phiên bản đang có hiệu lực; "
        "không thể nộp hồ sơ."
    )

    shown = signed_in.get(url("start", world.procedure.code))
    posted = signed_in.post(url("start", world.procedure.code), details(world))

    assert message in page(shown)
    assert posted.status_code == 400
    assert message in page(posted)
    assert not Dossier.objects.exists()


def test_a_draft_whose_version_is_no_longer_in_force_cannot_be_submitted(signed_in, world):
    dossier = draft_with_files(world)
    world.version.effective_until = timezone.localdate() - datetime.timedelta(days=1)
    world.version.save()

    response = signed_in.post(url("submit", dossier.ref))

    assert response.status_code == 400
    assert "Phiên bản thủ tục của bản nháp đã hết hiệu lực; vui lòng lập hồ sơ mới." in page(
        response
    )
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT
    assert dossier.code is None


def test_saving_the_draft_again_keeps_the_changes(signed_in, world):
    dossier = draft_with_files(world)

    response = signed_in.post(
        url("edit", dossier.ref),
        details(
            world,
            applicant_phone="0987654321",
            return_channel="post",
            return_address="Hộp thư 12, Biên Hòa",
        ),
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_phone == "0987654321"
    assert dossier.return_channel == "post"
    assert dossier.return_address == "Hộp thư 12, Biên Hòa"
    assert dossier.state == State.DRAFT


# --- uploads ---------------------------------------------------------------------------------


BAD_UPLOADS = {
    "an 11 MB file": (
        lambda: make_pdf_upload("to-khai.pdf", size=11 * 1024 * 1024),
        "Tệp “to-khai.pdf” quá lớn (11.0 MB); tối đa 10 MB.",
    ),
    "an executable renamed .pdf": (
        lambda: SimpleUploadedFile(
            "to-khai.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 512, "application/pdf"
        ),
        "Tệp “to-khai.pdf” không đúng định dạng cho phép (PDF, JPG, PNG, DOCX).",
    ),
    "an HTML page named .pdf": (
        lambda: SimpleUploadedFile(
            "to-khai.pdf",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "application/pdf",
        ),
        "Tệp “to-khai.pdf” không đúng định dạng cho phép (PDF, JPG, PNG, DOCX).",
    ),
    "plain text named .docx": (
        lambda: SimpleUploadedFile("don.docx", "Đơn đề nghị, văn bản thường".encode(), DOCX),
        "Tệp “don.docx” không đúng định dạng cho phép (PDF, JPG, PNG, DOCX).",
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    signed_in, world, media_root, case
):
    make_upload, message = BAD_UPLOADS[case]
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )

    response = signed_in.post(
        url("upload", dossier.ref), {"component": world.components[0].pk, "file": make_upload()}
    )

    assert response.status_code == 400
    assert message in page(response)
    assert not DossierComponent.objects.exists()
    assert stored_files(media_root) == []


def test_a_good_upload_is_stored_under_a_random_name(signed_in, world, media_root):
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )

    response = signed_in.post(
        url("upload", dossier.ref),
        {"component": world.components[0].pk, "file": make_pdf_upload("to-khai.pdf")},
    )

    assert response.status_code == 302
    stored = DossierComponent.objects.get()
    assert stored.original_name == "to-khai.pdf"
    assert stored.content_type == "application/pdf"
    [on_disk] = stored_files(media_root)
    assert "to-khai" not in on_disk.name
    assert "to-khai.pdf" in page(signed_in.get(url("edit", dossier.ref)))


def test_a_component_of_another_procedure_is_refused(signed_in, world, media_root):
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    # A component of another procedure's version.
    stranger: Component = ComponentFactory(name="Giấy tờ của thủ tục khác")  # type: ignore[assignment]

    response = signed_in.post(
        url("upload", dossier.ref), {"component": stranger.pk, "file": make_pdf_upload()}
    )

    assert response.status_code == 400
    assert "Thành phần hồ sơ không thuộc thủ tục này." in page(response)
    assert not DossierComponent.objects.exists()
    assert stored_files(media_root) == []


# --- submitting ------------------------------------------------------------------------------


def test_submitting_with_a_required_component_missing_lists_what_is_missing(
    signed_in, world, media_root
):
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    signed_in.post(
        url("upload", dossier.ref), {"component": world.components[0].pk, "file": make_pdf_upload()}
    )

    response = signed_in.post(url("submit", dossier.ref))

    assert response.status_code == 400
    assert "Còn thiếu thành phần hồ sơ bắt buộc: Bản chụp thẻ Căn cước." in page(response)
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT
    assert dossier.code is None


def test_the_whole_filing_through_the_pages(signed_in, world, media_root):
    started = signed_in.post(url("start", world.procedure.code), details(world))
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert started["Location"] == url("edit", dossier.ref)

    draft_page = page(signed_in.get(url("edit", dossier.ref)))
    assert "Còn thiếu:" in draft_page
    for component in world.required_components:
        uploaded = signed_in.post(
            url("upload", dossier.ref),
            {"component": component.pk, "file": make_pdf_upload(f"giay-to-{component.order}.pdf")},
        )
        assert uploaded.status_code == 302

    submitted = signed_in.post(url("submit", dossier.ref), follow=True)

    code = f"{world.centre.code}-{timezone.localdate():%y%m%d}-0001"
    assert submitted.status_code == 200
    assert code in page(submitted)
    assert submitted.redirect_chain[-1][0] == url("detail", code)
    dossier.refresh_from_db()
    assert dossier.code == code
    assert dossier.state == State.SUBMITTED
    assert "Mới đăng ký" in page(submitted)
    assert "giay-to-1.pdf" in page(submitted)
    # Listed under "my dossiers", with its state.
    mine = page(signed_in.get(url("mine")))
    assert code in mine
    assert "Mới đăng ký" in mine


# --- following a dossier -----------------------------------------------------------------------


@pytest.fixture
def received_on_a_wednesday(world: World) -> Dossier:
    """Received Wed 08/10/2025 09:00 with 24 working hours: due Mon 13/10/2025 09:00."""
    with time_machine.travel(datetime.datetime(2025, 10, 8, 9, 0, tzinfo=HCM), tick=False):
        return build_dossier(world, State.RECEIVED)


def test_the_detail_page_counts_down_in_working_days_and_explains_the_deadline(
    signed_in, world, received_on_a_wednesday
):
    from workcalendar import engine

    dossier = received_on_a_wednesday
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2025, 10, 13, 9, 0, tzinfo=HCM)

    with time_machine.travel(datetime.datetime(2025, 10, 8, 9, 0, tzinfo=HCM), tick=False):
        html = page(signed_in.get(url("detail", dossier.ref)))

    assert "Còn 3 ngày làm việc" in html
    assert "Vì sao hạn là ngày 13/10/2025?" in html
    assert "<details" in html
    for line in engine.render_explanation(dossier.deadline_explanation):
        assert escape(line) in html
    # The timeline of events.
    assert "Nộp hồ sơ" in html
    assert "Tiếp nhận hồ sơ, bắt đầu tính thời hạn giải quyết" in html


def test_an_overdue_dossier_says_by_how_many_working_days(
    signed_in, world, received_on_a_wednesday
):
    # Due Mon 13/10 09:00; on Wed 15/10 09:00 it is 16 working hours late.
    with time_machine.travel(datetime.datetime(2025, 10, 15, 9, 0, tzinfo=HCM), tick=False):
        detail = page(signed_in.get(url("detail", received_on_a_wednesday.ref)))
        mine = page(signed_in.get(url("mine")))

    assert "Quá hạn 2 ngày làm việc" in detail
    assert "Quá hạn 2 ngày làm việc" in mine


def test_my_dossiers_lists_only_my_own(signed_in, world):
    mine = build_dossier(world, State.SUBMITTED)
    theirs = build_dossier(world, State.SUBMITTED, applicant=another_citizen())

    html = page(signed_in.get(url("mine")))

    assert mine.code and theirs.code
    assert mine.code in html
    assert theirs.code not in html
    assert 'href="/ho-so-cua-toi/"' in html  # "Hồ sơ của tôi" in the navigation


@pytest.mark.parametrize("name", ["detail", "edit", "withdraw", "supplement"])
def test_another_citizens_dossier_answers_404(client, world, name):
    dossier = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    client.force_login(another_citizen())

    assert client.get(url(name, dossier.ref)).status_code == 404
    assert client.post(url(name, dossier.ref), {"confirm": "on"}).status_code == 404
    assert client.post(url("submit", dossier.ref)).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED


def test_a_foreign_draft_cannot_take_uploads(client, world, media_root):
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    client.force_login(another_citizen())

    response = client.post(
        url("upload", dossier.ref), {"component": world.components[0].pk, "file": make_pdf_upload()}
    )

    assert response.status_code == 404
    assert not DossierComponent.objects.exists()
    assert stored_files(media_root) == []


def test_the_citizen_pages_send_anonymous_visitors_to_log_in(client, world):
    response = client.get(url("mine"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- supplement and withdrawal --------------------------------------------------------------------


def test_the_supplement_asked_at_reception_is_uploaded_and_sent_back(signed_in, world, media_root):
    dossier = build_dossier(world, State.SUPPLEMENT_REQUESTED)

    detail = page(signed_in.get(url("detail", dossier.ref)))
    assert "Cần bổ sung hồ sơ" in detail
    assert "Ảnh chụp bị mờ, không đọc được số." in detail

    # Sending before uploading anything is refused, nothing changes.
    early = signed_in.post(url("supplement", dossier.ref), {"action": "send"})
    assert early.status_code == 400
    assert "Hãy tải lên giấy tờ bổ sung trước khi gửi lại hồ sơ." in page(early)
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED

    # A bad file is refused here too.
    bad = signed_in.post(
        url("supplement", dossier.ref),
        {
            "action": "upload",
            "component": world.components[1].pk,
            "file": SimpleUploadedFile("cccd.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )
    assert bad.status_code == 400
    assert "không đúng định dạng cho phép" in page(bad)
    assert not DossierComponent.objects.filter(is_supplement=True).exists()

    uploaded = signed_in.post(
        url("supplement", dossier.ref),
        {
            "action": "upload",
            "component": world.components[1].pk,
            "file": make_pdf_upload("cccd-ro-net.pdf"),
        },
    )
    assert uploaded.status_code == 302
    assert DossierComponent.objects.get(is_supplement=True).original_name == "cccd-ro-net.pdf"

    sent = signed_in.post(
        url("supplement", dossier.ref), {"action": "send", "note": "Đã chụp lại."}
    )

    assert sent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert "Gửi lại hồ sơ đã bổ sung" in page(signed_in.get(url("detail", dossier.ref)))


def test_the_supplement_asked_during_appraisal_resumes_the_clock(signed_in, world, media_root):
    dossier = build_dossier(world, State.AWAITING_SUPPLEMENT)

    signed_in.post(
        url("supplement", dossier.ref),
        {
            "action": "upload",
            "component": "",
            "name": "Bản sao giấy khai sinh",
            "file": make_pdf_upload("ks.pdf"),
        },
    )
    sent = signed_in.post(url("supplement", dossier.ref), {"action": "send"})

    assert sent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_APPRAISAL
    assert dossier.paused_at is None
    assert DossierComponent.objects.get(is_supplement=True).name == "Bản sao giấy khai sinh"


def test_the_supplement_page_is_only_for_dossiers_asked_to_supplement(signed_in, world):
    dossier = build_dossier(world, State.SUBMITTED)

    response = signed_in.post(
        url("supplement", dossier.ref),
        {"action": "upload", "component": world.components[0].pk, "file": make_pdf_upload()},
    )

    assert response.status_code == 302
    assert response["Location"] == url("detail", dossier.ref)
    assert not DossierComponent.objects.filter(is_supplement=True).exists()


def test_withdrawing_needs_a_confirmation_then_closes_the_dossier(signed_in, world):
    dossier = build_dossier(world, State.RECEIVED)

    unconfirmed = signed_in.post(url("withdraw", dossier.ref), {"reason": "Đã nộp nhầm thủ tục."})
    assert unconfirmed.status_code == 400
    assert "Hãy xác nhận trước khi rút hồ sơ." in page(unconfirmed)
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED

    done = signed_in.post(
        url("withdraw", dossier.ref), {"reason": "Đã nộp nhầm thủ tục.", "confirm": "on"}
    )

    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN
    assert dossier.closed_reason == "Đã nộp nhầm thủ tục."
    html = page(signed_in.get(url("detail", dossier.ref)))
    assert "Rút hồ sơ" in html
    assert "Đã nộp nhầm thủ tục." in html


def test_a_dossier_already_decided_cannot_be_withdrawn(signed_in, world):
    dossier = build_dossier(world, State.READY_FOR_RETURN)

    shown = signed_in.get(url("withdraw", dossier.ref))
    posted = signed_in.post(url("withdraw", dossier.ref), {"confirm": "on"})

    assert "không thể rút" in page(shown)
    assert posted.status_code == 409
    assert "không còn ở trạng thái cho phép thao tác này" in page(posted)
    dossier.refresh_from_db()
    assert dossier.state == State.READY_FOR_RETURN


# --- files ---------------------------------------------------------------------------------------


def test_a_file_is_served_as_an_attachment_to_the_owner_only(client, world, media_root):
    dossier = build_dossier(world, State.SUBMITTED)
    stored = dossier.files.order_by("pk")[0]
    file_url = url("file", dossier.ref, stored.pk)

    anonymous = client.get(file_url)
    client.force_login(another_citizen())
    stranger = client.get(file_url)
    client.force_login(world.citizen)
    owner = client.get(file_url)

    assert anonymous.status_code == 404
    assert stranger.status_code == 404
    assert owner.status_code == 200
    assert owner["Content-Disposition"].startswith("attachment")
    assert stored.original_name in owner["Content-Disposition"]
    assert owner["X-Content-Type-Options"] == "nosniff"
    assert owner["Content-Type"] == "application/pdf"
    assert b"".join(owner.streaming_content).startswith(b"%PDF-")


def test_the_receiving_clerk_may_download_the_file_too(client, world, media_root):
    dossier = build_dossier(world, State.SUBMITTED)
    stored = dossier.files.order_by("pk")[0]
    client.force_login(world.clerk)

    response = client.get(url("file", dossier.ref, stored.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_of_another_dossier_is_404_even_under_my_own_code(client, world, media_root):
    mine = build_dossier(world, State.SUBMITTED)
    theirs = build_dossier(world, State.SUBMITTED, applicant=another_citizen())
    client.force_login(world.citizen)

    response = client.get(url("file", mine.ref, theirs.files.order_by("pk")[0].pk))

    assert response.status_code == 404


# --- query budgets -------------------------------------------------------------------------


# What every signed-in page reads and writes around its own queries: the session and the
# user before, and the session saved again after (SESSION_SAVE_EVERY_REQUEST: the idle
# timeout), which is a savepoint, an UPDATE and a release.
AROUND_EVERY_PAGE = 5


def test_my_dossiers_page_reads_the_same_queries_for_1_or_10_dossiers(
    signed_in, world, django_assert_num_queries
):
    build_dossier(world, State.RECEIVED)
    # 1 the paginator's COUNT, 2 the page of dossiers with procedure and agency (one JOIN),
    # 3 the centre's calendar overrides, read once for every row of that agency.
    with django_assert_num_queries(AROUND_EVERY_PAGE + 3):
        assert signed_in.get(url("mine")).status_code == 200

    for state in [State.RECEIVED] * 4 + [State.SUBMITTED] * 3 + [State.DRAFT, State.IN_APPRAISAL]:
        build_dossier(world, state)
    with django_assert_num_queries(AROUND_EVERY_PAGE + 3):
        response = signed_in.get(url("mine"))
    assert len(response.context["rows"]) == 10


def test_the_detail_page_reads_the_same_queries_for_2_or_12_files(
    signed_in, world, django_assert_num_queries
):
    # 1 the dossier with procedure, agency and version (one JOIN), 2 the version's
    # components, 3 the dossier's files, 4 its events (the timeline), 5 the agency's
    # calendar overrides (the countdown), 6 the actions it went through (its slips).
    small = build_dossier(world, State.RECEIVED)
    with django_assert_num_queries(AROUND_EVERY_PAGE + 6):
        assert signed_in.get(url("detail", small.ref)).status_code == 200

    big = draft_with_files(world)
    for n in range(10):
        services.dossier_attach_file(
            dossier=big,
            actor=world.citizen,
            upload=make_pdf_upload(f"uy-quyen-{n}.pdf"),
            component=world.components[2],
        )
    services.dossier_submit(dossier=big, actor=world.citizen)
    services.dossier_receive(dossier=big, actor=world.clerk)
    services.dossier_hand_over(dossier=big, actor=world.clerk)
    with django_assert_num_queries(AROUND_EVERY_PAGE + 6):
        response = signed_in.get(url("detail", big.ref))
    assert "uy-quyen-9.pdf" in page(response)


# --- slips --------------------------------------------------------------------------------------


def test_the_slips_of_the_dossier_download_for_the_owner_only(client, world):
    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.citizen)

    detail = page(client.get(url("detail", dossier.ref)))
    receipt = client.get(url("slip", dossier.ref, "01"))
    not_issued = client.get(url("slip", dossier.ref, "03"))  # never refused: no refusal slip
    client.force_login(another_citizen())
    stranger = client.get(url("slip", dossier.ref, "01"))

    assert f'href="{url("slip", dossier.ref, "01")}"' in detail
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in detail
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"].startswith("attachment")
    assert receipt.content.startswith(b"%PDF-")
    assert not_issued.status_code == 404
    assert stranger.status_code == 404


def test_staff_cannot_file_online_for_themselves(client, world):
    client.force_login(world.clerk)

    response = client.post(url("start", world.procedure.code), details(world))

    assert response.status_code == 403
    assert not Dossier.objects.exists()
