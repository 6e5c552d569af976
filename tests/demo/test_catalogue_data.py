"""The demo catalogue (demo/catalogue.json) and its loader."""

import copy
import datetime
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Agency, AgencyKind, Department
from demo.catalogue import CATALOGUE_PATH, load_catalogue, read_catalogue
from procedures.models import (
    Component,
    ComponentKind,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)
from tests.factories import AgencyFactory, DepartmentFactory

CATALOGUE = read_catalogue()
RECEIVING_STEP_UNITS = {"one_stop", "commune"}
AGENCY_STEP_UNITS = {
    "justice",
    "construction",
    "agri_env",
    "finance",
    "land_office",
    "tax",
    "health",
    "home_affairs",
    "police",
}
NATIONAL_CODE = re.compile(r"^[1-6]\.\d{6}$")


def _versions() -> list[tuple[str, dict[str, Any]]]:
    return [(p["code"], v) for p in CATALOGUE for v in p["versions"]]


# --------------------------------------------------------------------------- the data


def test_catalogue_ships_at_least_22_procedures_with_unique_well_formed_codes() -> None:
    codes = [p["code"] for p in CATALOGUE]
    assert len(codes) >= 22
    assert len(set(codes)) == len(codes)
    assert all(NATIONAL_CODE.match(code) for code in codes), [
        c for c in codes if not NATIONAL_CODE.match(c)
    ]


@pytest.mark.parametrize("procedure", CATALOGUE, ids=lambda p: p["code"])
def test_every_procedure_is_complete(procedure: dict[str, Any]) -> None:
    assert procedure["name"].strip()
    assert procedure["legal_basis"] and all(item.strip() for item in procedure["legal_basis"])
    assert procedure["source_url"].startswith("https://")
    assert procedure["level"] in {"commune", "province"}
    assert procedure["competent_agency_kind"] in AgencyKind.values
    assert procedure["receiving_unit"] in {"commune_centre", "provincial_centre"}
    assert procedure["online_level"] in OnlineLevel.values
    assert procedure["field"]["code"] and procedure["field"]["name"]
    assert isinstance(procedure["verified"], bool)
    if not procedure["verified"]:
        assert procedure.get("verification_note", "").strip(), (
            "an unverified procedure says what is unconfirmed"
        )
    assert procedure["versions"]
    for version in procedure["versions"]:
        assert version["components"], "every version lists its dossier components"
        assert version["fees"], "every version lists its fees (an entry with 0 when free)"
        assert all(
            c["kind"] in ComponentKind.values and c["count"] >= 1 for c in version["components"]
        )
        assert all(isinstance(f["amount"], int) and f["amount"] >= 0 for f in version["fees"])
        assert all(s["unit"] in RECEIVING_STEP_UNITS | AGENCY_STEP_UNITS for s in version["steps"])


