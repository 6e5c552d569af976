"""An agency's electronic ID follows the national structure (docs/legal.md#agency-electronic-id):
the admin, the model and the demo loader refuse anything else, in Vietnamese."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Agency, AgencyKind
from agencies.services import load_units
from agencies.validators import is_agency_code, normalise_agency_code, validate_agency_code
from tests.factories import AgencyFactory, UserFactory
from tests.twofactor import force_login_verified

VALID = [
    "000.00.12.H75",  # a provincial department, four-group form (level-1 code last)
    "000.00.00.H41",  # a provincial People's Committee as the national exchange lists it
    "000.00.04.G14",  # a ministry's unit
    "H75",  # a level-1 code alone (Decision 20/2020: level-1 code first)
    "H55.242",  # a commune of Thái Nguyên as its portal names it
    "H01.151.01",
    "G15.01.0A",
    "H75." + ".".join(["1234567"] * 4),  # 35 characters, the most Decision 20/2020 allows
]
INVALID = [
    "",
    "000.26041.TB.H75",  # the demo's old commune code: five digits in the second group
    "000.26041.TB.TT.H75",
    "000.00.01.75",  # no letter in the level-1 code
    "000.00.1.H75",
    "0000.00.01.H75",
    "000-00-01-H75",
    "000.00.01.H7",
    "000.00.01.HH75",
    "75H.26041",  # the level-1 code is a letter then two digits
    "H75..26041",
    "H75.26041.",
    "H75 26041",
    "H75.2604Đ",
    "H75." + ".".join(["1234567"] * 4) + "8",  # 36 characters
]


@pytest.mark.parametrize("code", VALID)
def test_codes_of_the_national_structure_are_accepted(code):
    assert is_agency_code(code)
    validate_agency_code(code)


@pytest.mark.parametrize("code", INVALID)
def test_other_codes_are_refused_in_vietnamese(code):
    assert not is_agency_code(code)
    with pytest.raises(ValidationError) as error:
        validate_agency_code(code)
    assert "Mã định danh điện tử không đúng cấu trúc" in error.value.messages[0]


def test_spaces_and_lower_case_are_normalised():
    assert normalise_agency_code("  h75.26041.01 ") == "H75.26041.01"


@pytest.mark.django_db
def test_the_model_refuses_a_code_off_the_structure_and_stores_a_normalised_one():
    agency = AgencyFactory.build(code="000.26041.TB.H75")
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert "code" in error.value.message_dict
    agency = AgencyFactory.create(code=" h75.26041 ")
    agency.full_clean()
    assert Agency.objects.get(pk=agency.pk).code == "H75.26041"


@pytest.mark.django_db
def test_the_admin_refuses_a_code_off_the_structure(client):
    load_units()
    admin = UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)
    force_login_verified(client, admin)
    data = {
        "code": "000.26041.TB.H75",
        "name": "Ủy ban nhân dân phường Trấn Biên",
        "kind": AgencyKind.COMMUNE_COMMITTEE,
        "province": 75,
        "commune": 26041,
        "head_title": "Chủ tịch",
        "valid_from": "2025-07-01",
        "morning_start": "07:30",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:00",
        "departments-TOTAL_FORMS": "0",
        "departments-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:agencies_agency_add"), data)
    assert response.status_code == 200
    assert "Mã định danh điện tử không đúng cấu trúc" in response.content.decode()
    assert not Agency.objects.filter(name="Ủy ban nhân dân phường Trấn Biên").exists()


@pytest.mark.django_db
def test_the_demo_province_codes_follow_the_structure():
    from demo.province import build_demo_province

    load_units()
    demo = build_demo_province(75)
    codes = [agency.code for agency in Agency.objects.all()]
    assert codes and all(is_agency_code(code) for code in codes), codes
    assert demo.commune_committees[0].code == "H75.26041"
    assert demo.commune_centres[0].code == "H75.26041.01"


@pytest.mark.django_db
def test_the_demo_renames_the_codes_it_gave_before():
    from demo.province import build_demo_province

    load_units()
    old = AgencyFactory.create(code="000.26041.TB.TT.H75", kind=AgencyKind.COMMUNE_CENTRE)
    build_demo_province(75)
    old.refresh_from_db()
    assert old.code == "H75.26041.01"
    assert not Agency.objects.filter(code__endswith=".TT.H75").exists()
