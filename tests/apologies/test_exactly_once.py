"""Apology letters exactly once, with real parts (issue 4 items 4 and 5, docs/design.md §13).

A real Celery worker (prefork pool, ``tests/celery_worker.py``) takes the letter task from
real Redis and writes to the same PostgreSQL database as the test; nothing runs eagerly.
Redis delivers at least once (acks_late, reject_on_worker_lost, a visibility timeout); the
database makes it exactly once: the unique (dossier, episode) constraint, the row lock
under which the PDF is stored, and the scan that re-enqueues whatever has no letter yet.

Fault hooks of tests.settings (``apologies.services._fault_hook``) hold a render or make it
fail once inside the worker process, where the test cannot patch anything.
"""

import datetime
import uuid
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from apologies.models import ApologyLetter, LetterState
from apologies.scan import scan
from apologies.tasks import draft_letters, render_letter_pdf
from dossiers import services
from dossiers.models import Dossier
from portal.tasks import heartbeat
from tests.celery_worker import QUEUE, RealWorker
from tests.dossiers.factories import build_world, draft_with_files

# The worker reads the test's own database: PostgreSQL, which two processes can share.
pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("celery_worker"),  # they share one Redis database
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HELD = r"rendered, held while"


def overdue_dossiers(count: int = 1) -> list[Dossier]:
    """Dossiers received before Tết 2025 (3 working days), long overdue: the scan flags them
    (without enqueueing anything) so the letter task has work to do."""
    world = build_world()
    made = []
    # The citizens' notifications the walk sends are not what this module is about.
    received = datetime.datetime(2025, 1, 24, 9, 0, tzinfo=VN)
    with (
        mock.patch("dossiers.services.publish_on_commit"),
        time_machine.travel(received, tick=False),
    ):
        for _ in range(count):
            dossier = draft_with_files(world)
            services.dossier_submit(dossier=dossier, actor=world.citizen)
            services.dossier_receive(dossier=dossier, actor=world.clerk)
            services.dossier_hand_over(dossier=dossier, actor=world.clerk)
            made.append(dossier)
    return made


def flag_overdue() -> None:
    report = scan(enqueue=False)
    assert report.overdue >= 1


def stored_files(media_root: Path) -> list[Path]:
    """Every letter PDF on disk, orphans included."""
    folder = media_root / "apologies"
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def the_one_letter(dossier: Dossier, media_root: Path) -> ApologyLetter:
    """Exactly one letter for the dossier, its draft PDF on disk and no other file."""
    letters = list(ApologyLetter.objects.filter(dossier=dossier))
    assert len(letters) == 1, f"{len(letters)} letters for {dossier.code}"
    letter = letters[0]
    assert letter.state == LetterState.DRAFT and letter.draft_pdf
    assert stored_files(media_root) == [Path(letter.draft_pdf.path)]
    assert Path(letter.draft_pdf.path).read_bytes().startswith(b"%PDF-")
    return letter


def succeeded(task_id: str) -> str:
    return rf"apologies\.draft_letters\[{task_id}\] succeeded"


def received(task_id: str) -> str:
    return rf"apologies\.draft_letters\[{task_id}\] received"


def test_the_letter_tasks_are_acknowledged_late_with_time_limits_and_bounded_retries() -> None:
    for task in (draft_letters, render_letter_pdf):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit
        assert task.max_retries == 3
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_the_task_enqueued_five_times_makes_one_letter_and_one_pdf(
    real_worker: RealWorker, shared_media_root: Path
) -> None:
    real_worker.launch(concurrency=2)
    [dossier] = overdue_dossiers()
    flag_overdue()
    real_worker.wait_ready()

    task_ids = [draft_letters.delay([dossier.pk]).id for _ in range(5)]

    for task_id in task_ids:
        real_worker.wait_for_log(succeeded(task_id))
    the_one_letter(dossier, shared_media_root)


def test_a_pool_process_killed_mid_render_is_replaced_and_the_letter_made_once(
    real_worker: RealWorker, shared_media_root: Path, tmp_path: Path
) -> None:
    hold = tmp_path / "hold-render"
    hold.touch()
    # The default visibility timeout (an hour): the redelivery below is the worker's own
    # doing (reject_on_worker_lost), not Redis giving the message back.
    real_worker.launch(concurrency=2, APOLOGY_RENDER_HOLD_FILE=str(hold))
    [dossier] = overdue_dossiers()
    flag_overdue()
    real_worker.wait_ready()

    task_id = draft_letters.delay([dossier.pk]).id
    real_worker.wait_for_log(HELD)
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert not letter.draft_pdf and stored_files(shared_media_root) == []
    real_worker.kill_pool_children()
    real_worker.wait_for_log(r"WorkerLostError")
    hold.unlink()

    real_worker.wait_for_log(succeeded(task_id))
    assert real_worker.count(received(task_id)) == 2, "the message was delivered again"
    assert the_one_letter(dossier, shared_media_root).pk == letter.pk


