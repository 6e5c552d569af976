"""The overdue lists and apology letters over REST (issue 4 item 3): what the pages do.

``GET watch/{kind}/`` (due_soon, overdue, escalated, past_issue_by; ``?agency=`` for supervisors),
``GET letters/`` (waiting for my signature), ``GET letters/{id}/``, ``POST letters/{id}/edit/``,
``POST letters/{id}/issue/``, ``GET letters/{id}/pdf/``. Domain errors go through
``core.api.api_exception_handler`` (400 / 404 / 409); a letter the caller may not see is
404, like a missing one.
"""

import datetime
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from accounts.models import User
from apologies import selectors, services
from apologies.documents import letter_signer
from apologies.forms import check_new_date
from apologies.models import ApologyLetter, LetterState
from apologies.views import letter_file_response, record_letter_download
from audit import services as audit
from core.api import ERROR_SCHEMA
from core.errors import DossierNotFound

KINDS = ("due_soon", "overdue", "escalated", "past_issue_by")


# --- serializers ---------------------------------------------------------------------------------


class LetterBriefOut(serializers.Serializer[ApologyLetter]):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=LetterState.choices)
    number = serializers.CharField(
        source="number_label", help_text=gettext_lazy("Số phiếu, “01/PXL-STP”")
    )
    issue_by = serializers.DateTimeField(
        allow_null=True,
        help_text=gettext_lazy("Thời điểm phải ban hành phiếu: một ngày làm việc trước hạn."),
    )
    issued_late = serializers.BooleanField(
        help_text=gettext_lazy("Phiếu được ban hành sau thời điểm phải ban hành.")
    )


class WatchRowOut(serializers.Serializer[selectors.WatchRow]):
    code = serializers.CharField(source="dossier.code")
    procedure = serializers.CharField(source="dossier.procedure.name")
    state = serializers.CharField(source="dossier.state")
    responsible_agency = serializers.CharField(source="responsible_agency.name")
    responsible_department = serializers.CharField(
        source="responsible_department.name", allow_null=True
    )
    current_step = serializers.CharField(source="dossier.current_step.name", allow_null=True)
    assignee = serializers.CharField(source="dossier.assignee.full_name", allow_null=True)
    due_at = serializers.DateTimeField(source="dossier.due_at")
    due_soon_at = serializers.DateTimeField(source="dossier.due_soon_at", allow_null=True)
    overdue_since = serializers.DateTimeField(source="dossier.overdue_since", allow_null=True)
    escalated_at = serializers.DateTimeField(source="dossier.escalated_at", allow_null=True)
    working_days_late = serializers.IntegerField()
    apology = LetterBriefOut(source="letter", allow_null=True)


class LetterOut(serializers.Serializer[ApologyLetter]):
    id = serializers.IntegerField()
    dossier = serializers.CharField(source="dossier.code")
    procedure = serializers.CharField(source="dossier.procedure.name")
    state = serializers.ChoiceField(choices=LetterState.choices)
    number = serializers.CharField(source="number_label")
    agency = serializers.CharField(source="agency.name")
    department = serializers.CharField(source="department.name", allow_null=True)
    addressee = serializers.CharField()
    received_at = serializers.DateTimeField()
    original_due_at = serializers.DateTimeField()
    proposed_due_at = serializers.DateTimeField()
    reason = serializers.CharField()
    issue_by = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    issued_late = serializers.BooleanField()
    signer_lines = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Quyền hạn và chức vụ người ký như in trên phiếu (ví dụ “KT. GIÁM ĐỐC”, “PHÓ GIÁM "
            "ĐỐC”); rỗng khi phiếu chưa ban hành."
        )
    )
    signer_name = serializers.SerializerMethodField()

    def get_signer_lines(self, letter: ApologyLetter) -> list[str]:
        block = letter_signer(letter)
        return list(block.lines) if block is not None else []

    def get_signer_name(self, letter: ApologyLetter) -> str:
        block = letter_signer(letter)
        return block.name if block is not None else ""


class LetterEditIn(serializers.Serializer[None]):
    """Both optional: what is left out keeps the letter's current value."""

    reason = serializers.CharField(
        required=False, error_messages={"blank": gettext_lazy("Cần nêu lý do quá hạn.")}
    )
    proposed_due_at = serializers.DateTimeField(required=False)

    def validate_proposed_due_at(self, value: datetime.datetime) -> datetime.datetime:
        check_new_date(value, original_due_at=self.context["letter"].original_due_at)
        return value


