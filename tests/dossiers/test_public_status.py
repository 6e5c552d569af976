"""The public status page (issue 3 item 3): anyone with a code sees where the dossier stands,
and nothing personal beyond a masked name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier, State
from tests.dossiers.factories import World, another_citizen, build_dossier

pytestmark = pytest.mark.django_db


def track_url(code: str | None) -> str:
    assert code, "only a submitted dossier has a code"
    return reverse("dossiers:track", args=[code])


def personal_data(dossier: Dossier) -> list[str]:
    """Everything the public page must never show."""
    values = [
        dossier.applicant_name,
        dossier.applicant_national_id,
        dossier.applicant_address,
        dossier.applicant_phone,
        dossier.applicant_email,
        *dossier.files.values_list("original_name", flat=True),
    ]
    return [v for v in values if v]


@pytest.mark.parametrize("as_who", ["anonymous", "another citizen", "the clerk"])
def test_the_status_page_shows_the_state_and_a_masked_name_only(client, world: World, as_who):
    dossier = build_dossier(world, State.RECEIVED)
    if as_who == "another citizen":
        client.force_login(another_citizen())
    elif as_who == "the clerk":
        client.force_login(world.clerk)

    response = client.get(track_url(dossier.code))

    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code and dossier.code in html
    assert world.procedure.name in html
    assert world.centre.name in html
    assert "Được tiếp nhận" in html
    assert timezone.localtime(dossier.received_at).strftime("%d/%m/%Y") in html
    assert timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") in html
    assert "Nguyễn T** Á**" in html
    for value in personal_data(dossier):
        assert value not in html, value
    assert "/tep/" not in html  # no link to any file


def test_an_extended_deadline_shows_the_new_date_beside_the_old_one(client, world):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    assert dossier.due_at and dossier.original_due_at
    new_due = dossier.due_at + datetime.timedelta(days=3)
    # What the apology letter's one extension leaves behind (apologies.services).
    Dossier.objects.filter(pk=dossier.pk).update(due_at=new_due, extension_count=1)

    html = client.get(track_url(dossier.code)).content.decode()

    assert f"<del>{timezone.localtime(dossier.original_due_at):%H:%M %d/%m/%Y}</del>" in html
    assert f"gia hạn đến {timezone.localtime(new_due):%H:%M %d/%m/%Y}" in html


def test_an_unknown_code_answers_404_with_a_message(client, world):
    response = client.get(track_url("000.00.01.H75-250101-9999"))

    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ có mã “000.00.01.H75-250101-9999”" in response.content.decode()


def test_a_draft_cannot_be_looked_up_by_its_uuid(client, world):
    draft = build_dossier(world, State.DRAFT)

    response = client.get(track_url(str(draft.uuid)))

    assert response.status_code == 404
    assert draft.applicant_national_id not in response.content.decode()


def test_the_search_form_leads_to_the_status_page(client, world):
    dossier = build_dossier(world, State.SUBMITTED)

    form = client.get(reverse("dossiers:track"))
    found = client.get(reverse("dossiers:track"), {"ma": f"  {dossier.code} "})
    empty = client.get(reverse("dossiers:track"), {"ma": ""})

    assert form.status_code == 200
    assert found.status_code == 302
    assert found["Location"] == track_url(dossier.code)
    assert "Nhập mã hồ sơ cần tra cứu." in empty.content.decode()


def test_the_code_in_the_page_is_escaped(client, world):
    response = client.get(track_url("<img src=x onerror=alert(1)>"))

    assert response.status_code == 404
    assert "<img src=x onerror=alert(1)>" not in response.content.decode()


@pytest.mark.parametrize("typed", ["lower case", "spaces around"])
def test_a_code_typed_as_people_type_it_is_found(client, world, typed):
    dossier = build_dossier(world, State.RECEIVED)
    assert dossier.code
    code = dossier.code.lower() if typed == "lower case" else f"  {dossier.code} "

    page = client.get(reverse("dossiers:track"), {"ma": code}, follow=True)
    api = client.get(reverse("api-track", args=[dossier.code.lower()]))

    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert api.status_code == 200
    assert api.json()["code"] == dossier.code


def test_the_status_api_and_page_give_local_time_on_every_database(client, world):
    """The QR code on every slip opens this page: on SQLite, the embedded default, its times
    were read back naive and shown in UTC (10:00 for 17:00), and the API answered 500."""
    dossier = build_dossier(world, State.RECEIVED)
    assert dossier.code and dossier.received_at
    local = timezone.localtime(dossier.received_at)

    api = client.get(reverse("api-track", args=[dossier.code]))
    html = client.get(track_url(dossier.code)).content.decode()

    assert api.status_code == 200
    assert api.json()["received_at"] == local.isoformat()
    assert api.json()["received_at"].endswith("+07:00")
    assert f"{local:%H:%M}" in html
