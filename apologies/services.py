"""Apology letters: draft, render, issue (docs/design.md §7, issue 4 item 2)."""

import datetime
import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles, signing
from accounts.models import User
from agencies.models import Agency, Department
from apologies.models import RENDER_ATTEMPTS, ApologyLetter, LetterState
from core.errors import DossierError, DossierNotFound, TransitionConflict
from core.queue import publish_on_commit
from dossiers import notifications
from dossiers.models import CLOCK_STATES, NATIONAL_STATUS, PAUSED_STATES, Dossier, DossierEvent
from dossiers.uploads import random_pdf_name
from workcalendar import engine
from workcalendar.calendars import calendar_for

logger = logging.getLogger(__name__)

# "No later than one working day before the deadline": 8 working hours
# (docs/legal.md#issue-by-and-the-drafting-lead).
ISSUE_BY_HOURS = 8

DEFAULT_REASON = _(
    "Hồ sơ chưa được giải quyết xong trong thời hạn do khối lượng hồ sơ cần thẩm định lớn; "
    "cơ quan đang khẩn trương hoàn thành."
)


def _responsible(dossier: Dossier) -> tuple[Any, Any]:
    """The agency (and department) at fault: the scan's verdict, else the step holding it."""
    if dossier.responsible_agency_id:
        return dossier.responsible_agency, dossier.responsible_department
    step = dossier.current_step
    if step is not None:
        return step.agency, step.department
    return dossier.agency, None


def _letter_dates(dossier: Dossier, agency: Any) -> tuple[datetime.datetime, engine.DueResult]:
    """The letter's issue-by moment and its proposed new return date, from the dossier's
    deadline as it stands."""
    assert dossier.due_at is not None
    # One working day before the deadline, on the calendar the deadline is counted on.
    issue_by = engine.subtract_working_time(
        calendar_for(dossier.agency), dossier.due_at, ISSUE_BY_HOURS
    )
    # The deadline plus the default extension; counted from now instead when that date is
    # already gone (a dossier flagged late, e.g. after the worker was down).
    hours = dossier.version.default_extension_hours
    extension = engine.add_working_time(calendar_for(agency), dossier.due_at, hours)
    if extension.due_at <= timezone.now():
        extension = engine.add_working_time(calendar_for(agency), timezone.now(), hours)
    return issue_by, extension


def letters_follow_deadline(dossier: Dossier) -> int:
    """The dossier's deadline moved later without an apology (a pause ended, verification,
    an excluded period ended): its draft letter, made for the old deadline, now names the new
    one, its issue-by and proposed date counted again, and its draft PDF is rendered anew
    (the scan re-enqueues drafts without one). An issued letter is history and stays.
    Runs in the transaction that moved the deadline (dossiers.signals.dossier_deadline_moved)."""
    drafts = list(
        ApologyLetter.objects.filter(dossier_id=dossier.pk, state=LetterState.DRAFT)
        .select_related("agency")
        .select_for_update()
    )
    assert dossier.due_at is not None
    stale: list[str] = []
    for letter in drafts:
        issue_by, extension = _letter_dates(dossier, letter.agency)
        if letter.draft_pdf.name:
            stale.append(letter.draft_pdf.name)
        letter.original_due_at = dossier.due_at
        letter.issue_by = issue_by
        letter.proposed_due_at = extension.due_at
        letter.extension_explanation = extension.explanation.to_json()
        letter.draft_pdf = ""
        letter.render_attempts = 0
        letter.save(
            update_fields=[
                "original_due_at",
                "issue_by",
                "proposed_due_at",
                "extension_explanation",
                "draft_pdf",
                "render_attempts",
            ]
        )
    if stale:
        storage = ApologyLetter._meta.get_field("draft_pdf").storage  # type: ignore[attr-defined]

        def delete_stale() -> None:
            for name in stale:
                storage.delete(name)

        transaction.on_commit(delete_stale)
    return len(drafts)


