"""The dossier workflow's read side for pages: who may see what, and what a page shows.

``Dossier.objects.for_user`` is the one access rule; everything here starts from it. Each
selector reads a fixed number of queries whatever the number of rows (the pages' query
budgets are tested in ``tests/dossiers/test_citizen_pages.py``).
"""

import datetime
import io
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from agencies.models import Agency
from core.db import aware
from dossiers import verbs
from dossiers.models import (
    NATIONAL_STATUS,
    PAUSED_STATES,
    TERMINAL_STATES,
    WITHDRAWABLE,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFee,
    Payment,
    PaymentPurpose,
    ReturnChannel,
    State,
    SupplementRequest,
)
from dossiers.privacy import mask_name
from dossiers.uploads import ALLOWED_TYPES, sniff_content_type
from procedures.fees import FeeGroup, group_fees
from procedures.models import HOURS_PER_WORKING_DAY, Component, Procedure
from workcalendar import engine
from workcalendar.calendars import calendar_for

SUPPLEMENT_STATES = (State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT)
# States in which the due moment still matters to the citizen.
COUNTDOWN_STATES = (State.RECEIVED, State.IN_APPRAISAL, *PAUSED_STATES)

# The 4 on-site stages (docs/design.md §5) and the stage each state belongs to. Context "stage": the
# same Vietnamese words are verbs on the staff buttons, and English needs a noun here.
STAGES = (
    (1, pgettext_lazy("stage", "Hướng dẫn")),
    (2, pgettext_lazy("stage", "Tiếp nhận")),
    (3, pgettext_lazy("stage", "Giải quyết")),
    (4, pgettext_lazy("stage", "Trả kết quả")),
)
STAGE_OF_STATE = {
    State.DRAFT: 1,
    State.SUBMITTED: 2,
    State.SUPPLEMENT_REQUESTED: 2,
    State.REFUSED: 2,
    State.RECEIVED: 2,
    State.IN_APPRAISAL: 3,
    State.AWAITING_SUPPLEMENT: 3,
    State.AWAITING_PAYMENT: 3,
    State.STOPPED: 3,
    State.WITHDRAWN: 4,
    State.READY_FOR_RETURN: 4,
    State.RETURNED: 4,
}


def _ref_lookup(ref: str) -> Q:
    """A draft's UUID, the code, or the submission reference the code replaced at receipt
    (a page opened before reception still finds the dossier; docs/legal.md#dossier-code)."""
    try:
        return Q(uuid=uuid.UUID(ref))
    except ValueError:
        return Q(code=ref) | Q(submission_reference=ref)


def dossier_for_user_or_404(user: User, ref: str, *, own: bool = False) -> Dossier:
    """The dossier behind ``ref`` (its code, or a draft's UUID) if ``user`` may see it.

    Missing and not-yours look the same: 404. ``own`` narrows to the applicant's dossiers
    (the citizen's pages), still through ``for_user``.
    """
    visible = Dossier.objects.for_user(user)
    if own:
        visible = visible.filter(applicant_id=user.pk)
    try:
        return visible.select_related(
            "procedure", "agency", "version", "competent_agency", "competence_commune"
        ).get(_ref_lookup(ref))
    except (Dossier.DoesNotExist, Dossier.MultipleObjectsReturned, ValueError) as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc


def own_dossier_or_404(user: User, ref: str) -> Dossier:
    """The citizen's pages: only the applicant's own dossiers, through the same access rule."""
    if not user.is_authenticated:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier_for_user_or_404(user, ref, own=True)


def dossiers_of(user: User) -> QuerySet[Dossier]:
    """'My dossiers': newest first, with what the list shows in one query."""
    return (
        Dossier.objects.for_user(user)
        .filter(applicant=user)
        .select_related("procedure", "agency")
        .order_by("-created_at", "-pk")
    )


def component_file(dossier: Dossier, pk: int) -> DossierComponent:
    try:
        return dossier.files.get(pk=pk)
    except DossierComponent.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc


# --- deadlines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """What is left before the due moment, in working time (or how late it is)."""

    hours: float
    overdue: bool
    paused: bool
    # Late: the working days after the deadline's day (``engine.working_days_late``).
    late_days: int = 0

    @property
    def days(self) -> int:
        """Left: whole working days, a started day counting as one. Late: the working days
        past the deadline's day, as the heads' lists and a calendar count them."""
        if self.overdue:
            return self.late_days
        return math.ceil(round(self.hours, 6) / HOURS_PER_WORKING_DAY)


class CalendarCache:
    """One working calendar per agency for the length of a page, however many rows it has."""

    def __init__(self) -> None:
        self._calendars: dict[int, engine.WorkCalendar] = {}

    def __call__(self, dossier: Dossier) -> "engine.WorkCalendar":
        if dossier.agency_id not in self._calendars:
            self._calendars[dossier.agency_id] = calendar_for(dossier.agency)
        return self._calendars[dossier.agency_id]


