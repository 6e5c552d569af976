"""Overdue dossiers with their draft apology letter, walked through the real services at
fixed moments (time-machine), for the page, API and browser tests of issue 4 item 3.

The world's procedure takes 24 working hours: received on Monday 3 March 2025 at 09:00, it
is due on Thursday 6 March at 09:00; the appraisal step of Sở Tư pháp (16 h from the
hand-over) overran on Wednesday. The scan on Monday 10 March flags it overdue and escalated
(no letter issued yet), names Sở Tư pháp — Phòng Hành chính tư pháp responsible, and the
worker's draft proposes Tuesday 11 March 09:00 (3 more working days).
"""

import contextlib
import dataclasses
import datetime
from typing import cast
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import User
from agencies.models import Agency, Department
from apologies.models import ApologyLetter
from apologies.scan import letters_missing, scan
from apologies.services import letter_create_draft
from dossiers import services
from dossiers.models import Dossier
from procedures.models import Component, Procedure, ProcedureVersion
from tests.dossiers.factories import World, draft_with_files
from tests.factories import (
    AgencyFactory,
    ComponentFactory,
    DepartmentFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


RECEIVED = at(2025, 3, 3, 9, 0)
DUE = at(2025, 3, 6, 9, 0)
SCANNED = at(2025, 3, 10, 8, 0)
NOW = at(2025, 3, 10, 10, 0)  # when the head opens the list
PROPOSED = at(2025, 3, 11, 9, 0)


def received_dossier(
    world: World, *, applicant: User | None = None, moment: datetime.datetime = RECEIVED
) -> Dossier:
    """Submitted, received at the centre and handed over to the department at ``moment``."""
    with time_machine.travel(moment, tick=False):
        dossier = draft_with_files(world, applicant=applicant)
        services.dossier_submit(dossier=dossier, actor=applicant or world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    return Dossier.objects.get(pk=dossier.pk)


def flag_and_draft(moment: datetime.datetime | None = SCANNED) -> list[ApologyLetter]:
    """The scan at ``moment`` (None: now), then what the worker does with what it enqueued
    (inline here): one draft letter per flagged dossier."""
    with time_machine.travel(moment, tick=False) if moment else contextlib.nullcontext():
        scan(enqueue=False)
        letters = [letter_create_draft(dossier_id=dossier.pk) for dossier in letters_missing()]
    return [letter for letter in letters if letter is not None]


def overdue_with_draft(
    world: World, *, applicant: User | None = None
) -> tuple[Dossier, ApologyLetter]:
    dossier = received_dossier(world, applicant=applicant)
    flag_and_draft()
    dossier.refresh_from_db()
    return dossier, ApologyLetter.objects.get(dossier=dossier)


@dataclasses.dataclass
class OtherAgency:
    """Sở Xây dựng, whose department appraises a second procedure received at the centre."""

    agency: Agency
    department: Department
    world: World  # the world with this second procedure: same centre, clerk and citizen


def construction(world: World) -> OtherAgency:
    agency = cast(
        Agency,
        AgencyFactory(
            name="Sở Xây dựng tỉnh Đồng Nai", short_name="Sở Xây dựng", code="000.00.15.H75"
        ),
    )
    department = cast(
        Department, DepartmentFactory(agency=agency, name="Phòng Quản lý hoạt động xây dựng")
    )
    procedure = cast(Procedure, ProcedureFactory(name="Cấp giấy phép xây dựng nhà ở riêng lẻ"))
    procedure.agencies.add(world.centre)
    version = cast(
        ProcedureVersion,
        ProcedureVersionFactory(
            procedure=procedure,
            effective_from=datetime.date(2025, 1, 1),
            limit_hours_direct=24,
            limit_hours_online=24,
        ),
    )
    component = cast(
        Component,
        ComponentFactory(version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng"),
    )
    ProcessStepFactory(
        version=version, order=1, name="Tiếp nhận hồ sơ", agency=world.centre, budget_hours=4
    )
    ProcessStepFactory(
        version=version,
        order=2,
        name="Thẩm định hồ sơ xây dựng",
        agency=agency,
        department=department,
        budget_hours=16,
    )
    other = dataclasses.replace(world, procedure=procedure, version=version, components=[component])
    return OtherAgency(agency=agency, department=department, world=other)
