"""The catalogue services: a version is stored with its process only when the process fits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from procedures.models import Component, Fee, ProcedureVersion, ProcessStep
from procedures.services import (
    ComponentSpec,
    FeeSpec,
    StepSpec,
    procedure_version_check_steps,
    procedure_version_create,
    procedure_version_update,
)
from tests.factories import AgencyFactory, DepartmentFactory, ProcedureFactory, ProcessStepFactory

pytestmark = pytest.mark.django_db

JULY_2025 = datetime.date(2025, 7, 1)


def _steps(*hours: int) -> list[StepSpec]:
    return [StepSpec(name=f"Bước {i}", budget_hours=h) for i, h in enumerate(hours, start=1)]


def _create(procedure, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "procedure": procedure,
        "effective_from": JULY_2025,
        "limit_hours_direct": 24,
        "limit_hours_online": 24,
        "steps": _steps(4, 16, 4),
        "components": [
            ComponentSpec(name="Tờ khai theo mẫu"),
            ComponentSpec(name="Bản sao giấy tờ", kind="copy"),
        ],
        "fees": [FeeSpec(name="Lệ phí", amount=15000)],
    }
    values.update(overrides)
    return procedure_version_create(**values)


def _nothing_stored() -> bool:
    return not (
        ProcedureVersion.objects.exists()
        or ProcessStep.objects.exists()
        or Component.objects.exists()
        or Fee.objects.exists()
    )


def test_version_is_stored_with_its_components_fees_and_ordered_steps() -> None:
    justice = AgencyFactory.create(name="Sở Tư pháp tỉnh Đồng Nai")
    section = DepartmentFactory.create(agency=justice, name="Phòng Hành chính tư pháp")
    procedure = ProcedureFactory.create()

    version = _create(
        procedure,
        steps=[
            StepSpec(name="Tiếp nhận", budget_hours=2, handler_role="Công chức một cửa"),
            StepSpec(name="Thẩm định", budget_hours=20, agency=justice, department=section),
            StepSpec(name="Trả kết quả", budget_hours=2),
        ],
        same_day=False,
        cutoff=datetime.time(16, 0),
        default_extension_hours=16,
    )

    assert [(s.order, s.name, s.budget_hours) for s in version.steps.all()] == [
        (1, "Tiếp nhận", 2),
        (2, "Thẩm định", 20),
        (3, "Trả kết quả", 2),
    ]
    appraisal = version.steps.get(order=2)
    assert (appraisal.agency, appraisal.department) == (justice, section)
    assert [c.name for c in version.components.all()] == ["Tờ khai theo mẫu", "Bản sao giấy tờ"]
    assert version.fees.get().amount == 15000
    assert version.cutoff == datetime.time(16, 0)
    assert procedure.version_in_force(datetime.date(2025, 8, 1)) == version


def test_steps_over_the_limit_are_rejected_in_vietnamese_and_nothing_is_stored() -> None:
    procedure = ProcedureFactory.create()

    with pytest.raises(ValidationError) as excinfo:
        _create(procedure, limit_hours_direct=24, limit_hours_online=24, steps=_steps(8, 16, 4))

    assert (
        "Tổng thời gian các bước (28 giờ) vượt thời hạn giải quyết (24 giờ làm việc)."
        in excinfo.value.messages
    )
    assert _nothing_stored()


def test_steps_must_fit_the_shorter_channel_limit() -> None:
    procedure = ProcedureFactory.create()

    with pytest.raises(ValidationError) as excinfo:
        _create(procedure, limit_hours_direct=40, limit_hours_online=16, steps=_steps(8, 16))

    assert (
        "Tổng thời gian các bước (24 giờ) vượt thời hạn giải quyết (16 giờ làm việc)."
        in excinfo.value.messages
    )
    assert _nothing_stored()


def test_steps_that_fill_the_limit_exactly_are_accepted() -> None:
    version = _create(
        ProcedureFactory.create(), limit_hours_direct=8, limit_hours_online=8, steps=_steps(1, 6, 1)
    )

    assert procedure_version_check_steps(version) == 8


def test_validity_ending_before_it_starts_is_rejected() -> None:
    procedure = ProcedureFactory.create()

    with pytest.raises(ValidationError) as excinfo:
        _create(procedure, effective_until=datetime.date(2025, 6, 30))

    assert (
        "Ngày hết hiệu lực (30/06/2025) không được trước ngày bắt đầu hiệu lực (01/07/2025)."
        in excinfo.value.messages
    )
    assert _nothing_stored()


def test_overlapping_validity_with_another_version_is_rejected() -> None:
    procedure = ProcedureFactory.create(code="1.001193")
    _create(
        procedure,
        effective_from=datetime.date(2025, 1, 1),
        effective_until=datetime.date(2025, 12, 31),
    )

    with pytest.raises(ValidationError) as excinfo:
        _create(procedure, effective_from=datetime.date(2025, 7, 1))

    assert any(
        "trùng với phiên bản" in message and "01/01/2025" in message
        for message in excinfo.value.messages
    )
    assert procedure.versions.count() == 1


def test_a_version_starting_after_the_previous_one_ends_is_accepted() -> None:
    procedure = ProcedureFactory.create()
    old = _create(
        procedure,
        effective_from=datetime.date(2025, 1, 1),
        effective_until=datetime.date(2025, 6, 30),
    )
    new = _create(
        procedure,
        effective_from=JULY_2025,
        limit_hours_direct=16,
        limit_hours_online=16,
        steps=_steps(16),
    )

    assert procedure.version_in_force(datetime.date(2025, 6, 30)) == old
    assert procedure.version_in_force(datetime.date(2025, 7, 1)) == new


def test_an_open_ended_version_blocks_a_later_one() -> None:
    procedure = ProcedureFactory.create()
    _create(procedure, effective_from=datetime.date(2025, 1, 1))

    with pytest.raises(ValidationError):
        _create(procedure, effective_from=datetime.date(2026, 1, 1))

    assert procedure.versions.count() == 1


def test_update_in_place_keeps_row_ids_and_rejects_an_over_budget_change() -> None:
    procedure = ProcedureFactory.create()
    version = _create(procedure)
    step_ids = list(version.steps.values_list("id", flat=True))

    procedure_version_update(
        version=version,
        limit_hours_direct=24,
        limit_hours_online=24,
        steps=[
            StepSpec(name="Tiếp nhận", budget_hours=4),
            StepSpec(name="Thẩm định", budget_hours=18),
        ],
        components=[ComponentSpec(name="Tờ khai theo mẫu")],
        fees=[FeeSpec(name="Lệ phí", amount=15000)],
    )
    assert list(version.steps.values_list("id", flat=True)) == step_ids[:2]
    assert [s.budget_hours for s in version.steps.all()] == [4, 18]
    assert version.components.count() == 1

    with pytest.raises(ValidationError) as excinfo:
        procedure_version_update(
            version=version, limit_hours_direct=8, limit_hours_online=8, steps=_steps(4, 18)
        )

    assert (
        "Tổng thời gian các bước (22 giờ) vượt thời hạn giải quyết (8 giờ làm việc)."
        in excinfo.value.messages
    )
    version.refresh_from_db()
    assert version.limit_hours_direct == 24
    assert [s.budget_hours for s in version.steps.all()] == [4, 18]


def test_check_steps_reports_stored_steps_over_the_limit() -> None:
    version = _create(ProcedureFactory.create(), steps=_steps(24))
    ProcessStepFactory.create(version=version, order=2, budget_hours=8)

    with pytest.raises(ValidationError) as excinfo:
        procedure_version_check_steps(version)

    assert excinfo.value.messages == [
        "Tổng thời gian các bước (32 giờ) vượt thời hạn giải quyết (24 giờ làm việc)."
    ]


# --- the unit of the time limit (docs/legal.md) ---------------------------------------------


def test_a_limit_is_shown_with_its_unit():
    from procedures.models import LimitUnit
    from tests.factories import ProcedureVersionFactory

    days = ProcedureVersionFactory.build(limit_hours_direct=120, limit_hours_online=120)
    hours = ProcedureVersionFactory.build(
        limit_unit=LimitUnit.WORKING_HOURS, limit_hours_direct=8, limit_hours_online=8
    )
    calendar = ProcedureVersionFactory.build(
        limit_unit=LimitUnit.CALENDAR_DAYS,
        limit_hours_direct=160,
        limit_hours_online=160,
        calendar_days_direct=30,
        calendar_days_online=30,
    )
    half = ProcedureVersionFactory.build(limit_hours_direct=12, limit_hours_online=4)

    assert days.limit_text_direct == "15 ngày làm việc"
    assert hours.limit_text_direct == "8 giờ làm việc"
    assert calendar.limit_text_direct == "30 ngày"
    assert calendar.calendar_days_for(online=True) == 30
    assert days.calendar_days_for(online=True) is None
    assert (half.limit_text_direct, half.limit_text_online) == (
        "1 ngày 4 giờ làm việc",
        "4 giờ làm việc",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unit", "direct", "online", "fields"),
    [
        ("calendar_days", None, 30, {"calendar_days_direct"}),
        ("calendar_days", None, None, {"calendar_days_direct", "calendar_days_online"}),
        ("working_days", 30, None, {"calendar_days_direct"}),
        ("working_hours", 30, 30, {"calendar_days_direct", "calendar_days_online"}),
    ],
)
def test_calendar_days_go_with_the_calendar_day_unit_only(unit, direct, online, fields):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from tests.factories import ProcedureVersionFactory

    version = ProcedureVersionFactory.build(
        limit_unit=unit, calendar_days_direct=direct, calendar_days_online=online
    )
    with pytest.raises(ValidationError) as raised:
        version.clean()
    assert set(raised.value.error_dict) == fields

    version.procedure.field.save()
    version.procedure.field_id = version.procedure.field.pk
    version.procedure.save()
    version.procedure_id = version.procedure.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()  # the table refuses it too
