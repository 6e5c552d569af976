"""What the staff menu counts (templates/base.html): the paper dossiers a clerk's centre still
has to hand to another commune's agency
(docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

from django import template

from accounts.models import User
from dossiers import selectors_staff

register = template.Library()


@register.simple_tag
def paper_hand_overs_waiting(user: User) -> int:
    """How many are pending (one query), overdue or not."""
    return selectors_staff.paper_hand_overs_pending(user).count()
