"""Telling the citizen (docs/design.md §5, issue 3 item 6).

Each event that concerns the citizen — reception, a supplement request, a refusal, the
result ready, the result returned — becomes one e-mail (and one SMS through the backend
named by ``SMS_BACKEND``), in the citizen's language, recorded in ``Notification``. The
e-mail carries the official slip the event issued (form 01, 02, 03 or 05) as a PDF.

The rows are written pending with the event, in the action's transaction (``plan``); the
task delivers them, each under its row's lock, so a re-delivered or duplicated task sends
nothing twice, and the beat's sweeper re-publishes what a lost broker message left pending.

An app above dossiers that writes its own event on the dossier's history (apologies'
``apology_issued``) declares its verb with a ``Notice``, how that event's e-mail is assembled
(``dossiers.verbs.register``): dossiers sends it like its own and never imports that app
(docs/architecture.md).
"""

import datetime
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from dossiers import selectors, verbs
from dossiers.models import DossierEvent, Notification, NotificationChannel

logger = logging.getLogger(__name__)


def _kind(event: DossierEvent) -> str | None:
    """The template that tells the citizen about the event: its verb's ``notifies``."""
    verb = verbs.get(event.action)
    return verb.notifies if verb is not None else None


@dataclass(frozen=True)
class Notice:
    """How the citizen is told of an event that another app writes on the dossier, named
    by that app's verb (``Verb.notice``, dossiers/verbs.py): the templates
    (``<templates>.txt`` and ``<templates>_subject.txt``), the documents the e-mail carries
    (raising ``OSError`` while one is not ready: the task retries), and, for the sweeper,
    which of the pending events (id → data) must wait for their document rather than be
    re-published. The dossier's own verbs need none: their templates are
    ``dossiers/email/<kind>`` and they carry the slip the event issued."""

    templates: str
    attachments: Callable[[DossierEvent], list[tuple[str, bytes]]]
    waiting: Callable[[dict[int, dict[str, Any]]], set[int]]


def _notice(action: str) -> Notice | None:
    verb = verbs.get(action)
    return verb.notice if verb is not None else None


def _notices() -> dict[str, Notice]:
    return {name: verb.notice for name, verb in verbs.VERBS.items() if verb.notice is not None}


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Writes the SMS to the log; a province plugs its SMS gateway in its place."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-3:], text)


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


# A delivery that raised this many times is given up on (status "failed", the error kept).
MAX_ATTEMPTS = 8


def _email_of(event: DossierEvent) -> str:
    """The address given on the dossier, else its account's (a counter dossier with no
    verified account reaches only the contact details given on it)."""
    dossier = event.dossier
    account = dossier.applicant
    email = dossier.applicant_email or (account.email if account else "")
    return "" if not email or email.endswith(".invalid") else email


def plan(event: DossierEvent) -> list[Notification]:
    """The notifications this event owes the citizen, written as pending rows in the
    event's own transaction: what the worker must deliver survives a lost broker message.
    Empty for an event that tells the citizen nothing (no task is queued for it)."""
    kind = _kind(event)
    if kind is None:
        return []
    recipients = [
        (NotificationChannel.EMAIL, _email_of(event)),
        (NotificationChannel.SMS, event.dossier.applicant_phone),
    ]
    rows = [
        Notification(dossier=event.dossier, event=event, kind=kind, channel=channel, recipient=to)
        for channel, to in recipients
        if to
    ]
    return Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _claimed(event: DossierEvent, channel: str, recipient: str, kind: str) -> Notification | None:
    """The notification row for this event and channel, locked until the caller's
    transaction ends, unless it already went out (or was given up on). A second delivery
    of the same task waits on the lock, then finds it sent."""
    notification, _ = Notification.objects.select_for_update().get_or_create(
        event=event,
        channel=channel,
        defaults={"dossier": event.dossier, "kind": kind, "recipient": recipient},
    )
    return notification if notification.status == "pending" else None


