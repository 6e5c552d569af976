"""The deadline engine on real Vietnamese calendars: tables of dates (docs/design.md §6)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from workcalendar import engine
from workcalendar.engine import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
CAL = WorkCalendar()


def at(text: str) -> datetime.datetime:
    """ "2025-01-24 09:00" in Asia/Ho_Chi_Minh."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        # Tết 2025: 27 January – 1 February off (Mon 27 is 28 tháng Chạp), then the weekend.
        ("2025-01-24 09:00", 24, "2025-02-05 09:00"),
        ("2025-01-24 09:00", 8, "2025-02-03 09:00"),
        ("2025-01-23 16:00", 4, "2025-01-24 10:30"),
        ("2025-01-25 10:00", 8, "2025-02-03 17:00"),  # received on Saturday, ends at closing
        ("2025-01-24 18:00", 1, "2025-02-03 08:30"),
        # 30 April – 1 May 2025: Saturday 26 April worked, Friday 2 May off in exchange.
        ("2025-04-25 09:00", 8, "2025-04-26 09:00"),
        ("2025-04-25 09:00", 16, "2025-04-28 09:00"),
        ("2025-04-25 18:00", 4, "2025-04-26 11:30"),
        ("2025-04-29 09:00", 8, "2025-05-05 09:00"),
        ("2025-04-29 09:00", 4, "2025-04-29 14:30"),
        ("2025-04-29 16:00", 2, "2025-05-05 08:30"),
        # 2 September 2025: Monday 1 and Tuesday 2 September off.
        ("2025-08-29 09:00", 8, "2025-09-03 09:00"),
        ("2025-08-30 10:00", 8, "2025-09-03 17:00"),
        ("2025-08-29 09:00", 40, "2025-09-09 09:00"),
        # Tết 2026: 16–20 February off.
        ("2026-02-13 09:00", 8, "2026-02-23 09:00"),
        ("2026-02-13 09:00", 24, "2026-02-25 09:00"),
        ("2026-02-13 16:00", 1, "2026-02-13 17:00"),  # ends exactly at closing: that day
        ("2026-02-13 16:00", 2, "2026-02-23 08:30"),
        # An ordinary week, and office-hour boundaries.
        ("2025-10-08 09:00", 24, "2025-10-13 09:00"),
        ("2025-10-08 11:30", 1, "2025-10-08 14:00"),  # lunch is not working time
        ("2025-10-08 12:00", 4, "2025-10-08 17:00"),  # starts at 13:00, ends at 17:00 sharp
        ("2025-10-08 07:00", 4, "2025-10-08 11:30"),  # starts at 07:30
        ("2025-10-08 17:30", Decimal("0.5"), "2025-10-09 08:00"),
        ("2025-10-08 09:00", 4.5, "2025-10-08 15:00"),
    ],
)
def test_due_moment_on_real_dates(received, hours, due):
    result = engine.compute_due(CAL, received_at=at(received), hours=hours)

    assert result.due_at == at(due)
    assert result.due_at.tzinfo == HCM


def test_the_tet_2025_example_in_iso_8601():
    result = engine.compute_due(CAL, received_at=at("2025-01-24 09:00"), hours=24)

    assert result.due_at.isoformat() == "2025-02-05T09:00:00+07:00"
    assert result.start_at == at("2025-01-24 09:00")


@pytest.mark.parametrize(
    ("received", "start"),
    [
        ("2025-01-24 18:00", "2025-02-03 07:30"),  # Friday evening before Tết
        ("2025-04-25 17:00", "2025-04-26 07:30"),  # closing time: the make-up Saturday
        ("2025-10-08 12:15", "2025-10-08 13:00"),
        ("2025-10-08 06:00", "2025-10-08 07:30"),
        ("2025-08-31 10:00", "2025-09-03 07:30"),
    ],
)
def test_received_outside_office_hours_starts_at_the_next_working_moment(received, start):
    result = engine.compute_due(CAL, received_at=at(received), hours=8)

    assert result.start_at == at(start)


