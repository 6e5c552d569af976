"""Handing work to the worker without trusting the broker with it.

The database is the source of truth for every side effect: the row that says what is still
to do (a pending notification, an issued letter without its PDF, a dossier without its
draft letter) is written in the action's transaction. The broker only carries a wake-up
call: published after the commit, and if it cannot be published (Redis down, the broker
folder unwritable), the request still succeeds and the beat's sweeper
(``portal.tasks.redeliver``) publishes it again from what the database says is undone.
"""

import logging
from collections.abc import Sequence
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# Publishing gives up fast: the sweeper, not the request, waits for the broker to come back.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.2}


def publish(task: Task, args: Sequence[Any] = (), **options: Any) -> bool:
    """Publishes the task now; False (logged, never raised) when the broker refuses."""
    try:
        task.apply_async(tuple(args), retry=True, retry_policy=RETRY_POLICY, **options)
    except Exception:  # kombu's OperationalError, redis' ConnectionError, OSError …
        logger.warning(
            "Task %s not published (broker unavailable); the sweeper will publish it again",
            task.name,
            exc_info=True,
        )
        return False
    return True


def publish_on_commit(task: Task, args: Sequence[Any] = (), **options: Any) -> None:
    """Publishes the task once the current transaction has committed (at once outside
    one); a broker failure then never turns a committed action into an error page."""
    transaction.on_commit(lambda: publish(task, args, **options), robust=True)
