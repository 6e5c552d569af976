"""An online dossier is filed in the account holder's own name, or for another person by a
declared representative with the authorisation attached: never silently in another name."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, FilingCapacity, State
from dossiers.slips import contexts, render
from tests.dossiers.factories import World, make_pdf_upload

pytestmark = pytest.mark.django_db

PRINCIPAL_ID = "075160004321"
PRINCIPAL = "Lê Văn Tám"


def url(name: str, *args: object) -> str:
    return reverse(f"dossiers:{name}", args=args)


def details(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "agency": world.centre.pk,
        "applicant_address": world.citizen.address,
        "applicant_phone": world.citizen.phone,
        "applicant_email": world.citizen.email,
        "return_channel": "online",
        "return_address": "",
        "note": "",
    }
    data.update(overrides)
    return data


def for_someone_else(world: World, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "filing_capacity": FilingCapacity.REPRESENTATIVE,
        "applicant_name": PRINCIPAL,
        "applicant_national_id": PRINCIPAL_ID,
        "applicant_date_of_birth": "1960-01-02",
        "representative_authorisation": "Giấy ủy quyền số 12/2025, chứng thực ngày 03/11/2025",
    }
    return details(world, **{**values, **overrides})


def upload_components(client, dossier: Dossier, world: World) -> None:
    for component in world.required_components:
        client.post(
            url("upload", dossier.ref),
            {"component": component.pk, "file": make_pdf_upload(f"c{component.order}.pdf")},
        )


@pytest.fixture
def signed_in(client, world: World):
    client.force_login(world.citizen)
    return client


def test_filing_for_oneself_takes_the_accounts_identity_whatever_is_typed(signed_in, world):
    response = signed_in.post(
        url("start", world.procedure.code),
        details(world, applicant_name=PRINCIPAL, applicant_national_id=PRINCIPAL_ID),
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.filing_capacity == FilingCapacity.SELF
    assert dossier.applicant_name == world.citizen.full_name
    assert dossier.applicant_national_id == world.citizen.national_id
    assert dossier.representative_name == ""


def test_a_draft_in_another_name_is_put_back_in_the_holders_name_at_submission(
    signed_in, world, media_root
):
    """A draft saved before this rule, carrying another person's name as the applicant."""
    signed_in.post(url("start", world.procedure.code), details(world))
    dossier = Dossier.objects.get()
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_name=PRINCIPAL, applicant_national_id=PRINCIPAL_ID
    )
    upload_components(signed_in, dossier, world)

    signed_in.post(url("submit", dossier.ref))

    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.applicant_name == world.citizen.full_name
    assert dossier.applicant_national_id == world.citizen.national_id


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("applicant_name", "Nộp thay: nhập họ và tên người ủy quyền."),
        ("applicant_national_id", "Nộp thay: nhập số định danh cá nhân của người ủy quyền."),
        ("representative_authorisation", "Người nộp thay cần có văn bản ủy quyền"),
    ],
)
def test_filing_for_someone_else_needs_their_identity_and_the_authorisation(
    signed_in, world, missing, message
):
    response = signed_in.post(
        url("start", world.procedure.code), for_someone_else(world, **{missing: ""})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists()


def test_ones_own_number_is_not_a_principal(signed_in, world):
    response = signed_in.post(
        url("start", world.procedure.code),
        for_someone_else(
            world, applicant_national_id=world.citizen.national_id, applicant_date_of_birth=""
        ),
    )
    assert response.status_code == 400
    assert "Đây là số định danh của chính bạn" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_representative_files_with_the_authorisation_and_everyone_sees_who_filed(
    signed_in, client, world, media_root
):
    signed_in.post(url("start", world.procedure.code), for_someone_else(world))
    dossier = Dossier.objects.get()
    assert dossier.filing_capacity == FilingCapacity.REPRESENTATIVE
    assert dossier.applicant_name == PRINCIPAL
    assert dossier.applicant_national_id == PRINCIPAL_ID
    # The representative is the account's holder, not a name typed.
    assert dossier.representative_name == world.citizen.full_name
    assert dossier.representative_national_id == world.citizen.national_id
    upload_components(signed_in, dossier, world)

    refused = signed_in.post(url("submit", dossier.ref))
    assert refused.status_code == 400
    assert "hãy tải lên giấy ủy quyền trước khi nộp hồ sơ" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT

    uploaded = signed_in.post(
        url("upload_authorisation", dossier.ref), {"file": make_pdf_upload("uy-quyen.pdf")}
    )
    assert uploaded.status_code == 302
    assert dossier.files.filter(is_authorisation=True).count() == 1
    signed_in.post(url("submit", dossier.ref))
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier in Dossier.objects.for_user(world.citizen)

    detail = signed_in.get(url("detail", dossier.ref)).content.decode()
    assert "Người nộp thay (được ủy quyền)" in detail and PRINCIPAL in detail

    client.force_login(world.clerk)
    staff_page = client.get(reverse("staff:dossier", args=[dossier.ref])).content.decode()
    assert PRINCIPAL in staff_page
    assert world.citizen.full_name in staff_page
    assert "Giấy ủy quyền số 12/2025" in staff_page

    services.dossier_receive(dossier=dossier, actor=world.clerk)
    receipt = render.render_html("01", contexts.slip_context(dossier, "01"))
    assert PRINCIPAL in receipt
    # Form 01 names who actually filed, on behalf of whom (docs/legal.md#forms-01-to-06).
    assert f'Người nộp hồ sơ: <span class="value">{world.citizen.full_name}</span>' in receipt
    assert f"nộp thay cho {PRINCIPAL}" in receipt
    assert "Giấy ủy quyền số 12/2025" in receipt


def test_the_authorisation_upload_is_refused_when_filing_for_oneself(signed_in, world):
    signed_in.post(url("start", world.procedure.code), details(world))
    dossier = Dossier.objects.get()
    response = signed_in.post(
        url("upload_authorisation", dossier.ref), {"file": make_pdf_upload("uy-quyen.pdf")}
    )
    assert response.status_code == 302
    assert not dossier.files.exists()


def test_an_unverified_holder_files_and_the_clerk_verifies_at_reception(
    signed_in, client, world, media_root
):
    signed_in.post(url("start", world.procedure.code), details(world))
    dossier = Dossier.objects.get()
    start_page = signed_in.get(url("edit", dossier.ref)).content.decode()
    assert "chưa được xác thực" in start_page
    upload_components(signed_in, dossier, world)
    signed_in.post(url("submit", dossier.ref))
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert not dossier.filer_identity_verified

    client.force_login(world.clerk)
    staff_page = client.get(reverse("staff:dossier", args=[dossier.ref])).content.decode()
    assert "Chưa xác thực danh tính" in staff_page
    verify = reverse("staff:verify_identity") + f"?ho_so={dossier.ref}"
    assert f'value="{world.citizen.email}"' in client.get(verify).content.decode()

    citizen = world.citizen
    response = client.post(
        verify,
        {
            "account": citizen.email,
            "national_id": citizen.national_id,
            "full_name": citizen.full_name,
            "date_of_birth": citizen.date_of_birth.isoformat(),
            "document_seen": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:dossier", args=[dossier.ref])
    dossier.refresh_from_db()
    citizen.refresh_from_db()
    assert citizen.national_id_verified
    assert dossier.filer_identity_verified
    staff_page = client.get(reverse("staff:dossier", args=[dossier.ref])).content.decode()
    assert "Chưa xác thực danh tính" not in staff_page
