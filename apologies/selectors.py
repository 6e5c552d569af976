"""The heads' and the supervisor's lists (docs/design.md §7, §9; issue 4 item 3).

A department head sees the dossiers whose responsible unit (or, before the scan named one,
the step holding them) is their department; a centre supervisor sees the whole province.
Every list is one query with its joins, whatever its length.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import roles
from accounts.models import User
from agencies.models import Agency, Department
from apologies.models import ApologyLetter, LetterState
from dossiers.models import CLOCK_STATES, PAUSED_STATES, Dossier, DossierStep, StepState

if TYPE_CHECKING:
    from workcalendar.engine import WorkCalendar

# Where a dossier flagged due soon or overdue can be while no result is decided.
WATCHED_STATES = [*CLOCK_STATES, *PAUSED_STATES]


def _scope(user: User) -> Q | None:
    if not user.is_authenticated or user.agency_id is None:
        return None
    if roles.is_supervisor(user):
        # The province's agencies as a list of ids (a few hundred at most): the planner
        # estimates a literal list well, where a subquery made it walk every flagged dossier.
        # Kept on the user for the request: a page counts its three lists besides its own.
        ids = getattr(user, "_province_agency_ids", None)
        if ids is None:
            province = Agency.objects.filter(province_id=user.agency.province_id)  # type: ignore[union-attr]
            ids = user._province_agency_ids = list(province.values_list("id", flat=True))  # type: ignore[attr-defined]
        return Q(agency_id__in=ids)
    if roles.is_approver(user):
        # Once the scan has named the unit at fault, that unit (my department, or my agency
        # as a whole); before, the unit holding the dossier now (its active step). Read from
        # the unit's active steps, not from every flagged dossier to its step.
        steps = DossierStep.objects.filter(state=StepState.ACTIVE, agency_id=user.agency_id)
        named = Q(responsible_agency_id=user.agency_id)
        if user.department_id is not None:
            steps = steps.filter(Q(department_id=user.department_id) | Q(department__isnull=True))
            named &= Q(responsible_department_id=user.department_id) | Q(
                responsible_department__isnull=True
            )
        return named | Q(responsible_agency__isnull=True, current_step_id__in=steps.values("id"))
    return None


def _past_issue_by(now: datetime.datetime) -> QuerySet[ApologyLetter]:
    """Drafts whose issue-by moment has passed (docs/legal.md#letters-issued-late): read from
    the partial index apology_draft_issue_by."""
    return ApologyLetter.objects.filter(state=LetterState.DRAFT, issue_by__lt=now)


def watch_list(
    user: User,
    kind: str,
    *,
    agency_id: int | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Dossier]:
    """``kind``: "due_soon", "overdue", "escalated" or "past_issue_by" (a draft letter whose
    issue-by moment has passed, whatever the dossier's flags)."""
    scope = _scope(user)
    if scope is None:
        return Dossier.objects.none()
    # Open dossiers only: the conditions of the partial indexes dossier_watch_*.
    queryset = Dossier.objects.filter(scope, state__in=WATCHED_STATES)
    if kind == "past_issue_by":
        late_drafts = _past_issue_by(now or timezone.now()).values("dossier_id")
        queryset = queryset.filter(pk__in=late_drafts)
    elif kind == "due_soon":
        queryset = queryset.filter(due_soon_at__isnull=False, overdue_since=None)
    elif kind == "overdue":
        queryset = queryset.filter(overdue_since__isnull=False)
    elif kind == "escalated":
        # Escalation follows an overdue: the scan sets both, an issued letter clears both.
        queryset = queryset.filter(overdue_since__isnull=False, escalated_at__isnull=False)
    else:
        return Dossier.objects.none()
    if agency_id:
        queryset = queryset.filter(Q(responsible_agency_id=agency_id) | Q(agency_id=agency_id))
    letters = ApologyLetter.objects.exclude(state=LetterState.CANCELLED).order_by("-episode")
    return (
        queryset.select_related(
            "procedure",
            "agency",
            "assignee",
            "current_step__agency",
            "current_step__department",
            "responsible_agency",
            "responsible_department",
        )
        .prefetch_related(Prefetch("apology_letters", queryset=letters, to_attr="letters"))
        .annotate(
            has_issued_letter=Exists(
                ApologyLetter.objects.filter(dossier=OuterRef("pk"), state=LetterState.ISSUED)
            )
        )
        .order_by("due_at", "pk")
    )


def letters_to_sign(
    user: User, *, past_issue_by: bool = False, now: datetime.datetime | None = None
) -> QuerySet[ApologyLetter]:
    """The drafts waiting for this head's signature, the earliest issue-by first;
    ``past_issue_by``: only those whose issue-by moment has passed."""
    if not user.is_authenticated or not roles.may_sign_letters(user) or user.agency_id is None:
        return ApologyLetter.objects.none()
    queryset = ApologyLetter.objects.filter(agency_id=user.agency_id, state=LetterState.DRAFT)
    if user.department_id is not None:
        queryset = queryset.filter(Q(department_id=user.department_id) | Q(department__isnull=True))
    if past_issue_by:
        queryset = queryset.filter(issue_by__lt=now or timezone.now())
    return queryset.select_related("dossier__procedure", "department").order_by(
        F("issue_by").asc(nulls_last=True), "original_due_at", "pk"
    )


@dataclass(frozen=True)
class LetterCounts:
    """Letters issued in a period, and of them those issued after their issue-by moment."""

    issued: int
    issued_late: int


def letters_issued(
    *,
    since: datetime.datetime,
    until: datetime.datetime,
    agency_ids: Iterable[int] | None = None,
) -> LetterCounts:
    """How many apology letters were issued in [since, until), and how many of them late
    (after their issue-by moment; docs/legal.md#letters-issued-late), by the apologising
    agency; ``agency_ids`` None: every agency. One query."""
    queryset = ApologyLetter.objects.filter(
        state=LetterState.ISSUED, issued_at__gte=since, issued_at__lt=until
    )
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    counts = queryset.aggregate(
        issued=Count("pk"), issued_late=Count("pk", filter=Q(issued_late=True))
    )
    return LetterCounts(issued=counts["issued"] or 0, issued_late=counts["issued_late"] or 0)


def letter_for_user_or_none(user: User, pk: int) -> ApologyLetter | None:
    """A letter its signer (or the citizen, or a supervisor) may see; None otherwise (404)."""
    letter = (
        ApologyLetter.objects.select_related(
            "dossier__procedure", "dossier__agency", "agency", "department"
        )
        .filter(pk=pk)
        .first()
    )
    if letter is None or not user.is_authenticated:
        return None
    if letter.dossier.applicant_id == user.pk:
        return letter if letter.state == LetterState.ISSUED else None
    if roles.is_supervisor(user) and user.agency is not None:
        return letter if letter.agency.province_id == user.agency.province_id else None
    from apologies.services import can_sign

    return letter if can_sign(letter, user) else None


def working_days_late(
    dossier: Dossier,
    *,
    calendar: "WorkCalendar | None" = None,
    now: datetime.datetime | None = None,
) -> int:
    """Working days past the deadline's day, counted as the dossier pages count them (a
    list passes one calendar per agency it keeps)."""
    from workcalendar import engine
    from workcalendar.calendars import calendar_for

    now = now or timezone.now()
    if dossier.due_at is None:
        return 0
    return engine.working_days_late(calendar or calendar_for(dossier.agency), dossier.due_at, now)


@dataclass
class WatchRow:
    """One line of a head's or the supervisor's list."""

    dossier: Dossier
    responsible_agency: Agency
    responsible_department: Department | None
    working_days_late: int
    letter: ApologyLetter | None  # the latest letter not cancelled


def watch_rows(
    dossiers: Iterable[Dossier], *, now: datetime.datetime | None = None
) -> list[WatchRow]:
    """The rows of a ``watch_list`` page: the responsible unit (the scan's verdict, else the
    step holding the dossier, else the receiving agency), the working days late and the
    letter. One calendar query per agency on the page, not per dossier."""
    from workcalendar.calendars import calendar_for

    now = now or timezone.now()
    calendars: dict[int, WorkCalendar] = {}
    rows = []
    for dossier in dossiers:
        if dossier.agency_id not in calendars:
            calendars[dossier.agency_id] = calendar_for(dossier.agency)
        step = dossier.current_step
        if dossier.responsible_agency_id is not None:
            agency, department = dossier.responsible_agency, dossier.responsible_department
        elif step is not None:
            agency, department = step.agency, step.department
        else:
            agency, department = dossier.agency, None
        letters = getattr(dossier, "letters", None)
        rows.append(
            WatchRow(
                dossier=dossier,
                responsible_agency=agency,  # type: ignore[arg-type]
                responsible_department=department,
                working_days_late=working_days_late(
                    dossier, calendar=calendars[dossier.agency_id], now=now
                ),
                letter=letters[0] if letters else None,
            )
        )
    return rows
