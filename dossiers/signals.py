"""The dossiers app's signals, and what it does when the accounts app proves an ID number
(accounts.signals).

The apps above dossiers (apologies) hang on a dossier; dossiers never imports them
(docs/architecture.md, the import-linter contract in pyproject.toml): they connect here.
"""

from typing import Any

from django.db.models import Q
from django.dispatch import Signal

from accounts.models import User
from dossiers.models import Channel, Dossier, FilingCapacity, State

# Sent with ``dossier=`` when a transition settles the dossier (it enters SETTLED_STATES),
# inside the transition's transaction with the dossier's row locked: a receiver writes in
# that transaction, so its change commits or rolls back with the transition.
dossier_settled = Signal()
# Sent with ``dossier=`` when a hand-over has started the next step (``dossier.current_step``
# is the new one), inside the hand-over's transaction with the dossier's row locked: the
# unit now responsible for the dossier may be another (apologies hands its draft letter on).
dossier_handed_over = Signal()
# Sent with ``dossier=`` when the due moment moved later without an apology (a pause ended,
# verification recorded, an excluded period ended), inside that transaction with the
# dossier's row locked and ``dossier.due_at`` the new moment: a draft letter made for the
# old deadline follows the new one (apologies).
dossier_deadline_moved = Signal()


def follow_verified_national_id(
    sender: Any, *, user: User, released_ids: list[int], **kwargs: Any
) -> None:
    """``user``'s ID number was verified (inside that transaction):

    - the dossiers a clerk filed at the counter under that number, standing on their own or
      attached to an account that had only typed it, are now ``user``'s;
    - ``user``'s own online dossiers filed in their own name under that number are marked as
      filed by a verified holder (for themselves or as a representative) (the clerk saw the card).
    """
    Dossier.objects.filter(
        Q(applicant__isnull=True) | Q(applicant_id__in=released_ids),
        applicant_national_id=user.national_id,
        filed_by__agency__isnull=False,
    ).exclude(intake_channel=Channel.ONLINE).update(applicant=user)
    Dossier.objects.filter(
        Q(filing_capacity=FilingCapacity.SELF, applicant_national_id=user.national_id)
        | Q(
            filing_capacity=FilingCapacity.REPRESENTATIVE,
            representative_national_id=user.national_id,
        ),
        applicant=user,
        filed_by=user,
        filer_identity_verified=False,
    ).exclude(state=State.DRAFT).update(filer_identity_verified=True)
