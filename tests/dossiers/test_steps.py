"""The step table (form 06's source) tells the truth (issue 9 item 7): each step is credited
to the person who did its work, and every step of a returned dossier is done."""

import pytest
from django.urls import reverse

from core.errors import DossierError
from dossiers import selectors_staff, services
from dossiers.models import Decision, Dossier, State, StepState
from procedures.models import ProcessStep
from tests.dossiers.factories import World, draft_with_files, make_pdf_upload
from tests.factories import ProcessStepFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def four_steps(world: World) -> World:
    """Reception, appraisal, the head's signature and the return, as the demo's procedures
    have them (the world's version has the first two)."""
    ProcessStepFactory(
        version=world.version,
        order=3,
        name="Lãnh đạo ký kết quả",
        agency=world.justice,
        department=world.department,
        budget_hours=2,
    )
    ProcessStepFactory(
        version=world.version, order=4, name="Trả kết quả", agency=world.centre, budget_hours=2
    )
    return world


def in_appraisal(world: World, handed_over_by=None) -> Dossier:
    dossier = draft_with_files(world)
    services.dossier_submit(dossier=dossier, actor=world.citizen)
    services.dossier_receive(dossier=dossier, actor=world.clerk)
    services.dossier_hand_over(dossier=dossier, actor=handed_over_by or world.clerk)
    services.dossier_propose(
        dossier=dossier,
        actor=world.specialist,
        decision=Decision.GRANTED,
        result_file=make_pdf_upload("ket-qua.pdf"),
    )
    return dossier


def table(dossier: Dossier) -> list[tuple[str, str, str | None]]:
    return [
        (step.name, step.state, step.handled_by.full_name if step.handled_by else None)
        for step in Dossier.objects.get(pk=dossier.pk).steps.order_by("order")
    ]


def test_each_step_is_credited_to_who_did_it_and_all_are_done_at_return(four_steps):
    world = four_steps
    colleague = StaffFactory(agency=world.centre, role="clerk", full_name="Đỗ Thị Giang")
    dossier = in_appraisal(world)
    services.dossier_hand_over(dossier=dossier, actor=world.specialist)  # to the head
    services.dossier_approve(dossier=dossier, actor=world.head)

    # Approved: the return step is the one-stop section's, running now.
    assert table(dossier)[3] == ("Trả kết quả", StepState.ACTIVE, None)
    assert Dossier.objects.get(pk=dossier.pk).current_step.name == "Trả kết quả"

    services.dossier_return(dossier=dossier, actor=colleague)

    assert table(dossier) == [
        ("Tiếp nhận hồ sơ", StepState.DONE, "Lê Văn Cường"),
        ("Thẩm định, trình ký", StepState.DONE, "Phạm Thị Dung"),
        ("Lãnh đạo ký kết quả", StepState.DONE, "Hoàng Văn Em"),
        ("Trả kết quả", StepState.DONE, "Đỗ Thị Giang"),
    ]
    steps = Dossier.objects.get(pk=dossier.pk).steps.all()
    assert all(step.started_at and step.finished_at for step in steps)


def test_the_reception_is_the_receiving_clerks_whoever_hands_over(four_steps):
    world = four_steps
    colleague = StaffFactory(agency=world.centre, role="clerk", full_name="Đỗ Thị Giang")
    dossier = in_appraisal(world, handed_over_by=colleague)

    assert table(dossier)[0] == ("Tiếp nhận hồ sơ", StepState.DONE, "Lê Văn Cường")
    # The specialist's step is theirs as soon as they propose, before anyone hands it on.
    assert table(dossier)[1] == ("Thẩm định, trình ký", StepState.ACTIVE, "Phạm Thị Dung")


def test_a_head_deciding_from_the_specialists_step_signs_the_signature_step(four_steps):
    world = four_steps
    dossier = in_appraisal(world)
    services.dossier_approve(dossier=dossier, actor=world.head)

    assert table(dossier)[1:] == [
        ("Thẩm định, trình ký", StepState.DONE, "Phạm Thị Dung"),
        ("Lãnh đạo ký kết quả", StepState.DONE, "Hoàng Văn Em"),
        ("Trả kết quả", StepState.ACTIVE, None),
    ]


def test_the_staff_page_shows_who_did_each_step(client, four_steps):
    world = four_steps
    dossier = in_appraisal(world)
    services.dossier_approve(dossier=dossier, actor=world.head)
    services.dossier_return(dossier=dossier, actor=world.clerk)
    client.force_login(world.clerk)

    page = client.get(reverse("staff:dossier", args=[dossier.ref])).content.decode()

    rows = page[page.index("staff-steps") :]
    for name in ("Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"):
        assert name in rows
    assert Dossier.objects.get(pk=dossier.pk).state == State.RETURNED


def test_a_step_that_falls_to_the_one_stop_section_is_passed_on_by_its_clerks(world):
    """A commune unit's step of a dossier received at the province (a public posting, say)
    resolves to the receiving centre: its clerks find the dossier in their queue and pass it
    on; nobody else at the centre, and no clerk of another centre, may."""
    steps = list(ProcessStep.objects.filter(version=world.version).order_by("order"))
    ProcessStepFactory(
        version=world.version,
        order=len(steps) + 1,
        name="Niêm yết công khai",
        agency=None,
        budget_hours=4,
    )
    ProcessStepFactory(
        version=world.version,
        order=len(steps) + 2,
        name="Lãnh đạo ký kết quả",
        agency=world.justice,
        department=world.department,
        budget_hours=2,
    )
    dossier = draft_with_files(world)
    services.dossier_submit(dossier=dossier, actor=world.citizen)
    services.dossier_receive(dossier=dossier, actor=world.clerk)
    while Dossier.objects.get(pk=dossier.pk).current_step.name != "Niêm yết công khai":
        current = Dossier.objects.get(pk=dossier.pk)
        actor = world.clerk if current.state == State.RECEIVED else world.specialist
        services.dossier_hand_over(dossier=dossier, actor=actor)
    posted = Dossier.objects.get(pk=dossier.pk)
    assert posted.current_step.agency_id == world.centre.pk

    assert posted in selectors_staff.queue(world.clerk)
    other_centre_clerk = StaffFactory(role="clerk", full_name="Cán bộ nơi khác")
    with pytest.raises(DossierError):
        services.dossier_hand_over(dossier=posted, actor=other_centre_clerk)
    with pytest.raises(DossierError):
        services.dossier_hand_over(dossier=posted, actor=world.specialist)

    services.dossier_hand_over(dossier=posted, actor=world.clerk)

    handed = Dossier.objects.get(pk=dossier.pk)
    assert handed.current_step.name == "Lãnh đạo ký kết quả"
    assert handed.steps.get(name="Niêm yết công khai").handled_by == world.clerk
