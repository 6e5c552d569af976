"""The verb table (dossiers/verbs.py) is whole: every transition of the workflow is declared
there, each declaration names what exists, and what reads the table (buttons, history,
notifications, the API) follows it."""

from unittest import mock

import pytest
from django.template.loader import get_template

from dossiers import notifications, services, verbs
from dossiers.forms_actions import ActionForm
from dossiers.models import NATIONAL_STATUS, Dossier, Notification, State
from tests.dossiers.factories import build_dossier, build_world


def transitions() -> dict[str, object]:
    field = Dossier._meta.get_field("state")
    return {t.name: t for t in field.get_all_transitions(Dossier)}  # type: ignore[attr-defined]


def test_every_transition_of_the_workflow_is_a_declared_verb():
    declared = {name for name, verb in verbs.VERBS.items() if verb.transition}
    assert set(transitions()) == declared


def test_each_declaration_names_a_service_and_a_form_that_exist():
    for verb in verbs.VERBS.values():
        if verb.by == verbs.SYSTEM:
            continue
        assert callable(verb.run), verb.name
        if verb.transition:
            assert verb.form_class is not None and issubclass(verb.form_class, ActionForm)


def test_a_verbs_national_code_is_the_code_of_the_state_it_reaches():
    for name, transition in transitions().items():
        assert verbs.VERBS[name].national_code == NATIONAL_STATUS.get(transition.target)  # type: ignore[attr-defined]
    assert verbs.VERBS["record_payment"].national_code is None


def test_every_staff_verb_says_what_it_does_and_every_notice_has_its_templates():
    for verb in verbs.of(verbs.STAFF):
        get_template(verb.explanation)
    for verb in verbs.VERBS.values():
        if verb.notifies and verb.notice is None:
            get_template(f"dossiers/email/{verb.notifies}.txt")
            get_template(f"dossiers/email/{verb.notifies}_subject.txt")
    assert verbs.VERBS["apology_issued"].notice is not None  # apologies declared its own


def test_only_the_verbs_that_notify_queue_a_task(db):
    """A hand-over tells the citizen nothing: no notification row, no task; a reception
    writes its two rows and wakes the worker once."""
    world = build_world()
    dossier = build_dossier(world, State.RECEIVED)
    with mock.patch("dossiers.services.publish_on_commit") as publish:
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    publish.assert_not_called()
    hand_over = dossier.events.get(action="hand_over")
    assert not Notification.objects.filter(event=hand_over).exists()
    assert notifications.plan(hand_over) == []

    submitted = build_dossier(world, State.SUBMITTED)
    with mock.patch("dossiers.services.publish_on_commit") as publish:
        services.dossier_receive(dossier=submitted, actor=world.clerk)
    assert publish.call_count == 1
    received = submitted.events.get(action="receive")
    assert Notification.objects.filter(event=received).count() == 2  # e-mail and SMS


@pytest.mark.parametrize("name", ["hand_over", "propose", "send_back", "confirm_payment"])
def test_verbs_that_tell_the_citizen_nothing_say_so(name):
    assert verbs.VERBS[name].notifies is None
