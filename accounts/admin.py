"""Django admin for people: staff accounts, their agency, department and role groups.

Privilege stays where it is given: only a superuser grants roles, permissions, admin access
or superuser status, and only a superuser changes a superuser. Nobody sets another
person's password, not even on a new account: the person gets a one-time link to choose
it. Every change made here is in Django's admin log with the fields it changed, which
administrators read under "Nhật ký quản trị".
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import normalize_email, password_reset_send
from accounts.signing import SignsAs
from accounts.validators import normalize_phone
from audit import services as audit
from audit.constants import Action, Purpose


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
# Written by accounts.services.national_id_verify only: shown, never edited.
VERIFICATION_FIELDS = (
    "national_id_verification",
    "national_id_verified_at",
    "national_id_verified_by",
    "national_id_released_at",
)
# In what name the person signs forms 04 and 05 (accounts/signing.py; Decree 30/2020 art. 13).
SIGNING_FIELDS = ("signing_title", "signs_as", "signs_for_title", "signs_for_body")
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
# What only a superuser may change: these grant power.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# Where a one-time link goes: whoever changes them could take the account over.
CONTACT_FIELDS = ("email", "phone")


class _UserFormMixin(forms.ModelForm):
    # Left out of a POST (an older form, a script), a person signs under their own office,
    # and the field is not counted as changed.
    signs_as = forms.TypedChoiceField(
        label=_("Hình thức ký"), choices=SignsAs.choices, required=False, empty_value=SignsAs.OWN
    )

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Thư điện tử này đã được dùng cho một tài khoản khác."))
        return email

    def clean_phone(self) -> str | None:
        return normalize_phone(self.cleaned_data.get("phone") or "") or None

    def clean_national_id(self) -> str | None:
        value = self.cleaned_data.get("national_id") or None
        instance = self.instance
        if instance.pk and instance.national_id_verified and value != instance.national_id:
            # A proved number changes only through a new proof, not a click in the admin.
            raise forms.ValidationError(
                _("Số định danh đã được xác thực theo giấy tờ tùy thân; không sửa ở đây.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, department = cleaned.get("agency"), cleaned.get("department")
        if department is not None and department.agency_id != getattr(agency, "pk", None):
            self.add_error("department", _("Phòng, bộ phận này không thuộc cơ quan đã chọn."))
        return cleaned


class StaffCreationForm(_UserFormMixin, forms.ModelForm):
    """A new account has no password: its owner chooses one through the link sent after."""

    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "agency", "department", *SIGNING_FIELDS)

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class StaffChangeForm(_UserFormMixin, UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            *PERSONAL_FIELDS,
            "agency",
            "department",
            *SIGNING_FIELDS,
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
    list_filter = (
        "national_id_verification",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "agency__province",
        "agency",
    )
    list_select_related = ("agency", "department__agency")
    search_fields = ("full_name", "email", "phone")
    autocomplete_fields = ("agency", "department")
    filter_horizontal = ("groups", "user_permissions")
    readonly_fields = (
        "last_login",
        "date_joined",
        *VERIFICATION_FIELDS,
    )
    actions = ["send_password_reset_link"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (
            _("Thông tin cá nhân"),
            {"fields": PERSONAL_FIELDS},
        ),
        (_("Xác thực số định danh"), {"fields": VERIFICATION_FIELDS}),
        (_("Nơi công tác"), {"fields": ("agency", "department")}),
        (
            _("Ký văn bản"),
            {
                "fields": SIGNING_FIELDS,
                "description": _(
                    "Quyền hạn và chức vụ in trên phiếu xin lỗi và phiếu dừng xử lý hồ sơ "
                    "người này ký (Nghị định 30/2020/NĐ-CP, Điều 13): KT. và TL. ghi chức vụ "
                    "người đứng đầu được ký thay, thừa lệnh; TM. ghi tên tập thể lãnh đạo."
                ),
            },
        ),
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
                    *SIGNING_FIELDS,
                ),
            },
        ),
    )

    @admin.display(description=_("số định danh"), ordering="national_id")
    def masked_national_id(self, obj: User) -> str:
        return mask_national_id(obj.national_id)

    # --- who may change what ---------------------------------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += PRIVILEGE_FIELDS
            if obj is not None:
                readonly += CONTACT_FIELDS
        if obj is not None and obj.pk == request.user.pk:
            readonly.append("is_active")  # nobody locks themselves out by a slip
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Read-only fields are not in the form, so a crafted POST cannot reach them; this is
        # the last guard should a form ever carry them again.
        refused = set(self.get_readonly_fields(request, obj)) & set(form.changed_data)
        if refused:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        if not change and password_reset_send(user=obj):
            self.message_user(
                request, _("Đã gửi cho người dùng liên kết để tự chọn mật khẩu."), messages.INFO
            )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._record(request, obj, Action.CHANGE, {"via": "admin", "change": "added"})
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        """Django's admin log, and the access log beside it (the fields by name, no values)."""
        entry = super().log_change(request, obj, message)
        self._record(request, obj, Action.CHANGE, {"via": "admin", "change": message})
        return entry

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        person = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and response.status_code == 200 and person is not None:
            self._record(request, person, Action.VIEW, {"via": "admin"})
        return response

    @staticmethod
    def _record(request: HttpRequest, person: User, action: str, detail: dict[str, Any]) -> None:
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=action,
            purpose=Purpose.ACCOUNT_ADMINISTRATION,
            subject=person,
            detail=detail,
            request=request,
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Nobody sets another person's password here; one's own is changed on the account
        page, where the current password is asked."""
        if str(request.user.pk) != str(id):
            raise Http404
        return HttpResponseRedirect(reverse("accounts:password_change"))

    @admin.action(description=_("Gửi liên kết đặt lại mật khẩu"), permissions=["change"])
    def send_password_reset_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            if password_reset_send(user=user):
                sent += 1
                self.log_change(request, user, str(_("Đã gửi liên kết đặt lại mật khẩu.")))
        self.message_user(
            request,
            ngettext(
                "Đã gửi liên kết đặt lại mật khẩu cho %(count)d người.",
                "Đã gửi liên kết đặt lại mật khẩu cho %(count)d người.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The admin log, read-only: who changed what, when (the changed fields by name)."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "changes")
    list_filter = ("action_flag", "content_type")
    search_fields = ("object_repr", "user__email", "user__full_name")
    date_hierarchy = "action_time"
    list_select_related = ("user", "content_type")

    @admin.display(description=_("thay đổi"))
    def changes(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# The admin's own login form would skip the second factor: it sends people to the portal's
# two-step login instead (portal/urls.py), and lets in only sessions that passed the code
# when the person needs one (everyone the admin lets in: accounts.twofactor).
_admin_has_permission = admin.site.has_permission


def _admin_has_permission_with_second_factor(request: HttpRequest) -> bool:
    from accounts.twofactor import requires_second_factor, session_verified

    if not _admin_has_permission(request):
        return False
    return not requires_second_factor(request.user) or session_verified(request)  # type: ignore[arg-type]


admin.site.has_permission = _admin_has_permission_with_second_factor  # type: ignore[method-assign]
