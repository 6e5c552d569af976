"""The catalogue's search form (a GET form shared by the page and the API)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from procedures.models import Field, OnlineLevel
from procedures.selectors import catalogue_agencies, catalogue_fields


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        strip=True,
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả lĩnh vực"),
        error_messages={"invalid_choice": _("Lĩnh vực đã chọn không có trong danh mục.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan tiếp nhận"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả cơ quan"),
        error_messages={"invalid_choice": _("Cơ quan đã chọn không tiếp nhận thủ tục nào.")},
    )
    online_level = forms.ChoiceField(
        label=_("Mức độ trực tuyến"),
        choices=[("", _("Tất cả mức độ")), *OnlineLevel.choices],
        required=False,
        error_messages={"invalid_choice": _("Mức độ trực tuyến không hợp lệ.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request: "agencies in force" depends on today's date, not the import's.
        self.fields["field"].queryset = catalogue_fields()  # type: ignore[attr-defined]
        self.fields["agency"].queryset = catalogue_agencies()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``procedure_search``; invalid ones are
        dropped (their error is shown next to the field)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "field": data.get("field"),
            "agency": data.get("agency"),
            "online_level": data.get("online_level") or None,
        }
