"""Two-step login for staff (accounts.twofactor): heads, supervisors, administrators and
superusers give a code from an authenticator app after the password; other staff may;
citizens never do."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.twofactor import code_for, enrol_totp

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
ENROL = reverse("accounts:two_factor_enrol")
QUEUE = reverse("staff:queue")


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client, user, **extra):
    return client.post(LOGIN, {"username": user.email, "password": DEFAULT_PASSWORD, **extra})


@pytest.fixture
def head():
    return StaffFactory(email="lanhdao@example.vn", role="head")


def test_a_head_gives_the_code_after_the_password(client, head):
    device = enrol_totp(head)

    first = password_step(client, head)

    assert first.status_code == 302
    assert first["Location"] == CODE
    assert not logged_in(client)  # nothing of the portal is open yet
    assert client.get(QUEUE).status_code == 302  # the workspace sends to the login

    page = client.get(CODE)
    assert "Nhập mã xác thực" in page.content.decode()
    done = client.post(CODE, {"code": code_for(device)})

    assert done.status_code == 302
    assert done["Location"] == QUEUE
    assert client.session["_auth_user_id"] == str(head.pk)
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_is_refused_in_vietnamese_and_the_same_code_works_once(client, head):
    device = enrol_totp(head)
    password_step(client, head)

    wrong = client.post(CODE, {"code": "000000" if code_for(device) != "000000" else "111111"})

    assert wrong.status_code == 200
    assert not logged_in(client)
    assert "Mã xác thực không đúng" in wrong.content.decode()

    device.throttle_reset()
    code = code_for(device)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, head)
    device.refresh_from_db()
    device.throttle_reset()
    replay = client.post(CODE, {"code": code})
    assert not logged_in(client)
    assert replay.status_code == 200


def test_guessing_codes_is_throttled_counted_and_ends_the_pending_login(client, head):
    device = enrol_totp(head)
    password_step(client, head)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    client.post(CODE, {"code": wrong})
    # django-otp now makes the device wait: even the right code is refused at once.
    waiting = client.post(CODE, {"code": right})
    assert "chờ vài giây" in waiting.content.decode()
    assert not logged_in(client)

    for _ in range(settings.TWO_FACTOR_MAX_CODE_FAILURES):
        device.throttle_reset()
        client.post(CODE, {"code": wrong})
    # The pending login is gone: back to the password.
    again = client.get(CODE)
    assert again.status_code == 302
    assert again["Location"] == LOGIN
    # And the failures counted towards the account's lock-out (django-axes).
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username=f"account:{head.pk}").exists()


def test_a_backup_code_lets_in_once(client, head):
    codes = twofactor.enrol(user=head, hex_key=twofactor.new_key())

    password_step(client, head)
    assert client.post(CODE, {"code": codes[0].upper()}).status_code == 302
    assert logged_in(client)
    client.post(reverse("accounts:logout"))

    password_step(client, head)
    assert client.post(CODE, {"code": codes[0]}).status_code == 200
    assert not logged_in(client)
    assert twofactor.backup_codes_left(head) == settings.TWO_FACTOR_BACKUP_CODES - 1


def enrol_through_the_page(client, user) -> list[str]:
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code
    key = client.session[twofactor.ENROL_KEY]
    assert twofactor.manual_key(key) in html
    totp = TOTP(bytes.fromhex(key))
    done = client.post(ENROL, {"code": f"{totp.token():06d}"})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


@pytest.mark.parametrize(
    "who",
    ["head", "supervisor", "administrator", "superuser", "admin access"],
)
def test_a_required_person_without_an_authenticator_must_enrol_first(client, who):
    if who == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif who == "admin access":
        user = StaffFactory(is_staff=True, role="clerk")
    else:
        user = StaffFactory(role=who)

    first = password_step(client, user)

    assert first["Location"] == ENROL
    assert not logged_in(client)
    # Nothing else opens meanwhile: the code page sends back to enrolment, the rest to login.
    assert client.get(CODE)["Location"] == ENROL
    assert client.get(reverse("accounts:profile")).status_code == 302
    wrong = client.post(ENROL, {"code": "12345"})
    assert "Mã xác thực không đúng" in wrong.content.decode()

    codes = enrol_through_the_page(client, user)

    assert len(codes) == settings.TWO_FACTOR_BACKUP_CODES
    assert logged_in(client)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_a_clerk_logs_in_with_the_password_alone_and_may_enrol(client):
    clerk = StaffFactory(role="clerk")

    assert password_step(client, clerk)["Location"] == QUEUE
    assert logged_in(client)
    assert "Chưa bật" in client.get(reverse("accounts:two_factor")).content.decode()

    enrol_through_the_page(client, clerk)
    client.post(reverse("accounts:logout"))

    assert password_step(client, clerk)["Location"] == CODE
    assert not logged_in(client)


def test_a_citizen_is_never_asked(client, citizen):
    response = client.post(LOGIN, {"username": citizen.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] != CODE
    assert logged_in(client)
    client.force_login(citizen, backend=twofactor.BACKEND)
    assert client.get(reverse("accounts:two_factor")).status_code == 404
    assert client.get(ENROL).status_code == 404


def test_the_code_page_without_a_password_step_goes_to_the_login(client):
    response = client.get(CODE)

    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_the_pending_login_expires(client, head, settings):
    device = enrol_totp(head)
    password_step(client, head)
    settings.TWO_FACTOR_PENDING_SECONDS = -1

    response = client.post(CODE, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not logged_in(client)


def test_the_admin_asks_for_the_second_factor(client):
    superuser = UserFactory(email="goc@example.vn", is_superuser=True, is_staff=True)
    device = enrol_totp(superuser)
    admin_index = reverse("admin:index")

    # The admin's own login form is the portal's two-step login.
    to_login = client.get(reverse("admin:login") + f"?next={admin_index}")
    assert to_login["Location"] == f"{LOGIN}?next={admin_index}"
    password_step(client, superuser, next=admin_index)
    assert not logged_in(client)
    assert client.get(admin_index).status_code == 302

    done = client.post(CODE, {"code": code_for(device)})
    assert done["Location"] == admin_index
    assert client.get(admin_index).status_code == 200


def test_a_session_opened_without_the_code_does_not_reach_the_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    enrol_totp(superuser)
    client.force_login(superuser, backend=twofactor.BACKEND)  # a password-only session

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    # and the login page takes it in again rather than bouncing it back to the admin
    assert client.get(LOGIN).status_code == 200


def test_the_demo_key_is_shown_on_the_login_page_only_with_debug(client, settings):
    settings.DEBUG = False
    assert "MOTC UADE" not in client.get(LOGIN).content.decode()
    settings.DEBUG = True
    assert "MOTC UADE MOXA CTHU CHAI BUOC MOTC UA23" in client.get(LOGIN).content.decode()
