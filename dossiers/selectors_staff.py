"""The staff workspaces' read side: queues by role and what the staff dossier page shows.

Everything starts from ``Dossier.objects.for_user`` (the one access rule) and is narrowed by
the person's permission codenames, never by a group name. Each selector reads a fixed number
of queries whatever the number of rows (the budgets are tested in
``tests/dossiers/test_staff_pages.py``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers import selectors
from dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
    State,
    StepState,
)
from procedures.models import Procedure

QUEUE_PER_PAGE = 50

# What each role works on (DESIGN §5): the one-stop section at reception and return, the
# departments while the dossier is appraised.
CLERK_STATES = (
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.READY_FOR_RETURN,
)
APPRAISAL_STATES = (State.IN_APPRAISAL, State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT)

# The transitions a staff member takes from these pages, in the order their buttons show.
# (submit, resubmit, provide_supplement and withdraw are the citizen's; close_unsupplemented
# is the beat task's.)
STAFF_ACTIONS: dict[str, Any] = {
    "receive": _("Tiếp nhận"),
    "request_supplement": _("Yêu cầu bổ sung"),
    "refuse": _("Từ chối tiếp nhận"),
    "hand_over": _("Chuyển xử lý"),
    "request_appraisal_supplement": _("Yêu cầu bổ sung (thẩm định)"),
    "request_payment": _("Yêu cầu nghĩa vụ tài chính"),
    "confirm_payment": _("Xác nhận đã thực hiện nghĩa vụ tài chính"),
    "propose": _("Đề xuất kết quả"),
    "approve": _("Phê duyệt"),
    "send_back": _("Trả lại để xem xét lại"),
    "stop": _("Dừng xử lý"),
    "return_result": _("Trả kết quả"),
}
# Buttons that end or turn a dossier back are drawn as such.
DANGER_ACTIONS = frozenset({"refuse", "stop", "send_back"})

SUPPLEMENT_ACTIONS = ("request_supplement", "request_appraisal_supplement")
# Whoever holds one of these may be given a step of the process.
WORKFLOW_CODENAMES = ("receive_dossier", "appraise_dossier", "approve_dossier")


def is_staff_member(user: User) -> bool:
    """Staff belong to an agency; citizens do not (DESIGN §3)."""
    return bool(user.is_authenticated and user.is_active and user.agency_id is not None)


def is_clerk(user: User) -> bool:
    return user.has_perm("accounts.receive_dossier")


def is_appraiser(user: User) -> bool:
    return user.has_perm("accounts.appraise_dossier") or user.has_perm("accounts.approve_dossier")


def is_approver(user: User) -> bool:
    return user.has_perm("accounts.approve_dossier")


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
    if is_appraiser(user):
        scope |= _at_my_step(user) & Q(state__in=APPRAISAL_STATES)
    return scope


def _oldest_first(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.order_by(F("submitted_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    procedure: Procedure | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    q: str = ""


def queue(user: User, filters: QueueFilters | None = None) -> QuerySet[Dossier]:
    """The person's work queue, oldest first, with what a row shows in one query.

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
    if filters.q:
        term = filters.q.strip()
        dossiers = dossiers.filter(
            Q(code__icontains=term)
            | Q(applicant_national_id=term)
            | Q(applicant_name__icontains=term)
        )
    return _oldest_first(
        dossiers.select_related(
            "procedure", "agency", "current_step", "current_step__department", "assignee"
        )
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
    # through the procedure index (1.6 s with 1,000,000 dossiers, DESIGN §12 P4): the
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
                "filed_by",
                "current_step__agency",
                "current_step__department",
                "assignee",
                "proposed_by",
            )
            .get(code=ref)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc


def available_actions(dossier: Dossier, user: User) -> list[str]:
    """The transitions this person may take now, as django-fsm answers, in button order."""
    names = {t.name for t in dossier.get_available_user_state_transitions(user)}  # type: ignore[attr-defined]
    return [name for name in STAFF_ACTIONS if name in names]


@dataclass(frozen=True)
class ActionButton:
    name: str
    label: str
    danger: bool


def action_buttons(actions: Iterable[str]) -> list[ActionButton]:
    return [
        ActionButton(name, str(STAFF_ACTIONS[name]), name in DANGER_ACTIONS) for name in actions
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
                str(selectors.EVENT_LABELS.get(event.action, event.action)),
                list(data.get("items", [])),
            )
        )
    return rows


def open_supplement_items(dossier: Dossier, rows: list[HistoryRow]) -> list[dict[str, str]]:
    """What the citizen was asked for, while the dossier waits for it (read from the history)."""
    if dossier.state not in selectors.SUPPLEMENT_STATES:
        return []
    for row in reversed(rows):
        if row.event.action in SUPPLEMENT_ACTIONS:
            return row.items
    return []


def slips_of(dossier: Dossier, rows: list[HistoryRow]) -> list[tuple[str, str]]:
    """The official forms the dossier has, as ``documents.AVAILABLE_FORMS`` lists them, read
    from the history the page already holds instead of one more query (a test keeps the
    two in step)."""
    from dossiers import documents

    actions = {row.event.action for row in rows}
    present = {
        "01": "receive" in actions,
        "02": bool(actions.intersection(documents.SUPPLEMENT_ACTIONS)),
        "03": bool(actions.intersection(documents.REFUSAL_ACTIONS)),
        "05": dossier.state in (State.STOPPED, State.WITHDRAWN),
        "06": "hand_over" in actions,
    }
    return [(form, str(documents.FORMS[form].title)) for form, yes in present.items() if yes]


def dossier_page(dossier: Dossier, user: User, now: datetime.datetime) -> dict[str, Any]:
    """Everything the staff dossier page shows, in a fixed number of queries."""
    files: list[DossierComponent] = list(
        dossier.files.select_related("component").order_by(
            F("component__order").asc(nulls_last=True), "uploaded_at", "pk"
        )
    )
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
        "events": events,
        "steps": steps,
        "slips": slips_of(dossier, events),
        "countdown": selectors.working_days_left(dossier, now),
        "supplement_items": open_supplement_items(dossier, events),
        "buttons": action_buttons(actions),
    }


def reception_supplement_asked(dossier: Dossier) -> bool:
    """The one-stop section asks for a supplement once (Decree 118/2025)."""
    return dossier.supplement_requests.filter(stage="reception").exists()


def next_step_staff(dossier: Dossier) -> tuple[DossierStep | None, QuerySet[User]]:
    """The next step of the process and the people who may be assigned to it."""
    step = dossier.next_step()
    if step is None:
        return None, User.objects.none()
    people = User.objects.filter(agency_id=step.agency_id, is_active=True)
    if step.department_id is not None:
        people = people.filter(Q(department_id=step.department_id) | Q(department__isnull=True))
    people = people.filter(
        Q(groups__permissions__codename__in=WORKFLOW_CODENAMES)
        | Q(user_permissions__codename__in=WORKFLOW_CODENAMES)
    ).distinct()
    return step, people.order_by("full_name", "pk")


def procedures_received_at(user: User) -> QuerySet[Procedure]:
    """The procedures the clerk's agency receives, for the walk-in form."""
    if user.agency_id is None:
        return Procedure.objects.none()
    return (
        Procedure.objects.filter(agencies=user.agency_id, is_active=True)
        .select_related("field")
        .order_by("name")
    )


def citizen_by_national_id(national_id: str) -> User | None:
    """A citizen's account by their personal identification number (walk-in prefill)."""
    national_id = national_id.strip()
    if not national_id:
        return None
    return User.objects.filter(national_id=national_id, agency__isnull=True).first()
