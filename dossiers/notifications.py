"""Telling the citizen (DESIGN §5, issue 3 item 6).

Each event that concerns the citizen — reception, a supplement request, a refusal, the
result ready, the result returned — becomes one e-mail (and one SMS through the backend
named by ``SMS_BACKEND``), in the citizen's language, recorded in ``Notification``. The
e-mail carries the official slip the event issued (form 01, 02, 03 or 05) as a PDF. The
unique (event, channel) row makes a re-delivered task send nothing twice.
"""

import logging
import mimetypes
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from dossiers import selectors
from dossiers.models import DossierEvent, Notification, NotificationChannel

logger = logging.getLogger(__name__)

# Transition name → the template that tells the citizen about it.
KINDS = {
    "receive": "received",
    "request_supplement": "supplement",
    "request_appraisal_supplement": "supplement",
    "refuse": "refused",
    "close_unsupplemented": "refused",
    "approve": "result_ready",
    "return_result": "returned",
    "stop": "stopped",
    "apology_issued": "apology",
}


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Writes the SMS to the log; a province plugs its SMS gateway in its place."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-3:], text)


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def _claim(event: DossierEvent, channel: str, recipient: str, kind: str) -> Notification | None:
    """The notification row for this event and channel, unless it already went out."""
    try:
        with transaction.atomic():
            notification, _ = Notification.objects.select_for_update().get_or_create(
                event=event,
                channel=channel,
                defaults={"dossier": event.dossier, "kind": kind, "recipient": recipient},
            )
    except IntegrityError:
        notification = Notification.objects.get(event=event, channel=channel)
    return None if notification.status == "sent" else notification


def _attachments(event: DossierEvent) -> list[tuple[str, bytes]]:
    """The document the event issued travels with its e-mail: the slip (01, 02, 03, 05) or
    the issued apology letter."""
    if event.action == "apology_issued":
        from apologies.models import ApologyLetter

        letter = ApologyLetter.objects.filter(pk=event.data.get("letter")).first()
        if letter is None or not letter.pdf:
            raise OSError("apology letter PDF not rendered yet")  # retried by the task
        with letter.pdf.open("rb") as handle:
            return [(f"{event.dossier.code}-phieu-xin-loi.pdf", handle.read())]
    if event.action == "return_result":
        dossier = event.dossier
        if not selectors.result_delivered_online(dossier):
            return []
        name, _type, content = selectors.result_document(dossier)
        return [(name, content)]
    from dossiers import documents

    slip = documents.slip_of_event(event)
    if slip is None:
        return []
    form, request = slip
    try:
        pdf = documents.slip_pdf(event.dossier, form, supplement_request=request)
    except ValueError:
        # The dossier has moved on (e.g. the slip no longer applies): the e-mail still goes,
        # and the slip stays downloadable from the dossier page when it applies.
        logger.exception("Slip %s of dossier %s not attached", form, event.dossier.code)
        return []
    return [(f"{event.dossier.code}-mau-{form}.pdf", pdf)]


def notify_event(*, event_id: int) -> None:
    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__agency", "dossier__applicant"
    ).get(pk=event_id)
    kind = KINDS.get(event.action)
    if kind is None:
        return
    dossier = event.dossier
    # A counter dossier with no verified account reaches the contact details given on it.
    account = dossier.applicant
    language = (account.preferred_language if account else "") or settings.LANGUAGE_CODE
    context = {
        "dossier": dossier,
        "event": event,
        "track_url": f"{settings.SITE_URL.rstrip('/')}/tra-cuu/{dossier.code}/",
        "result_online": event.action == "return_result"
        and selectors.result_delivered_online(dossier),
    }
    with translation.override(language):
        email = dossier.applicant_email or (account.email if account else "")
        if email and not email.endswith(".invalid"):
            notification = _claim(event, NotificationChannel.EMAIL, email, kind)
            if notification is not None:
                subject = " ".join(
                    render_to_string(f"dossiers/email/{kind}_subject.txt", context).split()
                )
                body = render_to_string(f"dossiers/email/{kind}.txt", context)
                message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                for name, content in _attachments(event):
                    kind_of_file = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    message.attach(name, content, kind_of_file)
                message.send()
                Notification.objects.filter(pk=notification.pk).update(
                    subject=subject, body=body, status="sent", sent_at=timezone.now()
                )
        phone = dossier.applicant_phone
        if phone:
            notification = _claim(event, NotificationChannel.SMS, phone, kind)
            if notification is not None:
                text = " ".join(
                    render_to_string(f"dossiers/email/{kind}_subject.txt", context).split()
                )
                sms_backend().send(phone=phone, text=f"{text} {context['track_url']}")
                Notification.objects.filter(pk=notification.pk).update(
                    body=text, status="sent", sent_at=timezone.now()
                )
