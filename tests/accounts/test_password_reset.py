"""Forgotten password (issue 10): a one-time link by e-mail, or by SMS when the phone is
typed; the same answer whether or not an account has that e-mail or phone."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, CitizenFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "Trăng-rằm-sáng-tỏ-2026"


def path_of(text: str) -> str:
    url = re.search(r"https?://\S+", text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def choose_new_password(client, link: str):
    response = client.get(link, follow=True)  # Django moves the token out of the URL
    assert response.status_code == 200
    assert response.context["validlink"]
    return client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


def test_a_citizen_resets_the_password_by_email_end_to_end(client, citizen, sms_outbox):
    response = client.post(RESET, {"login": " NHUNG@example.vn "}, follow=True)

    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    (message,) = mail.outbox
    assert message.to == ["nhung@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    assert sms_outbox == []

    response = choose_new_password(client, path_of(message.body))

    assert "Đã đặt mật khẩu mới" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    # The link is spent.
    assert not client.get(path_of(message.body), follow=True).context["validlink"]
    login = client.post(
        reverse("accounts:login"), {"username": "0912345678", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


def test_a_citizen_resets_the_password_by_phone_through_the_sms_backend(
    client, citizen, sms_outbox
):
    client.post(RESET, {"login": "+84 912 345 678"})

    assert mail.outbox == []
    ((phone, text),) = sms_outbox
    assert phone == "0912345678"
    choose_new_password(client, path_of(text))
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_a_walk_in_citizen_without_email_claims_the_account_by_phone(client, sms_outbox):
    from accounts.services import citizen_create_at_counter

    walk_in = citizen_create_at_counter(
        full_name="Lê Văn Tám", national_id="075190001235", phone="0987111222"
    )
    client.post(RESET, {"login": "0987111222"})
    ((_phone, text),) = sms_outbox
    choose_new_password(client, path_of(text))

    walk_in.refresh_from_db()
    assert walk_in.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("known", "unknown"),
    [("nhung@example.vn", "khong-ai@example.vn"), ("0912345678", "0912345670")],
)
def test_the_answer_is_the_same_with_or_without_an_account(
    client, citizen, sms_outbox, known, unknown
):
    answers = []
    for login in (known, unknown):
        response = client.post(RESET, {"login": login}, follow=True)
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        answers.append((response.redirect_chain, page))

    assert answers[0] == answers[1]
    assert len(mail.outbox) + len(sms_outbox) == 1  # only the real account got a link


def test_a_deactivated_account_gets_no_link(client, citizen, sms_outbox):
    User.objects.filter(pk=citizen.pk).update(is_active=False)

    response = client.post(RESET, {"login": "nhung@example.vn"})

    assert response.status_code == 302
    assert mail.outbox == [] and sms_outbox == []


def test_a_forged_link_is_refused(client, citizen):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "set-password"]), follow=True
    )
    assert not response.context["validlink"]
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_the_login_page_links_to_the_reset(client):
    assert RESET in client.get(reverse("accounts:login")).content.decode()


def test_the_reset_link_speaks_the_citizens_language(client, sms_outbox):
    CitizenFactory(email="anna@example.vn", preferred_language="en", national_id=None)
    client.post(RESET, {"login": "anna@example.vn"})
    assert "password" in mail.outbox[0].subject.lower()
