"""The staff workspaces' forms: the queue filters, one form per workflow action, the walk-in.

Forms parse and validate what was typed; the services decide. Each action form knows the
keyword arguments of its service (``service_kwargs``), so the view stays one line per action.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import normalize_phone, validate_national_id, validate_phone
from dossiers.forms import add_service_error
from dossiers.models import Decision, Dossier, ReturnChannel, State
from dossiers.selectors_staff import SORT_CHOICES, Deadline
from dossiers.services import FEE_NOT_OF_VERSION, FeeChoice
from dossiers.uploads import ALLOWED_LABEL, ALLOWED_TYPES, MAX_UPLOAD_BYTES
from procedures.fees import group_fees
from procedures.models import Component, Fee, Procedure
from procedures.money import vnd

__all__ = ["add_service_error"]

UPLOAD_HELP = _("%(types)s, tối đa %(size)s MB.") % {
    "types": ALLOWED_LABEL,
    "size": MAX_UPLOAD_BYTES // 1048576,
}
UPLOAD_ACCEPT = ",".join([*ALLOWED_TYPES, *ALLOWED_TYPES.values()])
REASON_REQUIRED = _("Cần ghi rõ lý do.")


def _note_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _reason_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": REASON_REQUIRED},
    )


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


# --- the actions -------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A workflow action with an optional note (receive, approve, confirm payment, return)."""

    note = _note_field()

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        self.dossier = dossier
        self.user = user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"].strip()}


class ReceiveForm(ActionForm):
    """Receive, choosing the fee lines that apply: one line of each group of alternatives
    (the default preselected), how many of each line charged per unit, and the lines on
    request (none by default). The service checks the choice; the form only reads it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = list(self.dossier.version.fees.order_by("id"))
        self.fee_groups = group_fees(lines)
        self.fee_field_names: list[str] = []
        for index, group in enumerate(self.fee_groups, start=1):
            if group.is_alternative:
                name = f"phi_nhom_{index}"
                default = group.default
                self.fields[name] = forms.ChoiceField(
                    label=group.label,
                    choices=[(str(line.pk), _fee_label(line)) for line in group.lines],
                    initial=str(default.pk) if default else None,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=_("Chọn một mức theo đối tượng, hình thức nộp của hồ sơ."),
                    error_messages={"invalid_choice": FEE_NOT_OF_VERSION},
                )
                self.fee_field_names.append(name)
            for line in group.lines:
                if group.is_optional or line.unit:
                    name = f"so_luong_{line.pk}"
                    self.fields[name] = forms.IntegerField(
                        label=_("Số lượng — %(fee)s") % {"fee": _fee_label(line)},
                        required=False,
                        initial=0 if group.is_optional else 1,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
                        help_text=_("Khi có yêu cầu; để 0 nếu không thu.")
                        if group.is_optional
                        else "",
                        error_messages={"invalid": _("Số lượng phải là số nguyên.")},
                    )
                    self.fee_field_names.append(name)
        # The note after the fees.
        self.order_fields([*self.fee_field_names, "note"])

    def fee_choices(self) -> list[FeeChoice]:
        data = self.cleaned_data
        choices: list[FeeChoice] = []
        for index, group in enumerate(self.fee_groups, start=1):
            if group.is_alternative:
                picked = data.get(f"phi_nhom_{index}") or (
                    str(group.default.pk) if group.default else ""
                )
                for line in group.lines:
                    if str(line.pk) == picked:
                        choices.append(FeeChoice(line.pk, _quantity(data, line, 1)))
            else:
                line = group.lines[0]
                default = 0 if group.is_optional else 1
                choices.append(FeeChoice(line.pk, _quantity(data, line, default)))
        return choices

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "fees": self.fee_choices()}


def _fee_label(line: Fee) -> str:
    per = f"/{line.unit}" if line.unit and line.amount else ""
    return f"{line.name}: {vnd(line.amount, free=True)}{per}"


def _quantity(data: dict[str, Any], line: Fee, default: int) -> int:
    value = data.get(f"so_luong_{line.pk}")
    return default if value is None else int(value)


class ReasonForm(ActionForm):
    """Refuse, stop, send back: written reasons are required."""

    note = None  # type: ignore[assignment]
    reason = _reason_field(_("Lý do"))

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED, code="required")
        return reason

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class RefuseForm(ReasonForm):
    reason = _reason_field(_("Lý do từ chối tiếp nhận"))


class StopForm(ReasonForm):
    reason = _reason_field(_("Lý do dừng xử lý"))


class SendBackForm(ReasonForm):
    reason = _reason_field(_("Nội dung cần xem xét lại"))


class ReturnForm(ActionForm):
    note = _note_field(_("Ghi chú khi trả kết quả"))


class SupplementItemForm(forms.Form):
    name = forms.CharField(label=_("Giấy tờ, nội dung cần bổ sung"), max_length=500, required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = cleaned.get("name", "").strip()
        reason = cleaned.get("reason", "").strip()
        if name and not reason:
            self.add_error("reason", _("Ghi lý do cần bổ sung “%(name)s”.") % {"name": name})
        elif reason and not name:
            self.add_error("name", _("Ghi tên giấy tờ cần bổ sung."))
        return cleaned


class BaseSupplementItemFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        filled = [f.cleaned_data for f in self.forms if f.cleaned_data.get("name", "").strip()]
        if not filled:
            raise ValidationError(
                _("Liệt kê ít nhất một nội dung cần bổ sung, kèm lý do."), code="too_few"
            )

    def items(self) -> list[dict[str, str]]:
        return [
            {"name": f.cleaned_data["name"].strip(), "reason": f.cleaned_data["reason"].strip()}
            for f in self.forms
            if f.cleaned_data.get("name", "").strip()
        ]


SupplementItemFormSet = forms.formset_factory(
    SupplementItemForm, formset=BaseSupplementItemFormSet, extra=3, max_num=30, validate_max=True
)


class SupplementForm(ActionForm):
    """One request listing every missing item with its reason (form 02); the rows are a
    formset with the prefix ``items``."""

    note = _note_field(_("Hướng dẫn thêm cho người nộp"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = cast(
            BaseSupplementItemFormSet, SupplementItemFormSet(self.data or None, prefix="items")
        )

    def is_valid(self) -> bool:
        # Both the note and every row, so all the mistakes show at once.
        valid_note = super().is_valid()
        return self.items.is_valid() and valid_note

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "items": self.items.items()}


class HandOverForm(ActionForm):
    assignee = forms.ModelChoiceField(
        label=_("Giao cho"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Chưa giao — phòng, đơn vị tự phân công"),
    )
    note = _note_field(_("Ý kiến khi chuyển"))

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]
        self.fields["assignee"].error_messages["invalid_choice"] = _(
            "Người được giao không thuộc đơn vị xử lý bước tiếp theo."
        )

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "assignee": self.cleaned_data["assignee"]}


def _receipt_field() -> forms.CharField:
    return forms.CharField(
        label=_("Số biên lai"),
        max_length=40,
        help_text=_("Số in trên biên lai thu (hoặc chứng từ nộp tiền) giao cho người nộp."),
        error_messages={"required": _("Cần số biên lai (hoặc số chứng từ) của khoản đã nộp.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ConfirmPaymentForm(ActionForm):
    """The obligation was paid: its receipt (or tax payment document) number is recorded."""

    receipt_number = _receipt_field()
    note = _note_field(_("Ghi chú"))

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "receipt_number": self.cleaned_data["receipt_number"]}


class RecordPaymentForm(forms.Form):
    """The fees were paid at the counter: the receipt's number (the amount is what is due)."""

    receipt_number = _receipt_field()
    note = _note_field(_("Ghi chú"))


