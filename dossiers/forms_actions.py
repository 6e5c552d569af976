"""The input of every verb (dossiers/verbs.py): one form per verb, the same for the staff
page and the API's action endpoint (``ActionForm.for_api``).

Forms parse what was typed and say what is missing; the rules of the workflow live in the
services, which both paths call with ``service_kwargs()``. A form that needs to know the
dossier (its fee lines, the staff of its next step) reads it itself, so that a page and an
API call see the same choices.
"""

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers import selectors_staff
from dossiers.models import Decision, Dossier
from dossiers.services import FEE_NOT_OF_VERSION, FeeChoice
from dossiers.uploads import ALLOWED_LABEL, ALLOWED_TYPES, MAX_UPLOAD_BYTES
from procedures.fees import group_fees
from procedures.models import ExclusionKind, Fee
from procedures.money import vnd

UPLOAD_HELP = _("%(types)s, tối đa %(size)s MB.") % {
    "types": ALLOWED_LABEL,
    "size": MAX_UPLOAD_BYTES // 1048576,
}
UPLOAD_ACCEPT = ",".join([*ALLOWED_TYPES, *ALLOWED_TYPES.values()])
REASON_REQUIRED = _("Cần ghi rõ lý do.")


def note_field(label: Any = None) -> forms.CharField:
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


# --- the actions -------------------------------------------------------------------------------


NOT_TEXT = _("Phải là một chuỗi ký tự.")


class ActionForm(forms.Form):
    """A verb's input, with an optional note (receive, approve, confirm payment, return).

    The page binds it to the POST; the API to the request's JSON or multipart body through
    ``for_api``, which a form that takes lists (supplement items, fee lines) adapts.
    """

    note = note_field()
    # The API fields that carry a list (every other value must be one piece of text).
    api_lists: tuple[str, ...] = ()

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        dossier: Dossier,
        user: User,
        **kwargs: Any,
    ) -> None:
        self.dossier = dossier
        self.user = user
        super().__init__(data, files, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def for_api(
        cls, data: Mapping[str, Any], files: Mapping[str, Any], *, dossier: Dossier, user: User
    ) -> "ActionForm":
        """The form bound to an API body: the same fields, the same messages as the page."""
        form = cls(cls.api_data(data), files, dossier=dossier, user=user)
        form.wrong_shape = [
            name
            for name, value in data.items()
            if name not in cls.api_lists and isinstance(value, list | dict)
        ]
        return form

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """The API body in the page's field names (the same ones by default)."""
        return data

    wrong_shape: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.wrong_shape:
            self.add_error(name if name in self.fields else None, NOT_TEXT)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"].strip()}

    def api_errors(self) -> dict[str, Any]:
        """The form's errors as the API answers them: ``{field: [message, …]}``."""
        errors: dict[str, Any] = {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
                str(message) for message in messages
            ]
            for name, messages in self.errors.items()
        }
        return errors


class SubmitForm(ActionForm):
    """Filing a draft asks for nothing: what is missing is the service's to say."""

    note = None  # type: ignore[assignment]

    def service_kwargs(self) -> dict[str, Any]:
        return {}


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

    api_lists = ("fees",)
    # From the API: the lines as the procedure API numbers them, ``[{"fee": id, "quantity": n}]``.
    api_fees: list[FeeChoice] | None = None
    api_fee_errors: Any = None

    @classmethod
    def for_api(
        cls, data: Mapping[str, Any], files: Mapping[str, Any], *, dossier: Dossier, user: User
    ) -> "ActionForm":
        form = super().for_api(data, files, dossier=dossier, user=user)
        assert isinstance(form, ReceiveForm)
        if "fees" in data:
            form.api_fees, form.api_fee_errors = _fee_list(data["fees"])
        return form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.api_fee_errors:
            self.add_error(None, FEES_SHAPE)
        return cleaned

    def api_errors(self) -> dict[str, Any]:
        if self.api_fee_errors:
            return {"fees": self.api_fee_errors}
        return super().api_errors()

    def fee_choices(self) -> list[FeeChoice]:
        if self.api_fees is not None:
            return self.api_fees
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


FEES_SHAPE = _("Các khoản phí là một danh sách, mỗi khoản có “fee” (số) và “quantity” (số).")
REQUIRED = _("Trường này là bắt buộc.")
NOT_A_NUMBER = _("Phải là một số nguyên.")


