"""The working-time engine (docs/design.md §6): pure deadline arithmetic, no ORM.

Everything here takes a `WorkCalendar` (office periods, time zone, administrator overrides)
and timezone-aware datetimes, and returns aware datetimes in the calendar's time zone
together with an `Explanation` of how the result was reached.

Rules, written down once:
(their legal sources, and whether each was verified: docs/legal.md#time-limits-and-working-time)

- **Working time** is the office periods (default 07:30-11:30 and 13:00-17:00) of working
  days. A day's status is decided in this order: an override "extra day off"; an override
  "extra working day"; a confirmed entry of the official calendar shipped as data
  (`workcalendar.official`: the yearly decisions on days off and make-up working days, each
  citing its document, docs/legal.md); in a year the shipped data covers, nothing else (an
  entry marked uncertain is not applied, and `holidays.VN` is not consulted); in a year it
  does not cover, a public holiday of `holidays.VN` (Tết, substitute days…) and a make-up
  working Saturday/Sunday of `holidays.VN` (`weekend_workdays`); then Saturday and Sunday
  off; any other day is a working day.
- **Start**: the clock starts at the first working moment at or after the moment received.
  Received outside office hours (before opening, at lunch, after closing, on a day off), it
  starts at the opening of the next period (`start_at`).
- **Due** = the earliest working moment at which exactly `hours` of working time have passed
  since the moment received. Hours that end exactly at the end of a period give that end
  (17:00 of that day, not 07:30 the next morning); the due moment therefore never falls in
  non-working time (Civil Code Art. 148(5)), and adding `a` then `b` equals adding `a + b`.
  (docs/legal.md#due-moment-never-in-non-working-time: consistent with Art. 148(5), which is
  about limits counted in days.)
  Zero hours give the first working moment at or after the start (a moment exactly at a
  period's end counts as working).
- **Calendar days** ("N ngày" in a sector law; Civil Code 2015 Art. 147–148, the project's
  policy in docs/legal.md): the day of receipt is not counted (Art. 147(3)); the limit's
  last day is the N-th calendar day after it, weekends and holidays included. A limit
  received outside office hours counts from the day of its start moment (the rule above),
  so a dossier received on Saturday or at 20:00 is taken as received on the next working
  day. When the last day is a day off (weekend, holiday, an override day off) the limit
  ends on the next working day (Art. 148(5)); a make-up Saturday is a working day and ends
  it. The limit ends at the end of that day: the close of its last office period, not
  24:00 (Art. 148(6) says 24:00; the project ends it at closing time so that the due moment
  is a working moment, never later than the law's end; see docs/legal.md). Zero days end
  on the day of the start moment.
- **Working days** are counted as working time, eight working hours a day, from the start
  moment (the caller converts; `procedures.models.HOURS_PER_WORKING_DAY`). This is never
  later than counting whole working days from the day after receipt to the end of the
  last one (Art. 147(3), 148(1)), so no dossier is on time by the engine and late by law.
- **Same day**: a same-day procedure received before the cut-off (strictly before; received
  outside office hours, the start moment is what counts) is due at the end of that working
  day; received at or after the cut-off, at the end of the next working day. Without a
  cut-off the whole office day counts as "before". The same-day rule replaces the hours.
  (docs/legal.md#same-day-procedures: a per-version setting, no national rule verified.)
- **Pause**: resuming moves the due moment by the working time inside the pause; a pause with
  no working time in it changes nothing.
  (docs/legal.md#waiting-for-the-citizen-pauses-the-clock)
- **Back from a moment**: `subtract_working_time` counts working time backwards (an apology
  letter's "issue by", one working day before the deadline); landing on a period's opening it
  gives the close of the period before, the mirror of the rule for due moments.
- **Precision**: durations are `timedelta`s, added exactly (microseconds). Hours given as a
  number are rounded to the nearest whole second. Arithmetic is done on the wall clock of
  the calendar's time zone (Vietnam has had no daylight saving time since 1975).

The explanation is a list of JSON-serialisable steps (`Explanation.to_json()`), stored with
the dossier and rendered later in Vietnamese or English (`render_explanation`). Messages
keep their own vi/en table so the stored explanation renders the same in any process.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays

from workcalendar import official as official_calendar
from workcalendar.official import OfficialCalendar

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_PERIODS: tuple[tuple[datetime.time, datetime.time], ...] = (
    (datetime.time(7, 30), datetime.time(11, 30)),
    (datetime.time(13, 0), datetime.time(17, 0)),
)
LANGUAGES = ("vi", "en")
# No real calendar has a year without a working day: stop rather than loop for ever.
MAX_CONSECUTIVE_DAYS_OFF = 400

Lang = Literal["vi", "en"]
Hours = int | float | Decimal | datetime.timedelta
_ZERO = datetime.timedelta(0)
_ONE_DAY = datetime.timedelta(days=1)
_HOLIDAY_LANGUAGE = {"vi": "vi", "en": "en_US"}


# --- holidays ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _vn_holidays(year: int, lang: str) -> holidays.HolidayBase:
    return holidays.VN(years=year, language=_HOLIDAY_LANGUAGE[lang])


def _holiday_names(day: datetime.date) -> dict[str, str] | None:
    name_vi = _vn_holidays(day.year, "vi").get(day)
    if name_vi is None:
        return None
    return {"vi": name_vi, "en": _vn_holidays(day.year, "en").get(day) or name_vi}


def _is_make_up_day(day: datetime.date) -> bool:
    return day in _vn_holidays(day.year, "vi").weekend_workdays


# --- the calendar --------------------------------------------------------------------------


@dataclass(frozen=True)
class DayStatus:
    """Why a date is or is not a working day.

    `source` is one of: "weekday", "weekend", "holiday", "make_up" (a Saturday or Sunday
    worked by government decision), "override_off", "override_working". A "holiday" or
    "make_up" of the shipped official calendar carries its entry's names.
    """

    date: datetime.date
    working: bool
    source: str
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str = "vi") -> str:
        return self.names.get(_lang(lang)) or self.names.get("vi", "")


@dataclass(frozen=True)
class WorkCalendar:
    """Office periods, time zone and overrides of one agency (or the default calendar)."""

    periods: tuple[tuple[datetime.time, datetime.time], ...] = DEFAULT_PERIODS
    tz: ZoneInfo = VIETNAM
    extra_days_off: Mapping[datetime.date, str] = field(default_factory=dict, hash=False)
    extra_working_days: Mapping[datetime.date, str] = field(default_factory=dict, hash=False)
    # The shipped yearly decisions (`official_calendar.EMPTY` for the package alone).
    official: OfficialCalendar = field(default_factory=official_calendar.shipped, hash=False)

    def __post_init__(self) -> None:
        periods = tuple((start, end) for start, end in self.periods)
        if not periods:
            raise ValueError("A working calendar needs at least one office period.")
        previous_end: datetime.time | None = None
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("Office periods are wall-clock times without a time zone.")
            if not start < end:
                raise ValueError(f"Office period {start}-{end} ends before it starts.")
            if previous_end is not None and start < previous_end:
                raise ValueError("Office periods must be in order and must not overlap.")
            previous_end = end
        both = set(self.extra_days_off) & set(self.extra_working_days)
        if both:
            days = ", ".join(f"{day:%d/%m/%Y}" for day in sorted(both))
            raise ValueError(f"Conflicting overrides: {days} is both a day off and a working day.")
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "extra_days_off", MappingProxyType(dict(self.extra_days_off)))
        object.__setattr__(
            self, "extra_working_days", MappingProxyType(dict(self.extra_working_days))
        )

    def day_status(self, day: datetime.date) -> DayStatus:
        if day in self.extra_days_off:
            return _status(day, False, "override_off", self.extra_days_off[day])
        if day in self.extra_working_days:
            return _status(day, True, "override_working", self.extra_working_days[day])
        weekend = day.weekday() >= 5
        decided = self.official.confirmed(day)
        if decided is not None:
            if not decided.working:
                return DayStatus(day, False, "holiday", decided.names)
            return DayStatus(day, True, "make_up" if weekend else "weekday", decided.names)
        if not self.official.covers(day):
            names = _holiday_names(day)
            if names is not None:
                return DayStatus(day, False, "holiday", names)
            if weekend and _is_make_up_day(day):
                return DayStatus(day, True, "make_up")
        if weekend:
            return DayStatus(day, False, "weekend")
        return DayStatus(day, True, "weekday")

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day_status(day).working

    def day_off_reason(self, day: datetime.date, lang: str = "vi") -> str | None:
        """None on a working day; otherwise the holiday or override name, or "weekend"."""
        status = self.day_status(day)
        if status.working:
            return None
        if status.source == "weekend":
            return _MESSAGES[_lang(lang)]["weekend"]
        return status.name(lang)

    def working_periods(
        self, day: datetime.date
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The day's office periods as aware datetimes (empty on a day off)."""
        return [
            (start.replace(tzinfo=self.tz), end.replace(tzinfo=self.tz))
            for start, end in self._local_periods(day)
        ]

    def is_working_moment(self, moment: datetime.datetime) -> bool:
        """Inside an office period of a working day, both ends included."""
        local = self._to_local(moment)
        return any(start <= local <= end for start, end in self._local_periods(local.date()))

    # Internally moments are naive wall-clock datetimes in the calendar's time zone.

    def _local_periods(
        self, day: datetime.date
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.datetime.combine(day, start), datetime.datetime.combine(day, end))
            for start, end in self.periods
        ]

    def _to_local(self, moment: datetime.datetime) -> datetime.datetime:
        _require_aware(moment)
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _to_aware(self, local: datetime.datetime) -> datetime.datetime:
        return local.replace(tzinfo=self.tz)


