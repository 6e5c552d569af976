"""Read-only output of the procedure catalogue API (the catalogue is edited in the admin)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency
from procedures.models import Component, Fee, Field, Procedure, ProcedureVersion, ProcessStep
from procedures.selectors import version_in_force


class FieldOut(serializers.ModelSerializer[Field]):
    class Meta:
        model = Field
        fields = ["code", "name"]
        read_only_fields = fields


class AgencyOut(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name", "address", "phone"]
        read_only_fields = fields


class FeeOut(serializers.ModelSerializer[Fee]):
    """A fee line: ``always`` charged, one ``alternative`` of its ``group`` (exactly one line
    of a group applies, ``is_default`` unless the clerk chooses another; never add them up),
    or ``optional``, on request, per ``unit``."""

    amount = serializers.IntegerField(read_only=True, help_text=_("Mức thu, đồng"))
    group = serializers.CharField(
        read_only=True, help_text=_("Nhóm mức thu thay thế; trống nếu không thuộc nhóm nào")
    )

    class Meta:
        model = Fee
        fields = ["id", "name", "amount", "unit", "kind", "group", "is_default", "note"]
        read_only_fields = fields


class ComponentOut(serializers.ModelSerializer[Component]):
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = Component
        fields = [
            "id",
            "order",
            "name",
            "kind",
            "count",
            "required",
            "reusable",
            "template_name",
            "template_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_template_url(self, component: Component) -> str | None:
        if not component.template:
            return None
        request = self.context.get("request")
        url = component.template.url
        return request.build_absolute_uri(url) if request else url


class StepOut(serializers.ModelSerializer[ProcessStep]):
    agency = AgencyOut(
        read_only=True, allow_null=True, help_text=_("Trống: cơ quan tiếp nhận hồ sơ")
    )
    department = serializers.CharField(
        source="department.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "agency", "department", "handler_role", "budget_hours"]
        read_only_fields = fields


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "15:00:00"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day on Vietnam's clock, written with no offset ("15:00:00"). OpenAPI's
    ``format: time`` is RFC 3339's, which requires an offset: documented as a pattern."""


@extend_schema_field(
    {"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}], "example": ""}
)
class BlankableURLField(serializers.CharField):
    """A link that may be missing, written as an empty string (not null): a URI or ""."""


class VersionSummaryOut(serializers.ModelSerializer[ProcedureVersion]):
    """The version in force: its time limits, in working hours (8 per working day), their
    unit as the law states it, and the calendar days when that unit is calendar days."""

    fees = FeeOut(many=True, read_only=True)
    cutoff = LocalTimeField(
        read_only=True, help_text=_("Hồ sơ nhận sau giờ này được trả vào ngày làm việc tiếp theo.")
    )

    class Meta:
        model = ProcedureVersion
        fields = [
            "effective_from",
            "effective_until",
            "limit_hours_direct",
            "limit_hours_online",
            "limit_unit",
            "calendar_days_direct",
            "calendar_days_online",
            "same_day",
            "cutoff",
            "fees",
            "fee_description",
        ]
        read_only_fields = fields


class VersionDetailOut(VersionSummaryOut):
    components = ComponentOut(many=True, read_only=True)
    steps = StepOut(many=True, read_only=True)

    class Meta(VersionSummaryOut.Meta):
        fields = [*VersionSummaryOut.Meta.fields, "components", "steps", "notes"]
        read_only_fields = fields


class ProcedureListOut(serializers.ModelSerializer[Procedure]):
    field = FieldOut(read_only=True)
    version_in_force = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(
        view_name="api-procedure-detail", lookup_field="code", read_only=True
    )

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "url",
            "field",
            "competent_agency_kind",
            "online_level",
            "result_type",
            "is_demo",
            "version_in_force",
        ]
        read_only_fields = fields

    @extend_schema_field(VersionSummaryOut(allow_null=True))
    def get_version_in_force(self, procedure: Procedure) -> dict[str, object] | None:
        version = version_in_force(procedure)
        return VersionSummaryOut(version, context=self.context).data if version else None


class ProcedureDetailOut(ProcedureListOut):
    receiving_agencies = AgencyOut(many=True, read_only=True)
    source_url = BlankableURLField(read_only=True)

    class Meta(ProcedureListOut.Meta):
        fields = [
            *ProcedureListOut.Meta.fields,
            "subjects",
            "legal_basis",
            "source_url",
            "receiving_agencies",
        ]
        read_only_fields = fields

    @extend_schema_field(VersionDetailOut(allow_null=True))
    def get_version_in_force(self, procedure: Procedure) -> dict[str, object] | None:
        version = version_in_force(procedure)
        return VersionDetailOut(version, context=self.context).data if version else None
