"""The citizen's forms: filing details, one upload per component, withdrawal, status lookup.

Forms parse and validate what was typed; the services in ``dossiers/services.py`` decide.
A refusal from a service (``DossierError``) is put back on the form with ``add_service_error``
so it shows next to the field it concerns, in the user's language.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import normalize_phone, validate_national_id, validate_phone
from agencies.models import Agency, AgencyKind, Commune
from core.errors import DossierError
from dossiers.forms_actions import WithdrawForm
from dossiers.models import Dossier, FilingCapacity, ReturnChannel
from dossiers.selectors import normalise_code
from dossiers.uploads import ALLOWED_LABEL, ALLOWED_TYPES, MAX_UPLOAD_BYTES
from procedures.models import CompetenceRule, Component, Procedure

# Profile fields → the dossier's applicant snapshot fields.
PROFILE_FIELDS = {
    "applicant_name": "full_name",
    "applicant_national_id": "national_id",
    "applicant_date_of_birth": "date_of_birth",
    "applicant_address": "address",
    "applicant_phone": "phone",
    "applicant_email": "email",
}
APPLICANT_FIELDS = tuple(PROFILE_FIELDS)
# The representative's name and ID number are the account's own (dossiers.services); only
# the authorisation's reference is typed.
REPRESENTATIVE_FIELDS = {"representative_authorisation": "authorisation"}


def add_service_error(form: forms.BaseForm, error: DossierError) -> None:
    """Shows a service's refusal on the form: on its field when the form has one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


IDENTITY_FIELDS = ("applicant_name", "applicant_national_id", "applicant_date_of_birth")


def initial_from_profile(user: User) -> dict[str, Any]:
    """What the citizen provided once, in their profile, prefills every new dossier: the
    contact details (the identity is the account's itself, unless filing for someone else)."""
    initial = {
        field: getattr(user, attr) or ""
        for field, attr in PROFILE_FIELDS.items()
        if field not in IDENTITY_FIELDS
    }
    initial["return_address"] = user.address
    initial["filing_capacity"] = FilingCapacity.SELF
    return initial


def initial_from_dossier(dossier: Dossier) -> dict[str, Any]:
    fields = [*APPLICANT_FIELDS, *REPRESENTATIVE_FIELDS, "return_channel", "return_address", "note"]
    if not dossier.filed_by_representative:
        fields = [field for field in fields if field not in IDENTITY_FIELDS]
    return {"filing_capacity": dossier.filing_capacity} | {
        field: getattr(dossier, field) for field in fields
    }


