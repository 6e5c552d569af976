"""Verification periods and excluded periods move the deadline without an apology and
without counting the dossier late (docs/legal.md#v1-verification-periods-extend-the-deadline,
docs/legal.md#x1-excluded-periods-pause-the-clock).

Real dates, on the shipped 2026 calendar: Tết 2026 is Monday 16 to Friday 20 February
(workcalendar/official/2026.toml), so the working days around it are Friday 13 and Monday 23.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from apologies.scan import scan
from core.errors import DossierError, DossierNotFound, TransitionConflict
from dossiers import notifications, selectors, services
from dossiers.models import ClockPause, Dossier, DossierEvent, PauseReason, State
from dossiers.statistics import department_statistics
from procedures.models import ExcludedPeriodRule, ExclusionKind, LimitUnit, VerificationMode
from tests.dossiers.factories import World, draft_with_files
from tests.factories import StaffFactory
from tests.twofactor import force_login_verified
from workcalendar import engine
from workcalendar.calendars import calendar_for

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")

MARRIAGE_BASIS = "Luật Hộ tịch 2014, Điều 18 khoản 2"
PATERNITY_BASIS = "Luật Hộ tịch 2014, Điều 25 khoản 2"
POSTING_BASIS = "Căn cứ minh họa cho kiểm thử"


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def allow_verification(
    world: World, amount: int = 5, unit: str = LimitUnit.WORKING_DAYS, mode: str = "extra"
) -> None:
    version = world.version
    version.verification_amount = amount
    version.verification_unit = unit
    version.verification_mode = mode
    version.verification_basis = MARRIAGE_BASIS if mode == "total" else PATERNITY_BASIS
    version.save()


def allow_posting(world: World, days: int = 15) -> ExcludedPeriodRule:
    return ExcludedPeriodRule.objects.create(
        version=world.version,
        kind=ExclusionKind.POSTING,
        legal_basis=POSTING_BASIS,
        max_amount=days,
        max_unit=LimitUnit.CALENDAR_DAYS,
    )


def limit(world: World, hours: int) -> None:
    """The world's procedure with a limit of ``hours`` working hours: reception takes one
    hour at the centre, the department's appraisal the rest."""
    version = world.version
    version.limit_hours_direct = version.limit_hours_online = hours
    version.save()
    version.steps.filter(order=1).update(budget_hours=1)
    version.steps.filter(order=2).update(budget_hours=hours - 1)


def in_appraisal(world: World, moment: datetime.datetime) -> Dossier:
    """Received and handed to the department at ``moment``."""
    with time_machine.travel(moment, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        if dossier.state == State.RECEIVED:
            services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.state == State.IN_APPRAISAL
    return fresh


def verify(world: World, dossier: Dossier, when: datetime.datetime, amount: int = 5) -> Dossier:
    with time_machine.travel(when, tick=False):
        services.dossier_record_verification(
            dossier=dossier,
            actor=world.specialist,
            amount=amount,
            reason="Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây.",
        )
    return Dossier.objects.get(pk=dossier.pk)


# --- verification: tables of real dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "recorded", "amount", "due", "extended"),
    [
        # Thursday before Tết, limit 1 working day (due Friday 13/02 09:00); 5 more working
        # days cross the weekend and the whole Tết week: Friday 27/02 09:00.
        (
            at(2026, 2, 12, 9, 0),
            at(2026, 2, 13, 8, 0),
            5,
            at(2026, 2, 13, 9, 0),
            at(2026, 2, 27, 9),
        ),
        # Only 2 of the 5 days needed: Tuesday 24/02 09:00.
        (
            at(2026, 2, 12, 9, 0),
            at(2026, 2, 12, 15, 0),
            2,
            at(2026, 2, 13, 9, 0),
            at(2026, 2, 24, 9),
        ),
        # An ordinary week: received Monday 09/03 10:00, due Tuesday 10/03 10:00; +5 working
        # days crosses one weekend: Tuesday 17/03 10:00.
        (
            at(2026, 3, 9, 10, 0),
            at(2026, 3, 10, 9, 0),
            5,
            at(2026, 3, 10, 10, 0),
            at(2026, 3, 17, 10),
        ),
    ],
)
def test_verification_extends_by_working_days_across_weekends_and_tet(
    world, received, recorded, amount, due, extended
):
    limit(world, 8)
    allow_verification(world)
    dossier = in_appraisal(world, received)
    assert dossier.due_at == due
    step_due = dossier.current_step.due_at

    dossier = verify(world, dossier, recorded, amount)

    assert dossier.due_at == extended
    assert dossier.original_due_at == due
    assert dossier.extension_count == 0  # not an apology's extension
    assert dossier.verification_recorded_at == recorded
    # The step doing the verification has its budget extended by the same working time.
    cal = calendar_for(dossier.agency)
    moved = engine.working_time_between(cal, due, extended)
    assert engine.working_time_between(cal, step_due, dossier.current_step.due_at) == moved


