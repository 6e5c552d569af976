"""Second-factor helpers for tests: an authenticator for a person, the code it would show
now (computed from the device key with django_otp.oath, as the phone's app does), and a
session that passed both steps."""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

BACKEND = "accounts.backends.EmailOrPhoneBackend"


def enrol_totp(user: User) -> TOTPDevice:
    """The person's confirmed authenticator (made with a fresh key if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Thử", confirmed=True)
    return device


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The six digits the app shows now: the first step past the last one used (a code is
    accepted once; django-otp's tolerance takes the next step's code too)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        ahead = device.last_t + 1 - totp.t()
        if ahead > device.tolerance:  # two logins in one window: wait for the next one
            time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
            return code_for(device, steps_ahead=steps_ahead)
        totp.time += ahead * device.step
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def current_code(user: User) -> str:
    return code_for(enrol_totp(user))


def force_login_verified(client: Client, user: User) -> None:
    """A session past both steps, as the two-step login leaves it."""
    device = enrol_totp(user)
    client.force_login(user, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
