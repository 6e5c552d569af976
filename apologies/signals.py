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
