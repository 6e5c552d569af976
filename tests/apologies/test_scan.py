"""The deadline scan with frozen time (issue 4, "Show it")."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apologies.models import ApologyLetter, LetterState
from apologies.scan import scan
from apologies.services import letter_create_draft, letter_issue
from core.errors import DossierError
from dossiers import services
from dossiers.models import Decision, Dossier, DossierStep
from tests.dossiers.factories import build_world, draft_with_files, make_pdf_upload
from tests.factories import AgencyFactory, DepartmentFactory, ProcessStepFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def received_on_friday_before_tet(world) -> Dossier:
    with time_machine.travel(at(2025, 1, 24, 9, 0), tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    return Dossier.objects.get(pk=dossier.pk)


def drafts_made() -> None:
    """What the worker does with the ids the scan enqueued (run inline here)."""
    from apologies.scan import letters_missing
    from apologies.services import letter_render

    for dossier in letters_missing():
        letter = letter_create_draft(dossier_id=dossier.pk)
        assert letter is not None
        letter_render(letter_id=letter.pk, final=False)


def test_tet_dossier_goes_due_soon_then_overdue_and_rescans_change_nothing(world):
    dossier = received_on_friday_before_tet(world)
    # 3 working days from Friday 24 January 2025 09:00, Tết (27 Jan–1 Feb) in between.
    assert dossier.due_at == at(2025, 2, 5, 9, 0)

    with time_machine.travel(at(2025, 2, 3, 10, 0), tick=False):
        report = scan(enqueue=False)
        assert report.due_soon == 0  # two working days left: not yet

    with time_machine.travel(at(2025, 2, 4, 10, 0), tick=False):
        report = scan(enqueue=False)
        assert report.due_soon == 1 and report.overdue == 0
        assert report.letters_enqueued == 1
        drafts_made()
        again = scan(enqueue=False)
        assert (again.due_soon, again.overdue, again.escalated, again.letters_enqueued) == (
            0,
            0,
            0,
            0,
        )

    dossier.refresh_from_db()
    assert dossier.due_soon_at == at(2025, 2, 4, 10, 0)
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.state == LetterState.DRAFT
    assert letter.original_due_at == at(2025, 2, 5, 9, 0)
    assert letter.addressee == dossier.applicant_name
    assert letter.proposed_due_at > letter.original_due_at

    with time_machine.travel(at(2025, 2, 5, 10, 0), tick=False):
        report = scan(enqueue=False)
        assert report.overdue == 1
        assert report.escalated == 1  # overdue with no issued apology
        again = scan(enqueue=False)
        assert (again.due_soon, again.overdue, again.escalated, again.late_steps) == (0, 0, 0, 0)

    dossier.refresh_from_db()
    assert dossier.overdue_since == at(2025, 2, 5, 9, 0)
    # The appraisal step (16 h from the hand-over on 24 Jan 09:00) overran: Sở Tư pháp.
    assert dossier.responsible_agency == world.justice
    assert dossier.responsible_department == world.department
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 1


def test_a_multi_agency_dossier_apologises_from_the_department_that_overran():
    world = build_world()
    construction = AgencyFactory(name="Sở Xây dựng tỉnh Đồng Nai", code="000.00.15.H75")
    planning = DepartmentFactory(agency=construction, name="Phòng Quản lý hoạt động xây dựng")
    head = StaffFactory(agency=construction, department=planning, role="head")
    world.version.limit_hours_direct = world.version.limit_hours_online = 40
    world.version.save()
    world.version.steps.filter(order=2).update(budget_hours=8)
    ProcessStepFactory(
        version=world.version,
        order=3,
        name="Thẩm định hồ sơ xây dựng",
        agency=construction,
        department=planning,
        budget_hours=16,
    )
    ProcessStepFactory(
        version=world.version, order=4, name="Trả kết quả", agency=world.centre, budget_hours=4
    )

    with time_machine.travel(at(2025, 3, 3, 7, 30), tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    with time_machine.travel(at(2025, 3, 3, 14, 0), tick=False):
        # Sở Tư pháp is within its 8 hours and hands over to Sở Xây dựng.
        services.dossier_hand_over(dossier=dossier, actor=world.specialist)
    dossier.refresh_from_db()
    assert dossier.due_at == at(2025, 3, 7, 17, 0)  # 5 working days from Monday 07:30
    with time_machine.travel(at(2025, 3, 7, 17, 30), tick=False):
        report = scan(enqueue=False)
        assert report.overdue == 1
        drafts_made()

    dossier.refresh_from_db()
    assert dossier.responsible_agency == construction
    assert dossier.responsible_department == planning
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.agency == construction, (
        "addressed from the agency at fault, not the one-stop centre"
    )
    late = DossierStep.objects.get(dossier=dossier, order=3)
    assert late.overdue_since is not None

    # Its head issues it: numbered, deadline extended once, an event logged.
    with time_machine.travel(at(2025, 3, 10, 8, 0), tick=False):
        issued = letter_issue(
            letter=letter, actor=head, reason="Cần lấy ý kiến cơ quan quản lý quy hoạch."
        )
    assert issued.state == LetterState.ISSUED and issued.number_label.startswith("01/PXL-")
    dossier.refresh_from_db()
    assert dossier.due_at == issued.proposed_due_at and dossier.extension_count == 1
    assert dossier.events.filter(action="apology_issued").count() == 1
    # The clerk of the centre cannot sign it; a second extension is refused.
    other = ApologyLetter.objects.create(
        dossier=dossier,
        episode=1,
        agency=construction,
        addressee="x",
        received_at=letter.received_at,
        original_due_at=dossier.due_at,
        proposed_due_at=dossier.due_at + datetime.timedelta(days=3),
        reason="x",
    )
    with pytest.raises(DossierError, match="một lần"):
        letter_issue(letter=other, actor=head)


def test_a_settled_dossier_cancels_its_draft(world):
    dossier = received_on_friday_before_tet(world)
    with time_machine.travel(at(2025, 2, 4, 10, 0), tick=False):
        scan(enqueue=False)
        drafts_made()
        services.dossier_propose(
            dossier=dossier,
            actor=world.specialist,
            decision=Decision.GRANTED,
            result_file=make_pdf_upload("ket-qua.pdf"),
        )
        assert ApologyLetter.objects.get(dossier=dossier).state == LetterState.DRAFT
        services.dossier_approve(dossier=dossier, actor=world.head)
    # Cancelled by the approval itself, in its transaction: no scan needed.
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.state == LetterState.CANCELLED and letter.cancelled_at is not None
    with time_machine.travel(at(2025, 2, 4, 10, 5), tick=False):
        assert scan(enqueue=False).letters_enqueued == 0
    assert ApologyLetter.objects.get(dossier=dossier).state == LetterState.CANCELLED


def test_a_letter_whose_render_keeps_killing_the_worker_is_not_redelivered_for_ever(
    world, monkeypatch
):
    from apologies.models import RENDER_ATTEMPTS
    from apologies.services import letter_render, letter_update

    dossier = received_on_friday_before_tet(world)
    with time_machine.travel(at(2025, 2, 5, 10, 0), tick=False):
        scan(enqueue=False)
        letter = letter_create_draft(dossier_id=dossier.pk)
    assert letter is not None
    begun = []

    def killed(letter):
        begun.append(letter.pk)
        raise SystemExit("the worker died mid-render")  # as the pool's SIGKILL ends it

    monkeypatch.setattr("apologies.documents.render_letter", killed)
    for _ in range(RENDER_ATTEMPTS):
        with pytest.raises(SystemExit):
            letter_render(letter_id=letter.pk, final=False)
    # The redelivery after that renders nothing, and the scan stops re-enqueuing it.
    assert letter_render(letter_id=letter.pk, final=False) is None
    assert len(begun) == RENDER_ATTEMPTS
    with time_machine.travel(at(2025, 2, 5, 10, 5), tick=False):
        assert scan(enqueue=False).letters_enqueued == 0

    # The head edits the draft (the edit may be what lets it render): it is tried afresh.
    monkeypatch.undo()
    letter.refresh_from_db()
    with time_machine.travel(at(2025, 2, 5, 10, 10), tick=False):
        letter_update(
            letter=letter,
            actor=world.head,
            reason="Hồ sơ cần xác minh thêm.",
            proposed_due_at=letter.proposed_due_at,
        )
        assert scan(enqueue=False).letters_enqueued == 1
    rendered = letter_render(letter_id=letter.pk, final=False)
    assert rendered is not None and rendered.draft_pdf


def test_a_dossier_flagged_long_after_its_deadline_is_proposed_a_date_to_come(world):
    dossier = received_on_friday_before_tet(world)  # due Wednesday 5 February 2025, 09:00
    # The worker was down: the scan finds it only two weeks after its deadline.
    with time_machine.travel(at(2025, 2, 19, 10, 0), tick=False):
        scan(enqueue=False)
        letter = letter_create_draft(dossier_id=dossier.pk)
    assert letter is not None
    assert letter.original_due_at == at(2025, 2, 5, 9, 0)
    # The default extension (3 working days) counted from now, not from the deadline.
    assert letter.proposed_due_at == at(2025, 2, 24, 10, 0)
