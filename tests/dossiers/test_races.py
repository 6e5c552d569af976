"""Concurrency on real PostgreSQL: one winner per transition, unique codes under load."""

import threading
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from core.errors import TransitionConflict
from dossiers import services
from dossiers.models import Dossier, DossierEvent, State
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    ProcedureVersionFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%%EOF\n"


def run_together(workers: list[Callable[[], object]]) -> list[object]:
    """Starts every worker at the same instant (a barrier); returns results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setup():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    centre = AgencyFactory(centre=True, code="000.00.01.H75")
    version = ProcedureVersionFactory()
    version.procedure.agencies.add(centre)
    component = ComponentFactory(version=version)
    return centre, version, component


def submitted(centre, version, component, citizen=None) -> Dossier:
    citizen = citizen or CitizenFactory()
    dossier = services.dossier_create_draft(
        applicant=citizen, procedure=version.procedure, agency=centre, actor=citizen
    )
    services.dossier_attach_file(
        dossier=dossier, actor=citizen, upload=SimpleUploadedFile("a.pdf", PDF), component=component
    )
    return services.dossier_submit(dossier=dossier, actor=citizen)


def test_two_clerks_receive_the_same_dossier_at_once(setup):
    centre, version, component = setup
    dossier = submitted(centre, version, component)
    clerks = [StaffFactory(agency=centre, role="clerk"), StaffFactory(agency=centre, role="clerk")]
    results = run_together(
        [
            lambda c=clerk: services.dossier_receive(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=c
            )
            for clerk in clerks
        ]
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, TransitionConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1


def test_fifty_parallel_submissions_get_fifty_distinct_codes(setup):
    centre, version, component = setup
    drafts = []
    for _ in range(50):
        citizen = CitizenFactory()
        draft = services.dossier_create_draft(
            applicant=citizen, procedure=version.procedure, agency=centre, actor=citizen
        )
        services.dossier_attach_file(
            dossier=draft,
            actor=citizen,
            upload=SimpleUploadedFile("a.pdf", PDF),
            component=component,
        )
        drafts.append((draft, citizen))
    results = run_together(
        [lambda d=d, c=c: services.dossier_submit(dossier=d, actor=c).code for d, c in drafts]
    )
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 50
    sequences = sorted(int(code.rsplit("-", 1)[1]) for code in results)  # type: ignore[union-attr]
    assert sequences == list(range(1, 51))
