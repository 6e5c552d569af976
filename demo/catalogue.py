"""Loads the demo procedure catalogue (catalogue.json) into the database.

The catalogue holds real procedures with their national codes, time limits, fees and legal
basis, taken from public sources and marked as demo data (`is_demo=True`). Procedures whose
details could not all be confirmed carry `"verified": false` and a note that is copied into
the version notes.

Running the loader twice creates nothing twice: procedures are matched by code, versions by
(procedure, effective_from), and a version's components, fees and steps are updated in place
by order, only when they differ. Every version goes through the catalogue services, so a
version whose steps do not fit its limit stops the whole load and nothing is stored.
"""

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Department
from procedures.models import FeeKind, Field, LimitUnit, Procedure, ProcedureVersion
from procedures.services import (
    ComponentSpec,
    ExcludedPeriodSpec,
    FeeSpec,
    StepSpec,
    procedure_version_create,
    procedure_version_set_periods,
    procedure_version_update,
)

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")

# Step units that mean "the agency that received the dossier": left empty on the step.
RECEIVING_UNITS = frozenset({"one_stop", "commune"})

Units = Mapping[str, tuple[Agency, Department | None]]


@dataclass
class LoadReport:
    procedures_created: int = 0
    procedures_updated: int = 0
    procedures_unchanged: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_unchanged: int = 0
    unverified: list[str] = field(default_factory=list)
    unmapped_units: set[str] = field(default_factory=set)

    @property
    def procedures(self) -> int:
        return self.procedures_created + self.procedures_updated + self.procedures_unchanged

    @property
    def versions(self) -> int:
        return self.versions_created + self.versions_updated + self.versions_unchanged

    def __str__(self) -> str:
        text = (
            f"{self.procedures} thủ tục ({self.procedures_created} mới, "
            f"{self.procedures_updated} cập nhật); {self.versions} phiên bản "
            f"({self.versions_created} mới, {self.versions_updated} cập nhật, "
            f"{self.versions_unchanged} không đổi); "
            f"{len(self.unverified)} thủ tục chưa đối chiếu đầy đủ"
        )
        if self.unmapped_units:
            text += f"; đơn vị chưa gắn cơ quan: {', '.join(sorted(self.unmapped_units))}"
        return text


def read_catalogue(path: Path = CATALOGUE_PATH) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _step_specs(
    steps: Sequence[Mapping[str, Any]], units: Units, report: LoadReport
) -> list[StepSpec]:
    specs = []
    for step in steps:
        unit = step["unit"]
        agency: Agency | None = None
        department: Department | None = None
        if unit in units:
            agency, department = units[unit]
        elif unit not in RECEIVING_UNITS:
            report.unmapped_units.add(unit)
        specs.append(
            StepSpec(
                name=step["name"],
                budget_hours=int(step["hours"]),
                agency=agency,
                department=department,
                handler_role=step.get("handler_role", ""),
            )
        )
    return specs


def _fee_spec(data: Mapping[str, Any]) -> FeeSpec:
    """A fee line of the catalogue: ``kind`` is "always" (the default), "alternative" (with
    its ``group`` and, on one line of the group, ``"default": true``) or "optional" (on
    request, per ``unit``)."""
    return FeeSpec(
        name=data["name"],
        amount=int(data["amount"]),
        note=data.get("note", ""),
        kind=data.get("kind", FeeKind.ALWAYS),
        group=data.get("group", ""),
        is_default=bool(data.get("default", False)),
        unit=data.get("unit", ""),
    )


