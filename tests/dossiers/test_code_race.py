"""On real PostgreSQL: fifty receptions at once by fifty clerks give fifty distinct codes of
the settling agency's day, numbered 1 to 50 (docs/legal.md#dossier-code)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.test_races import PDF, run_together
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_parallel_receptions_get_fifty_distinct_codes_of_the_settling_agency():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    centre = AgencyFactory(centre=True, code="000.00.01.H75")
    justice = AgencyFactory(name="Sở Tư pháp", code="000.00.12.H75")
    version = ProcedureVersionFactory()
    version.procedure.agencies.add(centre)
    ProcessStepFactory(version=version, order=1, agency=centre, budget_hours=4)
    ProcessStepFactory(version=version, order=2, agency=justice, budget_hours=8)
    component = ComponentFactory(version=version)
    work = []
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
        services.dossier_submit(dossier=draft, actor=citizen)
        work.append((draft.pk, StaffFactory(agency=centre, role="clerk")))
    results = run_together(
        [
            lambda pk=pk, clerk=clerk: (
                services.dossier_receive(dossier=Dossier.objects.get(pk=pk), actor=clerk).code
            )
            for pk, clerk in work
        ]
    )
    assert all(isinstance(r, str) for r in results), results
    day = timezone.localdate().strftime("%y%m%d")
    assert all(r.startswith(f"000.00.12.H75-{day}-") for r in results)  # type: ignore[union-attr]
    assert sorted(int(r.rsplit("-", 1)[1]) for r in results) == list(range(1, 51))  # type: ignore[union-attr]
