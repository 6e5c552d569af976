"""The dossier lifecycle over REST (issue 3 item 7): same services as the pages.

Transitions are explicit action endpoints, never a writable state field; domain errors map
to 400 / 404 / 409 with a message in the caller's language (``core.api.api_exception_handler``).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from accounts.models import User
from agencies.models import Agency
from audit import services as audit
from core.api import ERROR_SCHEMA, ERRORS
from core.errors import DossierError, DossierNotFound
from dossiers import selectors, services, verbs
from dossiers.models import Dossier, DossierEvent, DossierFee, Payment, State
from dossiers.serializers import (
    ActionIn,
    ComponentUploadIn,
    DossierCreateIn,
    DossierDetailOut,
    DossierFileOut,
    DossierListOut,
    TrackOut,
)
from dossiers.views_public import PublicLookupThrottle, clean_secret, secret_matches
from procedures.models import Component, Procedure


def lookup(queryset: QuerySet[Dossier], ref: str) -> Dossier:
    """A dossier by code, or a draft by its UUID; anything not visible is 404."""
    import uuid

    from django.db.models import Q

    try:
        key = Q(uuid=uuid.UUID(ref))
    except ValueError:
        # The code, or the submission reference it replaced (docs/legal.md#dossier-code).
        key = Q(code=ref) | Q(submission_reference=ref)
    try:
        return queryset.get(key)
    except (Dossier.DoesNotExist, Dossier.MultipleObjectsReturned) as exc:
        raise NotFound(_("Không tìm thấy hồ sơ.")) from exc


# Every verb a person takes, the citizen's and the staff's (the beat's are nobody's): the
# transitions, and the records that declare their input form (the paper hand-over).
API_VERBS = tuple(
    name
    for name, verb in verbs.VERBS.items()
    if verb.by != verbs.SYSTEM and (verb.transition or verb.form)
)


@extend_schema_view(
    list=extend_schema(
        summary="My dossiers (citizen), or the dossiers I may see (staff)",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=State.values),
            OpenApiParameter("queue", OpenApiTypes.STR, description="1: what waits for me now"),
        ],
        responses={200: DossierListOut(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One dossier by code, or a draft by its UUID",
        responses={200: DossierDetailOut, **ERRORS},
    ),
)
class DossierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Dossier]
):
    """A citizen's dossiers, or the dossiers a staff member may see; ``?queue=1`` narrows
    staff to what waits for them now."""

    permission_classes = [IsAuthenticated]
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Dossier]:
        user: User = self.request.user  # type: ignore[assignment]
        queryset = Dossier.objects.for_user(user).select_related("procedure", "agency")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
                "files",
                "steps__agency",
                "steps__department",
                Prefetch("fee_lines", queryset=DossierFee.objects.order_by("id")),
                Prefetch("payments", queryset=Payment.objects.order_by("paid_at", "pk")),
            ).select_related("current_step", "version")
        state = self.request.query_params.get("state")
        if state in State.values:
            queryset = queryset.filter(state=state)
        if self.request.query_params.get("queue") and user.agency_id is not None:
            queryset = queryset.filter(
                state__in=[
                    State.SUBMITTED,
                    State.RECEIVED,
                    State.IN_APPRAISAL,
                    State.READY_FOR_RETURN,
                ]
            ).order_by("submitted_at")
        else:
            queryset = queryset.order_by("-created_at")
        return queryset

    def get_object(self) -> Dossier:
        return lookup(self.get_queryset(), self.kwargs["ref"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One dossier; a staff member's read of it is in the access log."""
        dossier = self.get_object()
        audit.record_dossier_read(request=request, dossier=dossier, detail={"via": "api"})
        return Response(self.get_serializer(dossier).data)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DossierDetailOut if self.action == "retrieve" else DossierListOut

    @extend_schema(
        request=DossierCreateIn,
        responses={201: DossierDetailOut, **ERRORS},
        summary="Create a draft dossier (citizen)",
    )
    def create(self, request: Request) -> Response:
        data = DossierCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        if not roles.may_file_online(user):
            raise DossierError(_("Chỉ công dân, doanh nghiệp nộp hồ sơ trực tuyến."))
        procedure = Procedure.objects.filter(
            code=data.validated_data["procedure"], is_active=True
        ).first()
        agency = Agency.objects.filter(code=data.validated_data["agency"]).first()
        if procedure is None:
            raise DossierError(_("Không có thủ tục mã này."), field="procedure")
        if agency is None:
            raise DossierError(_("Không có cơ quan mã này."), field="agency")
        phone = data.validated_data["applicant_phone"]
        dossier = services.dossier_create_draft(
            applicant=user,
            procedure=procedure,
            agency=agency,
            actor=user,
            return_channel=data.validated_data["return_channel"],
            return_address=data.validated_data["return_address"],
            note=data.validated_data["note"],
            # A contact phone for this dossier, else the profile's (dossier_create_draft).
            applicant_details={"applicant_phone": phone} if phone else None,
        )
        return Response(
            DossierDetailOut(self._fresh(dossier), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def _fresh(self, dossier: Dossier) -> Dossier:
        return self.get_queryset().model.objects.for_user(self.request.user).get(pk=dossier.pk)  # type: ignore[arg-type]

    @extend_schema(
        request={"multipart/form-data": ComponentUploadIn},
        responses={201: DossierFileOut, **ERRORS},
        summary="Upload a file for one component (draft, or when a supplement is asked)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="components",
        parser_classes=[MultiPartParser, FormParser],
    )
    def components(self, request: Request, ref: str) -> Response:
        dossier = self.get_object()
        data = ComponentUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        component = None
        if data.validated_data.get("component"):
            component = Component.objects.filter(
                pk=data.validated_data["component"], version_id=dossier.version_id
            ).first()
            if component is None:
                raise DossierError(
                    _("Thành phần hồ sơ không thuộc thủ tục này."), field="component"
                )
        stored = services.dossier_attach_file(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            upload=data.validated_data["file"],
            component=component,
        )
        return Response(DossierFileOut(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"application/json": ActionIn, "multipart/form-data": ActionIn},
        responses={200: DossierDetailOut, **ERRORS},
        summary="Take one verb of the dossier workflow",
        description="Verbs: " + ", ".join(API_VERBS),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<verb>[a-z_]+)")
    def actions(self, request: Request, ref: str, verb: str) -> Response:
        """The verb's own form reads the body, as the staff page reads its POST, and its
        service decides (dossiers/verbs.py): a page and the API give the same answer."""
        dossier = self.get_object()
        declared = verbs.get(verb)
        if declared is None or verb not in API_VERBS or declared.form_class is None:
            raise DossierNotFound(_("Không có thao tác này."))
        user: User = request.user  # type: ignore[assignment]
        # Allowed first, as the page asks first: a refused verb is refused whatever the body.
        # A verb that is no transition asks in its service, under the lock, as the page does.
        if declared.transition:
            services.check_allowed(dossier, user, verb)
        if not isinstance(request.data, Mapping):
            raise ValidationError(
                {"non_field_errors": [_("Dữ liệu gửi lên phải là một đối tượng.")]}
            )
        form = declared.form_class.for_api(request.data, request.FILES, dossier=dossier, user=user)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        declared.run(dossier=dossier, actor=user, **form.service_kwargs())
        return Response(DossierDetailOut(self._fresh(dossier), context={"request": request}).data)


class TrackView(APIView):
    """Public status of a dossier by code: the state only; with ``?secret=`` (the lookup
    secret of the receipt) the rest, never personal data beyond a masked name. Rate-limited
    per client address like the page (dossiers/views_public.py)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "secret",
                str,
                description="Mã bí mật tra cứu in trên giấy tiếp nhận (6 ký tự)",
                required=False,
            )
        ],
        responses={
            200: TrackOut,
            400: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            405: ERROR_SCHEMA,
            429: OpenApiResponse(ERROR_SCHEMA, description="Tra cứu quá nhiều lần"),
        },
        summary="Public status of a dossier",
    )
    def get(self, request: Request, code: str) -> Response:
        found = selectors.public_status(code)
        if found is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        secret = clean_secret(request.query_params.get("secret"))
        body: dict[str, Any] = {
            "code": found.code,
            "state": found.state,
            "state_label": found.state_label,
            "national_status": found.national_status,
            "details": False,
        }
        if not (secret and secret_matches(code, secret)):
            return Response(body)
        # Written out rather than through TrackOut (which documents it): on the busiest
        # public read the serializer cost a fifth of the request (docs/design.md §12 P3).
        body.update(
            {
                "details": True,
                "procedure": found.procedure,
                "agency": found.agency,
                "applicant": found.applicant,
                "submitted_at": _iso(found.submitted_at),
                "received_at": _iso(found.received_at),
                "due_at": _iso(found.due_at),
                "original_due_at": _iso(found.original_due_at),
                "new_due_at": _iso(found.due_at) if found.extension_count else None,
                "returned_at": _iso(found.returned_at),
            }
        )
        return Response(body)


def _iso(moment: datetime.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the portal's time zone."""
    return None if moment is None else timezone.localtime(moment).isoformat()


TRACK_RESPONSES = {200: TrackOut, 404: OpenApiResponse(description="Không tìm thấy hồ sơ")}