class PaymentForm(ActionForm):
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        min_value=1,
        max_value=10**13,
        error_messages={
            "required": _("Nhập số tiền nghĩa vụ tài chính."),
            "min_value": _("Số tiền nghĩa vụ tài chính phải lớn hơn 0."),
            "invalid": _("Số tiền phải là số nguyên, tính bằng đồng."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )
    note = _note_field(_("Khoản thu, căn cứ"))

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "amount": self.cleaned_data["amount"]}


class ProposeForm(ActionForm):
    note = None  # type: ignore[assignment]
    decision = forms.ChoiceField(
        label=_("Đề xuất"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn đề xuất: giải quyết hoặc từ chối.")},
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi từ chối giải quyết)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result_file = forms.FileField(
        label=_("Văn bản kết quả (bắt buộc khi đề xuất giải quyết)"),
        required=False,
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        cleaned["reason"] = cleaned.get("reason", "").strip()
        if decision == Decision.DENIED and not cleaned["reason"]:
            self.add_error("reason", _("Từ chối giải quyết cần ghi rõ lý do."))
        if decision == Decision.GRANTED and not cleaned.get("result_file"):
            self.add_error("result_file", _("Hãy tải lên văn bản kết quả giải quyết."))
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "decision": self.cleaned_data["decision"],
            "reason": self.cleaned_data["reason"],
            "result_file": self.cleaned_data.get("result_file") or None,
        }


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "receive": ReceiveForm,
    "request_supplement": SupplementForm,
    "refuse": RefuseForm,
    "hand_over": HandOverForm,
    "request_appraisal_supplement": SupplementForm,
    "request_payment": PaymentForm,
    "confirm_payment": ConfirmPaymentForm,
    "propose": ProposeForm,
    "approve": ActionForm,
    "send_back": SendBackForm,
    "stop": StopForm,
    "return_result": ReturnForm,
}


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


class WalkInForm(forms.Form):
    """Step two: the citizen's details, how they get the result, one file per component."""

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
    note = _note_field(_("Ghi chú"))
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

    def __init__(self, *args: Any, components: list[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
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
