"""API tokens (django-rest-knox): issued for credentials — and the authenticator's code when
the login needs one — stored only as a digest, expiring, revoked at logout."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, CitizenFactory, StaffFactory
from tests.twofactor import code_for, enrol_totp

pytestmark = pytest.mark.django_db

TOKEN = reverse("api-token")
DOSSIERS = "/api/v1/dossiers/"


def issue(client: APIClient, user, **extra) -> "object":
    data = {"username": user.email, "password": DEFAULT_PASSWORD, **extra}
    return client.post(TOKEN, data, format="json")


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_clerk_gets_a_token_that_opens_the_api_and_is_stored_only_as_a_digest():
    clerk = StaffFactory(role="clerk")

    response = issue(APIClient(), clerk)

    assert response.status_code == 200
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=clerk)
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128  # SHA-512, hex
    assert with_token(token).get(DOSSIERS).status_code == 200


def test_the_token_lasts_the_configured_lifetime_then_answers_401(settings):
    clerk = StaffFactory(role="clerk")
    token = issue(APIClient(), clerk).json()["token"]
    expiry = AuthToken.objects.get(user=clerk).expiry
    assert expiry is not None
    lifetime = expiry - timezone.now()
    assert datetime.timedelta(hours=9, minutes=59) < lifetime <= datetime.timedelta(hours=10)

    with time_machine.travel(expiry + datetime.timedelta(seconds=1)):
        late = with_token(token).get(DOSSIERS)

    assert late.status_code == 401
    assert late["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(user=clerk).exists()  # an expired token is deleted


def test_wrong_credentials_answer_401_in_vietnamese():
    clerk = StaffFactory(role="clerk")

    response = APIClient().post(
        TOKEN, {"username": clerk.email, "password": "sai-mat-khau"}, format="json"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "mật khẩu không đúng" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_a_head_needs_the_code_of_the_authenticator():
    head = StaffFactory(role="head")
    device = enrol_totp(head)

    without = issue(APIClient(), head)
    wrong = issue(APIClient(), head, code="000000" if code_for(device) != "000000" else "111111")
    device.throttle_reset()
    right = issue(APIClient(), head, code=code_for(device))

    assert without.status_code == 401
    assert "mã xác thực" in without.json()["detail"]
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert AuthToken.objects.filter(user=head).count() == 1


def test_a_head_without_an_authenticator_gets_no_token():
    head = StaffFactory(role="head")

    assert issue(APIClient(), head, code="123456").status_code == 401
    assert not AuthToken.objects.exists()


def test_a_citizen_gets_a_token_with_the_password_alone():
    citizen = CitizenFactory()

    assert issue(APIClient(), citizen).status_code == 200


def test_logout_revokes_the_token_and_logout_all_every_token():
    clerk = StaffFactory(role="clerk")
    first = issue(APIClient(), clerk).json()["token"]
    second = issue(APIClient(), clerk).json()["token"]
    third = issue(APIClient(), clerk).json()["token"]

    assert with_token(first).post(reverse("api-logout")).status_code == 204
    assert with_token(first).get(DOSSIERS).status_code == 401
    assert with_token(second).get(DOSSIERS).status_code == 200

    assert with_token(second).post(reverse("api-logout-all")).status_code == 204
    assert with_token(third).get(DOSSIERS).status_code == 401


def test_the_schema_documents_the_token_endpoint_and_scheme(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/auth/logout/" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(
        s.get("type") == "apiKey" and s.get("name") == "Authorization" for s in schemes.values()
    )
