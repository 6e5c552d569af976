"""A time limit as the law words it, with its unit (docs/legal.md): "15 ngày làm việc",
"30 ngày", "8 giờ làm việc". One place for the admin, the public pages and the slips."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procedures.models import HOURS_PER_WORKING_DAY, LimitUnit


def working_time(hours: int | None) -> str:
    """24 → "3 ngày làm việc"; 4 → "4 giờ làm việc"; 12 → "1 ngày 4 giờ làm việc"."""
    if not hours:
        return ""
    days, rest = divmod(int(hours), HOURS_PER_WORKING_DAY)
    if not rest:
        return ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", days) % {"days": days}
    if not days:
        return working_hours(rest)
    return _("%(days)s ngày %(hours)s giờ làm việc") % {"days": days, "hours": rest}


def working_hours(hours: int) -> str:
    return ngettext("%(hours)s giờ làm việc", "%(hours)s giờ làm việc", hours) % {"hours": hours}


def calendar_days_text(days: int) -> str:
    """30 → "30 ngày": a sector law's "N ngày", counted on the calendar."""
    return ngettext("%(days)s ngày", "%(days)s ngày", days) % {"days": days}


def limit_text(*, unit: str, hours: int | None, calendar_days: int | None = None) -> str:
    """The limit in its unit; working days that do not divide into whole days keep the rest
    in hours ("1 ngày 4 giờ làm việc")."""
    if unit == LimitUnit.CALENDAR_DAYS and calendar_days is not None:
        return calendar_days_text(calendar_days)
    if unit == LimitUnit.WORKING_HOURS and hours:
        return working_hours(int(hours))
    return working_time(hours)
