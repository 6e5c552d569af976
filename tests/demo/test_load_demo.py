"""``manage.py load_demo`` (issue 2 item 8, and what a newcomer sees on signing in): the
demo province, its people and catalogue, and four dossiers at work — one overdue with its
draft apology letter, one due soon, one waiting for the clerk, one returned. Twice adds
nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from apologies.models import ApologyLetter, LetterState
from apologies.selectors import letters_to_sign, watch_list, working_days_late
from dossiers.models import Dossier, State
from tests.dossiers.conftest import media_root  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY_10AM = datetime.datetime(2025, 10, 15, 10, 0, tzinfo=VN)


def demo(login: str) -> User:
    return User.objects.get(email=f"{login}@demo.motcua.vn")


def test_the_demo_shows_the_portal_at_work_and_loads_once(capsys):
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        call_command("load_demo")
        counts = (User.objects.count(), Dossier.objects.count(), ApologyLetter.objects.count())
        call_command("load_demo")
        assert (
            User.objects.count(),
            Dossier.objects.count(),
            ApologyLetter.objects.count(),
        ) == counts

        citizen = demo("congdan")
        # She has shown her card at the province's counter: her counter dossiers are hers.
        assert citizen.national_id_verified
        assert citizen.national_id_verified_by == demo("motcua")
        states = sorted(Dossier.objects.filter(applicant=citizen).values_list("state", flat=True))
        assert states == sorted(
            [State.IN_APPRAISAL, State.IN_APPRAISAL, State.RETURNED, State.SUBMITTED]
        )
        # The head of Sở Tư pháp's department: one overdue dossier, its letter to sign,
        # proposing a date still to come.
        head = demo("lanhdao")
        [late] = watch_list(head, "overdue")
        assert late.due_at is not None and late.due_at < WEDNESDAY_10AM
        assert late.responsible_agency == head.agency
        # As the README says, and as a calendar counts it: a same-day procedure received
        # eight working days ago is eight working days late — on the head's list and on the
        # citizen's page alike (the list said 7.3 and the page 8).
        assert working_days_late(late) == 8
        client = Client()
        client.force_login(citizen)
        page = client.get(reverse("dossiers:detail", args=[late.ref])).content.decode()
        assert "Quá hạn 8 ngày làm việc" in page
        [letter] = letters_to_sign(head)
        assert letter.dossier == late and letter.state == LetterState.DRAFT
        assert letter.proposed_due_at > WEDNESDAY_10AM and letter.draft_pdf
        # The commune's head: one dossier due within the next working day.
        [soon] = watch_list(demo("lanhdao.tranbien"), "due_soon")
        assert soon.due_at is not None
        assert WEDNESDAY_10AM < soon.due_at < WEDNESDAY_10AM + datetime.timedelta(days=1)
        # The returned one went through the commune's whole process.
        returned = Dossier.objects.get(applicant=citizen, state=State.RETURNED)
        assert list(returned.events.values_list("action", flat=True)) == [
            "submit",
            "receive",
            "hand_over",
            "propose",
            "approve",
            "return_result",
        ]
    assert "Hồ sơ minh họa: 4 hồ sơ mới." in capsys.readouterr().out


def test_every_unit_a_demo_procedure_reaches_has_its_staff():
    """The README's walk works for every procedure: each handling unit of a step has a
    specialist and a head, and each receiving centre a clerk."""
    from procedures.models import Procedure, ProcessStep

    call_command("load_demo")

    def has(role_group: str, **where: object) -> bool:
        return User.objects.filter(groups__name=role_group, is_active=True, **where).exists()

    from accounts.roles import ROLE_BY_KEY

    specialist, head, clerk = (ROLE_BY_KEY[r].group_name for r in ("specialist", "head", "clerk"))
    missing = []
    for step in ProcessStep.objects.select_related("department", "agency"):
        if step.department_id is None:
            continue
        for group in (specialist, head):
            if not has(group, department_id=step.department_id):
                missing.append(f"{group} for {step.department} ({step.version.procedure.code})")
    for procedure in Procedure.objects.prefetch_related("agencies"):
        for agency in procedure.agencies.all():
            if not has(clerk, agency=agency):
                missing.append(f"clerk at {agency} ({procedure.code})")
    assert not missing, sorted(set(missing))


def test_every_demo_head_signs_in_a_name_the_law_allows():
    """Decree 30/2020 art. 13 (docs/legal.md, "Who signs"): the department's unit head signs
    by order of the director, the commune's Vice-Chairman for the Chairman; no head is
    printed under a title that is not theirs."""
    from accounts.roles import ROLE_BY_KEY
    from accounts.signing import signature_block

    call_command("load_demo")

    assert signature_block(demo("lanhdao")).lines == (
        "TL. GIÁM ĐỐC",
        "TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP",
    )
    assert signature_block(demo("lanhdao.tranbien")).lines == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    heads = User.objects.filter(groups__name=ROLE_BY_KEY["head"].group_name)
    for head in heads:
        head.full_clean(exclude=["password"])
        block = signature_block(head)
        assert block.lines[0].startswith(("TL. ", "KT. ")), (head.email, block.lines)
