"""Calendar-day limits ("N ngày" in a sector law) as the Civil Code 2015 counts them
(Art. 147(3): the day of receipt is not counted; Art. 148(5): a last day that is a day off
moves the end to the next working day). The project ends a day at its closing time, see
docs/legal.md."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.workcalendar.test_engine_properties import calendars, moments
from workcalendar import engine
from workcalendar.engine import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.mark.parametrize(
    ("received", "days", "due", "why"),
    [
        # Ends on a working day: at the close of that day, whatever the hour received.
        ("2025-03-04 09:00", 2, "2025-03-06 17:00", "Tuesday + 2 = Thursday"),
        ("2025-03-04 16:59", 2, "2025-03-06 17:00", "the hour of receipt does not matter"),
        ("2025-03-03 10:00", 30, "2025-04-02 17:00", "30 days across a month end"),
        # Ends on a Saturday or a Sunday: the close of Monday.
        ("2025-03-03 10:00", 5, "2025-03-10 17:00", "last day Saturday 8 March"),
        ("2025-03-03 10:00", 6, "2025-03-10 17:00", "last day Sunday 9 March"),
        # Ends during Tết 2025 (27 January - 2 February off): the close of Monday 3 February.
        ("2025-01-20 09:00", 7, "2025-02-03 17:00", "last day Monday 27 January, 29 Tết"),
        ("2025-01-17 09:00", 12, "2025-02-03 17:00", "last day Wednesday 29 January, Tết"),
        ("2025-01-24 09:00", 10, "2025-02-03 17:00", "last day Monday 3 February, working"),
        # Tết is counted inside a calendar-day limit: 15 days from 20 January.
        ("2025-01-20 09:00", 15, "2025-02-04 17:00", "Tết days count as days"),
        # 30 April - 1 May 2025: Saturday 26 April is a make-up working day, 2 May is off.
        ("2025-04-21 09:00", 5, "2025-04-26 17:00", "last day the make-up Saturday"),
        ("2025-04-25 09:00", 5, "2025-05-05 17:00", "last day 30 April, then 1-4 May off"),
        ("2025-04-29 09:00", 3, "2025-05-05 17:00", "last day Friday 2 May, the bridge day"),
        # 2 September 2025: Monday 1 and Tuesday 2 September off.
        ("2025-08-29 09:00", 3, "2025-09-03 17:00", "last day Monday 1 September"),
        # Received outside office hours: counted as received on the next working day.
        ("2025-03-08 10:00", 2, "2025-03-12 17:00", "Saturday: taken as Monday 10 March"),
        ("2025-03-04 20:00", 1, "2025-03-06 17:00", "20:00: taken as Wednesday 5 March"),
        ("2025-03-04 17:00", 1, "2025-03-06 17:00", "at closing: the next morning"),
        # Zero days: the close of the day of receipt.
        ("2025-03-04 09:00", 0, "2025-03-04 17:00", "zero days"),
    ],
)
def test_calendar_days_on_real_dates(received, days, due, why):
    result = engine.add_calendar_days(CAL, at(received), days)

    assert result.due_at == at(due), why


def test_the_explanation_names_the_last_day_and_the_roll():
    result = engine.add_calendar_days(CAL, at("2025-01-20 09:00"), 7)

    lines = result.explanation.render("vi")
    assert lines[0] == "Bắt đầu tính: 09:00 thứ Hai 20/01/2025"
    assert lines[1] == (
        "Thời hạn giải quyết: 7 ngày, không tính ngày tiếp nhận 20/01/2025 (thứ Hai); "
        "ngày cuối cùng của thời hạn: 27/01/2025 (thứ Hai)"
    )
    assert "Bỏ qua 29/01/2025 (thứ Tư): nghỉ lễ, Tết – Tết Nguyên đán (mùng 1 tháng Giêng)" in lines
    assert lines[-2] == (
        "Ngày cuối cùng 27/01/2025 (thứ Hai) là ngày nghỉ: thời hạn kết thúc vào cuối ngày "
        "làm việc tiếp theo, 03/02/2025 (thứ Hai)"
    )
    assert lines[-1] == "Hạn trả: 17:00 thứ Hai 03/02/2025"
    english = result.explanation.render("en")
    assert english[1].startswith("Time limit: 7 calendar days, not counting the day of receipt")
    assert english[-1] == "Due: 17:00 Monday 3 February 2025"


def test_a_make_up_saturday_ending_the_limit_is_explained():
    lines = engine.add_calendar_days(CAL, at("2025-04-21 09:00"), 5).explanation.render("vi")

    assert "Tính 26/04/2025 (thứ Bảy) là ngày làm việc bù" in lines


def test_an_agency_day_off_on_the_last_day_rolls_over():
    cal = WorkCalendar(extra_days_off={datetime.date(2025, 3, 6): "Kiểm kê"})

    result = engine.add_calendar_days(cal, at("2025-03-04 09:00"), 2)

    assert result.due_at == at("2025-03-07 17:00")
    assert "Bỏ qua 06/03/2025 (thứ Năm): ngày nghỉ thêm – Kiểm kê" in result.explanation.render()


def test_compute_due_takes_calendar_days_and_same_day_still_wins():
    calendar_days = engine.compute_due(
        CAL, received_at=at("2025-03-03 10:00"), hours=0, calendar_days=5
    )
    same_day = engine.compute_due(
        CAL,
        received_at=at("2025-03-03 10:00"),
        hours=8,
        same_day=True,
        cutoff=datetime.time(15),
        calendar_days=5,
    )

    assert calendar_days.due_at == at("2025-03-10 17:00")
    assert same_day.due_at == at("2025-03-03 17:00")


def test_the_explanation_survives_json():
    result = engine.add_calendar_days(CAL, at("2025-01-20 09:00"), 7)
    stored = engine.Explanation.from_json(result.explanation.to_json())

    assert stored.render("vi") == result.explanation.render("vi")


@pytest.mark.parametrize("days", [-1, 1.5, "3", True])
def test_nonsense_is_refused(days):
    with pytest.raises((TypeError, ValueError)):
        engine.add_calendar_days(CAL, at("2025-03-03 10:00"), days)


# --- properties ----------------------------------------------------------------------------

PROPERTIES = settings(deadline=None, max_examples=150)
day_counts = st.integers(min_value=0, max_value=120)


@PROPERTIES
@given(cal=calendars(), start=moments, days=day_counts)
@example(cal=WorkCalendar(), start=at("2025-01-20 09:00"), days=7)
def test_the_due_moment_is_the_close_of_a_working_day(cal, start, days):
    due = engine.add_calendar_days(cal, start, days).due_at
    local = due.astimezone(HCM)

    assert cal.is_working_day(local.date())
    assert local.time() == cal.periods[-1][1]
    assert cal.is_working_moment(due)
    assert due.tzinfo == HCM


@PROPERTIES
@given(cal=calendars(), start=moments, days=day_counts, more=st.integers(0, 40))
def test_a_longer_limit_is_never_due_earlier(cal, start, days, more):
    shorter = engine.add_calendar_days(cal, start, days).due_at
    longer = engine.add_calendar_days(cal, start, days + more).due_at

    assert longer >= shorter


@PROPERTIES
@given(cal=calendars(), start=moments, days=day_counts)
def test_n_days_end_no_earlier_than_the_nth_day_after_receipt(cal, start, days):
    """The day of receipt is not counted: N days never end before the N-th day after it."""
    due = engine.add_calendar_days(cal, start, days).due_at
    received_on = start.astimezone(HCM).date()

    assert due.astimezone(HCM).date() >= received_on + datetime.timedelta(days=days)
    assert due > start


@PROPERTIES
@given(cal=calendars(), start=moments, days=day_counts)
def test_the_end_is_the_first_working_day_from_the_last_day(cal, start, days):
    """Art. 148(5): no working day lies between the last day of the limit and the end."""
    result = engine.add_calendar_days(cal, start, days)
    begin = result.start_at.astimezone(HCM).date()
    last = begin + datetime.timedelta(days=days)
    end = result.due_at.astimezone(HCM).date()

    assert end >= last
    day = last
    while day < end:
        assert not cal.is_working_day(day)
        day += datetime.timedelta(days=1)


@PROPERTIES
@given(cal=calendars(), start=moments, days=st.integers(min_value=1, max_value=60))
def test_working_days_as_hours_never_end_after_the_civil_code_count(cal, start, days):
    """N working days counted as 8N working hours from the start (the engine's rule) end
    no later than the close of the N-th working day after the day of receipt."""
    hours_per_day = (
        sum(
            (
                datetime.datetime.combine(datetime.date.min, end)
                - datetime.datetime.combine(datetime.date.min, begin)
            ).total_seconds()
            for begin, end in cal.periods
        )
        / 3600
    )
    result = engine.add_working_time(cal, start, datetime.timedelta(hours=hours_per_day * days))
    day = result.start_at.astimezone(HCM).date()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        counted += cal.is_working_day(day)

    assert result.due_at <= cal.working_periods(day)[-1][1]
