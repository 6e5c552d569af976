"""Codes and competence (issue 12 items 7 and 8): the code given at receipt with the settling
agency's e-ID, the commune's return at its one-stop section, the closure wait per procedure,
and receipt regardless of administrative boundaries (docs/legal.md#dossier-code,
#return-at-the-communes-one-stop-section, #closure-of-an-unsupplemented-dossier,
#receipt-regardless-of-administrative-boundaries)."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agencies.models import AgencyKind
from core.errors import DossierError, DossierNotFound, TransitionConflict
from dossiers import selectors_staff, services
from dossiers.models import Dossier, DossierEvent, PaperHandOver, State
from procedures.models import CompetenceRule
from tests.dossiers.factories import (
    SUPPLEMENT_ITEMS,
    World,
    build_dossier,
    draft_with_files,
    make_pdf_upload,
)
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    CommuneFactory,
    ComponentFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY_2350 = datetime.datetime(2025, 10, 10, 23, 50, tzinfo=VN)
MONDAY_0900 = datetime.datetime(2025, 10, 13, 9, 0, tzinfo=VN)


# --------------------------------------------------------------------- the code at receipt


def test_a_dossier_submitted_friday_night_and_received_monday_carries_mondays_date(world: World):
    with time_machine.travel(FRIDAY_2350, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
    dossier.refresh_from_db()
    # Before receipt: a reference from the receiving centre's counter, not the code.
    assert dossier.code == dossier.submission_reference == f"{world.centre.code}-251010-0001"

    with time_machine.travel(MONDAY_0900, tick=False):
        services.dossier_receive(dossier=dossier, actor=world.clerk)
    dossier.refresh_from_db()
    # The e-ID of Sở Tư pháp, which settles it, and the day of receipt.
    assert dossier.code == f"{world.justice.code}-251013-0001"
    assert dossier.competent_agency == world.justice
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert event.data["submission_reference"] == f"{world.centre.code}-251010-0001"
    assert event.data["code"] == dossier.code


def test_the_submission_reference_still_finds_the_dossier_after_receipt(client, world: World):
    dossier = build_dossier(world, State.RECEIVED)
    assert dossier.submission_reference and dossier.submission_reference != dossier.code
    client.force_login(world.clerk)
    page = client.get(reverse("staff:dossier", args=[dossier.submission_reference]))
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    # Someone who may not see the dossier gets 404 by either name.
    client.force_login(StaffFactory(agency=AgencyFactory(centre=True), role="clerk"))
    assert client.get(reverse("staff:dossier", args=[dossier.code])).status_code == 404
    assert (
        client.get(reverse("staff:dossier", args=[dossier.submission_reference])).status_code == 404
    )


def test_the_code_counts_per_settling_agency_and_day(world: World):
    codes = []
    with time_machine.travel(MONDAY_0900, tick=False):
        for _ in range(3):
            dossier = draft_with_files(world, applicant=CitizenFactory())
            services.dossier_submit(dossier=dossier, actor=dossier.applicant)
            services.dossier_receive(dossier=dossier, actor=world.clerk)
            codes.append(Dossier.objects.get(pk=dossier.pk).code)
    assert codes == [f"{world.justice.code}-251013-{n:04d}" for n in (1, 2, 3)]


# --------------------------------------------------------- a commune's return and its code


def _commune(code: int, name: str) -> dict[str, Any]:
    commune = CommuneFactory(code=code, name=name)
    committee = AgencyFactory(
        code=f"H75.{code}",
        name=f"Ủy ban nhân dân {name}",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        commune=commune,
    )
    centre = AgencyFactory(
        code=f"H75.{code}.01",
        name=f"Trung tâm Phục vụ hành chính công {name}",
        kind=AgencyKind.COMMUNE_CENTRE,
        commune=commune,
        parent=committee,
    )
    return {
        "commune": commune,
        "committee": committee,
        "centre": centre,
        "clerk": StaffFactory(agency=centre, role="clerk"),
    }


def _commune_procedure(*, received_at, **fields: Any):
    procedure = ProcedureFactory(competent_agency_kind=AgencyKind.COMMUNE_COMMITTEE, **fields)
    procedure.agencies.add(*received_at)
    version = ProcedureVersionFactory(
        procedure=procedure,
        effective_from=datetime.date(2025, 7, 1),
        limit_hours_direct=40,
        limit_hours_online=40,
    )
    component = ComponentFactory(version=version, order=1)
    for order, name in enumerate(
        ["Tiếp nhận hồ sơ", "Thẩm định", "Phê duyệt", "Trả kết quả"], start=1
    ):
        ProcessStepFactory(version=version, order=order, name=name, budget_hours=8)
    return procedure, version, component


def _filed(procedure, component, centre, clerk, **competence: Any) -> Dossier:
    citizen = CitizenFactory()
    dossier = services.dossier_create_draft(
        applicant=citizen, procedure=procedure, agency=centre, actor=citizen, **competence
    )
    services.dossier_attach_file(
        dossier=dossier, actor=citizen, upload=make_pdf_upload(), component=component
    )
    services.dossier_submit(dossier=dossier, actor=citizen)
    services.dossier_receive(dossier=dossier, actor=clerk)
    return Dossier.objects.get(pk=dossier.pk)


@time_machine.travel(MONDAY_0900, tick=False)
def test_a_commune_procedures_return_step_is_the_one_stop_sections():
    a = _commune(26041, "phường Trấn Biên")
    procedure, _version, component = _commune_procedure(received_at=[a["centre"]])
    dossier = _filed(procedure, component, a["centre"], a["clerk"])

    steps = list(dossier.steps.order_by("order").values_list("name", "agency__code"))
    assert steps == [
        ("Tiếp nhận hồ sơ", "H75.26041.01"),
        ("Thẩm định", "H75.26041"),
        ("Phê duyệt", "H75.26041"),
        ("Trả kết quả", "H75.26041.01"),  # the one-stop section returns, not the Committee
    ]
    # The code carries the People's Committee's e-ID, which settles it.
    assert dossier.code == "H75.26041-251013-0001"


# ------------------------------------------------------------------ closure per procedure


def test_the_closure_follows_each_procedures_own_wait(world: World):
    other = ProcedureVersionFactory(
        procedure=ProcedureFactory(),
        effective_from=datetime.date(2025, 1, 1),
        supplement_wait_days=5,
        supplement_wait_basis="Quyết định công bố thủ tục của tỉnh (minh họa)",
    )
    other.procedure.agencies.add(world.centre)
    ComponentFactory(version=other, order=1)
    with time_machine.travel(MONDAY_0900, tick=False):
        default = build_dossier(world, State.SUPPLEMENT_REQUESTED)  # 15 working days
        citizen = CitizenFactory()
        short = services.dossier_create_draft(
            applicant=citizen, procedure=other.procedure, agency=world.centre, actor=citizen
        )
        services.dossier_attach_file(
            dossier=short,
            actor=citizen,
            upload=make_pdf_upload(),
            component=other.components.get(),
        )
        services.dossier_submit(dossier=short, actor=citizen)
        services.dossier_request_supplement(
            dossier=short, actor=world.clerk, items=SUPPLEMENT_ITEMS
        )
    short.refresh_from_db()
    default.refresh_from_db()
    # Five working days from Monday 09:00: the next Monday 09:00; fifteen: three weeks on.
    assert short.supplement_deadline == datetime.datetime(2025, 10, 20, 9, 0, tzinfo=VN)
    assert default.supplement_deadline == datetime.datetime(2025, 11, 3, 9, 0, tzinfo=VN)

    assert services.close_unsupplemented(now=datetime.datetime(2025, 10, 21, 9, tzinfo=VN)) == 1
    short.refresh_from_db()
    default.refresh_from_db()
    assert short.state == State.REFUSED
    assert default.state == State.SUPPLEMENT_REQUESTED
    event = DossierEvent.objects.get(dossier=short, action="close_unsupplemented")
    assert "Quá 5 ngày làm việc" in event.note


# ------------------------------------------- receipt regardless of administrative boundaries


@pytest.fixture
def two_communes():
    return _commune(26041, "phường Trấn Biên"), _commune(26068, "phường Biên Hòa")


def _boundary_free(a, rule: str):
    return _commune_procedure(
        received_at=[a["centre"]],
        boundary_free=True,
        boundary_free_decision="2095/QĐ-UBND ngày 31/10/2025",
        competence_rule=rule,
    )


@time_machine.travel(MONDAY_0900, tick=False)
def test_filed_at_another_centre_it_goes_to_the_commune_of_residence(two_communes):
    a, b = two_communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.RESIDENCE)
    # Filed at Biên Hòa's centre (not listed for the procedure) by a resident of Trấn Biên.
    dossier = _filed(
        procedure,
        component,
        b["centre"],
        b["clerk"],
        competence_commune=a["commune"],
        competence_address="Số 45 đường Phan Chu Trinh",
    )
    assert dossier.competent_agency == a["committee"]
    assert dossier.competence_commune == a["commune"]
    assert dossier.competence_address == "Số 45 đường Phan Chu Trinh"
    assert dossier.code == "H75.26041-251013-0001"
    steps = list(dossier.steps.order_by("order").values_list("agency__code", flat=True))
    assert steps == ["H75.26068.01", "H75.26041", "H75.26041", "H75.26068.01"]
    # The paper dossier is due at Trấn Biên one working day after reception.
    hand_over = PaperHandOver.objects.get(dossier=dossier)
    assert (hand_over.from_agency, hand_over.to_agency) == (b["centre"], a["committee"])
    assert hand_over.due_at == datetime.datetime(2025, 10, 14, 9, 0, tzinfo=VN)


@time_machine.travel(MONDAY_0900, tick=False)
def test_a_land_procedure_goes_to_the_commune_where_the_land_is(two_communes):
    a, b = two_communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.PROPERTY_LOCATION)
    dossier = _filed(
        procedure, component, a["centre"], a["clerk"], competence_commune=b["commune"].pk
    )
    assert dossier.competent_agency == b["committee"]
    assert dossier.code.startswith("H75.26068-251013-")
    assert PaperHandOver.objects.get(dossier=dossier).to_agency == b["committee"]


def test_the_commune_the_rule_reads_is_required_and_must_be_of_the_province(two_communes):
    a, b = two_communes
    procedure, _version, _component = _boundary_free(a, CompetenceRule.RESIDENCE)
    citizen = CitizenFactory()
    with pytest.raises(DossierError) as missing:
        services.dossier_create_draft(
            applicant=citizen, procedure=procedure, agency=b["centre"], actor=citizen
        )
    assert missing.value.field == "competence_commune"
    assert "nơi người yêu cầu cư trú" in str(missing.value.message)
    elsewhere = CommuneFactory(code=99001, name="Xã ngoài tỉnh")
    with pytest.raises(DossierError) as outside:
        services.dossier_create_draft(
            applicant=citizen,
            procedure=procedure,
            agency=b["centre"],
            actor=citizen,
            competence_commune=elsewhere,
        )
    assert outside.value.field == "competence_commune"
    assert not Dossier.objects.exists()


def test_a_procedure_not_on_the_provinces_list_is_refused_at_another_centre(two_communes):
    a, b = two_communes
    procedure, _version, _component = _commune_procedure(received_at=[a["centre"]])
    citizen = CitizenFactory()
    with pytest.raises(DossierError) as refused:
        services.dossier_create_draft(
            applicant=citizen, procedure=procedure, agency=b["centre"], actor=citizen
        )
    assert "không tiếp nhận thủ tục này" in str(refused.value.message)
    assert list(services.receiving_centres(procedure)) == [a["centre"]]
    procedure.boundary_free = True
    procedure.boundary_free_decision = "2095/QĐ-UBND ngày 31/10/2025"
    procedure.save()
    assert set(services.receiving_centres(procedure)) == {a["centre"], b["centre"]}


def test_the_paper_hand_over_is_listed_overdue_then_recorded_by_the_receiving_clerk(two_communes):
    a, b = two_communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.RESIDENCE)
    with time_machine.travel(MONDAY_0900, tick=False):
        dossier = _filed(
            procedure, component, b["centre"], b["clerk"], competence_commune=a["commune"]
        )
        pending = list(selectors_staff.paper_hand_overs_pending(b["clerk"]))
        assert [(p.dossier_id, p.is_overdue) for p in pending] == [(dossier.pk, False)]
    with time_machine.travel(datetime.datetime(2025, 10, 14, 10, 0, tzinfo=VN), tick=False):
        pending = list(selectors_staff.paper_hand_overs_pending(b["clerk"]))
        assert [(p.dossier_id, p.is_overdue) for p in pending] == [(dossier.pk, True)]
        # Not another centre's list, and not theirs to record: 404 for one who cannot see it.
        assert not selectors_staff.paper_hand_overs_pending(a["clerk"]).exists()
        with pytest.raises(DossierNotFound):
            services.dossier_record_paper_hand_over(dossier=dossier, actor=a["clerk"])
        services.dossier_record_paper_hand_over(
            dossier=dossier, actor=b["clerk"], note="Giao qua bưu điện"
        )
        with pytest.raises(TransitionConflict):
            services.dossier_record_paper_hand_over(dossier=dossier, actor=b["clerk"])
    hand_over = PaperHandOver.objects.get(dossier=dossier)
    assert hand_over.handed_by == b["clerk"] and hand_over.note == "Giao qua bưu điện"
    assert not selectors_staff.paper_hand_overs_pending(b["clerk"]).exists()
    event = DossierEvent.objects.get(dossier=dossier, action="record_paper_hand_over")
    assert event.data["late"] is True and event.to_state == dossier.state


@time_machine.travel(MONDAY_0900, tick=False)
def test_received_at_its_own_commune_nothing_is_handed_over(two_communes):
    a, _b = two_communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.RESIDENCE)
    dossier = _filed(procedure, component, a["centre"], a["clerk"], competence_commune=a["commune"])
    assert dossier.competent_agency == a["committee"]
    assert not PaperHandOver.objects.filter(dossier=dossier).exists()
