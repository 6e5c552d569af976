"""The ORM side of the working calendar: an agency's office hours and the overrides an
administrator entered, turned into the pure `engine.WorkCalendar`.

One query per call (the overrides, global and the agency's). There is no process-wide
cache: the web server and the Celery workers are separate processes, and an override
saved in one would leave the others stale. Callers that need many calendars at once
(a list page, the deadline scan) keep one per agency for their own duration.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q

from agencies.models import Agency
from workcalendar import official
from workcalendar.engine import DEFAULT_PERIODS, WorkCalendar
from workcalendar.models import CalendarOverride, OverrideKind
from workcalendar.official import OfficialDay


def calendar_for(agency: Agency | None, *, excluding: int | None = None) -> WorkCalendar:
    """The working calendar of `agency` (None: the default office hours and the global
    overrides). On a date with both a global override and one of the agency's, the
    agency's wins. `excluding` leaves one override out (used when an override is edited).
    """
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency=agency)
    overrides = CalendarOverride.objects.filter(scope).only("date", "kind", "name", "agency_id")
    if excluding is not None:
        overrides = overrides.exclude(pk=excluding)
    periods = agency.office_periods if agency is not None else DEFAULT_PERIODS
    return build_calendar(periods=periods, overrides=overrides)


def build_calendar(
    *,
    periods: tuple[tuple[datetime.time, datetime.time], ...],
    overrides: Iterable[CalendarOverride],
) -> WorkCalendar:
    days_off: dict[datetime.date, str] = {}
    working_days: dict[datetime.date, str] = {}
    # Global rows first, so that an agency's own row on the same date replaces them.
    for override in sorted(overrides, key=lambda row: row.agency_id is not None):
        days_off.pop(override.date, None)
        working_days.pop(override.date, None)
        target = days_off if override.kind == OverrideKind.DAY_OFF else working_days
        target[override.date] = override.name
    return WorkCalendar(periods=periods, extra_days_off=days_off, extra_working_days=working_days)


def uncertain_days(
    calendar: official.OfficialCalendar | None = None,
) -> list[tuple[OfficialDay, CalendarOverride | None]]:
    """The shipped entries marked uncertain, each with the global override an administrator
    entered on its date (None: still undecided). The engine never applies an uncertain entry
    (`workcalendar.official`); a global override is how the administrator decides it."""
    entries = (calendar or official.shipped()).uncertain()
    overrides = {
        row.date: row
        for row in CalendarOverride.objects.filter(
            agency__isnull=True, date__in=[entry.date for entry in entries]
        )
    }
    return [(entry, overrides.get(entry.date)) for entry in entries]