class DossierDetailsForm(forms.Form):
    """In whose name the dossier is filed, the contact details (prefilled from the profile),
    and how to get the result. For oneself the identity is the account's; for another
    person (nộp thay) theirs is typed, with the authorisation's reference."""

    filing_capacity = forms.ChoiceField(
        label=_("Bạn nộp hồ sơ này"),
        choices=FilingCapacity.choices,
        initial=FilingCapacity.SELF,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Nộp thay người khác cần giấy ủy quyền của người đó; hồ sơ ghi bạn là người "
            "được ủy quyền."
        ),
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên người ủy quyền"), max_length=150, required=False
    )
    applicant_national_id = forms.CharField(
        label=_("Số định danh cá nhân của người ủy quyền"),
        max_length=12,
        required=False,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_date_of_birth = forms.DateField(
        label=_("Ngày sinh của người ủy quyền"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    applicant_address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=255)
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    representative_authorisation = forms.CharField(
        label=_("Văn bản ủy quyền (số, ngày)"), max_length=255, required=False
    )
    return_channel = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ReturnChannel.choices,
        initial=ReturnChannel.ONLINE,
        widget=forms.RadioSelect,
    )
    return_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=255,
        required=False,
        help_text=_("Chỉ cần khi chọn nhận kết quả qua dịch vụ bưu chính."),
    )
    note = forms.CharField(
        label=_("Ghi chú cho cơ quan tiếp nhận"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_filing_capacity(self) -> str:
        return self.cleaned_data["filing_capacity"] or FilingCapacity.SELF

    @property
    def for_someone_else(self) -> bool:
        return self.cleaned_data.get("filing_capacity") == FilingCapacity.REPRESENTATIVE

    def clean_applicant_national_id(self) -> str:
        value: str = "".join(self.cleaned_data["applicant_national_id"].split())
        if value:
            validate_national_id(value)
        return value

    def clean_applicant_phone(self) -> str:
        value: str = self.cleaned_data["applicant_phone"].strip()
        if not value:
            return ""
        validate_phone(value)
        return normalize_phone(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.for_someone_else:
            # For oneself, the identity is the account's: whatever was typed is dropped.
            for field in (*IDENTITY_FIELDS, "representative_authorisation"):
                cleaned[field] = None if field == "applicant_date_of_birth" else ""
                self.errors.pop(field, None)
        else:
            for field, message in (
                ("applicant_name", _("Nộp thay: nhập họ và tên người ủy quyền.")),
                (
                    "applicant_national_id",
                    _("Nộp thay: nhập số định danh cá nhân của người ủy quyền."),
                ),
            ):
                if field in cleaned and not cleaned[field]:
                    self.add_error(field, message)
        dob = cleaned.get("applicant_date_of_birth")
        national_id = cleaned.get("applicant_national_id")
        if dob and national_id:
            try:
                validate_national_id(national_id, dob)
            except forms.ValidationError as exc:
                self.add_error("applicant_date_of_birth", exc)
        if (
            cleaned.get("return_channel") == ReturnChannel.POST
            and not cleaned.get("return_address", "").strip()
        ):
            self.add_error("return_address", _("Cần địa chỉ nhận kết quả qua bưu chính."))
        if self.for_someone_else and not cleaned.get("representative_authorisation"):
            self.add_error(
                "representative_authorisation",
                _("Người nộp thay cần có văn bản ủy quyền; ghi số và ngày của văn bản."),
            )
        return cleaned

    # What the services take.
    def applicant_details(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in APPLICANT_FIELDS}

    def representative(self) -> dict[str, str]:
        return {key: self.cleaned_data[field] for field, key in REPRESENTATIVE_FIELDS.items()}


# What the filing pages ask of a procedure received regardless of administrative boundaries,
# by its competence rule (docs/legal.md#receipt-regardless-of-administrative-boundaries).
COMPETENCE_LABELS = {
    CompetenceRule.RESIDENCE: {
        "commune": _("Xã, phường nơi cư trú"),
        "address": _("Địa chỉ nơi cư trú"),
        "commune_required": _(
            "Chọn xã, phường nơi người yêu cầu cư trú: cơ quan giải quyết là của xã đó."
        ),
        "address_required": _("Nhập địa chỉ nơi cư trú (số nhà, đường, thôn, ấp, tổ dân phố)."),
        "help": _(
            "Thủ tục được tiếp nhận không phụ thuộc địa giới hành chính: mọi Trung tâm Phục vụ "
            "hành chính công trong tỉnh tiếp nhận hồ sơ; Ủy ban nhân dân xã, phường nơi "
            "cư trú giải quyết."
        ),
    },
    CompetenceRule.PROPERTY_LOCATION: {
        "commune": _("Xã, phường nơi có đất, tài sản"),
        "address": _("Địa chỉ nơi có đất, tài sản"),
        "commune_required": _(
            "Chọn xã, phường nơi có đất, tài sản: cơ quan giải quyết là của xã đó."
        ),
        "address_required": _("Nhập địa chỉ nơi có đất, tài sản (số nhà, đường, thôn, ấp)."),
        "help": _(
            "Thủ tục được tiếp nhận không phụ thuộc địa giới hành chính: mọi Trung tâm Phục vụ "
            "hành chính công trong tỉnh tiếp nhận hồ sơ; Ủy ban nhân dân xã, phường nơi "
            "có đất, tài sản giải quyết."
        ),
    },
}


def asks_competence_commune(procedure: Procedure) -> bool:
    """Does filing this procedure ask which commune settles it (and the address there)?"""
    return procedure.boundary_free and procedure.competence_by_commune


def competence_communes(provinces: Any) -> QuerySet[Commune]:
    """The communes of the province(s) whose People's Committee is on the system, by name:
    the ones the routing can send a dossier to (``dossiers.services._competence``)."""
    committees = Agency.objects.current().filter(
        kind=AgencyKind.COMMUNE_COMMITTEE, commune_id__isnull=False, province__in=provinces
    )
    return Commune.objects.filter(
        province__in=provinces, code__in=committees.values("commune_id")
    ).order_by("name", "code")


class CompetenceFieldsMixin(forms.Form):
    """The commune and the address the procedure's competence rule reads, added only for a
    procedure received regardless of administrative boundaries whose settling agency is a
    commune's (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

    competence_fields = ("competence_commune", "competence_address")

    def add_competence_fields(self, procedure: Procedure, communes: QuerySet[Commune]) -> None:
        self.competence_rule = (
            procedure.competence_rule if asks_competence_commune(procedure) else ""
        )
        if not self.competence_rule:
            return
        labels = COMPETENCE_LABELS[CompetenceRule(self.competence_rule)]
        self.competence_help = labels["help"]
        self.fields["competence_commune"] = forms.ModelChoiceField(
            label=labels["commune"],
            queryset=communes,
            empty_label=_("— Chọn xã, phường —"),
            error_messages={
                "required": labels["commune_required"],
                "invalid_choice": _(
                    "Xã, phường đã chọn không thuộc tỉnh của nơi tiếp nhận hoặc chưa có cơ "
                    "quan giải quyết trên hệ thống; hãy chọn đúng xã, phường."
                ),
            },
        )
        self.fields["competence_address"] = forms.CharField(
            label=labels["address"],
            max_length=255,
            error_messages={"required": labels["address_required"]},
        )

    def competence_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.competence_fields if name in self.fields]

    def competence(self) -> dict[str, Any]:
        """What the filing services take (``competence_commune``, ``competence_address``)."""
        if not getattr(self, "competence_rule", ""):
            return {}
        return {
            "competence_commune": self.cleaned_data["competence_commune"],
            "competence_address": self.cleaned_data["competence_address"].strip(),
        }


class DossierStartForm(CompetenceFieldsMixin, DossierDetailsForm):
    """The first save of a dossier: the details above, where to file it and, for a procedure
    received regardless of administrative boundaries, the commune that settles it."""

    field_order = ["agency"]

    agency = forms.ModelChoiceField(
        label=_("Nơi tiếp nhận hồ sơ"),
        queryset=Agency.objects.none(),
        empty_label=None,
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        procedure: Procedure | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.competence_rule = ""
        if procedure is not None:
            self.add_competence_fields(
                procedure, competence_communes(agencies.values("province_id"))
            )


class AuthorisationUploadForm(forms.Form):
    """The authorisation document (giấy ủy quyền) of a dossier filed for someone else."""

    file = forms.FileField(
        label=_("Giấy ủy quyền"),
        error_messages={
            "required": _("Hãy chọn tệp giấy ủy quyền để tải lên."),
            "empty": _("Tệp đã chọn rỗng."),
        },
    )


class ComponentUploadForm(forms.Form):
    """One file for one component of the checklist (the type is checked by content later)."""

    component = forms.ModelChoiceField(
        label=_("Thành phần hồ sơ"), queryset=Component.objects.none(), widget=forms.HiddenInput
    )
    file = forms.FileField(
        label=_("Chọn tệp"),
        error_messages={
            "required": _("Hãy chọn tệp để tải lên."),
            "empty": _("Tệp đã chọn rỗng."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join([*ALLOWED_TYPES, *ALLOWED_TYPES.values()])}
        ),
    )

    def __init__(self, *args: Any, components: QuerySet[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components  # type: ignore[attr-defined]
        self.fields["component"].error_messages["invalid_choice"] = _(
            "Thành phần hồ sơ không thuộc thủ tục này."
        )
        # Formatted here, in the language of the request.
        self.fields["file"].help_text = gettext("%(types)s, tối đa %(size)s MB.") % {
            "types": ALLOWED_LABEL,
            "size": MAX_UPLOAD_BYTES // 1048576,
        }


class SupplementUploadForm(ComponentUploadForm):
    """A supplement file: for a component of the checklist, or another paper asked for."""

    name = forms.CharField(
        label=_("Tên giấy tờ bổ sung"),
        max_length=500,
        required=False,
        help_text=_("Ghi tên giấy tờ nếu không thuộc danh mục thành phần hồ sơ."),
    )

    def __init__(self, *args: Any, components: QuerySet[Component], **kwargs: Any) -> None:
        super().__init__(*args, components=components, **kwargs)
        field = self.fields["component"]
        field.required = False
        field.widget = forms.Select(choices=[])
        field.empty_label = _("Giấy tờ khác (ghi tên bên dưới)")  # type: ignore[attr-defined]
        field.queryset = components  # type: ignore[attr-defined]  # resets the widget's choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("component")
            and not cleaned.get("name", "").strip()
            and "file" in cleaned
        ):
            self.add_error("name", _("Chọn thành phần hồ sơ hoặc ghi tên giấy tờ bổ sung."))
        return cleaned


class WithdrawPageForm(WithdrawForm):
    """The withdraw verb's form, with the confirmation only the page asks for."""

    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết."),
        error_messages={"required": _("Hãy xác nhận trước khi rút hồ sơ.")},
    )


class TrackForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên giấy tiếp nhận và hẹn trả kết quả, ví dụ 000.00.01.H75-250205-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Nhập mã hồ sơ cần tra cứu.")},
    )

    def clean_ma(self) -> str:
        return normalise_code(self.cleaned_data["ma"])
