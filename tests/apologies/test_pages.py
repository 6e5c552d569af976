"""The heads' and the supervisor's overdue pages, the letter review and issue page, and what
the citizen and the public see of the letter (issue 4 item 3; docs/design.md §7)."""

import datetime
import io
import unicodedata

import pypdf
import pytest
import time_machine
from django.urls import reverse

from apologies.models import ApologyLetter, LetterState
from dossiers.models import Dossier
from tests.apologies.overdue import (
    DUE,
    NOW,
    PROPOSED,
    at,
    construction,
    flag_and_draft,
    overdue_with_draft,
    received_dossier,
)
from tests.dossiers.factories import another_citizen
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture(autouse=True)
def frozen():
    """Monday 10 March 2025, 10:00: the dossiers below are overdue since Thursday."""
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    return response.content.decode()


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    joined = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", joined).split())


def watch(client, **params):
    return client.get(reverse("apologies:watch"), params)


def letter_url(letter: ApologyLetter, name: str = "apologies:letter") -> str:
    return reverse(name, args=[letter.pk])


def issue(
    client,
    letter: ApologyLetter,
    reason: str = "Cần xác minh thêm thông tin lý lịch.",
    when: str = "2025-03-12T15:00",
    confirmed: bool = True,
):
    data = {"action": "issue", "reason": reason, "proposed_due_at": when}
    if confirmed:
        data["confirmed"] = "1"
    return client.post(letter_url(letter), data)


# --- the lists ---------------------------------------------------------------------------------------


