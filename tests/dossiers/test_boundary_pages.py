"""Receipt regardless of administrative boundaries, on the pages (issue 12 item 8): the
citizen and the counter clerk name the commune the procedure's rule reads, the dossier goes
to that commune's agency; the receiving clerk's list of paper dossiers to hand over, with a
button per row; the administrator's flag, decision and rule
(docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from dossiers.models import Dossier, PaperHandOver
from procedures.models import CompetenceRule, Procedure, ProcedureVersion
from tests.dossiers.factories import make_pdf_upload
from tests.dossiers.test_codes_and_competence import (
    _boundary_free,
    _commune,
    _commune_procedure,
    _filed,
)
from tests.factories import CitizenFactory, CommuneFactory, ProcedureVersionFactory, StaffFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_0900 = datetime.datetime(2025, 10, 13, 9, 0, tzinfo=VN)
TUESDAY_1000 = datetime.datetime(2025, 10, 14, 10, 0, tzinfo=VN)


@pytest.fixture
def communes():
    return _commune(26041, "phường Trấn Biên"), _commune(26068, "phường Biên Hòa")


def _start_data(agency, **extra: Any) -> dict[str, Any]:
    return {
        "agency": agency.pk,
        "filing_capacity": "self",
        "applicant_address": "Số 1 đường Võ Thị Sáu",
        "return_channel": "online",
        **extra,
    }


# ------------------------------------------------------------------------ citizen online


@time_machine.travel(MONDAY_0900, tick=False)
def test_a_citizen_filing_online_names_the_commune_of_residence_and_it_settles(
    client, communes, django_assert_max_num_queries
):
    a, b = communes
    procedure, _version, _component = _boundary_free(a, CompetenceRule.RESIDENCE)
    citizen = CitizenFactory()
    client.force_login(citizen)
    url = reverse("dossiers:start", args=[procedure.code])

    for code in range(26100, 26110):  # more communes, not more queries: one select
        _commune(code, f"xã Thử {code}")
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "Xã, phường nơi cư trú" in page and "Địa chỉ nơi cư trú" in page
    # Both centres may receive it; the communes by name (Biên Hòa before Trấn Biên).
    assert b["centre"].name in page
    assert page.index("phường Biên Hòa") < page.index("phường Trấn Biên")

    # Filed at Biên Hòa's centre by a resident of Trấn Biên: Trấn Biên's committee settles.
    response = client.post(
        url,
        _start_data(
            b["centre"],
            competence_commune=a["commune"].pk,
            competence_address="Số 45 đường Phan Chu Trinh",
        ),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.agency == b["centre"]
    assert dossier.competent_agency == a["committee"]
    assert dossier.competence_commune == a["commune"]
    assert dossier.competence_address == "Số 45 đường Phan Chu Trinh"
    draft = client.get(response["Location"]).content.decode()
    assert "Cơ quan giải quyết: Ủy ban nhân dân phường Trấn Biên" in draft
    assert "Số 45 đường Phan Chu Trinh, phường Trấn Biên" in draft


def test_without_the_commune_the_citizen_is_told_in_vietnamese_and_nothing_is_stored(
    client, communes
):
    a, b = communes
    procedure, _version, _component = _boundary_free(a, CompetenceRule.PROPERTY_LOCATION)
    client.force_login(CitizenFactory())
    url = reverse("dossiers:start", args=[procedure.code])

    missing = client.post(url, _start_data(b["centre"]))
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "Chọn xã, phường nơi có đất, tài sản: cơ quan giải quyết là của xã đó." in text
    assert "Nhập địa chỉ nơi có đất, tài sản" in text
    # A commune of the province whose committee is not on the system cannot be picked.
    nowhere = CommuneFactory(code=26999, name="xã Chưa Có")
    refused = client.post(
        url, _start_data(b["centre"], competence_commune=nowhere.pk, competence_address="Ấp 1")
    )
    assert refused.status_code == 400
    assert "chưa có cơ quan giải quyết trên hệ thống" in refused.content.decode()
    assert not Dossier.objects.exists()


def test_a_procedure_settled_by_its_own_agencies_asks_no_commune(client, communes):
    a, _b = communes
    procedure, _version, _component = _commune_procedure(received_at=[a["centre"]])
    client.force_login(CitizenFactory())
    page = client.get(reverse("dossiers:start", args=[procedure.code])).content.decode()
    assert "competence_commune" not in page and "Xã, phường nơi" not in page


# ------------------------------------------------------------------ the counter (walk-in)


def _walk_in_data(**extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Trịnh Văn Lâm",
        "national_id": "075185000777",
        "date_of_birth": "1985-03-02",
        "address": "Số 5 đường Đồng Khởi",
        "phone": "",
        "email": "",
        "return_channel": "counter",
        "return_address": "",
        "note": "",
        **extra,
    }


@time_machine.travel(MONDAY_0900, tick=False)
def test_a_clerk_of_another_centre_files_at_the_counter_for_the_commune_of_the_land(
    client, communes, media_root
):
    a, b = communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.PROPERTY_LOCATION)
    client.force_login(b["clerk"])
    # Not listed for Biên Hòa's centre, but the province receives it anywhere.
    picker = client.get(reverse("staff:walk_in")).content.decode()
    assert procedure.name in picker
    url = reverse("staff:walk_in") + f"?thu_tuc={procedure.code}"
    page = client.get(url).content.decode()
    assert "Xã, phường nơi có đất, tài sản" in page

    missing = client.post(url, _walk_in_data(**{f"tep_{component.pk}": make_pdf_upload()}))
    assert missing.status_code == 400
    assert "Chọn xã, phường nơi có đất, tài sản" in missing.content.decode()
    assert not Dossier.objects.exists()

    response = client.post(
        url,
        _walk_in_data(
            competence_commune=a["commune"].pk,
            competence_address="Thửa 12, tờ bản đồ 5",
            **{f"tep_{component.pk}": make_pdf_upload()},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert (dossier.agency, dossier.competent_agency) == (b["centre"], a["committee"])
    staff_page = client.get(response["Location"]).content.decode()
    assert "Cơ quan giải quyết" in staff_page and "Ủy ban nhân dân phường Trấn Biên" in staff_page
    assert "Nơi có đất, tài sản" in staff_page
    assert "Thửa 12, tờ bản đồ 5, phường Trấn Biên" in staff_page


# ---------------------------------------------------------------------- paper hand-overs


def test_the_receiving_clerk_lists_and_records_the_paper_hand_overs(
    client, communes, django_assert_max_num_queries
):
    a, b = communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.RESIDENCE)
    with time_machine.travel(MONDAY_0900, tick=False):
        filed = [
            _filed(procedure, component, b["centre"], b["clerk"], competence_commune=a["commune"])
            for _ in range(3)
        ]
    url = reverse("staff:paper_hand_overs")
    client.force_login(b["clerk"])
    with time_machine.travel(TUESDAY_1000, tick=False):
        # The list's queries do not grow with its rows.
        with django_assert_max_num_queries(12):
            page = client.get(url).content.decode()
        assert "Hồ sơ giấy chờ chuyển: 3" in page
        for dossier in filed:
            assert dossier.code in page
        assert page.count("Quá hạn") >= 3  # due Tuesday 09:00, now 10:00
        assert "09:00 14/10/2025" in page
        assert "Ủy ban nhân dân phường Trấn Biên" in page
        assert 'data-action="record_paper_hand_over"' in page
        # The staff menu counts them.
        assert 'nav-count">3<' in page

        record = reverse("staff:record_paper_hand_over", args=[filed[0].code])
        # Trấn Biên's clerk cannot see Biên Hòa's dossier: 404, nothing recorded.
        other = StaffFactory(agency=a["centre"], role="clerk")
        client.force_login(other)
        assert client.post(record, {"note": "x"}).status_code == 404
        assert "Hồ sơ giấy chờ chuyển: 0" in client.get(url).content.decode()
        assert filed[0].code not in client.get(url).content.decode()

        client.force_login(b["clerk"])
        done = client.post(record, {"note": "Giao cho văn thư UBND"}, follow=True)
        text = done.content.decode()
        assert f"Đã ghi nhận chuyển hồ sơ giấy {filed[0].code}" in text
        assert "Hồ sơ giấy chờ chuyển: 2" in text and record not in text
        again = client.post(record, follow=True).content.decode()
        assert "Hồ sơ giấy đã được chuyển trước đó." in again
        history = client.get(reverse("staff:dossier", args=[filed[0].code])).content.decode()
        assert "Chuyển hồ sơ giấy cho cơ quan giải quyết" in history
    hand_over = PaperHandOver.objects.get(dossier=filed[0])
    assert hand_over.handed_by == b["clerk"] and hand_over.note == "Giao cho văn thư UBND"
    event = filed[0].events.get(action="record_paper_hand_over")
    assert event.data["late"] is True


def test_the_api_records_the_paper_hand_over_through_the_same_verb(communes):
    a, b = communes
    procedure, _version, component = _boundary_free(a, CompetenceRule.RESIDENCE)
    with time_machine.travel(MONDAY_0900, tick=False):
        dossier = _filed(
            procedure, component, b["centre"], b["clerk"], competence_commune=a["commune"]
        )
    api = APIClient()
    _, token = AuthToken.objects.create(user=b["clerk"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = f"/api/v1/dossiers/{dossier.code}/actions/record_paper_hand_over/"
    assert api.post(url, {"note": "Bưu điện"}, format="json").status_code == 200
    assert PaperHandOver.objects.get(dossier=dossier).handed_at is not None
    assert api.post(url, {}, format="json").status_code == 409


def test_the_hand_over_page_is_the_clerks(client, communes):
    a, _b = communes
    client.force_login(StaffFactory(agency=a["committee"], role="specialist"))
    page = client.get(reverse("staff:queue")).content.decode()
    assert "Chuyển hồ sơ giấy" not in page
    assert client.get(reverse("staff:paper_hand_overs")).status_code == 403


# -------------------------------------------------------------------------------- admin


def test_the_administrator_flags_a_procedure_with_its_decision_and_rule(admin_client):
    version = ProcedureVersionFactory(effective_from=datetime.date(2025, 7, 1))
    procedure = version.procedure
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="boundary_free"' in form and 'name="competence_rule"' in form

    data = {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field_id,
        "competent_agency_kind": "commune_committee",
        "online_level": procedure.online_level,
        "result_type": procedure.result_type,
        "legal_basis": procedure.legal_basis,
        "subjects": "",
        "source_url": "",
        "is_active": "on",
        "boundary_free": "on",
        "boundary_free_decision": "",
        "competence_rule": "residence",
        "versions-TOTAL_FORMS": 1,
        "versions-INITIAL_FORMS": 1,
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 1000,
        "versions-0-id": version.pk,
        "versions-0-procedure": procedure.pk,
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "Ghi số, ngày quyết định của tỉnh" in refused.content.decode()
    assert not Procedure.objects.get(pk=procedure.pk).boundary_free

    data["boundary_free_decision"] = "2095/QĐ-UBND ngày 31/10/2025"
    assert admin_client.post(url, data).status_code == 302
    procedure.refresh_from_db()
    assert procedure.boundary_free and procedure.competence_rule == "residence"
    assert procedure.boundary_free_decision == "2095/QĐ-UBND ngày 31/10/2025"


def test_the_administrator_sets_a_versions_supplement_wait(admin_client):
    from tests.procedures.test_admin import _version_data

    version = ProcedureVersionFactory(effective_from=datetime.date(2025, 7, 1))
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    assert 'name="supplement_wait_days"' in admin_client.get(url).content.decode()
    data = _version_data(
        version.procedure,
        [],
        supplement_wait_days=5,
        supplement_wait_basis="Quyết định công bố thủ tục của tỉnh",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = ProcedureVersion.objects.get(pk=version.pk)
    assert stored.supplement_wait_days == 5
    assert stored.supplement_wait_basis == "Quyết định công bố thủ tục của tỉnh"
