"""The due moment at reception follows the unit of the procedure's limit (docs/legal.md):
working days as working time from the moment received, calendar days as the Civil Code
counts them (the day of receipt not counted, a last day off moving the end to the close of
the next working day)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers import services
from dossiers.models import Dossier
from procedures.models import LimitUnit
from tests.dossiers.factories import draft_with_files

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def received(world, moment: datetime.datetime) -> Dossier:
    with time_machine.travel(moment, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
    return Dossier.objects.get(pk=dossier.pk)


def calendar_days(world, direct: int, online: int) -> None:
    version = world.version
    version.limit_unit = LimitUnit.CALENDAR_DAYS
    version.calendar_days_direct = direct
    version.calendar_days_online = online
    version.save()


def test_working_days_keep_their_meaning(world):
    dossier = received(world, at(2025, 1, 24, 9, 0))

    assert world.version.limit_unit == LimitUnit.WORKING_DAYS
    assert dossier.due_at == at(2025, 2, 5, 9, 0)  # 24 working hours across Tết 2025


@pytest.mark.parametrize(
    ("moment", "days", "due"),
    [
        (at(2025, 1, 20, 9, 0), 7, at(2025, 2, 3, 17, 0)),  # last day 27/1, Tết: rolls
        (at(2025, 3, 3, 10, 0), 5, at(2025, 3, 10, 17, 0)),  # last day a Saturday: Monday
        (at(2025, 3, 4, 9, 0), 2, at(2025, 3, 6, 17, 0)),  # a working day: its close
    ],
)
def test_calendar_days_are_counted_on_the_calendar(world, moment, days, due):
    calendar_days(world, days, days)

    dossier = received(world, moment)

    assert dossier.due_at == dossier.original_due_at == due
    kinds = [step["kind"] for step in dossier.deadline_explanation]
    assert "calendar_days" in kinds


def test_the_channel_picks_its_calendar_days(world):
    calendar_days(world, 10, 2)

    dossier = received(world, at(2025, 3, 4, 9, 0))

    online = dossier.intake_channel == "online"
    assert dossier.due_at == (at(2025, 3, 6, 17, 0) if online else at(2025, 3, 14, 17, 0))
