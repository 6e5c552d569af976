"""The staff workspaces' read side: queues by role and what the staff dossier page shows.

Everything starts from ``Dossier.objects.for_user`` (the one access rule) and is narrowed by
the person's permission codenames, never by a group name. Each selector reads a fixed number
of queries whatever the number of rows (the budgets are tested in
``tests/dossiers/test_staff_pages.py``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import (
    WORKFLOW_PERMISSIONS,
    codenames,
    is_appraiser,
    is_approver,
    is_clerk,
    is_staff_member,
)
from dossiers import search, selectors, verbs
from dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
    PaperHandOver,
    State,
    StepState,
)
from dossiers.slips import catalogue
from procedures.models import Component, ExcludedPeriodRule, Procedure

QUEUE_PER_PAGE = 50

# What each role works on (docs/design.md §5): the one-stop section at reception and return, the
# departments while the dossier is appraised.
CLERK_STATES = (
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.READY_FOR_RETURN,
)
APPRAISAL_STATES = (State.IN_APPRAISAL, State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT)

# Whoever holds one of these may be given a step of the process.
WORKFLOW_CODENAMES = codenames(*WORKFLOW_PERMISSIONS)


def queue_states(user: User) -> list[State]:
    """The states the person's queue may hold, for the state filter."""
    states: list[State] = []
    if is_clerk(user):
        states.extend(CLERK_STATES)
    if is_appraiser(user):
        states.extend(APPRAISAL_STATES)
    return states


def _at_my_step(user: User) -> Q:
    """Dossiers whose current step is at the person's agency (and department, if any).

    Read from the unit's active steps (a partial index) to their dossiers, not from every
    dossier to its step: with 1,000,000 dossiers the head's queue took 1.7 s the other way.
    """
    steps = DossierStep.objects.filter(state=StepState.ACTIVE, agency_id=user.agency_id)  # type: ignore[misc]
    if user.department_id is not None:
        steps = steps.filter(Q(department_id=user.department_id) | Q(department__isnull=True))
    return Q(current_step_id__in=steps.values("id"))


def _work_scope(user: User) -> Q:
    scope = Q(pk__in=[])
    if is_clerk(user):
        scope |= Q(agency_id=user.agency_id, state__in=CLERK_STATES)
        # A step of the process that falls to the one-stop section itself (see
        # permissions.can_hand_over): its clerks pass it on.
        scope |= _at_my_step(user) & Q(agency_id=user.agency_id, state=State.IN_APPRAISAL)
    if is_appraiser(user):
        scope |= _at_my_step(user) & Q(state__in=APPRAISAL_STATES)
    return scope