def _version_snapshot(version: ProcedureVersion) -> tuple[Any, ...]:
    return (
        version.effective_until,
        version.limit_hours_direct,
        version.limit_hours_online,
        version.limit_unit,
        version.calendar_days_direct,
        version.calendar_days_online,
        version.same_day,
        version.cutoff,
        version.default_extension_hours,
        version.fee_description,
        version.notes,
        [
            ComponentSpec(
                name=c.name,
                kind=c.kind,
                count=c.count,
                required=c.required,
                reusable=c.reusable,
                template_name=c.template_name,
            )
            for c in version.components.order_by("order")
        ],
        [
            FeeSpec(
                name=f.name,
                amount=f.amount,
                note=f.note,
                kind=f.kind,
                group=f.group,
                is_default=f.is_default,
                unit=f.unit,
            )
            for f in version.fees.order_by("id")
        ],
        [
            StepSpec(
                name=s.name,
                budget_hours=s.budget_hours,
                agency=s.agency,
                department=s.department,
                handler_role=s.handler_role,
            )
            for s in version.steps.select_related("agency", "department").order_by("order")
        ],
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _load_periods(version: ProcedureVersion, data: Mapping[str, Any]) -> bool:
    """The version's verification allowance (``"verification": {"amount", "unit", "mode",
    "basis"}``) and the time its law does not count (``"excluded_periods": [{"kind",
    "basis", "max_amount", "max_unit"}]``), none when the entry says nothing
    (docs/legal.md#v1-verification-periods-extend-the-deadline)."""
    verification = data.get("verification") or {}
    return procedure_version_set_periods(
        version=version,
        verification_amount=_optional_int(verification.get("amount")),
        verification_unit=verification.get("unit", ""),
        verification_mode=verification.get("mode", "extra"),
        verification_basis=verification.get("basis", ""),
        excluded_periods=[
            ExcludedPeriodSpec(
                kind=period["kind"],
                legal_basis=period["basis"],
                max_amount=int(period["max_amount"]),
                max_unit=period["max_unit"],
            )
            for period in data.get("excluded_periods", [])
        ],
    )


def _load_version(
    *, procedure: Procedure, data: Mapping[str, Any], note: str, units: Units, report: LoadReport
) -> None:
    effective_from = _date(data["effective_from"])
    assert effective_from is not None
    notes = data.get("notes", "")
    if note:
        notes = f"{notes}\nChưa đối chiếu đầy đủ với nguồn: {note}".strip()
    values: dict[str, Any] = {
        "effective_until": _date(data.get("effective_until")),
        "limit_hours_direct": int(data["limit_hours_direct"]),
        "limit_hours_online": int(data["limit_hours_online"]),
        # The unit the sector law states the limit in (docs/legal.md); "working_days" when
        # the entry says nothing. "calendar_days" needs "calendar_days_direct"/"_online".
        "limit_unit": data.get("limit_unit", LimitUnit.WORKING_DAYS),
        "calendar_days_direct": _optional_int(data.get("calendar_days_direct")),
        "calendar_days_online": _optional_int(data.get("calendar_days_online")),
        "same_day": bool(data.get("same_day", False)),
        "cutoff": datetime.time.fromisoformat(data.get("cutoff", "15:00")),
        "default_extension_hours": int(data["default_extension_hours"]),
        "fee_description": data.get("fee_description", ""),
        "notes": notes,
        "components": [
            ComponentSpec(
                name=c["name"],
                kind=c.get("kind", "original"),
                count=int(c.get("count", 1)),
                required=bool(c.get("required", True)),
                reusable=bool(c.get("reusable", False)),
                template_name=c.get("template_name", ""),
            )
            for c in data["components"]
        ],
        "fees": [_fee_spec(f) for f in data["fees"]],
        "steps": _step_specs(data["steps"], units, report),
    }
    try:
        version = procedure.versions.filter(effective_from=effective_from).first()
        if version is None:
            created = procedure_version_create(
                procedure=procedure, effective_from=effective_from, **values
            )
            _load_periods(created, data)
            report.versions_created += 1
            return
        wanted = (
            values["effective_until"],
            values["limit_hours_direct"],
            values["limit_hours_online"],
            values["limit_unit"],
            values["calendar_days_direct"],
            values["calendar_days_online"],
            values["same_day"],
            values["cutoff"],
            values["default_extension_hours"],
            values["fee_description"],
            values["notes"],
            values["components"],
            values["fees"],
            values["steps"],
        )
        periods_changed = _load_periods(version, data)
        if _version_snapshot(version) == wanted:
            if periods_changed:
                report.versions_updated += 1
            else:
                report.versions_unchanged += 1
            return
        procedure_version_update(version=version, **values)
        report.versions_updated += 1
    except ValidationError as exc:
        raise ValidationError(
            _("Thủ tục %(code)s, phiên bản hiệu lực từ %(start)s: %(errors)s"),
            code="invalid_version",
            params={
                "code": procedure.code,
                "start": f"{effective_from:%d/%m/%Y}",
                "errors": " ".join(exc.messages),
            },
        ) from exc


@transaction.atomic
def load_catalogue(
    *,
    units: Units,
    receiving: Mapping[str, list[Agency]],
    path: Path = CATALOGUE_PATH,
) -> LoadReport:
    """Create or update the demo catalogue.

    `units` maps a step unit key (justice, construction, land_office, …) to the agency and
    department that handle it; steps of the receiving one-stop section and of the commune
    committee are left to the receiving agency. `receiving` maps a receiving unit
    ("commune_centre", "provincial_centre") to the agencies where the procedure is received.
    """
    report = LoadReport()
    fields: dict[str, Field] = {}
    for data in read_catalogue(path):
        field_data = data["field"]
        field_obj = fields.get(field_data["code"])
        if field_obj is None:
            field_obj, _ = Field.objects.update_or_create(
                code=field_data["code"], defaults={"name": field_data["name"]}
            )
            fields[field_obj.code] = field_obj

        values: dict[str, Any] = {
            "name": data["name"],
            "field": field_obj,
            "competent_agency_kind": AgencyKind(data["competent_agency_kind"]),
            "online_level": data["online_level"],
            "result_type": data["result_type"],
            "legal_basis": "\n".join(data["legal_basis"]),
            "subjects": data.get("subjects", ""),
            "source_url": data.get("source_url", ""),
            "is_demo": True,
        }
        procedure = Procedure.objects.filter(code=data["code"]).first()
        if procedure is None:
            procedure = Procedure(code=data["code"], **values)
            procedure.full_clean()
            procedure.save()
            report.procedures_created += 1
        else:
            changed = [key for key, value in values.items() if getattr(procedure, key) != value]
            if changed:
                for key in changed:
                    setattr(procedure, key, values[key])
                procedure.full_clean()
                procedure.save(update_fields=changed)
                report.procedures_updated += 1
            else:
                report.procedures_unchanged += 1

        agencies = receiving.get(data["receiving_unit"], [])
        if agencies:
            procedure.agencies.add(*agencies)

        verified = bool(data.get("verified", False))
        if not verified:
            report.unverified.append(procedure.code)
        note = "" if verified else data.get("verification_note", "chưa rõ chi tiết nào")
        for version_data in data["versions"]:
            _load_version(
                procedure=procedure, data=version_data, note=note, units=units, report=report
            )
    return report