def test_hours_may_be_a_timedelta_and_moments_may_come_in_utc():
    received = datetime.datetime(2025, 1, 24, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội

    result = engine.add_working_time(CAL, received, datetime.timedelta(hours=24))

    assert result.due_at.isoformat() == "2025-02-05T09:00:00+07:00"


def test_working_time_between_two_moments():
    assert engine.working_time_between(CAL, at("2025-01-24 09:00"), at("2025-02-05 09:00")) == (
        datetime.timedelta(hours=24)
    )
    assert engine.working_time_between(CAL, at("2025-04-26 00:00"), at("2025-04-27 23:59")) == (
        datetime.timedelta(hours=8)
    )
    assert engine.working_time_between(CAL, at("2025-09-01 00:00"), at("2025-09-02 23:59")) == (
        datetime.timedelta(0)
    )
    assert engine.working_time_between(CAL, at("2025-02-05 09:00"), at("2025-01-24 09:00")) == (
        -datetime.timedelta(hours=24)
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-01-27", False),  # 28 tháng Chạp
        ("2025-02-03", True),
        ("2025-04-26", True),  # make-up Saturday
        ("2025-04-27", False),
        ("2025-05-02", False),  # substitute day off
        ("2025-09-01", False),
        ("2025-09-02", False),
        ("2025-09-03", True),
        ("2026-02-16", False),
        ("2026-02-20", False),
        ("2026-02-23", True),
    ],
)
def test_working_days_of_the_year(day, working):
    assert CAL.is_working_day(datetime.date.fromisoformat(day)) is working


def test_a_day_off_says_why_in_both_languages():
    assert CAL.day_off_reason(datetime.date(2025, 1, 29)) == "Tết Nguyên đán (mùng 1 tháng Giêng)"
    assert CAL.day_off_reason(datetime.date(2025, 1, 29), "en") == "Lunar New Year (1st day)"
    assert CAL.day_off_reason(datetime.date(2025, 9, 2)) == "Quốc khánh"
    assert CAL.day_off_reason(datetime.date(2025, 1, 25)) == "nghỉ cuối tuần"
    assert CAL.day_off_reason(datetime.date(2025, 4, 26)) is None


# --- the same-day rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2025-01-24 14:59", "2025-01-24 17:00"),  # before the cut-off: today
        ("2025-01-24 15:00", "2025-02-03 17:00"),  # at the cut-off: next working day, after Tết
        ("2025-01-24 16:30", "2025-02-03 17:00"),
        ("2025-04-25 15:30", "2025-04-26 17:00"),  # next working day is the make-up Saturday
        ("2025-08-30 10:00", "2025-09-03 17:00"),  # received on a day off: first working day
        ("2025-08-28 18:00", "2025-08-29 17:00"),  # after closing: counts as next morning
        ("2026-02-13 12:00", "2026-02-13 17:00"),  # lunch, then 13:00 is before 15:00
    ],
)
def test_same_day_procedures_with_a_cutoff(received, due):
    result = engine.compute_due(
        CAL, received_at=at(received), hours=8, same_day=True, cutoff=datetime.time(15, 0)
    )

    assert result.due_at == at(due)


def test_same_day_without_a_cutoff_is_due_at_the_end_of_the_day():
    result = engine.compute_due(CAL, received_at=at("2025-10-08 16:55"), hours=0, same_day=True)

    assert result.due_at == at("2025-10-08 17:00")


def test_apply_same_day_cutoff_says_which_rule_applied():
    before = engine.apply_same_day_cutoff(CAL, at("2025-01-24 10:00"), datetime.time(15, 0))
    after = engine.apply_same_day_cutoff(CAL, at("2025-01-24 15:10"), datetime.time(15, 0))

    assert (
        "Thủ tục giải quyết trong ngày, nhận trước 15:00: hạn trả cuối ngày làm việc "
        "24/01/2025 (thứ Sáu)" in before.explanation.render("vi")
    )
    assert (
        "Thủ tục giải quyết trong ngày, nhận từ 15:00 trở đi: hạn trả cuối ngày làm việc tiếp "
        "theo, 03/02/2025 (thứ Hai)" in after.explanation.render("vi")
    )


