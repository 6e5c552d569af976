"""Who signs the apology letter (form 04), and in what name (Decree 30/2020/NĐ-CP art. 13,
Annex I II.7; docs/legal.md, "Who signs"): the letter's PDF, its page and the API print the
block recorded at issue, from the signer's staff record; a later change of title does not
rewrite an issued letter; a head whose record says nothing cannot issue."""

import pytest
import time_machine
from django.urls import reverse

from accounts.signing import SignsAs
from apologies import services
from apologies.documents import render_letter
from apologies.models import ApologyLetter, LetterState
from tests.apologies.overdue import NOW, overdue_with_draft
from tests.apologies.test_pages import issue, letter_url, pdf_text
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _set(person, **record) -> None:
    for name, value in record.items():
        setattr(person, name, value)
    person.full_clean(exclude=["password"])
    person.save()


def issued_pdf(client, letter: ApologyLetter) -> str:
    response = client.get(letter_url(letter, "apologies:letter_pdf"))
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def page(client, letter: ApologyLetter) -> str:
    return " ".join(client.get(letter_url(letter)).content.decode().split())


def test_a_department_head_signs_by_order_of_the_director(client, world):
    """Art. 13(4): the head of a unit of the agency signs "TL." before the director's title,
    over their own office; the director's title is never printed over their name alone."""
    _set(
        world.head,
        signing_title="Trưởng phòng Hành chính tư pháp",
        signs_as=SignsAs.TL,
        signs_for_title="Giám đốc",
    )
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)
    # Before issuing, the head sees the block the letter will carry.
    assert 'TL. GIÁM ĐỐC</span><br><span class="signer-line">TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP' in (
        page(client, letter)
    )

    assert issue(client, letter).status_code == 302

    letter.refresh_from_db()
    assert letter.signer == {
        "lines": ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP"],
        "name": "Hoàng Văn Em",
    }
    text = issued_pdf(client, letter)
    assert "TL. GIÁM ĐỐC TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP" in text
    assert "Hoàng Văn Em" in text
    assert "GIÁM ĐỐC (Ký" not in text  # the director's title straight over the name: no
    shown = page(client, letter)
    assert "TL. GIÁM ĐỐC" in shown and "TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP" in shown
    api = client.get(reverse("letter-detail", args=[letter.pk])).json()
    assert api["signer_lines"] == ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP"]
    assert api["signer_name"] == "Hoàng Văn Em"


def test_a_deputy_director_signs_for_the_director(client, world):
    deputy = StaffFactory(
        agency=world.justice,
        role="head",
        full_name="Lê Hoàng Dũng",
        signing_title="Phó Giám đốc",
        signs_as=SignsAs.KT,
        signs_for_title="Giám đốc",
    )
    _dossier, letter = overdue_with_draft(world)
    client.force_login(deputy)

    assert issue(client, letter).status_code == 302

    letter.refresh_from_db()
    text = issued_pdf(client, letter)
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Lê Hoàng Dũng" in text
    shown = page(client, letter)
    assert "KT. GIÁM ĐỐC" in shown and "PHÓ GIÁM ĐỐC" in shown and "Lê Hoàng Dũng" in shown


def test_a_later_change_of_title_does_not_rewrite_an_issued_letter(client, world):
    _set(world.head, signing_title="Phó Giám đốc", signs_as=SignsAs.KT, signs_for_title="Giám đốc")
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)
    issue(client, letter)

    _set(world.head, signing_title="Giám đốc", signs_as=SignsAs.OWN, signs_for_title="")

    letter.refresh_from_db()
    _html, pdf = render_letter(letter)  # rendered again, as a lost PDF would be
    text = pdf_text(pdf)
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    assert "KT. GIÁM ĐỐC" in page(client, letter)


def test_a_head_whose_record_says_no_title_cannot_issue(client, world):
    _set(world.head, signing_title="", signs_as=SignsAs.OWN)
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    shown = page(client, letter)
    assert 'id="no-signing-title"' in shown
    assert "chưa ghi chức vụ và hình thức ký văn bản" in shown

    response = issue(client, letter)

    assert response.status_code == 400
    assert "chưa ghi chức vụ và hình thức ký văn bản" in response.content.decode()
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == LetterState.DRAFT and letter.number is None
    assert dossier.extension_count == 0
    api = client.post(
        reverse("letter-issue", args=[letter.pk]),
        {"reason": "Cần xác minh thêm.", "proposed_due_at": "2025-03-12T15:00:00+07:00"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "chưa ghi chức vụ" in api.content.decode()


def test_a_draft_names_no_signer(client, world):
    _dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    text = issued_pdf(client, letter)

    assert "DỰ THẢO" in text
    assert "được ghi khi ký ban hành" in text
    assert "Hoàng Văn Em" not in text


def test_an_automatic_letter_carries_the_heads_title_and_no_personal_name(world):
    world.justice.auto_issue_apology = True
    world.justice.save()

    _dossier, letter = overdue_with_draft(world)

    assert letter.state == LetterState.ISSUED and letter.issued_by is None
    assert letter.signer == {"lines": ["GIÁM ĐỐC"], "name": ""}
    _html, pdf = render_letter(letter)
    assert "GIÁM ĐỐC" in pdf_text(pdf)


def test_a_letter_issued_before_blocks_were_recorded_prints_what_it_printed(world):
    _dossier, letter = overdue_with_draft(world)
    services.letter_issue(letter=letter, actor=world.head)
    ApologyLetter.objects.filter(pk=letter.pk).update(signer={})
    letter.refresh_from_db()

    _html, pdf = render_letter(letter)

    text = pdf_text(pdf)
    assert "GIÁM ĐỐC" in text and "Hoàng Văn Em" in text
