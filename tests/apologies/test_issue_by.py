"""When a letter is drafted and by when it must be issued (issue 12 item 3;
docs/legal.md#issue-by-and-the-drafting-lead), on real dates of the 2025 and 2026 calendars.

Every expected moment below was counted by hand on the office hours 07:30–11:30 and
13:00–17:00; the comments show the count.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apologies.models import ApologyLetter, LetterState
from apologies.scan import letters_missing, scan
from apologies.services import letter_create_draft
from dossiers import services
from dossiers.models import Dossier
from procedures.models import LimitUnit
from tests.dossiers.factories import World, draft_with_files
from workcalendar import engine
from workcalendar.engine import WorkCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()  # the shipped official calendar (2025, 2026 decisions)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


# --- the engine: counting working time back ------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "hours", "expected"),
    [
        # Wednesday 09:00 less 8 h: 1.5 h of Wednesday morning, 4 h Tuesday afternoon, 2.5 h
        # of Tuesday morning: Tuesday 09:00.
        (at(2025, 3, 12, 9, 0), 8, at(2025, 3, 11, 9, 0)),
        # Friday 17:00 less 8 h lands on Friday's opening: the close of Thursday instead.
        (at(2025, 3, 7, 17, 0), 8, at(2025, 3, 6, 17, 0)),
        # Monday 09:00 less 8 h: over the weekend to Friday 09:00.
        (at(2025, 3, 10, 9, 0), 8, at(2025, 3, 7, 9, 0)),
        # Monday 23 February 2026 14:00 less 8 h: 5 h of Monday, then back over Tết
        # (16–20 February off, with both weekends) to Friday 13 February, 3 h before 17:00.
        (at(2026, 2, 23, 14, 0), 8, at(2026, 2, 13, 14, 0)),
        # Monday 12 January 2026 09:00 less 8 h: Saturday 10 January is a make-up working day
        # (worked for Friday 2 January): 1.5 h Monday, 6.5 h of that Saturday.
        (at(2026, 1, 12, 9, 0), 8, at(2026, 1, 10, 9, 0)),
        # Zero hours: the moment itself inside a period; in the lunch break, the morning's close.
        (at(2025, 3, 12, 9, 0), 0, at(2025, 3, 12, 9, 0)),
        (at(2025, 3, 12, 12, 0), 0, at(2025, 3, 12, 11, 30)),
        # 16 h before Friday 17:00: Thursday and Friday whole, so Wednesday's close.
        (at(2025, 3, 7, 17, 0), 16, at(2025, 3, 5, 17, 0)),
    ],
)
def test_working_time_counted_back(end, hours, expected):
    result = engine.subtract_working_time(CALENDAR, end, hours)
    assert result == expected
    assert engine.working_time_between(CALENDAR, result, end) == datetime.timedelta(hours=hours)
    assert CALENDAR.is_working_moment(result)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2026, 12, 20)
    ),
    minutes=st.integers(min_value=1, max_value=80 * 60),
)
@example(start=datetime.datetime(2026, 2, 12, 9, 0), minutes=24 * 60)
def test_counting_back_from_a_due_moment_gives_back_its_start(start, minutes):
    """For every due moment the engine gives, counting the same working time back and
    forward again returns it; the moment counted back is never later than the start.
    (Zero hours are left out: their "due moment" may be an opening, which counting back
    never gives.)"""
    begin = start.replace(tzinfo=VN)
    hours = datetime.timedelta(minutes=minutes)
    due = engine.add_working_time(CALENDAR, begin, hours).due_at
    back = engine.subtract_working_time(CALENDAR, due, hours)
    assert engine.working_time_between(CALENDAR, back, due) == hours
    assert engine.add_working_time(CALENDAR, back, hours).due_at == due
    assert back <= engine.add_working_time(CALENDAR, begin, 0).due_at


# --- the scan: the drafting lead, and the issue-by each letter stores ------------------------------


def received(world: World, moment: datetime.datetime) -> Dossier:
    with time_machine.travel(moment, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    return Dossier.objects.get(pk=dossier.pk)


def scan_and_draft(moment: datetime.datetime) -> list[ApologyLetter]:
    """The scan at ``moment`` and the worker's drafting (inline)."""
    with time_machine.travel(moment, tick=False):
        scan(enqueue=False)
        drafts = [letter_create_draft(dossier_id=dossier.pk) for dossier in letters_missing()]
    return [letter for letter in drafts if letter is not None]


def limit(world: World, hours: int, *, same_day: bool = False) -> None:
    world.version.limit_hours_direct = world.version.limit_hours_online = hours
    world.version.same_day = same_day
    world.version.save()
    world.version.steps.filter(order=2).update(budget_hours=max(hours - 4, 1))


