"""What the dossier apps' pages show of apology letters, without those apps knowing the model:
the citizen's dossier page and the public status page include a partial that calls these."""

import datetime

from django import template

from apologies.models import ApologyLetter, LetterState
from dossiers.models import Dossier, State

register = template.Library()


@register.simple_tag
def issued_letters(dossier: Dossier) -> list[ApologyLetter]:
    """The dossier's issued letters, newest first (one query; none when never extended)."""
    if not dossier.extension_count:
        return []
    return list(
        ApologyLetter.objects.filter(dossier=dossier, state=LetterState.ISSUED)
        .select_related("agency")
        .order_by("-episode")
    )


@register.simple_tag
def public_extension(code: str) -> dict[str, datetime.datetime | None] | None:
    """The new return date granted by an issued letter and the original one: dates only —
    no name, ID number or reason reaches the public page."""
    row = (
        ApologyLetter.objects.filter(dossier__code=code, state=LetterState.ISSUED)
        .exclude(dossier__state=State.DRAFT)
        .order_by("episode")
        .values("original_due_at", "dossier__due_at")
        .first()
    )
    if row is None:
        return None
    return {"original_due_at": row["original_due_at"], "new_due_at": row["dossier__due_at"]}
