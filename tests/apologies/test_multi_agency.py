"""A multi-agency (liên thông) dossier apologises from the agency whose step overran; a draft
made for another agency follows the responsibility (issue 12 item 3;
docs/legal.md#multi-agency-dossiers-the-overrunning-agency-apologises).

The chain: the centre receives, Sở Tư pháp appraises, Sở Xây dựng appraises next. 5 working
days from Monday 3 March 2025 07:30: due Friday 7 March 17:00.
"""

import datetime
import io
import unicodedata
from typing import cast
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from agencies.models import Agency, Department
from apologies.models import ApologyLetter, LetterState
from apologies.scan import scan
from apologies.services import letter_issue, letter_render
from dossiers import services
from dossiers.models import Dossier
from tests.apologies.test_issue_by import scan_and_draft
from tests.dossiers.factories import World, draft_with_files
from tests.factories import AgencyFactory, DepartmentFactory, ProcessStepFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.datetime(2025, 3, 7, 17, 0, tzinfo=VN)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    joined = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", joined).split())


class Chain:
    def __init__(self, world: World, *, justice_hours: int, construction_hours: int) -> None:
        self.world = world
        self.construction = cast(
            Agency,
            AgencyFactory(
                name="Sở Xây dựng tỉnh Đồng Nai", short_name="Sở Xây dựng", code="000.00.15.H75"
            ),
        )
        self.planning = cast(
            Department,
            DepartmentFactory(agency=self.construction, name="Phòng Quản lý hoạt động xây dựng"),
        )
        self.builder_head = cast(
            User,
            StaffFactory(
                agency=self.construction,
                department=self.planning,
                role="head",
                full_name="Trần Văn Xây",
            ),
        )
        world.version.limit_hours_direct = world.version.limit_hours_online = 40
        world.version.save()
        world.version.steps.filter(order=2).update(budget_hours=justice_hours)
        ProcessStepFactory(
            version=world.version,
            order=3,
            name="Thẩm định hồ sơ xây dựng",
            agency=self.construction,
            department=self.planning,
            budget_hours=construction_hours,
        )

    def receive(self) -> Dossier:
        """Received on Monday 3 March 07:30, handed at once to Sở Tư pháp."""
        with time_machine.travel(at(2025, 3, 3, 7, 30), tick=False):
            dossier = draft_with_files(self.world)
            services.dossier_submit(dossier=dossier, actor=self.world.citizen)
            services.dossier_receive(dossier=dossier, actor=self.world.clerk)
            services.dossier_hand_over(dossier=dossier, actor=self.world.clerk)
        dossier.refresh_from_db()
        assert dossier.due_at == DUE
        return dossier

    def justice_hands_over(self, dossier: Dossier, moment: datetime.datetime) -> None:
        with time_machine.travel(moment, tick=False):
            services.dossier_hand_over(dossier=dossier, actor=self.world.specialist)