@pytest.mark.parametrize(
    ("hours", "received_at", "due", "before_lead", "within_lead", "issue_by"),
    [
        # 3 working days received on Thursday 6 March 2025 09:00, a weekend inside: Thursday
        # 6.5 h, Friday 8 h, Monday 8 h, Tuesday 1.5 h: due Tuesday 11 March 09:00. Two
        # working days (16 h) before: Friday 09:00. Issue by one working day before: Monday
        # 10 March 09:00.
        (
            24,
            at(2025, 3, 6, 9, 0),
            at(2025, 3, 11, 9, 0),
            at(2025, 3, 7, 8, 30),
            at(2025, 3, 7, 10, 0),
            at(2025, 3, 10, 9, 0),
        ),
        # 3 working days received on Wednesday 11 February 2026 14:00, just before Tết: 3 h
        # Wednesday, 8 h Thursday, 8 h Friday 13, then Tết and the weekends (14–22 February),
        # 5 h of Monday 23: due Monday 23 February 14:00. The lead opens 16 h before,
        # Thursday 12 February 14:00; the letter must be out before Tết, Friday 13 February
        # 14:00.
        (
            24,
            at(2026, 2, 11, 14, 0),
            at(2026, 2, 23, 14, 0),
            at(2026, 2, 12, 13, 0),
            at(2026, 2, 12, 14, 0),
            at(2026, 2, 13, 14, 0),
        ),
    ],
)
def test_a_draft_is_made_within_the_lead_with_its_issue_by(
    world, hours, received_at, due, before_lead, within_lead, issue_by
):
    limit(world, hours)
    dossier = received(world, received_at)
    assert dossier.due_at == due

    assert scan_and_draft(before_lead) == []  # more than two working days left
    [letter] = scan_and_draft(within_lead)
    assert letter.state == LetterState.DRAFT
    assert letter.issue_by == issue_by
    assert letter.original_due_at == due
    dossier.refresh_from_db()
    assert dossier.apology_window_at == within_lead
    assert dossier.extension_count == 0 and dossier.due_at == due


def test_the_lead_is_a_setting(world, settings):
    """Three working days of lead: the same Thursday dossier is drafted on Thursday."""
    settings.APOLOGY_DRAFT_LEAD_HOURS = 24
    limit(world, 40)
    dossier = received(world, at(2025, 3, 6, 9, 0))
    # 5 working days from Thursday 09:00: due Thursday 13 March 09:00.
    assert dossier.due_at == at(2025, 3, 13, 9, 0)
    assert scan_and_draft(at(2025, 3, 7, 17, 0)) == []  # 4 working days left
    [letter] = scan_and_draft(at(2025, 3, 10, 9, 30))  # 2 days 7.5 h left
    assert letter.issue_by == at(2025, 3, 12, 9, 0)


@pytest.mark.parametrize(
    ("hours", "same_day", "received_at", "still_in_time", "overdue", "issue_by"),
    [
        # A same-day procedure received on Monday 10 March 2025 09:00, before the 15:00
        # cut-off: due at 17:00 that day. No draft while it is in time, even in its last hour.
        (
            8,
            True,
            at(2025, 3, 10, 9, 0),
            at(2025, 3, 10, 16, 30),
            at(2025, 3, 10, 17, 30),
            # one working day before Monday 17:00: the close of Friday 7 March
            at(2025, 3, 7, 17, 0),
        ),
        # A 1-working-day limit under the 2-day lead, received Tuesday 11 March 09:00: due
        # Wednesday 09:00. Nothing before, the draft once late.
        (
            8,
            False,
            at(2025, 3, 11, 9, 0),
            at(2025, 3, 12, 8, 55),
            at(2025, 3, 12, 9, 30),
            at(2025, 3, 11, 9, 0),
        ),
        # Exactly the lead (2 working days) is not longer than the lead: received Thursday
        # 6 March 09:00, due Monday 10 March 09:00.
        (
            16,
            False,
            at(2025, 3, 6, 9, 0),
            at(2025, 3, 7, 16, 0),
            at(2025, 3, 10, 9, 5),
            at(2025, 3, 7, 9, 0),
        ),
    ],
)
def test_short_limits_and_same_day_procedures_get_no_draft_before_they_are_late(
    world, hours, same_day, received_at, still_in_time, overdue, issue_by
):
    limit(world, hours, same_day=same_day)
    dossier = received(world, received_at)

    assert scan_and_draft(still_in_time) == []
    dossier.refresh_from_db()
    assert dossier.apology_window_at is None
    assert not ApologyLetter.objects.filter(dossier=dossier).exists()

    [letter] = scan_and_draft(overdue)
    assert letter.dossier_id == dossier.pk
    # Drafted late, its issue-by is already gone: the list shows it past issue-by.
    assert letter.issue_by == issue_by
    with time_machine.travel(overdue, tick=False):
        assert letter.past_issue_by


