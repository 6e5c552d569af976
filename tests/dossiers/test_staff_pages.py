"""The staff workspaces (issue 3 item 4): the clerk's, specialist's and head's queues, the
dossier page with its buttons, each action through its page, the walk-in counter, access,
conflicts and query budgets."""

import datetime
import re
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from agencies.models import Agency
from dossiers import selectors_staff, services, verbs
from dossiers.models import (
    Channel,
    Decision,
    Dossier,
    DossierStep,
    State,
    SupplementRequest,
)
from tests.dossiers.factories import World, build_dossier, make_pdf_upload
from tests.factories import AgencyFactory, DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

NEW_CITIZEN_ID = "001085004321"  # Hà Nội, born 1985


def staff(**fields: Any) -> User:
    return cast(User, StaffFactory(**fields))


def url(name: str, *args: object) -> str:
    return reverse(f"staff:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def codes_in_order(html: str) -> list[str]:
    """The dossier codes of the queue table, top to bottom."""
    body = html.split('class="data-table wide staff-queue"', 1)[-1]
    return re.findall(r'<a class="dossier-code" href="/can-bo/ho-so/([^/]+)/">', body)


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="(\w+)" href=', html))


def events_of(dossier: Dossier) -> list[str]:
    return list(dossier.events.order_by("created_at", "pk").values_list("action", flat=True))


@pytest.fixture
def as_user(client) -> Callable[[User], object]:
    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def foreign_centre(world: World) -> Agency:
    """Another commune's centre, which also receives the world's procedure."""
    agency = cast(
        Agency, AgencyFactory(centre=True, code="000.00.02.H75", name="Trung tâm phục vụ khác")
    )
    world.procedure.agencies.add(agency)
    return agency


@pytest.fixture
def foreign_clerk(foreign_centre: Agency) -> User:
    return staff(agency=foreign_centre, role="clerk", full_name="Đỗ Thị Giang")


def submitted_at(agency: Agency, world: World) -> Dossier:
    """A submitted dossier filed at ``agency`` by the world's citizen."""
    draft = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=agency, actor=world.citizen
    )
    for component in world.required_components:
        services.dossier_attach_file(
            dossier=draft, actor=world.citizen, upload=make_pdf_upload(), component=component
        )
    return services.dossier_submit(dossier=draft, actor=world.citizen)


def with_proposal(world: World) -> Dossier:
    dossier = build_dossier(world, State.IN_APPRAISAL)
    services.dossier_propose(
        dossier=dossier,
        actor=world.specialist,
        decision=Decision.DENIED,
        reason="Không đủ điều kiện theo Điều 7.",
    )
    return Dossier.objects.get(pk=dossier.pk)


# --- queues ---------------------------------------------------------------------------------


def test_the_clerk_queue_holds_their_centres_submitted_dossiers_oldest_first(
    world, as_user, foreign_centre
):
    newer = build_dossier(world, State.SUBMITTED)
    older = build_dossier(world, State.SUBMITTED)
    # Filed later but submitted earlier: the queue follows the submission time.
    assert newer.submitted_at is not None
    Dossier.objects.filter(pk=older.pk).update(
        submitted_at=newer.submitted_at - datetime.timedelta(hours=3)
    )
    waiting = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    refused = build_dossier(world, State.REFUSED)
    appraised = build_dossier(world, State.IN_APPRAISAL)
    elsewhere = submitted_at(foreign_centre, world)

    response = as_user(world.clerk).get(url("queue"))

    assert response.status_code == 200
    codes = codes_in_order(page(response))
    assert codes[:2] == [older.code, newer.code]
    assert waiting.code in codes
    for absent in (refused, appraised, elsewhere):
        assert absent.code not in codes


def test_the_specialist_queue_holds_only_their_departments_dossiers_in_appraisal(world, as_user):
    mine = build_dossier(world, State.IN_APPRAISAL)
    paused = build_dossier(world, State.AWAITING_PAYMENT)
    at_reception = build_dossier(world, State.RECEIVED)
    other_department = DepartmentFactory(agency=world.justice, name="Phòng Bổ trợ tư pháp")
    colleague = staff(agency=world.justice, department=other_department, role="specialist")

    codes = codes_in_order(page(as_user(world.specialist).get(url("queue"))))
    assert codes == [mine.code, paused.code]
    assert at_reception.code not in codes

    assert codes_in_order(page(as_user(colleague).get(url("queue")))) == []