def working_days_left(
    dossier: Dossier, now: datetime.datetime, *, calendars: CalendarCache | None = None
) -> Countdown | None:
    """Working time until the due moment (or past it), for the states where it still runs.

    While the clock is paused the count stands still at the moment of the pause.
    """
    if dossier.due_at is None or dossier.state not in COUNTDOWN_STATES:
        return None
    calendar = (calendars or CalendarCache())(dossier)
    # In appraisal, an excluded period pauses it too (docs/legal.md#x1-excluded-periods-pause-the-clock).
    paused = dossier.state in PAUSED_STATES or dossier.paused_at is not None
    at = dossier.paused_at if paused and dossier.paused_at else now
    if at <= dossier.due_at:
        left = engine.working_time_between(calendar, at, dossier.due_at)
        return Countdown(hours=left.total_seconds() / 3600, overdue=False, paused=paused)
    late = engine.working_time_between(calendar, dossier.due_at, at)
    return Countdown(
        hours=late.total_seconds() / 3600,
        overdue=True,
        paused=paused,
        late_days=engine.working_days_late(calendar, dossier.due_at, at),
    )


def explain_deadline(dossier: Dossier) -> list[str]:
    """The stored derivation of the due moment, in sentences ("why is my deadline …?")."""
    if not dossier.deadline_explanation:
        return []
    return list(engine.render_explanation(dossier.deadline_explanation))


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierRow:
    dossier: Dossier
    countdown: Countdown | None


def my_dossier_rows(dossiers: Iterable[Dossier], now: datetime.datetime) -> list[DossierRow]:
    calendars = CalendarCache()
    return [DossierRow(d, working_days_left(d, now, calendars=calendars)) for d in dossiers]


@dataclass(frozen=True)
class ChecklistRow:
    component: Component
    files: list[DossierComponent]

    @property
    def missing(self) -> bool:
        return self.component.required and not self.files


