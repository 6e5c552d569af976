"""The dossier lifecycle over the REST API (issue 3 item 7)."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken
from rest_framework.test import APIClient

from dossiers.models import Dossier, DossierEvent, State
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

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    centre = AgencyFactory(centre=True, code="000.00.01.H75")
    justice = AgencyFactory(name="Sở Tư pháp", code="000.00.12.H75")
    department = DepartmentFactory(agency=justice, name="Phòng Hành chính tư pháp")
    version = ProcedureVersionFactory(
        procedure__name="Cấp Phiếu lý lịch tư pháp", limit_hours_online=40
    )
    version.procedure.agencies.add(centre)
    component = ComponentFactory(version=version, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
    ProcessStepFactory(version=version, order=1, name="Tiếp nhận", agency=centre, budget_hours=4)
    ProcessStepFactory(
        version=version,
        order=2,
        name="Thẩm định",
        agency=justice,
        department=department,
        budget_hours=28,
    )
    ProcessStepFactory(version=version, order=3, name="Trả kết quả", agency=centre, budget_hours=4)
    return {
        "version": version,
        "component": component,
        "centre": centre,
        "citizen": CitizenFactory(full_name="Lê Thị Ngọc Ánh"),
        "clerk": StaffFactory(agency=centre, role="clerk"),
        "specialist": StaffFactory(agency=justice, department=department, role="specialist"),
        "head": StaffFactory(agency=justice, department=department, role="head"),
        "other_citizen": CitizenFactory(),
        "other_clerk": StaffFactory(agency=AgencyFactory(), role="clerk"),
    }


def client_for(user) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def act(user, ref, verb, **data):
    return client_for(user).post(f"/api/v1/dossiers/{ref}/actions/{verb}/", data, format="json")


@time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=True)
def test_the_whole_lifecycle_through_the_api(world):
    citizen = client_for(world["citizen"])
    created = citizen.post(
        "/api/v1/dossiers/",
        {"procedure": world["version"].procedure.code, "agency": world["centre"].code},
        format="json",
    )
    assert created.status_code == 201, created.content
    ref = created.json()["ref"]
    assert created.json()["state"] == "draft"
    assert created.json()["applicant_name"] == "Lê Thị Ngọc Ánh"  # prefilled from the profile

    uploaded = citizen.post(
        f"/api/v1/dossiers/{ref}/components/",
        {"component": world["component"].pk, "file": SimpleUploadedFile("to-khai.pdf", PDF)},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content

    submitted = act(world["citizen"], ref, "submit")
    assert submitted.status_code == 200, submitted.content
    code = submitted.json()["code"]
    assert code == "000.00.01.H75-250303-0001"  # the submission reference, the centre's

    received = act(world["clerk"], code, "receive")
    assert received.status_code == 200
    # Reception gives the code: the e-ID of Sở Tư pháp, which settles it, and the day.
    code = received.json()["code"]
    assert code == "000.00.12.H75-250303-0001"
    assert act(world["clerk"], code, "hand_over").status_code == 200
    # A grant without its result document is refused, as on the staff page.
    no_result = act(world["specialist"], code, "propose", decision="granted")
    assert no_result.status_code == 400
    assert no_result.json()["field"] == "result_file"
    proposed = client_for(world["specialist"]).post(
        f"/api/v1/dossiers/{code}/actions/propose/",
        {"decision": "granted", "result_file": SimpleUploadedFile("ket-qua.pdf", PDF)},
        format="multipart",
    )
    assert proposed.status_code == 200, proposed.content
    assert act(world["head"], code, "approve").status_code == 200
    returned = act(world["clerk"], code, "return_result")
    assert returned.status_code == 200
    body = returned.json()
    assert body["state"] == "returned" and body["national_status"] == 10
    assert [e["action"] for e in body["events"]] == [
        "submit",
        "receive",
        "hand_over",
        "propose",
        "approve",
        "return_result",
    ]

    # The public lookup: the state for the code alone, the masked name with the secret.
    assert APIClient().get(f"/api/v1/track/{code}/").json()["details"] is False
    secret = Dossier.objects.get(code=code).lookup_secret
    tracked = APIClient().get(f"/api/v1/track/{code}/", {"secret": secret})
    assert tracked.status_code == 200
    assert tracked.json()["applicant"] == "Lê T** N** Á**"
    # No identification number (a timestamp's digits may contain "075"; the whole number not).
    assert "national_id" not in tracked.json()
    assert world["citizen"].national_id not in str(tracked.json())


def _submitted(world) -> Dossier:
    from dossiers import services

    dossier = services.dossier_create_draft(
        applicant=world["citizen"],
        procedure=world["version"].procedure,
        agency=world["centre"],
        actor=world["citizen"],
    )
    services.dossier_attach_file(
        dossier=dossier,
        actor=world["citizen"],
        upload=SimpleUploadedFile("a.pdf", PDF),
        component=world["component"],
    )
    return services.dossier_submit(dossier=dossier, actor=world["citizen"])


def test_a_foreign_dossier_is_404_for_reading_and_acting(world):
    dossier = _submitted(world)
    for user in (world["other_citizen"], world["other_clerk"], world["specialist"]):
        assert client_for(user).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
        assert act(user, dossier.code, "receive").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_a_transition_not_allowed_now_is_409_and_changes_nothing(world):
    dossier = _submitted(world)
    response = act(world["clerk"], dossier.code, "return_result")
    assert response.status_code == 409
    assert "trạng thái" in response.json()["detail"]
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_the_state_cannot_be_written(world):
    dossier = _submitted(world)
    client = client_for(world["citizen"])
    response = client.patch(
        f"/api/v1/dossiers/{dossier.code}/", {"state": "returned"}, format="json"
    )
    assert response.status_code == 405
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_a_second_reception_supplement_request_is_refused(world):
    dossier = _submitted(world)
    items = [{"name": "Tờ khai", "reason": "Thiếu chữ ký"}]
    assert act(world["clerk"], dossier.code, "request_supplement", items=items).status_code == 200
    from dossiers import services

    services.dossier_attach_file(
        dossier=dossier,
        actor=world["citizen"],
        upload=SimpleUploadedFile("b.pdf", PDF),
        component=world["component"],
    )
    assert act(world["citizen"], dossier.code, "resubmit").status_code == 200
    again = act(world["clerk"], dossier.code, "request_supplement", items=items)
    assert again.status_code == 400
    assert "một lần" in again.json()["detail"]
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_list_returns_exactly_the_callers_dossiers(world):
    mine = _submitted(world)
    listed = client_for(world["citizen"]).get("/api/v1/dossiers/").json()["results"]
    assert [d["code"] for d in listed] == [mine.code]
    assert client_for(world["other_citizen"]).get("/api/v1/dossiers/").json()["results"] == []
    assert [
        d["code"]
        for d in client_for(world["clerk"]).get("/api/v1/dossiers/?queue=1").json()["results"]
    ] == [mine.code]
    assert client_for(world["other_clerk"]).get("/api/v1/dossiers/").json()["results"] == []
