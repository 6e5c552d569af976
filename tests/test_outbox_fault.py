"""The fault drill: no effect lost when the broker loses messages (core/queue.py).

A real worker (tests/celery_worker.py) on real Redis and PostgreSQL. The database, not the
broker, says what is owed: the citizen's notifications are pending rows written with their
event, an issued letter without its PDF is a row too. So:

- with the broker unreachable, a clerk's reception and a head's letter issue through the
  pages still succeed (never a 500) and leave their work pending in the database;
- with the worker killed in the middle of rendering letters and the broker's queue lost
  (its waiting and its taken-but-unacknowledged messages), nothing is delivered by itself;
  the beat's sweeper (``portal.tasks.redeliver``) publishes it again, and in the end every
  issued letter has its final PDF and every notification went out exactly once, even when
  the sweeper runs twice and tasks are duplicated.
"""

import datetime
import email
import email.header
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from apologies.models import ApologyLetter, LetterState
from apologies.services import letter_issue
from dossiers import services
from dossiers.models import Dossier, Notification, State
from portal.tasks import heartbeat, redeliver
from tests.celery_worker import RealWorker, publishing_to, wait_until
from tests.dossiers.factories import World, build_world, draft_with_files
from workcalendar.calendars import calendar_for
from workcalendar.engine import add_working_time

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens here: publishing fails at once, as with Redis stopped.
BROKER_DOWN = "redis://127.0.0.1:1/0"
HELD = r"rendered, held while"
LETTERS = 6
RECEPTIONS = 6


def submitted(world: World, count: int) -> list[Dossier]:
    made = []
    for _ in range(count):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        made.append(dossier)
    return made


def overdue_letters(world: World, count: int) -> list[ApologyLetter]:
    """Dossiers received before Tết 2025, long overdue, each with its draft letter."""
    from tests.apologies.overdue import flag_and_draft, received_dossier

    with mock.patch("dossiers.services.publish_on_commit"):  # the walk's own notices
        for _ in range(count):
            received_dossier(world, moment=datetime.datetime.fromisoformat("2025-01-24T09:00+07"))
        letters = flag_and_draft(moment=None)
    assert len(letters) == count
    return letters


def new_date(letter: ApologyLetter) -> datetime.datetime:
    return add_working_time(calendar_for(letter.agency), timezone.now(), 16).due_at


def mails(folder: Path) -> list[str]:
    """The recipient and subject of every e-mail the worker sent (Django's file backend
    writes each message followed by a line of 79 dashes)."""
    sent = []
    for path in sorted(folder.glob("*")):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                subject = str(
                    email.header.make_header(email.header.decode_header(message["Subject"]))
                )
                sent.append(f"{message['To']} | {subject}")
    return sent


def all_sent() -> bool:
    return not Notification.objects.exclude(status="sent").exists()


def test_a_committed_action_never_answers_500_when_the_broker_is_down(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    [dossier] = submitted(world, 1)
    [letter] = overdue_letters(world, 1)
    with publishing_to(BROKER_DOWN):
        client.force_login(world.clerk)
        response = client.post(reverse("staff:action", args=[dossier.ref, "receive"]))
        assert response.status_code == 302, response.content.decode()[:500]

        client.force_login(world.head)
        when = timezone.localtime(new_date(letter))
        response = client.post(
            reverse("apologies:letter", args=[letter.pk]),
            {
                "action": "issue",
                "confirmed": "1",
                "reason": "Cần xác minh thêm thông tin.",
                "proposed_due_at": when.strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert response.status_code in (200, 302), response.content.decode()[:500]

    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED
    letter.refresh_from_db()
    assert letter.state == LetterState.ISSUED and not letter.pdf
    # What is owed waits in the database for the sweeper: the receipt's e-mail and SMS, the
    # letter's e-mail (and the letter's PDF).
    owed = Notification.objects.filter(status="pending")
    assert set(owed.values_list("event__action", flat=True)) == {"receive", "apology_issued"}


@pytest.mark.celery_worker
@pytest.mark.postgres
def test_worker_killed_and_queue_lost_every_letter_rendered_every_notice_sent_once(
    real_worker: RealWorker, worker_redis: Any, shared_media_root: Path, tmp_path: Path
) -> None:
    outbox = tmp_path / "mails"
    outbox.mkdir()
    hold = tmp_path / "hold-render"
    hold.touch()
    env = {"APOLOGY_RENDER_HOLD_FILE": str(hold), "EMAIL_URL": f"filemail:///{outbox}"}
    real_worker.launch(visibility_timeout=5, **env)
    world = build_world()
    letters = overdue_letters(world, LETTERS)
    waiting = submitted(world, RECEPTIONS)
    real_worker.wait_ready()

    # The head issues every letter: the worker takes the renders and is killed mid-render.
    for letter in letters:
        letter_issue(letter=letter, actor=world.head, proposed_due_at=new_date(letter))
    real_worker.wait_for_log(HELD)
    real_worker.kill()
    # With the worker down, the clerk receives: the notices wait in Redis.
    for dossier in waiting:
        services.dossier_receive(dossier=dossier, actor=world.clerk)
    # The broker loses everything: the waiting messages and the taken, unacknowledged ones.
    worker_redis.flushdb()
    hold.unlink()

    real_worker.start(visibility_timeout=5, **env)
    stamp = uuid.uuid4().hex
    heartbeat.delay(stamp)
    real_worker.wait_for_log(rf"worker alive {stamp}")
    # Nothing came back by itself: the broker has forgotten, the database has not.
    assert ApologyLetter.objects.filter(state=LetterState.ISSUED, pdf="").count() == LETTERS
    # An e-mail and an SMS each: the letters, the receptions, and the receptions of the
    # overdue dossiers (whose notices were never published at all).
    owed = 2 * (LETTERS + RECEPTIONS + LETTERS)
    assert Notification.objects.filter(status="pending").count() == owed

    # The sweeper, as beat runs it (here without its two minutes' grace), twice over.
    with mock.patch("portal.tasks.REDELIVER_AFTER", datetime.timedelta(0)):
        first = redeliver()
        assert first == {"letters": LETTERS, "notifications": RECEPTIONS + LETTERS}
        wait_until(
            lambda: not ApologyLetter.objects.filter(pdf="").exclude(state="draft").exists(),
            "every issued letter's final PDF",
            on_fail=real_worker.tail,
        )
        redeliver()  # the letters' notices, now that their PDFs exist; duplicates of the rest
        redeliver()
        wait_until(all_sent, "every notification sent", on_fail=real_worker.tail)

    for letter in ApologyLetter.objects.filter(state=LetterState.ISSUED):
        assert Path(letter.pdf.path).read_bytes().startswith(b"%PDF-")
    sent = mails(outbox)
    assert len(sent) == owed // 2, sent
    assert len(set(sent)) == len(sent), "an e-mail sent twice"
    assert Notification.objects.filter(status="sent").count() == owed
    assert real_worker.count(r"SMS to ") == owed // 2
