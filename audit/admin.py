"""The access log in the admin: read-only; only a superuser may delete (a retention purge)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.roles import may_read_access_log
from audit.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "purpose", "dossier", "subject", "ip_address")
    list_filter = ("action", "purpose")
    search_fields = ("actor__full_name", "actor__email", "subject__full_name", "dossier__code")
    date_hierarchy = "at"
    list_select_related = ("actor", "subject", "dossier")
    readonly_fields = [field.name for field in AccessRecord._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_access_log(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_access_log(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
