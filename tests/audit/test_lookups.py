"""The counter's look-up: a POST (no ID number in a URL), a purpose, the ID number AND the
date of birth on the card, a per-hour limit per clerk, every look-up in the log. The queue's
search keeps an ID number out of its URL too, and a search for a person is in the log."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.constants import Action, Purpose
from audit.models import AccessRecord
from dossiers.models import Dossier, State
from tests.dossiers.factories import build_dossier

pytestmark = pytest.mark.django_db


def walk_in_url(world) -> str:
    return reverse("staff:walk_in") + f"?thu_tuc={world.procedure.code}"


def look_up(client, world, *, national_id, date_of_birth, purpose="walk_in"):
    return client.post(
        walk_in_url(world),
        {
            "tra_cuu-national_id": national_id,
            "tra_cuu-date_of_birth": date_of_birth,
            "tra_cuu-purpose": purpose,
        },
    )


def text(response) -> str:
    return response.content.decode()


def verified(citizen):
    """Only a verified holder is found (a number merely typed at registration opens nothing)."""
    citizen.national_id_verified_at = timezone.now()
    citizen.national_id_verification = "counter"
    citizen.save(update_fields=["national_id_verified_at", "national_id_verification"])
    return citizen


def test_the_id_number_and_the_date_of_birth_together_prefill_the_walk_in_form(world, as_user):
    citizen = verified(world.citizen)
    response = look_up(
        as_user(world.clerk),
        world,
        national_id=citizen.national_id,
        date_of_birth=citizen.date_of_birth.isoformat(),
    )

    assert response.status_code == 200
    html = text(response)
    assert f'value="{citizen.full_name}"' in html
    assert f'value="{citizen.address}"' in html
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.purpose, record.subject) == (
        world.clerk,
        Action.LOOKUP,
        Purpose.WALK_IN,
        citizen,
    )
    assert record.detail["outcome"] == "found"
    assert citizen.national_id not in str(record.detail)


def test_an_id_number_with_another_date_of_birth_opens_nobodys_profile(world, as_user):
    citizen = world.citizen
    response = look_up(
        as_user(world.clerk), world, national_id=citizen.national_id, date_of_birth="1970-01-01"
    )

    assert response.status_code == 200
    html = text(response)
    assert citizen.full_name not in html
    assert citizen.address not in html
    assert "Không có tài khoản đã xác thực khớp cả số định danh và ngày sinh này" in html
    record = AccessRecord.objects.get()
    assert record.subject is None and record.detail["outcome"] == "not_found"


def test_an_id_number_in_the_url_looks_nobody_up(world, as_user):
    response = as_user(world.clerk).get(walk_in_url(world) + f"&cccd={world.citizen.national_id}")
    assert world.citizen.full_name not in text(response)
    assert not AccessRecord.objects.exists()


def test_a_look_up_needs_a_purpose(world, as_user):
    response = look_up(
        as_user(world.clerk),
        world,
        national_id=world.citizen.national_id,
        date_of_birth=world.citizen.date_of_birth.isoformat(),
        purpose="",
    )
    assert response.status_code == 400
    assert "Hãy chọn mục đích tra cứu." in text(response)
    assert world.citizen.full_name not in text(response)
    assert not AccessRecord.objects.exists()


def test_no_form_of_the_walk_in_page_puts_an_id_number_in_a_url(world, as_user):
    html = text(
        look_up(
            as_user(world.clerk),
            world,
            national_id=world.citizen.national_id,
            date_of_birth=world.citizen.date_of_birth.isoformat(),
        )
    )
    forms = re.findall(r"<form [^>]*>", html)
    for form in forms:
        assert world.citizen.national_id not in form
        if 'method="get"' in form:
            body = html.split(form, 1)[1].split("</form>", 1)[0]
            assert "national_id" not in body and "cccd" not in body


def test_a_clerks_look_ups_are_limited_per_hour_and_the_refusals_recorded(world, as_user, settings):
    settings.WALK_IN_LOOKUPS_PER_HOUR = 2
    verified(world.citizen)
    card = {
        "national_id": world.citizen.national_id,
        "date_of_birth": world.citizen.date_of_birth.isoformat(),
    }
    start = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(world.clerk)
        assert look_up(client, world, **card).status_code == 200
        assert look_up(client, world, **card).status_code == 200
        refused = look_up(client, world, **card)
    assert refused.status_code == 429
    assert "Bạn đã tra cứu 2 lần trong một giờ qua" in text(refused)
    assert world.citizen.full_name not in text(refused)
    outcomes = list(AccessRecord.objects.order_by("pk").values_list("detail__outcome", flat=True))
    assert outcomes == ["found", "found", "refused"]

    with time_machine.travel(start + datetime.timedelta(hours=1, minutes=1), tick=False):
        client = as_user(world.clerk)  # the session has gone idle meanwhile
        assert look_up(client, world, **card).status_code == 200


def test_another_clerks_look_ups_do_not_count(world, as_user, settings):
    from tests.factories import StaffFactory

    settings.WALK_IN_LOOKUPS_PER_HOUR = 1
    card = {"national_id": world.citizen.national_id, "date_of_birth": "1970-01-01"}
    assert look_up(as_user(world.clerk), world, **card).status_code == 200
    colleague = StaffFactory(agency=world.centre, role="clerk")
    assert look_up(as_user(colleague), world, **card).status_code == 200


def test_registering_a_walk_in_dossier_records_the_clerks_data_entry(world, as_user, media_root):
    from tests.dossiers.test_staff_pages import walk_in_data

    response = as_user(world.clerk).post(walk_in_url(world), walk_in_data(world))

    assert response.status_code == 302
    dossier = Dossier.objects.get(filed_by=world.clerk)
    record = AccessRecord.objects.get(action=Action.CHANGE)
    assert (record.actor, record.dossier, record.subject_id, record.purpose) == (
        world.clerk,
        dossier,
        dossier.applicant_id,
        Purpose.WALK_IN,
    )
    assert "national_id" in record.detail["fields"]
    assert dossier.applicant_national_id not in str(record.detail)


# --- the queue's search ------------------------------------------------------------------------


def test_an_id_number_searched_in_the_queue_stays_out_of_the_url_and_is_recorded(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    client = as_user(world.clerk)

    sent = client.post(reverse("staff:queue"), {"q": world.citizen.national_id, "sap_xep": "han"})

    assert sent.status_code == 302
    assert world.citizen.national_id not in sent["Location"]
    assert "sap_xep=han" in sent["Location"]
    shown = client.get(sent["Location"])
    assert f'href="/can-bo/ho-so/{dossier.code}/"' in text(shown)
    record = AccessRecord.objects.get()
    assert (record.action, record.detail["kind"], record.detail["matches"]) == (
        Action.SEARCH,
        "national_id",
        1,
    )
    assert world.citizen.national_id not in str(record.detail)
    # The pages and the sort links of the result carry no ID number either.
    assert world.citizen.national_id not in "".join(re.findall(r'href="([^"]*)"', text(shown)))


def test_a_name_search_is_recorded_and_a_code_search_is_not(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    client = as_user(world.clerk)

    assert client.get(reverse("staff:queue"), {"q": str(dossier.code)}).status_code == 200
    assert not AccessRecord.objects.exists()
    assert client.get(reverse("staff:queue"), {"q": "nguyen thi"}).status_code == 200
    record = AccessRecord.objects.get()
    assert record.detail == {"kind": "name", "term": "nguyen thi", "matches": 1}


def test_an_id_number_typed_in_the_queues_url_is_not_searched(world, as_user):
    build_dossier(world, State.SUBMITTED)
    response = as_user(world.clerk).get(reverse("staff:queue"), {"q": world.citizen.national_id})
    assert response.status_code == 200
    assert "Số định danh không được đặt trong đường dẫn" in text(response)
    assert not AccessRecord.objects.exists()
