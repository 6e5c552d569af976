"""Every route that takes a dossier answers 404 to anyone who may not see that dossier.

The routes come from the URL resolver, so a new page or endpoint cannot escape this test:
any pattern with a dossier argument (``ref`` or ``code``) is walked with every role and a
dossier that belongs to someone else, with GET and with POST.

Everything runs twice: as in production and with DEBUG on (what ``./run`` sets), because a
URL configuration can grow routes in DEBUG (a media route served every stored slip and
letter from the site root once). In both modes a stored file's own path answers 404.
"""

import importlib
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver
from knox.models import AuthToken

from dossiers import services
from dossiers.models import Dossier, IssuedSlip, State
from dossiers.slips.render import slip_pdf
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    DepartmentFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
DOSSIER_APPS = {"dossiers", "apologies"}
# Public by design (docs/design.md §1: the public looks up a dossier's status by code); they show
# no personal data, which tests/dossiers/test_public_status.py checks.
PUBLIC = {"dossiers:track", "api-track"}


def _reload_urlconf() -> None:
    import portal.urls

    clear_url_caches()
    importlib.reload(portal.urls)


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request):
    """The URL configuration loaded with DEBUG off, then on."""
    if not request.param:
        yield False
        return
    with override_settings(DEBUG=True):
        _reload_urlconf()
        yield True
    _reload_urlconf()


def walk(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, set[str], str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            module = getattr(entry.callback, "__module__", "")
            yield name, prefix + str(entry.pattern), set(entry.pattern.regex.groupindex), module


def dossier_routes() -> list[tuple[str, str, set[str]]]:
    # "code" also names procedures (/thu-tuc/<code>/); only the dossier apps' routes count.
    return [
        (n, p, a)
        for n, p, a, module in walk(get_resolver().url_patterns)
        if n not in PUBLIC
        and ("ref" in a or ("code" in a and module.split(".")[0] in DOSSIER_APPS))
    ]


def fill(pattern: str, args: dict[str, str]) -> str:
    """Turns a route's pattern (path() or regex) into a concrete URL."""
    import re

    url = pattern
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: args.get(m.group(1), "x"), url)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: args.get(m.group(1), "x"), url)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\Z", "")
    url = re.sub(r"\.\(\?P<format>[^)]*\)/?", "", url)
    return "/" + url.lstrip("/")


@pytest.fixture
def foreign_dossier(media_root):
    centre = AgencyFactory(centre=True, code="000.00.01.H75")
    justice = AgencyFactory(name="Sở Tư pháp", code="000.00.12.H75")
    department = DepartmentFactory(agency=justice)
    version = ProcedureVersionFactory()
    version.procedure.agencies.add(centre)
    component = ComponentFactory(version=version)
    ProcessStepFactory(version=version, order=1, agency=centre, budget_hours=4)
    ProcessStepFactory(
        version=version, order=2, agency=justice, department=department, budget_hours=16
    )
    owner = CitizenFactory()
    dossier = services.dossier_create_draft(
        applicant=owner, procedure=version.procedure, agency=centre, actor=owner
    )
    stored = services.dossier_attach_file(
        dossier=dossier, actor=owner, upload=SimpleUploadedFile("a.pdf", PDF), component=component
    )
    dossier = services.dossier_submit(dossier=dossier, actor=owner)
    clerk = StaffFactory(agency=centre, role="clerk")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_hand_over(dossier=dossier, actor=clerk)
    return Dossier.objects.get(pk=dossier.pk), stored


@pytest.fixture
def outsiders():
    """One person per role, none of whom may see the foreign dossier."""
    elsewhere = AgencyFactory(name="Trung tâm PVHCC tỉnh khác", code="000.00.01.H01")
    other_department = DepartmentFactory(agency=elsewhere)
    return {
        "anonymous": None,
        "citizen": CitizenFactory(),
        "clerk": StaffFactory(agency=elsewhere, role="clerk"),
        "specialist": StaffFactory(
            agency=elsewhere, department=other_department, role="specialist"
        ),
        "head": StaffFactory(agency=elsewhere, department=other_department, role="head"),
        "supervisor": StaffFactory(
            agency=AgencyFactory(
                province__code=1, province__name="Hà Nội", province__codename="ha_noi"
            ),
            role="supervisor",
        ),
        "administrator": StaffFactory(agency=elsewhere, role="administrator"),
    }


