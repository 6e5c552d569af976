"""API tokens (django-rest-knox, docs/adr/0013): issued for the person's credentials — and
the code of their authenticator when their login needs one (accounts.twofactor) — stored
only as a digest, expiring after REST_KNOX["TOKEN_TTL"], revoked by the logout endpoints."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import twofactor
from accounts.models import User

WRONG_CREDENTIALS = _("Thư điện tử, số điện thoại hoặc mật khẩu không đúng.")
CODE_NEEDED = _("Tài khoản này đăng nhập bằng hai bước: gửi kèm mã xác thực (code).")
WRONG_CODE = _("Mã xác thực không đúng, đã dùng hoặc đã hết hiệu lực.")


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text=_("Thư điện tử hoặc số điện thoại"))
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("Mã của ứng dụng xác thực (hoặc mã dự phòng), khi tài khoản cần."),
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text=_("Gửi trong tiêu đề Authorization: Token <token>"))
    expiry = serializers.DateTimeField()


class TokenLoginView(APIView):
    """``POST /api/v1/auth/token/``: a new token for the credentials (401 otherwise)."""

    # The token scheme names the challenge of the 401 (WWW-Authenticate: Token).
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenIn,
        responses={
            200: TokenOut,
            400: OpenApiResponse(description="Thiếu trường"),
            401: OpenApiResponse(description="Sai thông tin đăng nhập hoặc mã xác thực"),
        },
        auth=[],
        summary="Issue an API token",
    )
    def post(self, request: Request) -> Response:
        values = TokenIn(data=request.data)
        values.is_valid(raise_exception=True)
        data: dict[str, Any] = values.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if not isinstance(user, User):
            raise AuthenticationFailed(WRONG_CREDENTIALS)
        if twofactor.requires_second_factor(user) or twofactor.has_second_factor(user):
            self._check_code(request, user, data)
        now = timezone.now()
        AuthToken.objects.filter(user=user, expiry__lt=now).delete()
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        return Response(TokenOut({"token": token, "expiry": instance.expiry}).data)

    @staticmethod
    def _check_code(request: Request, user: User, data: dict[str, Any]) -> None:
        code = data.get("code") or ""
        if not twofactor.has_second_factor(user) or not code:
            # A required person without an authenticator enrols in the portal first.
            raise AuthenticationFailed(CODE_NEEDED)
        if twofactor.throttled(user) or twofactor.verify_code(user, code) is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": data["username"]},
                request=request._request,
            )
            raise AuthenticationFailed(WRONG_CODE)


@extend_schema(request=None, responses={204: None}, summary="Revoke this API token")
class TokenLogoutView(knox_views.LogoutView):
    """``POST /api/v1/auth/logout/``: the token of the request stops working."""


@extend_schema(request=None, responses={204: None}, summary="Revoke all my API tokens")
class TokenLogoutAllView(knox_views.LogoutAllView):
    """``POST /api/v1/auth/logout-all/``: every token of the person stops working."""