def letter_create_draft(*, dossier_id: int) -> ApologyLetter | None:
    """The draft for this dossier's first overdue episode, made once; None if not needed."""
    with transaction.atomic():
        # Locked alone, then read with what it points to: a join read in the locking query
        # would keep the step as it was before a concurrent hand-over (dossiers.services).
        if not list(Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk")):
            return None
        dossier = Dossier.objects.select_related(
            "agency",
            "version",
            "current_step__agency",
            "current_step__department",
            "responsible_agency",
            "responsible_department",
        ).get(pk=dossier_id)
        if dossier is None or dossier.state not in CLOCK_STATES or dossier.extension_count > 0:
            return None
        # Drafted within the lead (the scan's window flag) or once overdue; a short limit or
        # a same-day procedure only once overdue (docs/legal.md#issue-by-and-the-drafting-lead).
        if dossier.apology_window_at is None and dossier.overdue_since is None:
            return None
        existing = ApologyLetter.objects.filter(dossier=dossier, episode=0).first()
        if existing is not None:
            if dossier.apology_drafted_at is None:
                Dossier.objects.filter(pk=dossier.pk).update(apology_drafted_at=existing.created_at)
            if existing.state == LetterState.DRAFT:
                return _auto_issue_if_late(existing, dossier)
            return existing
        agency, department = _responsible(dossier)
        assert dossier.received_at is not None
        issue_by, extension = _letter_dates(dossier, agency)
        try:
            with transaction.atomic():
                letter = ApologyLetter.objects.create(
                    dossier=dossier,
                    episode=0,
                    agency=agency,
                    department=department,
                    addressee=dossier.applicant_name,
                    applicant_national_id=dossier.applicant_national_id,
                    received_at=dossier.received_at,
                    original_due_at=dossier.due_at,
                    proposed_due_at=extension.due_at,
                    reason=str(DEFAULT_REASON),
                    extension_explanation=extension.explanation.to_json(),
                    issue_by=issue_by,
                )
        except IntegrityError:
            return ApologyLetter.objects.get(dossier=dossier, episode=0)
        Dossier.objects.filter(pk=dossier.pk).update(apology_drafted_at=timezone.now())
        letter = _auto_issue_if_late(letter, dossier)
    return letter


def _auto_issue_if_late(letter: ApologyLetter, dossier: Dossier) -> ApologyLetter:
    """An agency that issues automatically does so once the dossier is overdue, never while
    it is within time: issuing spends the dossier's one extension
    (docs/legal.md#automatic-issue-only-when-late). The proposed date is counted again from
    now when it has gone by (the worker was down); refused, the draft waits for the head."""
    now = timezone.now()
    late = dossier.overdue_since is not None and dossier.due_at is not None and dossier.due_at < now
    if not (letter.agency.auto_issue_apology and late and dossier.extension_count == 0):
        return letter
    proposed = None
    if letter.proposed_due_at <= now:
        hours = dossier.version.default_extension_hours
        proposed = engine.add_working_time(calendar_for(letter.agency), now, hours).due_at
    try:
        with transaction.atomic():
            return letter_issue(letter=letter, actor=None, proposed_due_at=proposed)
    except DossierError as exc:
        logger.warning(
            "Apology letter %s (dossier %s) not issued automatically: %s",
            letter.pk,
            dossier.code,
            exc.message,
        )
        return letter


def letter_render(*, letter_id: int, final: bool) -> ApologyLetter | None:
    """Renders the letter's PDF and stores it; rendering happens outside any transaction so a
    failure half-way stores nothing."""
    from apologies.documents import render_letter

    letter = ApologyLetter.objects.select_related("dossier__procedure", "agency", "department").get(
        pk=letter_id
    )
    if final and letter.state != LetterState.ISSUED:
        return None
    if not final and (letter.state != LetterState.DRAFT or letter.draft_pdf):
        return letter
    if final and letter.pdf:
        return letter
    # Counted in its own statement, committed before the render: a worker killed mid-render
    # cannot roll it back.
    begun = ApologyLetter.objects.filter(pk=letter.pk, render_attempts__lt=RENDER_ATTEMPTS).update(
        render_attempts=F("render_attempts") + 1
    )
    if not begun:
        logger.error(
            "Apology letter %s (dossier %s): %s renders begun without a stored PDF; "
            "not tried again until the letter is edited or issued",
            letter.pk,
            letter.dossier.code,
            RENDER_ATTEMPTS,
        )
        return None
    _html, pdf = render_letter(letter)
    _fault_hook("rendered", letter)
    stored = None
    try:
        with transaction.atomic():
            locked = ApologyLetter.objects.select_for_update().get(pk=letter.pk)
            target = locked.pdf if final else locked.draft_pdf
            if target:
                return locked
            target.save(random_pdf_name(), ContentFile(pdf), save=False)
            stored = target
            _fault_hook("stored", letter)
            locked.save(update_fields=["pdf" if final else "draft_pdf"])
    except BaseException:
        # The row was rolled back: the file it would have pointed to goes too (the retry
        # stores its own), so a failure leaves no orphan PDF behind.
        if stored is not None:
            stored.delete(save=False)
        raise
    return locked


def _fault_hook(stage: str, letter: ApologyLetter) -> None:
    """Fault injection for tests/apologies/test_exactly_once.py, which runs a real worker
    with tests.settings. Only those settings define the two paths; elsewhere this does nothing.

    - "rendered" (PDF in memory, nothing stored): wait while APOLOGY_RENDER_HOLD_FILE
      exists, so the test can kill the worker mid-render;
    - "stored" (file written, row not yet saved): fail once if APOLOGY_RENDER_FAIL_ONCE_FILE
      exists (the file is removed, so the retry succeeds).
    """
    if stage == "rendered":
        hold = getattr(settings, "APOLOGY_RENDER_HOLD_FILE", "")
        if hold and os.path.exists(hold):
            logger.info("Apology letter %s rendered, held while %s exists", letter.pk, hold)
            while os.path.exists(hold):
                time.sleep(0.05)
    elif stage == "stored":
        fail = getattr(settings, "APOLOGY_RENDER_FAIL_ONCE_FILE", "")
        if fail:
            try:
                os.remove(fail)
            except FileNotFoundError:
                return
            raise OSError(f"Injected fault after storing the PDF of apology letter {letter.pk}")


def can_sign(letter: ApologyLetter, user: User) -> bool:
    """The head of the agency at fault (of its department, when the letter names one)."""
    if not (user.is_active and roles.may_sign_letters(user) and user.agency_id == letter.agency_id):
        return False
    return letter.department_id is None or user.department_id in (None, letter.department_id)


def issuing_block(letter: ApologyLetter, actor: User | None) -> signing.SignatureBlock:
    """The signature block the letter is issued under (Decree 30/2020 art. 13, Annex I
    II.7; docs/legal.md, "Who signs"): the signer's own, from their staff record, e.g.
    "TL. GIÁM ĐỐC" / "TRƯỞNG PHÒNG …" for a department head. A head whose record does not
    say in what name they sign cannot issue (signing.NoSigningTitle): printing them under
    the agency head's title would be a signature in a name that is not theirs.

    An automatic issue (the agency's setting, no person signs) carries the agency head's
    title and no name: the head answers for every document the agency issues (art. 13(5)).
    Not verified: that a letter with no personal signature satisfies Decree 118/2025; the
    agency that turns automatic issue on takes that on."""
    if actor is not None:
        return signing.signature_block(actor)
    title = letter.agency.head_title or "Thủ trưởng cơ quan"
    return signing.SignatureBlock(
        lines=(signing.authority_lines(signing_title=title, signs_as=signing.SignsAs.OWN)), name=""
    )


@transaction.atomic
def letter_update(
    *, letter: ApologyLetter, actor: User, reason: str, proposed_due_at: datetime.datetime
) -> ApologyLetter:
    locked = ApologyLetter.objects.select_for_update().get(pk=letter.pk)
    if not can_sign(locked, actor):
        raise DossierNotFound()
    if locked.state != LetterState.DRAFT:
        raise TransitionConflict(_("Phiếu đã ban hành hoặc đã hủy; không thể sửa."))
    _validate(locked, reason, proposed_due_at)
    locked.reason = reason.strip()
    locked.proposed_due_at = proposed_due_at
    locked.draft_pdf = ""
    locked.render_attempts = 0  # the edit may be what lets it render
    locked.save(update_fields=["reason", "proposed_due_at", "draft_pdf", "render_attempts"])
    from apologies.tasks import render_letter_pdf

    publish_on_commit(render_letter_pdf, (locked.pk, False))
    return locked


def _validate(letter: ApologyLetter, reason: str, proposed_due_at: datetime.datetime) -> None:
    if not (reason or "").strip():
        raise DossierError(_("Cần nêu lý do quá hạn."), field="reason")
    if proposed_due_at <= letter.original_due_at:
        raise DossierError(
            _("Ngày hẹn trả mới phải sau ngày hẹn trả ban đầu."), field="proposed_due_at"
        )
    if proposed_due_at <= timezone.now():
        raise DossierError(
            _("Ngày hẹn trả mới phải sau thời điểm hiện tại."), field="proposed_due_at"
        )
    # The citizen is asked to come back then: a moment the agency is open (docs/legal.md,
    # "The new return date"), not a weekend, a holiday or 03:00 on a working day.
    if not calendar_for(letter.agency).is_working_moment(proposed_due_at):
        raise DossierError(
            _("Ngày hẹn trả mới phải rơi vào giờ làm việc."), field="proposed_due_at"
        )


def issued_without_pdf(*, older_than: datetime.timedelta, limit: int = 500) -> list[int]:
    """Issued letters whose final PDF is still missing after ``older_than`` (the sweeper's
    list): the render was lost with the broker or is between retries. Letters given up on
    (RENDER_ATTEMPTS failed renders) wait for a person instead."""
    cutoff = timezone.now() - older_than
    return list(
        ApologyLetter.objects.filter(
            state=LetterState.ISSUED,
            pdf="",
            issued_at__lt=cutoff,
            render_attempts__lt=RENDER_ATTEMPTS,
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def letter_issue(
    *,
    letter: ApologyLetter,
    actor: User | None,
    reason: str | None = None,
    proposed_due_at: datetime.datetime | None = None,
) -> ApologyLetter:
    """Issues the letter: numbered, the deadline extended once, the citizen told."""
    from dossiers.numbering import next_form_number

    # The dossier first, then its letter: the order every dossier action takes (settling a
    # dossier cancels its draft under the dossier's lock), so the two never deadlock.
    dossier_id = ApologyLetter.objects.filter(pk=letter.pk).values_list("dossier_id", flat=True)
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id[:1].get())
    locked = ApologyLetter.objects.select_for_update().get(pk=letter.pk)
    if actor is not None and not can_sign(locked, actor):
        raise DossierNotFound()
    if locked.state != LetterState.DRAFT:
        raise TransitionConflict(_("Phiếu đã được ban hành hoặc đã hủy."))
    if dossier.extension_count >= 1:
        raise DossierError(
            _(
                "Hồ sơ đã được hẹn lại ngày trả kết quả một lần; theo quy định không gia hạn lần thứ hai."
            )
        )
    if dossier.state not in (*CLOCK_STATES, *PAUSED_STATES):
        raise TransitionConflict(_("Hồ sơ đã được giải quyết; phiếu xin lỗi không còn cần thiết."))
    block = issuing_block(locked, actor)
    if reason is not None:
        locked.reason = reason
    if proposed_due_at is not None:
        locked.proposed_due_at = proposed_due_at
    # Checked again at issue: an automatic issue or a stale draft must still hold.
    _validate(locked, locked.reason, locked.proposed_due_at)
    locked.reason = locked.reason.strip()
    now = timezone.now()
    year = timezone.localtime(now).year
    locked.number = next_form_number(agency=locked.agency, form="PXL", year=year)
    locked.year = year
    locked.state = LetterState.ISSUED
    locked.issued_at = now
    # Issued after its issue-by moment: still issued, recorded and counted as late
    # (docs/legal.md#letters-issued-late).
    locked.issued_late = locked.issue_by is not None and now > locked.issue_by
    locked.issued_by = actor
    locked.signer = block.to_json()
    locked.render_attempts = 0  # the final PDF has renders of its own
    locked.save()

    calendar = calendar_for(locked.agency)
    added = engine.working_time_between(calendar, locked.original_due_at, locked.proposed_due_at)
    previous_due = dossier.due_at
    dossier.due_at = locked.proposed_due_at
    dossier.extension_count += 1
    dossier.deadline_explanation = [
        *dossier.deadline_explanation,
        *locked.extension_explanation,
        {
            "kind": "apology_extension",
            "letter": locked.number_label,
            "from": previous_due.isoformat() if previous_due else None,
            "to": locked.proposed_due_at.isoformat(),
            "hours": added.total_seconds() / 3600,
        },
    ]
    # A new episode begins: the scan watches the new date from scratch.
    dossier.due_soon_at = None
    dossier.overdue_since = None
    dossier.escalated_at = None
    dossier.save(
        update_fields=[
            "due_at",
            "extension_count",
            "deadline_explanation",
            "due_soon_at",
            "overdue_since",
            "escalated_at",
        ]
    )
    event = DossierEvent.objects.create(
        dossier=dossier,
        action="apology_issued",
        from_state=dossier.state,
        to_state=dossier.state,
        national_code=NATIONAL_STATUS.get(dossier.state),  # type: ignore[call-overload]
        actor=actor,
        note=locked.reason,
        data={
            "letter": locked.pk,
            "number": locked.number_label,
            "new_due_at": locked.proposed_due_at.isoformat(),
        },
    )
    # What is owed is in the database before the commit: the letter without its PDF, the
    # citizen's pending notifications. The worker is then woken: the final PDF first, then
    # the e-mail that attaches it (the sweeper redoes either if the broker loses it).
    from apologies.tasks import render_letter_pdf
    from dossiers.tasks import notify_event

    link = notify_event.si(event.pk) if notifications.plan(event) else None
    publish_on_commit(render_letter_pdf, (locked.pk, True), link=link)
    return locked


HANDED_OVER = "apology_handed_over"


def letters_hand_over(
    moves: Iterable[tuple[ApologyLetter, int | None, int | None]], *, render: bool
) -> list[int]:
    """Each draft ``(letter, agency_id, department_id)`` whose responsible unit is now
    another goes to it: its agency and department changed, its draft PDF (which names the
    old unit) cleared and rendered again, an event in the dossier's history. Issued letters
    never move (docs/legal.md#multi-agency-dossiers-the-overrunning-agency-apologises).

    One UPDATE per distinct new unit and one INSERT of the events, whatever the number of
    letters; called inside the caller's transaction (the scan, or a hand-over with the
    dossier locked). ``render``: enqueue the new draft PDFs after commit (the scan instead
    finds them unrendered itself). Returns the ids of the letters moved."""
    by_target: dict[tuple[int, int | None], list[ApologyLetter]] = defaultdict(list)
    for letter, agency_id, department_id in moves:
        if agency_id is None or letter.state != LetterState.DRAFT:
            continue
        if (letter.agency_id, letter.department_id) != (agency_id, department_id):
            by_target[(agency_id, department_id)].append(letter)
    if not by_target:
        return []
    agencies = Agency.objects.in_bulk({agency_id for agency_id, _ in by_target})
    departments = Department.objects.in_bulk({dep for _, dep in by_target if dep is not None})
    moved: list[int] = []
    old_files: list[Any] = []
    events = []
    for (agency_id, department_id), letters in by_target.items():
        ids = [letter.pk for letter in letters]
        ApologyLetter.objects.filter(pk__in=ids, state=LetterState.DRAFT).update(
            agency_id=agency_id, department_id=department_id, draft_pdf="", render_attempts=0
        )
        new_unit = _unit_name(agencies[agency_id], departments.get(department_id or 0))
        for letter in letters:
            old_unit = _unit_name(letter.agency, letter.department)
            if letter.draft_pdf:
                old_files.append(letter.draft_pdf)
            events.append(
                DossierEvent(
                    dossier_id=letter.dossier_id,
                    action=HANDED_OVER,
                    from_state=letter.dossier.state,
                    to_state=letter.dossier.state,
                    national_code=None,  # nothing the national portal is told
                    actor=None,
                    note=f"{old_unit} → {new_unit}",
                    data={
                        "letter": letter.pk,
                        "from_agency": letter.agency_id,
                        "from_department": letter.department_id,
                        "to_agency": agency_id,
                        "to_department": department_id,
                    },
                )
            )
            moved.append(letter.pk)
    DossierEvent.objects.bulk_create(events)
    if old_files:
        # The old unit's draft PDF goes once the move is committed (rolled back, it stays).
        def delete_old_files() -> None:
            for stored in old_files:
                stored.storage.delete(stored.name)

        transaction.on_commit(delete_old_files)
    if render:
        from apologies.tasks import render_letter_pdf

        for pk in moved:
            publish_on_commit(render_letter_pdf, (pk, False))
    logger.info("Apology drafts handed over to the responsible unit: %s", moved)
    return moved


def _unit_name(agency: Agency, department: Department | None) -> str:
    name = agency.short_name or agency.name
    return f"{name} — {department.name}" if department is not None else name
