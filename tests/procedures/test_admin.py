"""The catalogue admin: a version whose steps exceed its limit is refused on the form."""

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import path, reverse

from procedures.models import Procedure, ProcedureVersion, ProcessStep
from tests.factories import ProcedureFactory, ProcedureVersionFactory, ProcessStepFactory

# Only the admin is mounted, so these tests do not depend on the rest of the portal's URLs.
urlpatterns = [path("quan-tri/", admin.site.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

OVER_BUDGET = "Tổng thời gian các bước (10 giờ) vượt thời hạn giải quyết (8 giờ làm việc)."


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def _version_data(
    procedure: Procedure, steps: list[tuple[str, int]], **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure": procedure.pk,
        "effective_from": "2025-07-01",
        "effective_until": "",
        "limit_hours_direct": 8,
        "limit_hours_online": 8,
        "cutoff": "15:00",
        "default_extension_hours": 8,
        "fee_description": "",
        "notes": "",
        **_management("components", 0),
        **_management("fees", 0),
        **_management("steps", len(steps)),
        **_management("excluded_period_rules", 0),
    }
    for i, (name, hours) in enumerate(steps):
        data |= {
            f"steps-{i}-order": i + 1,
            f"steps-{i}-name": name,
            f"steps-{i}-agency": "",
            f"steps-{i}-department": "",
            f"steps-{i}-handler_role": "",
            f"steps-{i}-budget_hours": hours,
        }
    data.update(overrides)
    return data


def test_adding_a_version_whose_steps_exceed_the_limit_shows_the_error_and_stores_nothing(
    admin_client: Client,
) -> None:
    procedure = ProcedureFactory.create()

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_add"),
        _version_data(procedure, [("Tiếp nhận", 2), ("Thẩm định", 6), ("Trả kết quả", 2)]),
    )

    assert response.status_code == 200
    assert OVER_BUDGET in response.content.decode()
    assert not ProcedureVersion.objects.exists()
    assert not ProcessStep.objects.exists()


def test_adding_a_version_whose_steps_fit_is_saved(admin_client: Client) -> None:
    procedure = ProcedureFactory.create()

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_add"),
        _version_data(procedure, [("Tiếp nhận", 2), ("Thẩm định", 5), ("Trả kết quả", 1)]),
    )

    assert response.status_code == 302
    version = ProcedureVersion.objects.get()
    assert [s.budget_hours for s in version.steps.all()] == [2, 5, 1]


def test_editing_steps_over_the_limit_is_refused_and_the_stored_steps_stay(
    admin_client: Client,
) -> None:
    version = ProcedureVersionFactory.create(limit_hours_direct=8, limit_hours_online=8)
    first = ProcessStepFactory.create(version=version, order=1, name="Tiếp nhận", budget_hours=2)
    second = ProcessStepFactory.create(version=version, order=2, name="Thẩm định", budget_hours=6)
    data = _version_data(
        version.procedure,
        [("Tiếp nhận", 2), ("Thẩm định", 8)],
        effective_from=f"{version.effective_from:%Y-%m-%d}",
        **_management("steps", 2, initial=2),
    )
    data |= {
        "steps-0-id": first.pk,
        "steps-0-version": version.pk,
        "steps-1-id": second.pk,
        "steps-1-version": version.pk,
    }

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_change", args=[version.pk]), data
    )

    assert response.status_code == 200
    assert OVER_BUDGET in response.content.decode()
    second.refresh_from_db()
    assert second.budget_hours == 6


def test_rows_marked_for_deletion_do_not_count_towards_the_limit(admin_client: Client) -> None:
    version = ProcedureVersionFactory.create(limit_hours_direct=8, limit_hours_online=8)
    first = ProcessStepFactory.create(version=version, order=1, name="Tiếp nhận", budget_hours=2)
    second = ProcessStepFactory.create(version=version, order=2, name="Thẩm định", budget_hours=6)
    data = _version_data(
        version.procedure,
        [("Tiếp nhận", 2), ("Thẩm định", 6), ("Thẩm định lại", 6)],
        effective_from=f"{version.effective_from:%Y-%m-%d}",
        **_management("steps", 3, initial=2),
    )
    data |= {
        "steps-0-id": first.pk,
        "steps-0-version": version.pk,
        "steps-1-id": second.pk,
        "steps-1-version": version.pk,
        "steps-1-DELETE": "on",
        "steps-2-order": 3,
    }

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_change", args=[version.pk]), data
    )

    assert response.status_code == 302
    assert [(s.name, s.budget_hours) for s in version.steps.all()] == [
        ("Tiếp nhận", 2),
        ("Thẩm định lại", 6),
    ]


def test_overlapping_validity_is_shown_on_the_form(admin_client: Client) -> None:
    procedure = ProcedureFactory.create()
    ProcedureVersionFactory.create(procedure=procedure, effective_from=datetime.date(2025, 1, 1))

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_add"),
        _version_data(procedure, [("Tiếp nhận", 8)], effective_from="2025-07-01"),
    )

    assert response.status_code == 200
    assert "trùng với phiên bản" in response.content.decode()
    assert procedure.versions.count() == 1


def test_procedure_page_lists_its_versions(admin_client: Client) -> None:
    version = ProcedureVersionFactory.create(effective_from=datetime.date(2025, 7, 1))

    response = admin_client.get(
        reverse("admin:procedures_procedure_change", args=[version.procedure.pk])
    )

    assert response.status_code == 200
    assert (
        reverse("admin:procedures_procedureversion_change", args=[version.pk])
        in response.content.decode()
    )


def test_the_version_list_shows_the_limit_with_its_unit(admin_client: Client) -> None:
    from procedures.models import LimitUnit

    ProcedureVersionFactory.create(
        limit_unit=LimitUnit.CALENDAR_DAYS,
        limit_hours_direct=160,
        limit_hours_online=160,
        calendar_days_direct=30,
        calendar_days_online=30,
    )
    ProcedureVersionFactory.create(limit_hours_direct=120, limit_hours_online=120)

    html = admin_client.get(reverse("admin:procedures_procedureversion_changelist")).content
    text = html.decode()

    assert "30 ngày" in text and "15 ngày làm việc" in text
