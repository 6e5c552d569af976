"""The overdue lists and apology letters over REST: the same rules as the pages."""

import io
import unicodedata

import pypdf
import pytest
import time_machine
from rest_framework.test import APIClient

from apologies.models import LetterState
from dossiers.models import Dossier
from tests.apologies.overdue import (
    NOW,
    PROPOSED,
    at,
    construction,
    flag_and_draft,
    overdue_with_draft,
    received_dossier,
)
from tests.dossiers.factories import another_citizen
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_heads_overdue_list(world):
    dossier, letter = overdue_with_draft(world)

    response = api(world.head).get("/api/v1/watch/overdue/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["code"] == dossier.code
    assert row["responsible_agency"] == "Sở Tư pháp tỉnh Đồng Nai"
    assert row["responsible_department"] == "Phòng Hành chính tư pháp"
    assert row["current_step"] == "Thẩm định, trình ký"
    assert row["working_days_late"] == 2
    # Drafted only once overdue (Monday), the letter was due out one working day before the
    # deadline of Thursday 09:00: Wednesday 09:00, long gone.
    assert row["apology"] == {
        "id": letter.pk,
        "state": "draft",
        "number": f"…/PXL-{letter.agency.number_symbol}",
        "issue_by": "2025-03-05T09:00:00+07:00",
        "issued_late": False,
    }
    assert api(world.head).get("/api/v1/watch/due_soon/").json()["count"] == 0
    assert api(world.head).get("/api/v1/watch/escalated/").json()["count"] == 1


def test_who_may_read_the_lists(world):
    overdue_with_draft(world)
    other_head = StaffFactory(
        agency=world.justice, department=DepartmentFactory(agency=world.justice), role="head"
    )

    assert api(other_head).get("/api/v1/watch/overdue/").json()["count"] == 0
    assert api(world.clerk).get("/api/v1/watch/overdue/").status_code == 403
    assert api(world.citizen).get("/api/v1/watch/overdue/").status_code == 403
    assert api().get("/api/v1/watch/overdue/").status_code in (401, 403)
    assert api(world.head).get("/api/v1/watch/late/").status_code == 404


def test_the_supervisor_filters_by_agency(world):
    justice_dossier, _ = overdue_with_draft(world)
    other = construction(world)
    building_dossier = received_dossier(other.world)
    flag_and_draft()
    supervisor = StaffFactory(agency=world.centre, role="supervisor")

    everything = api(supervisor).get("/api/v1/watch/overdue/").json()
    assert {row["code"] for row in everything["results"]} == {
        justice_dossier.code,
        building_dossier.code,
    }
    filtered = api(supervisor).get("/api/v1/watch/overdue/", {"agency": other.agency.pk}).json()
    assert [row["code"] for row in filtered["results"]] == [building_dossier.code]
    assert api(supervisor).get("/api/v1/watch/overdue/", {"agency": "abc"}).status_code == 400


def test_letters_to_sign_and_one_letter(world):
    dossier, letter = overdue_with_draft(world)

    listed = api(world.head).get("/api/v1/letters/")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [letter.pk]
    one = api(world.head).get(f"/api/v1/letters/{letter.pk}/").json()
    assert one["dossier"] == dossier.code and one["state"] == "draft"
    assert one["addressee"] == "Nguyễn Thị Ánh"
    assert api(world.clerk).get(f"/api/v1/letters/{letter.pk}/").status_code == 404
    assert api(world.clerk).get("/api/v1/letters/").json() == []
    # The citizen sees no draft.
    assert api(world.citizen).get(f"/api/v1/letters/{letter.pk}/").status_code == 404


def test_editing_refuses_an_empty_reason_and_an_early_date(world):
    _dossier, letter = overdue_with_draft(world)
    client = api(world.head)

    blank = client.post(f"/api/v1/letters/{letter.pk}/edit/", {"reason": "  "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["reason"] == ["Cần nêu lý do quá hạn."]
    early = client.post(
        f"/api/v1/letters/{letter.pk}/edit/",
        {"proposed_due_at": "2025-03-05T15:00:00+07:00"},
        format="json",
    )
    assert early.status_code == 400
    assert "phải sau ngày hẹn trả ban đầu" in early.json()["proposed_due_at"][0]
    letter.refresh_from_db()
    assert letter.proposed_due_at == PROPOSED

    changed = client.post(
        f"/api/v1/letters/{letter.pk}/edit/",
        {"reason": "Chờ ý kiến của Công an tỉnh.", "proposed_due_at": "2025-03-12T15:00:00+07:00"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["reason"] == "Chờ ý kiến của Công an tỉnh."
    letter.refresh_from_db()
    assert letter.proposed_due_at == at(2025, 3, 12, 15, 0) and letter.state == LetterState.DRAFT


def test_issue_then_issue_again_then_the_citizen_downloads_the_pdf(world):
    dossier, letter = overdue_with_draft(world)
    client = api(world.head)
    assert api(world.specialist).post(f"/api/v1/letters/{letter.pk}/issue/").status_code == 404

    issued = client.post(
        f"/api/v1/letters/{letter.pk}/issue/", {"reason": "Cần xác minh thêm."}, format="json"
    )

    assert issued.status_code == 200
    assert issued.json()["state"] == "issued" and issued.json()["number"].startswith("01/PXL-")
    dossier.refresh_from_db()
    assert dossier.due_at == PROPOSED and dossier.extension_count == 1
    assert dossier.events.filter(action="apology_issued").count() == 1

    again = client.post(f"/api/v1/letters/{letter.pk}/issue/")
    assert again.status_code == 409
    assert again.json()["detail"] == "Phiếu đã được ban hành hoặc đã hủy."
    edit = client.post(f"/api/v1/letters/{letter.pk}/edit/", {"reason": "Khác."}, format="json")
    assert edit.status_code == 409

    pdf = api(world.citizen).get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.getvalue()))
    text = " ".join(
        unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages)).split()
    )
    assert "VĂN BẢN XIN LỖI" in text and str(dossier.code) in text and "Nguyễn Thị Ánh" in text
    assert api(another_citizen()).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404

    secret = Dossier.objects.get(pk=dossier.pk).lookup_secret  # printed on the receipt
    tracked = api().get(f"/api/v1/track/{dossier.code}/", {"secret": secret}).json()
    assert tracked["new_due_at"] == "2025-03-11T09:00:00+07:00"
    assert tracked["due_at"] == tracked["new_due_at"]
    assert tracked["original_due_at"] == "2025-03-06T09:00:00+07:00"
    assert str(world.citizen.national_id) not in str(tracked) and "xác minh" not in str(tracked)


def test_the_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/watch/{kind}/",
        "/api/v1/letters/",
        "/api/v1/letters/{id}/",
        "/api/v1/letters/{id}/edit/",
        "/api/v1/letters/{id}/issue/",
        "/api/v1/letters/{id}/pdf/",
    ):
        assert path in schema["paths"], path
