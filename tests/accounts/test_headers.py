"""Pages with personal data are not cached (Cache-Control: no-store), and API clients are
asked to authenticate with 401 and a WWW-Authenticate challenge, not a bare 403."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("procedures:catalogue"),  # even a public page, once signed in
        "/api/v1/dossiers/",
    ],
)
def test_every_answer_to_a_signed_in_person_is_not_stored(client, citizen, url):
    client.force_login(citizen, backend="accounts.backends.EmailOrPhoneBackend")

    response = client.get(url)

    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:login"),
        reverse("accounts:register"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_confirm", args=["MQ", "set-password"]),
    ],
)
def test_account_pages_are_not_stored_for_anyone(client, url):
    response = client.get(url)

    assert "no-store" in response["Cache-Control"], url


def test_a_public_page_for_an_anonymous_visitor_may_be_cached(client):
    response = client.get(reverse("procedures:catalogue"))

    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Token 0123456789abcdef0123456789abcdef01234567"}],
    ids=["no credentials", "bad token"],
)
def test_the_api_answers_401_with_a_challenge(client, headers):
    response = client.get("/api/v1/dossiers/", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
