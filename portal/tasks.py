import datetime
import logging
import re

from celery import shared_task
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

_STAMP = re.compile(r"[A-Za-z0-9_-]{1,64}")


@shared_task(name="portal.tasks.heartbeat", ignore_result=True)
def heartbeat(stamp: str = "") -> str:
    """Beat's proof of life: shows in the worker log that the schedule runs.

    It also records the time (and the caller's stamp, a short token) in
    var/celery/heartbeat, so a health check or a test can see that a worker really ran it.
    """
    if stamp and not _STAMP.fullmatch(stamp):
        raise ValueError("heartbeat stamp must be 1-64 letters, digits, '-' or '_'")
    logger.info("Một Cửa worker alive %s", stamp)
    path = settings.CELERY_DATA_DIR / "heartbeat"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{timezone.now().isoformat()} {stamp}\n", encoding="utf-8")
    return "ok"


# What the sweeper leaves alone: a task published this recently may simply not have run yet.
REDELIVER_AFTER = datetime.timedelta(minutes=2)


@shared_task(name="portal.tasks.redeliver", acks_late=True, time_limit=120, ignore_result=True)
def redeliver() -> dict[str, int]:
    """The beat's sweeper: publishes again what the database says is owed but undone —
    notifications still pending, issued apology letters without their final PDF — because
    their task was lost with the broker, or never published while it was down. Delivery is
    idempotent (rows locked and marked once done), so a task that was only late is harmless.
    (Draft letters and their PDFs are the deadline scan's own: it re-enqueues them.)"""
    from apologies.services import issued_without_pdf
    from apologies.tasks import render_letter_pdf
    from core.queue import publish
    from dossiers.notifications import pending_events
    from dossiers.tasks import notify_event

    letters = issued_without_pdf(older_than=REDELIVER_AFTER)
    for letter_id in letters:
        publish(render_letter_pdf, (letter_id, True))
    events = pending_events(older_than=REDELIVER_AFTER)
    for event_id in events:
        publish(notify_event, (event_id,))
    if letters or events:
        logger.info("Redelivered %d letter PDFs and %d notifications", len(letters), len(events))
    return {"letters": len(letters), "notifications": len(events)}
