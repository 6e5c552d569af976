"""Nobody takes another person's identity: a walk-in dossier reaches an account only when
that account's ID number is verified (a clerk saw the card), and a squatter who registered
someone else's number sees none of that person's dossiers, through pages or the API."""

import datetime

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import NationalIdVerification, User
from accounts.services import national_id_verify
from core.errors import DossierNotFound
from dossiers import services
from dossiers.models import Dossier, State
from tests.dossiers.factories import World, another_citizen, make_pdf_upload

pytestmark = pytest.mark.django_db

VICTIM_ID = "075185000777"
VICTIM_NAME = "Trịnh Văn Lâm"
BIRTH = datetime.date(1985, 3, 2)


def walk_in_data(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": VICTIM_NAME,
        "national_id": VICTIM_ID,
        "date_of_birth": "1985-03-02",
        "address": "Số 5 đường Đồng Khởi, phường Trấn Biên, tỉnh Đồng Nai",
        "phone": "0987654321",
        "email": "lam.trinh@example.vn",
        "return_channel": "counter",
        "return_address": "",
        "note": "",
    }
    for component in world.required_components:
        data[f"tep_{component.pk}"] = make_pdf_upload(f"giay-to-{component.order}.pdf")
    data.update(overrides)
    return data


def walk_in_url(world: World) -> str:
    return reverse("staff:walk_in") + f"?thu_tuc={world.procedure.code}"