def test_a_same_day_dossier_received_after_hours_tells_one_receipt_not_two():
    """Received at 18:00: one line says when it came in and from when it counts; the rule's
    line speaks of that moment, never of a receipt "before 15:00" it did not have."""
    late = engine.apply_same_day_cutoff(CAL, at("2025-08-28 18:00"), datetime.time(15, 0))

    lines = late.explanation.render("vi")

    assert not any("nhận trước 15:00" in line for line in lines)
    assert sum("Nhận lúc" in line for line in lines) == 1
    assert any(
        line.startswith("Thủ tục giải quyết trong ngày, tính từ 07:30 thứ Sáu 29/08/2025")
        and "trước 15:00: hạn trả cuối ngày làm việc 29/08/2025" in line
        for line in lines
    ), lines


# --- pauses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "pause_start", "pause_end", "new_due"),
    [
        # A full working day paused moves the due moment by a working day.
        ("2025-02-05 09:00", "2025-02-03 10:00", "2025-02-04 10:00", "2025-02-06 09:00"),
        # Paused over Tết: only Friday 16:00–17:00 and Monday 07:30–08:00 count.
        ("2025-02-05 09:00", "2025-01-24 16:00", "2025-02-03 08:00", "2025-02-05 10:30"),
        # A pause over a weekend only changes nothing.
        ("2025-10-13 09:00", "2025-10-11 08:00", "2025-10-12 16:00", "2025-10-13 09:00"),
        # Moved over 30 April – 2 May.
        ("2025-04-29 15:00", "2025-04-28 15:00", "2025-04-29 09:00", "2025-05-05 09:00"),
    ],
)
def test_a_pause_moves_the_due_moment_by_its_working_time(due, pause_start, pause_end, new_due):
    result = engine.extend_by_pause(CAL, at(due), at(pause_start), at(pause_end))

    assert result.due_at == at(new_due)


def test_a_zero_pause_changes_nothing():
    result = engine.extend_by_pause(
        CAL, at("2025-02-05 09:00"), at("2025-02-03 10:00"), at("2025-02-03 10:00")
    )

    assert result.due_at == at("2025-02-05 09:00")
    assert result.explanation.render("vi") == [
        "Tạm dừng tính thời hạn từ 10:00 thứ Hai 03/02/2025 đến 10:00 thứ Hai 03/02/2025: "
        "không có giờ làm việc nào, hạn trả giữ nguyên"
    ]


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="cannot end before it starts"):
        engine.extend_by_pause(
            CAL, at("2025-02-05 09:00"), at("2025-02-04 10:00"), at("2025-02-03 10:00")
        )


# --- calendars with other office hours and overrides ----------------------------------------


def test_an_agency_with_other_office_hours():
    cal = WorkCalendar(
        periods=(
            (datetime.time(8, 0), datetime.time(12, 0)),
            (datetime.time(13, 30), datetime.time(17, 30)),
        )
    )

    result = engine.compute_due(cal, received_at=at("2025-10-08 07:45"), hours=6)

    assert result.start_at == at("2025-10-08 08:00")
    assert result.due_at == at("2025-10-08 15:30")


def test_overrides_add_a_day_off_and_a_working_saturday():
    cal = WorkCalendar(
        extra_days_off={datetime.date(2025, 9, 3): "Nghỉ thêm dịp Quốc khánh"},
        extra_working_days={datetime.date(2025, 9, 6): "Làm bù ngày 03/9"},
    )

    assert engine.compute_due(cal, received_at=at("2025-08-29 09:00"), hours=8).due_at == at(
        "2025-09-04 09:00"
    )
    assert engine.compute_due(cal, received_at=at("2025-09-05 09:00"), hours=8).due_at == at(
        "2025-09-06 09:00"
    )
    assert cal.day_off_reason(datetime.date(2025, 9, 3)) == "Nghỉ thêm dịp Quốc khánh"


