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


def amount_text(amount: int, unit: str) -> str:
    """An amount in its unit, as the law words it: 5 working days → "5 ngày làm việc",
    15 calendar days → "15 ngày", 4 working hours → "4 giờ làm việc"."""
    if unit == LimitUnit.CALENDAR_DAYS:
        return calendar_days_text(amount)
    if unit == LimitUnit.WORKING_HOURS:
        return working_hours(amount)
    return ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", amount) % {"days": amount}


def amount_hours(amount: int, unit: str) -> int:
    """Working hours of an amount in working days or working hours (calendar days: 0)."""
    if unit == LimitUnit.WORKING_DAYS:
        return amount * HOURS_PER_WORKING_DAY
    if unit == LimitUnit.WORKING_HOURS:
        return amount
    return 0


def verification_text(*, mode: str, amount: str) -> str:
    """What the citizen reads of a verification allowance (docs/legal.md#v1-verification-periods-extend-the-deadline)."""
    from procedures.models import VerificationMode

    if mode == VerificationMode.TOTAL:
        return _(
            "Nếu cần xác minh, thời hạn giải quyết tối đa là %(amount)s kể từ khi tiếp nhận hồ sơ."
        ) % {"amount": amount}
    return _("Thời hạn có thể kéo dài thêm tối đa %(amount)s nếu cần xác minh.") % {
        "amount": amount
    }


def exclusion_text(*, kind: str, maximum: str) -> str:
    """ "Không tính thời gian niêm yết công khai (tối đa 15 ngày) vào thời hạn giải quyết."
    (docs/legal.md#x1-excluded-periods-pause-the-clock)"""
    from procedures.models import ExclusionKind

    texts = {
        ExclusionKind.POSTING: _(
            "Không tính thời gian niêm yết công khai (tối đa %(max)s) vào thời hạn giải quyết."
        ),
        ExclusionKind.SITE_INSPECTION: _(
            "Không tính thời gian kiểm tra, thẩm định thực địa (tối đa %(max)s) vào thời hạn "
            "giải quyết."
        ),
        ExclusionKind.EXPERT_ASSESSMENT: _(
            "Không tính thời gian giám định, lấy ý kiến chuyên môn (tối đa %(max)s) vào thời "
            "hạn giải quyết."
        ),
    }
    text = texts.get(
        kind,  # type: ignore[call-overload]
        _("Không tính thời gian khác theo quy định (tối đa %(max)s) vào thời hạn giải quyết."),
    )
    return str(text) % {"max": maximum}
