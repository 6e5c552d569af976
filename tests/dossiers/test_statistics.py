"""Department statistics (docs/design.md §9, Decision 766/QĐ-TTg progress group) on a hand-built March.

The world's procedure takes 24 working hours (3 working days); nothing in February–April
2025 is a holiday after Tết, so a dossier received on Monday 3 March at 09:00 is due on
Thursday 6 March at 09:00. Every dossier is walked through the real services at fixed
moments; the figures below are counted by hand from the story of each one.

Period: March 2025 (1 March 00:00 to 1 April 00:00, Asia/Ho_Chi_Minh), read on 10 April.
Sở Tư pháp — Phòng Hành chính tư pháp (the appraising department):

- A received 3/3 09:00, decided 5/3 09:00 (due 6/3): on time, 2 working days;
- B received 3/3 09:00, decided 10/3 15:00 (due 6/3): late, 5 working days and 4.5
  working hours (09:00–11:30, then 13:00–15:00 after the lunch break);
- E received 24/2 09:00 (carried over), decided 4/3 09:00 (due 27/2): late, 6 working days;
- C received 25/3 09:00, due 28/3, still in appraisal on 1/4: overdue;
- D received 31/3 09:00, due 3/4, in appraisal: in progress within time;
- I received 27/3 09:00, due 1/4 09:00, decided 2/4: in progress within time at the end
  of March (its decision falls in April);
- F (decided in February), G (withdrawn in March) and H (refused at the counter) count
  nowhere.

So: received 5, carried over 1, settled on time 1, settled late 2, in progress within time
2, overdue 1; on-time rate (1 + 2) / 6 = 50 %; average (2 + 5.5625 + 6) / 3 = 4.52 working
days.
J, a birth registration received on 31/3 at a commune's centre, is settled by the commune
committee (its appraisal step names no agency, so the committee's, as the services assign
it): 1 received, in progress within time, 100 %.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies.models import Agency, AgencyKind
from dossiers import services
from dossiers.models import Decision, Dossier
from dossiers.statistics import department_statistics
from tests.dossiers.factories import World, draft_with_files, make_pdf_upload
from tests.factories import AgencyFactory, ProcedureVersionFactory, ProcessStepFactory, StaffFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = (datetime.datetime(2025, 3, 1, tzinfo=VN), datetime.datetime(2025, 4, 1, tzinfo=VN))
READ_ON = datetime.datetime(2025, 4, 10, 9, 0, tzinfo=VN)

pytestmark = pytest.mark.postgres


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=VN)


def _received(world: World, moment: datetime.datetime) -> Dossier:
    with time_machine.travel(moment, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    return dossier


def _commune_birth_registration(world: World, moment: datetime.datetime) -> Agency:
    """A commune centre receives a procedure its committee settles; returns the committee."""
    committee = AgencyFactory(
        kind=AgencyKind.COMMUNE_COMMITTEE, name="Ủy ban nhân dân phường Trấn Biên"
    )
    centre = AgencyFactory(
        kind=AgencyKind.COMMUNE_CENTRE,
        name="Trung tâm Phục vụ hành chính công phường Trấn Biên",
        parent=committee,
    )
    version = ProcedureVersionFactory(limit_hours_direct=8, limit_hours_online=8)
    version.procedure.agencies.add(centre)
    ProcessStepFactory(version=version, order=1, name="Tiếp nhận", budget_hours=1)
    ProcessStepFactory(version=version, order=2, name="Thẩm tra, trình ký", budget_hours=6)
    ProcessStepFactory(version=version, order=3, name="Trả kết quả", budget_hours=1)
    clerk = StaffFactory(agency=centre, role="clerk")
    with time_machine.travel(moment, tick=False):
        dossier = services.dossier_create_draft(
            applicant=world.citizen, procedure=version.procedure, agency=centre, actor=world.citizen
        )
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_receive(dossier=dossier, actor=clerk)
    return committee  # type: ignore[return-value]


def _decided(world: World, dossier: Dossier, moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        services.dossier_propose(
            dossier=dossier,
            actor=world.specialist,
            decision=Decision.GRANTED,
            result_file=make_pdf_upload("ket-qua.pdf"),
        )
        services.dossier_approve(dossier=dossier, actor=world.head)


@pytest.fixture
def march(world: World) -> World:
    a = _received(world, at(3, 3))
    _decided(world, a, at(3, 5))
    b = _received(world, at(3, 3))
    _decided(world, b, at(3, 10, 15))
    e = _received(world, at(2, 24))
    _decided(world, e, at(3, 4))
    _received(world, at(3, 25))  # C
    _received(world, at(3, 31))  # D
    i = _received(world, at(3, 27))
    _decided(world, i, at(4, 2))
    f = _received(world, at(2, 3))
    _decided(world, f, at(2, 5))
    g = _received(world, at(3, 10))
    with time_machine.travel(at(3, 12), tick=False):
        services.dossier_withdraw(dossier=g, actor=world.citizen, reason="Không còn nhu cầu.")
    with time_machine.travel(at(3, 12), tick=False):
        h = draft_with_files(world)
        services.dossier_submit(dossier=h, actor=world.citizen)
        services.dossier_refuse(dossier=h, actor=world.clerk, reason="Không thuộc thẩm quyền.")
    world.committee = _commune_birth_registration(world, at(3, 31, 10))  # type: ignore[attr-defined]  # J
    return world


def _by_unit(rows):  # type: ignore[no-untyped-def]
    return {(row.agency_id, row.department_id): row for row in rows}


def test_march_figures_of_the_department_and_the_centre(march: World) -> None:
    with time_machine.travel(READ_ON, tick=False):
        rows = _by_unit(department_statistics(start=MARCH[0], end=MARCH[1]))

    department = rows.pop((march.justice.pk, march.department.pk))
    assert (
        department.received,
        department.carried_over,
        department.settled_on_time,
        department.settled_late,
        department.in_progress_on_time,
        department.overdue,
    ) == (5, 1, 1, 2, 2, 1)
    assert department.processed == 6
    assert department.on_time_rate == Decimal("50.00")
    assert department.average_days == Decimal("4.52")
    assert department.agency_name == "Sở Tư pháp tỉnh Đồng Nai"
    assert department.department_name == "Phòng Hành chính tư pháp"

    committee = rows.pop((march.committee.pk, None))  # type: ignore[attr-defined]
    assert (committee.received, committee.in_progress_on_time, committee.processed) == (1, 1, 1)
    assert committee.on_time_rate == Decimal("100.00")
    assert committee.average_days is None
    assert committee.agency_name == "Ủy ban nhân dân phường Trấn Biên"
    assert rows == {}


def test_a_dossier_counts_where_the_scan_found_it_late(march: World) -> None:
    """An apology letter extends the deadline but the dossier stays late; after the scan
    named a unit responsible, the dossier counts there."""
    d = Dossier.objects.get(received_at=at(3, 31))
    Dossier.objects.filter(pk=d.pk).update(extension_count=1, responsible_agency=march.centre)
    with time_machine.travel(READ_ON, tick=False):
        rows = _by_unit(department_statistics(start=MARCH[0], end=MARCH[1]))
    assert rows[(march.justice.pk, march.department.pk)].in_progress_on_time == 1
    assert rows[(march.centre.pk, None)].overdue == 1


def test_narrowed_to_one_agency_or_department(march: World) -> None:
    with time_machine.travel(READ_ON, tick=False):
        by_agency = department_statistics(agency=march.committee, start=MARCH[0], end=MARCH[1])  # type: ignore[attr-defined]
        by_department = department_statistics(
            department=march.department, start=MARCH[0], end=MARCH[1]
        )
    assert [(r.agency_id, r.department_id) for r in by_agency] == [(march.committee.pk, None)]  # type: ignore[attr-defined]
    assert [(r.agency_id, r.department_id) for r in by_department] == [
        (march.justice.pk, march.department.pk)
    ]


def test_february_sees_what_was_decided_then_and_what_was_open(march: World) -> None:
    february = (datetime.datetime(2025, 2, 1, tzinfo=VN), MARCH[0])
    with time_machine.travel(READ_ON, tick=False):
        [row] = department_statistics(start=february[0], end=february[1])
    # F settled on time on 5/2 (2 working days); E was received 24/2 and still open on
    # 1/3 with its deadline (27/2) passed.
    assert (row.received, row.settled_on_time, row.overdue, row.in_progress_on_time) == (2, 1, 1, 0)
    assert row.average_days == Decimal("2.00")
    assert row.on_time_rate == Decimal("50.00")


def test_an_empty_or_reversed_period_is_refused(march: World) -> None:
    with pytest.raises(ValueError):
        department_statistics(start=MARCH[1], end=MARCH[0])


def test_the_working_time_stored_at_approval_agrees_with_the_one_computed_from_the_dates(
    march: World,
) -> None:
    """The head's approval stores the working time of the decision; dossiers decided before
    that column existed are computed from their dates. Both give the same average."""
    decided = Dossier.objects.filter(decided_at__isnull=False)
    assert decided.exists()
    assert not decided.filter(decided_working_seconds__isnull=True).exists()
    with time_machine.travel(READ_ON, tick=False):
        stored = _by_unit(department_statistics(start=MARCH[0], end=MARCH[1]))
        decided.update(decided_working_seconds=None)
        computed = _by_unit(department_statistics(start=MARCH[0], end=MARCH[1]))
    assert stored[(march.justice.pk, march.department.pk)].average_days == Decimal("4.52")
    assert {unit: row.average_days for unit, row in stored.items()} == {
        unit: row.average_days for unit, row in computed.items()
    }