def _status(day: datetime.date, working: bool, source: str, name: str) -> DayStatus:
    return DayStatus(day, working, source, {"vi": name, "en": name})


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """How a due moment was derived: a list of JSON-serialisable steps, each a dict with a
    "kind" ("start", "limit", "calendar_days", "skip", "roll", "make_up", "same_day", "pause",
    "due", "verification", "excluded_start", "excluded", and steps other
    modules append, such as "apology_extension")."""

    steps: tuple[Mapping[str, Any], ...] = ()

    def __add__(self, other: Explanation) -> Explanation:
        return Explanation(self.steps + other.steps)

    def to_json(self) -> list[dict[str, Any]]:
        return [dict(step) for step in self.steps]

    @classmethod
    def from_json(cls, data: Iterable[Mapping[str, Any]]) -> Explanation:
        return cls(tuple(dict(step) for step in data))

    def render(self, lang: str | None = None) -> list[str]:
        return render_explanation(self, lang)


@dataclass(frozen=True)
class DueResult:
    due_at: datetime.datetime
    start_at: datetime.datetime
    explanation: Explanation


# --- arithmetic ----------------------------------------------------------------------------


def add_working_time(cal: WorkCalendar, start: datetime.datetime, hours: Hours) -> DueResult:
    """`start` plus `hours` of working time (see the module docstring for the rules)."""
    duration = to_duration(hours)
    received = cal._to_local(start)
    due = _add(cal, received, duration)
    steps: list[dict[str, Any]] = [
        _start_step(cal, received),
        {"kind": "limit", "seconds": _seconds(duration)},
        *_day_steps(cal, received, due),
        {"kind": "due", "at": _iso(cal, due)},
    ]
    return DueResult(
        due_at=cal._to_aware(due),
        start_at=cal._to_aware(_first_working_moment(cal, received)),
        explanation=Explanation(tuple(steps)),
    )


