"""Worker tasks of the deadline watch. Each takes ids, checks what is already done, and
calls a service; the unique constraints are the final guard against a duplicate."""

from celery import shared_task

from apologies import scan as scanning
from apologies import services
from apologies.digest import send_watch_digests


@shared_task(
    name="apologies.scan_deadlines",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def scan_deadlines() -> str:
    return str(scanning.scan())


@shared_task(
    bind=True,
    name="apologies.draft_letters",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
    max_retries=3,
    ignore_result=True,
)
def draft_letters(self, dossier_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    try:
        for dossier_id in dossier_ids:
            letter = services.letter_create_draft(dossier_id=dossier_id)
            if letter is not None:
                services.letter_render(letter_id=letter.pk, final=letter.state == "issued")
    except OSError as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(
    bind=True,
    name="apologies.render_letter_pdf",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
    max_retries=3,
    ignore_result=True,
)
def render_letter_pdf(self, letter_id: int, final: bool) -> None:  # type: ignore[no-untyped-def]
    try:
        services.letter_render(letter_id=letter_id, final=final)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(
    name="apologies.send_watch_digests",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def watch_digests() -> int:
    return send_watch_digests()
