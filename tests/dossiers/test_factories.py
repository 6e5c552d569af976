"""The shared builders reach every state through the services (other tests rely on them)."""

import pytest

from dossiers.models import DossierEvent, State
from tests.dossiers.factories import World, build_dossier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", State.values)
def test_every_state_can_be_built_through_the_services(world: World, state: str):
    dossier = build_dossier(world, state)

    assert dossier.state == state
    assert dossier.applicant == world.citizen
    events = DossierEvent.objects.filter(dossier=dossier)
    if state == State.DRAFT:
        assert dossier.code is None
        assert not events.exists()
    elif dossier.received_at is None:
        # Before receipt, the submission reference from the receiving centre's counter.
        assert dossier.code and dossier.code.startswith(f"{world.centre.code}-")
        assert events.last().to_state == state  # type: ignore[union-attr]
    else:
        # Received: the code of the agency that settles it, Sở Tư pháp (docs/legal.md#dossier-code).
        assert dossier.code and dossier.code.startswith(f"{world.justice.code}-")
        assert events.last().to_state == state  # type: ignore[union-attr]
