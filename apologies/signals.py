"""What the apologies app does when a dossier moves on (dossiers.signals), and how its
letter's e-mail is assembled (dossiers.notifications sends it with the dossier's own).

Apologies builds on dossiers; dossiers never imports apologies (docs/architecture.md): the
receivers and hooks below are connected in ``ApologiesConfig.ready``.
"""

from typing import Any

from django.utils import timezone

from apologies.models import ApologyLetter, LetterState
from dossiers.models import Dossier, DossierEvent


def cancel_draft_letters(sender: Any, *, dossier: Dossier, **kwargs: Any) -> None:
    """Settled before its apology was issued: the draft is cancelled in the same transaction
    (the letter task locks the dossier too, so no draft appears after this)."""
    ApologyLetter.objects.filter(dossier=dossier, state=LetterState.DRAFT).update(
        state=LetterState.CANCELLED, cancelled_at=timezone.now()
    )


def hand_over_draft_letters(sender: Any, *, dossier: Dossier, **kwargs: Any) -> None:
    """Handed over to a step of another unit before the scan named a unit at fault: the
    unit holding the dossier is the one that would apologise, so a draft made for the unit
    before goes to it (docs/legal.md#multi-agency-dossiers-the-overrunning-agency-apologises).
    Once the scan has named the unit that overran, a later hand-over changes nothing."""
    from apologies.services import letters_hand_over

    step = dossier.current_step
    if dossier.responsible_agency_id is not None or step is None:
        return
    drafts = list(
        ApologyLetter.objects.filter(dossier=dossier, state=LetterState.DRAFT).select_related(
            "agency", "department"
        )
    )
    for letter in drafts:
        letter.dossier = dossier  # as the hand-over leaves it (its state not yet saved)
    letters_hand_over(
        [(letter, step.agency_id, step.department_id) for letter in drafts], render=True
    )


def drafts_follow_deadline(sender: Any, *, dossier: Dossier, **kwargs: Any) -> None:
    """The deadline moved later without an apology: the draft names the new one
    (docs/legal.md#issue-by-and-the-drafting-lead)."""
    from apologies.services import letters_follow_deadline

    letters_follow_deadline(dossier)


def letter_attachments(event: DossierEvent) -> list[tuple[str, bytes]]:
    """The issued letter travels with its notice, as the final PDF."""
    letter = ApologyLetter.objects.filter(pk=event.data.get("letter")).first()
    if letter is None or not letter.pdf:
        raise OSError("apology letter PDF not rendered yet")  # retried by the task
    with letter.pdf.open("rb") as handle:
        return [(f"{event.dossier.code}-phieu-xin-loi.pdf", handle.read())]


def letters_waiting(events: dict[int, dict[str, Any]]) -> set[int]:
    """Of these ``apology_issued`` events (id → data), those whose letter has no PDF yet:
    the notice waits for the PDF it carries (the letter's own task sends it once rendered)."""
    letters = set(
        ApologyLetter.objects.filter(
            pk__in=[data.get("letter") for data in events.values()], pdf=""
        ).values_list("pk", flat=True)
    )
    return {event_id for event_id, data in events.items() if data.get("letter") in letters}
