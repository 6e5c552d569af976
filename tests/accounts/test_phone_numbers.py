"""Phone numbers are Vietnamese numbers (libphonenumber's plan for region VN): mobile and
fixed-line numbers in service, in any usual form, stored as 0 and the national number;
wherever a phone is typed (registration, profile, a draft, the counter, the API)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.validators import normalize_phone, validate_phone
from dossiers.forms import DossierDetailsForm
from dossiers.forms_staff import WalkInForm
from dossiers.models import Dossier

INVALID = "Số điện thoại không hợp lệ"

VALID = [
    ("0912 345 678", "0912345678"),  # VinaPhone
    ("+84 987 654 321", "0987654321"),  # Viettel, international form
    ("84 977 000 111", "0977000111"),
    ("0323.456.789", "0323456789"),  # Viettel 03x since the 2018 renumbering
    ("0562-123-456", "0562123456"),  # Vietnamobile
    ("0812 345 678", "0812345678"),
    ("024 3825 1234", "02438251234"),  # a Hà Nội fixed line
    ("(028) 3829 5000", "02838295000"),  # Hồ Chí Minh City
    ("0251 3822 111", "02513822111"),  # Đồng Nai
    ("+84 24 3825 1234", "02438251234"),
]

WRONG = [
    "0123 456 789",  # an 11-digit-era prefix retired in 2018
    "0168 123 4567",  # the same, in its old 11-digit length
    "0201 234 567",  # no such area code
    "0912 345 67",  # one digit short
    "0912 345 6789",  # one digit too many
    "1900 1234",  # a service number, nobody's phone
    "1800 1091",
    "+1 202 555 0123",  # not a Vietnamese number
    "+66 81 234 5678",
    "0000000000",
    "091234567a",
    "số điện thoại",
]


@pytest.mark.parametrize(("typed", "stored"), VALID)
def test_vietnamese_mobile_and_fixed_numbers_are_valid_and_stored_in_one_form(typed, stored):
    validate_phone(typed)
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", WRONG)
def test_other_numbers_are_refused_in_vietnamese(typed):
    with pytest.raises(ValidationError) as refused:
        validate_phone(typed)
    assert INVALID in refused.value.messages[0]


@pytest.mark.django_db
def test_registration_takes_a_fixed_line_and_refuses_a_service_number(client, registration_data):
    refused = client.post(reverse("accounts:register"), {**registration_data, "phone": "1900 1234"})
    assert refused.status_code == 200
    assert INVALID in refused.content.decode()
    assert not User.objects.exists()

    client.post(reverse("accounts:register"), {**registration_data, "phone": "(0251) 3822 111"})
    assert User.objects.get().phone == "02513822111"


@pytest.mark.django_db
def test_the_profile_refuses_a_foreign_number(client, registration_data):
    from tests.factories import CitizenFactory

    citizen = CitizenFactory(phone="0912000111")
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": citizen.full_name,
            "email": citizen.email,
            "phone": "+1 202 555 0123",
            "national_id": citizen.national_id or "",
            "date_of_birth": str(citizen.date_of_birth or ""),
            "address": citizen.address or "Biên Hòa",
            "preferred_language": "vi",
        },
    )

    assert INVALID in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.phone == "0912000111"


@pytest.mark.parametrize(
    ("typed", "expected"), [("0123 456 789", None), ("+84 24 3825 1234", "02438251234")]
)
def test_the_draft_and_the_counter_forms_check_the_phone(typed, expected):
    draft = DossierDetailsForm({"applicant_phone": typed})
    draft.is_valid()
    walk_in = WalkInForm({"phone": typed}, components=[])
    walk_in.is_valid()

    if expected is None:
        assert INVALID in draft.errors["applicant_phone"][0]
        assert INVALID in walk_in.errors["phone"][0]
    else:
        assert draft.cleaned_data["applicant_phone"] == expected
        assert walk_in.cleaned_data["phone"] == expected


@pytest.mark.django_db
def test_the_api_checks_the_phone_of_a_new_draft(client):
    from tests.dossiers.factories import build_world

    world = build_world()
    client.force_login(world.citizen)
    body = {"procedure": world.procedure.code, "agency": world.centre.code}

    refused = client.post("/api/v1/dossiers/", {**body, "applicant_phone": "0201 234 567"})
    taken = client.post("/api/v1/dossiers/", {**body, "applicant_phone": "+84 24 3825 1234"})

    assert refused.status_code == 400
    assert INVALID in refused.json()["applicant_phone"][0]
    assert taken.status_code == 201
    assert Dossier.objects.get(applicant=world.citizen).applicant_phone == "02438251234"
