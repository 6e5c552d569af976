"""The counter's look-up of a citizen, and the filters of the access log page."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_national_id
from audit.constants import LOOKUP_PURPOSES, Action
from audit.selectors import LogFilters

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WalkInLookupForm(forms.Form):
    """Sent by POST (an ID number never goes in a URL); a citizen is found only when the ID
    number and the date of birth on the card the person hands over both match."""

    prefix = "tra_cuu"

    national_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        validators=[validate_national_id],
        error_messages={"required": _("Hãy nhập số định danh trên thẻ căn cước.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        help_text=_("Như in trên thẻ căn cước công dân đưa cho bạn."),
        error_messages={"required": _("Hãy nhập ngày sinh trên thẻ căn cước.")},
        widget=DATE_WIDGET,
    )
    purpose = forms.ChoiceField(
        label=_("Mục đích tra cứu"),
        choices=[("", _("— Chọn mục đích —")), *((p.value, p.label) for p in LOOKUP_PURPOSES)],
        error_messages={"required": _("Hãy chọn mục đích tra cứu.")},
    )

    @classmethod
    def sent_in(cls, data: QueryDict) -> bool:
        """Whether a POST is this look-up (the registration form shares the URL)."""
        return f"{cls.prefix}-national_id" in data


class LogFilterForm(forms.Form):
    """Every field optional, read from the query string: no ID number among them."""

    nguoi_truy_cap = forms.CharField(
        label=_("Người truy cập"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Họ tên, thư điện tử")}),
    )
    ma_ho_so = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=60)
    nguoi = forms.CharField(
        label=_("Người có dữ liệu"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Họ tên, thư điện tử")}),
    )
    nguoi_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    thao_tac = forms.ChoiceField(
        label=_("Thao tác"), required=False, choices=[("", _("Tất cả")), *Action.choices]
    )
    tu_ngay = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    den_ngay = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)

    def clean_nguoi(self) -> str:
        value: str = self.cleaned_data["nguoi"].strip()
        if value.isdigit():
            raise forms.ValidationError(
                _(
                    "Không tìm theo số định danh trên trang này (số định danh không được đặt "
                    "trong đường dẫn): hãy nhập họ tên hoặc thư điện tử."
                )
            )
        return value

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned

    def filters(self) -> LogFilters:
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        return LogFilters(
            actor=data["nguoi_truy_cap"],
            dossier_code=data["ma_ho_so"],
            person=data["nguoi"],
            person_id=data["nguoi_id"],
            action=data["thao_tac"],
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
        )