@pytest.mark.parametrize(
    ("code", "version"), _versions(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_version_fits_its_steps_into_its_limit(code: str, version: dict[str, Any]) -> None:
    limit = min(version["limit_hours_direct"], version["limit_hours_online"])
    assert limit >= 1
    assert version["steps"], f"{code} has an internal process"
    assert all(step["hours"] >= 1 for step in version["steps"])
    assert sum(step["hours"] for step in version["steps"]) <= limit
    datetime.time.fromisoformat(version["cutoff"])


@pytest.mark.parametrize("procedure", CATALOGUE, ids=lambda p: p["code"])
def test_versions_of_a_procedure_do_not_overlap(procedure: dict[str, Any]) -> None:
    periods = sorted(
        (
            datetime.date.fromisoformat(v["effective_from"]),
            datetime.date.fromisoformat(v["effective_until"])
            if v.get("effective_until")
            else datetime.date.max,
        )
        for v in procedure["versions"]
    )
    for start, until in periods:
        assert start <= until
    for (_, previous_until), (next_start, _) in itertools.pairwise(periods):
        assert previous_until < next_start


def test_catalogue_mixes_levels_online_levels_same_day_multi_agency_and_versioned_procedures() -> (
    None
):
    assert {p["level"] for p in CATALOGUE} == {"commune", "province"}
    assert {p["online_level"] for p in CATALOGUE} == {"full", "partial"}
    same_day = [p["code"] for p in CATALOGUE if any(v["same_day"] for v in p["versions"])]
    assert "2.000815" in same_day  # certified copies: same day, 15:00 cut-off
    multi_agency = [
        p["code"]
        for p in CATALOGUE
        if any(len({s["unit"] for s in v["steps"]} - {"one_stop"}) >= 2 for v in p["versions"])
    ]
    assert len(multi_agency) >= 2
    assert any(len(p["versions"]) >= 2 for p in CATALOGUE)


# --------------------------------------------------------------------------- the loader


@pytest.fixture
def province() -> dict[str, Any]:
    """A demo-like province: the centre, two commune centres and one department per step unit."""
    centre = AgencyFactory.create(centre=True, code="000.00.01.H75")
    communes = [
        AgencyFactory.create(
            code=f"H75.2604{i}.01",
            kind=AgencyKind.COMMUNE_CENTRE,
            name=f"Trung tâm PVHCC phường {i}",
        )
        for i in (1, 2)
    ]
    units: dict[str, tuple[Agency, Department | None]] = {}
    for unit in sorted(AGENCY_STEP_UNITS):
        agency = AgencyFactory.create(name=f"Cơ quan {unit}")
        units[unit] = (
            agency,
            DepartmentFactory.create(agency=agency, code=f"phong-{unit.replace('_', '-')}"),
        )
    return {
        "units": units,
        "receiving": {"provincial_centre": [centre], "commune_centre": communes},
        "centre": centre,
        "communes": communes,
    }


def _counts() -> tuple[int, ...]:
    return (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        Component.objects.count(),
        Fee.objects.count(),
        ProcessStep.objects.count(),
    )


@pytest.mark.django_db
def test_loader_stores_the_catalogue_as_demo_data_linked_to_the_receiving_agencies(
    province: dict[str, Any],
) -> None:
    report = load_catalogue(units=province["units"], receiving=province["receiving"])

    assert report.procedures_created == len(CATALOGUE)
    assert report.versions_created == len(_versions())
    assert not report.unmapped_units
    assert Procedure.objects.count() == len(CATALOGUE)
    assert not Procedure.objects.filter(is_demo=False).exists()

    birth = Procedure.objects.get(code="1.001193")
    assert set(birth.agencies.all()) == set(province["communes"])
    assert birth.field.name == "Hộ tịch"
    assert "Luật Hộ tịch số 60/2014/QH13" in birth.legal_basis
    birth_version = birth.version_in_force(datetime.date(2025, 9, 1))
    assert birth_version is not None and birth_version.same_day
    assert birth_version.cutoff == datetime.time(15, 0)

    company = Procedure.objects.get(code="2.001610")
    assert list(company.agencies.all()) == [province["centre"]]
    finance, finance_dept = province["units"]["finance"]
    appraisal = company.versions.get().steps.get(order=2)
    assert (appraisal.agency, appraisal.department) == (finance, finance_dept)
    reception = company.versions.get().steps.get(order=1)
    assert reception.agency is None  # the receiving centre

    for version in ProcedureVersion.objects.all():
        assert version.steps_budget_hours() <= version.statutory_limit_hours


@pytest.mark.django_db
def test_loader_marks_unverified_procedures_in_the_version_notes(province: dict[str, Any]) -> None:
    report = load_catalogue(units=province["units"], receiving=province["receiving"])

    unverified = [p["code"] for p in CATALOGUE if not p["verified"]]
    assert sorted(report.unverified) == sorted(unverified)
    for code in unverified:
        for version in ProcedureVersion.objects.filter(procedure__code=code):
            assert "Chưa đối chiếu đầy đủ" in version.notes


@pytest.mark.django_db
def test_loader_twice_creates_nothing_twice(province: dict[str, Any]) -> None:
    load_catalogue(units=province["units"], receiving=province["receiving"])
    before = _counts()
    step_ids = sorted(ProcessStep.objects.values_list("id", flat=True))

    report = load_catalogue(units=province["units"], receiving=province["receiving"])

    assert _counts() == before
    assert sorted(ProcessStep.objects.values_list("id", flat=True)) == step_ids
    assert report.procedures_created == report.versions_created == 0
    assert report.versions_updated == 0
    assert report.versions_unchanged == len(_versions())
    assert "0 mới" in str(report)


def _write(tmp_path: Path, data: list[dict[str, Any]]) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_loader_updates_a_changed_version_in_place(
    province: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(CATALOGUE)
    load_catalogue(
        units=province["units"], receiving=province["receiving"], path=_write(tmp_path, data)
    )
    before = _counts()
    certified_copy = next(p for p in data if p["code"] == "2.000815")
    certified_copy["versions"][0]["fees"][0]["amount"] = 3000

    report = load_catalogue(
        units=province["units"], receiving=province["receiving"], path=_write(tmp_path, data)
    )

    assert report.versions_updated == 1
    assert _counts() == before
    assert Fee.objects.get(version__procedure__code="2.000815").amount == 3000


@pytest.mark.django_db
def test_loader_rejects_an_over_budget_version_and_stores_nothing(
    province: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(CATALOGUE)
    marriage = next(p for p in data if p["code"] == "1.000894")
    marriage["versions"][0]["steps"].append(
        {"name": "Xác minh", "unit": "commune", "handler_role": "", "hours": 16}
    )

    with pytest.raises(ValidationError) as excinfo:
        load_catalogue(
            units=province["units"], receiving=province["receiving"], path=_write(tmp_path, data)
        )

    message = " ".join(excinfo.value.messages)
    assert "1.000894" in message
    assert "Tổng thời gian các bước (24 giờ) vượt thời hạn giải quyết (8 giờ làm việc)." in message
    assert _counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_loader_reports_step_units_it_has_no_agency_for(province: dict[str, Any]) -> None:
    units = dict(province["units"])
    del units["police"]

    report = load_catalogue(units=units, receiving=province["receiving"])

    assert report.unmapped_units == {"police"}
    assert "police" in str(report)


def test_catalogue_path_is_the_shipped_file() -> None:
    assert CATALOGUE_PATH.name == "catalogue.json" and CATALOGUE_PATH.exists()
