"""Formatting for the catalogue pages: fee summaries, time limits in working days (money
itself is written by the ``money`` library's ``vnd``)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procedures import money
from procedures.fees import FeeGroup, group_fees
from procedures.models import HOURS_PER_WORKING_DAY, Fee, ProcedureVersion

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
    if not hours:
        return ""
    days, rest = divmod(int(hours), HOURS_PER_WORKING_DAY)
    if not rest:
        return ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", days) % {"days": days}
    if not days:
        return ngettext("%(hours)s giờ làm việc", "%(hours)s giờ làm việc", rest) % {"hours": rest}
    return _("%(days)s ngày %(hours)s giờ làm việc") % {"days": days, "hours": rest}


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
