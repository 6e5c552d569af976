"""The API's error answers, for every app's endpoints (settings ``EXCEPTION_HANDLER``).

Domain errors (``core.errors``) map to 400 / 404 / 409 with a message in the caller's
language; DRF's own errors get the same ``detail`` (and ``field``) beside their lists.
``ERROR_SCHEMA`` / ``ERRORS`` document that body in the OpenAPI schema.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import DossierError

ERROR_SCHEMA = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(
            help_text="Lý do, bằng ngôn ngữ của người gọi (tiếng Việt, hoặc tiếng Anh khi chọn)"
        ),
        "field": serializers.CharField(
            required=False, help_text="Trường dữ liệu có lỗi đầu tiên, nếu lỗi thuộc một trường"
        ),
    },
)
# Every 4xx an operation may answer, documented with the error body (DRF's own ones too: a
# missing or bad token, a foreign object, a wrong method or media type, a body not parsed).
ERRORS = dict.fromkeys((400, 401, 403, 404, 405, 406, 409, 415), ERROR_SCHEMA)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors become clear 400/404/409 answers; everything else goes to DRF. Every
    error body has a ``detail`` (and ``field`` when the error is a field's); DRF's
    validation errors keep their per-field lists beside it."""
    if isinstance(exc, DossierError):
        body: dict[str, Any] = {"detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, ParseError) and str(exc.detail).startswith(PARSE_ERROR_PREFIXES):
        # DRF's parsers word these in English without gettext; the reason stays technical.
        reason = str(exc.detail).split(" - ", 1)[-1]
        exc = ParseError(_("Không đọc được dữ liệu gửi lên: %(reason)s") % {"reason": reason})
    response = exception_handler(exc, context)
    if response is not None and not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = _with_detail(response.data)
    return response


def _with_detail(errors: Any) -> dict[str, Any]:
    """A validation error's body with a ``detail`` naming its first problem, the field lists
    kept (``{"note": ["…"]}`` → ``{"detail": "note: …", "field": "note", "note": ["…"]}``)."""
    path, message = _first_error(errors)
    body: dict[str, Any] = dict(errors) if isinstance(errors, dict) else {"errors": errors}
    if path and path != api_settings.NON_FIELD_ERRORS_KEY:
        body.update(detail=f"{path}: {message}", field=path.split(".")[0])
    else:
        body["detail"] = message or str(_("Yêu cầu không hợp lệ."))
    return body


def _first_error(errors: Any, path: str = "") -> tuple[str, str]:
    if isinstance(errors, dict):
        for key, value in errors.items():
            return _first_error(value, f"{path}.{key}" if path else str(key))
    if isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:  # a nested list of items has {} for the items without errors
                nested = isinstance(value, dict | list)
                return _first_error(value, f"{path}.{index}" if nested and path else path)
    return path, str(errors) if errors not in ({}, [], None) else ""


# The untranslated messages of rest_framework.parsers ("JSON parse error - …").
PARSE_ERROR_PREFIXES = ("JSON parse error - ", "Multipart form parse error - ")
