"""Log lines an operator can ship and read, and that never carry a citizen's ID number.

- ``PersonalIdFilter`` masks every run of exactly 9 or 12 digits (the 9-digit CMND and the
  12-digit CCCD) in the message, its arguments, extra fields, the traceback and the stack.
  It sits on every handler of the portal's logging (``build_logging``) and of gunicorn's
  (``gunicorn_logconfig``, deploy/gunicorn.conf.py).
- ``LOG_FORMAT=json`` gives one JSON object per line (python-json-logger); plain text by
  default.
- Each request gets an id (the proxy's X-Request-ID, or a new one), sent back in the
  response header and added to every line logged while the request is served.

This module is imported by gunicorn's configuration before Django is set up: Django is
imported only inside what needs it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# A run of exactly 9 or 12 digits standing alone: not part of a longer number (a 10-digit
# phone number, a timestamp) nor of a hexadecimal token (a UUID, a task id, a hash), but
# masked after "=", "/", a space or any other punctuation ("?cccd=079123456789").
PERSONAL_ID = re.compile(r"(?<![0-9A-Za-z])(?<![0-9A-Fa-f]{4}-)(?:\d{12}|\d{9})(?![0-9A-Za-z])")

# The attributes every LogRecord has; anything else on a record came from extra={…}.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def mask_personal_ids(text: str) -> str:
    """``text`` with every 9- or 12-digit run replaced by as many asterisks."""
    return PERSONAL_ID.sub(lambda match: "*" * len(match.group()), text)


def mask_value(value: Any) -> Any:
    """Strings masked inside any structure of dicts, lists and tuples (a Sentry event)."""
    if isinstance(value, str):
        return mask_personal_ids(value)
    if isinstance(value, Mapping):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_value(item) for item in value)
    return value


class PersonalIdFilter(logging.Filter):
    """Masks 9- and 12-digit runs in everything a handler would write; never drops a record.

    The message is formatted here (``getMessage``) and its arguments cleared, so an ID
    passed as an argument, ``%d`` or ``%s``, is masked like one written in the message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_personal_ids(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_info or record.exc_text:
            record.exc_text = mask_personal_ids(record.exc_text or "")
            # Formatters re-render exc_info when present (python-json-logger does): keep
            # only the masked text.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_personal_ids(record.stack_info)
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRIBUTES and isinstance(value, str | Mapping | list | tuple):
                setattr(record, name, mask_value(value))
        return True


# --- Request id -------------------------------------------------------------------------
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (nginx's $request_id) or makes one; answers with it."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _GOOD_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


# --- Formatters and handlers ------------------------------------------------------------
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time, level, logger, message, request id, extra fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("json_ensure_ascii", False)  # Vietnamese stays readable
        super().__init__(*args, **kwargs)


class AdminEmailHandler(DjangoAdminEmailHandler):
    """Django's error e-mail to ADMINS, with ID numbers masked in the whole e-mail.

    The e-mail carries the request's details (GET and POST values, headers), which the
    record filter does not reach.
    """

    def send_mail(self, subject: Any, message: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask_personal_ids(str(kwargs["html_message"]))
        super().send_mail(
            mask_personal_ids(str(subject)), mask_personal_ids(str(message)), *args, **kwargs
        )


_FILTERS = {
    "request_id": {"()": "portal.logging.RequestIdFilter"},
    "personal_ids": {"()": "portal.logging.PersonalIdFilter"},
}
_FORMATTERS = {
    "plain": {"format": PLAIN_FORMAT},
    "json": {"()": "portal.logging.JsonFormatter"},
}


def _formatter(log_format: str) -> str:
    if log_format not in _FORMATTERS:
        raise ValueError(f"LOG_FORMAT must be plain or json, not {log_format!r}")
    return log_format


def build_logging(*, log_format: str = "plain", level: str = "INFO") -> dict[str, Any]:
    """settings.LOGGING: one console handler (stderr) and the e-mail to ADMINS.

    Django's own loggers are configured here too, so none keeps a default handler without
    the masking filter.
    """
    filters = ["request_id", "personal_ids"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            **_FILTERS,
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": _FORMATTERS,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": _formatter(log_format),
                "filters": filters,
            },
            "mail_admins": {
                "class": "portal.logging.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false", *filters],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            "django": {"handlers": ["console", "mail_admins"], "level": level, "propagate": False},
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def gunicorn_logconfig(*, log_format: str = "plain", level: str = "INFO") -> dict[str, Any]:
    """gunicorn's logconfig_dict: its error and access logs, on stderr and stdout."""
    formatter = _formatter(log_format)
    filters = ["personal_ids"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {**_FILTERS},
        "formatters": _FORMATTERS,
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": formatter,
                "filters": ["request_id", *filters],
            },
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": formatter,
                "filters": ["request_id", *filters],
            },
        },
        "root": {"handlers": ["error_console"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


# --- Error tracking ---------------------------------------------------------------------
def _scrub_event(event: Any, hint: Any) -> Any:
    return mask_value(event)


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    """sentry-sdk for Django and Celery, sending no personal data (settings: SENTRY_DSN)."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,  # no user, IP address, cookies or request bodies
        include_local_variables=False,  # a frame's variables hold dossiers and people
        max_request_body_size="never",
        before_send=_scrub_event,
        before_send_transaction=_scrub_event,
        before_breadcrumb=_scrub_event,
    )