def test_a_head_sees_the_proposals_waiting_for_approval(world, as_user):
    proposed = with_proposal(world)
    not_yet = build_dossier(world, State.IN_APPRAISAL)

    html = page(as_user(world.head).get(url("queue")))
    proposals = html.split('id="proposals-heading"', 1)[1].split('id="queue-heading"', 1)[0]
    assert str(proposed.code) in proposals
    assert "Từ chối giải quyết" in proposals
    assert str(not_yet.code) not in proposals
    # A specialist has no such list.
    assert "Đề xuất chờ phê duyệt" not in page(as_user(world.specialist).get(url("queue")))


def test_the_queue_filters_by_code_state_procedure_and_reception_date(world, as_user):
    first = build_dossier(world, State.SUBMITTED)
    second = build_dossier(world, State.SUBMITTED)
    received = build_dossier(world, State.RECEIVED)
    client = as_user(world.clerk)

    by_code = codes_in_order(page(client.get(url("queue"), {"q": str(second.code)[-6:]})))
    assert by_code == [second.code]

    by_state = codes_in_order(page(client.get(url("queue"), {"trang_thai": State.RECEIVED})))
    assert by_state == [received.code]

    by_procedure = codes_in_order(page(client.get(url("queue"), {"thu_tuc": world.procedure.code})))
    assert by_procedure == [first.code, second.code, received.code]

    today = timezone.localdate()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    in_range = client.get(url("queue"), {"tiep_nhan_tu": today.isoformat()})
    assert codes_in_order(page(in_range)) == [received.code]
    before = client.get(url("queue"), {"tiep_nhan_den": yesterday})
    assert codes_in_order(page(before)) == []


def test_a_reversed_date_range_is_explained_and_the_queue_stays_whole(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    response = as_user(world.clerk).get(
        url("queue"), {"tiep_nhan_tu": "2025-09-10", "tiep_nhan_den": "2025-09-01"}
    )
    assert "Ngày kết thúc phải sau ngày bắt đầu." in page(response)
    assert codes_in_order(page(response)) == [dossier.code]


def test_staff_have_a_workspace_link_and_citizens_do_not_get_in(world, as_user):
    assert "Không gian làm việc" in page(as_user(world.clerk).get(url("queue")))
    citizen_client = as_user(world.citizen)
    assert "Không gian làm việc" not in page(citizen_client.get(reverse("dossiers:mine")))
    assert citizen_client.get(url("queue")).status_code == 403
    assert citizen_client.get(url("walk_in")).status_code == 403
    # Even their own dossier: the staff pages of a dossier answer like a missing one.
    own = build_dossier(world, State.SUBMITTED)
    assert citizen_client.get(url("dossier", own.ref)).status_code == 404
    assert citizen_client.post(url("action", own.ref, "receive")).status_code == 404


# --- the dossier page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who"),
    [
        (State.SUBMITTED, "clerk"),
        (State.RECEIVED, "clerk"),
        (State.READY_FOR_RETURN, "clerk"),
        (State.IN_APPRAISAL, "specialist"),
        (State.IN_APPRAISAL, "head"),
        (State.AWAITING_PAYMENT, "specialist"),
        (State.AWAITING_PAYMENT, "clerk"),
    ],
)
def test_the_buttons_are_the_transitions_this_person_may_take_now(world, as_user, state, who):
    dossier = build_dossier(world, state)
    user = getattr(world, who)

    html = page(as_user(user).get(url("dossier", dossier.ref)))

    available = dossier.get_available_user_state_transitions(user)  # type: ignore[attr-defined]
    expected = {t.name for t in available}
    assert buttons(html) == expected
    assert expected  # every role here has something to do in that state


