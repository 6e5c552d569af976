"""Every verb raced against every other on the same dossier, on real PostgreSQL.

The matrix is generated, not listed: for each state a dossier can be walked to, the verbs
django-fsm offers from it, each done by the first person of the world it allows. Every pair
(and each verb against itself, three at once) starts at the same instant. Whatever the
order the row lock gives them, the answers are successes or 409 (``TransitionConflict``),
never another error, and the dossier ends consistent: one event per success chained from
state to state, at most one active step (none once settled) and it is the current one,
at most one clock pause open and only while the dossier waits.
"""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils.timezone import now as timezone_now
from django_fsm import has_transition_perm

from accounts.models import User
from core.errors import TransitionConflict
from dossiers import services
from dossiers.models import (
    SETTLED_STATES,
    Decision,
    Dossier,
    DossierEvent,
    State,
    StepState,
)
from dossiers.verbs import SYSTEM, VERBS
from tests.dossiers.factories import (
    STARTS,
    SUPPLEMENT_ITEMS,
    World,
    build_world,
    make_pdf_upload,
    walk,
)
from tests.dossiers.test_races import run_together
from tests.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECEIPTS = itertools.count(1)

# What each verb needs besides the dossier and the actor (a reason, the items asked …).
ARGUMENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "request_supplement": lambda: {"items": SUPPLEMENT_ITEMS},
    "request_appraisal_supplement": lambda: {"items": SUPPLEMENT_ITEMS},
    "refuse": lambda: {"reason": "Thủ tục không thuộc thẩm quyền."},
    "stop": lambda: {"reason": "Công dân đề nghị dừng xử lý."},
    "send_back": lambda: {"reason": "Cần thẩm định lại."},
    "withdraw": lambda: {"reason": "Không còn nhu cầu."},
    "request_payment": lambda: {"amount": 200_000},
    # Receipt numbers are unique in the year: each call its own.
    "confirm_payment": lambda: {"receipt_number": f"BL-{next(RECEIPTS):07d}"},
    "propose": lambda: {
        "decision": Decision.GRANTED,
        "result_file": make_pdf_upload("ket-qua.pdf"),
    },
}


def people(world: World) -> list[User]:
    return [world.citizen, world.clerk, world.specialist, world.head, world.centre_head]  # type: ignore[attr-defined]


def offered(world: World, dossier: Dossier) -> dict[str, User]:
    """Verb → the first person of the world allowed to do it on this dossier now."""
    verbs: dict[str, User] = {}
    for transition in dossier.get_available_state_transitions():  # type: ignore[attr-defined]
        name = transition.name
        if name not in VERBS or VERBS[name].by == SYSTEM:
            continue
        method = getattr(dossier, name)
        for person in people(world):
            if has_transition_perm(method, person):
                verbs[name] = person
                break
    return verbs


def call(verb: str, dossier_pk: int, actor: User) -> Callable[[], object]:
    def work() -> object:
        dossier = Dossier.objects.get(pk=dossier_pk)
        return VERBS[verb].run(dossier=dossier, actor=actor, **ARGUMENTS.get(verb, dict)())

    return work


def assert_consistent(dossier: Dossier, events_before: int, winners: int) -> None:
    dossier = Dossier.objects.select_related("current_step").get(pk=dossier.pk)
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("pk"))
    assert len(events) - events_before == winners, "one event per success"
    for earlier, later in itertools.pairwise(events):
        assert later.from_state == earlier.to_state, (earlier.action, later.action)
    assert events[-1].to_state == dossier.state
    active = list(dossier.steps.filter(state=StepState.ACTIVE))
    if dossier.state in SETTLED_STATES:
        assert active == [], f"{dossier.state} with a step still active"
    else:
        assert len(active) <= 1, "two steps active at once"
        if active:
            assert dossier.current_step_id == active[0].pk
    open_pauses = dossier.pauses.filter(ended_at__isnull=True).count()
    assert open_pauses <= 1
    if dossier.state in (State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT):
        assert open_pauses == 1 and dossier.paused_at is not None
    elif dossier.state == State.IN_APPRAISAL:
        assert open_pauses == 0 and dossier.paused_at is None


@pytest.fixture
def world() -> World:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    made = build_world()
    # A head at the one-stop centre, so the verbs of a received dossier have their person.
    made.centre_head = StaffFactory(agency=made.centre, role="head")  # type: ignore[attr-defined]
    return made


@pytest.mark.parametrize("start", STARTS)
def test_every_verb_against_every_other_ends_in_one_story(world, start):
    probe = walk(world, start)
    verbs = offered(world, probe)
    assert verbs, f"nothing to race from {start}"
    pairs = list(itertools.combinations_with_replacement(sorted(verbs), 2))
    for first, second in pairs:
        dossier = walk(world, start)
        before = DossierEvent.objects.filter(dossier=dossier).count()
        # A verb against itself: three at once, as a double-click and a retry would.
        racers = [first, second] if first != second else [first] * 3
        results = run_together([call(verb, dossier.pk, verbs[verb]) for verb in racers])
        unexpected = [
            (verb, r)
            for verb, r in zip(racers, results, strict=True)
            if not isinstance(r, Dossier | TransitionConflict)
        ]
        assert unexpected == [], f"{start}: {first} × {second}"
        winners = [r for r in results if isinstance(r, Dossier)]
        assert winners, f"{start}: {first} × {second} — nobody won"
        if first == second:
            assert len(winners) == 1, f"{start}: {first} done {len(winners)} times"
        assert_consistent(dossier, before, len(winners))


@pytest.mark.parametrize("verb", ["approve", "stop", "withdraw", "send_back", "request_payment"])
def test_issuing_an_apology_letter_races_the_verbs_of_its_dossier(world, verb):
    """The head issues the overdue dossier's letter while someone acts on the dossier: never
    a deadlock (the letter and the dossier are locked in one order), and the letter is issued
    only while the dossier still waits for a decision."""
    from apologies.models import ApologyLetter, LetterState
    from apologies.services import letter_issue
    from tests.apologies.overdue import overdue_with_draft
    from workcalendar.calendars import calendar_for
    from workcalendar.engine import add_working_time

    dossier, letter = overdue_with_draft(world)
    services.dossier_propose(
        dossier=dossier,
        actor=world.specialist,
        decision=Decision.GRANTED,
        result_file=make_pdf_upload("ket-qua.pdf"),
    )
    new_date = add_working_time(calendar_for(letter.agency), timezone_now(), 16).due_at
    dossier = Dossier.objects.get(pk=dossier.pk)
    actor = offered(world, dossier)[verb]
    before = DossierEvent.objects.filter(dossier=dossier).count()
    results = run_together(
        [
            lambda: letter_issue(
                letter=ApologyLetter.objects.get(pk=letter.pk),
                actor=world.head,
                proposed_due_at=new_date,
            ),
            call(verb, dossier.pk, actor),
        ]
    )
    assert all(isinstance(r, ApologyLetter | Dossier | TransitionConflict) for r in results), (
        results
    )
    letter.refresh_from_db()
    issued = DossierEvent.objects.filter(dossier=dossier, action="apology_issued").count()
    assert issued == (1 if letter.state == LetterState.ISSUED else 0)
    dossier = Dossier.objects.get(pk=dossier.pk)
    if isinstance(results[0], TransitionConflict):
        assert letter.state == LetterState.CANCELLED, "a letter refused only once it is moot"
    winners = sum(isinstance(r, ApologyLetter | Dossier) for r in results)
    assert DossierEvent.objects.filter(dossier=dossier).count() - before == winners
