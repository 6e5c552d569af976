"""The heads' morning digest: one e-mail per working day to whoever has something to act on."""

import pytest
import time_machine
from django.core import mail

from apologies.digest import send_watch_digests
from apologies.models import WatchDigest
from apologies.scan import scan
from tests.apologies.test_scan import at, drafts_made, received_on_friday_before_tet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def overdue(world):
    dossier = received_on_friday_before_tet(world)  # due Wednesday 5 February 2025, 09:00
    with time_machine.travel(at(2025, 2, 5, 10, 0), tick=False):
        scan(enqueue=False)
        drafts_made()
    return dossier


def test_the_head_gets_one_digest_a_working_day_with_what_awaits_them(world, overdue):
    with time_machine.travel(at(2025, 2, 6, 7, 0), tick=False):
        assert send_watch_digests() == 1
        assert send_watch_digests() == 0  # delivered twice, sent once
    [message] = mail.outbox
    assert message.to == [world.head.email]
    assert message.subject == "Hồ sơ cần theo dõi hạn xử lý — 06/02/2025"
    assert "Quá hạn: 1" in message.body
    assert "Phiếu xin lỗi chờ ký: 1" in message.body
    assert "/can-bo/qua-han/" in message.body
    digest = WatchDigest.objects.get(user=world.head)
    assert (digest.overdue, digest.letters) == (1, 1) and digest.sent_at is not None
    # The next working day brings the next digest; clerks and specialists get none.
    with time_machine.travel(at(2025, 2, 7, 7, 0), tick=False):
        assert send_watch_digests() == 1
    assert {m.to[0] for m in mail.outbox} == {world.head.email}


def test_no_digest_on_a_day_off(world, overdue):
    with time_machine.travel(at(2025, 2, 8, 7, 0), tick=False):  # a Saturday
        assert send_watch_digests() == 0
    assert mail.outbox == []


def test_no_digest_when_nothing_awaits_the_head(world):
    received_on_friday_before_tet(world)  # received, but nothing is due soon yet
    with time_machine.travel(at(2025, 1, 24, 10, 0), tick=False):
        scan(enqueue=False)
        assert send_watch_digests() == 0
    assert mail.outbox == [] and not WatchDigest.objects.exists()


def test_the_digest_speaks_the_heads_language(world, overdue):
    world.head.preferred_language = "en"
    world.head.save(update_fields=["preferred_language"])
    with time_machine.travel(at(2025, 2, 6, 7, 0), tick=False):
        send_watch_digests()
    [message] = mail.outbox
    assert message.subject == "Dossiers to watch for their deadlines — 06/02/2025"
    assert "Overdue: 1" in message.body
