"""The staff workspaces' forms: the queue filters, one form per workflow action, the walk-in.

Forms parse and validate what was typed; the services decide. Each action form knows the
keyword arguments of its service (``service_kwargs``), so the view stays one line per action.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone, validate_national_id, validate_phone
from agencies.models import Commune
from dossiers.forms import CompetenceFieldsMixin, add_service_error
from dossiers.forms_actions import UPLOAD_ACCEPT, UPLOAD_HELP, note_field
from dossiers.models import ReturnChannel, State
from dossiers.selectors_staff import SORT_CHOICES, Deadline
from procedures.models import Component, Procedure

__all__ = ["add_service_error"]

# --- the queue ---------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """Filters of the queue; every field is optional and read from the query string."""

    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    thu_tuc = forms.ModelChoiceField(
        label=_("Thủ tục"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Tất cả thủ tục"),
        to_field_name="code",
    )
    tiep_nhan_tu = forms.DateField(
        label=_("Tiếp nhận từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tiep_nhan_den = forms.DateField(
        label=_("đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(
        label=_("Mã hồ sơ, số định danh hoặc tên người nộp"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                # Names are found with or without diacritics: say so by example.
                "placeholder": _("VD: nguyen van an"),
            }
        ),
    )
    cua_toi = forms.BooleanField(label=_("Chỉ hồ sơ giao cho tôi"), required=False)
    han = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[("", _("Tất cả")), *Deadline.choices],
        widget=forms.RadioSelect,
    )
    # Set by the sortable column headers; kept when the filters are applied again.
    sap_xep = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, states: list[State], procedures: QuerySet[Procedure], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trang_thai"].choices = [  # type: ignore[attr-defined]
            ("", _("Tất cả trạng thái")),
            *[(state.value, state.label) for state in states],
        ]
        self.fields["thu_tuc"].queryset = procedures  # type: ignore[attr-defined]

    def clean_sap_xep(self) -> str:
        # An order the page does not offer (an old bookmark) falls back to oldest first.
        value: str = self.cleaned_data["sap_xep"]
        return value if value in SORT_CHOICES else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tiep_nhan_tu"), cleaned.get("tiep_nhan_den")
        if start and end and start > end:
            self.add_error("tiep_nhan_den", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


# --- the walk-in dossier -----------------------------------------------------------------------


class WalkInProcedureForm(forms.Form):
    """Step one at the counter: which procedure (those the clerk's agency receives)."""

    thu_tuc = forms.ModelChoiceField(
        label=_("Thủ tục"),
        queryset=Procedure.objects.none(),
        to_field_name="code",
        empty_label=_("— Chọn thủ tục —"),
        error_messages={
            "required": _("Chọn thủ tục hành chính."),
            "invalid_choice": _("Cơ quan của bạn không tiếp nhận thủ tục này."),
        },
    )

    def __init__(self, *args: Any, procedures: QuerySet[Procedure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thu_tuc"].queryset = procedures  # type: ignore[attr-defined]


class WalkInForm(CompetenceFieldsMixin, forms.Form):
    """Step two: the citizen's details, how they get the result, one file per component and,
    for a procedure received regardless of administrative boundaries, the commune whose
    agency settles it (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

    full_name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=150,
        error_messages={"required": _("Hãy nhập họ và tên.")},
    )
    national_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
        error_messages={"required": _("Hãy nhập số định danh cá nhân của người nộp.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(
        label=_("Địa chỉ thường trú"),
        max_length=255,
        error_messages={"required": _("Hãy nhập địa chỉ của người nộp.")},
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    return_channel = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ReturnChannel.choices,
        initial=ReturnChannel.COUNTER,
        widget=forms.RadioSelect,
    )
    return_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=255,
        required=False,
        help_text=_("Chỉ cần khi chọn nhận kết quả qua dịch vụ bưu chính."),
    )
    note = note_field(_("Ghi chú"))
    # The citizen shows their card and names their account: the clerk verifies it here, and
    # the dossier is theirs (otherwise it stands on the details above, no account sees it).
    verify_account = forms.CharField(
        label=_("Tài khoản của công dân cần xác thực (thư điện tử hoặc số điện thoại)"),
        max_length=254,
        required=False,
        help_text=_(
            "Chỉ điền khi công dân có tài khoản và xuất trình giấy tờ tùy thân bản gốc: tài "
            "khoản được xác thực và hồ sơ gắn vào tài khoản đó."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    document_seen = forms.BooleanField(
        label=_(
            "Tôi đã đối chiếu giấy tờ tùy thân bản gốc: số định danh, họ tên, ngày sinh khớp "
            "với thông tin trên."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        components: list[Component],
        procedure: Procedure | None = None,
        communes: QuerySet[Commune] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
        self.competence_rule = ""
        if procedure is not None and communes is not None:
            self.add_competence_fields(procedure, communes)
        for component in components:
            self.fields[self.file_field(component)] = forms.FileField(
                label=component.name,
                required=component.required,
                help_text=UPLOAD_HELP,
                error_messages={
                    "required": _("Thiếu thành phần bắt buộc “%(name)s”.")
                    % {"name": component.name},
                    "empty": _("Tệp đã chọn rỗng."),
                },
                widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
            )

    @staticmethod
    def file_field(component: Component) -> str:
        return f"tep_{component.pk}"

    def file_fields(self) -> list[forms.BoundField]:
        return [self[self.file_field(c)] for c in self.components]

    def detail_fields(self) -> list[forms.BoundField]:
        names = ["full_name", "national_id", "date_of_birth", "address", "phone", "email"]
        return [self[name] for name in names]

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"].strip()
        validate_national_id(value)
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        validate_phone(value)
        return normalize_phone(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dob, national_id = cleaned.get("date_of_birth"), cleaned.get("national_id")
        if dob and national_id:
            try:
                validate_national_id(national_id, dob)
            except ValidationError as exc:
                self.add_error("date_of_birth", exc)
        if (
            cleaned.get("return_channel") == ReturnChannel.POST
            and not cleaned.get("return_address", "").strip()
        ):
            self.add_error("return_address", _("Cần địa chỉ nhận kết quả qua bưu chính."))
        return cleaned

    def citizen(self) -> dict[str, Any]:
        fields = ["full_name", "national_id", "date_of_birth", "address", "phone", "email"]
        return {name: self.cleaned_data[name] for name in fields}

    def verification(self) -> dict[str, Any]:
        return {
            "verify_account": self.cleaned_data["verify_account"].strip(),
            "document_seen": self.cleaned_data["document_seen"],
        }

    def files_for_service(self) -> list[tuple[Component, Any]]:
        return [
            (c, self.cleaned_data[self.file_field(c)])
            for c in self.components
            if self.cleaned_data.get(self.file_field(c))
        ]


# --- verifying a citizen's identity at the counter -----------------------------------------------


class IdentityVerifyForm(forms.Form):
    """A clerk holds the citizen's original identity document and types what it says."""

    account = forms.CharField(
        label=_("Tài khoản của công dân (thư điện tử hoặc số điện thoại)"),
        max_length=254,
        error_messages={"required": _("Nhập thư điện tử hoặc số điện thoại của tài khoản.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    national_id = forms.CharField(
        label=_("Số định danh cá nhân trên giấy tờ"),
        max_length=32,
        error_messages={"required": _("Nhập số định danh cá nhân in trên giấy tờ.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Họ và tên trên giấy tờ"),
        max_length=150,
        error_messages={"required": _("Nhập họ và tên in trên giấy tờ.")},
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh trên giấy tờ"),
        error_messages={
            "required": _("Nhập ngày sinh in trên giấy tờ."),
            "invalid": _("Nhập ngày sinh hợp lệ."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document_seen = forms.BooleanField(
        label=_(
            "Tôi đã cầm giấy tờ tùy thân bản gốc (thẻ căn cước, hộ chiếu) của người đứng tên "
            "tài khoản và đối chiếu với người đến quầy."
        ),
        error_messages={
            "required": _(
                "Chỉ xác thực khi đã đối chiếu giấy tờ tùy thân bản gốc của người đứng tên tài "
                "khoản."
            )
        },
    )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