def test_marriage_verification_makes_the_whole_limit_five_working_days_from_reception(world):
    """Art. 18(2): "thời hạn giải quyết không quá 05 ngày làm việc" — the whole limit,
    counted from reception: received Thursday 12/02/2026 09:00, five working days of working
    time across Tết end on Thursday 26/02 09:00 (not Friday 27/02, as "5 more" would)."""
    limit(world, 8)
    allow_verification(world, mode=VerificationMode.TOTAL)
    dossier = in_appraisal(world, at(2026, 2, 12, 9, 0))

    dossier = verify(world, dossier, at(2026, 2, 13, 8, 0))

    assert dossier.due_at == at(2026, 2, 26, 9, 0)
    lines = selectors.explain_deadline(dossier)
    assert any(
        "thời hạn giải quyết tối đa 5 ngày làm việc kể từ khi tiếp nhận" in line for line in lines
    )
    assert any(MARRIAGE_BASIS in line for line in lines)


def test_verification_in_calendar_days_rolls_off_a_day_off(world):
    limit(world, 8)
    allow_verification(world, amount=3, unit=LimitUnit.CALENDAR_DAYS)
    dossier = in_appraisal(world, at(2026, 2, 12, 9, 0))  # due Friday 13/02 09:00
    # 13/02 + 3 days = Monday 16/02, a Tết day: the end rolls to Monday 23/02's close.
    dossier = verify(world, dossier, at(2026, 2, 12, 14, 0), amount=3)
    assert dossier.due_at == at(2026, 2, 23, 17, 0)


def test_the_explanation_says_why_in_plain_vietnamese_on_both_pages(client, world):
    limit(world, 8)
    allow_verification(world)
    dossier = verify(world, in_appraisal(world, at(2026, 2, 12, 9, 0)), at(2026, 2, 13, 8, 0))

    lines = selectors.explain_deadline(dossier)
    assert (
        "Cần xác minh (Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây.): thời hạn kéo "
        f"dài thêm 5 ngày làm việc theo {PATERNITY_BASIS}, không phải xin lỗi, không tính là "
        "trễ hạn"
    ) in lines
    assert "Hạn trả mới: 09:00 thứ Sáu 27/02/2026" in lines

    client.force_login(world.citizen)
    citizen_page = client.get(reverse("dossiers:detail", args=(dossier.ref,))).content.decode()
    assert "thời hạn kéo dài thêm 5 ngày làm việc" in citizen_page
    assert "Hạn trả mới: 09:00 thứ Sáu 27/02/2026" in citizen_page


def deliver(dossier: Dossier, action: str) -> None:
    """What the worker does with the task the verb enqueued after its commit."""
    event = DossierEvent.objects.filter(dossier=dossier, action=action).latest("id")
    notifications.notify_event(event_id=event.pk)


