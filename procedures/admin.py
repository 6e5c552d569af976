"""Admin for the procedure catalogue (docs/design.md §4).

Saving a version whose steps do not fit its time limit shows the error on the form and
stores nothing: the steps formset sums the budgets of the rows being kept and compares them
with the limits being saved (Django saves the version and its inlines only when the form and
every formset are valid, in one transaction).
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from procedures.fees import validate_fee_lines
from procedures.models import (
    Component,
    ExcludedPeriodRule,
    Fee,
    FeeKind,
    Field,
    LimitUnit,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    VerificationMode,
)
from procedures.services import procedure_version_validate, steps_exceed_limit_error


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class VersionInline(admin.TabularInline):
    """The versions of a procedure, listed read-only; each opens its own page."""

    model = ProcedureVersion
    fields = (
        "effective_from",
        "effective_until",
        "limit_unit",
        "limit_hours_direct",
        "limit_hours_online",
        "limit_shown",
        "same_day",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-effective_from"]

    def has_add_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        return False

    @admin.display(description=_("thời hạn giải quyết"))
    def limit_shown(self, obj: ProcedureVersion) -> str:
        return limit_shown(obj)


def limit_shown(version: ProcedureVersion) -> str:
    """The limit with its unit, per channel when the channels differ."""
    direct, online = version.limit_text_direct, version.limit_text_online
    if direct == online:
        return direct
    return _("Trực tiếp: %(direct)s; trực tuyến: %(online)s") % {
        "direct": direct,
        "online": online,
    }


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "competent_agency_kind",
        "online_level",
        "is_demo",
        "is_active",
    ]
    list_filter = [
        "field",
        "competent_agency_kind",
        "online_level",
        "boundary_free",
        "is_demo",
        "is_active",
    ]
    search_fields = ["code", "name"]
    filter_horizontal = ["agencies"]
    inlines = [VersionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "field",
                    "competent_agency_kind",
                    "agencies",
                    "online_level",
                    "result_type",
                    "legal_basis",
                    "subjects",
                    "source_url",
                    "is_demo",
                    "is_active",
                ]
            },
        ),
        # docs/legal.md#receipt-regardless-of-administrative-boundaries
        (
            _("Tiếp nhận không phụ thuộc địa giới hành chính"),
            {
                "fields": ["boundary_free", "boundary_free_decision", "competence_rule"],
                "description": _(
                    "Thủ tục có trong danh mục do tỉnh công bố: mọi Trung tâm Phục vụ hành "
                    "chính công trong tỉnh tiếp nhận; cơ quan giải quyết là Ủy ban nhân dân xã, "
                    "phường theo nơi cư trú hoặc nơi có đất, tài sản mà hồ sơ ghi."
                ),
            },
        ),
    ]


class ComponentInline(admin.TabularInline):
    model = Component
    fields = ["order", "name", "kind", "count", "required", "reusable", "template", "template_name"]
    extra = 0


class FeeScheduleFormSet(BaseInlineFormSet):
    """The fee lines kept must form a schedule: every group of alternatives has at least
    two lines and exactly one default."""

    def _kept(self) -> list[Any]:
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        lines = [
            Fee(
                kind=form.cleaned_data.get("kind") or FeeKind.ALWAYS,
                group=(form.cleaned_data.get("group") or "").strip(),
                is_default=bool(form.cleaned_data.get("is_default")),
            )
            for form in self._kept()
        ]
        validate_fee_lines(lines)

    def save(self, commit: bool = True) -> Any:
        if commit:
            # Lines losing their default (or deleted) give it up first, so that the table's
            # "one default per group" holds while the rows are saved one by one.
            losing = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and getattr(form, "cleaned_data", None)
                and (form.cleaned_data.get("DELETE") or not form.cleaned_data.get("is_default"))
            ]
            Fee.objects.filter(pk__in=losing, is_default=True).update(is_default=False)
        return super().save(commit)


class FeeInline(admin.TabularInline):
    """Each line: always charged, one of a group of alternatives (one default per group),
    or on request per unit. Alternatives are never added up."""

    model = Fee
    formset = FeeScheduleFormSet
    fields = ["name", "amount", "unit", "kind", "group", "is_default", "note"]
    extra = 0


class StepBudgetFormSet(BaseInlineFormSet):
    """Rejects steps whose budgets, summed over the rows kept, exceed the version's limit."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        total = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            total += form.cleaned_data.get("budget_hours") or 0
        # self.instance carries the limits submitted on the version form (the admin builds
        # the formsets from the object the form has just been validated into).
        direct = self.instance.limit_hours_direct
        online = self.instance.limit_hours_online
        if not direct or not online:
            return  # the version form reports the missing limit
        limit = min(direct, online)
        if total > limit:
            raise steps_exceed_limit_error(steps_hours=total, limit_hours=limit)


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepBudgetFormSet
    fields = ["order", "name", "agency", "department", "handler_role", "budget_hours"]
    extra = 0


