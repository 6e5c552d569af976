"""The staff page and the API agree on the verification and excluded-period verbs, for every
person, and the people of the unit holding the step are the ones who may take them
(docs/legal.md#v1-verification-periods-extend-the-deadline,
docs/legal.md#x1-excluded-periods-pause-the-clock)."""

from typing import Any

import pytest

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import ExcludedPeriodRule, ExclusionKind, LimitUnit
from tests.dossiers.factories import World, build_dossier, build_world
from tests.dossiers.test_page_and_api_agree import (
    DONE,
    INVALID,
    REFUSED,
    api_outcome,
    page_outcome,
    people,
    snapshot,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

INPUT: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "record_verification": (
        {"amount": "2", "reason": "Cần xác minh nơi cư trú."},
        {"amount": 2, "reason": "Cần xác minh nơi cư trú."},
    ),
    "start_excluded_period": (
        {"kind": ExclusionKind.POSTING, "reason": "Niêm yết tại trụ sở."},
        {"kind": ExclusionKind.POSTING, "reason": "Niêm yết tại trụ sở."},
    ),
    "end_excluded_period": ({}, {}),
}
MISSING: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "record_verification": ({"amount": "2"}, {"reason": "Cần xác minh."}),
    "start_excluded_period": ({"reason": "Niêm yết."}, {"kind": ExclusionKind.POSTING}),
}
TOO_MUCH = ({"amount": "9", "reason": "Xác minh."}, {"amount": 9, "reason": "Xác minh."})


@pytest.fixture
def world() -> World:
    made = build_world()
    made.centre_head = StaffFactory(agency=made.centre, role="head")  # type: ignore[attr-defined]
    made.supervisor = StaffFactory(agency=made.centre, role="supervisor")  # type: ignore[attr-defined]
    made.foreign_clerk = StaffFactory(role="clerk")  # type: ignore[attr-defined]
    version = made.version
    version.verification_amount = 5
    version.verification_unit = LimitUnit.WORKING_DAYS
    version.verification_basis = "Luật Hộ tịch 2014, Điều 25 khoản 2"
    version.save()
    ExcludedPeriodRule.objects.create(
        version=version,
        kind=ExclusionKind.POSTING,
        legal_basis="Căn cứ minh họa",
        max_amount=15,
        max_unit=LimitUnit.CALENDAR_DAYS,
    )
    return made


def walk(world: World, verb: str) -> Dossier:
    dossier = build_dossier(world, State.IN_APPRAISAL)
    if verb == "end_excluded_period":
        services.dossier_start_excluded_period(
            dossier=dossier, actor=world.specialist, kind=ExclusionKind.POSTING, reason="Niêm yết."
        )
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.parametrize("verb", list(INPUT))
def test_the_page_and_the_api_agree_for_everyone(world: World, verb: str) -> None:
    outcomes = {}
    for who, person in people(world).items():
        page_data, api_data = INPUT[verb]
        probe = walk(world, verb)
        by_page = page_outcome(person, probe, verb, page_data)
        twin = walk(world, verb)
        before = snapshot(twin)
        by_api = api_outcome(person, twin, verb, api_data)
        assert by_page == by_api, (verb, who, by_page, by_api)
        if by_api != DONE:
            assert snapshot(twin) == before
        outcomes[who] = by_page
    # The specialist and the head of the unit holding the step; nobody else.
    assert outcomes == {
        "clerk": REFUSED,
        "specialist": DONE,
        "head": DONE,
        "centre head": REFUSED,
        "supervisor": REFUSED,
        "foreign clerk": REFUSED,
        "applicant": REFUSED,
    }


@pytest.mark.parametrize("verb", list(MISSING))
def test_missing_input_is_refused_alike_and_nothing_stored(world: World, verb: str) -> None:
    page_data, api_data = MISSING[verb]
    probe, twin = walk(world, verb), walk(world, verb)
    before = snapshot(probe), snapshot(twin)

    assert page_outcome(world.specialist, probe, verb, page_data) == INVALID
    assert api_outcome(world.specialist, twin, verb, api_data) == INVALID
    assert (snapshot(probe), snapshot(twin)) == before


def test_more_than_the_allowance_is_refused_alike(world: World) -> None:
    probe, twin = walk(world, "record_verification"), walk(world, "record_verification")

    assert page_outcome(world.specialist, probe, "record_verification", TOO_MUCH[0]) == INVALID
    assert api_outcome(world.specialist, twin, "record_verification", TOO_MUCH[1]) == INVALID
    assert Dossier.objects.filter(verification_recorded_at__isnull=False).count() == 0


def test_the_buttons_follow_the_clock(world: World) -> None:
    """In appraisal the specialist sees "record verification" and "start"; once a posting
    runs, "end" instead of "start", and no approval button for the head."""
    from dossiers import selectors_staff

    dossier = walk(world, "record_verification")
    found = selectors_staff.staff_dossier_or_404(world.specialist, dossier.code)
    names = selectors_staff.available_actions(found, world.specialist)
    assert {"record_verification", "start_excluded_period"} <= set(names)
    assert "end_excluded_period" not in names

    running = walk(world, "end_excluded_period")
    found = selectors_staff.staff_dossier_or_404(world.specialist, running.code)
    names = selectors_staff.available_actions(found, world.specialist)
    assert "end_excluded_period" in names and "start_excluded_period" not in names
    services.dossier_propose(
        dossier=running, actor=world.specialist, decision="denied", reason="Có khiếu nại."
    )
    found = selectors_staff.staff_dossier_or_404(world.head, running.code)
    assert "approve" not in selectors_staff.available_actions(found, world.head)
