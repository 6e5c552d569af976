"""Forms of the overdue pages: the supervisor's agency filter and the head's letter form."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

# <input type="datetime-local"> sends "2025-03-12T17:00" (seconds only when the step says so);
# the value is read in the current time zone, Asia/Ho_Chi_Minh.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class WatchFilterForm(forms.Form):
    """``?co_quan=<id>``: the supervisor narrows the province's list to one agency."""

    co_quan = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Tất cả cơ quan trong tỉnh"),
        error_messages={"invalid_choice": _("Cơ quan không thuộc tỉnh của bạn.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].queryset = agencies  # type: ignore[attr-defined]


class LetterForm(forms.Form):
    """What the head may change before issuing: the reason and the new return date."""

    reason = forms.CharField(
        label=_("Lý do quá hạn"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In nguyên văn trên phiếu gửi công dân."),
        error_messages={"required": _("Cần nêu lý do quá hạn.")},
    )
    proposed_due_at = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
        help_text=_("Giờ Việt Nam. Chỉ được hẹn lại một lần."),
        error_messages={
            "required": _("Cần chọn ngày hẹn trả mới."),
            "invalid": _("Ngày giờ không hợp lệ."),
        },
    )

    def __init__(self, *args: Any, original_due_at: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.original_due_at = original_due_at

    def clean_proposed_due_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["proposed_due_at"]
        check_new_date(value, original_due_at=self.original_due_at)
        return value


def check_new_date(value: datetime.datetime, *, original_due_at: datetime.datetime) -> None:
    """After the original appointment, and not a moment already gone: a letter may not
    promise the citizen the past (the page's form and the API's input share this)."""
    if value <= original_due_at:
        local = timezone.localtime(original_due_at)
        raise forms.ValidationError(
            _("Ngày hẹn trả mới phải sau ngày hẹn trả ban đầu (%(date)s)."),
            code="before_original",
            params={"date": local.strftime("%H:%M %d/%m/%Y")},
        )
    if value <= timezone.now():
        raise forms.ValidationError(_("Ngày hẹn trả mới phải sau thời điểm hiện tại."), code="past")
