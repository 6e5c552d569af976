"""Django admin for calendar overrides; writes go through `workcalendar.services`."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from workcalendar.calendars import uncertain_days
from workcalendar.engine import format_dated
from workcalendar.forms import CalendarOverrideForm
from workcalendar.models import CalendarOverride
from workcalendar.official import DAY_OFF
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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The shipped official calendar's uncertain days, until an administrator decides
        each with a global override (docs/design.md §6; `workcalendar.official`)."""
        lang = "en" if (get_language() or "vi").startswith("en") else "vi"
        for entry, override in uncertain_days():
            if override is not None:
                continue
            messages.warning(
                request,
                _(
                    "Lịch chính thức: ngày %(day)s – %(name)s (%(kind)s?) chưa được xác nhận "
                    "bằng văn bản nên chưa được áp dụng: phần mềm đang tính như một ngày "
                    "thường. Hãy thêm một điều chỉnh áp dụng cho mọi cơ quan để quyết định. "
                    "Căn cứ đã xem: %(source)s"
                )
                % {
                    "day": format_dated(entry.date, lang),
                    "name": entry.names[lang],
                    "kind": _("ngày nghỉ") if entry.kind == DAY_OFF else _("ngày làm việc"),
                    "source": entry.citation(),
                },
            )
        return super().changelist_view(request, extra_context)

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
