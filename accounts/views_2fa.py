"""The second step of a staff login and the authenticator's enrolment (accounts.twofactor).

- ``login_code``: after the password, the six digits of the authenticator app (or one
  backup code). Nothing of the portal is open until it is right.
- ``enrol``: the QR code and the key to type, confirmed with a first code; then the backup
  codes, shown once. Reached from the pending login (a required person without an
  authenticator, who can do nothing else) or from the profile (other staff, optional).
- ``security``: the state of one's own second factor, with its removal where optional.
"""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import twofactor
from accounts.models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        help_text=_(
            "6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã dự phòng đã được cấp."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=12,
        help_text=_("6 chữ số ứng dụng hiện ra sau khi đã thêm tài khoản."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


WRONG_CODE = _("Mã xác thực không đúng hoặc đã hết hiệu lực. Hãy nhập mã đang hiện trong ứng dụng.")
WAIT = _("Mã đã bị nhập sai nhiều lần. Hãy chờ vài giây rồi nhập mã mới.")
START_AGAIN = _("Phiên đăng nhập đã hết hạn hoặc mã bị nhập sai quá nhiều lần. Hãy đăng nhập lại.")


def _demo_context(user: User) -> dict[str, Any]:
    """In DEBUG only, for the demo accounts: the shared demo key (README, load_demo)."""
    if settings.DEBUG and user.email.endswith(f"@{settings.DEMO_EMAIL_DOMAIN}"):
        return {"demo_key": twofactor.manual_key(settings.DEMO_TOTP_KEY)}
    return {}


def _locked(request: HttpRequest, pending: twofactor.Pending) -> bool:
    return bool(AxesProxyHandler.is_locked(request, credentials={"username": pending.login}))


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = twofactor.pending_get(request)
    if pending is None:
        messages.info(request, START_AGAIN)
        return redirect("accounts:login")
    if not twofactor.has_second_factor(pending.user):
        return redirect("accounts:two_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, pending):
            twofactor.pending_clear(request)
            return redirect("accounts:login")
        if twofactor.throttled(pending.user):
            form.add_error("code", WAIT)
        else:
            device = twofactor.verify_code(pending.user, form.cleaned_data["code"])
            if device is not None:
                twofactor.complete_login(request, pending.user, device)
                return redirect(pending.redirect_to)
            if twofactor.pending_failure(request, pending):
                messages.error(request, START_AGAIN)
                return redirect("accounts:login")
            form.add_error("code", WRONG_CODE)
    context = {"form": form, **_demo_context(pending.user)}
    return render(request, "accounts/login_code.html", context, status=200)


def _enrolling_user(request: HttpRequest) -> tuple[User, twofactor.Pending | None]:
    """Who enrols: the person of the pending login, or the signed-in staff member."""
    pending = twofactor.pending_get(request)
    if pending is not None:
        if twofactor.has_second_factor(pending.user):
            raise _GoTo("accounts:login_code")
        return pending.user, pending
    user = request.user
    if not user.is_authenticated:
        raise _GoTo("accounts:login")
    if not twofactor.may_enrol(user):  # type: ignore[arg-type]
        raise Http404
    return user, None  # type: ignore[return-value]


class _GoTo(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    try:
        user, pending = _enrolling_user(request)
    except _GoTo as go:
        return redirect(go.name)
    if (
        pending is None
        and twofactor.has_second_factor(user)
        and not twofactor.session_verified(request)
    ):
        # Replacing an authenticator takes a session that passed the current one.
        raise Http404
    key = request.session.get(twofactor.ENROL_KEY)
    if request.method == "GET" or not key:
        key = twofactor.new_key()
        request.session[twofactor.ENROL_KEY] = key
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if twofactor.code_matches_key(key, form.cleaned_data["code"]):
            codes = twofactor.enrol(user=user, hex_key=key)
            request.session.pop(twofactor.ENROL_KEY, None)
            device = twofactor.totp_device(user)
            assert device is not None
            if pending is not None:
                twofactor.complete_login(request, user, device)
                next_url = pending.redirect_to
            else:
                from django_otp import login as otp_login

                otp_login(request, device)
                next_url = resolve_url("accounts:two_factor")
            return render(
                request,
                "accounts/two_factor_backup_codes.html",
                {"codes": codes, "next_url": next_url},
            )
        if pending is not None and twofactor.pending_failure(request, pending):
            messages.error(request, START_AGAIN)
            return redirect("accounts:login")
        form.add_error("code", WRONG_CODE)
    uri = twofactor.provisioning_uri(user, key)
    context = {
        "form": form,
        "pending": pending,
        "required": twofactor.requires_second_factor(user),
        "manual_key": twofactor.manual_key(key),
        "qr_data_uri": twofactor.qr_svg_data_uri(uri),
        "account_label": user.email,
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not twofactor.may_enrol(user):
        raise Http404
    context = {
        "enrolled": twofactor.has_second_factor(user),
        "required": twofactor.requires_second_factor(user),
        "verified": twofactor.session_verified(request),
        "backup_codes_left": twofactor.backup_codes_left(user),
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    """Optional staff may turn the second factor off, from a session that passed it."""
    user: User = request.user  # type: ignore[assignment]
    if twofactor.requires_second_factor(user) or not twofactor.session_verified(request):
        raise Http404
    twofactor.remove(user=user)
    messages.info(request, _("Đã tắt xác thực hai bước."))
    return redirect("accounts:two_factor")


def pending_login_url(request: HttpRequest) -> str:
    """Where the password step sends a login that needs (or must first set up) a code."""
    pending = twofactor.pending_get(request)
    if pending is not None and not twofactor.has_second_factor(pending.user):
        return "accounts:two_factor_enrol"
    return "accounts:login_code"
