"""Account pages: register, log in (e-mail or phone), log out, profile, password change."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeDoneView,
    PasswordChangeView,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from accounts.forms import EmailOrPhoneAuthenticationForm, ProfileForm, RegistrationForm
from accounts.models import User
from accounts.services import citizen_register, profile_update

BACKEND = "accounts.backends.EmailOrPhoneBackend"


class PortalLoginView(LoginView):
    form_class = EmailOrPhoneAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Staff land on their workspace; citizens where they always did. A safe ``next``
        still wins (LoginView checks it with ``url_has_allowed_host_and_scheme`` first)."""
        user = self.request.user
        if user.is_authenticated and user.agency_id is not None:  # type: ignore[union-attr]
            return resolve_url("staff:queue")
        return super().get_default_redirect_url()


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
            user = citizen_register(**form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        login(self.request, user, backend=BACKEND)
        messages.success(
            self.request,
            _("Đã tạo tài khoản. Thông tin dưới đây sẽ được điền sẵn vào mọi hồ sơ bạn nộp."),
        )
        return HttpResponseRedirect(reverse_lazy("accounts:profile"))


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
        context["roles"] = [gettext(group.name) for group in user.groups.all()]
        return context

    def form_valid(self, form: ProfileForm) -> HttpResponse:  # type: ignore[override]
        try:
            profile_update(user=self.request.user, **form.service_values())  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thông tin cá nhân."))
        return super().form_valid(form)


class PortalPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PortalPasswordChangeDoneView(PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
