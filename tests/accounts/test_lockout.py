"""Login lock-out (issue 10): per account whatever identifier is typed, from any address;
per client address against a spray of many accounts; the client address behind our reverse
proxy read from X-Forwarded-For only when TRUSTED_PROXY_COUNT says how many proxies stand in
front."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from accounts.lockout import client_ip_address
from tests.factories import DEFAULT_PASSWORD, CitizenFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WRONG = "sai-mat-khau-roi"


def attempt(client, login, password=WRONG, **meta):
    return client.post(LOGIN, {"username": login, "password": password}, **meta)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_email_and_phone_of_one_account_count_together_from_any_address(client, citizen):
    # Five failures spread over the account's e-mail and phone, from five addresses.
    logins = [
        "nhung@example.vn",
        "0912345678",
        "NHUNG@example.vn",
        "+84 912 345 678",
        "0912.345.678",
    ]
    for number, login in enumerate(logins):
        attempt(client, login, REMOTE_ADDR=f"198.51.100.{number + 1}")

    response = attempt(client, "nhung@example.vn", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert not logged_in(client)


def test_an_unknown_login_locks_just_like_a_known_one(client, citizen):
    for login in ("nhung@example.vn", "khong-ai@example.vn"):
        responses = [attempt(client, login, REMOTE_ADDR="198.51.100.7") for _ in range(5)]
        assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]


def test_a_spray_of_many_accounts_from_one_address_is_stopped(client):
    accounts = [
        CitizenFactory(email=f"nguoi{n}@example.vn", phone=f"09120000{n:02d}", national_id=None)
        for n in range(settings.AXES_IP_FAILURE_LIMIT + 5)
    ]
    statuses = [attempt(client, a.email, REMOTE_ADDR="198.51.100.50").status_code for a in accounts]

    # Each account saw one failure only; the address is what gets locked.
    assert statuses[: settings.AXES_IP_FAILURE_LIMIT - 1] == [200] * (
        settings.AXES_IP_FAILURE_LIMIT - 1
    )
    assert set(statuses[settings.AXES_IP_FAILURE_LIMIT :]) == {429}
    # Even the right password of a fresh account, from that address.
    fresh = CitizenFactory(email="moi@example.vn", phone="0987000999", national_id=None)
    assert (
        attempt(client, fresh.email, DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.50").status_code
        == 429
    )
    # Another address is not affected.
    assert (
        attempt(client, fresh.email, DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.51").status_code
        == 302
    )


def test_a_successful_login_does_not_wash_the_addresss_count(client):
    own = CitizenFactory(email="minh@example.vn", phone="0987000111", national_id=None)
    victims = [
        CitizenFactory(email=f"nan{n}@example.vn", phone=f"09130000{n:02d}", national_id=None)
        for n in range(settings.AXES_IP_FAILURE_LIMIT)
    ]
    for number, victim in enumerate(victims):
        if number % 3 == 0:
            attempt(client, own.email, DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.60")
            client.logout()
        last = attempt(client, victim.email, REMOTE_ADDR="198.51.100.60")

    assert last.status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_IP_FAILURE_LIMIT = 5
    # A sprayer claiming a new address each time is still counted at its real address.
    statuses = [
        attempt(client, f"ai{n}@example.vn", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(5)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.2")
    assert client_ip_address(request) == "10.0.0.2"


def test_behind_one_trusted_proxy_two_clients_are_counted_apart(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IP_FAILURE_LIMIT = 5
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    spray = [f"ai{n}@example.vn" for n in range(6)]

    first = [
        attempt(client, login, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code
        for login in spray
    ]
    honest = CitizenFactory(email="that@example.vn", phone="0987000222", national_id=None)
    second = attempt(
        client, honest.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy
    )

    assert first[-1] == 429  # the sprayer, seen through the proxy, is locked
    assert second.status_code == 302  # the other client behind the same proxy is not


def test_a_client_cannot_forge_its_way_past_the_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended what it saw.
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
    )
    assert client_ip_address(request) == "198.51.100.7"
    garbage = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2")
    assert client_ip_address(garbage) == "10.0.0.2"