@pytest.mark.usefixtures("media_root")
def test_the_citizen_is_told_and_no_apology_is_drafted(world):
    limit(world, 8)
    allow_verification(world)
    dossier = verify(world, in_appraisal(world, at(2026, 2, 12, 9, 0)), at(2026, 2, 13, 8, 0))
    mail.outbox.clear()

    deliver(dossier, "record_verification")

    [message] = mail.outbox
    assert message.subject == f"Hồ sơ {dossier.code}: cần xác minh, thời hạn được kéo dài"
    assert "Thời hạn trả kết quả mới: 09:00, 27/02/2026." in message.body
    assert "đây không phải là trễ hạn" in message.body
    # The old deadline passes; the scan finds nothing late, nothing due soon, no letter.
    report = scan(now=at(2026, 2, 23, 10, 0), enqueue=False)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (report.overdue, report.letters_enqueued) == (0, 0)
    assert fresh.overdue_since is None and fresh.due_soon_at is None
    assert not fresh.apology_letters.exists()


@pytest.mark.postgres
def test_statistics_count_a_verified_dossier_on_time_against_its_extended_deadline(world):
    limit(world, 8)
    allow_verification(world)
    dossier = verify(world, in_appraisal(world, at(2026, 2, 12, 9, 0)), at(2026, 2, 13, 8, 0))
    with time_machine.travel(at(2026, 2, 25, 10, 0), tick=False):  # after 13/02, before 27/02
        services.dossier_propose(
            dossier=dossier, actor=world.specialist, decision="denied", reason="Không đủ điều kiện."
        )
        services.dossier_approve(dossier=dossier, actor=world.head)

    rows = department_statistics(start=at(2026, 2, 1), end=at(2026, 3, 1))

    assert sum(row.settled_on_time for row in rows) == 1
    assert sum(row.settled_late for row in rows) == 0


# --- verification: refused -------------------------------------------------------------------


def test_more_than_the_allowance_is_refused_and_nothing_is_stored(world):
    limit(world, 8)
    allow_verification(world)
    dossier = in_appraisal(world, at(2026, 3, 9, 10, 0))
    events = dossier.events.count()

    with (
        time_machine.travel(at(2026, 3, 9, 11, 0), tick=False),
        pytest.raises(DossierError) as error,
    ):
        services.dossier_record_verification(
            dossier=dossier, actor=world.specialist, amount=6, reason="Cần xác minh."
        )

    assert str(error.value.message) == (
        f"Thủ tục này chỉ cho tối đa 5 ngày làm việc để xác minh ({PATERNITY_BASIS}); "
        "không ghi nhận 6 ngày làm việc."
    )
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.due_at == dossier.due_at and fresh.verification_recorded_at is None
    assert fresh.events.count() == events


def test_a_second_verification_is_refused_with_its_reason(world):
    limit(world, 8)
    allow_verification(world)
    dossier = verify(world, in_appraisal(world, at(2026, 3, 9, 10, 0)), at(2026, 3, 9, 11, 0), 2)
    due, events = dossier.due_at, dossier.events.count()

    with (
        time_machine.travel(at(2026, 3, 10, 9, 0), tick=False),
        pytest.raises(TransitionConflict) as error,
    ):
        services.dossier_record_verification(
            dossier=dossier, actor=world.head, amount=3, reason="Xác minh thêm."
        )

    assert "chỉ được cộng một lần" in str(error.value.message)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.due_at, fresh.events.count()) == (due, events)


def test_a_procedure_without_an_allowance_offers_no_verification(world):
    dossier = in_appraisal(world, at(2026, 3, 9, 10, 0))
    with pytest.raises(TransitionConflict) as error:
        services.dossier_record_verification(
            dossier=dossier, actor=world.specialist, amount=1, reason="Cần xác minh."
        )
    assert (
        str(error.value.message) == "Thủ tục này không có quy định cho thêm thời gian để xác minh."
    )


def test_a_late_dossier_cannot_be_excused_by_a_verification(world):
    limit(world, 8)
    allow_verification(world)
    dossier = in_appraisal(world, at(2026, 3, 9, 10, 0))  # due Tuesday 10/03 10:00
    with (
        time_machine.travel(at(2026, 3, 10, 11, 0), tick=False),
        pytest.raises(DossierError) as error,
    ):
        services.dossier_record_verification(
            dossier=dossier, actor=world.specialist, amount=5, reason="Cần xác minh."
        )
    assert "đã quá hạn" in str(error.value.message)


