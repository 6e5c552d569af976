"""Writes the access log. Every staff read of a person's data and every change of it goes
through ``record``: one INSERT, in the caller's transaction, nothing else.

The dossiers' pages record here, so audit sits below dossiers (docs/architecture.md): it
names a dossier only by its foreign key (``"dossiers.Dossier"``) and in type hints."""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from accounts import roles
from accounts.lockout import client_ip_address
from accounts.models import User
from audit.constants import Action, Purpose
from audit.models import AccessRecord

if TYPE_CHECKING:
    from dossiers.models import Dossier

# A 12-digit personal identification number, or the 9 digits of an old identity card.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")


def mask_national_id(value: str | None) -> str:
    """'075190001234' → '075•••••••34': enough to tell two people apart, not to read it."""
    if not value:
        return ""
    return f"{value[:3]}{'•' * (len(value) - 5)}{value[-2:]}"


def _scrubbed(value: Any) -> Any:
    """``detail`` with every ID number it carries masked, however it got there."""
    if isinstance(value, str):
        return _ID_NUMBER.sub(lambda match: mask_national_id(match.group(1)), value)
    if isinstance(value, dict):
        return {str(key): _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def _address(request: Any) -> str | None:
    """The client's real address (behind our proxies: ``accounts.lockout``), if any."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip_address(request)))
    except ValueError:
        return None


def record(
    *,
    actor: User,
    action: str,
    purpose: str,
    dossier: Dossier | None = None,
    subject: User | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | Any = None,
) -> AccessRecord:
    """Appends who did ``action`` to whose data, why, and from where. The person whose data
    it is defaults to the dossier's applicant."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if purpose not in Purpose.values:
        raise ValueError(f"An access needs one of the purposes, not {purpose!r}")
    subject_id = subject.pk if subject is not None else getattr(dossier, "applicant_id", None)
    return AccessRecord.objects.create(
        actor=actor,
        action=action,
        purpose=purpose,
        dossier=dossier,
        subject_id=subject_id,
        ip_address=_address(request),
        detail=_scrubbed(detail or {}),
    )


def staff_purpose(user: User) -> Purpose:
    """Why a staff member reads a dossier: the supervisor watches, everyone else handles it.
    (Permissions are cached on the user: no query.)"""
    if not roles.handles_dossiers(user) and roles.is_supervisor(user):
        return Purpose.SUPERVISION
    return Purpose.PROCESSING


def record_dossier_read(
    *,
    request: Any,
    dossier: Dossier,
    action: str = Action.VIEW,
    detail: dict[str, Any] | None = None,
) -> AccessRecord | None:
    """A read of a dossier by anyone but its applicant (a citizen reading their own dossier
    is not recorded)."""
    actor: User = request.user
    if actor.pk == dossier.applicant_id:
        return None
    return record(
        actor=actor,
        action=action,
        purpose=staff_purpose(actor),
        dossier=dossier,
        detail=detail,
        request=request,
    )