class ExcludedPeriodRuleInline(admin.TabularInline):
    """Time the law does not count in this version's limit, each kind with its basis and its
    longest length (docs/legal.md#x1-excluded-periods-pause-the-clock)."""

    model = ExcludedPeriodRule
    fields = ["kind", "max_amount", "max_unit", "legal_basis"]
    extra = 0


class ProcedureVersionForm(ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = [
            "procedure",
            "effective_from",
            "effective_until",
            "limit_unit",
            "limit_hours_direct",
            "limit_hours_online",
            "calendar_days_direct",
            "calendar_days_online",
            "same_day",
            "cutoff",
            "default_extension_hours",
            "verification_amount",
            "verification_unit",
            "verification_mode",
            "verification_basis",
            "supplement_wait_days",
            "supplement_wait_basis",
            "fee_description",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A form that does not send the unit (an older client, a script) means working
        # days, what every limit was before units existed.
        self.fields["limit_unit"].required = False
        # Likewise a form without the verification fields: none allowed, worded "extra".
        self.fields["verification_mode"].required = False
        # And one without the supplement wait: the system's default
        # (docs/legal.md#closure-of-an-unsupplemented-dossier).
        self.fields["supplement_wait_days"].required = False

    def clean_limit_unit(self) -> str:
        return self.cleaned_data.get("limit_unit") or LimitUnit.WORKING_DAYS

    def clean_supplement_wait_days(self) -> int:
        days = self.cleaned_data.get("supplement_wait_days")
        if days is None:
            default: int = ProcedureVersion._meta.get_field("supplement_wait_days").get_default()
            return default
        return int(days)

    def clean_verification_mode(self) -> str:
        return self.cleaned_data.get("verification_mode") or VerificationMode.EXTRA

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        procedure = cleaned.get("procedure")
        effective_from = cleaned.get("effective_from")
        direct = cleaned.get("limit_hours_direct")
        online = cleaned.get("limit_hours_online")
        if procedure is None or effective_from is None or direct is None or online is None:
            return cleaned
        try:
            # Steps are checked by the steps formset, against these limits.
            procedure_version_validate(
                procedure=procedure,
                effective_from=effective_from,
                effective_until=cleaned.get("effective_until"),
                limit_hours_direct=direct,
                limit_hours_online=online,
                exclude_pk=self.instance.pk,
            )
        except ValidationError as exc:
            for field_name, errors in exc.error_dict.items():
                self.add_error(field_name if field_name in self.fields else None, errors)
        return cleaned


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionForm
    list_display = [
        "procedure",
        "effective_from",
        "effective_until",
        "limit_display",
        "limit_hours_direct",
        "limit_hours_online",
        "same_day",
        "steps_total",
    ]
    list_filter = ["limit_unit", "same_day", "procedure__field"]
    search_fields = ["procedure__code", "procedure__name"]
    list_select_related = ["procedure"]
    autocomplete_fields = ["procedure"]
    inlines = [ComponentInline, FeeInline, ProcessStepInline, ExcludedPeriodRuleInline]

    @admin.display(description=_("thời hạn giải quyết"))
    def limit_display(self, obj: ProcedureVersion) -> str:
        return limit_shown(obj)

    @admin.display(description=_("tổng thời gian các bước (giờ)"))
    def steps_total(self, obj: ProcedureVersion) -> int:
        return obj.steps_budget_hours()