def test_a_citizen_or_another_agencys_staff_get_404(client, world):
    limit(world, 8)
    allow_verification(world)
    dossier = in_appraisal(world, at(2026, 3, 9, 10, 0))
    outsider = StaffFactory(role="specialist")

    with pytest.raises(DossierNotFound):
        services.dossier_record_verification(
            dossier=dossier, actor=outsider, amount=1, reason="Cần xác minh."
        )
    for person in (world.citizen, outsider):
        force_login_verified(client, person)
        response = client.post(
            reverse("staff:action", args=(dossier.ref, "record_verification")),
            {"amount": "1", "reason": "Cần xác minh."},
        )
        assert response.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).verification_recorded_at is None


# --- excluded periods ---------------------------------------------------------------------------


def start_posting(world: World, dossier: Dossier, when: datetime.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        services.dossier_start_excluded_period(
            dossier=dossier,
            actor=world.specialist,
            kind=ExclusionKind.POSTING,
            reason="Niêm yết công khai kết quả kiểm tra hồ sơ tại trụ sở UBND xã.",
        )
    return Dossier.objects.get(pk=dossier.pk)


def end_period(world: World, dossier: Dossier, when: datetime.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        services.dossier_end_excluded_period(dossier=dossier, actor=world.specialist)
    return Dossier.objects.get(pk=dossier.pk)


def test_a_posting_of_fifteen_calendar_days_moves_a_working_day_limit_by_its_working_time(world):
    """10 working days from Monday 02/03/2026 07:30 end Friday 13/03 17:00. A posting from
    Wednesday 04/03 07:30 to Thursday 19/03 07:30 (15 calendar days) holds 11 working days:
    the deadline moves to Monday 30/03 17:00, and the step's with it."""
    limit(world, 80)
    allow_posting(world)
    dossier = in_appraisal(world, at(2026, 3, 2, 7, 30))
    assert dossier.due_at == at(2026, 3, 13, 17, 0)
    assert dossier.current_step.due_at == at(2026, 3, 13, 16, 0)  # 79 h of the 80

    dossier = start_posting(world, dossier, at(2026, 3, 4, 7, 30))
    assert dossier.state == State.IN_APPRAISAL and dossier.paused_at == at(2026, 3, 4, 7, 30)
    assert ClockPause.objects.get(dossier=dossier).reason == PauseReason.EXCLUDED

    dossier = end_period(world, dossier, at(2026, 3, 19, 7, 30))

    assert dossier.due_at == at(2026, 3, 30, 17, 0)
    assert dossier.paused_at is None and dossier.extension_count == 0
    assert dossier.current_step.due_at == at(2026, 3, 30, 16, 0)
    lines = selectors.explain_deadline(dossier)
    assert (
        "Không tính thời gian niêm yết công khai từ 07:30 thứ Tư 04/03/2026 đến 07:30 thứ Năm "
        "19/03/2026: cộng thêm 88 giờ vào thời hạn"
    ) in lines


def test_a_posting_longer_than_the_maximum_counts_only_the_maximum(world):
    limit(world, 80)
    allow_posting(world, days=15)
    dossier = start_posting(
        world, in_appraisal(world, at(2026, 3, 2, 7, 30)), at(2026, 3, 4, 7, 30)
    )

    # Ended on Tuesday 24/03, 20 days later: only to the close of Thursday 19/03 is left
    # out (12 working days), the deadline moves from Friday 13/03 to Tuesday 31/03 17:00.
    dossier = end_period(world, dossier, at(2026, 3, 24, 9, 0))

    assert dossier.due_at == at(2026, 3, 31, 17, 0)
    assert any("thời gian tối đa được trừ" in line for line in selectors.explain_deadline(dossier))


def test_a_calendar_day_limit_moves_by_the_calendar_days_of_the_posting(world):
    """30 days from Monday 02/03/2026 end on Wednesday 01/04 17:00; a posting from 04/03 to
    19/03 is 15 days: Thursday 16/04 17:00."""
    version = world.version
    version.limit_unit = LimitUnit.CALENDAR_DAYS
    version.calendar_days_direct = version.calendar_days_online = 30
    version.save()
    limit(world, 80)
    allow_posting(world)
    dossier = in_appraisal(world, at(2026, 3, 2, 9, 0))
    assert dossier.due_at == at(2026, 4, 1, 17, 0)

    dossier = start_posting(world, dossier, at(2026, 3, 4, 9, 0))
    dossier = end_period(world, dossier, at(2026, 3, 19, 10, 0))

    assert dossier.due_at == at(2026, 4, 16, 17, 0)
    assert any(
        "cộng thêm 15 ngày vào thời hạn" in line for line in selectors.explain_deadline(dossier)
    )


def test_while_a_posting_runs_the_scan_flags_nothing_and_approval_waits(world):
    limit(world, 16)
    allow_posting(world)
    dossier = in_appraisal(world, at(2026, 3, 2, 9, 0))  # due Wednesday 04/03 09:00
    dossier = start_posting(world, dossier, at(2026, 3, 3, 9, 0))
    with time_machine.travel(at(2026, 3, 5, 9, 0), tick=False):
        services.dossier_propose(
            dossier=dossier, actor=world.specialist, decision="denied", reason="Có khiếu nại."
        )

    report = scan(now=at(2026, 3, 10, 9, 0), enqueue=False)  # the old deadline long gone
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (report.due_soon, report.overdue) == (0, 0)
    assert fresh.due_soon_at is None and fresh.overdue_since is None
    countdown = selectors.working_days_left(fresh, at(2026, 3, 10, 9, 0))
    assert countdown is not None and countdown.paused and not countdown.overdue

    with pytest.raises(TransitionConflict) as error:
        services.dossier_approve(dossier=fresh, actor=world.head)
    assert "hãy kết thúc khoảng thời gian đó trước" in str(error.value.message)


@pytest.mark.postgres
def test_statistics_count_a_dossier_in_a_posting_within_time(world):
    limit(world, 16)
    allow_posting(world)
    dossier = in_appraisal(world, at(2026, 3, 2, 9, 0))  # due Wednesday 04/03 09:00
    start_posting(world, dossier, at(2026, 3, 3, 9, 0))

    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        rows = department_statistics(start=at(2026, 3, 1), end=at(2026, 3, 11))

    assert sum(row.in_progress_on_time for row in rows) == 1
    assert sum(row.overdue for row in rows) == 0


def test_the_dossier_pages_show_a_running_and_an_ended_posting(client, world):
    limit(world, 80)
    allow_posting(world)
    dossier = start_posting(
        world, in_appraisal(world, at(2026, 3, 2, 7, 30)), at(2026, 3, 4, 7, 30)
    )
    running = (
        "Từ 07:30 thứ Tư 04/03/2026: niêm yết công khai (Niêm yết công khai kết quả kiểm tra "
        "hồ sơ tại trụ sở UBND xã.), thời gian này không tính vào thời hạn giải quyết (tối đa "
        f"15 ngày, theo {POSTING_BASIS})"
    )
    client.force_login(world.citizen)
    assert running in client.get(reverse("dossiers:detail", args=(dossier.ref,))).content.decode()

    dossier = end_period(world, dossier, at(2026, 3, 19, 7, 30))
    force_login_verified(client, world.specialist)
    staff_page = client.get(reverse("staff:dossier", args=(dossier.ref,))).content.decode()
    assert running in staff_page
    assert "cộng thêm 88 giờ vào thời hạn" in staff_page


def test_an_excluded_kind_the_procedure_does_not_list_is_refused(world):
    limit(world, 80)
    allow_posting(world)
    dossier = in_appraisal(world, at(2026, 3, 2, 9, 0))
    with pytest.raises(DossierError) as error:
        services.dossier_start_excluded_period(
            dossier=dossier,
            actor=world.specialist,
            kind=ExclusionKind.SITE_INSPECTION,
            reason="Kiểm tra thực địa.",
        )
    assert "không quy định loại thời gian" in str(error.value.message)
    assert not ClockPause.objects.filter(dossier=dossier).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, action="start_excluded_period").exists()
