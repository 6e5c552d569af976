"""In what name a person signs (accounts/signing.py; Decree 30/2020/NĐ-CP art. 13, Annex I
II.7; docs/legal.md, "Who signs"): the block each kind of signer prints, the record the
administrator keeps, and what the record refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.signing import NoSigningTitle, SignsAs, authority_lines, signature_block
from tests.factories import DepartmentFactory, StaffFactory, UserFactory
from tests.twofactor import force_login_verified

# signing title, signs as, head signed for, collective → the lines over the signature
BLOCKS = [
    ("Giám đốc", SignsAs.OWN, "", "", ["GIÁM ĐỐC"]),
    ("Q. Giám đốc", SignsAs.OWN, "", "", ["Q. GIÁM ĐỐC"]),
    ("Phó Giám đốc", SignsAs.KT, "Giám đốc", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (
        "Trưởng phòng Hành chính tư pháp",
        SignsAs.TL,
        "Giám đốc",
        "",
        ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP"],
    ),
    ("Phó Chủ tịch", SignsAs.KT, "Chủ tịch", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Chủ tịch", SignsAs.TM, "", "Ủy ban nhân dân", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    (
        "Phó Chủ tịch",
        SignsAs.TM,
        "Chủ tịch",
        "Ủy ban nhân dân",
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    ),
    # Typed with stray spaces, in decomposed Unicode: printed clean, in capitals.
    ("  phó   giám đốc ", SignsAs.KT, "giám đốc", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
]


@pytest.mark.parametrize(("title", "signs_as", "for_title", "body", "lines"), BLOCKS)
def test_the_block_each_kind_of_signer_prints(title, signs_as, for_title, body, lines) -> None:
    assert (
        list(
            authority_lines(
                signing_title=title,
                signs_as=signs_as,
                signs_for_title=for_title,
                signs_for_body=body,
            )
        )
        == lines
    )


def test_decomposed_unicode_is_printed_composed() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân")
    [line, _title] = authority_lines(
        signing_title="Chủ tịch", signs_as=SignsAs.TM, signs_for_body=decomposed
    )
    assert line == "TM. ỦY BAN NHÂN DÂN" and unicodedata.is_normalized("NFC", line)


# signing record → the field it is refused on (None: accepted)
RECORDS = [
    ({}, None),  # signs nothing: nothing to say
    ({"signing_title": "Giám đốc"}, None),
    ({"signing_title": "Giám đốc", "signs_for_title": "Giám đốc"}, "signs_for_title"),
    ({"signing_title": "Giám đốc", "signs_for_body": "Ủy ban nhân dân"}, "signs_for_body"),
    ({"signs_as": SignsAs.KT, "signs_for_title": "Giám đốc"}, "signing_title"),
    ({"signing_title": "Phó Giám đốc", "signs_as": SignsAs.KT}, "signs_for_title"),
    (
        {"signing_title": "Giám đốc", "signs_as": SignsAs.KT, "signs_for_title": "giám đốc"},
        "signs_for_title",
    ),
    (
        {"signing_title": "Phó Giám đốc", "signs_as": SignsAs.KT, "signs_for_title": "Giám đốc"},
        None,
    ),
    ({"signing_title": "Trưởng phòng", "signs_as": SignsAs.TL}, "signs_for_title"),
    # TL. is for the head of a unit of the agency: one who belongs to no unit cannot.
    (
        {"signing_title": "Chánh Văn phòng", "signs_as": SignsAs.TL, "signs_for_title": "Giám đốc"},
        "department",
    ),
    ({"signing_title": "Chủ tịch", "signs_as": SignsAs.TM}, "signs_for_body"),
    (
        {"signing_title": "Chủ tịch", "signs_as": SignsAs.TM, "signs_for_body": "Ủy ban nhân dân"},
        None,
    ),
    (
        {
            "signing_title": "Phó Chủ tịch",
            "signs_as": SignsAs.TM,
            "signs_for_title": "Chủ tịch",
            "signs_for_body": "Ủy ban nhân dân",
        },
        None,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("record", "refused_on"), RECORDS)
def test_the_record_holds_together(record, refused_on) -> None:
    person = StaffFactory.build(**record)
    if refused_on is None:
        person.clean()
        return
    with pytest.raises(ValidationError) as caught:
        person.clean()
    assert refused_on in caught.value.message_dict


@pytest.mark.django_db
def test_a_unit_head_may_sign_by_order() -> None:
    department = DepartmentFactory()
    person = StaffFactory.build(
        agency=department.agency,
        department=department,
        signing_title="Trưởng phòng Hành chính tư pháp",
        signs_as=SignsAs.TL,
        signs_for_title="Giám đốc",
    )
    person.clean()


@pytest.mark.django_db
def test_a_person_with_no_signing_title_has_no_block() -> None:
    person = StaffFactory(role="specialist")

    with pytest.raises(NoSigningTitle) as caught:
        signature_block(person)
    assert "chưa ghi chức vụ và hình thức ký văn bản" in str(caught.value.message)


@pytest.mark.django_db
def test_the_block_carries_the_name() -> None:
    person = StaffFactory(
        full_name="Võ Thị Kim Oanh",
        signing_title="Phó Giám đốc",
        signs_as=SignsAs.KT,
        signs_for_title="Giám đốc",
    )
    block = signature_block(person)
    assert block.lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") and block.name == "Võ Thị Kim Oanh"
    assert type(block).from_json(block.to_json()) == block


# --- the administrator keeps the record ---------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin = UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)
    force_login_verified(client, admin)
    return client


def _change(admin_client, person: User, **signing: str):
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "agency": person.agency_id,
            "department": person.department_id or "",
            "date_joined_0": "2025-01-02",
            "date_joined_1": "08:00:00",
            "signs_as": SignsAs.OWN,
            "signing_title": "",
            "signs_for_title": "",
            "signs_for_body": "",
            **signing,
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    return admin_client.post(url, data)


@pytest.mark.django_db
def test_the_administrator_records_a_deputy_signing_for_the_head(admin_client) -> None:
    person = StaffFactory(full_name="Lê Hoàng Dũng")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert "Ký văn bản" in page.content.decode()

    response = _change(
        admin_client,
        person,
        signing_title="Phó Giám đốc",
        signs_as=SignsAs.KT,
        signs_for_title="Giám đốc",
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert signature_block(person).lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


@pytest.mark.django_db
def test_the_administrator_is_told_what_a_signing_record_lacks(admin_client) -> None:
    person = StaffFactory(full_name="Lê Hoàng Dũng")

    response = _change(admin_client, person, signing_title="Phó Giám đốc", signs_as=SignsAs.KT)

    assert response.status_code == 200
    assert "cần ghi chức vụ đó" in response.content.decode()
    person.refresh_from_db()
    assert person.signing_title == ""
