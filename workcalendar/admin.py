"""Django admin for calendar overrides; writes go through `workcalendar.services`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workcalendar.forms import CalendarOverrideForm
from workcalendar.models import CalendarOverride
from workcalendar.services import calendar_override_create, calendar_override_update


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ("date", "kind", "name", "agency", "created_by", "created_at")
    list_filter = ("kind", ("agency", admin.EmptyFieldListFilter), "agency")
    list_select_related = ("agency", "created_by")
    search_fields = ("name", "agency__name", "agency__code")
    autocomplete_fields = ("agency",)
    date_hierarchy = "date"
    readonly_fields = ("created_by", "created_at")
    fields = ("date", "kind", "name", "agency", "created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            calendar_override_update(
                override=obj,
                date=data["date"],
                kind=data["kind"],
                name=data["name"],
                agency=data.get("agency"),
            )
            return
        created = calendar_override_create(
            date=data["date"],
            kind=data["kind"],
            name=data["name"],
            agency=data.get("agency"),
            created_by=request.user,
        )
        obj.pk, obj.created_by, obj.created_at = created.pk, created.created_by, created.created_at