def _deliver(
    event: DossierEvent, channel: str, recipient: str, kind: str, send: Callable[[str], dict]
) -> None:
    """Sends once: the row is locked while ``send(recipient)`` runs and marked sent in the
    same transaction; a failure counts an attempt and is raised for the task to retry."""
    try:
        with transaction.atomic():
            notification = _claimed(event, channel, recipient, kind)
            if notification is None:
                return
            sent = send(notification.recipient)
            Notification.objects.filter(pk=notification.pk).update(
                status="sent", sent_at=timezone.now(), error="", **sent
            )
    except IntegrityError:
        return  # the row was created by a concurrent delivery, which sends it
    except Exception as exc:
        attempts = F("attempts") + 1
        Notification.objects.filter(event=event, channel=channel, status="pending").update(
            attempts=attempts, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        Notification.objects.filter(
            event=event, channel=channel, status="pending", attempts__gte=MAX_ATTEMPTS
        ).update(status="failed")
        raise


def pending_events(*, older_than: datetime.timedelta, limit: int = 500) -> list[int]:
    """Events with a notification still pending after ``older_than`` (the sweeper's list):
    their task was lost with the broker, or is failing and waiting for its next retry.
    A verb's notice may make it wait for the document it carries (an apology letter's PDF)."""
    cutoff = timezone.now() - older_than
    rows = (
        Notification.objects.filter(status="pending", created_at__lt=cutoff, event__isnull=False)
        .order_by("created_at")
        .values_list("event_id", "event__action", "event__data")[:limit]
    )
    events: dict[int, None] = {}
    waiting: set[int] = set()
    for action, notice in _notices().items():
        of_action = {event_id: data for event_id, act, data in rows if act == action}
        if of_action:
            waiting |= notice.waiting(of_action)
    for event_id, _action, _data in rows:
        if event_id in waiting:
            continue
        events[event_id] = None
    return list(events)


def _attachments(event: DossierEvent) -> list[tuple[str, bytes]]:
    """The document the event issued travels with its e-mail: the slip (01, 02, 03, 05), or
    what a verb's notice carries (the issued apology letter)."""
    notice = _notice(event.action)
    if notice is not None:
        return notice.attachments(event)
    if event.action == "return_result":
        dossier = event.dossier
        if not selectors.result_delivered_online(dossier):
            return []
        name, _type, content = selectors.result_document(dossier)
        return [(name, content)]
    from dossiers.slips.catalogue import slip_of_event
    from dossiers.slips.render import slip_pdf

    slip = slip_of_event(event)
    if slip is None:
        return []
    form, request = slip
    try:
        pdf = slip_pdf(event.dossier, form, supplement_request=request)
    except ValueError:
        # The dossier has moved on (e.g. the slip no longer applies): the e-mail still goes,
        # and the slip stays downloadable from the dossier page when it applies.
        logger.exception("Slip %s of dossier %s not attached", form, event.dossier.code)
        return []
    return [(f"{event.dossier.code or 'ho-so'}-mau-{form}.pdf", pdf)]


def notify_event(*, event_id: int) -> None:
    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__agency", "dossier__applicant"
    ).get(pk=event_id)
    kind = _kind(event)
    if kind is None:
        return
    notice = _notice(event.action)
    templates = notice.templates if notice is not None else f"dossiers/email/{kind}"
    dossier = event.dossier
    # A counter dossier with no verified account reaches the contact details given on it.
    account = dossier.applicant
    language = (account.preferred_language if account else "") or settings.LANGUAGE_CODE
    context = {
        "dossier": dossier,
        "event": event,
        # A dossier has a public page once it has a code, at receipt (docs/legal.md#dossier-code).
        "track_url": f"{settings.SITE_URL.rstrip('/')}/tra-cuu/{dossier.code}/"
        if dossier.code
        else "",
        "result_online": event.action == "return_result"
        and selectors.result_delivered_online(dossier),
    }

    def subject() -> str:
        return " ".join(render_to_string(f"{templates}_subject.txt", context).split())

    def send_email(to: str) -> dict:
        title = subject()
        body = render_to_string(f"{templates}.txt", context)
        message = EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, [to])
        for name, content in _attachments(event):
            kind_of_file = mimetypes.guess_type(name)[0] or "application/octet-stream"
            message.attach(name, content, kind_of_file)
        message.send()
        return {"subject": title, "body": body}

    def send_sms(to: str) -> dict:
        text = subject()
        sms_backend().send(phone=to, text=f"{text} {context['track_url']}")
        return {"body": text}

    with translation.override(language):
        email = _email_of(event)
        if email:
            _deliver(event, NotificationChannel.EMAIL, email, kind, send_email)
        if dossier.applicant_phone:
            _deliver(event, NotificationChannel.SMS, dossier.applicant_phone, kind, send_sms)
