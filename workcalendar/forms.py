"""The override form the Django admin uses: the same checks as the service."""

from typing import Any

from django import forms

from workcalendar.models import CalendarOverride
from workcalendar.services import validate_calendar_override


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ("date", "kind", "name", "agency")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or cleaned.get("date") is None or not cleaned.get("kind"):
            return cleaned
        validate_calendar_override(
            date=cleaned["date"],
            kind=cleaned["kind"],
            name=cleaned.get("name", ""),
            agency=cleaned.get("agency"),
            instance_pk=self.instance.pk,
        )
        return cleaned