def test_a_limit_one_hour_longer_than_the_lead_is_drafted(world):
    limit(world, 17)
    dossier = received(world, at(2025, 3, 6, 9, 0))
    # 17 h from Thursday 09:00: Thursday 6.5 h, Friday 8 h, Monday 2.5 h: Monday 10:00.
    assert dossier.due_at == at(2025, 3, 10, 10, 0)
    [letter] = scan_and_draft(at(2025, 3, 6, 10, 30))  # 16 h or less left
    assert letter.issue_by == at(2025, 3, 7, 10, 0)


def calendar_days(world: World, days: int) -> None:
    version = world.version
    version.limit_unit = LimitUnit.CALENDAR_DAYS
    version.calendar_days_direct = version.calendar_days_online = days
    version.save()


def test_calendar_day_limits_are_measured_in_the_working_time_they_hold(world):
    """ "3 ngày" received on Thursday 6 March 2025: the last day is Sunday, so the limit ends
    at the close of Monday 10 March (Civil Code Art. 148(5)) — 22.5 working hours, longer
    than the lead: drafted. "1 ngày" received the same day ends Friday 17:00 — 14.5 working
    hours, not longer than the lead: nothing before it is late."""
    calendar_days(world, 3)
    long_one = received(world, at(2025, 3, 6, 9, 0))
    assert long_one.due_at == at(2025, 3, 10, 17, 0)
    [letter] = scan_and_draft(at(2025, 3, 7, 9, 0))  # 14.5 h left
    assert letter.dossier_id == long_one.pk
    assert letter.issue_by == at(2025, 3, 7, 17, 0)

    calendar_days(world, 1)
    short_one = received(world, at(2025, 3, 6, 9, 0))
    assert short_one.due_at == at(2025, 3, 7, 17, 0)
    assert scan_and_draft(at(2025, 3, 7, 9, 0)) == []
    short_one.refresh_from_db()
    assert short_one.apology_window_at is None
    [late] = scan_and_draft(at(2025, 3, 7, 17, 30))
    assert late.dossier_id == short_one.pk


def test_the_window_is_flagged_once_and_a_rescan_drafts_nothing_more(world):
    limit(world, 24)
    dossier = received(world, at(2025, 3, 6, 9, 0))
    with time_machine.travel(at(2025, 3, 7, 10, 0), tick=False):
        first = scan(enqueue=False)
        assert (first.apology_window, first.letters_enqueued) == (1, 1)
        letter_create_draft(dossier_id=dossier.pk)
        again = scan(enqueue=False)
    # The draft is made; only its PDF is still wanted.
    assert again.apology_window == 0
    assert list(letters_missing()) == []
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 1


def test_a_draft_follows_the_deadline_when_verification_moves_it(world):
    """A draft made within the lead names the deadline it was made for; when the handling
    unit records verification (5 more working days here), the draft names the new deadline
    and issue-by, and its PDF is rendered again — a head never signs a letter that cites a
    deadline the dossier no longer has."""
    limit(world, 24)
    world.version.verification_amount = 5
    world.version.verification_unit = LimitUnit.WORKING_DAYS
    world.version.verification_mode = "extra"
    world.version.verification_basis = "Luật Hộ tịch 2014, Điều 25 khoản 2"
    world.version.save()
    dossier = received(world, at(2025, 3, 6, 9, 0))  # due Tuesday 11 March 09:00
    [letter] = scan_and_draft(at(2025, 3, 7, 10, 0))
    ApologyLetter.objects.filter(pk=letter.pk).update(draft_pdf="apologies/drafts/old.pdf")

    with time_machine.travel(at(2025, 3, 7, 11, 0), tick=False):
        services.dossier_record_verification(
            dossier=dossier,
            actor=world.specialist,
            amount=5,
            reason="Cần xác minh thông tin tại nơi cư trú trước đây.",
        )

    letter.refresh_from_db()
    # Tuesday 11 March 09:00 plus 5 working days: Tuesday 18 March 09:00; issue by one
    # working day before, Monday 17 March 09:00.
    assert letter.state == LetterState.DRAFT
    assert letter.original_due_at == at(2025, 3, 18, 9, 0)
    assert letter.issue_by == at(2025, 3, 17, 9, 0)
    assert letter.proposed_due_at > letter.original_due_at
    assert not letter.draft_pdf  # rendered again by the next scan
    assert letter.extension_explanation
