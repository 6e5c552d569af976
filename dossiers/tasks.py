"""Celery tasks of the dossier workflow: take ids, check "already done?", call a service."""

from celery import shared_task

from dossiers import notifications


@shared_task(
    name="dossiers.notify_event",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=45,
    ignore_result=True,
)
def notify_event(event_id: int) -> None:
    notifications.notify_event(event_id=event_id)


@shared_task(
    name="dossiers.close_unsupplemented", acks_late=True, time_limit=300, ignore_result=True
)
def close_unsupplemented() -> int:
    from dossiers.services import close_unsupplemented as close

    return close()


@shared_task(name="dossiers.sweep_orphan_files", acks_late=True, time_limit=600, ignore_result=True)
def sweep_orphan_files() -> int:
    from dossiers.orphans import sweep_orphan_files as sweep

    return len(sweep())
