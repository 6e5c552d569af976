"""The staff page and the API give the same answer to every verb, for every person, in every
state (issue 11 item 2).

The matrix is generated: every state a dossier can be walked to × every staff verb
(dossiers/verbs.py) × one person of each kind (the one-stop clerk, the specialist and the
head of the unit, a head at the centre, the province's supervisor, a clerk of another
agency, the applicant). Each case is sent once through the staff page and once through
``POST /api/v1/dossiers/<ref>/actions/<verb>/`` with the same valid input, and a second time
with the input a verb cannot do without (no reason, no amount, a grant without its result
document …). Both must agree on the outcome — done, refused as invalid, or refused
(missing, or not this person's now) — and, when done, on the state the dossier reaches.
Nobody who cannot see a dossier learns it exists, on either path.
"""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from dossiers import verbs
from dossiers.models import Decision, Dossier, State
from tests.dossiers.factories import (
    STARTS,
    SUPPLEMENT_ITEMS,
    World,
    build_world,
    make_pdf_upload,
    walk,
)
from tests.factories import StaffFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db

DONE, INVALID, REFUSED = "done", "invalid", "refused"
RECEIPTS = itertools.count(1)

STAFF_VERBS = [verb.name for verb in verbs.of(verbs.STAFF)]


def _supplement_page(items: list[dict[str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"}
    for index, item in enumerate(items):
        data |= {f"items-{index}-name": item["name"], f"items-{index}-reason": item["reason"]}
    return data


def valid_input(verb: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(page POST, API JSON or multipart body) that a verb accepts."""
    if verb in ("request_supplement", "request_appraisal_supplement"):
        return _supplement_page(SUPPLEMENT_ITEMS), {"items": SUPPLEMENT_ITEMS}
    reasons = {
        "refuse": "Không thuộc thẩm quyền.",
        "stop": "Đề nghị dừng.",
        "send_back": "Xem lại.",
    }
    if verb in reasons:
        return {"reason": reasons[verb]}, {"reason": reasons[verb]}
    if verb == "request_payment":
        return {"amount": "200000"}, {"amount": 200_000}
    if verb == "confirm_payment":
        # Receipt numbers are unique in the year: the page's and the API's each their own.
        return (
            {"receipt_number": f"BL-{next(RECEIPTS):07d}"},
            {"receipt_number": f"BL-{next(RECEIPTS):07d}"},
        )
    if verb == "propose":
        return (
            {"decision": Decision.GRANTED, "result_file": make_pdf_upload("ket-qua.pdf")},
            {"decision": Decision.GRANTED, "result_file": make_pdf_upload("ket-qua.pdf")},
        )
    return {}, {}


# The input each verb cannot do without, left out (the verbs not listed need none).
MISSING_INPUT: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "request_supplement": (_supplement_page([]), {"items": []}),
    "request_appraisal_supplement": (_supplement_page([]), {}),
    "refuse": ({"reason": "  "}, {}),
    "stop": ({}, {"reason": ""}),
    "send_back": ({}, {}),
    "request_payment": ({}, {}),
    "confirm_payment": ({"receipt_number": ""}, {}),
    "propose": ({"decision": Decision.GRANTED}, {"decision": Decision.GRANTED}),
}


def page_outcome(user: User, dossier: Dossier, verb: str, data: dict[str, Any]) -> str:
    client = Client()
    force_login_verified(client, user)
    response = client.post(reverse("staff:action", args=(dossier.ref, verb)), data)
    if response.status_code == 404:
        return REFUSED
    if response.status_code == 400:
        return INVALID
    assert response.status_code == 302, (verb, user, response.status_code)
    levels = {message.level_tag for message in get_messages(response.wsgi_request)}
    return DONE if levels == {"success"} else REFUSED


def api_outcome(user: User, dossier: Dossier, verb: str, data: dict[str, Any]) -> str:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    has_file = any(hasattr(value, "read") for value in data.values())
    response = client.post(
        f"/api/v1/dossiers/{dossier.ref}/actions/{verb}/",
        data,
        format="multipart" if has_file else "json",
    )
    code = response.status_code
    assert code in (200, 400, 404, 409), (verb, user, code, response.content)
    assert "detail" in response.json() or code == 200
    return {200: DONE, 400: INVALID}.get(code, REFUSED)


def api_status(user: User, dossier: Dossier, verb: str) -> int:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(
        f"/api/v1/dossiers/{dossier.ref}/actions/{verb}/", {}, format="json"
    ).status_code


@pytest.fixture
def world() -> World:
    made = build_world()
    made.centre_head = StaffFactory(agency=made.centre, role="head")  # type: ignore[attr-defined]
    made.supervisor = StaffFactory(agency=made.centre, role="supervisor")  # type: ignore[attr-defined]
    made.foreign_clerk = StaffFactory(role="clerk")  # type: ignore[attr-defined]
    return made


def people(world: World) -> dict[str, User]:
    return {
        "clerk": world.clerk,
        "specialist": world.specialist,
        "head": world.head,
        "centre head": world.centre_head,  # type: ignore[attr-defined]
        "supervisor": world.supervisor,  # type: ignore[attr-defined]
        "foreign clerk": world.foreign_clerk,  # type: ignore[attr-defined]
        "applicant": world.citizen,
    }


def snapshot(dossier: Dossier) -> tuple[str, int]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.state, fresh.events.count()


def compare(
    world: World,
    start: str,
    make_input: Callable[[str], tuple[dict[str, Any], dict[str, Any]] | None],
) -> list[str]:
    """Every staff verb × every person from ``start``; the disagreements, in words."""
    disagreements = []
    probe = walk(world, start)
    for verb, (who, person) in itertools.product(STAFF_VERBS, people(world).items()):
        given = make_input(verb)
        if given is None:
            continue
        page_data, api_data = given
        before = snapshot(probe)
        by_page = page_outcome(person, probe, verb, page_data)
        reached_by_page = snapshot(probe)[0]
        if by_page == DONE:
            target = walk(world, start)  # the probe moved on: the API gets a twin of it
        else:
            assert snapshot(probe) == before, f"{verb} by {who}: refused, yet the dossier changed"
            target = probe
        before_api = snapshot(target)
        by_api = api_outcome(person, target, verb, api_data)
        if by_api != DONE:
            assert snapshot(target) == before_api, f"{verb} by {who}: API refused, yet it changed"
        elif by_page == DONE and snapshot(target)[0] != reached_by_page:
            disagreements.append(
                f"{start}/{verb}/{who}: page → {reached_by_page}, API → {snapshot(target)[0]}"
            )
        if by_page != by_api:
            disagreements.append(f"{start}/{verb}/{who}: page {by_page}, API {by_api}")
        if by_page == DONE or by_api == DONE:
            probe = walk(world, start)
    return disagreements


@pytest.mark.slow
@pytest.mark.parametrize("start", STARTS)
def test_the_page_and_the_api_agree_on_every_verb_for_everyone(world, start):
    assert compare(world, start, valid_input) == []


@pytest.mark.slow
@pytest.mark.parametrize("start", STARTS)
def test_the_page_and_the_api_refuse_the_same_missing_input(world, start):
    assert compare(world, start, MISSING_INPUT.get) == []


def test_some_verb_is_done_on_both_paths_and_a_grant_needs_its_document(world):
    """The matrix is not vacuous: a proposal is done by the specialist on both paths, and a
    grant without its result document is refused on both (the API accepted it before)."""
    dossier = walk(world, State.IN_APPRAISAL)
    missing_page, missing_api = MISSING_INPUT["propose"]
    assert page_outcome(world.specialist, dossier, "propose", missing_page) == INVALID
    assert api_outcome(world.specialist, dossier, "propose", missing_api) == INVALID
    page_data, api_data = valid_input("propose")
    assert page_outcome(world.specialist, dossier, "propose", page_data) == DONE
    twin = walk(world, State.IN_APPRAISAL)
    assert api_outcome(world.specialist, twin, "propose", api_data) == DONE
    assert Dossier.objects.get(pk=twin.pk).result_file


def test_nobody_outside_the_dossier_learns_it_exists(world):
    dossier = walk(world, State.SUBMITTED)
    for verb in STAFF_VERBS:
        assert api_status(world.foreign_clerk, dossier, verb) == 404  # type: ignore[attr-defined]
        client = Client()
        force_login_verified(client, world.foreign_clerk)  # type: ignore[attr-defined]
        page = client.post(reverse("staff:action", args=(dossier.ref, verb)), valid_input(verb)[0])
        assert page.status_code == 404


def test_a_hand_over_goes_only_to_someone_the_next_step_may_be_given_to(world):
    """The page offers only the next unit's workflow staff; the API accepted anyone of that
    agency before. Now both refuse a person of the unit who handles no dossiers."""
    outsider = StaffFactory(agency=world.justice, role="supervisor")
    dossier = walk(world, State.RECEIVED)
    page_data = {"assignee": str(outsider.pk)}
    assert page_outcome(world.clerk, dossier, "hand_over", page_data) == INVALID
    assert api_outcome(world.clerk, dossier, "hand_over", {"assignee": outsider.pk}) == INVALID
    assert api_outcome(world.clerk, dossier, "hand_over", {"assignee": world.specialist.pk}) == DONE
    assert Dossier.objects.get(pk=dossier.pk).assignee == world.specialist
