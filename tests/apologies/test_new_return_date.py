"""The new return date an apology letter proposes is a moment the agency is open: the
citizen is asked to come back then (docs/legal.md, "The new return date")."""

import pytest
import time_machine

from apologies.scan import scan
from apologies.services import letter_create_draft, letter_update
from core.errors import DossierError
from tests.apologies.test_scan import at, received_on_friday_before_tet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

REASON = "Hồ sơ cần xác minh thêm."


@pytest.fixture
def letter(world):
    dossier = received_on_friday_before_tet(world)  # due Wednesday 5 February 2025, 09:00
    with time_machine.travel(at(2025, 2, 5, 10, 0), tick=False):
        scan(enqueue=False)
        made = letter_create_draft(dossier_id=dossier.pk)
    assert made is not None
    return made


@pytest.mark.parametrize(
    "moment",
    [
        at(2025, 2, 9, 10, 0),  # a Sunday
        at(2025, 2, 10, 3, 0),  # a working Monday, at 03:00
        at(2025, 2, 10, 12, 0),  # the lunch break
        at(2025, 2, 10, 18, 30),  # after closing
        at(2025, 4, 7, 10, 0),  # Giỗ Tổ Hùng Vương 2025, a Monday off
        at(2025, 5, 2, 10, 0),  # Friday 2 May 2025, off in exchange for Saturday 26 April
    ],
    ids=["sunday", "night", "lunch", "evening", "hung-kings", "bridge-day"],
)
def test_a_date_when_the_agency_is_closed_is_refused(world, letter, moment):
    with (
        time_machine.travel(at(2025, 2, 5, 10, 30), tick=False),
        pytest.raises(DossierError) as refused,
    ):
        letter_update(letter=letter, actor=world.head, reason=REASON, proposed_due_at=moment)
    assert refused.value.field == "proposed_due_at"
    assert "giờ làm việc" in str(refused.value.message)
    letter.refresh_from_db()
    assert letter.proposed_due_at != moment


@pytest.mark.parametrize(
    "moment",
    [
        at(2025, 2, 10, 17, 0),  # a Monday at closing time
        at(2025, 2, 10, 8, 0),  # a Monday morning
        at(2025, 4, 26, 10, 0),  # Saturday 26 April 2025, a make-up working day
    ],
    ids=["closing-time", "morning", "make-up-saturday"],
)
def test_a_moment_the_agency_is_open_is_taken(world, letter, moment):
    with time_machine.travel(at(2025, 2, 5, 10, 30), tick=False):
        letter_update(letter=letter, actor=world.head, reason=REASON, proposed_due_at=moment)
    letter.refresh_from_db()
    assert letter.proposed_due_at == moment
