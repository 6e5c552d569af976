"""The second factor of a staff login (django-otp): an authenticator app (TOTP) and static
backup codes.

- Required for the people whose session can approve, supervise or administer: heads (who
  approve), the centre supervisor, administrators, superusers and anyone the admin lets in.
  Optional for other staff (they enrol from their profile), never asked of citizens.
- A login that needs the code is not a login yet: after the password the session holds only
  a *pending* entry (the account, when, how many wrong codes); ``django.contrib.auth.login``
  runs once the code is right, so nothing of the portal opens in between. A required person
  with no authenticator is taken to enrolment from that pending state and can do nothing
  else until enrolled.
- Wrong codes: django-otp throttles each device (1, 2, 4, 8 … seconds between tries), each
  counts as a failed login for django-axes (the account's lock-out), and after
  TWO_FACTOR_MAX_CODE_FAILURES the pending entry is dropped (the password again).
"""

import base64
import binascii
import time
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import User

PENDING_KEY = "two_factor_pending"
ENROL_KEY = "two_factor_enrol_key"
BACKEND = "accounts.backends.EmailOrPhoneBackend"
TOTP_NAME = "Ứng dụng xác thực"
BACKUP_NAME = "Mã dự phòng"


def requires_second_factor(user: User) -> bool:
    """Whoever can approve, supervise the province, administer or enter the admin."""
    return bool(
        user.is_superuser
        or user.is_staff
        or roles.is_approver(user)
        or roles.is_supervisor(user)
        or roles.is_catalogue_admin(user)
    )


def may_enrol(user: User) -> bool:
    """Staff may add an authenticator; citizens are never asked for one."""
    return user.agency_id is not None or requires_second_factor(user)


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- the pending login --------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    login: str
    redirect_to: str


def pending_start(request: HttpRequest, *, user: User, login: str, redirect_to: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "login": login,
        "next": redirect_to,
        "at": time.time(),
        "failures": 0,
    }


def pending_get(request: HttpRequest) -> Pending | None:
    """The half-open login of this session, unless it is too old."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        pending_clear(request)
        return None
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    if user is None:
        pending_clear(request)
        return None
    return Pending(user=user, login=str(data.get("login", "")), redirect_to=str(data["next"]))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(ENROL_KEY, None)


def pending_failure(request: HttpRequest, pending: Pending) -> bool:
    """A wrong code: counted for django-axes like a wrong password. True when the pending
    login is used up and the password must be typed again."""
    user_login_failed.send(
        sender=__name__, credentials={"username": pending.login}, request=request
    )
    data = request.session[PENDING_KEY]
    data["failures"] = int(data.get("failures", 0)) + 1
    request.session[PENDING_KEY] = data
    if data["failures"] >= settings.TWO_FACTOR_MAX_CODE_FAILURES:
        pending_clear(request)
        return True
    return False


def complete_login(request: HttpRequest, user: User, device: Device) -> None:
    """The full login, marked as verified by the device that accepted the code."""
    pending_clear(request)
    auth_login(request, user, backend=BACKEND)
    otp_login(request, device)


# --- codes --------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(user: User, code: str) -> Device | None:
    """The device that accepts ``code``: six digits for the authenticator, otherwise one of
    the backup codes (each works once). Both devices are throttled by django-otp."""
    code = normalise_code(code)
    if not code:
        return None
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            devices: Any = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def throttled(user: User) -> bool:
    """True while django-otp makes this person wait before the next try."""
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


# --- enrolment ----------------------------------------------------------------------------


def new_key() -> str:
    """A fresh 20-byte TOTP key, hex as django-otp stores it."""
    from django_otp.plugins.otp_totp.models import default_key

    return str(default_key())


def manual_key(hex_key: str) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    b32 = base64.b32encode(binascii.unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def provisioning_uri(user: User, hex_key: str) -> str:
    return str(TOTPDevice(user=user, key=hex_key).config_url)


def qr_svg_data_uri(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def code_matches_key(hex_key: str, code: str) -> bool:
    """The first code of a key not yet saved (the enrolment's confirmation), ±1 step."""
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = TOTP(binascii.unhexlify(hex_key))
    now = time.time()
    for drift in (-1, 0, 1):
        totp.time = now + drift * totp.step
        if constant_time_compare(f"{totp.token():06d}", code):
            return True
    return False


@transaction.atomic
def enrol(*, user: User, hex_key: str) -> list[str]:
    """Saves the confirmed authenticator (replacing any earlier one) and a fresh set of
    backup codes, returned to be shown once."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=hex_key, confirmed=True)
    # The code that confirmed it cannot be replayed for a login in the same 30 seconds.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    device.last_t = totp.t()
    device.save(update_fields=["last_t"])
    static = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def remove(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def session_verified(request: HttpRequest) -> bool:
    """The session passed the second factor (django-otp's middleware checks the device)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())