def test_a_clerk_never_sees_the_approve_button_and_a_specialist_cannot_approve(world, as_user):
    dossier = with_proposal(world)
    assert "approve" in buttons(page(as_user(world.head).get(url("dossier", dossier.ref))))
    for user in (world.clerk, world.specialist):
        html = page(as_user(user).get(url("dossier", dossier.ref)))
        assert "approve" not in buttons(html)
        assert "Phê duyệt" not in html


def test_the_dossier_page_shows_the_file_the_history_and_a_late_step(world, as_user):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    reception = dossier.steps.get(order=1)
    assert reception.finished_at is not None
    DossierStep.objects.filter(pk=reception.pk).update(
        due_at=reception.finished_at - datetime.timedelta(hours=2)
    )

    html = page(as_user(world.specialist).get(url("dossier", dossier.ref)))

    stored = dossier.files.first()
    assert stored is not None
    assert reverse("dossiers:file", args=[dossier.ref, stored.pk]) in html
    assert reverse("dossiers:slip", args=[dossier.ref, "01"]) in html
    assert "Lê Văn Cường" in html  # the clerk, as the actor of the reception and hand-over
    assert "Tiếp nhận hồ sơ, bắt đầu tính thời hạn giải quyết" in html
    assert "mã trạng thái quốc gia 4" in html
    assert "Thẩm định, trình ký" in html
    steps = html.split('class="data-table wide staff-steps"', 1)[1]
    assert "Trễ hạn" in steps


# --- the actions --------------------------------------------------------------------------------

ITEMS = {
    "items-TOTAL_FORMS": "3",
    "items-INITIAL_FORMS": "0",
    "items-0-name": "Bản chụp thẻ Căn cước",
    "items-0-reason": "Ảnh bị mờ, không đọc được số định danh.",
    "items-1-name": "Giấy ủy quyền",
    "items-1-reason": "Người nộp thay chưa có văn bản ủy quyền.",
    "items-2-name": "",
    "items-2-reason": "",
}


def _build(world: World, state: str) -> Dossier:
    return with_proposal(world) if state == "proposed" else build_dossier(world, state)


@pytest.mark.parametrize(
    ("start", "who", "action", "data", "target"),
    [
        (State.SUBMITTED, "clerk", "receive", {"note": "Đủ giấy tờ."}, State.RECEIVED),
        (State.SUBMITTED, "clerk", "request_supplement", ITEMS, State.SUPPLEMENT_REQUESTED),
        (State.SUBMITTED, "clerk", "refuse", {"reason": "Sai thẩm quyền."}, State.REFUSED),
        (State.RECEIVED, "clerk", "hand_over", {"note": "Chuyển phòng"}, State.IN_APPRAISAL),
        (
            State.IN_APPRAISAL,
            "specialist",
            "request_appraisal_supplement",
            ITEMS,
            State.AWAITING_SUPPLEMENT,
        ),
        (
            State.IN_APPRAISAL,
            "specialist",
            "request_payment",
            {"amount": "200000"},
            State.AWAITING_PAYMENT,
        ),
        (
            State.AWAITING_PAYMENT,
            "clerk",
            "confirm_payment",
            {"receipt_number": "BL-0001"},
            State.IN_APPRAISAL,
        ),
        ("proposed", "head", "approve", {"note": "Đồng ý."}, State.READY_FOR_RETURN),
        ("proposed", "head", "send_back", {"reason": "Xem lại Điều 7."}, State.IN_APPRAISAL),
        (State.IN_APPRAISAL, "head", "stop", {"reason": "Công dân đề nghị."}, State.STOPPED),
        (State.READY_FOR_RETURN, "clerk", "return_result", {}, State.RETURNED),
    ],
)
def test_each_action_through_its_page_changes_the_state_and_logs_one_event(
    world, as_user, media_root, start, who, action, data, target
):
    dossier = _build(world, start)
    user = getattr(world, who)
    client = as_user(user)
    before = events_of(dossier)

    form = client.get(url("action", dossier.ref, action))
    assert form.status_code == 200
    response = client.post(url("action", dossier.ref, action), data, follow=True)

    dossier.refresh_from_db()  # reception gives the dossier its code: the page moves to it
    assert response.redirect_chain[-1][0] == url("dossier", dossier.ref)
    assert dossier.state == target
    assert events_of(dossier) == [*before, action]
    last = dossier.events.order_by("-created_at", "-pk").first()
    assert last is not None
    assert last.actor == user
    assert any("Đã thực hiện" in m for m in messages_of(response))