def _fee_list(value: Any) -> tuple[list[FeeChoice] | None, Any]:
    """``[{"fee": 3, "quantity": 2}, …]`` read, or what is wrong with it: one message for
    the whole list, or one ``{field: [message]}`` per line (``{}`` for a line that is right)."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None, [str(FEES_SHAPE)]
    choices, errors = [], []
    for item in value:
        problems: dict[str, list[str]] = {}
        fee, quantity = item.get("fee"), item.get("quantity", 1)
        if fee is None:
            problems["fee"] = [str(REQUIRED)]
        for name, number in (("fee", fee), ("quantity", quantity)):
            if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
                problems[name] = [str(NOT_A_NUMBER)]
        errors.append(problems)
        if not problems:
            choices.append(FeeChoice(fee_id=fee, quantity=quantity))
    return (None, errors) if any(errors) else (choices, None)


def _fee_label(line: Fee) -> str:
    per = f"/{line.unit}" if line.unit and line.amount else ""
    return f"{line.name}: {vnd(line.amount, free=True)}{per}"


def _quantity(data: dict[str, Any], line: Fee, default: int) -> int:
    value = data.get(f"so_luong_{line.pk}")
    return default if value is None else int(value)


def _reason_from_note(data: Mapping[str, Any]) -> Mapping[str, Any]:
    if data.get("reason") or not data.get("note"):
        return data
    return {**data, "reason": data["note"]}


class ReasonForm(ActionForm):
    """Refuse, stop, send back: written reasons are required."""

    note = None  # type: ignore[assignment]
    reason = _reason_field(_("Lý do"))

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """An API client may give the reason as ``note``, as the API has always taken it."""
        return _reason_from_note(data)

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
    note = note_field(_("Ghi chú khi trả kết quả"))


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

    note = note_field(_("Hướng dẫn thêm cho người nộp"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = cast(
            BaseSupplementItemFormSet, SupplementItemFormSet(self.data or None, prefix="items")
        )

    api_lists = ("items",)

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """``items: [{"name", "reason"}, …]`` as the page's rows (a row that is not an
        object becomes an empty one, which the formset refuses like an empty page row)."""
        items = data.get("items", [])
        rows = items if isinstance(items, list) else [{}]
        flat: dict[str, Any] = {key: value for key, value in data.items() if key != "items"} | {
            "items-TOTAL_FORMS": str(len(rows)),
            "items-INITIAL_FORMS": "0",
        }
        for index, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            for field in ("name", "reason"):
                value = row.get(field, "")
                flat[f"items-{index}-{field}"] = value if isinstance(value, str) else ""
        return flat

    def is_valid(self) -> bool:
        # Both the note and every row, so all the mistakes show at once.
        valid_note = super().is_valid()
        return self.items.is_valid() and valid_note

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "items": self.items.items()}

    def api_errors(self) -> dict[str, Any]:
        errors = super().api_errors()
        rows = [
            {name: [str(m) for m in messages] for name, messages in row.items()}
            for row in cast(list[dict[str, list[str]]], self.items.errors)
        ]
        if any(rows):
            errors["items"] = rows
        elif self.items.non_form_errors():
            errors["items"] = [str(m) for m in self.items.non_form_errors()]
        return errors


class HandOverForm(ActionForm):
    assignee = forms.ModelChoiceField(
        label=_("Giao cho"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Chưa giao — phòng, đơn vị tự phân công"),
    )
    note = note_field(_("Ý kiến khi chuyển"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The people the next step may be given to (the service checks it again).
        self.next_step, people = selectors_staff.next_step_staff(self.dossier)
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
    note = note_field(_("Ghi chú"))

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "receipt_number": self.cleaned_data["receipt_number"]}


class PaperHandOverForm(ActionForm):
    """The paper dossier went to the competent agency: how, to whom, in a short note
    (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

    note = forms.CharField(
        label=_("Ghi chú (cách chuyển, người nhận)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecordPaymentForm(forms.Form):
    """The fees were paid at the counter: the receipt's number (the amount is what is due)."""

    receipt_number = _receipt_field()
    note = note_field(_("Ghi chú"))


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
    note = note_field(_("Khoản thu, căn cứ"))

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

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "decision": self.cleaned_data["decision"],
            "reason": self.cleaned_data["reason"].strip(),
            "result_file": self.cleaned_data.get("result_file") or None,
        }


# --- the citizen's verbs (their pages add what only a page needs) ---------------------------


class SupplementSendForm(ActionForm):
    """Sending the supplemented dossier back (resubmit, provide_supplement)."""

    note = note_field(_("Ghi chú khi gửi bổ sung"))


class WithdrawForm(ActionForm):
    note = None  # type: ignore[assignment]
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return _reason_from_note(data)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"].strip()}


# --- verification and excluded periods (docs/legal.md#v1-verification-periods-extend-the-deadline,
# docs/legal.md#x1-excluded-periods-pause-the-clock) --------------------------------------------


class VerificationForm(ActionForm):
    """How much of the procedure's verification allowance the dossier needs, and why."""

    note = None  # type: ignore[assignment]
    amount = forms.IntegerField(
        label=_("Thời gian cần thêm để xác minh"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("Nhập thời gian cần thêm để xác minh."),
            "min_value": _("Thời gian xác minh phải là số nguyên lớn hơn 0."),
            "max_value": _("Thời gian xác minh quá lớn."),
            "invalid": _("Thời gian xác minh phải là số nguyên."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )
    reason = _reason_field(_("Nội dung cần xác minh, lý do"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = self.dossier.version
        if version.allows_verification:
            from procedures.limits import amount_text

            self.fields["amount"].help_text = _("Tối đa %(max)s (%(basis)s).") % {
                "max": amount_text(version.verification_amount or 0, version.verification_unit),
                "basis": version.verification_basis,
            }
            self.fields["amount"].initial = version.verification_amount

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return _reason_from_note(data)

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED, code="required")
        return reason

    def service_kwargs(self) -> dict[str, Any]:
        return {"amount": self.cleaned_data["amount"], "reason": self.cleaned_data["reason"]}


class ExcludedPeriodStartForm(ActionForm):
    """Which of the procedure's excluded periods starts, and why."""

    note = None  # type: ignore[assignment]
    kind = forms.ChoiceField(
        label=_("Loại thời gian không tính vào thời hạn"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn loại thời gian không tính vào thời hạn."),
            "invalid_choice": _(
                "Thủ tục này không quy định loại thời gian này là không tính vào thời hạn."
            ),
        },
    )
    reason = _reason_field(_("Nội dung, lý do"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = list(self.dossier.version.excluded_period_rules.order_by("kind"))
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (rule.kind, f"{ExclusionKind(rule.kind).label} — {rule.max_text} ({rule.legal_basis})")
            for rule in rules
        ]
        if len(rules) == 1:
            self.fields["kind"].initial = rules[0].kind

    @classmethod
    def api_data(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return _reason_from_note(data)

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED, code="required")
        return reason

    def service_kwargs(self) -> dict[str, Any]:
        return {"kind": self.cleaned_data["kind"], "reason": self.cleaned_data["reason"]}