def add_calendar_days(cal: WorkCalendar, start: datetime.datetime, days: int) -> DueResult:
    """`start` plus `days` calendar days, as the Civil Code counts them (module docstring):
    from the day after the day of the start moment, ending at the close of the last day,
    or of the next working day when the last day is off."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"Calendar days must be a whole number, not {days!r}.")
    if days < 0:
        raise ValueError("Calendar days cannot be negative.")
    received = cal._to_local(start)
    begin = _first_working_moment(cal, received)
    try:
        last = begin.date() + datetime.timedelta(days=days)
    except OverflowError as error:
        raise ValueError("The time limit ends after the last date the calendar knows.") from error
    end_day = last if cal.is_working_day(last) else _next_working_day(cal, last)
    due = cal._local_periods(end_day)[-1][1]
    steps: list[dict[str, Any]] = [
        _start_step(cal, received),
        {
            "kind": "calendar_days",
            "days": days,
            "received_on": begin.date().isoformat(),
            "last_day": last.isoformat(),
        },
    ]
    if end_day != last:
        day = last
        while day < end_day:
            status = cal.day_status(day)
            steps.append(
                {
                    "kind": "skip",
                    "date": day.isoformat(),
                    "reason": status.source,
                    "name": dict(status.names),
                }
            )
            day += _ONE_DAY
        steps.append({"kind": "roll", "from": last.isoformat(), "to": end_day.isoformat()})
    end_status = cal.day_status(end_day)
    if end_status.source in ("make_up", "override_working"):
        steps.append(
            {
                "kind": "make_up",
                "date": end_day.isoformat(),
                "reason": end_status.source,
                "name": dict(end_status.names),
            }
        )
    steps.append({"kind": "due", "at": _iso(cal, due)})
    return DueResult(
        due_at=cal._to_aware(due),
        start_at=cal._to_aware(begin),
        explanation=Explanation(tuple(steps)),
    )


def working_time_between(
    cal: WorkCalendar, a: datetime.datetime, b: datetime.datetime
) -> datetime.timedelta:
    """Working time from `a` to `b`; negative when `b` is before `a`."""
    start, end = cal._to_local(a), cal._to_local(b)
    if end < start:
        return -working_time_between(cal, b, a)
    total = _ZERO
    day = start.date()
    while day <= end.date():
        for period_start, period_end in cal._local_periods(day):
            overlap = min(period_end, end) - max(period_start, start)
            if overlap > _ZERO:
                total += overlap
        day += _ONE_DAY
    return total


def subtract_working_time(
    cal: WorkCalendar, end: datetime.datetime, hours: Hours
) -> datetime.datetime:
    """The earliest moment from which exactly `hours` of working time pass until `end`: `end`
    minus `hours` of working time (e.g. "one working day before the deadline").

    Mirror of `add_working_time`: where the count lands exactly on the opening of a period,
    the result is the close of the working period before it (17:00 the day before, not
    07:30), as `add_working_time` gives the close of a period rather than the next opening;
    so the result is always a working moment and never a period's opening, and for a due
    moment `d` that `add_working_time` can give, ``add_working_time(cal, result, hours)``
    is `d` again. Zero hours give `end` itself inside a period, else the close of the last
    period before it.
    (Used for an apology letter's "issue by": docs/legal.md#issue-by-and-the-drafting-lead.)
    """
    duration = to_duration(hours)
    remaining = duration
    current = cal._to_local(end)
    day = current.date()
    days_off = 0
    while True:
        periods = cal._local_periods(day)
        days_off = 0 if periods else days_off + 1
        if days_off > MAX_CONSECUTIVE_DAYS_OFF:
            raise ValueError("The working calendar has no working day in more than a year.")
        for period_start, period_end in reversed(periods):
            if period_start >= current:
                continue
            finish = min(current, period_end)
            available = finish - period_start
            if remaining < available:
                return cal._to_aware(finish - remaining)
            remaining -= available
            current = period_start
        day -= _ONE_DAY


def working_days_late(cal: WorkCalendar, due: datetime.datetime, now: datetime.datetime) -> int:
    """How many working days a dossier is late, as a person counts them on a calendar: the
    working days after the day of the deadline, up to and including today. A dossier due on
    Monday is one day late on Tuesday, whatever the hour; late since earlier today, 0.
    Not late (``now`` not after ``due``): 0."""
    _require_aware(due)
    _require_aware(now)
    if now <= due:
        return 0
    day, today = cal._to_local(due).date() + _ONE_DAY, cal._to_local(now).date()
    late = 0
    while day <= today:
        late += cal.is_working_day(day)
        day += _ONE_DAY
    return late


def apply_same_day_cutoff(
    cal: WorkCalendar, received_at: datetime.datetime, cutoff: datetime.time | None
) -> DueResult:
    """Due at the end of the working day if received before the cut-off, else at the end
    of the next working day."""
    received = cal._to_local(received_at)
    start = _first_working_moment(cal, received)
    before = cutoff is None or start.time() < cutoff
    day = start.date() if before else _next_working_day(cal, start.date())
    due = cal._local_periods(day)[-1][1]
    steps: list[dict[str, Any]] = [
        _start_step(cal, received),
        {
            "kind": "same_day",
            "cutoff": cutoff.strftime("%H:%M") if cutoff is not None else None,
            "before_cutoff": before,
            # Received outside office hours: counted from the next opening, which is what
            # "before the cut-off" refers to (the "start" line says when it really came in).
            **({"counted_from": _iso(cal, start)} if start != received else {}),
            "day": day.isoformat(),
        },
        *_day_steps(cal, received, due),
        {"kind": "due", "at": _iso(cal, due)},
    ]
    return DueResult(
        due_at=cal._to_aware(due),
        start_at=cal._to_aware(start),
        explanation=Explanation(tuple(steps)),
    )


def extend_by_pause(
    cal: WorkCalendar,
    due_at: datetime.datetime,
    pause_start: datetime.datetime,
    pause_end: datetime.datetime,
) -> DueResult:
    """Moves `due_at` by the working time inside [pause_start, pause_end]."""
    if pause_end < pause_start:
        raise ValueError("A pause cannot end before it starts.")
    paused = working_time_between(cal, pause_start, pause_end)
    steps: list[dict[str, Any]] = [
        {
            "kind": "pause",
            "from": _iso(cal, cal._to_local(pause_start)),
            "to": _iso(cal, cal._to_local(pause_end)),
            "seconds": _seconds(paused),
        }
    ]
    moved = due_at.astimezone(cal.tz)
    if paused > _ZERO:
        previous = cal._to_local(due_at)
        due = _add(cal, previous, paused)
        steps += [
            *_day_steps(cal, previous, due),
            {"kind": "due", "at": _iso(cal, due), "revised": True},
        ]
        moved = cal._to_aware(due)
    return DueResult(
        due_at=moved,
        start_at=pause_end.astimezone(cal.tz),
        explanation=Explanation(tuple(steps)),
    )


def compute_due(
    cal: WorkCalendar,
    *,
    received_at: datetime.datetime,
    hours: Hours,
    same_day: bool = False,
    cutoff: datetime.time | None = None,
    calendar_days: int | None = None,
) -> DueResult:
    """The due moment of a dossier received at `received_at`: the one entry point.

    `calendar_days` (not None) states the limit in calendar days and `hours` is then not
    used for the due moment; otherwise `hours` of working time (working days converted by
    the caller). The same-day rule wins over both."""
    if same_day:
        to_duration(hours)  # still refuse nonsense
        return apply_same_day_cutoff(cal, received_at, cutoff)
    if calendar_days is not None:
        return add_calendar_days(cal, received_at, calendar_days)
    return add_working_time(cal, received_at, hours)


def to_duration(hours: Hours) -> datetime.timedelta:
    """Hours (int, Decimal, float) or a timedelta as a non-negative timedelta."""
    if isinstance(hours, datetime.timedelta):
        duration = hours
    elif isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise TypeError(f"Working hours must be a number or a timedelta, not {hours!r}.")
    else:
        try:
            seconds = (Decimal(str(hours)) * 3600).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        except InvalidOperation as error:
            raise ValueError(f"Working hours must be a finite number, not {hours!r}.") from error
        duration = datetime.timedelta(seconds=int(seconds))
    if duration < _ZERO:
        raise ValueError("Working hours cannot be negative.")
    return duration


def _add(
    cal: WorkCalendar, start: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    remaining = duration
    current = start
    day = start.date()
    days_off = 0
    while True:
        periods = cal._local_periods(day)
        days_off = 0 if periods else days_off + 1
        if days_off > MAX_CONSECUTIVE_DAYS_OFF:
            raise ValueError("The working calendar has no working day in more than a year.")
        for period_start, period_end in periods:
            if current > period_end:
                continue
            begin = max(current, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            current = period_end
        day += _ONE_DAY


def _first_working_moment(cal: WorkCalendar, moment: datetime.datetime) -> datetime.datetime:
    """The first moment at or after `moment` from which working time accrues."""
    day = moment.date()
    for _ in range(MAX_CONSECUTIVE_DAYS_OFF + 1):
        for period_start, period_end in cal._local_periods(day):
            if moment < period_end:
                return max(moment, period_start)
        day += _ONE_DAY
    raise ValueError("The working calendar has no working day in more than a year.")


def _next_working_day(cal: WorkCalendar, day: datetime.date) -> datetime.date:
    for _ in range(MAX_CONSECUTIVE_DAYS_OFF + 1):
        day += _ONE_DAY
        if cal.is_working_day(day):
            return day
    raise ValueError("The working calendar has no working day in more than a year.")


def _start_step(cal: WorkCalendar, received: datetime.datetime) -> dict[str, Any]:
    return {
        "kind": "start",
        "received_at": _iso(cal, received),
        "at": _iso(cal, _first_working_moment(cal, received)),
    }


def _day_steps(
    cal: WorkCalendar, start: datetime.datetime, end: datetime.datetime
) -> Iterator[dict[str, Any]]:
    """Each day off skipped, and each weekend day worked, between two local moments."""
    day = start.date()
    while day <= end.date():
        status = cal.day_status(day)
        if not status.working:
            yield {
                "kind": "skip",
                "date": day.isoformat(),
                "reason": status.source,
                "name": dict(status.names),
            }
        elif status.source in ("make_up", "override_working"):
            yield {
                "kind": "make_up",
                "date": day.isoformat(),
                "reason": status.source,
                "name": dict(status.names),
            }
        day += _ONE_DAY


def _iso(cal: WorkCalendar, local: datetime.datetime) -> str:
    return cal._to_aware(local).isoformat()


def _seconds(duration: datetime.timedelta) -> int | float:
    seconds = duration.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _require_aware(moment: datetime.datetime) -> None:
    if not isinstance(moment, datetime.datetime):
        raise TypeError(f"Expected a datetime, not {moment!r}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"The deadline engine needs timezone-aware datetimes, not {moment!r}.")


# --- rendering -----------------------------------------------------------------------------

_MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "start": "Bắt đầu tính: {at}",
        "start_moved": "Nhận lúc {received}, ngoài giờ làm việc: bắt đầu tính từ {at}",
        "limit": "Thời hạn giải quyết: {duration} làm việc",
        "calendar_days": "Thời hạn giải quyết: {days} ngày, không tính ngày tiếp nhận {received}; ngày cuối cùng của thời hạn: {last}",
        "roll": "Ngày cuối cùng {from_day} là ngày nghỉ: thời hạn kết thúc vào cuối ngày làm việc tiếp theo, {to_day}",
        "skip": "Bỏ qua {day}: {reason}",
        "weekend": "nghỉ cuối tuần",
        "holiday": "nghỉ lễ, Tết – {name}",
        "override_off": "ngày nghỉ thêm – {name}",
        "make_up": "Tính {day} là ngày làm việc bù",
        "override_working": "Tính {day} là ngày làm việc thêm – {name}",
        "same_day_before": "Thủ tục giải quyết trong ngày, nhận trước {cutoff}: hạn trả cuối ngày làm việc {day}",
        "same_day_moved": "Thủ tục giải quyết trong ngày, tính từ {at}, trước {cutoff}: hạn trả cuối ngày làm việc {day}",
        "same_day_after": "Thủ tục giải quyết trong ngày, nhận từ {cutoff} trở đi: hạn trả cuối ngày làm việc tiếp theo, {day}",
        "same_day": "Thủ tục giải quyết trong ngày: hạn trả cuối ngày làm việc {day}",
        "pause": "Tạm dừng tính thời hạn từ {start} đến {end}: cộng thêm {duration} làm việc",
        "pause_none": "Tạm dừng tính thời hạn từ {start} đến {end}: không có giờ làm việc nào, hạn trả giữ nguyên",
        "due": "Hạn trả: {at}",
        "due_revised": "Hạn trả mới: {at}",
        "apology_extension": "Gia hạn theo Phiếu xin lỗi số {letter}: hạn trả mới {at}",
        "hours": "{hours} giờ",
        "hours_minutes": "{hours} giờ {minutes} phút",
        "minutes": "{minutes} phút",
    },
    "en": {
        "start": "Counting starts: {at}",
        "start_moved": "Received {received}, outside office hours: counting starts {at}",
        "limit": "Time limit: {duration} of working time",
        "calendar_days": "Time limit: {days} calendar days, not counting the day of receipt {received}; last day of the limit: {last}",
        "roll": "The last day {from_day} is a day off: the limit ends at the end of the next working day, {to_day}",
        "skip": "Skipped {day}: {reason}",
        "weekend": "weekend",
        "holiday": "public holiday – {name}",
        "override_off": "extra day off – {name}",
        "make_up": "{day} counted as a make-up working day",
        "override_working": "{day} counted as an extra working day – {name}",
        "same_day_before": "Same-day procedure received before {cutoff}: due at the end of the working day {day}",
        "same_day_moved": "Same-day procedure counted from {at}, before {cutoff}: due at the end of the working day {day}",
        "same_day_after": "Same-day procedure received at or after {cutoff}: due at the end of the next working day, {day}",
        "same_day": "Same-day procedure: due at the end of the working day {day}",
        "pause": "Clock paused from {start} to {end}: {duration} of working time added",
        "pause_none": "Clock paused from {start} to {end}: no working time in it, due moment unchanged",
        "due": "Due: {at}",
        "due_revised": "New due moment: {at}",
        "apology_extension": "Extended by apology letter {letter}: new due moment {at}",
        "hours": "{hours} h",
        "hours_minutes": "{hours} h {minutes} min",
        "minutes": "{minutes} min",
    },
}
_WEEKDAYS = {
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _lang(lang: str | None) -> Lang:
    if lang is None:
        try:
            from django.utils import translation

            lang = translation.get_language() or "vi"
        except Exception:  # Django absent or not configured: the default language
            lang = "vi"
    return "en" if lang.lower().startswith("en") else "vi"


def format_day(day: datetime.date, lang: str = "vi") -> str:
    """ "thứ Sáu 24/01/2025" / "Friday 24 January 2025"."""
    code = _lang(lang)
    weekday = _WEEKDAYS[code][day.weekday()]
    if code == "en":
        return f"{weekday} {day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{weekday} {day:%d/%m/%Y}"


def format_dated(day: datetime.date, lang: str = "vi") -> str:
    """ "27/01/2025 (thứ Hai)" / "27 January 2025 (Monday)"."""
    code = _lang(lang)
    weekday = _WEEKDAYS[code][day.weekday()]
    if code == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year} ({weekday})"
    return f"{day:%d/%m/%Y} ({weekday})"


def format_moment(moment: datetime.datetime, lang: str = "vi") -> str:
    """ "09:00 thứ Sáu 24/01/2025", in the moment's own offset."""
    clock = f"{moment:%H:%M:%S}" if moment.second or moment.microsecond else f"{moment:%H:%M}"
    return f"{clock} {format_day(moment.date(), lang)}"


def format_duration(duration: datetime.timedelta | float, lang: str = "vi") -> str:
    seconds = duration.total_seconds() if isinstance(duration, datetime.timedelta) else duration
    minutes_total = math.ceil(round(seconds, 6) / 60)
    hours, minutes = divmod(minutes_total, 60)
    messages = _MESSAGES[_lang(lang)]
    if hours and minutes:
        return messages["hours_minutes"].format(hours=hours, minutes=minutes)
    if minutes:
        return messages["minutes"].format(minutes=minutes)
    return messages["hours"].format(hours=hours)


def render_explanation(
    explanation: Explanation | Sequence[Mapping[str, Any]], lang: str | None = None
) -> list[str]:
    """Human sentences for a stored explanation, in "vi" or "en" (default: the active
    Django language, else Vietnamese). Unknown steps are left out."""
    code = _lang(lang)
    steps = explanation.steps if isinstance(explanation, Explanation) else explanation
    lines = []
    for step in steps:
        line = _render_step(step, code)
        if line:
            lines.append(line)
    return lines


def _render_step(step: Mapping[str, Any], lang: Lang) -> str | None:
    messages = _MESSAGES[lang]

    def moment(key: str) -> str:
        return format_moment(datetime.datetime.fromisoformat(step[key]), lang)

    def dated(key: str) -> str:
        return format_dated(datetime.date.fromisoformat(step[key]), lang)

    def name() -> str:
        names = step.get("name") or {}
        return str(names.get(lang) or names.get("vi") or "")

    kind = step.get("kind")
    try:
        if kind == "start":
            if step.get("received_at") and step["received_at"] != step["at"]:
                return messages["start_moved"].format(
                    received=moment("received_at"), at=moment("at")
                )
            return messages["start"].format(at=moment("at"))
        if kind == "limit":
            return messages["limit"].format(duration=format_duration(step["seconds"], lang))
        if kind == "calendar_days":
            return messages["calendar_days"].format(
                days=int(step["days"]), received=dated("received_on"), last=dated("last_day")
            )
        if kind == "roll":
            return messages["roll"].format(from_day=dated("from"), to_day=dated("to"))
        if kind == "skip":
            reason = step.get("reason")
            text = messages[reason if reason in ("holiday", "override_off") else "weekend"]
            return messages["skip"].format(day=dated("date"), reason=text.format(name=name()))
        if kind == "make_up":
            key = "override_working" if step.get("reason") == "override_working" else "make_up"
            return messages[key].format(day=dated("date"), name=name())
        if kind == "same_day":
            if not step.get("cutoff"):
                key = "same_day"
            elif not step["before_cutoff"]:
                key = "same_day_after"
            else:
                key = "same_day_moved" if step.get("counted_from") else "same_day_before"
            at = moment("counted_from") if step.get("counted_from") else ""
            return messages[key].format(cutoff=step.get("cutoff"), day=dated("day"), at=at)
        if kind == "pause":
            key = "pause" if step.get("seconds") else "pause_none"
            return messages[key].format(
                start=moment("from"),
                end=moment("to"),
                duration=format_duration(step["seconds"], lang),
            )
        if kind == "due":
            return messages["due_revised" if step.get("revised") else "due"].format(at=moment("at"))
        if kind == "apology_extension":
            return messages["apology_extension"].format(
                letter=step.get("letter", ""), at=moment("to")
            )
        if kind in _PERIOD_KINDS:
            return _render_period_step(step, lang)
    except (KeyError, TypeError, ValueError):
        return None
    return None


# --- verification periods and excluded periods ---------------------------------------------
# (docs/legal.md#v1-verification-periods-extend-the-deadline,
# docs/legal.md#x1-excluded-periods-pause-the-clock)
#
# - **Verification** moves the due moment later by the allowance the staff recorded: working
#   time added exactly as a limit is (`extend_by_working_time`), or calendar days counted
#   from the day after the day of the due moment, ending at the close of the last day or of
#   the next working day when it is off (`extend_by_calendar_days`, Civil Code Art. 147-148
#   as for a limit). A result is never earlier than the due moment it extends.
# - **An excluded period** pauses the clock like a pause for the citizen: at its end the due
#   moment moves by the working time inside it (`extend_by_pause`), at most the procedure's
#   maximum; for a procedure whose limit is in calendar days, by the calendar days it lasted
#   (`calendar_days_between`: the day it starts is not counted, the day it ends is).


def extend_by_working_time(cal: WorkCalendar, due_at: datetime.datetime, hours: Hours) -> DueResult:
    """`due_at` moved later by `hours` of working time; zero leaves it unchanged."""
    duration = to_duration(hours)
    previous = cal._to_local(due_at)
    if duration <= _ZERO:
        return DueResult(due_at.astimezone(cal.tz), due_at.astimezone(cal.tz), Explanation())
    due = _add(cal, previous, duration)
    steps: list[dict[str, Any]] = [
        *_day_steps(cal, previous, due),
        {"kind": "due", "at": _iso(cal, due), "revised": True},
    ]
    return DueResult(cal._to_aware(due), due_at.astimezone(cal.tz), Explanation(tuple(steps)))


def extend_by_calendar_days(cal: WorkCalendar, due_at: datetime.datetime, days: int) -> DueResult:
    """`due_at` moved to the close of the `days`-th calendar day after its own day, or of the
    next working day when that day is off; zero days leave it unchanged."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"Calendar days must be a whole number, not {days!r}.")
    if days < 0:
        raise ValueError("Calendar days cannot be negative.")
    previous = cal._to_local(due_at)
    if days == 0:
        return DueResult(due_at.astimezone(cal.tz), due_at.astimezone(cal.tz), Explanation())
    last = previous.date() + datetime.timedelta(days=days)
    end_day = last if cal.is_working_day(last) else _next_working_day(cal, last)
    due = max(cal._local_periods(end_day)[-1][1], previous)
    steps: list[dict[str, Any]] = []
    if end_day != last:
        day = last
        while day < end_day:
            status = cal.day_status(day)
            steps.append(
                {
                    "kind": "skip",
                    "date": day.isoformat(),
                    "reason": status.source,
                    "name": dict(status.names),
                }
            )
            day += _ONE_DAY
        steps.append({"kind": "roll", "from": last.isoformat(), "to": end_day.isoformat()})
    steps.append({"kind": "due", "at": _iso(cal, due), "revised": True})
    return DueResult(cal._to_aware(due), due_at.astimezone(cal.tz), Explanation(tuple(steps)))


def calendar_days_between(
    cal: WorkCalendar, start: datetime.datetime, end: datetime.datetime
) -> int:
    """Calendar days a period took, as a limit in days counts them: the day it started is
    not counted, the day it ended is (a period started and ended on one day: 0)."""
    return max((cal._to_local(end).date() - cal._to_local(start).date()).days, 0)


_PERIOD_KINDS = ("verification", "excluded_start", "excluded")
_PERIOD_MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "verification": "Cần xác minh ({reason}): thời hạn kéo dài thêm {amount} theo {basis}, không phải xin lỗi, không tính là trễ hạn",
        "verification_total": "Cần xác minh ({reason}): thời hạn giải quyết tối đa {amount} kể từ khi tiếp nhận, theo {basis}; không phải xin lỗi, không tính là trễ hạn",
        "excluded_start": "Từ {start}: {name} ({reason}), thời gian này không tính vào thời hạn giải quyết (tối đa {max}, theo {basis})",
        "excluded": "Không tính thời gian {name} từ {start} đến {end}: cộng thêm {counted} vào thời hạn",
        "excluded_capped": "Không tính thời gian {name} từ {start} đến {end}: cộng thêm {counted}, là thời gian tối đa được trừ; phần vượt vẫn tính vào thời hạn",
        "excluded_none": "Không tính thời gian {name} từ {start} đến {end}: không có thời gian làm việc nào, hạn trả giữ nguyên",
        "working_days": "{n} ngày làm việc",
        "working_hours": "{n} giờ làm việc",
        "calendar_days": "{n} ngày",
    },
    "en": {
        "verification": "Verification needed ({reason}): the limit is extended by {amount} under {basis}; no apology, not counted late",
        "verification_total": "Verification needed ({reason}): the limit becomes at most {amount} from reception under {basis}; no apology, not counted late",
        "excluded_start": "From {start}: {name} ({reason}); this time is not counted in the limit (at most {max}, under {basis})",
        "excluded": "{name} from {start} to {end} not counted: {counted} added to the limit",
        "excluded_capped": "{name} from {start} to {end} not counted: {counted} added, the most that may be left out; the rest counts",
        "excluded_none": "{name} from {start} to {end} not counted: no working time in it, due moment unchanged",
        "working_days": "{n} working days",
        "working_hours": "{n} working hours",
        "calendar_days": "{n} calendar days",
    },
}


def format_amount(amount: int, unit: str, lang: str = "vi") -> str:
    """ "5 ngày làm việc" / "5 working days"; "15 ngày" / "15 calendar days"."""
    messages = _PERIOD_MESSAGES[_lang(lang)]
    return messages[unit if unit in ("working_hours", "calendar_days") else "working_days"].format(
        n=amount
    )


def _render_period_step(step: Mapping[str, Any], lang: Lang) -> str | None:
    messages = _PERIOD_MESSAGES[lang]

    def moment(key: str) -> str:
        return format_moment(datetime.datetime.fromisoformat(step[key]), lang)

    def named(key: str) -> str:
        names = step.get(key) or {}
        return str(names.get(lang) or names.get("vi") or "") if isinstance(names, dict) else ""

    kind = step["kind"]
    if kind == "verification":
        key = "verification_total" if step.get("mode") == "total" else "verification"
        return messages[key].format(
            reason=step.get("reason", ""),
            amount=format_amount(int(step["amount"]), step["unit"], lang),
            basis=step.get("basis", ""),
        )
    if kind == "excluded_start":
        return messages["excluded_start"].format(
            start=moment("from"),
            name=named("name"),
            reason=step.get("reason", ""),
            max=format_amount(int(step["max_amount"]), step["max_unit"], lang),
            basis=step.get("basis", ""),
        )
    if step.get("days") is not None:
        counted = format_amount(int(step["days"]), "calendar_days", lang)
        nothing = not step["days"]
    else:
        counted = format_duration(step["seconds"], lang)
        nothing = not step["seconds"]
    key = "excluded_none" if nothing else "excluded_capped" if step.get("capped") else "excluded"
    text = messages[key].format(
        name=named("name"), start=moment("from"), end=moment("to"), counted=counted
    )
    return text[:1].upper() + text[1:]
