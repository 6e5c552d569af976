"""Log in with e-mail or phone, lockout after repeated failures (django-axes), POST-only
logout, and the session idle timeout."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "login",
    ["nhung@example.vn", "  NHUNG@Example.VN ", "0912345678", "0912 345 678", "+84912345678"],
)
def test_a_citizen_logs_in_with_email_or_phone(client, citizen, login):
    response = client.post(LOGIN, {"username": login, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(citizen.pk)


def test_login_honours_next(client, citizen):
    response = client.post(
        f"{LOGIN}?next={PROFILE}",
        {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD, "next": PROFILE},
    )

    assert response.status_code == 302
    assert response.url == PROFILE


def test_the_login_page_asks_for_email_or_phone(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "Thư điện tử hoặc số điện thoại" in response.content.decode()


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("nhung@example.vn", "sai-mat-khau-roi"),
        ("0912345679", DEFAULT_PASSWORD),  # someone else's (unknown) phone
        ("khong-ai@example.vn", DEFAULT_PASSWORD),
    ],
)
def test_a_wrong_login_is_refused_with_a_vietnamese_message(client, citizen, login, password):
    response = client.post(LOGIN, {"username": login, "password": password})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert "Thư điện tử, số điện thoại hoặc mật khẩu không đúng." in response.content.decode()


def test_an_inactive_account_cannot_log_in(client, citizen):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])

    client.post(LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD})

    assert logged_in_user_id(client) is None


def test_four_failures_still_let_the_right_password_in(client, citizen):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "nhung@example.vn", "password": "sai-mat-khau-roi"})

    client.post(LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD})

    assert logged_in_user_id(client) == str(citizen.pk)


def test_five_failures_lock_the_login_even_with_the_right_password(client, citizen):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        response = client.post(LOGIN, {"username": "nhung@example.vn", "password": "sai-mat-khau"})
    assert response.status_code == 429

    response = client.post(LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    page = response.content.decode()
    assert "Tạm khóa đăng nhập" in page
    assert "Mật khẩu đã bị nhập sai 5 lần liên tiếp." in page
    assert "Hãy thử lại sau 30 phút." in page


def test_changing_case_or_phone_format_does_not_reset_the_failure_count(client, citizen):
    variants = ["NHUNG@example.vn", "nhung@EXAMPLE.vn", "Nhung@Example.Vn", "nhung@example.VN"]
    for login in variants:
        client.post(LOGIN, {"username": login, "password": "sai-mat-khau"})
    response = client.post(LOGIN, {"username": " nhung@example.vn", "password": "sai-mat-khau"})
    assert response.status_code == 429

    phones = ["0912345678", "0912 345 678", "+84912345678", "84912345678", "0912.345.678"]
    for login in phones:
        response = client.post(LOGIN, {"username": login, "password": "sai-mat-khau"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"username": "0912345678", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert logged_in_user_id(client) is None


def test_logout_by_get_is_refused(client, citizen):
    client.post(LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD})

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert logged_in_user_id(client) == str(citizen.pk)


def test_logout_by_post_ends_the_session(client, citizen):
    client.post(LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD})

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert client.get(PROFILE).status_code == 302


def test_the_session_ends_after_the_idle_time(client, citizen):
    idle = settings.SESSION_COOKIE_AGE
    assert 0 < idle <= 30 * 60  # ASVS L2: at most 30 minutes idle
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        response = client.post(
            LOGIN, {"username": "nhung@example.vn", "password": DEFAULT_PASSWORD}
        )
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == idle
        assert cookie["httponly"]

        # Activity keeps the session alive: each request starts the idle time again.
        traveller.shift(idle - 60)
        response = client.get(PROFILE)
        assert response.status_code == 200
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == idle
        traveller.shift(idle - 60)
        assert client.get(PROFILE).status_code == 200

        # Idle for longer than the limit: the stored session has expired.
        traveller.shift(idle + 1)
        response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert logged_in_user_id(client) is None
