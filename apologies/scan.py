"""The deadline scan (docs/design.md §7, issue 4 item 1).

A handful of set-based UPDATE statements over indexed columns — no Python loop over open
dossiers — safe to run twice: every statement only touches rows whose flag is still empty.
Per-dossier work (drafting letters) is enqueued after commit in chunks; the letters still
missing after a lost queue are found again by the next scan, because the database, not the
broker, says what is missing.

Legal sources, and what of them is not verified: docs/legal.md#lateness-and-apology-letters.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from agencies.models import Agency
from apologies.models import RENDER_ATTEMPTS, ApologyLetter, LetterState
from dossiers.models import (
    CLOCK_STATES,
    SETTLED_STATES,
    Channel,
    Dossier,
    DossierStep,
    StepState,
)
from procedures.models import LimitUnit
from workcalendar import engine
from workcalendar.calendars import calendar_for
from workcalendar.engine import WorkCalendar

LETTER_CHUNK = 500
# One working day, 8 working hours: project policy (docs/legal.md#due-soon).
DUE_SOON_HOURS = 8


@dataclass
class ScanReport:
    late_steps: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    apology_window: int = 0
    letters_handed_over: int = 0
    letters_enqueued: int = 0

    def __str__(self) -> str:
        return (
            f"bước trễ: {self.late_steps}, sắp đến hạn: {self.due_soon}, quá hạn: {self.overdue}, "
            f"chuyển giám sát: {self.escalated}, đến lúc lập phiếu xin lỗi: {self.apology_window}, "
            f"phiếu chuyển cơ quan: {self.letters_handed_over}, "
            f"phiếu cần lập: {self.letters_enqueued}"
        )


def lead_hours() -> int:
    """Working hours before the deadline at which a letter is drafted
    (docs/legal.md#issue-by-and-the-drafting-lead)."""
    return int(settings.APOLOGY_DRAFT_LEAD_HOURS)


def due_soon_groups(now: datetime.datetime) -> list[tuple[Q, datetime.datetime]]:
    """'One working day or less left' (docs/legal.md#due-soon), per calendar."""
    return calendar_groups(now, DUE_SOON_HOURS)


def calendar_groups(now: datetime.datetime, hours: int) -> list[tuple[Q, datetime.datetime]]:
    """'``hours`` of working time or less left' depends on each agency's calendar. Agencies
    with the default office hours and no overrides of their own share one threshold; the
    few others are grouped by theirs, so an update stays one statement per distinct
    calendar."""
    default_threshold = engine.add_working_time(calendar_for(None), now, hours).due_at
    special: dict[datetime.datetime, list[int]] = defaultdict(list)
    customised = Agency.objects.filter(
        Q(calendar_overrides__isnull=False)
        | ~Q(morning_start=datetime.time(7, 30))
        | ~Q(morning_end=datetime.time(11, 30))
        | ~Q(afternoon_start=datetime.time(13, 0))
        | ~Q(afternoon_end=datetime.time(17, 0))
    ).distinct()
    for agency in customised:
        special[engine.add_working_time(calendar_for(agency), now, hours).due_at].append(agency.pk)
    groups = [(Q(agency_id__in=pks), threshold) for threshold, pks in special.items()]
    others = [pk for pks in special.values() for pk in pks]
    groups.append((~Q(agency_id__in=others) if others else Q(), default_threshold))
    return groups


def _open_clock() -> Q:
    return Q(state__in=CLOCK_STATES, paused_at__isnull=True)  # not in an excluded period


def _working_limit_longer_than(hours: int) -> Q:
    """Dossiers whose version's limit, in working time for the dossier's channel, is longer
    than ``hours``; same-day procedures never (docs/legal.md#issue-by-and-the-drafting-lead).
    Calendar-day limits are measured on the dossier itself (``_calendar_days_longer_than``)."""
    online = Q(intake_channel=Channel.ONLINE)
    return (
        Q(version__same_day=False)
        & ~Q(version__limit_unit=LimitUnit.CALENDAR_DAYS)
        & (
            (online & Q(version__limit_hours_online__gt=hours))
            | (~online & Q(version__limit_hours_direct__gt=hours))
        )
    )


def _calendar_days_longer_than(candidates: "QuerySet[Dossier]", hours: int) -> list[int]:
    """Of these calendar-day dossiers, those whose whole limit (start of the clock to the
    first due moment) holds more than ``hours`` of working time, on the receiving agency's
    calendar. Only dossiers entering the drafting lead are read, a handful per scan."""
    limit = datetime.timedelta(hours=hours)
    calendars: dict[int, WorkCalendar] = {}
    longer = []
    rows = candidates.select_related("agency").only(
        "pk", "agency", "clock_started_at", "received_at", "original_due_at", "due_at"
    )
    for dossier in rows:
        if dossier.agency_id not in calendars:
            calendars[dossier.agency_id] = calendar_for(dossier.agency)
        start = dossier.clock_started_at or dossier.received_at
        end = dossier.original_due_at or dossier.due_at
        if start is None or end is None:
            continue
        if engine.working_time_between(calendars[dossier.agency_id], start, end) > limit:
            longer.append(dossier.pk)
    return longer


def scan(*, now: datetime.datetime | None = None, enqueue: bool = True) -> ScanReport:
    now = now or timezone.now()
    report = ScanReport()
    with transaction.atomic():
        # 1. Steps past their own budget (form 06 marks them late).
        report.late_steps = DossierStep.objects.filter(
            state=StepState.ACTIVE, overdue_since__isnull=True, due_at__lt=now
        ).update(overdue_since=F("due_at"))

        # 2. Due soon: one working day or less left, no result yet. (A dossier whose
        # deadline has already passed is flagged by 3 in the same write.)
        for agencies, threshold in due_soon_groups(now):
            report.due_soon += Dossier.objects.filter(
                agencies,
                _open_clock(),
                due_soon_at__isnull=True,
                due_at__lte=threshold,
                due_at__gte=now,
            ).update(due_soon_at=now)

        # 2b. Within the drafting lead: no more working time left than the lead, on a limit
        # longer than the lead (docs/legal.md#issue-by-and-the-drafting-lead). Same-day
        # procedures and short limits are never flagged: their letter waits for 3.
        lead = lead_hours()
        for agencies, threshold in calendar_groups(now, lead):
            entering = Dossier.objects.filter(
                agencies,
                _open_clock(),
                apology_window_at__isnull=True,
                due_at__lte=threshold,
                due_at__gte=now,
            )
            report.apology_window += entering.filter(_working_limit_longer_than(lead)).update(
                apology_window_at=now
            )
            by_days = entering.filter(
                version__same_day=False, version__limit_unit=LimitUnit.CALENDAR_DAYS
            )
            longer = _calendar_days_longer_than(by_days, lead)
            if longer:
                report.apology_window += Dossier.objects.filter(pk__in=longer).update(
                    apology_window_at=now
                )

        # 3. Overdue: the deadline passed without a result. The step that overran names the
        # responsible unit; failing that, the step holding the dossier; failing that, the
        # receiving agency. Escalated in the same write when 4 would escalate it: each
        # newly overdue dossier is written once, which is most of the scan's cost.
        overran = (
            DossierStep.objects.filter(dossier_id=OuterRef("pk"))
            .filter(
                Q(finished_at__gt=F("due_at"))
                | Q(finished_at__isnull=True, started_at__isnull=False, due_at__lt=now)
            )
            .order_by("order")
        )
        current = DossierStep.objects.filter(pk=OuterRef("current_step_id"))
        issued = ApologyLetter.objects.filter(dossier_id=OuterRef("pk"), state=LetterState.ISSUED)
        escalate = Q(escalated_at__isnull=True) & (Q(extension_count__gte=1) | ~Exists(issued))
        flags = dict(
            overdue_since=F("due_at"),
            due_soon_at=Case(
                When(due_soon_at__isnull=True, then=F("due_at")), default=F("due_soon_at")
            ),
            responsible_agency_id=Case(
                When(Exists(overran), then=Subquery(overran.values("agency_id")[:1])),
                When(current_step__isnull=False, then=Subquery(current.values("agency_id")[:1])),
                default=F("agency_id"),
                output_field=BigIntegerField(),
            ),
            responsible_department_id=Case(
                When(Exists(overran), then=Subquery(overran.values("department_id")[:1])),
                default=Subquery(current.values("department_id")[:1]),
                output_field=BigIntegerField(),
            ),
        )
        newly_overdue = Dossier.objects.filter(
            _open_clock(), overdue_since__isnull=True, due_at__lt=now
        )
        # Their ids first (read from the partial index; none on a scan with nothing new): the
        # drafts of exactly these dossiers follow the unit the update names (3b).
        named = list(newly_overdue.values_list("pk", flat=True))
        report.escalated = newly_overdue.filter(escalate).update(**flags, escalated_at=now)
        report.overdue = report.escalated + newly_overdue.update(**flags)

        # 3b. A draft made for the unit that held the dossier goes to the unit the scan named
        # at fault, when that is another (docs/legal.md#multi-agency-dossiers-the-overrunning-agency-apologises).
        from apologies.services import letters_hand_over

        for start in range(0, len(named), LETTER_CHUNK):
            drafts = ApologyLetter.objects.filter(
                state=LetterState.DRAFT, dossier_id__in=named[start : start + LETTER_CHUNK]
            ).select_related("dossier", "agency", "department")
            report.letters_handed_over += len(
                letters_hand_over(
                    [
                        (
                            letter,
                            letter.dossier.responsible_agency_id,
                            letter.dossier.responsible_department_id,
                        )
                        for letter in drafts
                        if letter.dossier.responsible_agency_id is not None
                    ],
                    render=False,  # 5 re-enqueues them: their draft PDF is cleared
                )
            )

        # 4. Escalation: late again after the one extension, or overdue with no issued apology.
        report.escalated += (
            Dossier.objects.filter(escalated_at__isnull=True, overdue_since__isnull=False)
            .exclude(state__in=SETTLED_STATES)
            .filter(Q(extension_count__gte=1) | ~Exists(issued))
            .update(escalated_at=now)
        )

        # 5. What still needs a letter (a draft not yet made or not yet rendered), and the
        # drafts an agency issues automatically now that their dossier is late
        # (docs/legal.md#automatic-issue-only-when-late).
        missing = list(letters_missing().values_list("pk", flat=True))
        unrendered = list(
            ApologyLetter.objects.filter(
                state=LetterState.DRAFT, draft_pdf="", render_attempts__lt=RENDER_ATTEMPTS
            ).values_list("dossier_id", flat=True)
        )
        automatic = list(letters_to_auto_issue().values_list("dossier_id", flat=True))
        todo = sorted(set(missing) | set(unrendered) | set(automatic))
        report.letters_enqueued = len(todo)
        if enqueue and todo:
            transaction.on_commit(lambda: enqueue_letters(todo))
    return report


def letters_missing() -> "QuerySet[Dossier]":
    """Dossiers in their first episode with no letter yet that need one: within the drafting
    lead (``apology_window_at``), or overdue (short limits and same-day procedures only then;
    docs/legal.md#issue-by-and-the-drafting-lead)."""
    letter = ApologyLetter.objects.filter(dossier_id=OuterRef("pk"), episode=0)
    return (
        Dossier.objects.filter(_open_clock(), extension_count=0, apology_drafted_at__isnull=True)
        .filter(Q(apology_window_at__isnull=False) | Q(overdue_since__isnull=False))
        .filter(~Exists(letter))
    )


def letters_to_auto_issue() -> "QuerySet[ApologyLetter]":
    """Drafts of agencies that issue automatically, whose dossier is now overdue: the worker
    issues them (``letter_create_draft``). Never before the deadline has passed: issuing
    spends the dossier's one extension (docs/legal.md#automatic-issue-only-when-late)."""
    return ApologyLetter.objects.filter(
        state=LetterState.DRAFT,
        episode=0,
        agency__auto_issue_apology=True,
        dossier__state__in=CLOCK_STATES,
        dossier__overdue_since__isnull=False,
        dossier__extension_count=0,
    )


def enqueue_letters(dossier_ids: list[int]) -> None:
    from apologies.tasks import draft_letters

    for start in range(0, len(dossier_ids), LETTER_CHUNK):
        draft_letters.delay(dossier_ids[start : start + LETTER_CHUNK])
