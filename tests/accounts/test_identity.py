"""An account's ID number is unverified until a clerk (or, later, VNeID) proves it: typed, it
blocks nobody and reveals nothing; verified, it is the account's alone and locked."""

import datetime
from typing import cast

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import NationalIdVerification, User
from accounts.services import national_id_verify
from tests.factories import AgencyFactory, CitizenFactory, StaffFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
PROFILE = reverse("accounts:profile")
NUMBER = "075190001234"


@pytest.fixture
def clerk() -> User:
    return cast(User, StaffFactory(agency=AgencyFactory(), role="clerk"))


def verify(user: User, clerk: User, **changes: object) -> User:
    values: dict[str, object] = {
        "national_id": user.national_id,
        "full_name": user.full_name,
        "date_of_birth": user.date_of_birth,
        "document_seen": True,
        **changes,
    }
    return national_id_verify(user=user, clerk=clerk, **values)  # type: ignore[arg-type]


def test_a_new_account_holds_its_number_unverified(client, registration_data):
    client.post(REGISTER, registration_data)
    user = User.objects.get()
    assert user.national_id == NUMBER
    assert not user.national_id_verified
    assert user.national_id_verified_at is None and user.national_id_verification == ""


def test_a_number_typed_by_a_squatter_does_not_stop_its_owner_registering(
    client, registration_data
):
    squatter = CitizenFactory(email="ke.mao.danh@example.vn", national_id=NUMBER)
    fresh = client.post(
        REGISTER, {**registration_data, "national_id": "075190009999", "email": "x@example.vn"}
    )
    User.objects.filter(email="x@example.vn").delete()
    mail.outbox.clear()

    response = client.post(REGISTER, registration_data)

    # The same page as any registration: nothing says the number was typed before.
    assert response.status_code == fresh.status_code == 302
    assert response.url == fresh.url
    owner = User.objects.get(email="nhung.nguyen@example.vn")
    assert owner.national_id == NUMBER
    assert [m.to for m in mail.outbox] == [["nhung.nguyen@example.vn"]]
    assert "Hoàn tất đăng ký" in mail.outbox[0].subject
    squatter.refresh_from_db()
    assert squatter.national_id == NUMBER  # still typed there, until a clerk settles it


def test_a_verified_number_opens_no_second_account_and_the_page_says_nothing(
    client, registration_data
):
    owner = CitizenFactory(verified=True, email="nhung@example.vn", national_id=NUMBER)
    response = client.post(REGISTER, {**registration_data, "email": "ke@example.vn"})

    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    assert not User.objects.filter(email="ke@example.vn").exists()
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1 and "số định danh cá nhân" in to_owner[0].body


def test_the_database_allows_one_verified_holder_of_a_number():
    CitizenFactory(verified=True, national_id=NUMBER)
    CitizenFactory(national_id=NUMBER)  # typed by another: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        CitizenFactory(verified=True, national_id=NUMBER)


def test_a_clerk_verifies_and_the_other_holder_loses_the_number(clerk):
    squatter = CitizenFactory(national_id=NUMBER, full_name="Kẻ Mạo Danh")
    owner = CitizenFactory(national_id=NUMBER, full_name="Nguyễn Thị Hồng Nhung")

    verify(owner, clerk, full_name="NGUYỄN THỊ HỒNG  NHUNG")

    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert owner.national_id_verified
    assert owner.national_id_verification == NationalIdVerification.COUNTER
    assert owner.national_id_verified_by == clerk
    assert squatter.national_id is None and squatter.national_id_released_at is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"national_id": "075190001235"}, "national_id"),
        ({"full_name": "Nguyễn Thị Hồng"}, "full_name"),
        ({"date_of_birth": datetime.date(1990, 5, 18)}, "date_of_birth"),
        ({"document_seen": False}, "document_seen"),
    ],
)
def test_a_document_that_does_not_match_verifies_nothing(clerk, changes, field):
    owner = CitizenFactory(national_id=NUMBER)
    other = CitizenFactory(national_id=NUMBER)

    with pytest.raises(ValidationError) as caught:
        verify(owner, clerk, **changes)

    assert field in caught.value.error_dict
    owner.refresh_from_db()
    other.refresh_from_db()
    assert not owner.national_id_verified
    assert other.national_id == NUMBER


def test_only_a_one_stop_clerk_verifies():
    owner = CitizenFactory(national_id=NUMBER)
    for outsider in (
        CitizenFactory(),
        StaffFactory(agency=AgencyFactory(), role="specialist"),
    ):
        with pytest.raises(PermissionDenied):
            verify(owner, outsider)
    owner.refresh_from_db()
    assert not owner.national_id_verified


def test_an_unverified_profile_says_how_to_verify(client):
    user = CitizenFactory(national_id=NUMBER)
    client.force_login(user)
    page = client.get(PROFILE).content.decode()
    assert "Chưa xác thực" in page
    assert "bất kỳ Bộ phận Một cửa nào" in page


def test_a_verified_identity_is_shown_and_cannot_be_edited_online(client, clerk):
    user = CitizenFactory(national_id=NUMBER, full_name="Nguyễn Thị Hồng Nhung")
    verify(user, clerk)
    client.force_login(user)
    page = client.get(PROFILE).content.decode()
    assert "Đã xác thực" in page

    response = client.post(
        PROFILE,
        {
            "full_name": "Người Khác",
            "email": user.email,
            "phone": user.phone,
            "national_id": "075190009999",
            "date_of_birth": "1990-05-17",
            "address": "Địa chỉ mới",
            "preferred_language": "vi",
        },
    )

    assert response.status_code == 302  # the disabled fields keep the verified values
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Thị Hồng Nhung"
    assert user.national_id == NUMBER
    assert user.address == "Địa chỉ mới"
    assert user.national_id_verified


def test_the_admin_shows_the_verification_read_only(client, clerk):
    user = CitizenFactory(national_id=NUMBER)
    verify(user, clerk)
    admin = StaffFactory(agency=clerk.agency, is_staff=True, is_superuser=True)
    force_login_verified(client, admin)  # a superuser's admin needs the second factor
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "Xác thực số định danh" in page
    assert 'name="national_id_verified_at"' not in page
