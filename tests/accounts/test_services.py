"""The account services called from other places than the account pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import NO_EMAIL_DOMAIN, citizen_create_at_counter, citizen_register

pytestmark = pytest.mark.django_db


def test_a_clerk_records_a_walk_in_citizen_without_an_email():
    user = citizen_create_at_counter(
        full_name="Trần Văn Bảy",
        national_id="075160004321",
        date_of_birth=datetime.date(1960, 8, 2),
        phone="+84 903 111 222",
    )

    assert user.email == f"cccd-075160004321@{NO_EMAIL_DOMAIN}"
    assert user.phone == "0903111222"
    assert not user.has_usable_password()
    assert user.has_perm("accounts.file_dossier")


def test_a_walk_in_citizen_with_a_wrong_id_number_is_not_stored():
    with pytest.raises(ValidationError) as caught:
        citizen_create_at_counter(
            full_name="Trần Văn Bảy",
            national_id="075160004321",
            date_of_birth=datetime.date(1961, 8, 2),
        )

    assert "national_id" in caught.value.error_dict
    assert User.objects.count() == 0


def test_registration_refuses_what_the_form_would_let_through():
    """The service checks on its own, whoever calls it (API, a future form)."""
    with pytest.raises(ValidationError) as caught:
        citizen_register(
            email="khong-phai-thu",
            phone="0912345678",
            password="ngan",
            full_name="  ",
            national_id="075190001234",
            date_of_birth=datetime.date(1990, 3, 14),
            address="",
        )

    assert set(caught.value.error_dict) == {"email", "full_name", "password"}
    assert User.objects.count() == 0
