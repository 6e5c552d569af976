"""The dossier workflow's write side (docs/design.md §5, §6).

Every action is a keyword-only service: one transaction, the dossier row locked with
``select_for_update``, the django-fsm transition (which checks source state and the actor's
permission), an append-only event in the same transaction, and side effects (notifications,
slips) scheduled with ``transaction.on_commit``.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from accounts import roles, signing
from accounts.models import User
from agencies.models import Agency, AgencyKind, Commune
from core.errors import DossierError, DossierNotFound, TransitionConflict
from core.queue import publish_on_commit
from dossiers import notifications, numbering, selectors_staff, verbs
from dossiers import permissions as perms
from dossiers.models import (
    NATIONAL_STATUS,
    SETTLED_STATES,
    Channel,
    ClockPause,
    Decision,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFee,
    DossierStep,
    FilingCapacity,
    PaperHandOver,
    PauseReason,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    ReturnChannel,
    State,
    StepState,
    SupplementRequest,
    SupplementStage,
)
from dossiers.numbering import next_code
from dossiers.quotas import check_draft_quota, check_storage_quota
from dossiers.signals import dossier_deadline_moved, dossier_handed_over, dossier_settled
from dossiers.uploads import MAX_FILES_PER_DOSSIER, check_upload, display_name
from procedures.limits import amount_hours, amount_text
from procedures.models import (
    HOURS_PER_WORKING_DAY,
    Component,
    ExclusionKind,
    Fee,
    FeeKind,
    LimitUnit,
    Procedure,
    ProcedureVersion,
    VerificationMode,
)
from workcalendar import engine
from workcalendar.calendars import calendar_for

# How long a dossier may wait for its reception supplement is the procedure version's own
# setting, 15 working days by default (docs/legal.md#closure-of-an-unsupplemented-dossier).


@dataclass(frozen=True)
class SupplementItem:
    name: str
    reason: str


@dataclass(frozen=True)
class FeeChoice:
    """A fee line of the procedure version chosen at reception, and how many are charged."""

    fee_id: int
    quantity: int = 1


# The most copies (or cases) one line may be charged for at the counter.
MAX_FEE_QUANTITY = 1000


# --- helpers ---------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def _locked(dossier: Dossier) -> Dossier:
    """The dossier row locked, then its current step read after the lock.

    Not one query with a join: when the lock had to wait for another action, PostgreSQL
    re-reads the locked row but keeps the joined step as the first snapshot saw it, so a
    withdrawal racing a hand-over would finish a step that is no longer current. The step
    read once the lock is held is the one the winner left (and is locked too: a step is only
    changed under its dossier's lock, the second lock only makes that explicit).
    """
    try:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    except Dossier.DoesNotExist as exc:
        raise DossierNotFound() from exc
    locked.current_step = (
        DossierStep.objects.select_for_update().filter(pk=locked.current_step_id).first()
        if locked.current_step_id
        else None
    )
    return locked


def _notify_after_commit(event: DossierEvent) -> None:
    """The citizen's notifications are written now, pending, with the event, for a verb that
    notifies (dossiers/verbs.py); the worker is woken after the commit (the sweeper wakes
    it again if the broker lost the call). A verb that tells the citizen nothing queues
    nothing."""
    from dossiers.tasks import notify_event

    if notifications.plan(event):
        publish_on_commit(notify_event, (event.pk,))


def _log(
    dossier: Dossier,
    *,
    action: str,
    from_state: str,
    actor: User | None,
    note: str = "",
    step: DossierStep | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        national_code=_national_code(action, dossier),
        actor=actor,
        step=step,
        note=note,
        data=data or {},
    )


def _national_code(action: str, dossier: Dossier) -> int | None:
    """The code of the state the verb's transition reaches; a verb that changes no state
    (a payment recorded, a letter issued) carries the state's own."""
    verb = verbs.get(action)
    code = verb.national_code if verb is not None else None
    return code if code is not None else NATIONAL_STATUS.get(dossier.state)  # type: ignore[call-overload]


def check_allowed(dossier: Dossier, actor: User, action: str) -> None:
    """May ``actor`` take the verb ``action`` on the dossier now? The page, the API and
    ``_run`` (again, under the lock) ask the same question and get the same answer: a
    dossier the person may not see is missing (404); one they see but may not act on now
    is a conflict (409)."""
    method = getattr(dossier, action)
    if not has_transition_perm(method, actor):
        # Not this person's dossier or not their role: the same answer as a missing dossier.
        if not Dossier.objects.for_user(actor).filter(pk=dossier.pk).exists():
            raise DossierNotFound()
        if can_proceed(method):
            # Seen but not theirs to do now: often the dossier moved on to another step
            # while the page was open (a race), so the same answer as a conflict.
            raise TransitionConflict(
                _(
                    "Thao tác này không thuộc phần việc của bạn ở bước hiện tại của hồ sơ. "
                    "Vui lòng tải lại trang."
                )
            )
        raise TransitionConflict(_why_not(dossier, action))
    if not can_proceed(method):
        raise TransitionConflict(_why_not(dossier, action))


def _run(
    dossier: Dossier,
    *,
    action: str,
    actor: User | None,
    note: str = "",
    before: Callable[[Dossier], None] | None = None,
    after: Callable[[Dossier], dict[str, Any] | None] | None = None,
    check_permission: bool = True,
) -> Dossier:
    """Lock, check, transition, save, log: the frame every action runs in."""
    locked = _locked(dossier)
    if check_permission and actor is not None:
        check_allowed(locked, actor, action)
    method = getattr(locked, action)
    if not can_proceed(method):
        raise TransitionConflict()
    from_state = locked.state
    try:
        # The transition first: its guard conditions (has_next_step, has_proposal) read the
        # dossier as it was, before ``before`` moves the step or clears the proposal. A
        # refusal from ``before`` still rolls everything back with the transaction.
        method()
        if before is not None:
            before(locked)
        locked.save()
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        raise TransitionConflict() from exc
    if locked.state in SETTLED_STATES and from_state not in SETTLED_STATES:
        # Inside the transaction: what hangs on the dossier (apologies' draft letters) is
        # settled with it, before the row lock is released.
        dossier_settled.send(sender=Dossier, dossier=locked)
    data = after(locked) if after is not None else None
    event = _log(
        locked,
        action=action,
        from_state=from_state,
        actor=actor,
        note=note,
        step=locked.current_step,
        data=data,
    )
    _number_slip(locked, event)
    _notify_after_commit(event)
    dossier.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _number_slip(dossier: Dossier, event: DossierEvent) -> None:
    """The official slip this transition issues (01 receipt, 02 supplement request, 03
    refusal, 05 stop notice) takes its number now, in the transition's transaction, so the
    agency's numbers follow the order of the acts, not of the downloads. Only the number:
    the page is built when the slip is printed."""
    numbering.number_at_transition(dossier, event)


def _calendar(dossier: Dossier) -> engine.WorkCalendar:
    return calendar_for(dossier.agency)


# --- filing ----------------------------------------------------------------------------------


def version_in_force(procedure: Procedure, on: datetime.date | None = None) -> ProcedureVersion:
    version = procedure.version_in_force(on or timezone.localdate())
    if version is None or not procedure.is_active:
        raise DossierError(
            _("Thủ tục “%(name)s” hiện không có phiên bản đang có hiệu lực; không thể nộp hồ sơ.")
            % {"name": procedure.name}
        )
    return version


ONE_STOP_KINDS = (AgencyKind.PROVINCIAL_CENTRE, AgencyKind.COMMUNE_CENTRE)


def receiving_centres(procedure: Procedure) -> Any:
    """Where a dossier of the procedure may be filed: the agencies its catalogue entry lists;
    for a procedure the province receives regardless of administrative boundaries, any
    one-stop centre of the province (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    listed = procedure.agencies.all()
    if not procedure.boundary_free:
        return listed.order_by("name")
    provinces = procedure.agencies.values("province_id")
    return (
        Agency.objects.filter(
            Q(pk__in=listed.values("pk")) | Q(kind__in=ONE_STOP_KINDS, province__in=provinces)
        )
        .distinct()
        .order_by("kind", "name")
    )


def _check_agency(procedure: Procedure, agency: Agency) -> None:
    if not receiving_centres(procedure).filter(pk=agency.pk).exists():
        raise DossierError(
            _("%(agency)s không tiếp nhận thủ tục này.") % {"agency": agency.name}, field="agency"
        )


COMPETENCE_COMMUNE_REQUIRED = {
    "residence": _("Chọn xã, phường nơi người yêu cầu cư trú: cơ quan giải quyết là của xã đó."),
    "property_location": _("Chọn xã, phường nơi có đất, tài sản: cơ quan giải quyết là của xã đó."),
}


def _competence(
    procedure: Procedure, agency: Agency, commune: Commune | int | None, address: str
) -> dict[str, Any]:
    """The competent agency of a procedure received regardless of administrative boundaries
    whose rule reads a commune: the People's Committee of the commune of residence, or of the
    land or property (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    if not (procedure.boundary_free and procedure.competence_by_commune):
        return {}
    commune_id = commune.pk if isinstance(commune, Commune) else commune
    if not commune_id:
        raise DossierError(
            COMPETENCE_COMMUNE_REQUIRED[procedure.competence_rule], field="competence_commune"
        )
    committee = (
        Agency.objects.current()
        .filter(
            kind=AgencyKind.COMMUNE_COMMITTEE,
            commune_id=commune_id,
            province_id=agency.province_id,
        )
        .select_related("commune")
        .first()
    )
    if committee is None:
        raise DossierError(
            _(
                "Xã, phường đã chọn không thuộc tỉnh của nơi tiếp nhận hoặc chưa có cơ quan giải "
                "quyết trên hệ thống; hãy chọn đúng xã, phường."
            ),
            field="competence_commune",
        )
    return {
        "competent_agency": committee,
        "competence_commune_id": commune_id,
        "competence_address": (address or "").strip(),
    }


# The applicant's identity on the dossier, and the contact details beside it.
IDENTITY_FIELDS = ("applicant_name", "applicant_national_id", "applicant_date_of_birth")
CONTACT_FIELDS = ("applicant_address", "applicant_phone", "applicant_email")


def _filing_online(
    account: User,
    *,
    capacity: str,
    details: dict[str, Any],
    representative: dict[str, str],
) -> dict[str, Any]:
    """The applicant and representative fields of an online dossier, from its account.

    For oneself, the identity is the account's (typed values are ignored): nobody files in
    another person's name without saying so. For another person (nộp thay), the applicant's
    identity is theirs as typed and the account's holder is the representative, with the
    authorisation's reference (its file is checked at submission).
    """
    if capacity not in FilingCapacity.values:
        raise DossierError(_("Hãy chọn nộp cho chính mình hay nộp thay người khác."))
    if not account.full_name or not account.national_id:
        raise DossierError(
            _("Cần họ tên và số định danh cá nhân của người nộp; vui lòng cập nhật hồ sơ cá nhân.")
        )
    values: dict[str, Any] = {
        "filing_capacity": capacity,
        **{field: details.get(field) or "" for field in CONTACT_FIELDS},
    }
    if capacity == FilingCapacity.SELF:
        return {
            **values,
            "applicant_name": account.full_name,
            "applicant_national_id": account.national_id,
            "applicant_date_of_birth": account.date_of_birth,
            "representative_name": "",
            "representative_national_id": "",
            "representative_authorisation": "",
        }
    name = (details.get("applicant_name") or "").strip()
    national_id = (details.get("applicant_national_id") or "").strip()
    if not name or not national_id:
        raise DossierError(
            _("Nộp thay: cần họ tên và số định danh cá nhân của người ủy quyền."),
            field="applicant_name",
        )
    if national_id == account.national_id:
        raise DossierError(
            _("Đây là số định danh của chính bạn; hãy chọn “Nộp cho chính mình”."),
            field="applicant_national_id",
        )
    authorisation = (representative.get("authorisation") or "").strip()
    if not authorisation:
        raise DossierError(
            _("Người nộp thay cần có văn bản ủy quyền; ghi số và ngày của văn bản."),
            field="representative_authorisation",
        )
    return {
        **values,
        "applicant_name": name,
        "applicant_national_id": national_id,
        "applicant_date_of_birth": details.get("applicant_date_of_birth") or None,
        "representative_name": account.full_name,
        "representative_national_id": account.national_id,
        "representative_authorisation": authorisation,
    }


@transaction.atomic
def dossier_create_draft(
    *,
    applicant: User | None,
    procedure: Procedure,
    agency: Agency,
    actor: User,
    intake_channel: str = Channel.ONLINE,
    return_channel: str = ReturnChannel.ONLINE,
    return_address: str = "",
    applicant_details: dict[str, Any] | None = None,
    representative: dict[str, str] | None = None,
    filing_capacity: str = FilingCapacity.SELF,
    note: str = "",
    competence_commune: Commune | int | None = None,
    competence_address: str = "",
) -> Dossier:
    """A new draft. Online, ``applicant`` is the account that files and the identity follows
    it (``_filing_online``); at the counter the clerk's details are kept as typed, and
    ``applicant`` is the verified account they belong to, or None."""
    version = version_in_force(procedure)
    _check_agency(procedure, agency)
    competence = _competence(procedure, agency, competence_commune, competence_address)
    if actor.is_citizen:
        check_draft_quota(applicant=actor)  # online, the citizen files with their account
    profile_address = applicant.address if applicant is not None else ""
    if return_channel == ReturnChannel.POST and not (
        return_address or (applicant_details or {}).get("applicant_address") or profile_address
    ):
        raise DossierError(_("Cần địa chỉ nhận kết quả qua bưu chính."), field="return_address")
    if intake_channel == Channel.ONLINE:
        if applicant is None or applicant.pk != actor.pk:
            raise DossierNotFound()
        prefilled = {
            "applicant_address": applicant.address,
            "applicant_phone": applicant.phone or "",
            "applicant_email": applicant.email,
            **(applicant_details or {}),
        }
        details = _filing_online(
            applicant,
            capacity=filing_capacity,
            details=prefilled,
            representative=representative or {},
        )
    else:
        details = {
            "filing_capacity": FilingCapacity.SELF,
            **{field: (applicant_details or {}).get(field) for field in IDENTITY_FIELDS},
            **{field: (applicant_details or {}).get(field) or "" for field in CONTACT_FIELDS},
            "representative_name": "",
            "representative_national_id": "",
            "representative_authorisation": "",
        }
        if not details["applicant_name"] or not details["applicant_national_id"]:
            raise DossierError(_("Cần họ tên và số định danh cá nhân của người nộp."))
    dossier = Dossier(
        procedure=procedure,
        version=version,
        agency=agency,
        applicant=applicant,
        filed_by=actor,
        intake_channel=intake_channel,
        return_channel=return_channel,
        return_address=return_address
        or (
            (details["applicant_address"] or profile_address)
            if return_channel == ReturnChannel.POST
            else ""
        ),
        note=note,
        # The fees that apply are chosen when the dossier is received (dossier_receive).
        fee_total=0,
        payment_status=PaymentStatus.NOT_REQUIRED,
        **competence,
        **details,
    )
    dossier.full_clean(exclude=["state", "filed_by", "applicant"])
    dossier.save()
    return dossier


@transaction.atomic
def dossier_update_draft(
    *,
    dossier: Dossier,
    actor: User,
    applicant_details: dict[str, Any],
    return_channel: str,
    return_address: str = "",
    representative: dict[str, str] | None = None,
    filing_capacity: str = FilingCapacity.SELF,
    note: str = "",
) -> Dossier:
    """Saves the details of a draft again (the citizen's "Lưu bản nháp"), by the same rules
    as the first save."""
    locked = _locked(dossier)
    if actor.pk not in (locked.applicant_id, locked.filed_by_id):
        raise DossierNotFound()
    if locked.state != State.DRAFT:
        raise TransitionConflict(_("Hồ sơ đã nộp; không sửa được thông tin bản nháp."))
    if return_channel == ReturnChannel.POST and not return_address:
        raise DossierError(_("Cần địa chỉ nhận kết quả qua bưu chính."), field="return_address")
    if locked.is_online and locked.applicant is not None:
        values = _filing_online(
            locked.applicant,  # type: ignore[arg-type]
            capacity=filing_capacity,
            details=applicant_details,
            representative=representative or {},
        )
    else:
        values = {
            field: applicant_details.get(field) or (None if field.endswith("birth") else "")
            for field in (*IDENTITY_FIELDS, *CONTACT_FIELDS)
            if field in applicant_details
        }
    for field, value in values.items():
        setattr(locked, field, value)
    locked.return_channel = return_channel
    locked.return_address = return_address if return_channel == ReturnChannel.POST else ""
    locked.note = note
    locked.full_clean(exclude=["state", "filed_by", "applicant"])
    changed = [*values, "return_channel", "return_address", "note"]
    locked.save(update_fields=changed)
    dossier.__dict__.update({k: getattr(locked, k) for k in changed})
    return locked


def dossier_attach_file(
    *,
    dossier: Dossier,
    actor: User,
    upload: Any,
    component: Component | None = None,
    name: str = "",
) -> DossierComponent:
    """Stores one file for a component; checked by content, stored under a random name."""
    with _stored_files_removed_on_failure() as stored:
        return _attach_file(
            dossier=dossier,
            actor=actor,
            upload=upload,
            component=component,
            name=name,
            stored=stored,
        )


def _attach_file(
    *,
    dossier: Dossier,
    actor: User,
    upload: Any,
    component: Component | None,
    name: str,
    stored: list[str],
) -> DossierComponent:
    locked = _locked(dossier)
    if actor.pk not in (locked.applicant_id, locked.filed_by_id) and not (
        actor.agency_id == locked.agency_id and roles.is_clerk(actor)
    ):
        raise DossierNotFound()
    supplement = locked.state in (State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT)
    if locked.state != State.DRAFT and not supplement:
        raise TransitionConflict(
            _("Chỉ bổ sung tệp khi hồ sơ là bản nháp hoặc đang được yêu cầu bổ sung.")
        )
    if component is not None and component.version_id != locked.version_id:
        raise DossierError(_("Thành phần hồ sơ không thuộc thủ tục này."), field="component")
    if locked.files.count() >= MAX_FILES_PER_DOSSIER:
        raise DossierError(
            _("Hồ sơ đã có tối đa %(max)s tệp.") % {"max": MAX_FILES_PER_DOSSIER}, field="file"
        )
    content_type = check_upload(upload)
    if actor.is_citizen:
        # The citizen's own storage: the account uploading, whoever the dossier is for.
        check_storage_quota(applicant=actor, name=display_name(upload.name), size=upload.size)
    row = DossierComponent(
        dossier=locked,
        component=component,
        name=name or (component.name if component else display_name(upload.name)),
        original_name=display_name(upload.name),
        content_type=content_type,
        size=upload.size,
        is_supplement=supplement,
        uploaded_by=actor,
    )
    # Stored first, under its random key, and named in ``stored``: if the row or anything
    # after it fails, the caller's cleanup takes the file out of storage again.
    key = row.file.storage.save(
        row.file.field.generate_filename(row, upload.name), upload, max_length=255
    )
    stored.append(key)
    row.file.name = key
    row.save()
    return row


@contextmanager
def _stored_files_removed_on_failure() -> Iterator[list[str]]:
    """A transaction whose uploads leave storage with it when it fails: the block appends
    the keys it stores; an exception inside it, or when its savepoint or commit is
    released, deletes them. (An enclosing transaction that rolls back later leaves its
    files to ``sweep_orphan_files``.)"""
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        storage = DossierComponent().file.storage
        for key in stored:
            storage.delete(key)
        raise


def _delete_stored_after_commit(files: Iterable[Any]) -> None:
    """Removes stored files from storage once the rows that named them are gone for good:
    a rolled-back removal keeps both the row and its file."""
    names = [(f.storage, f.name) for f in files if f]

    def delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _removable(locked: Dossier, actor: User, file_pk: int) -> DossierComponent:
    """A file the applicant may still take back: any file of a draft, or a paper uploaded in
    answer to the open supplement request and not yet sent."""
    if actor.pk not in (locked.applicant_id, locked.filed_by_id):
        raise DossierNotFound()
    files = locked.files.all()
    if locked.state in (State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT):
        files = files.filter(is_supplement=True)
        if locked.state == State.AWAITING_SUPPLEMENT and locked.paused_at:
            files = files.filter(uploaded_at__gte=locked.paused_at)
    elif locked.state != State.DRAFT:
        raise TransitionConflict(
            _("Hồ sơ đã nộp: tệp đã nộp không gỡ được nữa; nếu cần, hãy rút hồ sơ.")
        )
    stored = files.filter(pk=file_pk).first()
    if stored is None:
        raise DossierNotFound(_("Không tìm thấy tệp."))
    return stored


@transaction.atomic
def dossier_remove_file(*, dossier: Dossier, actor: User, file_pk: int) -> DossierComponent:
    """Takes a file back out of a draft (or of a supplement not yet sent)."""
    locked = _locked(dossier)
    stored = _removable(locked, actor, file_pk)
    stored.delete()
    _delete_stored_after_commit([stored.file])
    return stored


def dossier_replace_file(
    *, dossier: Dossier, actor: User, file_pk: int, upload: Any
) -> DossierComponent:
    """Puts a new file in the place of one already uploaded, for the same component: the old
    one goes only if the new one is accepted."""
    # A refused file raises inside and the whole replacement rolls back: the old row and
    # file stay, the new file leaves storage.
    with _stored_files_removed_on_failure() as stored:
        locked = _locked(dossier)
        old = _removable(locked, actor, file_pk)
        old.delete()
        new = _attach_file(
            dossier=locked,
            actor=actor,
            upload=upload,
            component=old.component,
            name=old.name,
            stored=stored,
        )
        _delete_stored_after_commit([old.file])
        return new


@transaction.atomic
def dossier_discard_draft(*, dossier: Dossier, actor: User) -> None:
    """Deletes a draft that was never filed, with its files. A filed dossier is withdrawn,
    never deleted: it has a code and a history."""
    locked = _locked(dossier)
    if actor.pk not in (locked.applicant_id, locked.filed_by_id):
        raise DossierNotFound()
    if locked.state != State.DRAFT or locked.code:
        raise TransitionConflict(_("Chỉ xóa được bản nháp chưa nộp; hồ sơ đã nộp thì rút hồ sơ."))
    files = [stored.file for stored in locked.files.all()]
    locked.delete()
    _delete_stored_after_commit(files)


def missing_components(dossier: Dossier) -> list[Component]:
    filed = set(dossier.files.values_list("component_id", flat=True))
    return [c for c in dossier.version.components.filter(required=True) if c.pk not in filed]


AUTHORISATION_NAME = _("Giấy ủy quyền")


@transaction.atomic
def dossier_attach_authorisation(*, dossier: Dossier, actor: User, upload: Any) -> DossierComponent:
    """The authorisation document of a draft filed for another person (nộp thay)."""
    locked = _locked(dossier)
    if actor.pk not in (locked.applicant_id, locked.filed_by_id):
        raise DossierNotFound()
    if locked.state != State.DRAFT or not locked.filed_by_representative:
        raise TransitionConflict(
            _("Giấy ủy quyền chỉ tải lên cho bản nháp nộp thay người khác."),
        )
    stored = dossier_attach_file(
        dossier=locked, actor=actor, upload=upload, name=str(AUTHORISATION_NAME)
    )
    stored.is_authorisation = True
    stored.save(update_fields=["is_authorisation"])
    return stored


def _check_filing(locked: Dossier) -> None:
    """Online: in the account's own verified-or-not name, or for another person with the
    authorisation attached. The identity of a dossier filed for oneself is read again from
    the account, so a draft saved earlier cannot carry another name."""
    if not locked.is_online:
        locked.filer_identity_verified = bool(
            locked.applicant is not None and locked.applicant.national_id_verified
        )
        return
    account: User = locked.applicant  # type: ignore[assignment]
    values = _filing_online(
        account,
        capacity=locked.filing_capacity,
        details={field: getattr(locked, field) for field in (*IDENTITY_FIELDS, *CONTACT_FIELDS)},
        representative={"authorisation": locked.representative_authorisation},
    )
    for field, value in values.items():
        setattr(locked, field, value)
    if locked.filed_by_representative and not locked.files.filter(is_authorisation=True).exists():
        raise DossierError(
            _("Nộp thay người khác: hãy tải lên giấy ủy quyền trước khi nộp hồ sơ."),
            field="authorisation",
        )
    locked.filer_identity_verified = account.national_id_verified


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor: User) -> Dossier:
    def before(locked: Dossier) -> None:
        _check_filing(locked)
        missing = missing_components(locked)
        if missing:
            raise DossierError(
                _("Còn thiếu thành phần hồ sơ bắt buộc: %(names)s.")
                % {"names": "; ".join(c.name for c in missing)}
            )
        today = timezone.localdate()
        if locked.version.effective_until and locked.version.effective_until < today:
            raise DossierError(
                _("Phiên bản thủ tục của bản nháp đã hết hiệu lực; vui lòng lập hồ sơ mới.")
            )
        # A submission reference in the code's form, from the receiving agency's counter, so
        # the citizen and the clerk can name the dossier before it is received; reception
        # replaces it with the dossier's code (docs/legal.md#dossier-code).
        locked.code = locked.submission_reference = next_code(agency=locked.agency, day=today)
        locked.submitted_at = _now()

    return _run(
        dossier,
        action="submit",
        actor=actor,
        before=before,
        after=lambda d: {"submission_reference": d.code},
    )


@transaction.atomic
def dossier_register_walk_in(
    *,
    clerk: User,
    procedure: Procedure,
    citizen: dict[str, Any],
    files: Sequence[tuple[Component | None, Any]],
    return_channel: str = ReturnChannel.COUNTER,
    return_address: str = "",
    note: str = "",
    verify_account: str = "",
    document_seen: bool = False,
    competence_commune: Commune | int | None = None,
    competence_address: str = "",
) -> Dossier:
    """A clerk files at the counter for a citizen (assisted channel).

    The dossier belongs to the account whose ID number is verified to be the citizen's; with
    none it stands on the details typed, and no account sees it. When the citizen shows their
    identity card and names their account (``verify_account``: its e-mail or phone), the
    clerk verifies that account here (``accounts.services.national_id_verify``) and the
    dossier is theirs. Raises ValidationError (keyed by field) when that verification fails.
    """
    from accounts.selectors import user_for_login
    from accounts.services import ACCOUNT_NOT_FOUND, national_id_verify

    if clerk.agency is None or not roles.is_clerk(clerk):
        raise DossierNotFound()
    national_id = citizen.get("national_id", "")
    applicant = (
        User.objects.filter(
            national_id=national_id, national_id_verified_at__isnull=False, agency__isnull=True
        ).first()
        if national_id
        else None
    )
    if verify_account.strip():
        account = user_for_login(verify_account)
        if account is None:
            raise ValidationError({"verify_account": [ValidationError(ACCOUNT_NOT_FOUND)]})
        try:
            applicant = national_id_verify(
                user=account,
                clerk=clerk,
                national_id=national_id,
                full_name=citizen.get("full_name", ""),
                date_of_birth=citizen.get("date_of_birth"),
                document_seen=document_seen,
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {"verify_account": exc}
            # A field of the account that differs from the card is said next to the account.
            raise ValidationError(
                {("verify_account" if key == "account" else key): e for key, e in errors.items()}
            ) from exc
    details = {
        "applicant_name": citizen.get("full_name", ""),
        "applicant_national_id": national_id,
        "applicant_date_of_birth": citizen.get("date_of_birth"),
        "applicant_address": citizen.get("address", ""),
        "applicant_phone": citizen.get("phone") or "",
        "applicant_email": citizen.get("email") or "",
    }
    dossier = dossier_create_draft(
        applicant=applicant,
        procedure=procedure,
        agency=clerk.agency,
        actor=clerk,
        intake_channel=Channel.DIRECT,
        return_channel=return_channel,
        return_address=return_address,
        applicant_details=details,
        note=note,
        competence_commune=competence_commune,
        competence_address=competence_address,
    )
    for component, upload in files:
        dossier_attach_file(dossier=dossier, actor=clerk, upload=upload, component=component)
    return dossier_submit(dossier=dossier, actor=clerk)


# --- reception ---------------------------------------------------------------------------------


def _clean_items(items: Iterable[SupplementItem | dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for item in items:
        name, reason = (
            (item.name, item.reason)
            if isinstance(item, SupplementItem)
            else (item.get("name", ""), item.get("reason", ""))
        )
        if name.strip() and reason.strip():
            cleaned.append({"name": name.strip(), "reason": reason.strip()})
        elif name.strip() or reason.strip():
            raise DossierError(
                _("Mỗi nội dung cần bổ sung phải có tên giấy tờ và lý do."), field="items"
            )
    if not cleaned:
        raise DossierError(_("Liệt kê ít nhất một nội dung cần bổ sung, kèm lý do."), field="items")
    return cleaned


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    items: Iterable[SupplementItem | dict[str, str]],
    note: str = "",
) -> Dossier:
    """One request at reception listing every missing item with its reason (form 02)."""
    cleaned = _clean_items(items)

    def before(locked: Dossier) -> None:
        if locked.supplement_requests.filter(stage=SupplementStage.RECEPTION).exists():
            raise DossierError(
                _(
                    "Hồ sơ này đã được yêu cầu bổ sung một lần khi tiếp nhận; theo quy định chỉ "
                    "yêu cầu một lần. Hãy tiếp nhận hoặc từ chối tiếp nhận hồ sơ."
                )
            )
        now = _now()
        # The version's own wait (docs/legal.md#closure-of-an-unsupplemented-dossier).
        locked.supplement_deadline = engine.add_working_time(
            _calendar(locked), now, locked.version.supplement_wait_hours
        ).due_at

    def after(locked: Dossier) -> dict[str, Any]:
        try:
            with transaction.atomic():
                request = SupplementRequest.objects.create(
                    dossier=locked,
                    stage=SupplementStage.RECEPTION,
                    items=cleaned,
                    note=note,
                    requested_by=actor,
                    requested_at=_now(),
                )
        except IntegrityError as exc:
            raise TransitionConflict() from exc
        return {"supplement_request": request.pk, "items": cleaned}

    return _run(
        dossier, action="request_supplement", actor=actor, note=note, before=before, after=after
    )


@transaction.atomic
def dossier_resubmit(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    def before(locked: Dossier) -> None:
        if not locked.files.filter(is_supplement=True).exists():
            raise DossierError(_("Hãy tải lên giấy tờ bổ sung trước khi gửi lại hồ sơ."))
        locked.supplement_deadline = None
        locked.supplement_requests.filter(answered_at__isnull=True).update(answered_at=_now())

    return _run(dossier, action="resubmit", actor=actor, note=note, before=before)


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise DossierError(_("Cần ghi rõ lý do."), field="reason")
    return reason.strip()


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    reason = _require_reason(reason)

    def before(locked: Dossier) -> None:
        locked.closed_reason = reason

    return _run(dossier, action="refuse", actor=actor, note=reason, before=before)


def _resolve_step_agency(
    dossier: Dossier, step_agency: Agency | None, order: int, *, last: bool = False
) -> Agency:
    """Who holds a step of the process (docs/legal.md#which-agency-holds-a-step).

    A step with an agency of its own is that agency's. One without: the first (reception)
    and, in a process of several steps, the last (the return of the result) are the
    receiving one-stop section's (docs/legal.md#return-at-the-communes-one-stop-section);
    the steps between are the competent agency's: the commune named by the procedure's rule
    when the dossier was received regardless of boundaries, else a commune centre's People's
    Committee, else the receiving agency itself.
    """
    if step_agency is not None:
        return step_agency
    receiving = dossier.agency
    if order == 1 or last:
        return receiving
    if dossier.competent_agency_id is not None:
        return dossier.competent_agency  # type: ignore[return-value]
    if receiving.kind == AgencyKind.COMMUNE_CENTRE and receiving.parent_id:
        return receiving.parent  # type: ignore[return-value]
    return receiving


def _handling_agency(dossier: Dossier, steps: Sequence[DossierStep]) -> Agency:
    """The agency that settles the dossier, whose e-ID its code carries: the one the
    procedure's rule chose, else the first step held by an agency other than the receiving
    one-stop section, else the receiving agency (docs/legal.md#dossier-code)."""
    if dossier.competent_agency_id is not None:
        return dossier.competent_agency  # type: ignore[return-value]
    for step in steps:
        if step.agency_id != dossier.agency_id and step.agency.kind not in ONE_STOP_KINDS:
            return step.agency
    return dossier.agency


def _paper_hand_over(dossier: Dossier, now: datetime.datetime) -> None:
    """A dossier received for another commune's agency: the electronic dossier is that
    agency's at once (its steps), the paper one is due there one working day after reception
    (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    competent = dossier.competent_agency
    if not dossier.procedure.boundary_free or competent is None:
        return
    receiving = dossier.agency
    if competent.pk in (receiving.pk, receiving.parent_id):
        return
    usual = dossier.procedure.agencies.filter(pk=receiving.pk).exists()
    if usual and dossier.competence_commune_id is None:
        return  # received where the catalogue lists it, for its usual agency: no crossing
    PaperHandOver.objects.update_or_create(
        dossier=dossier,
        defaults={
            "from_agency": receiving,
            "to_agency": competent,
            "due_at": engine.add_working_time(
                _calendar(dossier), now, HOURS_PER_WORKING_DAY
            ).due_at,
            "handed_at": None,
            "handed_by": None,
        },
    )


FEE_NOT_OF_VERSION = _("Khoản phí, lệ phí đã chọn không thuộc thủ tục của hồ sơ này.")


def chosen_fee_lines(
    lines: Sequence[Fee], choices: Sequence[FeeChoice] | None
) -> list[tuple[Fee, int]]:
    """The lines of the version's schedule that apply, with their quantities.

    No choice: every line always charged, the default of each group of alternatives, no
    line on request. A choice names lines of the version: a line always charged that it
    leaves out is still charged once; a group it leaves out takes its default; a line on
    request is charged only when chosen with a quantity above 0. Refused, with a message
    for the clerk: a line of another procedure version, two lines of one group, a negative
    (or too large) quantity, an always-charged line or an alternative with quantity 0.
    """
    by_pk = {line.pk: line for line in lines}
    quantities: dict[int, int] = {}
    for choice in choices or ():
        line = by_pk.get(choice.fee_id)
        if line is None:
            raise DossierError(FEE_NOT_OF_VERSION, field="fees")
        try:
            quantity = int(choice.quantity)
        except (TypeError, ValueError):
            quantity = -1
        if quantity < 0:
            raise DossierError(
                _("Số lượng của khoản “%(name)s” phải là số nguyên không âm.")
                % {"name": line.name},
                field="fees",
            )
        if quantity > MAX_FEE_QUANTITY:
            raise DossierError(
                _("Số lượng của khoản “%(name)s” tối đa là %(max)s.")
                % {"name": line.name, "max": MAX_FEE_QUANTITY},
                field="fees",
            )
        if quantity == 0 and line.kind != FeeKind.OPTIONAL:
            raise DossierError(
                _("Khoản “%(name)s” phải thu ít nhất một lần.") % {"name": line.name},
                field="fees",
            )
        if line.pk in quantities:
            raise DossierError(
                _("Khoản “%(name)s” được chọn hai lần.") % {"name": line.name}, field="fees"
            )
        quantities[line.pk] = quantity
    chosen_groups: dict[str, Fee] = {}
    for pk in quantities:
        line = by_pk[pk]
        if line.kind != FeeKind.ALTERNATIVE:
            continue
        other = chosen_groups.get(line.group)
        if other is not None:
            raise DossierError(
                _(
                    "Chỉ áp dụng một mức trong nhóm “%(group)s”: đã chọn cả “%(first)s” "
                    "và “%(second)s”."
                )
                % {"group": line.group, "first": other.name, "second": line.name},
                field="fees",
            )
        chosen_groups[line.group] = line
    applied: list[tuple[Fee, int]] = []
    for line in lines:
        if line.kind == FeeKind.ALWAYS:
            applied.append((line, quantities.get(line.pk, 1)))
        elif line.kind == FeeKind.ALTERNATIVE:
            chosen = chosen_groups.get(line.group)
            if (chosen is None and line.is_default) or chosen is line:
                applied.append((line, quantities.get(line.pk, 1)))
        elif quantities.get(line.pk):
            applied.append((line, quantities[line.pk]))
    return applied


def _fees_paid(dossier: Dossier, purpose: str) -> int:
    paid = dossier.payments.filter(purpose=purpose).aggregate(total=Sum("amount"))["total"]
    return int(paid or 0)


def fees_outstanding(dossier: Dossier) -> int:
    """What remains to pay of the fees chosen at reception."""
    return max(dossier.fee_total - _fees_paid(dossier, PaymentPurpose.FEES), 0)


def _payment_status(dossier: Dossier) -> str:
    """Paid only when payments cover the fees and every financial obligation asked."""
    if not dossier.fee_total and not dossier.obligation_amount:
        return PaymentStatus.NOT_REQUIRED
    if fees_outstanding(dossier) or dossier.obligation_amount > _fees_paid(
        dossier, PaymentPurpose.OBLIGATION
    ):
        return PaymentStatus.UNPAID
    return PaymentStatus.PAID


def _apply_fee_lines(locked: Dossier, choices: Sequence[FeeChoice] | None) -> list[DossierFee]:
    lines = list(Fee.objects.filter(version_id=locked.version_id).order_by("id"))
    applied = chosen_fee_lines(lines, choices)
    locked.fee_lines.all().delete()
    rows = DossierFee.objects.bulk_create(
        [
            DossierFee(
                dossier=locked,
                fee=line,
                name=line.name,
                amount=line.amount,
                quantity=quantity,
                unit=line.unit,
            )
            for line, quantity in applied
        ]
    )
    locked.fee_total = sum(row.total for row in rows)
    locked.payment_status = _payment_status(locked)
    return rows


def _clean_receipt(receipt_number: str) -> str:
    cleaned = " ".join((receipt_number or "").split())
    if not cleaned:
        raise DossierError(
            _("Cần số biên lai (hoặc số chứng từ) của khoản đã nộp."), field="receipt_number"
        )
    if len(cleaned) > 40:
        raise DossierError(_("Số biên lai tối đa 40 ký tự."), field="receipt_number")
    return cleaned


def _record(
    locked: Dossier, *, purpose: str, amount: int, receipt_number: str, actor: User, note: str
) -> Payment:
    now = _now()
    year = timezone.localtime(now).year
    try:
        with transaction.atomic():
            return Payment.objects.create(
                dossier=locked,
                purpose=purpose,
                amount=amount,
                receipt_number=receipt_number,
                agency_id=locked.agency_id,
                year=year,
                paid_at=now,
                recorded_by=actor,
                note=note,
            )
    except IntegrityError as exc:
        raise DossierError(
            _("Biên lai số %(number)s đã được ghi nhận cho một khoản khác trong năm %(year)s.")
            % {"number": receipt_number, "year": year},
            field="receipt_number",
        ) from exc


def _payment_data(payment: Payment) -> dict[str, Any]:
    return {
        "payment": payment.pk,
        "purpose": payment.purpose,
        "amount": payment.amount,
        "receipt_number": payment.receipt_number,
    }


@transaction.atomic
def dossier_record_payment(
    *, dossier: Dossier, actor: User, receipt_number: str, note: str = ""
) -> Payment:
    """The one-stop clerk records the fees paid at the counter, with the receipt's number.

    The payment covers what remains of the fees chosen at reception; the dossier becomes
    paid when nothing else is owed. A payment is not a transition: it is logged in the
    history with the state unchanged.
    """
    receipt_number = _clean_receipt(receipt_number)
    note = (note or "").strip()
    locked = _locked(dossier)
    if not perms.can_receive(locked, actor):
        if not Dossier.objects.for_user(actor).filter(pk=locked.pk).exists():
            raise DossierNotFound()
        raise DossierError(_("Chỉ cán bộ một cửa của nơi tiếp nhận ghi nhận nộp phí, lệ phí."))
    if locked.received_at is None:
        raise TransitionConflict(
            _("Hồ sơ chưa được tiếp nhận: phí, lệ phí được xác định khi tiếp nhận hồ sơ.")
        )
    amount = fees_outstanding(locked)
    if amount <= 0:
        raise TransitionConflict(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
    payment = _record(
        locked,
        purpose=PaymentPurpose.FEES,
        amount=amount,
        receipt_number=receipt_number,
        actor=actor,
        note=note,
    )
    locked.payment_status = _payment_status(locked)
    locked.save(update_fields=["payment_status"])
    _log(
        locked,
        action="record_payment",
        from_state=locked.state,
        actor=actor,
        note=note,
        data=_payment_data(payment),
    )
    dossier.payment_status = locked.payment_status
    return payment


@transaction.atomic
def dossier_receive(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    fees: Sequence[FeeChoice] | None = None,
) -> Dossier:
    """The clock starts: due moment from the deadline engine, its explanation stored.

    The fee lines that apply are chosen now (``fees``; the defaults when None) and stored
    on the dossier as they are in the catalogue today.

    The dossier gets its code now: the e-ID of the agency that settles it and the day of
    receipt (docs/legal.md#dossier-code); the event keeps the submission reference it had.
    """
    received: dict[str, Any] = {}

    def before(locked: Dossier) -> None:
        _apply_fee_lines(locked, fees)
        now = _now()
        version = locked.version
        result = engine.compute_due(
            _calendar(locked),
            received_at=now,
            hours=version.limit_hours_for(online=locked.intake_channel == Channel.ONLINE),
            calendar_days=version.calendar_days_for(online=locked.intake_channel == Channel.ONLINE),
            same_day=version.same_day,
            cutoff=version.cutoff if version.same_day else None,
        )
        locked.received_at = now
        locked.clock_started_at = result.start_at
        locked.due_at = locked.original_due_at = result.due_at
        locked.deadline_explanation = result.explanation.to_json()
        locked.steps.all().delete()
        process = list(version.steps.select_related("agency", "department").order_by("order"))
        steps = [
            DossierStep(
                dossier=locked,
                order=index,
                name=step.name,
                agency=_resolve_step_agency(
                    locked, step.agency, index, last=len(process) > 1 and index == len(process)
                ),
                department=step.department,
                budget_hours=step.budget_hours,
            )
            for index, step in enumerate(process, start=1)
        ] or [
            DossierStep(
                dossier=locked,
                order=1,
                name=_("Thẩm định, giải quyết hồ sơ"),
                agency=_resolve_step_agency(locked, None, 2),
                budget_hours=version.limit_hours_for(online=locked.is_online),
            )
        ]
        DossierStep.objects.bulk_create(steps)
        # The code: the e-ID of the agency that settles the dossier and the day of receipt,
        # from that agency's daily counter (docs/legal.md#dossier-code).
        handling = _handling_agency(locked, steps)
        locked.competent_agency = handling
        received["submission_reference"] = locked.code or ""
        locked.code = next_code(agency=handling, day=timezone.localdate(now))
        _paper_hand_over(locked, now)
        first = locked.steps.order_by("order").first()
        if first is not None and first.agency_id == locked.agency_id and len(steps) > 1:
            # Reception itself is the one-stop section's first step.
            _start_step(locked, first, now, actor)
        else:
            locked.current_step = None

    return _run(
        dossier,
        action="receive",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: {**received, "code": _d.code},
    )


def _start_step(
    dossier: Dossier, step: DossierStep, at: datetime.datetime, actor: User | None = None
) -> None:
    """``actor``: who does the step's work from its first moment (the clerk who receives);
    otherwise it is credited to whoever acts in it (``_credit``, ``_finish_step``)."""
    step.state = StepState.ACTIVE
    step.started_at = at
    step.due_at = engine.add_working_time(_calendar(dossier), at, step.budget_hours).due_at
    step.handled_by = actor
    step.save(update_fields=["state", "started_at", "due_at", "handled_by"])
    dossier.current_step = step
    dossier.assignee = None


def _credit(dossier: Dossier, actor: User) -> None:
    """The current step's work was done by ``actor`` (the specialist who proposes): the step
    table and form 06 name them, whoever hands the dossier on afterwards."""
    step = dossier.current_step
    if step is not None and step.handled_by_id != actor.pk:
        step.handled_by = actor
        step.save(update_fields=["handled_by"])


def _finish_step(dossier: Dossier, at: datetime.datetime, actor: User | None) -> DossierStep | None:
    """Marks the current step done, credited to whoever did its work, else to ``actor``."""
    step = dossier.current_step
    if step is None:
        return None
    step.state = StepState.DONE
    step.finished_at = at
    step.handled_by = step.handled_by or actor
    step.save(update_fields=["state", "finished_at", "handled_by"])
    return step


def _return_step(dossier: Dossier) -> DossierStep | None:
    """The process's last step when it is the receiving one-stop section's (returning the
    result, collecting the fee): it starts when the head approves and ends at the return."""
    last = dossier.steps.order_by("-order").first()
    current_order = dossier.current_step.order if dossier.current_step else 0
    if last is None or last.order <= current_order or last.agency_id != dossier.agency_id:
        return None
    return last


def _close_appraisal(dossier: Dossier, at: datetime.datetime, head: User) -> None:
    """At approval: the step holding the dossier is done, so are the steps left before the
    return (the head's signature, if the head decided from the specialist's step), and the
    return step, if the process has one, starts for the one-stop section."""
    returning = _return_step(dossier)
    current_order = dossier.current_step.order if dossier.current_step else 0
    _finish_step(dossier, at, head)
    skipped = dossier.steps.filter(
        order__gt=current_order, order__lt=returning.order if returning else 32767
    ).exclude(state=StepState.DONE)
    skipped.update(
        state=StepState.DONE,
        started_at=Coalesce(F("started_at"), Value(at)),
        finished_at=at,
        handled_by=head,
    )
    if returning is not None:
        _start_step(dossier, returning, at)


@transaction.atomic
def dossier_hand_over(
    *, dossier: Dossier, actor: User, note: str = "", assignee: User | None = None
) -> Dossier:
    """Hands the dossier to the next step of the internal process (logged for form 06)."""
    handed: dict[str, Any] = {}

    def before(locked: Dossier) -> None:
        now = _now()
        step = locked.next_step()
        if step is None:
            raise TransitionConflict(_("Hồ sơ đã ở bước cuối của quy trình."))
        finished = _finish_step(locked, now, actor)
        handed.update(
            {
                "from_step": finished.pk if finished else None,
                "from_late": bool(finished and finished.is_late),
                "to_step": step.pk,
            }
        )
        _start_step(locked, step, now)
        dossier_handed_over.send(sender=Dossier, dossier=locked)
        if assignee is not None:
            if not selectors_staff.assignable(step).filter(pk=assignee.pk).exists():
                raise DossierError(
                    _("Người được giao không thuộc đơn vị xử lý bước này."), field="assignee"
                )
            locked.assignee = assignee

    return _run(
        dossier, action="hand_over", actor=actor, note=note, before=before, after=lambda _d: handed
    )


# --- appraisal -------------------------------------------------------------------------------


def _pause(locked: Dossier, reason: str, actor: User) -> None:
    now = _now()
    locked.paused_at = now
    ClockPause.objects.create(dossier=locked, reason=reason, started_at=now, started_by=actor)


def _resume(locked: Dossier, actor: User) -> dict[str, Any]:
    now = _now()
    pause = locked.pauses.filter(ended_at__isnull=True).first()
    locked.paused_at = None
    if pause is None or locked.due_at is None:
        return {}
    pause.ended_at = now
    pause.ended_by = actor
    pause.save(update_fields=["ended_at", "ended_by"])
    calendar = _calendar(locked)
    result = engine.extend_by_pause(calendar, locked.due_at, pause.started_at, now)
    locked.due_at = result.due_at
    dossier_deadline_moved.send(sender=Dossier, dossier=locked)
    locked.deadline_explanation = [*locked.deadline_explanation, *result.explanation.to_json()]
    step = locked.current_step
    if step is not None and step.due_at is not None:
        step.due_at = engine.extend_by_pause(calendar, step.due_at, pause.started_at, now).due_at
        step.save(update_fields=["due_at"])
    return {"paused_from": pause.started_at.isoformat(), "new_due_at": result.due_at.isoformat()}


@transaction.atomic
def dossier_request_appraisal_supplement(
    *,
    dossier: Dossier,
    actor: User,
    items: Iterable[SupplementItem | dict[str, str]],
    note: str = "",
) -> Dossier:
    cleaned = _clean_items(items)
    created: dict[str, int] = {}

    def before(locked: Dossier) -> None:
        _pause(locked, PauseReason.SUPPLEMENT, actor)
        created["supplement_request"] = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementStage.APPRAISAL,
            items=cleaned,
            note=note,
            requested_by=actor,
            requested_at=_now(),
        ).pk

    return _run(
        dossier,
        action="request_appraisal_supplement",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: {**created, "items": cleaned},
    )


@transaction.atomic
def dossier_provide_supplement(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    def before(locked: Dossier) -> None:
        if not locked.files.filter(
            is_supplement=True, uploaded_at__gte=locked.paused_at or _now()
        ).exists():
            raise DossierError(_("Hãy tải lên giấy tờ bổ sung trước khi gửi lại hồ sơ."))
        locked.supplement_requests.filter(answered_at__isnull=True).update(answered_at=_now())
        # Resumed before the save, so the moved due moment and the cleared pause are stored.
        resumed.update(_resume(locked, actor))

    resumed: dict[str, Any] = {}
    return _run(
        dossier,
        action="provide_supplement",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: resumed,
    )


@transaction.atomic
def dossier_request_payment(
    *, dossier: Dossier, actor: User, amount: int, note: str = ""
) -> Dossier:
    if amount is None or int(amount) <= 0:
        raise DossierError(_("Số tiền nghĩa vụ tài chính phải lớn hơn 0."), field="amount")

    def before(locked: Dossier) -> None:
        # Every obligation asked adds up: each is paid and confirmed with its receipt.
        locked.obligation_amount += int(amount)
        locked.payment_status = PaymentStatus.UNPAID
        _pause(locked, PauseReason.PAYMENT, actor)

    return _run(
        dossier,
        action="request_payment",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: {"amount": int(amount)},
    )


@transaction.atomic
def dossier_confirm_payment(
    *, dossier: Dossier, actor: User, receipt_number: str = "", note: str = ""
) -> Dossier:
    """The financial obligation was paid: recorded with the number of its receipt (or tax
    payment document), then the clock runs again. No receipt number, no confirmation."""
    receipt_number = _clean_receipt(receipt_number)

    def before(locked: Dossier) -> None:
        owed = locked.obligation_amount - _fees_paid(locked, PaymentPurpose.OBLIGATION)
        if owed > 0:
            payment = _record(
                locked,
                purpose=PaymentPurpose.OBLIGATION,
                amount=owed,
                receipt_number=receipt_number,
                actor=actor,
                note=note,
            )
            resumed.update(_payment_data(payment))
        locked.payment_status = _payment_status(locked)
        resumed.update(_resume(locked, actor))

    resumed: dict[str, Any] = {}
    return _run(
        dossier,
        action="confirm_payment",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: resumed,
    )


@transaction.atomic
def dossier_propose(
    *, dossier: Dossier, actor: User, decision: str, reason: str = "", result_file: Any = None
) -> Dossier:
    """The specialist's proposal for the head: a grant comes with its result document (the
    head approves what will be handed to the citizen), a denial with its reason (form 03's
    wording is the head's, the reason the specialist's)."""
    if decision not in Decision.values:
        raise DossierError(_("Chọn đề xuất: giải quyết hoặc từ chối."), field="decision")
    reason = (reason or "").strip()
    if decision == Decision.DENIED and not reason:
        raise DossierError(_("Từ chối giải quyết cần ghi rõ lý do."), field="reason")
    if decision == Decision.GRANTED and result_file is None:
        raise DossierError(_("Hãy tải lên văn bản kết quả giải quyết."), field="result_file")
    if result_file is not None:
        check_upload(result_file)

    def before(locked: Dossier) -> None:
        locked.proposed_decision = decision
        locked.proposed_by = actor
        locked.decision_reason = reason
        if result_file is not None:
            locked.result_file = result_file
        _credit(locked, actor)

    return _run(
        dossier,
        action="propose",
        actor=actor,
        note=reason,
        before=before,
        after=lambda _d: {"decision": decision},
    )


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    reason = _require_reason(reason)

    def before(locked: Dossier) -> None:
        locked.proposed_decision = ""
        locked.proposed_by = None

    return _run(dossier, action="send_back", actor=actor, note=reason, before=before)


@transaction.atomic
def dossier_approve(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    def before(locked: Dossier) -> None:
        if locked.proposed_decision == Decision.GRANTED and not locked.result_file:
            # A proposal made before the rule was the service's (see dossier_propose).
            raise DossierError(
                _("Đề xuất giải quyết chưa có văn bản kết quả: trả lại để chuyên viên bổ sung.")
            )
        now = _now()
        locked.decision = locked.proposed_decision
        locked.decided_at = now
        if locked.clock_started_at is not None:
            worked = engine.working_time_between(calendar_for(None), locked.clock_started_at, now)
            locked.decided_working_seconds = max(int(worked.total_seconds()), 0)
        _close_appraisal(locked, now, actor)

    return _run(
        dossier,
        action="approve",
        actor=actor,
        note=note,
        before=before,
        after=lambda d: {"decision": d.decision},
    )


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    reason = _require_reason(reason)

    def before(locked: Dossier) -> None:
        # The stop issues form 05 in the stopper's name: one whose staff record does not say
        # in what name they sign cannot issue it (accounts.signing; docs/legal.md, "Who
        # signs"). Asked after check_allowed, so who may not stop still hears 404 / 409.
        signing.signature_block(actor)
        locked.closed_reason = reason
        _finish_step(locked, _now(), actor)

    return _run(dossier, action="stop", actor=actor, note=reason, before=before)


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor: User, reason: str = "") -> Dossier:
    def before(locked: Dossier) -> None:
        locked.closed_reason = reason or _("Công dân rút hồ sơ.")
        _finish_step(locked, _now(), None)

    return _run(dossier, action="withdraw", actor=actor, note=reason, before=before)


@transaction.atomic
def dossier_return(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    def before(locked: Dossier) -> None:
        # Returning the result never marks the fees paid: only a payment record does.
        locked.returned_at = _now()
        _finish_step(locked, locked.returned_at, actor)

    return _run(dossier, action="return_result", actor=actor, note=note, before=before)


@transaction.atomic
def dossier_record_paper_hand_over(
    *, dossier: Dossier, actor: User, note: str = ""
) -> PaperHandOver:
    """The receiving clerk records that the paper dossier went to the competent agency
    (docs/legal.md#receipt-regardless-of-administrative-boundaries). Not a transition: it is
    logged in the history with the state unchanged, late or not against its due moment."""
    locked = _locked(dossier)
    if not perms.can_receive(locked, actor):
        if not Dossier.objects.for_user(actor).filter(pk=locked.pk).exists():
            raise DossierNotFound()
        raise DossierError(
            _("Chỉ cán bộ một cửa của nơi tiếp nhận ghi nhận việc chuyển hồ sơ giấy.")
        )
    hand_over = PaperHandOver.objects.select_for_update().filter(dossier=locked).first()
    if hand_over is None:
        raise TransitionConflict(_("Hồ sơ này không phải chuyển hồ sơ giấy cho cơ quan khác."))
    if hand_over.handed_at is not None:
        raise TransitionConflict(_("Hồ sơ giấy đã được chuyển trước đó."))
    now = _now()
    hand_over.handed_at = now
    hand_over.handed_by = actor
    hand_over.note = (note or "").strip()[:300]
    hand_over.save(update_fields=["handed_at", "handed_by", "note"])
    _log(
        locked,
        action="record_paper_hand_over",
        from_state=locked.state,
        actor=actor,
        note=hand_over.note,
        data={
            "to_agency": hand_over.to_agency_id,
            "due_at": hand_over.due_at.isoformat(),
            "late": now > hand_over.due_at,
        },
    )
    return hand_over


def close_unsupplemented(*, now: datetime.datetime | None = None) -> int:
    """Closes dossiers whose reception supplement went unanswered past their own deadline:
    each dossier's ``supplement_deadline``, set at the request from its procedure version's
    wait (docs/legal.md#closure-of-an-unsupplemented-dossier)."""
    now = now or _now()
    closed = 0
    rows = list(
        Dossier.objects.filter(
            state=State.SUPPLEMENT_REQUESTED, supplement_deadline__lt=now
        ).values_list("pk", "version__supplement_wait_days")
    )
    for pk, days in rows:
        with transaction.atomic():
            try:
                _run(
                    Dossier(pk=pk),
                    action="close_unsupplemented",
                    actor=None,
                    note=_("Quá %(days)s ngày làm việc không bổ sung hồ sơ.") % {"days": days},
                    before=lambda d: setattr(
                        d, "closed_reason", _("Không bổ sung hồ sơ trong thời hạn.")
                    ),
                    check_permission=False,
                )
                closed += 1
            except TransitionConflict:
                continue
    return closed


# --- verification and excluded periods ----------------------------------------------------------
# (docs/legal.md#v1-verification-periods-extend-the-deadline,
# docs/legal.md#x1-excluded-periods-pause-the-clock)


def _why_not(dossier: Dossier, action: str) -> str | None:
    """The reason a verb of this section is refused now, in words (None: the usual one)."""
    if dossier.state != State.IN_APPRAISAL:
        return None
    if action == "record_verification" and dossier.verification_recorded_at is not None:
        return _(
            "Hồ sơ này đã được ghi nhận cần xác minh lúc %(at)s; thời gian xác minh chỉ được "
            "cộng một lần."
        ) % {"at": timezone.localtime(dossier.verification_recorded_at).strftime("%H:%M %d/%m/%Y")}
    if action == "record_verification" and not dossier.version.allows_verification:
        return _("Thủ tục này không có quy định cho thêm thời gian để xác minh.")
    if action == "start_excluded_period" and dossier.paused_at is not None:
        return _("Thời hạn của hồ sơ đang tạm dừng; hãy kết thúc khoảng thời gian đang chạy trước.")
    if action == "start_excluded_period":
        return _("Thủ tục này không có thời gian nào được quy định là không tính vào thời hạn.")
    if action == "end_excluded_period":
        return _("Hồ sơ không có khoảng thời gian không tính vào thời hạn nào đang chạy.")
    if action in ("approve", "request_payment", "request_appraisal_supplement") and (
        dossier.paused_at is not None
    ):
        return _(
            "Đang trong thời gian không tính vào thời hạn giải quyết: hãy kết thúc khoảng "
            "thời gian đó trước."
        )
    return None


def _both_languages(label: Any) -> dict[str, str]:
    """A label in Vietnamese and English, for an explanation rendered later in either."""
    from django.utils import translation

    names = {}
    for lang in engine.LANGUAGES:
        with translation.override(lang):
            text = str(label)
        names[lang] = text[:1].lower() + text[1:]
    return names


def _moved_by(
    cal: engine.WorkCalendar, due: datetime.datetime, *, unit: str, amount: int
) -> engine.DueResult:
    """``due`` moved later by an amount in its unit (working hours or days, calendar days)."""
    if unit == LimitUnit.CALENDAR_DAYS:
        return engine.extend_by_calendar_days(cal, due, amount)
    return engine.extend_by_working_time(cal, due, amount_hours(amount, unit))


def _extend_step(
    locked: Dossier,
    cal: engine.WorkCalendar,
    worked: datetime.timedelta,
) -> None:
    """The current step's budget grows by the same working time as the dossier's."""
    step = locked.current_step
    if step is None or step.due_at is None or worked <= datetime.timedelta(0):
        return
    step.due_at = engine.extend_by_working_time(cal, step.due_at, worked).due_at
    step.save(update_fields=["due_at"])


@transaction.atomic
def dossier_record_verification(
    *, dossier: Dossier, actor: User, amount: int, reason: str
) -> Dossier:
    """A specialist or head records that the dossier needs verification: the deadline moves
    by the time the staff need, at most the procedure's allowance, once. No apology, and
    the dossier is measured against the moved deadline (docs/legal.md#v1-verification-periods-extend-the-deadline)."""
    reason = _require_reason(reason)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise DossierError(_("Thời gian xác minh phải là số nguyên lớn hơn 0."), field="amount")
    recorded: dict[str, Any] = {}

    def before(locked: Dossier) -> None:
        version = locked.version
        unit = version.verification_unit
        allowed = version.verification_amount or 0
        if amount > allowed:
            raise DossierError(
                _(
                    "Thủ tục này chỉ cho tối đa %(max)s để xác minh (%(basis)s); không ghi "
                    "nhận %(asked)s."
                )
                % {
                    "max": amount_text(allowed, unit),
                    "basis": version.verification_basis,
                    "asked": amount_text(amount, unit),
                },
                field="amount",
            )
        now = _now()
        if locked.due_at is None or locked.clock_started_at is None:
            raise TransitionConflict()
        if now > locked.due_at:
            raise DossierError(
                _(
                    "Hồ sơ đã quá hạn từ %(at)s: thời gian xác minh phải được ghi nhận trước khi "
                    "hết thời hạn giải quyết."
                )
                % {"at": timezone.localtime(locked.due_at).strftime("%H:%M %d/%m/%Y")}
            )
        cal = _calendar(locked)
        old = locked.due_at
        if version.verification_mode == VerificationMode.TOTAL:
            # The whole limit becomes at most ``amount`` from the start of the clock, plus
            # whatever the deadline has already been moved by (pauses, excluded periods).
            if unit == LimitUnit.CALENDAR_DAYS:
                base = engine.add_calendar_days(cal, locked.clock_started_at, amount).due_at
            else:
                hours = amount_hours(amount, unit)
                base = engine.add_working_time(cal, locked.clock_started_at, hours).due_at
            already = engine.working_time_between(cal, locked.original_due_at or old, old)
            result = engine.extend_by_working_time(cal, base, max(already, datetime.timedelta(0)))
            if result.due_at <= old:
                raise DossierError(
                    _(
                        "Hạn trả hiện tại (%(due)s) đã không sớm hơn thời hạn tối đa khi cần "
                        "xác minh; không cần ghi nhận."
                    )
                    % {"due": timezone.localtime(old).strftime("%H:%M %d/%m/%Y")},
                    field="amount",
                )
        else:
            result = _moved_by(cal, old, unit=unit, amount=amount)
        locked.due_at = result.due_at
        locked.verification_recorded_at = now
        dossier_deadline_moved.send(sender=Dossier, dossier=locked)
        # The scan looks again at the new deadline.
        locked.due_soon_at = None
        step = {
            "kind": "verification",
            "at": now.astimezone(cal.tz).isoformat(),
            "amount": amount,
            "unit": unit,
            "mode": version.verification_mode,
            "basis": version.verification_basis,
            "reason": reason,
        }
        locked.deadline_explanation = [
            *locked.deadline_explanation,
            step,
            *result.explanation.to_json(),
        ]
        _extend_step(locked, cal, engine.working_time_between(cal, old, result.due_at))
        recorded.update(
            {
                "amount": amount,
                "unit": unit,
                "previous_due_at": old.isoformat(),
                "new_due_at": result.due_at.isoformat(),
            }
        )

    return _run(
        dossier,
        action="record_verification",
        actor=actor,
        note=reason,
        before=before,
        after=lambda _d: recorded,
    )


@transaction.atomic
def dossier_start_excluded_period(
    *, dossier: Dossier, actor: User, kind: str, reason: str
) -> Dossier:
    """Time the law does not count starts (a public posting, an on-site inspection …): the
    clock stops, the dossier stays in appraisal (docs/legal.md#x1-excluded-periods-pause-the-clock)."""
    reason = _require_reason(reason)
    started: dict[str, Any] = {}

    def before(locked: Dossier) -> None:
        rule = locked.version.excluded_period_rules.filter(kind=kind).first()
        if rule is None:
            raise DossierError(
                _(
                    "Thủ tục này không quy định loại thời gian “%(kind)s” là không tính vào thời hạn."
                )
                % {"kind": ExclusionKind(kind).label if kind in ExclusionKind.values else kind},
                field="kind",
            )
        now = _now()
        locked.paused_at = now
        ClockPause.objects.create(
            dossier=locked,
            reason=PauseReason.EXCLUDED,
            started_at=now,
            started_by=actor,
            kind=rule.kind,
            note=reason,
            basis=rule.legal_basis,
            max_amount=rule.max_amount,
            max_unit=rule.max_unit,
        )
        locked.deadline_explanation = [
            *locked.deadline_explanation,
            {
                "kind": "excluded_start",
                "from": now.astimezone(_calendar(locked).tz).isoformat(),
                "name": _both_languages(ExclusionKind(rule.kind).label),
                "reason": reason,
                "basis": rule.legal_basis,
                "max_amount": rule.max_amount,
                "max_unit": rule.max_unit,
            },
        ]
        started.update(
            {"kind": rule.kind, "max_amount": rule.max_amount, "max_unit": rule.max_unit}
        )

    return _run(
        dossier,
        action="start_excluded_period",
        actor=actor,
        note=reason,
        before=before,
        after=lambda _d: started,
    )


def excluded_period_limit(cal: engine.WorkCalendar, pause: ClockPause) -> datetime.datetime | None:
    """When the longest length the law allows for a running excluded period is used up."""
    if not pause.max_amount or not pause.max_unit:
        return None
    return _moved_by(cal, pause.started_at, unit=pause.max_unit, amount=pause.max_amount).due_at


@transaction.atomic
def dossier_end_excluded_period(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    """The excluded period ends: the deadline, and the current step's, move by the time it
    took (working time; calendar days for a limit in calendar days), at most the
    procedure's maximum (docs/legal.md#x1-excluded-periods-pause-the-clock)."""
    ended: dict[str, Any] = {}

    def before(locked: Dossier) -> None:
        pause = locked.pauses.filter(ended_at__isnull=True, reason=PauseReason.EXCLUDED).first()
        if pause is None or locked.due_at is None:
            raise TransitionConflict(_why_not(locked, "end_excluded_period"))
        now = _now()
        cal = _calendar(locked)
        limit = excluded_period_limit(cal, pause)
        counted_end = min(now, limit) if limit is not None else now
        capped = counted_end < now
        step: dict[str, Any] = {
            "kind": "excluded",
            "from": pause.started_at.astimezone(cal.tz).isoformat(),
            "to": now.astimezone(cal.tz).isoformat(),
            "name": _both_languages(ExclusionKind(pause.kind).label if pause.kind else ""),
            "capped": capped,
        }
        old = locked.due_at
        if locked.version.limit_unit == LimitUnit.CALENDAR_DAYS:
            days = engine.calendar_days_between(cal, pause.started_at, counted_end)
            result = engine.extend_by_calendar_days(cal, old, days)
            step["days"] = days
        else:
            worked = engine.working_time_between(cal, pause.started_at, counted_end)
            result = engine.extend_by_working_time(cal, old, worked)
            step["seconds"] = int(worked.total_seconds())
        pause.ended_at = now
        pause.ended_by = actor
        pause.save(update_fields=["ended_at", "ended_by"])
        locked.paused_at = None
        locked.due_at = result.due_at
        locked.due_soon_at = None
        dossier_deadline_moved.send(sender=Dossier, dossier=locked)
        locked.deadline_explanation = [
            *locked.deadline_explanation,
            step,
            *result.explanation.to_json(),
        ]
        current = locked.current_step
        if current is not None and current.started_at is not None:
            overlap_from = max(pause.started_at, current.started_at)
            if overlap_from < counted_end:
                _extend_step(
                    locked, cal, engine.working_time_between(cal, overlap_from, counted_end)
                )
        ended.update(
            {
                "kind": pause.kind,
                "paused_from": pause.started_at.isoformat(),
                "capped": capped,
                "previous_due_at": old.isoformat(),
                "new_due_at": result.due_at.isoformat(),
            }
        )

    return _run(
        dossier,
        action="end_excluded_period",
        actor=actor,
        note=note,
        before=before,
        after=lambda _d: ended,
    )
