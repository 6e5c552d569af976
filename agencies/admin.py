"""Django admin for the organisation model: agencies with their departments, and the
provinces and communes of the reference data (read-only: `manage.py load_units` owns them)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Commune, Department, Province


class ReferenceDataAdmin(admin.ModelAdmin):
    """Units come from the `vietnam-provinces` package; nobody edits them by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "division_type", "codename")
    search_fields = ("name", "codename")


@admin.register(Commune)
class CommuneAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "division_type", "province")
    list_filter = ("division_type", "province")
    list_select_related = ("province",)
    search_fields = ("name", "province__name")
    show_full_result_count = False


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ("code", "name")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "commune", "valid_from", "valid_until")
    list_filter = ("kind", "province")
    list_select_related = ("province", "commune")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "successor", "province", "commune")
    inlines = (DepartmentInline,)
    fieldsets = (
        (
            None,
            {"fields": ("code", "name", "short_name", "kind", "parent", "head_title", "symbol")},
        ),
        (_("Địa bàn, liên hệ"), {"fields": ("province", "commune", "address", "phone")}),
        (_("Hiệu lực, kế thừa"), {"fields": ("valid_from", "valid_until", "successor")}),
        (
            _("Giờ làm việc"),
            {
                "fields": (
                    ("morning_start", "morning_end"),
                    ("afternoon_start", "afternoon_end"),
                    "auto_issue_apology",
                )
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Listed so staff accounts can pick a department by name (autocomplete)."""

    list_display = ("name", "code", "agency")
    list_filter = ("agency__kind",)
    list_select_related = ("agency",)
    search_fields = ("name", "code", "agency__name", "agency__short_name")
