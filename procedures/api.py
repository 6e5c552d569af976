"""The public, read-only procedure catalogue API: the same search and filters as the page."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny

from procedures.forms import CatalogueSearchForm
from procedures.models import OnlineLevel, Procedure
from procedures.selectors import procedure_detail, procedure_search
from procedures.serializers import ProcedureDetailOut, ProcedureListOut

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Từ khóa, có dấu hoặc không dấu (mọi từ phải khớp)."
    ),
    OpenApiParameter("field", OpenApiTypes.STR, description="Mã lĩnh vực, ví dụ `ho-tich`."),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Mã định danh của cơ quan tiếp nhận."),
    OpenApiParameter(
        "online_level",
        OpenApiTypes.STR,
        enum=OnlineLevel.values,
        description="Mức độ dịch vụ công trực tuyến.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        tags=["procedures"],
        summary="Search the procedure catalogue",
        parameters=SEARCH_PARAMETERS,
        responses={
            200: ProcedureListOut(many=True),
            400: OpenApiResponse(description="Bộ lọc không hợp lệ"),
        },
    ),
    retrieve=extend_schema(
        tags=["procedures"],
        summary="One procedure with its version in force",
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Mã thủ tục, ví dụ `1.001193`.",
            )
        ],
        responses={
            200: ProcedureDetailOut,
            404: OpenApiResponse(description="Không có thủ tục mã này"),
        },
    ),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet[Procedure]):
    """Active procedures; time limits are in working hours (1 working day = 8 hours)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"  # codes contain dots (1.001193)

    def get_queryset(self) -> QuerySet[Procedure]:
        form = CatalogueSearchForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        return procedure_search(**form.filters())

    def get_object(self) -> Procedure:
        try:
            return procedure_detail(self.kwargs["code"])
        except Procedure.DoesNotExist as exc:
            raise NotFound(_("Không có thủ tục mã này trong danh mục.")) from exc

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ProcedureDetailOut if self.action == "retrieve" else ProcedureListOut
