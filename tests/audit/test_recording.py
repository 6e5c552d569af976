"""Every staff read of a person's data and every change of it is in the access log; a
citizen reading their own dossier is not."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from audit import services
from audit.constants import Action, Purpose
from audit.models import AccessRecord
from dossiers.models import State
from tests.apologies.overdue import overdue_with_draft
from tests.dossiers.factories import build_dossier
from tests.factories import CitizenFactory, StaffFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db


def only_record() -> AccessRecord:
    (record,) = AccessRecord.objects.all()
    return record


def test_a_clerk_opening_a_dossier_is_recorded_with_who_whose_why_and_where(world, as_user):
    dossier = build_dossier(world, State.RECEIVED)
    response = as_user(world.clerk).get(reverse("staff:dossier", args=[dossier.ref]))

    assert response.status_code == 200
    record = only_record()
    assert record.actor == world.clerk
    assert record.action == Action.VIEW
    assert record.purpose == Purpose.PROCESSING
    assert record.dossier == dossier
    assert record.subject == world.citizen
    assert record.ip_address == "127.0.0.1"


def test_the_real_client_address_is_read_behind_our_proxy(world, as_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    dossier = build_dossier(world, State.RECEIVED)
    as_user(world.clerk).get(
        reverse("staff:dossier", args=[dossier.ref]),
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",  # the client's claim, then our nginx's
        REMOTE_ADDR="10.0.0.2",
    )
    assert only_record().ip_address == "203.0.113.7"


def test_the_supervisor_reading_a_dossier_is_recorded_as_supervision(world, as_user, supervisor):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    assert as_user(supervisor).get(reverse("staff:dossier", args=[dossier.ref])).status_code == 200
    assert only_record().purpose == Purpose.SUPERVISION


def test_staff_downloads_are_recorded_and_an_id_number_in_a_file_name_is_masked(
    world, as_user, media_root
):
    dossier = build_dossier(world, State.RECEIVED)
    stored = dossier.files.first()
    stored.original_name = f"cccd-{world.citizen.national_id}.pdf"
    stored.save(update_fields=["original_name"])
    client = as_user(world.clerk)

    assert client.get(reverse("dossiers:file", args=[dossier.ref, stored.pk])).status_code == 200
    assert client.get(reverse("dossiers:slip", args=[dossier.ref, "01"])).status_code == 200

    file_read, slip_read = AccessRecord.objects.order_by("pk")
    assert (file_read.action, file_read.dossier, file_read.actor) == (
        Action.DOWNLOAD,
        dossier,
        world.clerk,
    )
    assert world.citizen.national_id not in str(file_read.detail)
    assert (
        file_read.detail["file"]
        == f"cccd-{services.mask_national_id(world.citizen.national_id)}.pdf"
    )
    assert slip_read.detail == {"document": "slip", "form": "01"}


def test_a_citizen_reading_their_own_dossier_and_files_is_not_recorded(world, client, media_root):
    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.citizen)

    assert client.get(reverse("dossiers:detail", args=[dossier.ref])).status_code == 200
    stored = dossier.files.first()
    assert client.get(reverse("dossiers:file", args=[dossier.ref, stored.pk])).status_code == 200
    assert client.get(reverse("dossiers:slip", args=[dossier.ref, "01"])).status_code == 200
    assert client.get(reverse("dossier-detail", args=[dossier.code])).status_code == 200

    assert not AccessRecord.objects.exists()


def test_the_result_document_downloaded_by_staff_is_recorded(world, as_user, media_root):
    dossier = build_dossier(world, State.READY_FOR_RETURN)
    if not dossier.result_file:
        pytest.skip("the factory's ready dossier carries no result document")
    assert as_user(world.clerk).get(reverse("staff:result", args=[dossier.ref])).status_code == 200
    record = only_record()
    assert (record.action, record.detail) == (Action.DOWNLOAD, {"document": "result"})


def test_a_staff_read_over_the_api_is_recorded(world, client):
    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.clerk)
    assert client.get(reverse("dossier-detail", args=[dossier.code])).status_code == 200
    record = only_record()
    assert (record.action, record.dossier, record.detail) == (Action.VIEW, dossier, {"via": "api"})


def test_the_head_reading_an_apology_letter_and_its_pdf_is_recorded(world, client, media_root):
    dossier, letter = overdue_with_draft(world)
    client.force_login(world.head)

    assert client.get(reverse("apologies:letter", args=[letter.pk])).status_code == 200
    assert client.get(reverse("apologies:letter_pdf", args=[letter.pk])).status_code == 200

    page_read, pdf_read = AccessRecord.objects.order_by("pk")
    assert (page_read.action, page_read.dossier, page_read.actor) == (
        Action.VIEW,
        dossier,
        world.head,
    )
    assert pdf_read.action == Action.DOWNLOAD
    assert pdf_read.detail["document"] == "letter"


# --- changes -------------------------------------------------------------------------------------


def test_a_citizen_changing_their_profile_is_recorded_with_the_fields_not_the_values(world, client):
    citizen = world.citizen
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": citizen.full_name,
            "email": citizen.email,
            "phone": citizen.phone or "",
            "national_id": citizen.national_id,
            "date_of_birth": citizen.date_of_birth.isoformat(),
            "address": "Số 99 đường Mới, phường Trấn Biên",
            "preferred_language": "vi",
        },
    )

    assert response.status_code == 302
    record = only_record()
    assert (record.actor, record.subject, record.action, record.purpose) == (
        citizen,
        citizen,
        Action.CHANGE,
        Purpose.OWN_PROFILE,
    )
    assert record.detail == {"fields": ["address"]}
    assert "Mới" not in str(record.detail)


def test_an_administrators_change_to_a_person_is_in_both_logs(client):
    administrator = StaffFactory(role="administrator", is_staff=True)
    citizen = CitizenFactory(address="Cũ")
    force_login_verified(client, administrator)  # the admin needs the second factor

    assert client.get(reverse("admin:accounts_user_change", args=[citizen.pk])).status_code == 200
    data = {
        "email": citizen.email,
        "full_name": citizen.full_name,
        "phone": citizen.phone,
        "national_id": citizen.national_id,
        "date_of_birth": citizen.date_of_birth.isoformat(),
        "address": "Số 1 đường Mới",
        "preferred_language": "vi",
        "is_active": "on",
    }
    response = client.post(reverse("admin:accounts_user_change", args=[citizen.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert LogEntry.objects.filter(object_id=str(citizen.pk)).exists()
    read, change = AccessRecord.objects.order_by("pk")
    assert (read.action, read.subject, read.actor) == (Action.VIEW, citizen, administrator)
    assert (change.action, change.subject, change.purpose) == (
        Action.CHANGE,
        citizen,
        Purpose.ACCOUNT_ADMINISTRATION,
    )
    assert "Địa chỉ thường trú" in str(change.detail["change"])


# --- append only ---------------------------------------------------------------------------------


def test_the_database_refuses_to_change_a_record(world):
    record = services.record(actor=world.clerk, action=Action.VIEW, purpose=Purpose.PROCESSING)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(purpose=Purpose.AUDIT)
    record.refresh_from_db()
    assert record.purpose == Purpose.PROCESSING


def test_a_record_needs_a_known_action_and_a_purpose(world):
    with pytest.raises(ValueError):
        services.record(actor=world.clerk, action=Action.VIEW, purpose="")
    with pytest.raises(ValueError):
        services.record(actor=world.clerk, action="peek", purpose=Purpose.PROCESSING)
    assert not AccessRecord.objects.exists()


def test_nobody_but_a_superuser_deletes_a_record_in_the_admin(world, client):
    record = services.record(actor=world.clerk, action=Action.VIEW, purpose=Purpose.PROCESSING)
    administrator = StaffFactory(role="administrator", is_staff=True)
    force_login_verified(client, administrator)  # the admin needs the second factor

    assert client.get(reverse("admin:audit_accessrecord_changelist")).status_code == 200
    client.post(reverse("admin:audit_accessrecord_delete", args=[record.pk]), {"post": "yes"})
    assert AccessRecord.objects.filter(pk=record.pk).exists()
    response = client.post(
        reverse("admin:audit_accessrecord_change", args=[record.pk]), {"purpose": "audit"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.purpose == Purpose.PROCESSING


def test_detail_never_keeps_an_id_number_in_clear(world):
    record = services.record(
        actor=world.clerk,
        action=Action.SEARCH,
        purpose=Purpose.PROCESSING,
        detail={"term": "075190001234", "nested": [{"old_card": "Số 123456789"}]},
    )
    assert record.detail == {"term": "075•••••••34", "nested": [{"old_card": "Số 123••••89"}]}