def test_proposing_a_grant_uploads_the_result_document(world, as_user, media_root):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    client = as_user(world.specialist)

    missing = client.post(url("action", dossier.ref, "propose"), {"decision": "granted"})
    assert missing.status_code == 400
    assert "Hãy tải lên văn bản kết quả giải quyết." in page(missing)

    response = client.post(
        url("action", dossier.ref, "propose"),
        {"decision": "granted", "result_file": make_pdf_upload("phieu-ly-lich.pdf")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.proposed_decision == Decision.GRANTED
    assert dossier.proposed_by == world.specialist
    assert events_of(dossier)[-1] == "propose"
    download = as_user(world.head).get(url("result", dossier.ref))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_denial_needs_its_reasons(world, as_user):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    before = events_of(dossier)
    response = as_user(world.specialist).post(
        url("action", dossier.ref, "propose"), {"decision": "denied", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Từ chối giải quyết cần ghi rõ lý do." in page(response)
    dossier.refresh_from_db()
    assert dossier.proposed_decision == ""
    assert events_of(dossier) == before


def test_hand_over_can_assign_someone_of_the_next_step(world, as_user):
    dossier = build_dossier(world, State.RECEIVED)
    client = as_user(world.clerk)
    form = page(client.get(url("action", dossier.ref, "hand_over")))
    assert "Phạm Thị Dung" in form  # the department's specialist is offered
    assert "Thẩm định, trình ký" in form

    outsider = staff(agency=world.centre, role="clerk", full_name="Vũ Văn Hải")
    refused = client.post(url("action", dossier.ref, "hand_over"), {"assignee": outsider.pk})
    assert refused.status_code == 400
    assert "không thuộc đơn vị xử lý bước tiếp theo" in page(refused)
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED

    client.post(url("action", dossier.ref, "hand_over"), {"assignee": world.specialist.pk})
    dossier.refresh_from_db()
    assert dossier.state == State.IN_APPRAISAL
    assert dossier.assignee == world.specialist


def test_the_return_page_shows_how_the_citizen_gets_the_result(world, as_user):
    dossier = build_dossier(world, State.READY_FOR_RETURN)
    html = page(as_user(world.clerk).get(url("action", dossier.ref, "return_result")))
    assert "Hình thức nhận kết quả" in html
    assert dossier.get_return_channel_display() in html


def test_a_second_supplement_request_at_reception_is_refused_and_changes_nothing(
    world, as_user, media_root
):
    dossier = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    services.dossier_attach_file(
        dossier=dossier, actor=world.citizen, upload=make_pdf_upload("cccd-ro.pdf")
    )
    services.dossier_resubmit(dossier=dossier, actor=world.citizen)
    before = events_of(dossier)
    client = as_user(world.clerk)

    warning = page(client.get(url("action", dossier.ref, "request_supplement")))
    assert "đã được yêu cầu bổ sung một lần khi tiếp nhận" in warning

    response = client.post(url("action", dossier.ref, "request_supplement"), ITEMS)

    assert response.status_code == 400
    assert "theo quy định chỉ yêu cầu một lần" in page(response)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert events_of(dossier) == before
    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1


def test_a_supplement_request_needs_at_least_one_item_with_its_reason(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    client = as_user(world.clerk)
    empty = {**ITEMS, **{f"items-{n}-{f}": "" for n in range(3) for f in ("name", "reason")}}

    none = client.post(url("action", dossier.ref, "request_supplement"), empty)
    assert none.status_code == 400
    assert "Liệt kê ít nhất một nội dung cần bổ sung, kèm lý do." in page(none)

    no_reason = client.post(
        url("action", dossier.ref, "request_supplement"),
        {**empty, "items-0-name": "Giấy khai sinh"},
    )
    assert no_reason.status_code == 400
    assert "Ghi lý do cần bổ sung “Giấy khai sinh”." in page(no_reason)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert not SupplementRequest.objects.filter(dossier=dossier).exists()


def test_refusing_without_a_reason_says_so_and_changes_nothing(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    before = events_of(dossier)

    response = as_user(world.clerk).post(url("action", dossier.ref, "refuse"), {"reason": " "})

    assert response.status_code == 400
    assert "Cần ghi rõ lý do." in page(response)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert events_of(dossier) == before


@pytest.mark.parametrize(
    ("state", "who", "action"),
    [
        (State.SUBMITTED, "clerk", "approve"),  # not the clerk's, nor the state's
        (State.RECEIVED, "clerk", "receive"),  # already done (a double click)
        (State.IN_APPRAISAL, "specialist", "approve"),  # the head's
        (State.RETURNED, "clerk", "return_result"),  # closed
    ],
)
def test_an_action_not_allowed_now_gets_a_message_and_changes_nothing(
    world, as_user, state, who, action
):
    dossier = build_dossier(world, state)
    before = events_of(dossier)
    client = as_user(getattr(world, who))

    for method in (client.get, client.post):
        response = method(url("action", dossier.ref, action), follow=True)
        assert response.redirect_chain[-1][0] == url("dossier", dossier.ref)
        assert any("Không thể thực hiện" in m for m in messages_of(response))

    dossier.refresh_from_db()
    assert dossier.state == state
    assert events_of(dossier) == before


def test_an_unknown_or_citizen_action_is_404(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    client = as_user(world.clerk)
    for action in ("xoa", "withdraw", "submit", "close_unsupplemented"):
        assert client.post(url("action", dossier.ref, action)).status_code == 404


def test_when_a_colleague_acts_first_the_second_clerk_gets_a_message_not_an_error(
    world, as_user, monkeypatch
):
    dossier = build_dossier(world, State.SUBMITTED)
    colleague = staff(agency=world.centre, role="clerk", full_name="Ngô Văn Khoa")
    checked = selectors_staff.available_actions

    def colleague_receives_meanwhile(found: Dossier, user: User) -> list[str]:
        # The page's check passes, then the colleague's request commits before ours locks.
        allowed = checked(found, user)
        if not found.events.filter(action="receive").exists():
            services.dossier_receive(dossier=Dossier.objects.get(pk=found.pk), actor=colleague)
        return allowed

    monkeypatch.setattr(selectors_staff, "available_actions", colleague_receives_meanwhile)
    response = as_user(world.clerk).post(
        url("action", dossier.ref, "refuse"), {"reason": "Sai thẩm quyền."}, follow=True
    )

    assert response.status_code == 200
    assert any("đã được người khác xử lý" in m for m in messages_of(response))
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    assert events_of(dossier)[-1] == "receive"
    assert dossier.events.get(action="receive").actor == colleague


# --- access ------------------------------------------------------------------------------------


def test_a_clerk_of_another_agency_gets_404_everywhere(world, as_user, foreign_clerk):
    dossier = build_dossier(world, State.SUBMITTED)
    client = as_user(foreign_clerk)

    assert client.get(url("dossier", dossier.ref)).status_code == 404
    assert client.get(url("result", dossier.ref)).status_code == 404
    for action in [verb.name for verb in verbs.of(verbs.STAFF)]:
        assert client.get(url("action", dossier.ref, action)).status_code == 404
        assert client.post(url("action", dossier.ref, action), {"reason": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert client.get(url("dossier", "000.00.01.H75-250101-9999")).status_code == 404


def test_a_specialist_of_another_department_gets_404(world, as_user):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    other = DepartmentFactory(agency=world.justice, name="Phòng Bổ trợ tư pháp")
    outsider = staff(agency=world.justice, department=other, role="specialist")
    client = as_user(outsider)
    assert client.get(url("dossier", dossier.ref)).status_code == 404
    assert client.post(url("action", dossier.ref, "propose")).status_code == 404


# --- the walk-in counter ----------------------------------------------------------------------


def walk_in_data(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Trịnh Văn Lâm",
        "national_id": NEW_CITIZEN_ID,
        "date_of_birth": "1985-03-02",
        "address": "Số 5 đường Đồng Khởi, phường Trấn Biên, tỉnh Đồng Nai",
        "phone": "0987654321",
        "email": "",
        "return_channel": "counter",
        "return_address": "",
        "note": "",
    }
    for component in world.required_components:
        data[f"tep_{component.pk}"] = make_pdf_upload(f"giay-to-{component.order}.pdf")
    data.update(overrides)
    return data


def test_a_walk_in_dossier_is_filed_by_the_clerk_for_a_new_citizen(world, as_user, media_root):
    client = as_user(world.clerk)
    walk_in = url("walk_in") + f"?thu_tuc={world.procedure.code}"

    form = client.get(walk_in)
    assert form.status_code == 200
    assert world.components[0].name in page(form)

    response = client.post(walk_in, walk_in_data(world))

    dossier = Dossier.objects.get(applicant_national_id=NEW_CITIZEN_ID)
    assert response.status_code == 302
    assert response["Location"] == url("dossier", dossier.ref)
    assert dossier.intake_channel == Channel.DIRECT
    assert dossier.state == State.SUBMITTED
    assert dossier.filed_by == world.clerk
    assert dossier.agency == world.centre
    # No account has the number verified: the dossier stands on the details typed, and no
    # account is made or given access (tests/dossiers/test_walk_in_identity.py).
    assert dossier.applicant is None
    assert dossier.applicant_name == "Trịnh Văn Lâm"
    assert not User.objects.filter(national_id=NEW_CITIZEN_ID).exists()
    assert dossier.files.count() == len(world.required_components)
    assert events_of(dossier) == ["submit"]
    assert dossier.events.get().actor == world.clerk


def test_a_walk_in_for_a_known_citizen_is_theirs_and_the_lookup_prefills(
    world, as_user, media_root
):
    client = as_user(world.clerk)
    known = world.citizen
    # Known: a clerk has seen the card before, so the number is verified to be theirs.
    known.national_id_verified_at = timezone.now()
    known.national_id_verification = "counter"
    known.save(update_fields=["national_id_verified_at", "national_id_verification"])
    walk_in = url("walk_in") + f"?thu_tuc={world.procedure.code}"

    # The look-up is a POST with the card's ID number and date of birth (tests/audit has
    # the rest); an ID number in the URL prefills nothing.
    assert f'value="{known.full_name}"' not in page(
        client.get(walk_in + f"&cccd={known.national_id}")
    )
    prefilled = page(
        client.post(
            walk_in,
            {
                "tra_cuu-national_id": known.national_id,
                "tra_cuu-date_of_birth": known.date_of_birth.isoformat(),
                "tra_cuu-purpose": "walk_in",
            },
        )
    )
    assert f'value="{known.full_name}"' in prefilled

    users = User.objects.count()
    client.post(
        walk_in,
        walk_in_data(
            world,
            full_name=known.full_name,
            national_id=known.national_id,
            date_of_birth=known.date_of_birth.isoformat(),
        ),
    )
    dossier = Dossier.objects.get(filed_by=world.clerk)
    assert dossier.applicant == known
    assert User.objects.count() == users


def test_a_walk_in_with_a_missing_component_stores_nothing(world, as_user, media_root):
    client = as_user(world.clerk)
    data = walk_in_data(world)
    missing = world.required_components[1]
    del data[f"tep_{missing.pk}"]
    users = User.objects.count()

    response = client.post(url("walk_in") + f"?thu_tuc={world.procedure.code}", data)

    assert response.status_code == 400
    assert f"Thiếu thành phần bắt buộc “{missing.name}”." in page(response)
    assert not Dossier.objects.exists()
    assert User.objects.count() == users


def test_the_walk_in_offers_only_the_procedures_the_clerks_agency_receives(
    world, as_user, foreign_clerk
):
    world.procedure.agencies.remove(world.centre)
    world.procedure.agencies.add(foreign_clerk.agency)
    client = as_user(world.clerk)
    assert world.procedure.name not in page(client.get(url("walk_in")))

    response = client.post(url("walk_in") + f"?thu_tuc={world.procedure.code}", walk_in_data(world))
    assert response.status_code == 400
    assert "Cơ quan của bạn không tiếp nhận thủ tục này." in page(response)
    assert not Dossier.objects.exists()


def test_only_a_clerk_registers_walk_in_dossiers(world, as_user):
    assert as_user(world.specialist).get(url("walk_in")).status_code == 403


# --- query budgets -------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_clerk_queue_reads_the_same_number_of_queries_for_1_10_and_50_dossiers(world, as_user):
    client = as_user(world.clerk)
    counts = []
    for total in (1, 10, 50):
        while Dossier.objects.count() < total:
            build_dossier(world, State.SUBMITTED)
        counts.append(_queries(client, url("queue")))
    # 1 the session, 2 the user, 3-4 the user's and their groups' permissions (the role
    # checks), 5 the count for the paginator, 6 the user's agency and department for the
    # heading (one JOIN), 7 the procedures of the queue (the filter's choices), 8 the page
    # of dossiers with procedure, agency, current step and assignee (one JOIN), 9-11 the
    # session saved again (SESSION_SAVE_EVERY_REQUEST: a savepoint, the update, its
    # release). No row reads anything more.
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 12


def test_the_head_queue_reads_the_same_number_of_queries_for_1_10_and_50_dossiers(world, as_user):
    client = as_user(world.head)
    counts = []
    for total in (1, 10, 50):
        while Dossier.objects.count() < total:
            build_dossier(world, State.IN_APPRAISAL)
        counts.append(_queries(client, url("queue")))
    # As the clerk's (11), plus the proposals waiting for approval (one query with
    # procedure and proposer).
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 12


@pytest.mark.parametrize("who", ["clerk", "specialist"])
def test_the_dossier_page_reads_the_same_number_of_queries_for_1_10_and_50_dossiers(
    world, as_user, who
):
    user = getattr(world, who)
    state = State.RECEIVED if who == "clerk" else State.IN_APPRAISAL
    client = as_user(user)
    counts = []
    for total in (1, 10, 50):
        while Dossier.objects.count() < total:
            build_dossier(world, state)
        dossier = Dossier.objects.order_by("-pk").first()
        counts.append(_queries(client, url("dossier", dossier.ref)))
    # 1 the session, 2 the user, 3-4 the user's and their groups' permissions, 5 the
    # dossier with procedure, agency, version, filer, current step (its agency and
    # department), assignee and proposer (one JOIN), 6 its files with their component,
    # 7 its events with their actor (the slips are read from them too), 8 its steps with
    # agency, department and handler (prefetched: django-fsm's hand-over condition reads
    # them), 9 the calendar overrides for the countdown, 10 the access log's one INSERT
    # (who read whose dossier), 11-13 the session saved again (a savepoint, the update,
    # its release); for a clerk, 14 the menu's count of paper hand-overs waiting.
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= (14 if who == "clerk" else 13)


def test_group_membership_alone_gives_a_person_their_queue(world, as_user):
    """Roles are codenames through groups: a person added to the clerk group later works."""
    late_clerk = staff(agency=world.centre, full_name="Mai Thị Oanh")
    dossier = build_dossier(world, State.SUBMITTED)
    assert codes_in_order(page(as_user(late_clerk).get(url("queue")))) == []
    late_clerk.groups.add(Group.objects.get(name=ROLE_BY_KEY["clerk"].group_name))
    late_clerk = User.objects.get(pk=late_clerk.pk)
    assert codes_in_order(page(as_user(late_clerk).get(url("queue")))) == [dossier.code]


@pytest.mark.parametrize(
    "state",
    [
        State.SUBMITTED,
        State.SUPPLEMENT_REQUESTED,
        State.REFUSED,
        State.RECEIVED,
        State.IN_APPRAISAL,
        State.STOPPED,
        State.WITHDRAWN,
        State.RETURNED,
    ],
)
def test_the_slips_on_the_staff_page_are_those_the_documents_module_offers(world, state):
    from dossiers.slips import catalogue

    dossier = build_dossier(world, state)
    rows = selectors_staff.history(dossier.events.order_by("created_at", "pk"))
    assert selectors_staff.slips_of(dossier, rows) == list(catalogue.AVAILABLE_FORMS(dossier))