WATCH_PAGE = inline_serializer(
    "PaginatedWatchRowList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": WatchRowOut(many=True),
    },
)


# --- views ---------------------------------------------------------------------------------------


def _watcher(user: User) -> User:
    if user.agency_id is None or not roles.watches_deadlines(user):
        raise PermissionDenied(
            _("Chỉ lãnh đạo phòng, đơn vị và lãnh đạo Trung tâm xem danh sách này.")
        )
    return user


class WatchListView(APIView):
    """The head's (their department) or the supervisor's (the province) due-soon, overdue or
    escalated dossiers, the nearest deadline first, 50 a page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Due-soon, overdue or escalated dossiers (department head, centre supervisor)",
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS)),
            OpenApiParameter("agency", int, description="Supervisor: only this agency's dossiers"),
            OpenApiParameter("page", int),
        ],
        responses={200: WATCH_PAGE, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA},
    )
    def get(self, request: Request, kind: str) -> Response:
        user = _watcher(request.user)  # type: ignore[arg-type]
        if kind not in KINDS:
            raise NotFound(_("Không có danh sách này."))
        agency = request.query_params.get("agency", "")
        if agency and not agency.isdigit():
            raise serializers.ValidationError({"agency": [_("Mã cơ quan phải là số.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.watch_list(user, kind, agency_id=int(agency) if agency else None),
            request,
            view=self,
        )
        rows = selectors.watch_rows(page or [])
        return paginator.get_paginated_response(WatchRowOut(rows, many=True).data)  # type: ignore[arg-type]


class LetterViewSet(viewsets.GenericViewSet[ApologyLetter]):
    """Apology letters (form 04): the head's drafts to sign, one letter, edit, issue, PDF."""

    permission_classes = [IsAuthenticated]
    serializer_class = LetterOut
    # Only for the schema (the id is an integer): every read goes through the selectors.
    queryset = ApologyLetter.objects.none()
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, FormParser]
    pagination_class = None

    def get_object(self) -> ApologyLetter:
        letter = selectors.letter_for_user_or_none(self.request.user, int(self.kwargs["pk"]))  # type: ignore[arg-type]
        if letter is None:
            raise DossierNotFound(_("Không tìm thấy phiếu."))
        return letter

    def _out(self, letter: ApologyLetter) -> Response:
        fresh = ApologyLetter.objects.select_related(
            "dossier__procedure", "agency", "department"
        ).get(pk=letter.pk)
        return Response(LetterOut(fresh).data)

    @extend_schema(
        summary="Apology letters waiting for my signature", responses={200: LetterOut(many=True)}
    )
    def list(self, request: Request) -> Response:
        return Response(LetterOut(selectors.letters_to_sign(request.user), many=True).data)  # type: ignore[arg-type]

    @extend_schema(summary="One apology letter", responses={200: LetterOut, 404: ERROR_SCHEMA})
    def retrieve(self, request: Request, pk: str) -> Response:
        letter = self.get_object()
        audit.record_dossier_read(
            request=request,
            dossier=letter.dossier,
            detail={"letter": letter.number_label, "via": "api"},
        )
        return Response(LetterOut(letter).data)

    @extend_schema(
        summary="Change the reason and the new return date of a draft",
        request=LetterEditIn,
        responses={200: LetterOut, 400: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str) -> Response:
        letter = self.get_object()
        values = self._values(request, letter)
        updated = services.letter_update(
            letter=letter,
            actor=request.user,  # type: ignore[arg-type]
            reason=values.get("reason", letter.reason),
            proposed_due_at=values.get("proposed_due_at", letter.proposed_due_at),
        )
        return self._out(updated)

    @extend_schema(
        summary="Issue the letter: numbered, the deadline extended once, the citizen told",
        request=LetterEditIn,
        responses={200: LetterOut, 400: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        letter = self.get_object()
        values = self._values(request, letter)
        issued = services.letter_issue(
            letter=letter,
            actor=request.user,  # type: ignore[arg-type]
            reason=values.get("reason"),
            proposed_due_at=values.get("proposed_due_at"),
        )
        return self._out(issued)

    @extend_schema(
        summary="The letter as PDF (the draft, or the issued letter)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: ERROR_SCHEMA,
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> FileResponse:
        letter = self.get_object()
        response = letter_file_response(letter)
        record_letter_download(request, letter)
        return response

    @staticmethod
    def _values(request: Request, letter: ApologyLetter) -> dict[str, Any]:
        data = LetterEditIn(data=request.data, context={"letter": letter})
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)
