"""The public status page: anyone with a code sees the dossier's state; the lookup secret of
the receipt shows the rest, never anything personal beyond a masked name. Lookups are
rate-limited per client address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier, State
from tests.dossiers.factories import World, another_citizen, build_dossier

pytestmark = pytest.mark.django_db


def track_url(code: str | None, secret: str = "") -> str:
    assert code, "only a submitted dossier has a code"
    url = reverse("dossiers:track", args=[code])
    return f"{url}?k={secret}" if secret else url


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
def test_the_code_alone_shows_the_state_and_nothing_else(client, world: World, as_who):
    dossier = build_dossier(world, State.RECEIVED)
    if as_who == "another citizen":
        client.force_login(another_citizen())
    elif as_who == "the clerk":
        client.force_login(world.clerk)

    response = client.get(track_url(dossier.code))

    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code and dossier.code in html
    assert "Được tiếp nhận" in html
    # Sequential codes must not give away whose dossier, what for, where or when.
    assert world.procedure.name not in html
    assert world.centre.name not in html
    assert "Nguyễn T** Á**" not in html
    assert timezone.localtime(dossier.received_at).strftime("%d/%m/%Y") not in html
    assert timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") not in html
    assert dossier.lookup_secret not in html
    for value in personal_data(dossier):
        assert value not in html, value
    assert "Mã bí mật tra cứu" in html  # and how to see more


@pytest.mark.parametrize("as_who", ["anonymous", "another citizen", "the clerk"])
def test_the_secret_shows_the_status_and_a_masked_name_only(client, world: World, as_who):
    dossier = build_dossier(world, State.RECEIVED)
    if as_who == "another citizen":
        client.force_login(another_citizen())
    elif as_who == "the clerk":
        client.force_login(world.clerk)

    response = client.get(track_url(dossier.code, f" {dossier.lookup_secret.lower()} "))

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

    html = client.get(track_url(dossier.code, dossier.lookup_secret)).content.decode()

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

    api = client.get(reverse("api-track", args=[dossier.code]), {"secret": dossier.lookup_secret})
    html = client.get(track_url(dossier.code, dossier.lookup_secret)).content.decode()

    assert api.status_code == 200
    assert api.json()["received_at"] == local.isoformat()
    assert api.json()["received_at"].endswith("+07:00")
    assert f"{local:%H:%M}" in html


def test_a_wrong_secret_shows_the_state_only_and_says_so(client, world):
    dossier = build_dossier(world, State.RECEIVED)
    wrong = "ABCDEF" if dossier.lookup_secret != "ABCDEF" else "GHJKMN"

    html = client.get(track_url(dossier.code, wrong)).content.decode()

    assert "Mã bí mật không đúng" in html
    assert world.procedure.name not in html
    assert "Nguyễn T** Á**" not in html


def test_the_search_form_carries_the_secret_to_the_status_page(client, world):
    dossier = build_dossier(world, State.RECEIVED)

    found = client.get(reverse("dossiers:track"), {"ma": dossier.code, "k": dossier.lookup_secret})

    assert found.status_code == 302
    assert found["Location"] == track_url(dossier.code, dossier.lookup_secret)
    assert world.procedure.name in client.get(found["Location"]).content.decode()


def test_the_api_gives_the_state_only_without_the_secret(client, world):
    dossier = build_dossier(world, State.RECEIVED)
    url = reverse("api-track", args=[dossier.code])

    bare = client.get(url).json()
    wrong = client.get(url, {"secret": "ZZZZZZ"}).json()
    full = client.get(url, {"secret": dossier.lookup_secret}).json()

    assert set(bare) == {"code", "state", "state_label", "national_status", "details"}
    assert bare["state"] == State.RECEIVED and bare["details"] is False
    assert wrong["details"] is False and "procedure" not in wrong
    assert full["details"] is True
    assert full["procedure"] == world.procedure.name
    assert full["applicant"] == "Nguyễn T** Á**"


def test_every_dossier_gets_its_own_short_secret(world):
    from dossiers.models import LOOKUP_SECRET_ALPHABET

    secrets = {build_dossier(world, State.SUBMITTED).lookup_secret for _ in range(5)}

    assert len(secrets) == 5
    for secret in secrets:
        assert len(secret) == 6
        assert set(secret) <= set(LOOKUP_SECRET_ALPHABET)
        assert not set(secret) & set("0O1IL")


RATE = "5/min"


@pytest.fixture
def lookup_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_lookup": RATE},
    }


def test_the_lookup_answers_429_in_vietnamese_after_the_limit(client, world, lookup_rate):
    dossier = build_dossier(world, State.RECEIVED)

    answers = [client.get(track_url(dossier.code)).status_code for _ in range(5)]
    refused = client.get(track_url(dossier.code, dossier.lookup_secret))
    api = client.get(reverse("api-track", args=[dossier.code]))

    assert answers == [200] * 5
    assert refused.status_code == 429
    assert "Tra cứu quá nhiều lần" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert world.procedure.name not in refused.content.decode()
    assert api.status_code == 429  # the API counts with the page


def test_the_limit_is_per_client_address_behind_the_proxy(client, world, lookup_rate, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    dossier = build_dossier(world, State.RECEIVED)
    url = track_url(dossier.code)

    for _ in range(5):
        client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7")
    # What a client writes further left is not its address: still the same one.
    spoofed = client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    other = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert blocked.status_code == 429
    assert spoofed.status_code == 429
    assert other.status_code == 200


def test_the_receipt_prints_the_secret_and_its_qr_code_carries_it(world):
    from django.conf import settings

    from core import pdf as core_pdf
    from dossiers.slips import contexts, render

    dossier = build_dossier(world, State.RECEIVED)
    context = contexts.slip_context(dossier, "01")
    with_secret = f"{settings.SITE_URL.rstrip('/')}{track_url(dossier.code, dossier.lookup_secret)}"

    html = render.render_html("01", context)

    assert f"<strong>{dossier.lookup_secret}</strong>" in html
    assert context["qr_data_uri"] == core_pdf.qr_data_uri(with_secret)
    assert dossier.lookup_secret not in context["tracking_url"]  # the printed address


def test_the_citizen_reads_the_secret_on_their_dossier_page_and_in_the_email(client, world):
    from django.core import mail

    from dossiers import notifications
    from dossiers.models import DossierEvent

    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.citizen)

    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    event = DossierEvent.objects.filter(dossier=dossier, action="receive").latest("id")
    notifications.notify_event(event_id=event.pk)

    assert dossier.lookup_secret in page
    assert f"?k={dossier.lookup_secret}" in page
    [message] = mail.outbox
    assert f"Mã bí mật tra cứu (để xem chi tiết): {dossier.lookup_secret}" in message.body
