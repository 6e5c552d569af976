"""Forms of the account pages. They parse input; the rules live in accounts.services."""

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def _model_field(name: str) -> models.Field:
    return cast(models.Field, User._meta.get_field(name))


def _label(name: str) -> Any:
    return capfirst(_model_field(name).verbose_name)


LANGUAGE_CHOICES = list(_model_field("preferred_language").choices or [])


class EmailOrPhoneAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Thư điện tử, số điện thoại hoặc mật khẩu không đúng. Hãy kiểm tra và nhập lại."
        ),
    }


class PasswordResetRequestForm(forms.Form):
    login = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class IdentityFieldsForm(forms.Form):
    """The profile fields shared by registration and the profile page."""

    full_name = forms.CharField(
        label=_label("full_name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_label("email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Hãy nhập một địa chỉ thư điện tử hợp lệ.")},
    )
    phone = forms.CharField(
        label=_label("phone"),
        max_length=20,
        help_text=_("Số di động, ví dụ 0912 345 678. Dùng để đăng nhập và nhận tin nhắn."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    national_id = forms.CharField(
        label=_label("national_id"),
        # No 12-character limit here: the service explains what is wrong with the number.
        max_length=32,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_label("date_of_birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(
        label=_label("address"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    preferred_language = forms.ChoiceField(
        label=_label("preferred_language"), choices=LANGUAGE_CHOICES, initial="vi"
    )

    # Service argument → form field, where the names differ.
    service_field_names: dict[str, str] = {}

    def clean_national_id(self) -> str:
        # "075 190 001 234" as printed on the card is the same number.
        return "".join(self.cleaned_data["national_id"].split())

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data.get("phone") or "",
            "national_id": data.get("national_id") or "",
            "date_of_birth": data.get("date_of_birth"),
            "address": data.get("address") or "",
            "preferred_language": data["preferred_language"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Shows a service's ValidationError on the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = self.service_field_names.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


class RegistrationForm(IdentityFieldsForm):
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    service_field_names = {"password": "password1"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Hai mật khẩu đã nhập không giống nhau."))
        return cleaned

    def service_values(self) -> dict[str, Any]:
        return {**super().service_values(), "password": self.cleaned_data["password1"]}


class ProfileForm(IdentityFieldsForm):
    """A citizen keeps the whole profile filled in (it prefills every dossier); staff need
    only a name and an e-mail."""

    CITIZEN_REQUIRED = ("phone", "national_id", "date_of_birth", "address")
    VERIFIED_FIELDS = ("full_name", "national_id", "date_of_birth")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        stored = {
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone or "",
            "national_id": user.national_id or "",
            "date_of_birth": user.date_of_birth,
            "address": user.address,
            "preferred_language": user.preferred_language,
        }
        kwargs["initial"] = {**stored, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        if not user.is_citizen:
            for name in self.CITIZEN_REQUIRED:
                self.fields[name].required = False
        if user.national_id_verified:
            # Proved against the identity document: corrected only at a counter.
            for name in self.VERIFIED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Đã xác thực theo giấy tờ tùy thân.")