def test_the_second_agency_overruns_and_the_first_agencys_draft_is_handed_to_it(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # Three working days of lead, so that the draft is made while Sở Tư pháp holds it.
    settings.APOLOGY_DRAFT_LEAD_HOURS = 24
    published = []
    monkeypatch.setattr("core.queue.publish", lambda task, args=(), **kw: published.append(args))
    chain = Chain(world, justice_hours=24, construction_hours=12)
    dossier = chain.receive()

    # Wednesday 09:00, 22.5 working hours left: drafted for Sở Tư pháp, whose step (due
    # Wednesday 17:00) holds the dossier; its draft PDF names it.
    [letter] = scan_and_draft(at(2025, 3, 5, 9, 0))
    assert (letter.agency, letter.department) == (world.justice, world.department)
    rendered = letter_render(letter_id=letter.pk, final=False)
    assert rendered is not None
    old_pdf = rendered.draft_pdf.name
    assert "SỞ TƯ PHÁP TỈNH ĐỒNG NAI" in pdf_text(rendered.draft_pdf.read())
    rendered.draft_pdf.close()

    # Sở Tư pháp hands over in time (Wednesday 15:00): the draft goes with the dossier.
    with django_capture_on_commit_callbacks(execute=True):
        chain.justice_hands_over(dossier, at(2025, 3, 5, 15, 0))
    letter.refresh_from_db()
    assert (letter.agency, letter.department) == (chain.construction, chain.planning)
    assert letter.state == LetterState.DRAFT and not letter.draft_pdf
    assert not rendered.draft_pdf.storage.exists(old_pdf)  # the old unit's PDF is gone
    assert published == [(letter.pk, False)]  # its new PDF is asked for
    [event] = dossier.events.filter(action="apology_handed_over")
    assert event.note == (
        "Sở Tư pháp — Phòng Hành chính tư pháp → Sở Xây dựng — Phòng Quản lý hoạt động xây dựng"
    )
    assert event.data["to_agency"] == chain.construction.pk
    # The history shows it, in words.
    client_page = _staff_history(chain.builder_head, dossier)
    assert "Dự thảo phiếu xin lỗi chuyển cho đơn vị chịu trách nhiệm" in client_page

    rerendered = letter_render(letter_id=letter.pk, final=False)
    assert rerendered is not None
    text = pdf_text(rerendered.draft_pdf.read())
    assert "SỞ XÂY DỰNG TỈNH ĐỒNG NAI" in text and "SỞ TƯ PHÁP" not in text

    # Sở Xây dựng's step (due Friday 09:30) overruns; the overdue scan names it: no move.
    with time_machine.travel(at(2025, 3, 7, 17, 30), tick=False):
        report = scan(enqueue=False)
    assert report.overdue == 1 and report.letters_handed_over == 0
    dossier.refresh_from_db()
    assert dossier.responsible_agency == chain.construction
    letter.refresh_from_db()
    assert letter.agency == chain.construction

    # Its head signs it; Sở Tư pháp's head may no longer.
    with time_machine.travel(at(2025, 3, 10, 8, 0), tick=False):
        issued = letter_issue(letter=letter, actor=chain.builder_head)
    assert issued.agency == chain.construction and issued.issued_late
    assert issued.number_label.startswith("01/PXL-")


def _staff_history(user: User, dossier: Dossier) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("staff:dossier", args=[dossier.ref])).content.decode()


def test_the_overdue_scan_hands_the_draft_to_the_agency_that_overran(world):
    """Sở Tư pháp overran its 8 hours and handed over late; Sở Xây dựng held the dossier
    when the draft was made. At the deadline the scan names Sở Tư pháp, whose step
    overran: the draft goes to it, with its event, and is rendered again."""
    chain = Chain(world, justice_hours=8, construction_hours=28)
    dossier = chain.receive()
    chain.justice_hands_over(dossier, at(2025, 3, 4, 10, 0))  # due Monday 17:00: late

    [letter] = scan_and_draft(at(2025, 3, 6, 9, 0))  # 14.5 working hours left
    assert letter.agency == chain.construction
    assert letter_render(letter_id=letter.pk, final=False) is not None

    with time_machine.travel(at(2025, 3, 7, 17, 30), tick=False):
        report = scan(enqueue=False)
        again = scan(enqueue=False)
    assert report.overdue == 1 and report.letters_handed_over == 1
    assert report.letters_enqueued == 1  # its draft PDF, to be rendered again
    assert again.letters_handed_over == 0
    dossier.refresh_from_db()
    assert (dossier.responsible_agency, dossier.responsible_department) == (
        world.justice,
        world.department,
    )
    letter.refresh_from_db()
    assert (letter.agency, letter.department) == (world.justice, world.department)
    assert not letter.draft_pdf
    assert dossier.events.filter(action="apology_handed_over").count() == 1
    # Sở Tư pháp's head sees and signs it now; Sở Xây dựng's no longer.
    with time_machine.travel(at(2025, 3, 10, 8, 0), tick=False):
        issued = letter_issue(letter=letter, actor=world.head)
    assert issued.agency == world.justice


def test_an_issued_letter_never_moves(world, settings):
    settings.APOLOGY_DRAFT_LEAD_HOURS = 24
    chain = Chain(world, justice_hours=24, construction_hours=12)
    dossier = chain.receive()
    [letter] = scan_and_draft(at(2025, 3, 5, 9, 0))
    with time_machine.travel(at(2025, 3, 5, 10, 0), tick=False):
        letter_issue(letter=letter, actor=world.head)  # in time: Thursday 17:00 is issue-by

    chain.justice_hands_over(dossier, at(2025, 3, 5, 15, 0))
    letter.refresh_from_db()
    assert letter.state == LetterState.ISSUED and letter.agency == world.justice
    assert not letter.issued_late
    assert not dossier.events.filter(action="apology_handed_over").exists()
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 1
