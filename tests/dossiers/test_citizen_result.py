"""The citizen gets the result (issue 9 item 2): whoever chose online return finds the
result document on their dossier page and attached to the "returned" e-mail, once the
one-stop section has returned it; nobody else, and not before."""

import pytest
from django.core import mail
from django.urls import reverse

from dossiers import notifications, services
from dossiers.models import Dossier, DossierEvent, ReturnChannel, State
from tests.dossiers.factories import PDF_HEAD, World, another_citizen, build_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def returned(world: World, channel: str) -> Dossier:
    dossier = build_dossier(world, State.READY_FOR_RETURN)
    Dossier.objects.filter(pk=dossier.pk).update(return_channel=channel)
    services.dossier_return(dossier=dossier, actor=world.clerk)
    return Dossier.objects.get(pk=dossier.pk)


def returned_email(dossier: Dossier):
    event = DossierEvent.objects.get(dossier=dossier, action="return_result")
    notifications.notify_event(event_id=event.pk)
    [message] = [m for m in mail.outbox if dossier.code in m.subject]
    return message


def test_online_return_puts_the_result_on_the_dossier_page_and_in_the_email(client, world):
    dossier = returned(world, ReturnChannel.ONLINE)
    client.force_login(world.citizen)

    page = client.get(reverse("dossiers:detail", args=[dossier.ref])).content.decode()
    download = client.get(reverse("dossiers:result", args=[dossier.ref]))
    message = returned_email(dossier)

    assert reverse("dossiers:result", args=[dossier.ref]) in page
    assert download.status_code == 200
    assert f'filename="{dossier.code}-ket-qua.pdf"' in download["Content-Disposition"]
    assert download.content.startswith(PDF_HEAD)
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{dossier.code}-ket-qua.pdf", "application/pdf")
    assert content.startswith(PDF_HEAD)
    assert "gửi kèm thư này" in message.body


def test_the_returned_email_invites_no_evaluation_while_there_is_none_to_give(world):
    message = returned_email(returned(world, ReturnChannel.ONLINE))
    assert "đánh giá" not in message.body.lower()


def test_a_counter_return_offers_no_download_and_says_how_it_was_returned(client, world):
    dossier = returned(world, ReturnChannel.COUNTER)
    client.force_login(world.citizen)

    page = client.get(reverse("dossiers:detail", args=[dossier.ref])).content.decode()
    download = client.get(reverse("dossiers:result", args=[dossier.ref]))
    message = returned_email(dossier)

    assert reverse("dossiers:result", args=[dossier.ref]) not in page
    assert "Kết quả đã được trả theo hình thức ông/bà đã chọn" in page
    assert download.status_code == 404
    assert message.attachments == []


def test_the_result_is_not_downloadable_before_it_is_returned(client, world):
    dossier = build_dossier(world, State.READY_FOR_RETURN)
    Dossier.objects.filter(pk=dossier.pk).update(return_channel=ReturnChannel.ONLINE)
    client.force_login(world.citizen)

    assert client.get(reverse("dossiers:result", args=[dossier.ref])).status_code == 404


def test_another_citizen_gets_the_same_404_as_for_a_missing_dossier(client, world):
    dossier = returned(world, ReturnChannel.ONLINE)
    client.force_login(another_citizen())

    assert client.get(reverse("dossiers:result", args=[dossier.ref])).status_code == 404