def test_the_whole_worker_killed_mid_render_then_restarted_makes_the_letter_once(
    real_worker: RealWorker, worker_redis: Any, shared_media_root: Path, tmp_path: Path
) -> None:
    hold = tmp_path / "hold-render"
    hold.touch()
    real_worker.launch(visibility_timeout=5, APOLOGY_RENDER_HOLD_FILE=str(hold))
    [dossier] = overdue_dossiers()
    flag_overdue()
    real_worker.wait_ready()

    task_id = draft_letters.delay([dossier.pk]).id
    real_worker.wait_for_log(HELD)
    real_worker.kill()  # SIGKILL to the main process and its pool at once
    first_log = real_worker.log

    # The letter row was committed before the render; no PDF, no file. Redis still holds
    # the message, taken but never acknowledged.
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert not letter.draft_pdf and stored_files(shared_media_root) == []
    assert worker_redis.hlen("unacked") == 1 and worker_redis.llen(QUEUE) == 0
    hold.unlink()

    # Restarted, the worker gets the message back once the visibility timeout has passed.
    real_worker.start(visibility_timeout=5)
    real_worker.wait_for_log(succeeded(task_id))
    assert real_worker.count(received(task_id), first_log) == 1
    assert real_worker.count(received(task_id)) == 1
    assert the_one_letter(dossier, shared_media_root).pk == letter.pk
    assert worker_redis.hlen("unacked") == 0


def test_a_queue_lost_after_the_scan_is_made_good_by_the_next_scan(
    real_worker: RealWorker, worker_redis: Any, shared_media_root: Path
) -> None:
    [dossier] = overdue_dossiers()

    report = scan()  # flags the dossier; the letter task is published after commit
    assert report.letters_enqueued == 1
    assert worker_redis.llen(QUEUE) == 1
    # The issue says FLUSHALL; FLUSHDB on database 13 (these tests' own) loses the queue the
    # same way without wiping other people's Redis databases.
    worker_redis.flushdb()

    real_worker.start()
    stamp = uuid.uuid4().hex
    heartbeat.delay(stamp)  # once the worker ran this, it had nothing else to run
    real_worker.wait_for_log(rf"worker alive {stamp}")
    assert not ApologyLetter.objects.filter(dossier=dossier).exists()

    report = scan()
    assert report.letters_enqueued == 1, "the database, not the broker, says what is missing"
    real_worker.wait_for_log(r"apologies\.draft_letters\[[0-9a-f-]+\] succeeded")
    the_one_letter(dossier, shared_media_root)
    assert scan().letters_enqueued == 0


def test_a_task_failing_half_way_leaves_no_half_letter_and_the_retry_makes_it(
    real_worker: RealWorker, shared_media_root: Path, tmp_path: Path
) -> None:
    fail_once = tmp_path / "fail-once"
    fail_once.touch()
    # The fault strikes after the PDF file was written and before the row points to it.
    real_worker.launch(APOLOGY_RENDER_FAIL_ONCE_FILE=str(fail_once))
    [dossier] = overdue_dossiers()
    flag_overdue()
    real_worker.wait_ready()

    task_id = draft_letters.delay([dossier.pk]).id
    real_worker.wait_for_log(
        rf"apologies\.draft_letters\[{task_id}\] retry: Retry in \d+s: OSError"
    )
    assert not fail_once.exists()
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert not letter.draft_pdf, "no row pointing to a PDF that was rolled back"
    assert stored_files(shared_media_root) == [], "no orphan file left by the failed attempt"

    real_worker.wait_for_log(succeeded(task_id))
    assert the_one_letter(dossier, shared_media_root).pk == letter.pk


def test_fonts_are_configured_once_per_worker_process(
    real_worker: RealWorker, shared_media_root: Path
) -> None:
    real_worker.launch(concurrency=1)  # one pool process renders all three letters
    dossiers = overdue_dossiers(3)
    flag_overdue()
    real_worker.wait_ready()

    task_ids = [draft_letters.delay([dossier.pk]).id for dossier in dossiers]

    for task_id in task_ids:
        real_worker.wait_for_log(succeeded(task_id))
    for dossier in dossiers:
        assert ApologyLetter.objects.get(dossier=dossier).draft_pdf
    assert len(stored_files(shared_media_root)) == 3
    assert real_worker.count(r"WeasyPrint font configuration created in process") == 1