def file_at_counter(world: World, client, **overrides: object) -> Dossier:
    client.force_login(world.clerk)
    response = client.post(walk_in_url(world), walk_in_data(world, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response["Location"])  # the clerk reads the confirmation message
    return Dossier.objects.filter(filed_by=world.clerk).latest("pk")


@pytest.fixture
def squatter() -> User:
    """Registered (and activated) with the victim's ID number, typed: never verified."""
    return another_citizen(
        email="ke.mao.danh@example.vn", national_id=VICTIM_ID, full_name="Kẻ Mạo Danh"
    )


def api(user: User) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_walk_in_dossier_never_reaches_an_account_that_only_typed_the_number(
    world, client, squatter, media_root
):
    dossier = file_at_counter(world, client)

    assert dossier.applicant is None
    assert dossier.applicant_name == VICTIM_NAME
    assert dossier.applicant_national_id == VICTIM_ID
    # No account was made for the walk-in citizen either.
    assert not User.objects.filter(national_id=VICTIM_ID).exclude(pk=squatter.pk).exists()

    client.force_login(squatter)
    mine = client.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code not in mine
    stored = dossier.files.first()
    for path in (
        reverse("dossiers:detail", args=[dossier.ref]),
        reverse("dossiers:file", args=[dossier.ref, stored.pk]),
        reverse("dossiers:slip", args=[dossier.ref, "01"]),
        reverse("dossiers:withdraw", args=[dossier.ref]),
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.post(
            reverse("dossiers:withdraw", args=[dossier.ref]), {"confirm": "on", "reason": "x"}
        ).status_code
        == 404
    )

    through_api = api(squatter)
    listed = through_api.get("/api/v1/dossiers/").json()
    assert str(dossier.code) not in str(listed)
    assert through_api.get(f"/api/v1/dossiers/{dossier.ref}/").status_code == 404
    assert (
        through_api.post(
            f"/api/v1/dossiers/{dossier.ref}/actions/withdraw/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_an_old_counter_dossier_on_a_squatters_account_is_hidden_from_it(
    world, squatter, client, media_root
):
    """Filed before this rule, when a walk-in took whichever account held the number."""
    dossier = file_at_counter(world, client)
    Dossier.objects.filter(pk=dossier.pk).update(applicant=squatter)

    client.force_login(squatter)
    assert client.get(reverse("dossiers:detail", args=[dossier.ref])).status_code == 404
    assert dossier.code not in client.get(reverse("dossiers:mine")).content.decode()
    with pytest.raises(DossierNotFound):
        services.dossier_withdraw(dossier=dossier, actor=squatter, reason="Không cần nữa.")


def test_the_prefill_ignores_an_account_that_only_typed_the_number(world, client, squatter):
    client.force_login(world.clerk)
    page = client.get(walk_in_url(world) + f"&cccd={VICTIM_ID}").content.decode()
    assert squatter.email not in page
    assert "Kẻ Mạo Danh" not in page


def test_the_real_owner_registers_verifies_at_the_counter_and_gets_their_dossiers(
    world, client, squatter, media_root
):
    earlier = file_at_counter(world, client)
    # The real owner can still register: the squatter's typed number blocks nobody.
    owner = another_citizen(
        email="lam.trinh@example.vn",
        phone="0987654321",
        national_id=VICTIM_ID,
        full_name=VICTIM_NAME,
        date_of_birth=BIRTH,
    )

    # At the counter with the card, the clerk verifies the owner's account while filing.
    later = file_at_counter(
        world, client, verify_account="lam.trinh@example.vn", document_seen="on"
    )

    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert owner.national_id_verified
    assert owner.national_id_verification == NationalIdVerification.COUNTER
    assert owner.national_id_verified_by == world.clerk
    assert later.applicant == owner
    earlier.refresh_from_db()
    assert earlier.applicant == owner
    assert squatter.national_id is None
    assert squatter.national_id_released_at is not None

    client.force_login(owner)
    mine = client.get(reverse("dossiers:mine")).content.decode()
    assert earlier.code in mine and later.code in mine
    assert client.get(reverse("dossiers:detail", args=[earlier.ref])).status_code == 200

    client.force_login(squatter)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "được xác thực cho một tài khoản khác" in profile
    assert "liên hệ bộ phận một cửa" in profile
    assert client.get(reverse("dossiers:detail", args=[later.ref])).status_code == 404


def test_a_card_that_does_not_match_the_account_verifies_nothing_and_files_nothing(
    world, client, squatter, media_root
):
    """The squatter's account named at the counter: the card's name is not the account's."""
    client.force_login(world.clerk)
    response = client.post(
        walk_in_url(world),
        walk_in_data(world, verify_account=squatter.email, document_seen="on"),
    )

    assert response.status_code == 400
    assert "Họ tên trên giấy tờ khác họ tên của tài khoản." in response.content.decode()
    squatter.refresh_from_db()
    assert not squatter.national_id_verified
    assert not Dossier.objects.exists()


def test_verifying_needs_the_clerk_to_have_seen_the_document(world, client, media_root):
    owner = another_citizen(
        email="lam.trinh@example.vn",
        national_id=VICTIM_ID,
        full_name=VICTIM_NAME,
        date_of_birth=BIRTH,
    )
    client.force_login(world.clerk)
    response = client.post(
        walk_in_url(world), walk_in_data(world, verify_account="lam.trinh@example.vn")
    )
    assert response.status_code == 400
    assert "đã đối chiếu giấy tờ tùy thân bản gốc" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.national_id_verified


def test_a_walk_in_for_a_verified_citizen_is_theirs(world, client, media_root):
    owner = another_citizen(
        email="lam.trinh@example.vn",
        national_id=VICTIM_ID,
        full_name=VICTIM_NAME,
        date_of_birth=BIRTH,
        verified=True,
    )
    dossier = file_at_counter(world, client)
    assert dossier.applicant == owner
    client.force_login(owner)
    assert client.get(reverse("dossiers:detail", args=[dossier.ref])).status_code == 200


def test_the_verify_identity_page_for_clerks_only(world, client, squatter):
    owner = another_citizen(
        email="lam.trinh@example.vn",
        national_id=VICTIM_ID,
        full_name=VICTIM_NAME,
        date_of_birth=BIRTH,
    )
    form = {
        "account": "lam.trinh@example.vn",
        "national_id": VICTIM_ID,
        "full_name": "  trịnh văn  LÂM ",  # as the clerk types what the card prints
        "date_of_birth": "1985-03-02",
        "document_seen": "on",
    }
    path = reverse("staff:verify_identity")
    for outsider in (world.specialist, squatter):
        client.force_login(outsider)
        assert client.post(path, form).status_code == 403
    owner.refresh_from_db()
    assert not owner.national_id_verified

    client.force_login(world.clerk)
    wrong = client.post(path, {**form, "date_of_birth": "1985-03-03"})
    assert wrong.status_code == 400
    assert "Ngày sinh trên giấy tờ khác ngày sinh của tài khoản." in wrong.content.decode()

    assert client.post(path, form).status_code == 302
    owner.refresh_from_db()
    assert owner.national_id_verified
    squatter.refresh_from_db()
    assert squatter.national_id is None


def test_a_second_verified_holder_is_refused(world):
    first = another_citizen(national_id=VICTIM_ID, verified=True)
    second = another_citizen(
        email="hai@example.vn",
        national_id=VICTIM_ID,
        full_name=VICTIM_NAME,
        date_of_birth=BIRTH,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        national_id_verify(
            user=second,
            clerk=world.clerk,
            national_id=VICTIM_ID,
            full_name=VICTIM_NAME,
            date_of_birth=second.date_of_birth,
            document_seen=True,
        )
    assert "đã được xác thực cho một tài khoản khác" in str(caught.value)
    first.refresh_from_db()
    assert first.national_id == VICTIM_ID and first.national_id_verified
