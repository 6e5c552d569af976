"""Writes to the procedure catalogue (docs/design.md §4).

A procedure version is created or changed only through these services: they check that the
internal process fits the statutory time limit, that the validity period is ordered and does
not overlap another version of the same procedure, and they store the version with its
components, fees and steps in one transaction — on any error nothing is stored.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Department
from procedures.fees import validate_fee_lines
from procedures.models import (
    HOURS_PER_WORKING_DAY,
    Component,
    ComponentKind,
    Fee,
    FeeKind,
    LimitUnit,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    check_calendar_days,
)

DEFAULT_CUTOFF = datetime.time(15, 0)
DEFAULT_EXTENSION_HOURS = 3 * HOURS_PER_WORKING_DAY

STEPS_EXCEED_LIMIT = _(
    "Tổng thời gian các bước (%(steps)s giờ) vượt thời hạn giải quyết (%(limit)s giờ làm việc)."
)


@dataclass(frozen=True)
class StepSpec:
    """One step of the internal process, in order."""

    name: str
    budget_hours: int
    agency: Agency | None = None
    department: Department | None = None
    handler_role: str = ""


@dataclass(frozen=True)
class ComponentSpec:
    """One document of the dossier (thành phần hồ sơ), in order."""

    name: str
    kind: str = ComponentKind.ORIGINAL
    count: int = 1
    required: bool = True
    reusable: bool = False
    template_name: str = ""


@dataclass(frozen=True)
class FeeSpec:
    """One line of the fee schedule, in order (see ``procedures.models.Fee``)."""

    name: str
    amount: int
    note: str = ""
    kind: str = FeeKind.ALWAYS
    group: str = ""
    is_default: bool = False
    unit: str = ""


def steps_exceed_limit_error(*, steps_hours: int, limit_hours: int) -> ValidationError:
    return ValidationError(
        STEPS_EXCEED_LIMIT,
        code="steps_exceed_limit",
        params={"steps": steps_hours, "limit": limit_hours},
    )


def procedure_version_validate(
    *,
    procedure: Procedure,
    effective_from: datetime.date,
    effective_until: datetime.date | None,
    limit_hours_direct: int,
    limit_hours_online: int,
    step_hours: Sequence[int] | None = None,
    exclude_pk: int | None = None,
) -> None:
    """Raise a ValidationError (messages per field) when the version cannot be stored.

    `step_hours` is None when the steps are checked elsewhere (the admin checks them in the
    steps formset against the limits being saved).
    """
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, error: ValidationError) -> None:
        errors.setdefault(field, []).append(error)

    for field, value in (
        ("limit_hours_direct", limit_hours_direct),
        ("limit_hours_online", limit_hours_online),
    ):
        if value is None or value < 1:
            add(
                field,
                ValidationError(
                    _("Thời hạn giải quyết phải ít nhất 1 giờ làm việc."), code="limit_min"
                ),
            )

    if effective_until is not None and effective_until < effective_from:
        add(
            "effective_until",
            ValidationError(
                _(
                    "Ngày hết hiệu lực (%(until)s) không được trước "
                    "ngày bắt đầu hiệu lực (%(start)s)."
                ),
                code="validity_order",
                params={
                    "until": f"{effective_until:%d/%m/%Y}",
                    "start": f"{effective_from:%d/%m/%Y}",
                },
            ),
        )
    else:
        overlapping = procedure.versions.filter(
            effective_from__lte=effective_until or datetime.date.max
        ).filter(Q(effective_until__isnull=True) | Q(effective_until__gte=effective_from))
        if exclude_pk is not None:
            overlapping = overlapping.exclude(pk=exclude_pk)
        other = overlapping.order_by("effective_from").first()
        if other is not None:
            if other.effective_until is None:
                message = _(
                    "Thời gian hiệu lực trùng với phiên bản đang có của thủ tục %(code)s "
                    "(hiệu lực từ %(start)s, không thời hạn)."
                )
            else:
                message = _(
                    "Thời gian hiệu lực trùng với phiên bản đang có của thủ tục %(code)s "
                    "(hiệu lực từ %(start)s đến %(until)s)."
                )
            add(
                "effective_from",
                ValidationError(
                    message,
                    code="validity_overlap",
                    params={
                        "code": procedure.code,
                        "start": f"{other.effective_from:%d/%m/%Y}",
                        "until": f"{other.effective_until:%d/%m/%Y}"
                        if other.effective_until
                        else "",
                    },
                ),
            )

    if step_hours is not None:
        if any(hours is None or hours < 1 for hours in step_hours):
            add(
                "steps",
                ValidationError(
                    _("Mỗi bước phải có thời gian ít nhất 1 giờ làm việc."), code="step_min"
                ),
            )
        elif "limit_hours_direct" not in errors and "limit_hours_online" not in errors:
            total = sum(step_hours)
            limit = min(limit_hours_direct, limit_hours_online)
            if total > limit:
                add("steps", steps_exceed_limit_error(steps_hours=total, limit_hours=limit))

    if errors:
        raise ValidationError(errors)


def procedure_version_check_steps(version: ProcedureVersion) -> int:
    """The stored steps of `version` must fit its shorter channel limit; returns their total."""
    total = version.steps_budget_hours()
    if total > version.statutory_limit_hours:
        raise steps_exceed_limit_error(steps_hours=total, limit_hours=version.statutory_limit_hours)
    return total


def _sync_children(
    *,
    version: ProcedureVersion,
    steps: Sequence[StepSpec],
    components: Sequence[ComponentSpec],
    fees: Sequence[FeeSpec],
) -> None:
    """Make the version's components, fees and steps equal to the specs.

    Rows are updated in place by order (fees by position), extra rows are deleted.
    """
    existing_components = {c.order: c for c in version.components.all()}
    for order, spec in enumerate(components, start=1):
        component = existing_components.pop(order, None) or Component(version=version, order=order)
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "count": spec.count,
            "required": spec.required,
            "reusable": spec.reusable,
            "template_name": spec.template_name,
        }
        if component.pk is None or any(getattr(component, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(component, key, value)
            component.full_clean(exclude=["version"])
            component.save()
    Component.objects.filter(pk__in=[c.pk for c in existing_components.values()]).delete()

    existing_steps = {s.order: s for s in version.steps.all()}
    for order, step_spec in enumerate(steps, start=1):
        step = existing_steps.pop(order, None) or ProcessStep(version=version, order=order)
        step_values = {
            "name": step_spec.name,
            "agency": step_spec.agency,
            "department": step_spec.department,
            "handler_role": step_spec.handler_role,
            "budget_hours": step_spec.budget_hours,
        }
        if step.pk is None or any(getattr(step, k) != v for k, v in step_values.items()):
            for key, value in step_values.items():
                setattr(step, key, value)
            step.full_clean(exclude=["version"])
            step.save()
    ProcessStep.objects.filter(pk__in=[s.pk for s in existing_steps.values()]).delete()

    validate_fee_lines(fees)
    existing_fees = list(version.fees.order_by("id"))
    Fee.objects.filter(pk__in=[f.pk for f in existing_fees[len(fees) :]]).delete()
    # Changed lines are stored in order without their default mark, then the defaults are
    # set: no moment has two defaults in a group (a constraint of the table), and new lines
    # keep the catalogue's order.
    defaults: list[Fee] = []
    for index, fee_spec in enumerate(fees):
        fee = existing_fees[index] if index < len(existing_fees) else Fee(version=version)
        fee_values: dict[str, object] = {
            "name": fee_spec.name,
            "amount": fee_spec.amount,
            "note": fee_spec.note,
            "kind": fee_spec.kind,
            "group": fee_spec.group,
            "is_default": fee_spec.is_default,
            "unit": fee_spec.unit,
        }
        if fee.pk is not None and all(getattr(fee, k) == v for k, v in fee_values.items()):
            continue
        for key, value in fee_values.items():
            setattr(fee, key, value)
        fee.full_clean(exclude=["version"], validate_constraints=False)
        fee.is_default = False
        fee.save()
        if fee_spec.is_default:
            defaults.append(fee)
    for fee in defaults:
        fee.is_default = True
        fee.save(update_fields=["is_default"])


@transaction.atomic
def procedure_version_create(
    *,
    procedure: Procedure,
    effective_from: datetime.date,
    limit_hours_direct: int,
    limit_hours_online: int,
    steps: Sequence[StepSpec],
    components: Sequence[ComponentSpec] = (),
    fees: Sequence[FeeSpec] = (),
    same_day: bool = False,
    cutoff: datetime.time = DEFAULT_CUTOFF,
    default_extension_hours: int = DEFAULT_EXTENSION_HOURS,
    effective_until: datetime.date | None = None,
    fee_description: str = "",
    notes: str = "",
    limit_unit: str = LimitUnit.WORKING_DAYS,
    calendar_days_direct: int | None = None,
    calendar_days_online: int | None = None,
) -> ProcedureVersion:
    """`limit_unit` is the unit the law states the limit in; with calendar days, the limit
    in days for each channel (`calendar_days_*`) sets the due moment and the working hours
    stay the budget the steps must fit into (docs/legal.md)."""
    # Lock the procedure so two versions cannot be given overlapping periods concurrently.
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    procedure_version_validate(
        procedure=procedure,
        effective_from=effective_from,
        effective_until=effective_until,
        limit_hours_direct=limit_hours_direct,
        limit_hours_online=limit_hours_online,
        step_hours=[step.budget_hours for step in steps],
    )
    version = ProcedureVersion(
        procedure=procedure,
        effective_from=effective_from,
        effective_until=effective_until,
        limit_hours_direct=limit_hours_direct,
        limit_hours_online=limit_hours_online,
        limit_unit=limit_unit,
        calendar_days_direct=calendar_days_direct,
        calendar_days_online=calendar_days_online,
        same_day=same_day,
        cutoff=cutoff,
        default_extension_hours=default_extension_hours,
        fee_description=fee_description,
        notes=notes,
    )
    version.full_clean(validate_unique=False, validate_constraints=False)
    version.save()
    _sync_children(version=version, steps=steps, components=components, fees=fees)
    return version


@transaction.atomic
def procedure_version_update(
    *,
    version: ProcedureVersion,
    limit_hours_direct: int,
    limit_hours_online: int,
    steps: Sequence[StepSpec],
    components: Sequence[ComponentSpec] = (),
    fees: Sequence[FeeSpec] = (),
    same_day: bool = False,
    cutoff: datetime.time = DEFAULT_CUTOFF,
    default_extension_hours: int = DEFAULT_EXTENSION_HOURS,
    effective_until: datetime.date | None = None,
    fee_description: str = "",
    notes: str = "",
    limit_unit: str = LimitUnit.WORKING_DAYS,
    calendar_days_direct: int | None = None,
    calendar_days_online: int | None = None,
) -> ProcedureVersion:
    """Replace the content of an existing version (same procedure and start date).

    Rows are updated in place by order, so re-applying the same content writes nothing.
    Dossiers that already reference the version keep it; only its content changes.
    """
    version = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    procedure_version_validate(
        procedure=version.procedure,
        effective_from=version.effective_from,
        effective_until=effective_until,
        limit_hours_direct=limit_hours_direct,
        limit_hours_online=limit_hours_online,
        step_hours=[step.budget_hours for step in steps],
        exclude_pk=version.pk,
    )
    check_calendar_days(unit=limit_unit, direct=calendar_days_direct, online=calendar_days_online)
    values = {
        "effective_until": effective_until,
        "limit_hours_direct": limit_hours_direct,
        "limit_hours_online": limit_hours_online,
        "limit_unit": limit_unit,
        "calendar_days_direct": calendar_days_direct,
        "calendar_days_online": calendar_days_online,
        "same_day": same_day,
        "cutoff": cutoff,
        "default_extension_hours": default_extension_hours,
        "fee_description": fee_description,
        "notes": notes,
    }
    changed = [key for key, value in values.items() if getattr(version, key) != value]
    if changed:
        for key in changed:
            setattr(version, key, values[key])
        version.save(update_fields=changed)
    _sync_children(version=version, steps=steps, components=components, fees=fees)
    return version


@dataclass(frozen=True)
class ExcludedPeriodSpec:
    """Time the law does not count in a version's limit (docs/legal.md#x1-excluded-periods-pause-the-clock)."""

    kind: str
    legal_basis: str
    max_amount: int
    max_unit: str