def _oldest_first(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.order_by(F("submitted_at").asc(nulls_last=True), "pk")


# The orders of the queue (the ``sap_xep`` parameter; "-" reverses). The descending order of
# a date is the exact reverse of the ascending one, nulls first, so both read their partial
# index (``dossier_clerk_queue_due``, ``…_received``) forwards or backwards. The state order
# follows the workflow, oldest first within a state.
# No order given is "nop": oldest submission first, as the queue always was.
SORT_COLUMNS = {
    "nop": "submitted_at",
    "tiep_nhan": "received_at",
    "han": "due_at",
    "trang_thai": "state",
}
SORT_CHOICES = [key for name in SORT_COLUMNS for key in (name, f"-{name}")]
# What the queue's heading says of its order, per ``sap_xep`` value.
SORT_DESCRIPTIONS: dict[str, Any] = {
    "nop": _("nộp sớm nhất trước"),
    "-nop": _("nộp gần đây nhất trước"),
    "tiep_nhan": _("tiếp nhận sớm nhất trước"),
    "-tiep_nhan": _("tiếp nhận gần đây nhất trước"),
    "han": _("hẹn trả sớm nhất trước"),
    "-han": _("hẹn trả muộn nhất trước"),
    "trang_thai": _("theo trạng thái, theo thứ tự xử lý"),
    "-trang_thai": _("theo trạng thái, ngược thứ tự xử lý"),
}
STATE_ORDER = [
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.IN_APPRAISAL,
    State.AWAITING_SUPPLEMENT,
    State.AWAITING_PAYMENT,
    State.READY_FOR_RETURN,
]


def _sorted(dossiers: QuerySet[Dossier], sort: str) -> QuerySet[Dossier]:
    name = sort.removeprefix("-")
    descending = sort.startswith("-")
    if name not in SORT_COLUMNS:
        return _oldest_first(dossiers)
    if name == "trang_thai":
        rank = Case(
            *(When(state=state, then=Value(n)) for n, state in enumerate(STATE_ORDER)),
            default=Value(len(STATE_ORDER)),
            output_field=IntegerField(),
        )
        first = rank.desc() if descending else rank.asc()
        return dossiers.order_by(first, F("submitted_at").asc(nulls_last=True), "pk")
    column = F(SORT_COLUMNS[name])
    if name == "nop" and not descending:
        return _oldest_first(dossiers)
    if descending:
        return dossiers.order_by(column.desc(nulls_first=True), "-pk")
    return dossiers.order_by(column.asc(nulls_last=True), "pk")


class Deadline(models.TextChoices):
    """The deadline filter, from the flags the deadline scan sets (docs/design.md §7)."""

    DUE_SOON = "sap_den_han", _("Sắp đến hạn")
    OVERDUE = "qua_han", _("Quá hạn")


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    procedure: Procedure | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    q: str = ""
    mine: bool = False
    deadline: str = ""
    sort: str = ""

    def narrows(self) -> bool:
        """Whether the queue is filtered (the order alone does not filter)."""
        return replace(self, sort="") != QueueFilters()


def _search(term: str) -> Q:
    """A code (any case, or a part of it), a national id, or a name without diacritics."""
    match = Q(code__icontains=term) | Q(applicant_national_id=term)
    words = search.plain_term(term)
    if words:
        match |= Q(plain_name__contains=words)
    return match


def queue(user: User, filters: QueueFilters | None = None) -> QuerySet[Dossier]:
    """The person's work queue, oldest first unless sorted, with what a row shows in one
    query.

    Clerk: submitted, supplement requested, received and ready-for-return dossiers at their
    agency. Specialist or head: dossiers in appraisal (or paused in it) whose current step is
    at their agency, and department when they have one.
    """
    if not is_staff_member(user):
        return Dossier.objects.none()
    dossiers = Dossier.objects.for_user(user).filter(_work_scope(user))
    filters = filters or QueueFilters()
    if filters.state:
        dossiers = dossiers.filter(state=filters.state)
    if filters.procedure is not None:
        dossiers = dossiers.filter(procedure=filters.procedure)
    if filters.received_from:
        dossiers = dossiers.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        dossiers = dossiers.filter(received_at__date__lte=filters.received_to)
    if filters.mine:
        dossiers = dossiers.filter(assignee_id=user.pk)
    if filters.deadline == Deadline.OVERDUE:
        dossiers = dossiers.filter(overdue_since__isnull=False)
    elif filters.deadline == Deadline.DUE_SOON:
        dossiers = dossiers.filter(due_soon_at__isnull=False, overdue_since__isnull=True)
    term = filters.q.strip()
    if term:
        dossiers = dossiers.alias(plain_name=search.plain_name()).filter(_search(term))
    return _sorted(
        dossiers.select_related(
            "procedure", "agency", "current_step", "current_step__department", "assignee"
        ),
        filters.sort,
    )


def workplace(user: User) -> User:
    """The person with their agency and department, for the heading (one query)."""
    return User.objects.select_related("agency", "department").get(pk=user.pk)


QUEUE_PROCEDURES_BOUND = 100_000


def queue_procedures(user: User) -> QuerySet[Procedure]:
    """The procedures the person's queue holds (the choices of the procedure filter)."""
    if not is_staff_member(user):
        return Procedure.objects.none()
    # The LIMIT keeps PostgreSQL from turning the IN into a semi-join probed per procedure
    # through the procedure index (1.6 s with 1,000,000 dossiers, docs/design.md §12 P4): the
    # queue's few thousand rows are read once through the queue index and deduplicated.
    # No province's catalogue comes near the bound.
    in_queue = (
        Dossier.objects.for_user(user)
        .filter(_work_scope(user))
        .order_by()
        .values("procedure_id")
        .distinct()[:QUEUE_PROCEDURES_BOUND]
    )
    return Procedure.objects.filter(pk__in=in_queue).order_by("name")


def proposals_awaiting_approval(user: User) -> list[Dossier]:
    """For a head: proposals at their step waiting for approval, oldest first."""
    if not (is_staff_member(user) and is_approver(user)):
        return []
    dossiers = (
        Dossier.objects.for_user(user)
        .filter(_at_my_step(user), state=State.IN_APPRAISAL)
        .exclude(proposed_decision="")
        .select_related("procedure", "proposed_by")
    )
    return list(_oldest_first(dossiers)[:QUEUE_PER_PAGE])


# --- one dossier ------------------------------------------------------------------------------


def staff_dossier_or_404(user: User, ref: str) -> Dossier:
    """The dossier behind ``ref`` if this staff member may see it; 404 otherwise (the same
    answer for a missing dossier and someone else's)."""
    if not is_staff_member(user):
        raise Http404(_("Không tìm thấy hồ sơ."))
    try:
        return (
            Dossier.objects.for_user(user)
            .select_related(
                "procedure",
                "agency",
                "version",
                "competent_agency",
                "competence_commune",
                "filed_by",
                "current_step__agency",
                "current_step__department",
                "assignee",
                "proposed_by",
            )
            # Read with the row, so django-fsm's excluded-period condition needs no query.
            .annotate(
                version_has_exclusions=Exists(
                    ExcludedPeriodRule.objects.filter(version_id=OuterRef("version_id"))
                )
            )
            .get(Q(code=ref) | Q(submission_reference=ref))
        )
    except (Dossier.DoesNotExist, Dossier.MultipleObjectsReturned) as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc


def available_actions(dossier: Dossier, user: User) -> list[str]:
    """The staff verbs this person may take now, as django-fsm answers, in button order."""
    names = {t.name for t in dossier.get_available_user_state_transitions(user)}  # type: ignore[attr-defined]
    return [verb.name for verb in verbs.of(verbs.STAFF) if verb.name in names]


@dataclass(frozen=True)
class ActionButton:
    name: str
    label: str
    danger: bool
    # Asks for nothing required (a note at most): the dossier page does it with one click
    # and a confirmation in a dialog; the others keep their own page (issue 9 item 5).
    confirm: bool = False
    explanation: str = ""


def action_buttons(actions: Iterable[str]) -> list[ActionButton]:
    return [
        ActionButton(name, str(verb.label), verb.danger, verb.confirm_only, verb.explanation)
        for name in actions
        if (verb := verbs.VERBS[name])
    ]


@dataclass
class StepRow:
    step: DossierStep
    late: bool
    current: bool


def step_rows(
    steps: Iterable[DossierStep], current_step_id: int | None, now: datetime.datetime
) -> list[StepRow]:
    """The internal steps as on the control slip (form 06): a step is late when it finished
    after its due moment, or is still running past it."""
    rows = []
    for step in steps:
        running_late = bool(
            step.state == StepState.ACTIVE and step.due_at is not None and step.due_at < now
        )
        rows.append(StepRow(step, step.is_late or running_late, step.pk == current_step_id))
    return rows


@dataclass
class HistoryRow:
    event: DossierEvent
    label: str
    items: list[dict[str, str]] = field(default_factory=list)


def history(events: Iterable[DossierEvent]) -> list[HistoryRow]:
    rows = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        rows.append(
            HistoryRow(
                event,
                verbs.history_label(event.action),
                list(data.get("items", [])),
            )
        )
    return rows


def open_supplement_items(dossier: Dossier, rows: list[HistoryRow]) -> list[dict[str, str]]:
    """What the citizen was asked for, while the dossier waits for it (read from the history)."""
    if dossier.state not in selectors.SUPPLEMENT_STATES:
        return []
    for row in reversed(rows):
        if row.event.action in catalogue.SUPPLEMENT_ACTIONS:
            return row.items
    return []


def slips_of(dossier: Dossier, rows: list[HistoryRow]) -> list[tuple[str, str]]:
    """The official forms the dossier has, as ``slips.catalogue.AVAILABLE_FORMS`` lists them, read
    from the history the page already holds instead of one more query (a test keeps the
    two in step)."""
    actions = {row.event.action for row in rows}
    present = {
        "01": bool(actions.intersection(verbs.issuing("01"))),
        "02": bool(actions.intersection(catalogue.SUPPLEMENT_ACTIONS)),
        "03": bool(actions.intersection(catalogue.REFUSAL_ACTIONS)),
        "05": dossier.state in (State.STOPPED, State.WITHDRAWN),
        "06": "hand_over" in actions,
    }
    return [(form, str(catalogue.FORMS[form].title)) for form, yes in present.items() if yes]


@dataclass
class ChecklistRow:
    """One component the procedure version lists, with the files filed for it."""

    order: int
    name: str
    required: bool
    files: list[DossierComponent]

    @property
    def present(self) -> bool:
        return bool(self.files)


@dataclass
class Checklist:
    rows: list[ChecklistRow]
    # Files filed for no component of the version (extra papers, a supplement without one).
    extras: list[DossierComponent]

    @property
    def missing_required(self) -> list[ChecklistRow]:
        return [row for row in self.rows if row.required and not row.present]

    @property
    def required_count(self) -> int:
        return sum(1 for row in self.rows if row.required)


def files_and_checklist(dossier: Dossier) -> tuple[list[DossierComponent], Checklist]:
    """The dossier's files, and every component of its procedure version, present or
    missing, in ONE query: the version's components UNION ALL the dossier's files (the
    page's query budget has no room for a second one, docs/design.md §12 P4)."""
    components = (
        Component.objects.filter(version_id=dossier.version_id)
        .order_by()
        .values(
            row_kind=Value(0),
            row_id=F("id"),
            row_component=F("id"),
            row_order=F("order"),
            row_required=F("required"),
            row_name=F("name"),
            row_original_name=Value(""),
            row_size=Value(0),
            row_is_supplement=Value(False),
            row_uploaded_at=Value(None, output_field=models.DateTimeField()),
        )
    )
    files = (
        DossierComponent.objects.filter(dossier_id=dossier.pk)
        .order_by()
        .values(
            row_kind=Value(1),
            row_id=F("id"),
            row_component=F("component_id"),
            row_order=F("component__order"),
            row_required=F("component__required"),
            row_name=F("name"),
            row_original_name=F("original_name"),
            row_size=F("size"),
            row_is_supplement=F("is_supplement"),
            row_uploaded_at=F("uploaded_at"),
        )
    )
    rows = list(components.union(files, all=True))
    checklist = {
        row["row_id"]: ChecklistRow(row["row_order"], row["row_name"], row["row_required"], [])
        for row in rows
        if row["row_kind"] == 0
    }
    stored = []
    for row in rows:
        if row["row_kind"] != 1:
            continue
        file = DossierComponent(
            id=row["row_id"],
            dossier_id=dossier.pk,
            component_id=row["row_component"],
            name=row["row_name"],
            original_name=row["row_original_name"],
            size=row["row_size"],
            is_supplement=row["row_is_supplement"],
            uploaded_at=row["row_uploaded_at"],
        )
        stored.append((row["row_order"], file))
    stored.sort(key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1].uploaded_at, pair[1].pk))
    extras = []
    for _order, file in stored:
        if file.component_id in checklist:
            checklist[file.component_id].files.append(file)
        else:
            extras.append(file)
    return (
        [file for _order, file in stored],
        Checklist(sorted(checklist.values(), key=lambda row: row.order), extras),
    )


