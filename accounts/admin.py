"""Django admin for people: staff accounts, their agency, department and role groups."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import normalize_email
from accounts.validators import normalize_phone


def mask_national_id(value: str | None) -> str:
    """'075190001234' → '075•••••••34': enough to tell two people apart in a list."""
    if not value:
        return ""
    return f"{value[:3]}{'•' * (len(value) - 5)}{value[-2:]}"


PERSONAL_FIELDS = (
    "full_name",
    "phone",
    "national_id",
    "date_of_birth",
    "address",
    "preferred_language",
)
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class _UserFormMixin(forms.ModelForm):
    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Thư điện tử này đã được dùng cho một tài khoản khác."))
        return email

    def clean_phone(self) -> str | None:
        return normalize_phone(self.cleaned_data.get("phone") or "") or None

    def clean_national_id(self) -> str | None:
        return self.cleaned_data.get("national_id") or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, department = cleaned.get("agency"), cleaned.get("department")
        if department is not None and department.agency_id != getattr(agency, "pk", None):
            self.add_error("department", _("Phòng, bộ phận này không thuộc cơ quan đã chọn."))
        return cleaned


class StaffCreationForm(_UserFormMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "agency", "department")


class StaffChangeForm(_UserFormMixin, UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            *PERSONAL_FIELDS,
            "agency",
            "department",
            *ACCESS_FIELDS,
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    ordering = ("full_name", "email")
    list_display = (
        "email",
        "full_name",
        "phone",
        "masked_national_id",
        "agency",
        "department",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "groups", "agency__province", "agency")
    list_select_related = ("agency", "department__agency")
    search_fields = ("full_name", "email", "phone")
    autocomplete_fields = ("agency", "department")
    filter_horizontal = ("groups", "user_permissions")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": PERSONAL_FIELDS},
        ),
        (_("Nơi công tác"), {"fields": ("agency", "department")}),
        (
            _("Vai trò và quyền"),
            {"fields": ACCESS_FIELDS},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "phone",
                    "agency",
                    "department",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("số định danh"), ordering="national_id")
    def masked_national_id(self, obj: User) -> str:
        return mask_national_id(obj.national_id)