def test_the_matrix_covers_the_dossier_routes(debug):
    names = {name for name, _, _ in dossier_routes()}
    # If these disappear the matrix would pass vacuously.
    assert {"dossier-detail", "dossier-actions", "dossier-components"} <= names
    assert len(names) >= 3


@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "clerk", "specialist", "head", "supervisor", "administrator"]
)
def test_every_dossier_route_is_404_to_outsiders(client, debug, foreign_dossier, outsiders, role):
    dossier, stored = foreign_dossier
    user = outsiders[role]
    if user is not None:
        client.force_login(user)
    headers = {}
    if user is not None:
        _, token = AuthToken.objects.create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    args = {
        "ref": dossier.code,
        "code": dossier.code,
        "pk": str(stored.pk),
        "form": "01",
        "action": "receive",
        "verb": "receive",
    }
    checked = []
    for name, pattern, _ in dossier_routes():
        url = fill(pattern, args)
        for method in ("get", "post"):
            response = getattr(client, method)(url, **headers)
            allowed = {404, 405} if user is not None else {302, 401, 403, 404, 405}
            # Anonymous users are sent to log in (pages) or asked to authenticate (API);
            # signed-in outsiders see exactly what a missing dossier looks like.
            assert response.status_code in allowed, (role, name, url, method, response.status_code)
            if user is not None and response.status_code != 405:
                assert response.status_code == 404
            checked.append(url)
    assert checked
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_APPRAISAL


@pytest.fixture
def stored_files(foreign_dossier):
    """Every kind of file the portal keeps: a citizen's upload, an issued slip, and a letter
    stored under a name that carries the dossier code (as older letters were)."""
    dossier, stored = foreign_dossier
    slip_pdf(dossier, "01")
    slip = IssuedSlip.objects.get(dossier=dossier, form="01")
    letter = default_storage.save(
        f"apologies/2025/{dossier.code}-phieu-xin-loi.pdf", ContentFile(PDF + b"letter")
    )
    return dossier, [stored.file.name, slip.pdf.name, letter]


def file_paths(name: str) -> set[str]:
    """The paths a stored file could be asked for by: its storage URL, and the usual media
    prefixes (the site root included)."""
    url = default_storage.url(name)
    return {"/" + url.lstrip("/"), f"/media/{name}", f"/{name}"}


@pytest.mark.parametrize("media_url", ["", "/media/"])
@pytest.mark.parametrize("role", ["anonymous", "citizen", "clerk", "administrator"])
def test_a_stored_file_is_never_served_by_its_path(
    client, settings, debug, stored_files, outsiders, role, media_url
):
    settings.MEDIA_URL = media_url  # "" is what the portal runs with: the site root
    if debug:
        _reload_urlconf()  # the URL configuration reads MEDIA_URL when it loads
    dossier, names = stored_files
    user = outsiders[role]
    if user is not None:
        client.force_login(user)
    for name in names:
        assert dossier.code not in name or name.startswith("apologies/2025/")
        for path in file_paths(name):
            response = client.get(path)
            assert response.status_code == 404, (debug, role, path, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"%PDF" not in body


def test_generated_pdfs_are_stored_under_random_names(stored_files):
    dossier, (upload, slip, _letter) = stored_files
    for name in (upload, slip):
        assert dossier.code not in name
        assert dossier.applicant.full_name not in name
    assert slip.startswith("slips/") and slip.endswith(".pdf")


@pytest.mark.parametrize("role", ["citizen", "clerk", "specialist", "head"])
def test_the_access_log_page_is_404_to_everyone_but_the_supervisor_and_administrators(
    client, debug, role
):
    """Who read whose data is itself personal data: the page does not exist for the others."""
    centre = AgencyFactory(centre=True, code="000.00.01.H75")
    department = DepartmentFactory(agency=centre)
    people = {
        "citizen": CitizenFactory(),
        "clerk": StaffFactory(agency=centre, role="clerk"),
        "specialist": StaffFactory(agency=centre, department=department, role="specialist"),
        "head": StaffFactory(agency=centre, department=department, role="head"),
    }
    client.force_login(people[role])
    assert client.get("/can-bo/nhat-ky-truy-cap/").status_code == 404
    assert client.get("/can-bo/nhat-ky-truy-cap/", {"trang": 2}).status_code == 404
    supervisor = StaffFactory(agency=centre, role="supervisor")
    client.force_login(supervisor)
    assert client.get("/can-bo/nhat-ky-truy-cap/").status_code == 200
