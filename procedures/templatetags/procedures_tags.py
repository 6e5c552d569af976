"""Formatting for the catalogue pages: fee summaries, time limits in working days (money
itself is written by the ``money`` library's ``vnd``)."""

from django import template
from django.utils.translation import gettext as _

from procedures import limits, money
from procedures.fees import FeeGroup, group_fees
from procedures.models import Fee, ProcedureVersion

register = template.Library()


@register.filter
def fee_groups(version: ProcedureVersion | None) -> list[FeeGroup]:
    """The prefetched fee lines of a version, the alternatives of one group together."""
    if version is None:
        return []
    return group_fees(version.fees.all())


@register.filter
def working_time(hours: int | None) -> str:
    """24 → "3 ngày làm việc"; 4 → "4 giờ làm việc"; 12 → "1 ngày 4 giờ làm việc"."""
    return limits.working_time(hours)


@register.filter
def fee_summary(version: ProcedureVersion | None) -> str:
    """One line for a catalogue row, from the prefetched fees of the version in force."""
    if version is None:
        return ""
    fees: list[Fee] = list(version.fees.all())
    amounts = sorted({fee.amount for fee in fees if fee.amount})
    if not amounts:
        if not fees and version.fee_description:
            return version.fee_description
        return _("Không thu phí, lệ phí")
    if len(amounts) == 1:
        return money.vnd(amounts[0])
    return _("Từ %(amount)s") % {"amount": money.vnd(amounts[0])}
