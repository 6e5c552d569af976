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
