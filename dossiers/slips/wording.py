"""The Vietnamese of the slips: dates and moments, the issuing body and its place, the
slip's number, whether a step was on time (Decree 30/2020/NĐ-CP for the forms of dates)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from dossiers.models import IssuedSlip
from dossiers.slips.catalogue import FORMS

# --- Vietnamese dates --------------------------------------------------------------------------


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def _day_month(day: datetime.date) -> tuple[str, str]:
    # Decree 30/2020/NĐ-CP: a zero before days below 10 and before months 1 and 2.
    return f"{day.day:02d}", f"{day.month:02d}" if day.month <= 2 else str(day.month)


def vn_date_phrase(place: str, date: datetime.date | datetime.datetime) -> str:
    """``"Đồng Nai, ngày 24 tháng 01 năm 2025"`` — the place-and-date line of a document."""
    day = _local(date).date() if isinstance(date, datetime.datetime) else date
    dd, mm = _day_month(day)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": dd,
        "month": mm,
        "year": day.year,
    }


def vn_moment_phrase(moment: datetime.datetime) -> str:
    """``"15 giờ 30 phút, ngày 23 tháng 01 năm 2025"`` (local time)."""
    local = _local(moment)
    dd, mm = _day_month(local.date())
    return _("%(hour)02d giờ %(minute)02d phút, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "hour": local.hour,
        "minute": local.minute,
        "day": dd,
        "month": mm,
        "year": local.year,
    }


# --- the issuing body --------------------------------------------------------------------------

_UNIT_PREFIXES = ("thành phố", "tỉnh", "phường", "xã", "đặc khu", "thị trấn")


def _bare_unit_name(name: str) -> str:
    """``"Phường Trấn Biên"`` → ``"Trấn Biên"``, ``"Thành phố Hà Nội"`` → ``"Hà Nội"``."""
    lowered = name.lower()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _caps(text: str) -> str:
    return text.upper().replace("ỦY BAN NHÂN DÂN", "UBND")


def governing_body(agency: Agency) -> str:
    """The first header line: the body the issuing agency belongs to (``UBND TỈNH ĐỒNG NAI``)."""
    if agency.parent_id is not None:
        parent = agency.parent
        return _caps(parent.short_name or parent.name)  # type: ignore[union-attr]
    province = agency.province
    name = province.name
    if _bare_unit_name(name) == name:
        name = f"{province.division_type.split(' trung ương')[0]} {name}"
    return _caps(f"UBND {name}")


def place_name(agency: Agency) -> str:
    """The place of the date line: the commune for commune-level units, else the province."""
    unit = agency.commune if agency.commune_id is not None else agency.province
    return _bare_unit_name(unit.name)  # type: ignore[union-attr]


# --- the number --------------------------------------------------------------------------------


def form_number_label(number: int | None, form: str, agency: Agency) -> str:
    """``05/PTNHS-TTPVHCC``: the yearly number with its zero (Decree 30/2020), the form's
    code, then the issuing section's abbreviation (docs/legal.md#slip-numbers); ``…`` before
    a number is given."""
    shown = f"{number:02d}" if number else "…"
    return f"{shown}/{FORMS[form].code}-{agency.number_symbol}"


def number_label(slip: IssuedSlip) -> str:
    return form_number_label(slip.number, slip.form, slip.agency)


# --- form 06: whether a step was done before, on or after its due time -------------------------

EARLY = gettext_lazy("Trước hạn")
ON_TIME = gettext_lazy("Đúng hạn")
LATE = gettext_lazy("Quá hạn")


def timeliness(finished_at: datetime.datetime | None, due_at: datetime.datetime | None) -> str:
    """``Quá hạn`` after the due moment, ``Đúng hạn`` on the due day, ``Trước hạn`` before it."""
    if finished_at is None or due_at is None:
        return ""
    if finished_at > due_at:
        return str(LATE)
    if _local(finished_at).date() == _local(due_at).date():
        return str(ON_TIME)
    return str(EARLY)