def test_the_head_sees_their_departments_overdue_dossier_with_the_responsible_step(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = watch(client)

    assert response.status_code == 200
    page = text(response)
    assert str(dossier.code) in page
    assert reverse("staff:dossier", args=[dossier.ref]) in page
    assert "Sở Tư pháp — Phòng Hành chính tư pháp" in page
    assert "Thẩm định, trình ký" in page  # the step holding it
    [row] = response.context["rows"]
    # Due Thursday 09:00, seen Monday 10:00: late on Friday and Monday, as the dossier page
    # counts it (17 working hours).
    assert row.working_days_late == 2
    assert row.letter == letter
    assert "Dự thảo" in page and letter_url(letter) in page
    assert 'href="/can-bo/qua-han/"' in page  # the "Quá hạn" link in the navigation


def test_the_tabs_split_due_soon_overdue_and_escalated(client, world):
    dossier, _letter = overdue_with_draft(world)
    client.force_login(world.head)

    assert str(dossier.code) not in text(watch(client, loai="sap-den-han"))
    # Overdue and no apology issued: escalated to the centre supervisor as well.
    assert str(dossier.code) in text(watch(client, loai="chuyen-giam-sat"))
    tabs = {str(tab["label"]): tab["count"] for tab in watch(client).context["tabs"]}
    # Drafted once overdue, its letter is past its issue-by moment too.
    assert tabs == {
        "Sắp đến hạn": 0,
        "Quá hạn": 1,
        "Đã chuyển giám sát": 1,
        "Phiếu quá hạn ban hành": 1,
    }


def test_another_departments_head_and_a_clerk_do_not_see_it(client, world):
    dossier, letter = overdue_with_draft(world)
    other_head = StaffFactory(
        agency=world.justice, department=DepartmentFactory(agency=world.justice), role="head"
    )
    client.force_login(other_head)

    response = watch(client)
    assert response.status_code == 200
    assert str(dossier.code) not in text(response)
    assert client.get(letter_url(letter)).status_code == 404
    assert client.get(letter_url(letter, "apologies:letter_pdf")).status_code == 404

    client.force_login(world.clerk)
    assert watch(client).status_code == 403
    assert client.get(letter_url(letter)).status_code == 404
    assert client.get(letter_url(letter, "apologies:letter_pdf")).status_code == 404
    assert issue(client, letter).status_code == 404
    assert 'href="/can-bo/qua-han/"' not in text(client.get(reverse("staff:queue")))
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT


def test_the_supervisor_sees_every_agency_of_the_province_and_filters_by_one(client, world):
    justice_dossier, _ = overdue_with_draft(world)
    other = construction(world)
    building_dossier = received_dossier(other.world)
    flag_and_draft()
    supervisor = StaffFactory(agency=world.centre, role="supervisor", full_name="Võ Thị Giang")
    client.force_login(supervisor)

    page = text(watch(client))
    assert str(justice_dossier.code) in page and str(building_dossier.code) in page
    assert "Sở Xây dựng — Phòng Quản lý hoạt động xây dựng" in page
    assert "Lọc theo cơ quan" in page

    filtered = text(watch(client, co_quan=other.agency.pk))
    assert str(building_dossier.code) in filtered
    assert str(justice_dossier.code) not in filtered

    # Sở Tư pháp's head sees only their own.
    client.force_login(world.head)
    page = text(watch(client))
    assert str(justice_dossier.code) in page and str(building_dossier.code) not in page


def test_the_watch_list_reads_the_same_queries_for_1_or_10_dossiers(
    client, world, django_assert_num_queries
):
    overdue_with_draft(world)
    client.force_login(world.head)
    # 1 session, 2 user, 3-4 the head's permissions (their own, their groups'), 5 the page's
    # COUNT, 6-9 the four tabs' counts, 10 the page of dossiers (one JOIN), 11 their letters
    # (one prefetch), 12 the centre's calendar overrides (once for every row of that agency),
    # 13 the letters waiting for signature, 14-15 the agency and department in the heading,
    # 16-18 the session saved again (savepoint, UPDATE, release).
    with django_assert_num_queries(18):
        assert watch(client).status_code == 200
    for _ in range(9):
        received_dossier(world)
    flag_and_draft()
    with django_assert_num_queries(18):
        response = watch(client)
    assert len(response.context["rows"]) == 10


def test_the_letters_waiting_for_my_signature(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = client.get(reverse("apologies:letters"))

    assert response.status_code == 200
    assert str(dossier.code) in text(response) and letter_url(letter) in text(response)
    client.force_login(world.specialist)
    assert client.get(reverse("apologies:letters")).status_code == 403


# --- one letter ---------------------------------------------------------------------------------------


def test_the_head_opens_the_draft_and_previews_its_pdf(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = client.get(letter_url(letter))

    assert response.status_code == 200
    page = text(response)
    assert world.citizen.full_name in page
    assert 'type="datetime-local"' in page and 'value="2025-03-11T09:00"' in page
    assert "Ban hành" in page
    draft = client.get(letter_url(letter, "apologies:letter_pdf"))
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    assert "attachment" in draft["Content-Disposition"]
    content = pdf_text(b"".join(draft.streaming_content))
    assert "DỰ THẢO" in content and str(dossier.code) in content


def test_a_letter_whose_pdf_could_not_be_rendered_says_so_and_asks_for_an_edit(client, world):
    from apologies.models import RENDER_ATTEMPTS

    _dossier, letter = overdue_with_draft(world)
    ApologyLetter.objects.filter(pk=letter.pk).update(render_attempts=RENDER_ATTEMPTS)
    client.force_login(world.head)

    page = text(client.get(letter_url(letter)))

    assert "Chưa tạo được bản PDF của phiếu này sau nhiều lần thử" in page
    assert "Xem bản dự thảo (PDF)" not in page
    assert "Lưu dự thảo" in page  # the edit that lets it be tried again


def test_an_empty_reason_is_refused_and_nothing_changes(client, world):
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = client.post(
        letter_url(letter),
        {"action": "save", "reason": "   ", "proposed_due_at": "2025-03-12T15:00"},
    )

    assert response.status_code == 400
    assert "Cần nêu lý do quá hạn." in text(response)
    before = letter.reason
    letter.refresh_from_db()
    assert letter.reason == before and letter.proposed_due_at == PROPOSED


def test_a_new_date_before_the_original_is_refused(client, world):
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = issue(client, letter, when="2025-03-05T15:00")

    assert response.status_code == 400
    assert "Ngày hẹn trả mới phải sau ngày hẹn trả ban đầu (09:00 06/03/2025)." in text(response)
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT and letter.proposed_due_at == PROPOSED
    # After the original but already gone: the citizen may not be promised the past.
    response = issue(client, letter, when="2025-03-07T15:00")
    assert response.status_code == 400
    assert "Ngày hẹn trả mới phải sau thời điểm hiện tại." in text(response)


def test_saving_the_draft_keeps_it_a_draft(client, world):
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = client.post(
        letter_url(letter),
        {
            "action": "save",
            "reason": "Chờ kết quả xác minh của Công an tỉnh.",
            "proposed_due_at": "2025-03-12T15:00",
        },
        follow=True,
    )

    assert "Đã lưu dự thảo phiếu xin lỗi." in text(response)
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT
    assert letter.reason == "Chờ kết quả xác minh của Công an tỉnh."
    assert letter.proposed_due_at == at(2025, 3, 12, 15, 0)


def test_issuing_asks_for_confirmation_first_and_stores_nothing_until_then(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = issue(client, letter, reason="Chờ ý kiến của Công an tỉnh.", confirmed=False)

    assert response.status_code == 200
    page = text(response)
    assert "Xác nhận ban hành phiếu" in page
    assert "chỉ được ban hành một lần" in page
    assert "15:00 12/03/2025" in page
    assert "Chờ ý kiến của Công an tỉnh." in page
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == LetterState.DRAFT and letter.reason != "Chờ ý kiến của Công an tỉnh."
    assert dossier.extension_count == 0
    assert not dossier.events.filter(action="apology_issued").exists()

    # "Quay lại sửa": the form again, with what was typed, still nothing stored.
    back = client.post(
        letter_url(letter),
        {
            "action": "review",
            "confirmed": "1",
            "reason": "Chờ ý kiến của Công an tỉnh.",
            "proposed_due_at": "2025-03-12T15:00",
        },
    )
    assert back.status_code == 200
    assert "Sửa và ban hành" in text(back) and "Chờ ý kiến của Công an tỉnh." in text(back)
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT

    # The confirmation issues it, with the values shown.
    confirmed = issue(client, letter, reason="Chờ ý kiến của Công an tỉnh.")
    assert confirmed.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ISSUED and letter.reason == "Chờ ý kiến của Công an tỉnh."


def test_issuing_numbers_the_letter_extends_the_deadline_once_and_logs_it(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    response = issue(client, letter)

    assert response.status_code == 302
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == LetterState.ISSUED and letter.number_label.startswith("01/PXL-")
    assert letter.reason == "Cần xác minh thêm thông tin lý lịch."
    assert dossier.due_at == at(2025, 3, 12, 15, 0) == letter.proposed_due_at
    assert dossier.extension_count == 1
    assert dossier.events.filter(action="apology_issued").count() == 1
    page = text(client.get(response["Location"]))
    assert "Đã ban hành phiếu số 01/PXL" in page
    assert "Sửa và ban hành" not in page  # no form any more
    # A new episode: the dossier leaves the overdue and escalated lists until the new date.
    assert (dossier.overdue_since, dossier.escalated_at) == (None, None)
    assert str(dossier.code) not in text(watch(client, loai="chuyen-giam-sat"))

    # Issuing it again: a clear message, nothing more happens.
    again = issue(client, letter)
    assert again.status_code == 409
    assert "Phiếu đã được ban hành hoặc đã hủy." in text(again)
    assert dossier.events.filter(action="apology_issued").count() == 1
    dossier.refresh_from_db()
    assert dossier.extension_count == 1


def test_a_second_extension_is_refused_with_a_clear_message(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)
    assert issue(client, letter).status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at is not None
    second = ApologyLetter.objects.create(
        dossier=dossier,
        episode=1,
        agency=world.justice,
        department=world.department,
        addressee=letter.addressee,
        received_at=letter.received_at,
        original_due_at=dossier.due_at,
        proposed_due_at=dossier.due_at + datetime.timedelta(days=3),
        reason="x",
    )

    response = issue(client, second, when="2025-03-17T15:00")

    assert response.status_code == 400
    assert "không gia hạn lần thứ hai" in text(response)
    second.refresh_from_db()
    dossier.refresh_from_db()
    assert second.state == LetterState.DRAFT and dossier.extension_count == 1


# --- the citizen and the public ---------------------------------------------------------------


def test_the_citizen_sees_the_issued_letter_and_downloads_its_pdf(client, world):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.citizen)
    detail = reverse("dossiers:detail", args=[dossier.ref])
    # A draft is the agency's business.
    assert "Phiếu xin lỗi" not in text(client.get(detail))
    assert client.get(letter_url(letter, "apologies:letter_pdf")).status_code == 404

    client.force_login(world.head)
    issue(client, letter)
    client.force_login(world.citizen)
    page = text(client.get(detail))

    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in page
    assert "01/PXL" in page and "10/03/2025" in page
    assert "Cần xác minh thêm thông tin lý lịch." in page
    assert "15:00 12/03/2025" in page
    assert letter_url(letter, "apologies:letter_pdf") in page
    response = client.get(letter_url(letter, "apologies:letter_pdf"))
    assert response.status_code == 200
    content = pdf_text(b"".join(response.streaming_content))
    assert "VĂN BẢN XIN LỖI" in content
    assert str(dossier.code) in content
    assert "Nguyễn Thị Ánh" in content
    assert "Cần xác minh thêm thông tin lý lịch." in content
    assert "DỰ THẢO" not in content
    # The staff page of the letter is not the citizen's.
    assert client.get(letter_url(letter)).status_code == 404

    client.force_login(another_citizen())
    assert client.get(letter_url(letter, "apologies:letter_pdf")).status_code == 404


def test_the_public_status_page_shows_the_new_date_and_no_personal_data(client, world):
    dossier, letter = overdue_with_draft(world)
    track = reverse("dossiers:track", args=[dossier.code])
    assert "Ngày hẹn trả mới" not in text(client.get(track))
    client.force_login(world.head)
    issue(client, letter)
    client.logout()

    # With the receipt's secret: the code alone shows the state and nothing more.
    assert "Ngày hẹn trả mới" not in text(client.get(track))
    page = text(client.get(track, {"k": dossier.lookup_secret}))

    assert "Ngày hẹn trả mới" in page
    assert "15:00 12/03/2025" in page
    assert DUE.strftime("%H:%M %d/%m/%Y") in page
    assert str(world.citizen.national_id) not in page
    assert world.citizen.full_name not in page
    assert "Cần xác minh thêm thông tin lý lịch." not in page
    assert Dossier.objects.get(pk=dossier.pk).extension_count == 1
