"""Hostile input on every route of the portal: a NUL character (``%00``) in the path, the
query string or a form field is a 400 before any view or database sees it (PostgreSQL
refuses NUL in a string, which used to end in a server error); an encoded slash (``%2F``)
in a path parameter is a 404 or an answer of the view, never a 500.

The routes are read from the urlconf itself, so a route added later is probed too. Run on
SQLite and on PostgreSQL (DATABASE_URL): the second is where NUL used to fail.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from dossiers.models import State
from tests.dossiers.factories import build_dossier, build_world
from tests.factories import UserFactory

NUL = "%00"
SLASH = "%2F"
NUL_PAGE = "Yêu cầu không hợp lệ"


@dataclass(frozen=True)
class Route:
    """A route of the urlconf as a template: ``ho-so/{ref}/tep/{pk}/``."""

    template: str
    params: tuple[str, ...]

    def url(self, **values: str) -> str:
        return "/" + self.template.format(**{p: values.get(p, "1") for p in self.params})


def _piece(pattern: RoutePattern | RegexPattern) -> str | None:
    """The pattern as a format string, or None for a regex too free to write out."""
    raw = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw)
    text = raw.lstrip("^").removesuffix("$").removesuffix(r"\Z")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    text = text.replace(r"\.", ".").replace("/?", "/")
    if re.search(r"[()\[\]*+?|\\]", text):
        return None
    return text


def all_routes() -> list[Route]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for entry in patterns:
            piece = _piece(entry.pattern)  # type: ignore[arg-type]
            if piece is None:
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + piece)
            else:
                yield prefix + piece

    templates = sorted(set(walk(get_resolver().url_patterns, "")))
    return [Route(t, tuple(re.findall(r"{(\w+)}", t))) for t in templates]


ROUTES = all_routes()


def test_the_routes_are_all_found():
    """The walk reaches the citizen, staff, API and admin routes (a broken walk probes none)."""
    templates = {route.template for route in ROUTES}
    assert len(ROUTES) > 60
    for expected in (
        "ho-so-cua-toi/{ref}/tep/{pk}/thay/",
        "can-bo/ho-so/{ref}/{action}/",
        "api/v1/dossiers/{ref}/actions/{verb}/",
        "api/v1/procedures/{code}/",
        "tai-khoan/dang-ky/",
        "quan-tri/",
    ):
        assert expected in templates


@pytest.fixture
def callers(db: None) -> dict[str, Client]:
    """Anonymous, a citizen with a dossier, the one-stop clerk, and a superuser (admin)."""
    world = build_world()
    build_dossier(world, State.SUBMITTED)
    admin = UserFactory(is_staff=True, is_superuser=True)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("citizen", world.citizen), ("clerk", world.clerk), ("admin", admin)):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[name] = client
    return clients


def _is_nul_refusal(response) -> bool:
    if response.status_code != 400:
        return False
    if response["Content-Type"].startswith("application/json"):
        return bool(response.json().get("detail"))
    return NUL_PAGE in response.content.decode()


@pytest.mark.django_db
def test_nul_in_any_path_parameter_query_or_form_field_is_a_400(callers):
    wrong = []
    for route in ROUTES:
        urls = [route.url(**{param: f"a{NUL}b"}) for param in route.params]
        urls.append(route.url() + f"?q=x{NUL}&page=1")
        if not route.params:
            urls.append(route.url() + f"x{NUL}/")
        for name, client in callers.items():
            for url in urls:
                for response in (client.get(url), client.post(url, {"note": "ghi chú"})):
                    if not _is_nul_refusal(response):
                        wrong.append(
                            f"{name} {response.request['REQUEST_METHOD']} {url}: {response.status_code}"
                        )
            for body in ({"note": "a\x00b"}, {"n\x00": "x"}):
                response = client.post(route.url(), body)
                if not _is_nul_refusal(response):
                    wrong.append(f"{name} POST {route.url()} {body!r}: {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
def test_an_encoded_slash_in_any_path_parameter_is_never_a_server_error(callers):
    errors = []
    for route in ROUTES:
        for param in route.params:
            url = route.url(**{param: f"a{SLASH}b"})
            for name, client in callers.items():
                for response in (client.get(url), client.post(url, {"note": "x"})):
                    if response.status_code >= 500:
                        errors.append(f"{name} {url}: {response.status_code}")
    assert errors == []


@pytest.mark.django_db
def test_an_encoded_slash_in_a_dossier_code_is_not_found(callers):
    for url in ("/ho-so-cua-toi/H75%2F2025/", "/tra-cuu/H75%2F2025/", "/api/v1/track/H75%2F1/"):
        assert callers["citizen"].get(url).status_code == 404


@pytest.mark.django_db
def test_the_citizen_is_told_in_vietnamese_and_english_when_chosen(client):
    response = client.get("/tra-cuu/", {"code": "H75\x00"})

    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Yêu cầu không hợp lệ" in page
    assert "Traceback" not in page

    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/tra-cuu/", {"code": "H75\x00"}).content.decode()
    assert "Invalid request" in page


@pytest.mark.django_db
def test_the_api_answers_nul_in_json_with_a_detail(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/api/v1/dossiers/",
        data='{"procedure": "1.001\\u0000", "agency": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_a_field_of_an_upload_form_is_refused_but_not_in_the_file(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(note: str, content: bytes):
        return client.post(
            "/tai-khoan/dang-nhap/", {"note": note, "f": SimpleUploadedFile("a.pdf", content)}
        )

    assert post("ghi chú", b"%PDF-1.4\x00\x00").status_code == 200  # binary content is normal
    assert post("ghi\x00chú", b"%PDF-1.4").status_code == 400


@pytest.mark.django_db
def test_a_nul_in_the_session_cookie_never_reaches_the_database(client):
    client.cookies["sessionid"] = "abc\x00def"

    assert client.get("/tra-cuu/").status_code == 400
