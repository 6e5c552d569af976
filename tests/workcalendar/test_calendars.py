"""An agency's working calendar: its office hours and the overrides an administrator entered."""

import datetime

import pytest

from tests.factories import AgencyFactory
from workcalendar import engine
from workcalendar.calendars import calendar_for
from workcalendar.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db

SEPT_3 = datetime.date(2025, 9, 3)


def test_without_an_agency_the_default_hours_and_the_global_overrides_apply(at):
    agency = AgencyFactory.create()
    CalendarOverride.objects.create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )
    CalendarOverride.objects.create(
        date=datetime.date(2025, 9, 4), kind=OverrideKind.DAY_OFF, name="Nghỉ riêng", agency=agency
    )

    cal = calendar_for(None)

    assert cal.periods == engine.DEFAULT_PERIODS
    assert engine.compute_due(cal, received_at=at("2025-08-29 09:00"), hours=8).due_at == at(
        "2025-09-04 09:00"
    )


def test_the_agency_office_hours_are_used(at):
    agency = AgencyFactory.create(
        morning_start=datetime.time(8, 0),
        morning_end=datetime.time(12, 0),
        afternoon_start=datetime.time(13, 30),
        afternoon_end=datetime.time(17, 30),
    )

    due = engine.compute_due(
        calendar_for(agency), received_at=at("2025-10-08 07:45"), hours=6
    ).due_at

    assert due == at("2025-10-08 15:30")


def test_the_agency_override_wins_over_the_global_one_on_the_same_date(at):
    working_agency, other_agency = AgencyFactory.create_batch(2)
    # The agency's row is entered first: the order of rows must not decide.
    CalendarOverride.objects.create(
        date=SEPT_3,
        kind=OverrideKind.WORKING_DAY,
        name="Trực tiếp nhận hồ sơ",
        agency=working_agency,
    )
    CalendarOverride.objects.create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    received = at("2025-08-29 09:00")

    assert engine.compute_due(
        calendar_for(working_agency), received_at=received, hours=8
    ).due_at == at("2025-09-03 09:00")
    assert engine.compute_due(
        calendar_for(other_agency), received_at=received, hours=8
    ).due_at == at("2025-09-04 09:00")


def test_an_agency_extra_working_saturday_applies_to_that_agency_only(at):
    agency, other = AgencyFactory.create_batch(2)
    CalendarOverride.objects.create(
        date=datetime.date(2025, 9, 6),
        kind=OverrideKind.WORKING_DAY,
        name="Làm việc bù",
        agency=agency,
    )

    received = at("2025-09-05 09:00")

    assert engine.compute_due(calendar_for(agency), received_at=received, hours=8).due_at == at(
        "2025-09-06 09:00"
    )
    assert engine.compute_due(calendar_for(other), received_at=received, hours=8).due_at == at(
        "2025-09-08 09:00"
    )


def test_a_new_override_is_seen_by_the_next_calendar(at):
    before = calendar_for(None)
    CalendarOverride.objects.create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm")

    assert before.is_working_day(SEPT_3)
    assert not calendar_for(None).is_working_day(SEPT_3)


def test_building_a_calendar_takes_one_query(django_assert_num_queries):
    agency = AgencyFactory.create()
    CalendarOverride.objects.create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm")
    CalendarOverride.objects.create(
        date=datetime.date(2025, 9, 6), kind=OverrideKind.WORKING_DAY, name="Làm bù", agency=agency
    )

    with django_assert_num_queries(1):  # the global and the agency's overrides
        cal = calendar_for(agency)

    assert not cal.is_working_day(SEPT_3)
    assert cal.is_working_day(datetime.date(2025, 9, 6))