def test_an_override_can_make_a_holiday_a_working_day():
    cal = WorkCalendar(extra_working_days={datetime.date(2025, 5, 2): "Trực tiếp nhận hồ sơ"})

    result = engine.compute_due(cal, received_at=at("2025-04-29 09:00"), hours=8)

    assert result.due_at == at("2025-05-02 09:00")


def test_conflicting_overrides_in_one_calendar_are_refused():
    day = datetime.date(2025, 9, 3)

    with pytest.raises(ValueError, match="03/09/2025 is both a day off and a working day"):
        WorkCalendar(extra_days_off={day: "Nghỉ"}, extra_working_days={day: "Làm"})


def test_overlapping_office_periods_are_refused():
    with pytest.raises(ValueError, match="must not overlap"):
        WorkCalendar(
            periods=(
                (datetime.time(7, 30), datetime.time(12, 0)),
                (datetime.time(11, 0), datetime.time(17, 0)),
            )
        )


# --- bad input -----------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime.datetime(2025, 1, 24, 9, 0)

    with pytest.raises(ValueError, match="timezone-aware"):
        engine.compute_due(CAL, received_at=naive, hours=8)
    with pytest.raises(ValueError, match="timezone-aware"):
        engine.working_time_between(CAL, naive, at("2025-01-25 09:00"))


@pytest.mark.parametrize("hours", [-1, Decimal("-0.5"), float("nan"), datetime.timedelta(hours=-1)])
def test_negative_or_meaningless_hours_are_refused(hours):
    with pytest.raises(ValueError):
        engine.compute_due(CAL, received_at=at("2025-01-24 09:00"), hours=hours)


def test_zero_hours_at_closing_time_is_that_closing_time():
    closing = at("2025-01-24 17:00")

    assert engine.add_working_time(CAL, closing, 0).due_at == closing
    assert engine.add_working_time(CAL, at("2025-01-24 11:30"), 0).due_at == at("2025-01-24 11:30")
    assert engine.add_working_time(CAL, at("2025-01-25 10:00"), 0).due_at == at("2025-02-03 07:30")


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        ("2025-10-08 07:30", True),
        ("2025-10-08 11:30", True),  # a period's end is still a working moment
        ("2025-10-08 11:31", False),
        ("2025-10-08 17:00", True),
        ("2025-10-08 17:01", False),
        ("2025-04-26 09:00", True),  # make-up Saturday
        ("2025-09-02 09:00", False),
    ],
)
def test_working_moments(moment, working):
    assert CAL.is_working_moment(at(moment)) is working


@pytest.mark.parametrize(
    ("due", "now", "late"),
    [
        ("2025-10-13 09:00", "2025-10-13 08:00", 0),  # not yet due
        ("2025-10-13 09:00", "2025-10-13 16:00", 0),  # late since this morning
        ("2025-10-13 17:00", "2025-10-14 07:45", 1),  # Monday's dossier on Tuesday, early
        ("2025-10-13 09:00", "2025-10-14 16:00", 1),  # … and late in the day
        ("2025-10-09 09:00", "2025-10-13 10:00", 2),  # Thursday → Monday: Friday, Monday
        ("2025-10-10 09:00", "2025-10-11 10:00", 0),  # a Saturday is no working day
        ("2025-10-01 09:00", "2025-10-10 10:00", 7),  # seven working days after the 1st
        # Tết 2026 (16–20 February off): due on Friday 13, seen Monday 23 → one day late.
        ("2026-02-13 17:00", "2026-02-23 09:00", 1),
        # Saturday 26 April 2025 was worked (30/4 swap): it counts.
        ("2025-04-25 09:00", "2025-04-28 09:00", 2),
    ],
)
def test_days_late_are_the_working_days_after_the_deadlines_day(due, now, late):
    assert engine.working_days_late(CAL, at(due), at(now)) == late
