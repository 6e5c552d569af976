"""Account pages: register, log in (e-mail or phone), log out, profile, password change and
reset.

Nothing here tells a visitor whether an e-mail, a phone or an ID number has an account:
registration and password reset give the same answer either way and write to the owner
(accounts.services), and failed logins all read alike.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeDoneView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from accounts import twofactor, views_2fa
from accounts.forms import (
    EmailOrPhoneAuthenticationForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.models import User
from accounts.services import (
    citizen_activate,
    citizen_register,
    password_reset_request,
    profile_update,
)
from accounts.tokens import activation_token_generator, password_reset_token_generator
from audit import services as audit
from audit.constants import Action, Purpose

BACKEND = "accounts.backends.EmailOrPhoneBackend"


class PortalLoginView(LoginView):
    """The password step. A person with an authenticator, or one who must have one
    (accounts.twofactor), is not logged in here: the session only remembers the pending
    login and the next step asks for the code, or for the enrolment first."""

    form_class = EmailOrPhoneAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and twofactor.requires_second_factor(user)  # type: ignore[arg-type]
            and not twofactor.session_verified(request)
        ):
            # A session without the second factor (the admin sends it here): log in again.
            self.redirect_authenticated_user = False
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        """Staff land on their workspace; citizens where they always did. A safe ``next``
        still wins (LoginView checks it with ``url_has_allowed_host_and_scheme`` first)."""
        user = self.request.user
        if user.is_authenticated and user.agency_id is not None:  # type: ignore[union-attr]
            return resolve_url("staff:queue")
        return super().get_default_redirect_url()

    def form_valid(self, form: EmailOrPhoneAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user: User = form.get_user()  # type: ignore[assignment]
        if not (twofactor.requires_second_factor(user) or twofactor.has_second_factor(user)):
            return super().form_valid(form)
        redirect_to = self.get_redirect_url() or (
            resolve_url("staff:queue")
            if user.agency_id is not None
            else resolve_url(settings.LOGIN_REDIRECT_URL)
        )
        twofactor.pending_start(
            self.request, user=user, login=form.cleaned_data["username"], redirect_to=redirect_to
        )
        return redirect(views_2fa.pending_login_url(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            context["demo_totp_key"] = twofactor.manual_key(settings.DEMO_TOTP_KEY)
        return context


class PortalLogoutView(LogoutView):
    """POST only (Django's LogoutView answers GET with 405)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


class RegisterView(FormView):
    form_class = RegistrationForm
    template_name = "accounts/register.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:  # type: ignore[override]
        try:
            citizen_register(**form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        # The same page whether an account was opened or the e-mail, phone or ID number
        # already had one (its owner hears of it instead).
        return HttpResponseRedirect(reverse_lazy("accounts:register_done"))


class RegisterDoneView(TemplateView):
    template_name = "accounts/register_done.html"


def _user_from_uidb64(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the registration e-mail. GET shows a button (mail scanners that open
    links must not open a session); POST opens the account and logs the person in."""
    user = _user_from_uidb64(uidb64)
    valid = user is not None and activation_token_generator.check_token(user, token)
    if not valid or user is None:
        return render(request, "accounts/activate.html", {"valid": False}, status=404)
    if request.method != "POST":
        return render(request, "accounts/activate.html", {"valid": True})
    user = citizen_activate(user=user)
    login(request, user, backend=BACKEND)
    messages.success(
        request,
        _("Đã tạo tài khoản. Thông tin dưới đây sẽ được điền sẵn vào mọi hồ sơ bạn nộp."),
    )
    return redirect("accounts:profile")


class ProfileView(LoginRequiredMixin, FormView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user: User = self.request.user  # type: ignore[assignment]
        context = super().get_context_data(**kwargs)
        context["staff_agency"] = user.agency
        context["staff_department"] = user.department
        # Group names are the Vietnamese role labels of accounts.roles, marked with gettext_noop.
        context["role_labels"] = [gettext(group.name) for group in user.groups.all()]
        return context

    def form_valid(self, form: ProfileForm) -> HttpResponse:  # type: ignore[override]
        try:
            profile_update(user=self.request.user, **form.service_values())  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        if form.changed_data:
            audit.record(
                actor=self.request.user,  # type: ignore[arg-type]
                action=Action.CHANGE,
                purpose=Purpose.OWN_PROFILE,
                subject=self.request.user,  # type: ignore[arg-type]
                detail={"fields": sorted(form.changed_data)},
                request=self.request,
            )
        messages.success(self.request, _("Đã lưu thông tin cá nhân."))
        return super().form_valid(form)


class PortalPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PortalPasswordChangeDoneView(PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetRequestView(FormView):
    """ "Forgot password": asks for the e-mail or phone; always the same answer."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:  # type: ignore[override]
        password_reset_request(login=form.cleaned_data["login"])
        return super().form_valid(form)


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/password_reset_done.html"


class PortalPasswordResetConfirmView(PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    token_generator = password_reset_token_generator


class PortalPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
