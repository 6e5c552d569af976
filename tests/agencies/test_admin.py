"""Django admin for agencies (with their departments) and the read-only reference units."""

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind, Province
from agencies.services import load_units
from tests.factories import AgencyFactory, DepartmentFactory, UserFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)
    force_login_verified(client, admin)  # the admin asks for the second factor
    return client


def test_the_agency_list_filters_by_kind(admin_client):
    AgencyFactory.create(centre=True, code="000.00.01.H75")
    AgencyFactory.create(name="Sở Tư pháp tỉnh Đồng Nai", code="000.00.12.H75")

    response = admin_client.get(
        reverse("admin:agencies_agency_changelist"), {"kind__exact": AgencyKind.DEPARTMENT}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sở Tư pháp tỉnh Đồng Nai" in page
    assert "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai" not in page


def test_the_agency_page_lists_its_departments(admin_client):
    department = DepartmentFactory.create(name="Phòng Lý lịch tư pháp")

    response = admin_client.get(
        reverse("admin:agencies_agency_change", args=[department.agency.pk])
    )

    assert response.status_code == 200
    assert "Phòng Lý lịch tư pháp" in response.content.decode()


def test_an_administrator_adds_an_agency_with_a_department(admin_client):
    load_units()
    data = {
        "code": "H75.26041",
        "name": "Ủy ban nhân dân phường Trấn Biên",
        "short_name": "UBND Trấn Biên",
        "kind": AgencyKind.COMMUNE_COMMITTEE,
        "province": 75,
        "commune": 26041,
        "head_title": "Chủ tịch",
        "valid_from": "2025-07-01",
        "morning_start": "07:30",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:00",
        "departments-TOTAL_FORMS": "1",
        "departments-INITIAL_FORMS": "0",
        "departments-0-code": "tu-phap-ho-tich",
        "departments-0-name": "Bộ phận Tư pháp – Hộ tịch",
    }

    response = admin_client.post(reverse("admin:agencies_agency_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    agency = Agency.objects.get(code="H75.26041")
    assert agency.commune_id == 26041
    assert [d.name for d in agency.departments.all()] == ["Bộ phận Tư pháp – Hộ tịch"]


def test_reference_units_are_read_only(admin_client):
    load_units()

    assert admin_client.get(reverse("admin:agencies_province_add")).status_code == 403
    change = admin_client.get(reverse("admin:agencies_province_change", args=[75]))
    assert change.status_code == 200
    assert 'name="name"' not in change.content.decode()  # shown, not editable
    response = admin_client.post(
        reverse("admin:agencies_province_change", args=[75]),
        {"name": "Tên khác", "division_type": "tỉnh", "codename": "dong_nai"},
    )
    assert response.status_code == 403
    assert Province.objects.get(code=75).name == "Đồng Nai"


def test_communes_can_be_searched(admin_client):
    load_units()

    response = admin_client.get(reverse("admin:agencies_commune_changelist"), {"q": "Trấn Biên"})

    assert response.status_code == 200
    assert "Phường Trấn Biên" in response.content.decode()
