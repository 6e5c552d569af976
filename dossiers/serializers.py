"""API serializers: separate input and output; the state is never writable."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.validators import normalize_phone, validate_phone
from dossiers.models import (
    Channel,
    Decision,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFee,
    DossierStep,
    Payment,
    ReturnChannel,
)


class DossierEventOut(serializers.ModelSerializer[DossierEvent]):
    actor = serializers.CharField(
        source="actor.full_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = DossierEvent
        fields = [
            "action",
            "from_state",
            "to_state",
            "national_code",
            "actor",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class DossierFileOut(serializers.ModelSerializer[DossierComponent]):
    class Meta:
        model = DossierComponent
        fields = [
            "id",
            "component",
            "name",
            "original_name",
            "content_type",
            "size",
            "is_supplement",
            "uploaded_at",
        ]
        read_only_fields = fields


class DossierStepOut(serializers.ModelSerializer[DossierStep]):
    agency = serializers.CharField(source="agency.name", read_only=True)
    department = serializers.CharField(
        source="department.name", default=None, read_only=True, allow_null=True
    )
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = DossierStep
        fields = [
            "order",
            "name",
            "agency",
            "department",
            "budget_hours",
            "state",
            "started_at",
            "due_at",
            "finished_at",
            "is_late",
        ]
        read_only_fields = fields


class DossierFeeOut(serializers.ModelSerializer[DossierFee]):
    """A fee line chosen at reception: the catalogue line (``fee``), its unit amount, the
    quantity charged and the line's total, in đồng."""

    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = DossierFee
        fields = ["fee", "name", "amount", "quantity", "unit", "total"]
        read_only_fields = fields


class PaymentOut(serializers.ModelSerializer[Payment]):
    class Meta:
        model = Payment
        fields = ["purpose", "amount", "receipt_number", "paid_at"]
        read_only_fields = fields


class DossierListOut(serializers.ModelSerializer[Dossier]):
    ref = serializers.CharField(read_only=True)
    procedure_code = serializers.CharField(source="procedure.code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    national_status = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "ref",
            "code",
            "procedure_code",
            "procedure_name",
            "agency",
            "state",
            "national_status",
            "intake_channel",
            "return_channel",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
        ]
        read_only_fields = fields


class DossierDetailOut(DossierListOut):
    events = DossierEventOut(many=True, read_only=True)
    files = DossierFileOut(many=True, read_only=True)
    steps = DossierStepOut(many=True, read_only=True)
    fee_lines = DossierFeeOut(many=True, read_only=True)
    payments = PaymentOut(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()
    decision = serializers.ChoiceField(
        choices=Decision.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Kết quả giải quyết; trống khi chưa có quyết định"),
    )

    class Meta(DossierListOut.Meta):
        fields = [
            *DossierListOut.Meta.fields,
            "original_due_at",
            "deadline_explanation",
            "fee_total",
            "fee_lines",
            "payment_status",
            "obligation_amount",
            "payments",
            "decision",
            "decision_reason",
            "closed_reason",
            "events",
            "files",
            "steps",
            "available_actions",
        ]
        read_only_fields = fields

    def get_available_actions(self, dossier: Dossier) -> list[str]:
        user = self.context["request"].user
        return [t.name for t in dossier.get_available_user_state_transitions(user)]  # type: ignore[attr-defined]


class DossierCreateIn(serializers.Serializer[None]):
    procedure = serializers.CharField(help_text=_("Mã thủ tục, ví dụ 1.001193"))
    agency = serializers.CharField(help_text=_("Mã định danh điện tử của nơi tiếp nhận"))
    return_channel = serializers.ChoiceField(
        choices=ReturnChannel.choices, default=ReturnChannel.ONLINE
    )
    return_address = serializers.CharField(
        required=False, allow_blank=True, max_length=255, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    applicant_phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        default="",
        help_text=_(
            "Số điện thoại liên hệ cho hồ sơ này (di động hoặc cố định tại Việt Nam); bỏ trống "
            "để dùng số trong hồ sơ cá nhân"
        ),
    )

    def validate_applicant_phone(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            validate_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return normalize_phone(value)


class ComponentUploadIn(serializers.Serializer[None]):
    component = serializers.IntegerField(required=False, allow_null=True, default=None)
    file = serializers.FileField()


class SupplementItemIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=500)
    reason = serializers.CharField(max_length=2000)


class FeeChoiceIn(serializers.Serializer[None]):
    """A fee line of the procedure version (its ``id`` in the procedure API) chosen at
    reception, with how many are charged (the service checks the choice)."""

    fee = serializers.IntegerField()
    quantity = serializers.IntegerField(default=1)


class ActionIn(serializers.Serializer[None]):
    """Every field any action may take; each action reads the ones it needs."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    items = SupplementItemIn(many=True, required=False)
    # Bounded so that no amount overflows the database's 64-bit column.
    amount = serializers.IntegerField(required=False, min_value=1, max_value=10**15)
    decision = serializers.ChoiceField(choices=Decision.choices, required=False)
    result_file = serializers.FileField(required=False)
    assignee = serializers.IntegerField(required=False)
    fees = FeeChoiceIn(
        many=True,
        required=False,
        help_text=_(
            "Tiếp nhận: các khoản phí áp dụng (một mức mỗi nhóm thay thế; bỏ trống để dùng "
            "mức mặc định)"
        ),
    )
    receipt_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text=_("Xác nhận nghĩa vụ tài chính: số biên lai hoặc chứng từ nộp tiền"),
    )


class TrackOut(serializers.Serializer[None]):
    """Without the dossier's lookup secret only the code and the state; with it, the rest
    (dossiers/views_public.py)."""

    code = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    national_status = serializers.IntegerField(allow_null=True)
    details = serializers.BooleanField(help_text=_("Có chi tiết: mã bí mật tra cứu (secret) đúng"))
    procedure = serializers.CharField(required=False)
    agency = serializers.CharField(required=False)
    applicant = serializers.CharField(required=False, help_text=_("Họ tên đã che"))
    submitted_at = serializers.DateTimeField(allow_null=True, required=False)
    received_at = serializers.DateTimeField(allow_null=True, required=False)
    due_at = serializers.DateTimeField(allow_null=True, required=False)
    original_due_at = serializers.DateTimeField(allow_null=True, required=False)
    new_due_at = serializers.DateTimeField(
        allow_null=True,
        required=False,
        help_text=_("Ngày hẹn trả mới sau phiếu xin lỗi (null nếu chưa gia hạn)"),
    )
    returned_at = serializers.DateTimeField(allow_null=True, required=False)


CHANNELS = Channel