def dossier_page(dossier: Dossier, user: User, now: datetime.datetime) -> dict[str, Any]:
    """Everything the staff dossier page shows, in a fixed number of queries."""
    files, checklist = files_and_checklist(dossier)
    events = history(dossier.events.select_related("actor").order_by("created_at", "pk"))
    # Prefetched, so django-fsm's hand-over condition (``next_step``) reads no more.
    prefetch_related_objects(
        [dossier],
        Prefetch(
            "steps",
            queryset=DossierStep.objects.select_related(
                "agency", "department", "handled_by"
            ).order_by("order"),
        ),
    )
    steps = step_rows(dossier.steps.all(), dossier.current_step_id, now)
    actions = available_actions(dossier, user)
    return {
        "dossier": dossier,
        "files": files,
        "checklist": checklist,
        "events": events,
        "steps": steps,
        "slips": slips_of(dossier, events),
        "countdown": selectors.working_days_left(dossier, now),
        # How the due moment was reached, verification and excluded periods included
        # (docs/legal.md#x1-excluded-periods-pause-the-clock).
        "explanation": selectors.explain_deadline(dossier),
        "supplement_items": open_supplement_items(dossier, events),
        "buttons": action_buttons(actions),
        # For the hand-over dialog; read from the steps prefetched above, no query.
        "next_step": dossier.next_step() if "hand_over" in actions else None,
    }