@transaction.atomic
def procedure_version_set_periods(
    *,
    version: ProcedureVersion,
    verification_amount: int | None = None,
    verification_unit: str = "",
    verification_mode: str = "extra",
    verification_basis: str = "",
    excluded_periods: Sequence[ExcludedPeriodSpec] = (),
) -> bool:
    """A version's verification allowance and excluded periods, written only where they
    differ (docs/legal.md#v1-verification-periods-extend-the-deadline). True when anything
    changed; a wrong allowance or period raises ValidationError and stores nothing."""
    from procedures.models import ExcludedPeriodRule, check_verification

    check_verification(amount=verification_amount, unit=verification_unit, basis=verification_basis)
    values = {
        "verification_amount": verification_amount,
        "verification_unit": verification_unit,
        "verification_mode": verification_mode,
        "verification_basis": verification_basis,
    }
    changed = [key for key, value in values.items() if getattr(version, key) != value]
    for key in changed:
        setattr(version, key, values[key])
    if changed:
        version.full_clean(validate_unique=False, validate_constraints=False)
        version.save(update_fields=changed)
    wanted = {spec.kind: spec for spec in excluded_periods}
    stale = version.excluded_period_rules.exclude(kind__in=list(wanted))
    touched = bool(changed) or stale.exists()
    stale.delete()
    existing = {rule.kind: rule for rule in version.excluded_period_rules.all()}
    for kind, spec in wanted.items():
        rule = existing.get(kind) or ExcludedPeriodRule(version=version, kind=kind)
        fields = {
            "legal_basis": spec.legal_basis,
            "max_amount": spec.max_amount,
            "max_unit": spec.max_unit,
        }
        if rule.pk and all(getattr(rule, key) == value for key, value in fields.items()):
            continue
        for key, value in fields.items():
            setattr(rule, key, value)
        rule.full_clean(exclude=["version"])
        rule.save()
        touched = True
    return touched
