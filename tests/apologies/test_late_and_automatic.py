"""Automatic issue waits for the deadline; a letter issued after its issue-by moment is
recorded late, shown so and counted (issue 12 item 3; docs/legal.md#automatic-issue-only-when-late,
docs/legal.md#letters-issued-late).

The world's procedure takes 3 working days: received on Thursday 6 March 2025 09:00, due
Tuesday 11 March 09:00; its letter is drafted within the two-working-day lead (Friday 09:00
on) and is to be issued by Monday 10 March 09:00.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from apologies.digest import send_watch_digests
from apologies.models import ApologyLetter, LetterState
from apologies.scan import letters_to_auto_issue, scan
from apologies.selectors import letters_issued, letters_to_sign, watch_list
from apologies.services import letter_issue
from apologies.tasks import draft_letters
from dossiers.models import Dossier
from tests.apologies.test_issue_by import received, scan_and_draft
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime.datetime(2025, 3, 6, 9, 0, tzinfo=VN)
DUE = datetime.datetime(2025, 3, 11, 9, 0, tzinfo=VN)
WITHIN_LEAD = datetime.datetime(2025, 3, 7, 10, 0, tzinfo=VN)
ISSUE_BY = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=VN)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture
def drafted(world) -> tuple[Dossier, ApologyLetter]:
    dossier = received(world, RECEIVED)
    assert dossier.due_at == DUE
    [letter] = scan_and_draft(WITHIN_LEAD)
    assert letter.issue_by == ISSUE_BY
    return dossier, letter


# --- automatic issue ---------------------------------------------------------------------------


def test_an_agency_that_issues_automatically_does_not_spend_the_extension_while_in_time(world):
    world.justice.auto_issue_apology = True
    world.justice.save()
    dossier = received(world, RECEIVED)

    # Within the lead, due soon, on the deadline's own morning: drafted, never issued.
    for moment in (WITHIN_LEAD, at(2025, 3, 10, 10, 0), at(2025, 3, 11, 8, 59)):
        with time_machine.travel(moment, tick=False):
            scan(enqueue=False)
            draft_letters([dossier.pk])  # what the worker does with what the scan enqueued
            assert not letters_to_auto_issue().exists()
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.state == LetterState.DRAFT and letter.issued_at is None
    dossier.refresh_from_db()
    assert dossier.extension_count == 0 and dossier.due_at == DUE

    # Late: the overdue scan enqueues the draft and the worker issues it, numbered, with the
    # one extension, and recorded late (its issue-by was Monday 09:00).
    with time_machine.travel(at(2025, 3, 11, 9, 30), tick=False):
        report = scan(enqueue=False)
        assert report.overdue == 1
        assert list(letters_to_auto_issue().values_list("dossier_id", flat=True)) == [dossier.pk]
        draft_letters([dossier.pk])
        assert scan(enqueue=False).letters_enqueued == 0
    letter.refresh_from_db()
    assert letter.state == LetterState.ISSUED and letter.issued_by is None
    assert letter.issued_late and letter.number_label.startswith("01/PXL-")
    assert letter.pdf  # the final PDF rendered by the same task
    dossier.refresh_from_db()
    assert dossier.extension_count == 1 and dossier.due_at == letter.proposed_due_at
    assert dossier.overdue_since is None and dossier.escalated_at is None


def test_an_automatic_letter_whose_proposed_date_has_gone_is_dated_from_now(world):
    world.justice.auto_issue_apology = True
    world.justice.save()
    dossier = received(world, RECEIVED)
    scan_and_draft(WITHIN_LEAD)  # proposes Friday 14 March 09:00 (3 working days more)
    # The worker was down for a week: found late on Monday 17 March 10:00.
    with time_machine.travel(at(2025, 3, 17, 10, 0), tick=False):
        scan(enqueue=False)
        draft_letters([dossier.pk])
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.state == LetterState.ISSUED
    assert letter.proposed_due_at == at(2025, 3, 20, 10, 0)  # 3 working days from now


# --- issued late, shown and counted ---------------------------------------------------------------


def test_a_letter_issued_after_its_issue_by_is_recorded_late_and_counted(world, drafted):
    _dossier, letter = drafted
    # A second dossier, issued in time by the same head.
    other = received(world, RECEIVED)
    [in_time] = scan_and_draft(at(2025, 3, 7, 11, 0))
    assert in_time.dossier_id == other.pk

    with time_machine.travel(at(2025, 3, 7, 15, 0), tick=False):
        letter_issue(letter=in_time, actor=world.head)
    with time_machine.travel(at(2025, 3, 10, 14, 0), tick=False):  # after Monday 09:00
        assert [row.pk for row in letters_to_sign(world.head, past_issue_by=True)] == [letter.pk]
        issued = letter_issue(letter=letter, actor=world.head)
    assert issued.issued_late
    in_time.refresh_from_db()
    assert in_time.state == LetterState.ISSUED and not in_time.issued_late

    march = letters_issued(since=at(2025, 3, 1), until=at(2025, 4, 1))
    assert (march.issued, march.issued_late) == (2, 1)
    mine = letters_issued(since=at(2025, 3, 1), until=at(2025, 4, 1), agency_ids=[world.justice.pk])
    assert (mine.issued, mine.issued_late) == (2, 1)
    elsewhere = letters_issued(
        since=at(2025, 3, 1), until=at(2025, 4, 1), agency_ids=[world.centre.pk]
    )
    assert (elsewhere.issued, elsewhere.issued_late) == (0, 0)
    # The period is [since, until): Friday's letter only.
    friday = letters_issued(since=at(2025, 3, 7), until=at(2025, 3, 8))
    assert (friday.issued, friday.issued_late) == (1, 0)


def test_issuing_after_the_deadline_is_still_possible_and_late(world, drafted):
    dossier, letter = drafted
    with time_machine.travel(at(2025, 3, 12, 9, 0), tick=False):
        scan(enqueue=False)  # overdue since Tuesday 09:00
        issued = letter_issue(letter=letter, actor=world.head)
    assert issued.state == LetterState.ISSUED and issued.issued_late
    dossier.refresh_from_db()
    assert dossier.extension_count == 1


def test_the_letter_page_shows_issue_by_and_then_issued_late(client, world, drafted):
    _dossier, letter = drafted
    url = reverse("apologies:letter", args=[letter.pk])
    with time_machine.travel(at(2025, 3, 7, 14, 0), tick=False):
        client.force_login(world.head)
        page = client.get(url).content.decode()
    assert 'id="issue-by"' in page and "09:00 10/03/2025" in page
    assert "đã quá hạn ban hành" not in page and 'id="past-issue-by"' not in page

    with time_machine.travel(at(2025, 3, 10, 10, 0), tick=False):
        client.force_login(world.head)  # a new session: the idle one has expired
        page = client.get(url).content.decode()
        assert 'id="past-issue-by"' in page and "đã quá hạn ban hành" in page
        response = client.post(
            url,
            {
                "action": "issue",
                "confirmed": "1",
                "reason": "Cần xác minh thêm thông tin lý lịch.",
                "proposed_due_at": "2025-03-13T15:00",
            },
        )
        assert response.status_code == 302
        page = client.get(url).content.decode()
    assert 'id="issued-late"' in page and "ban hành muộn" in page


def test_the_heads_letters_filter_past_issue_by_with_its_count(
    client, world, drafted, django_assert_num_queries
):
    _dossier, letter = drafted
    second = received(world, RECEIVED)
    scan_and_draft(at(2025, 3, 7, 14, 0))  # also to be issued by Monday 09:00
    later = received(world, at(2025, 3, 7, 14, 0))  # due Wednesday 12 March 14:00
    scan_and_draft(at(2025, 3, 10, 15, 0))
    assert ApologyLetter.objects.get(dossier=later).issue_by == at(2025, 3, 11, 14, 0)
    with time_machine.travel(at(2025, 3, 10, 15, 0), tick=False):
        client.force_login(world.head)
        url = reverse("apologies:letters")
        everything = client.get(url)
        late_only = client.get(url, {"loc": "qua-han-ban-hanh"})
        # 1 session, 2 user, 3-4 permissions, 5-6 the two counts, 7 the letters (one JOIN,
        # whatever their number), 8-9 the heading's agency and department, 10-12 the session
        # saved again: the same for the two letters past issue-by and for all three.
        with django_assert_num_queries(12):
            client.get(url, {"loc": "qua-han-ban-hanh"})
        with django_assert_num_queries(12):
            client.get(url)
    assert everything.context["count_all"] == 3 and everything.context["count_late"] == 2
    # Every draft, the earliest issue-by first.
    assert [row.dossier_id for row in everything.context["letters"]][-1] == later.pk
    assert {row.dossier_id for row in late_only.context["letters"]} == {
        letter.dossier_id,
        second.pk,
    }
    page = late_only.content.decode()
    assert "Ban hành trước" in page and "09:00 10/03/2025" in page
    assert "14:00 11/03/2025" not in page
    assert '<span class="apology-tab-count" id="count-past-issue-by">2</span>' in page


def test_the_watch_list_and_the_supervisor_see_letters_past_issue_by(client, world, drafted):
    dossier, _letter = drafted
    supervisor = StaffFactory(agency=world.centre, role="supervisor", full_name="Võ Thị Giang")
    with time_machine.travel(at(2025, 3, 7, 14, 0), tick=False):
        assert watch_list(world.head, "past_issue_by").count() == 0
    with time_machine.travel(at(2025, 3, 10, 10, 0), tick=False):
        assert list(watch_list(world.head, "past_issue_by")) == [dossier]
        assert list(watch_list(supervisor, "past_issue_by")) == [dossier]
        client.force_login(supervisor)
        response = client.get(reverse("apologies:watch"), {"loai": "qua-han-ban-hanh"})
    tabs = {str(tab["label"]): tab["count"] for tab in response.context["tabs"]}
    assert tabs["Phiếu quá hạn ban hành"] == 1
    page = response.content.decode()
    assert str(dossier.code) in page
    assert "ban hành trước 09:00 10/03/2025" in page and "đã quá hạn ban hành" in page


def test_the_morning_digest_counts_letters_past_issue_by(world, drafted):
    with time_machine.travel(at(2025, 3, 10, 7, 0), tick=False):  # before Monday 09:00
        send_watch_digests()
    [first] = mail.outbox
    assert "quá hạn ban hành (quá một ngày làm việc trước hạn trả kết quả): 0" in first.body
    with time_machine.travel(at(2025, 3, 11, 7, 0), tick=False):
        send_watch_digests()
    second = mail.outbox[-1]
    assert "quá hạn ban hành (quá một ngày làm việc trước hạn trả kết quả): 1" in second.body
    assert "/can-bo/qua-han/?loai=qua-han-ban-hanh" in second.body