def reception_supplement_asked(dossier: Dossier) -> bool:
    """The one-stop section asks for a supplement once (Decree 118/2025)."""
    return dossier.supplement_requests.filter(stage="reception").exists()


def next_step_staff(dossier: Dossier) -> tuple[DossierStep | None, QuerySet[User]]:
    """The next step of the process and the people who may be assigned to it."""
    step = dossier.next_step()
    if step is None:
        return None, User.objects.none()
    return step, assignable(step)


def assignable(step: DossierStep) -> QuerySet[User]:
    """Who a step may be given to: active staff of its unit (and department) who hold a
    workflow permission."""
    people = User.objects.filter(agency_id=step.agency_id, is_active=True)
    if step.department_id is not None:
        people = people.filter(Q(department_id=step.department_id) | Q(department__isnull=True))
    people = people.filter(
        Q(groups__permissions__codename__in=WORKFLOW_CODENAMES)
        | Q(user_permissions__codename__in=WORKFLOW_CODENAMES)
    ).distinct()
    return people.order_by("full_name", "pk")


def procedures_received_at(user: User) -> QuerySet[Procedure]:
    """The procedures the clerk's agency receives, for the walk-in form: those listed for it
    and, at a one-stop centre, those its province receives regardless of administrative
    boundaries (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    from dossiers.services import ONE_STOP_KINDS

    agency = user.agency
    if agency is None:
        return Procedure.objects.none()
    received = Q(agencies=agency.pk)
    if agency.kind in ONE_STOP_KINDS:
        received |= Q(boundary_free=True, agencies__province_id=agency.province_id)
    return (
        Procedure.objects.filter(received, is_active=True)
        .distinct()
        .select_related("field")
        .order_by("name")
    )


def citizen_by_national_id(national_id: str, *, date_of_birth: datetime.date) -> User | None:
    """A citizen's account for the walk-in prefill, only when both the ID number and the
    date of birth on the card the person hands over match it: an ID number alone (typed,
    guessed, read off a list) opens nobody's profile."""
    national_id = national_id.strip()
    if not national_id or date_of_birth is None:
        return None
    # Only a verified holder whose date of birth matches the document handed over: a number
    # merely typed by someone prefills nobody's details.
    return User.objects.filter(
        national_id=national_id,
        date_of_birth=date_of_birth,
        national_id_verified_at__isnull=False,
        agency__isnull=True,
    ).first()


def paper_hand_overs_pending(user: User) -> QuerySet[PaperHandOver]:
    """The paper dossiers this clerk's centre still has to hand to another commune's agency,
    the most urgent first; ``is_overdue`` marks those whose one working day has passed
    (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    from django.db.models import BooleanField, ExpressionWrapper
    from django.utils import timezone

    if not is_staff_member(user) or user.agency_id is None:
        return PaperHandOver.objects.none()
    return (
        PaperHandOver.objects.filter(from_agency_id=user.agency_id, handed_at__isnull=True)
        .select_related("dossier__procedure", "to_agency")
        .annotate(
            is_overdue=ExpressionWrapper(Q(due_at__lt=timezone.now()), output_field=BooleanField())
        )
        .order_by("due_at", "pk")
    )
