"""Writes on the working calendar: the overrides an administrator enters (docs/design.md §6).

An override is refused (ValidationError on the field at fault, nothing stored) when:

1. its reason (name) is blank;
2. the same scope already has an override on that date — one global override per date, one
   per agency per date (edit the existing one instead);
3. it would change nothing: an "extra working day" on a date that already is a working day,
   or an "extra day off" on a date that already is a day off (weekend, public holiday or a
   global override), for that scope.

"Already" is judged on the calendar the override would apply to, without the override
itself: for a global override, the official calendar (`workcalendar.official`, else
`holidays.VN`) and weekends; for an agency's override, that
plus the global overrides. So an agency may keep working on a global extra day off (an
agency "extra working day" on that date), which is the point of per-agency overrides;
repeating the global decision for one agency is refused as redundant.

A date the shipped official calendar marks uncertain (`workcalendar.official`) is not
applied, so rule 3 does not hold there: an override of either kind on it is the
administrator's decision of that uncertain day, never redundant (`manage.py calendar_check`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from workcalendar.calendars import calendar_for
from workcalendar.engine import format_dated
from workcalendar.models import CalendarOverride, OverrideKind


def validate_calendar_override(
    *,
    date: datetime.date,
    kind: str,
    name: str,
    agency: Agency | None = None,
    instance_pk: int | None = None,
) -> None:
    """Raises ValidationError (keyed by field) if the override conflicts; see the module
    docstring. `instance_pk` is the override being edited, left out of every check."""
    if not (name or "").strip():
        raise ValidationError(
            {"name": ValidationError(_("Hãy nhập lý do điều chỉnh."), code="required")}
        )
    if kind not in OverrideKind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Loại điều chỉnh không hợp lệ."), code="invalid")}
        )

    same_scope = CalendarOverride.objects.filter(date=date, agency=agency)
    if instance_pk is not None:
        same_scope = same_scope.exclude(pk=instance_pk)
    existing = same_scope.first()
    if existing is not None:
        raise ValidationError({"date": _duplicate(existing, agency)})

    calendar = calendar_for(agency, excluding=instance_pk)
    entry = calendar.official.days.get(date)
    if entry is not None and not entry.confirmed:
        return  # the administrator decides an uncertain day (module docstring)
    status = calendar.day_status(date)
    day = format_dated(date, "vi")
    if kind == OverrideKind.WORKING_DAY and status.working:
        raise ValidationError(
            {
                "date": ValidationError(
                    _("Ngày %(day)s đã là ngày làm việc, không cần thêm ngày làm việc."),
                    code="already_working",
                    params={"day": day},
                )
            }
        )
    if kind == OverrideKind.DAY_OFF and not status.working:
        reason = _("nghỉ cuối tuần") if status.source == "weekend" else status.name("vi")
        raise ValidationError(
            {
                "date": ValidationError(
                    _("Ngày %(day)s đã là ngày nghỉ (%(reason)s), không cần thêm ngày nghỉ."),
                    code="already_off",
                    params={"day": day, "reason": reason},
                )
            }
        )


def _duplicate(existing: CalendarOverride, agency: Agency | None) -> ValidationError:
    params: dict[str, Any] = {
        "day": format_dated(existing.date, "vi"),
        "existing": f"{existing.get_kind_display()}: {existing.name}",
    }
    if agency is None:
        message = _(
            "Ngày %(day)s đã có một điều chỉnh áp dụng cho mọi cơ quan (%(existing)s). "
            "Hãy sửa điều chỉnh đó thay vì thêm mới."
        )
    else:
        params["agency"] = agency.name
        message = _(
            "Ngày %(day)s đã có một điều chỉnh của %(agency)s (%(existing)s). "
            "Hãy sửa điều chỉnh đó thay vì thêm mới."
        )
    return ValidationError(message, code="duplicate", params=params)


@transaction.atomic
def calendar_override_create(
    *,
    date: datetime.date,
    kind: str,
    name: str,
    agency: Agency | None = None,
    created_by: Any = None,
) -> CalendarOverride:
    """Adds an extra day off or an extra working day, global (agency None) or for one agency."""
    validate_calendar_override(date=date, kind=kind, name=name, agency=agency)
    try:
        with transaction.atomic():
            return CalendarOverride.objects.create(
                date=date, kind=kind, name=name.strip(), agency=agency, created_by=created_by
            )
    except IntegrityError:
        # Another administrator saved the same date and scope a moment ago.
        existing = CalendarOverride.objects.filter(date=date, agency=agency).first()
        if existing is None:
            raise
        raise ValidationError({"date": _duplicate(existing, agency)}) from None


@transaction.atomic
def calendar_override_update(
    *,
    override: CalendarOverride,
    date: datetime.date,
    kind: str,
    name: str,
    agency: Agency | None = None,
) -> CalendarOverride:
    locked = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    validate_calendar_override(
        date=date, kind=kind, name=name, agency=agency, instance_pk=locked.pk
    )
    locked.date, locked.kind, locked.name, locked.agency = date, kind, name.strip(), agency
    try:
        with transaction.atomic():
            locked.save(update_fields=["date", "kind", "name", "agency"])
    except IntegrityError:
        existing = (
            CalendarOverride.objects.filter(date=date, agency=agency).exclude(pk=locked.pk).first()
        )
        if existing is None:
            raise
        raise ValidationError({"date": _duplicate(existing, agency)}) from None
    return locked
