"""The catalogue keeps a version's verification allowance and the time its law does not
count, and tells citizens (docs/legal.md#v1-verification-periods-extend-the-deadline,
docs/legal.md#x1-excluded-periods-pause-the-clock)."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import path, reverse

from procedures.models import ExcludedPeriodRule, ExclusionKind, LimitUnit, ProcedureVersion
from tests.factories import ProcedureFactory, ProcedureVersionFactory
from tests.procedures.test_admin import _management, _version_data

urlpatterns = [path("quan-tri/", admin.site.urls)]
pytestmark = pytest.mark.django_db
admin_urls = pytest.mark.urls(__name__)

BASIS = "Luật Hộ tịch 2014, Điều 25 khoản 2"


def _with_periods(data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return data | {
        "verification_amount": 5,
        "verification_unit": LimitUnit.WORKING_DAYS,
        "verification_mode": "extra",
        "verification_basis": BASIS,
        **_management("excluded_period_rules", 1),
        "excluded_period_rules-0-kind": ExclusionKind.POSTING,
        "excluded_period_rules-0-max_amount": 15,
        "excluded_period_rules-0-max_unit": LimitUnit.CALENDAR_DAYS,
        "excluded_period_rules-0-legal_basis": "Căn cứ niêm yết",
        **fields,
    }


@admin_urls
def test_the_admin_stores_the_allowance_and_the_excluded_period(admin_client: Client) -> None:
    procedure = ProcedureFactory.create()

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_add"),
        _with_periods(_version_data(procedure, [("Thẩm định", 8)])),
    )

    assert response.status_code == 302
    version = ProcedureVersion.objects.get()
    assert (version.verification_amount, version.verification_unit) == (5, "working_days")
    assert version.verification_basis == BASIS
    rule = ExcludedPeriodRule.objects.get(version=version)
    assert (rule.kind, rule.max_amount, rule.max_unit) == ("posting", 15, "calendar_days")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"verification_basis": ""}, "Hãy ghi căn cứ pháp lý cho thêm thời gian xác minh."),
        ({"verification_unit": ""}, "Hãy chọn đơn vị của thời gian xác minh."),
        (
            {"verification_amount": ""},
            "Hãy nhập thời gian xác minh tối đa, hoặc bỏ trống đơn vị và căn cứ.",
        ),
        ({"excluded_period_rules-0-legal_basis": ""}, "Trường này là bắt buộc."),
    ],
)
@admin_urls
def test_an_allowance_without_its_unit_or_basis_is_refused_and_nothing_stored(
    admin_client: Client, fields: dict[str, Any], message: str
) -> None:
    procedure = ProcedureFactory.create()

    response = admin_client.post(
        reverse("admin:procedures_procedureversion_add"),
        _with_periods(_version_data(procedure, [("Thẩm định", 8)]), **fields),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcedureVersion.objects.exists()
    assert not ExcludedPeriodRule.objects.exists()


def test_the_guidance_page_tells_the_citizen_in_plain_vietnamese(client: Client) -> None:
    version = ProcedureVersionFactory.create(
        procedure__code="4.000009",
        limit_hours_direct=80,
        limit_hours_online=80,
        verification_amount=5,
        verification_unit=LimitUnit.WORKING_DAYS,
        verification_basis=BASIS,
    )
    ExcludedPeriodRule.objects.create(
        version=version,
        kind=ExclusionKind.POSTING,
        legal_basis="Căn cứ niêm yết",
        max_amount=15,
        max_unit=LimitUnit.CALENDAR_DAYS,
    )

    page = client.get(reverse("procedures:detail", args=["4.000009"])).content.decode()

    assert "Thời hạn có thể kéo dài thêm tối đa 5 ngày làm việc nếu cần xác minh." in page
    assert BASIS in page
    assert (
        "Không tính thời gian niêm yết công khai (tối đa 15 ngày) vào thời hạn giải quyết." in page
    )


def test_a_version_without_periods_says_nothing_of_them(client: Client) -> None:
    ProcedureVersionFactory.create(procedure__code="4.000010")

    page = client.get(reverse("procedures:detail", args=["4.000010"])).content.decode()

    assert "xác minh" not in page and "Không tính thời gian" not in page


def test_the_whole_limit_wording_of_marriage_registration(client: Client) -> None:
    ProcedureVersionFactory.create(
        procedure__code="4.000011",
        verification_amount=5,
        verification_unit=LimitUnit.WORKING_DAYS,
        verification_mode="total",
        verification_basis="Luật Hộ tịch 2014, Điều 18 khoản 2",
    )

    page = client.get(reverse("procedures:detail", args=["4.000011"])).content.decode()

    assert (
        "Nếu cần xác minh, thời hạn giải quyết tối đa là 5 ngày làm việc kể từ khi tiếp nhận hồ sơ."
        in page
    )