def checklist(dossier: Dossier) -> tuple[list[ChecklistRow], list[DossierComponent]]:
    """The procedure's components, each with the files filed for it, and the other files."""
    components = list(dossier.version.components.order_by("order"))
    files = list(dossier.files.order_by("uploaded_at", "pk"))
    by_component: dict[int | None, list[DossierComponent]] = {}
    for stored in files:
        by_component.setdefault(stored.component_id, []).append(stored)
    rows = [ChecklistRow(c, by_component.get(c.pk, [])) for c in components]
    known = {c.pk for c in components}
    others = [f for f in files if f.component_id not in known]
    return rows, others


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's history as the citizen sees it: when, what, and the note given."""
    events = DossierEvent.objects.filter(dossier=dossier).order_by("created_at", "pk")
    return [
        {
            "at": event.created_at,
            "label": verbs.history_label(event.action),
            "state": event.get_to_state_display(),  # type: ignore[attr-defined]
            "note": event.note,
            "items": event.data.get("items", []) if isinstance(event.data, dict) else [],
            # A payment recorded (the fees, or the obligation when it is confirmed).
            "payment": event.data
            if isinstance(event.data, dict) and "receipt_number" in event.data
            else None,
        }
        for event in events
    ]


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    if dossier.state not in SUPPLEMENT_STATES:
        return None
    return (
        dossier.supplement_requests.filter(answered_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )


def supplement_files(dossier: Dossier) -> list[DossierComponent]:
    """The files filed in answer to the open request (those since the clock paused)."""
    files = dossier.files.filter(is_supplement=True).select_related("component")
    if dossier.state == State.AWAITING_SUPPLEMENT and dossier.paused_at:
        files = files.filter(uploaded_at__gte=dossier.paused_at)
    return list(files.order_by("uploaded_at", "pk"))


def available_slips(dossier: Dossier) -> list[tuple[str, str]]:
    """The official forms (slips) this dossier has, as ``(form, title)`` pairs."""
    from dossiers.slips.catalogue import AVAILABLE_FORMS

    return list(AVAILABLE_FORMS(dossier))


def result_delivered_online(dossier: Dossier) -> bool:
    """The citizen who chose online return gets the result document itself once it is
    returned: on the dossier page and with the "returned" e-mail (docs/design.md §14)."""
    return bool(
        dossier.state == State.RETURNED
        and dossier.return_channel == ReturnChannel.ONLINE
        and dossier.result_file
    )


def result_document(dossier: Dossier) -> tuple[str, str, bytes]:
    """The result as the citizen receives it: ``(file name, content type, content)``, the
    name ``<code>-ket-qua.<ext>`` with the extension of the type read from the content
    (files are stored under random ``.bin`` keys). Raises OSError when the file is gone."""
    with dossier.result_file.open("rb") as handle:
        content = handle.read()
    content_type = sniff_content_type(content[:16], io.BytesIO(content)) or "application/pdf"
    extension = ALLOWED_TYPES.get(content_type, ".pdf")
    return f"{dossier.code}-ket-qua{extension}", content_type, content


# --- fees and payments (docs/design.md §14) ------------------------------------------------------------

# Before reception the citizen sees the fees that may apply; reception decides which do.
BEFORE_RECEPTION = (State.DRAFT, State.SUBMITTED, State.SUPPLEMENT_REQUESTED)


@dataclass
class DossierFees:
    """What a dossier page shows of money: before reception the possible fee lines of the
    procedure (alternatives as "one of", never added up); after it the lines chosen, their
    total, the payments recorded and what remains to pay."""

    received: bool
    total: int
    possible: list[FeeGroup]
    lines: list[DossierFee]
    payments: list[Payment]
    outstanding: int

    @property
    def shown(self) -> bool:
        return bool(self.received or self.possible or self.lines or self.payments)


def dossier_fees(dossier: Dossier, *, with_payments: bool = False) -> DossierFees:
    """One query for the lines, one for the payments when asked; none when nothing was ever
    due (the pages of a free procedure read no more than before). A dossier received with
    nothing to pay (free, or exempt) just says so."""
    received = dossier.received_at is not None
    possible: list[FeeGroup] = []
    lines: list[DossierFee] = []
    if received:
        if dossier.fee_total:
            lines = list(dossier.fee_lines.order_by("id"))
    elif dossier.state in BEFORE_RECEPTION:
        possible = group_fees(dossier.version.fees.order_by("id"))
    payments: list[Payment] = []
    if with_payments and (dossier.fee_total or dossier.obligation_amount):
        payments = list(dossier.payments.select_related("recorded_by").order_by("paid_at", "pk"))
    paid_fees = sum(p.amount for p in payments if p.purpose == PaymentPurpose.FEES)
    return DossierFees(
        received=received,
        total=dossier.fee_total,
        possible=possible,
        lines=lines,
        payments=payments,
        outstanding=max(dossier.fee_total - paid_fees, 0) if with_payments else 0,
    )


def detail_context(dossier: Dossier, now: datetime.datetime) -> dict[str, Any]:
    """Everything the citizen's dossier page shows."""
    rows, other_files = checklist(dossier)
    return {
        "dossier": dossier,
        "stages": STAGES,
        "stage": STAGE_OF_STATE.get(dossier.state),  # type: ignore[call-overload]
        "checklist": rows,
        "other_files": other_files,
        "events": timeline(dossier),
        "countdown": working_days_left(dossier, now),
        "explanation": explain_deadline(dossier),
        "extended": bool(
            dossier.original_due_at and dossier.due_at and dossier.due_at != dossier.original_due_at
        ),
        "supplement_request": open_supplement_request(dossier),
        "slips": available_slips(dossier) if dossier.state != State.DRAFT else [],
        "can_edit": dossier.state == State.DRAFT,
        "can_supplement": dossier.state in SUPPLEMENT_STATES,
        "can_withdraw": dossier.state in WITHDRAWABLE,
        "is_closed": dossier.state in TERMINAL_STATES,
        "result_online": result_delivered_online(dossier),
        "fees": dossier_fees(dossier),
    }


# --- the public ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """What anyone may read of a dossier by its code: no personal data beyond a masked name."""

    code: str
    procedure: str
    agency: str
    state: str
    state_label: str
    applicant: str
    submitted_at: datetime.datetime | None
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    original_due_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    extension_count: int = 0

    @property
    def extended(self) -> bool:
        return bool(self.original_due_at and self.due_at and self.original_due_at != self.due_at)

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS.get(State(self.state))


def _public_status_sql() -> str:
    dossier, procedure, agency = (model._meta.db_table for model in (Dossier, Procedure, Agency))
    return (
        "SELECT d.code, p.name, a.name, d.state, d.applicant_name, d.submitted_at, "  # noqa: S608
        "d.received_at, d.due_at, d.original_due_at, d.returned_at, d.extension_count "
        f"FROM {dossier} d JOIN {procedure} p ON p.id = d.procedure_id "
        f"JOIN {agency} a ON a.id = d.agency_id "
        "WHERE d.code = %s AND d.state <> %s"
    )


def normalise_code(code: str) -> str:
    """A code as people type it: spaces dropped, letters in upper case (codes are printed in
    upper case, and a citizen copying one from a slip or a message often types it lower)."""
    return "".join(code.split()).upper()


def public_status(code: str) -> PublicStatus | None:
    """The most requested read of the portal (docs/design.md §12 P3), so one indexed lookup written
    as SQL: the ORM's query building cost more than the lookup itself."""
    with connection.cursor() as cursor:
        cursor.execute(_public_status_sql(), [normalise_code(code), State.DRAFT.value])
        row = cursor.fetchone()
    if row is None:
        return None
    (code, procedure, agency, state, applicant, submitted_at, received_at, due_at,
     original_due_at, returned_at, extension_count) = row  # fmt: skip
    return PublicStatus(
        code=code,
        procedure=procedure,
        agency=agency,
        state=state,
        state_label=str(State(state).label),
        applicant=mask_name(applicant),
        submitted_at=aware(submitted_at),
        received_at=aware(received_at),
        due_at=aware(due_at),
        original_due_at=aware(original_due_at),
        returned_at=aware(returned_at),
        extension_count=extension_count,
    )
