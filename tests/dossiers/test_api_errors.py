"""Every error the API answers has a ``detail`` a client can show (and ``field`` when a
field is wrong), as the published schema says; DRF's per-field lists are kept beside it."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_field_is_named_in_the_detail_and_keeps_its_list(client, world):
    client.force_login(world.citizen)

    response = client.post("/api/v1/dossiers/", {"agency": world.centre.code})

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "procedure"
    assert body["detail"].startswith("procedure: ")
    assert body["procedure"] == [body["detail"].removeprefix("procedure: ")]


def test_an_error_in_a_nested_item_is_named_by_its_path(client, world, dossier_in_state):
    from dossiers.models import State

    client.force_login(world.clerk)
    dossier = dossier_in_state(State.SUBMITTED)

    response = client.post(
        f"/api/v1/dossiers/{dossier.ref}/actions/receive/",
        {"fees": [{"quantity": 1}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("fees.0.fee: ")
    assert response.json()["field"] == "fees"


def test_a_body_that_is_not_an_object_still_gets_a_detail(client, world, dossier_in_state):
    from dossiers.models import State

    client.force_login(world.clerk)
    dossier = dossier_in_state(State.SUBMITTED)

    response = client.post(
        f"/api/v1/dossiers/{dossier.ref}/actions/receive/",
        "[1, 2]",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"]


def test_domain_and_framework_errors_keep_their_own_detail(client, world):
    assert client.get("/api/v1/dossiers/").json()["detail"]  # 401/403: not signed in
    client.force_login(world.citizen)
    missing = client.get("/api/v1/dossiers/KHONG-CO/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Không tìm thấy hồ sơ."}
