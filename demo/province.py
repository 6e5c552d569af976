"""The demo province: Đồng Nai's one-stop organisation as the portal would model it.

Everything here is demo data (names follow the 2025 two-tier organisation). The electronic ID
codes follow the national structure (agencies/validators.py, docs/legal.md#agency-electronic-id)
but are illustrative, not the ones the province was given: the provincial units in the
four-group form (``000.00.12.H75``), the communes in the level-first form of Decision
20/2020/QĐ-TTg (``H75.26041`` for the People's Committee, ``H75.26041.01`` for its one-stop
centre). Building it twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from accounts.signing import SignsAs
from agencies.models import Agency, AgencyKind, Commune, Department, Province
from agencies.validators import validate_agency_code

DEMO_PASSWORD = "MotCua-Demo-2025"  # noqa: S105 - printed on purpose for the demo logins
# In the settings, which the login pages read too (accounts sits below demo).
DEMO_EMAIL_DOMAIN: str = settings.DEMO_EMAIL_DOMAIN
# The one authenticator key of every demo account that must log in with a second factor.
DEMO_TOTP_KEY: str = settings.DEMO_TOTP_KEY

PROVINCIAL = [
    # key, kind, e-ID, name, short name, departments [(code, name)]
    (
        "centre",
        AgencyKind.PROVINCIAL_CENTRE,
        "000.00.01.H75",
        "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
        "Trung tâm PVHCC tỉnh",
        [("mot-cua", "Bộ phận Tiếp nhận và Trả kết quả")],
    ),
    (
        "justice",
        AgencyKind.DEPARTMENT,
        "000.00.12.H75",
        "Sở Tư pháp tỉnh Đồng Nai",
        "Sở Tư pháp",
        [
            ("hanh-chinh-tu-phap", "Phòng Hành chính tư pháp"),
            ("ly-lich-tu-phap", "Phòng Lý lịch tư pháp"),
        ],
    ),
    (
        "construction",
        AgencyKind.DEPARTMENT,
        "000.00.15.H75",
        "Sở Xây dựng tỉnh Đồng Nai",
        "Sở Xây dựng",
        [("quan-ly-xay-dung", "Phòng Quản lý hoạt động xây dựng")],
    ),
    (
        "agri_env",
        AgencyKind.DEPARTMENT,
        "000.00.17.H75",
        "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai",
        "Sở NN&MT",
        [("dat-dai", "Phòng Quản lý đất đai"), ("vpdk-dat-dai", "Văn phòng Đăng ký đất đai")],
    ),
    (
        "finance",
        AgencyKind.DEPARTMENT,
        "000.00.10.H75",
        "Sở Tài chính tỉnh Đồng Nai",
        "Sở Tài chính",
        [("dang-ky-kinh-doanh", "Phòng Đăng ký kinh doanh")],
    ),
    (
        "health",
        AgencyKind.DEPARTMENT,
        "000.00.18.H75",
        "Sở Y tế tỉnh Đồng Nai",
        "Sở Y tế",
        [("nghiep-vu-y", "Phòng Nghiệp vụ Y")],
    ),
    (
        "home_affairs",
        AgencyKind.DEPARTMENT,
        "000.00.11.H75",
        "Sở Nội vụ tỉnh Đồng Nai",
        "Sở Nội vụ",
        [("lao-dong-xa-hoi", "Phòng Lao động – Bảo trợ xã hội")],
    ),
    (
        "police",
        AgencyKind.MINISTRY_UNIT,
        "000.00.91.H75",
        "Công an tỉnh Đồng Nai",
        "Công an tỉnh",
        [("ho-so-nghiep-vu", "Phòng Hồ sơ nghiệp vụ")],
    ),
    (
        "tax",
        AgencyKind.MINISTRY_UNIT,
        "000.00.90.H75",
        "Thuế tỉnh Đồng Nai",
        "Thuế tỉnh",
        [("truoc-ba", "Phòng Quản lý thuế thu nhập cá nhân và trước bạ")],
    ),
]

# The two demo communes (codes from vietnam-provinces) and their one-stop organisation.
COMMUNES = [
    (26041, "TB", "Trấn Biên"),
    (26068, "BH", "Biên Hòa"),
]
# The short key of each demo commune in the staff's e-mail addresses (lanhdao.tb.kinh-te@…).
_COMMUNE_KEYS = {code: suffix.lower() for code, suffix, _short in COMMUNES}
COMMUNE_DEPARTMENTS = [
    ("tu-phap-ho-tich", "Bộ phận Tư pháp – Hộ tịch"),
    ("kinh-te", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("van-hoa-xa-hoi", "Phòng Văn hóa – Xã hội"),
]

# Where catalogue step units land in the demo province: unit key → (agency key, department code).
UNIT_MAP = {
    "justice": ("justice", "hanh-chinh-tu-phap"),
    "construction": ("construction", "quan-ly-xay-dung"),
    "agri_env": ("agri_env", "dat-dai"),
    "land_office": ("agri_env", "vpdk-dat-dai"),
    "finance": ("finance", "dang-ky-kinh-doanh"),
    "health": ("health", "nghiep-vu-y"),
    "home_affairs": ("home_affairs", "lao-dong-xa-hoi"),
    "tax": ("tax", "truoc-ba"),
    "police": ("police", "ho-so-nghiep-vu"),
}


@dataclass
class DemoProvince:
    province: Province
    agencies: dict[str, Agency] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    commune_centres: list[Agency] = field(default_factory=list)
    commune_committees: list[Agency] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # persona, e-mail, where


def commune_committee_code(commune_code: int) -> str:
    """The demo e-ID of a commune's People's Committee: the province's level-1 code, then
    the commune's official code (Decision 20/2020/QĐ-TTg's level-first form)."""
    return f"H75.{commune_code}"


def commune_centre_code(commune_code: int) -> str:
    """The demo e-ID of a commune's one-stop centre, a unit of its People's Committee."""
    return f"{commune_committee_code(commune_code)}.01"


# Codes the demo gave before they followed the national structure, renamed in place.
def _legacy_commune_codes(commune_code: int, suffix: str) -> dict[str, str]:
    return {
        f"000.{commune_code}.{suffix}.H75": commune_committee_code(commune_code),
        f"000.{commune_code}.{suffix}.TT.H75": commune_centre_code(commune_code),
    }


def _agency(*, code: str, **values: object) -> Agency:
    validate_agency_code(code)  # the demo's codes follow the national structure too
    agency, _ = Agency.objects.update_or_create(code=code, defaults=values)
    return agency


def _department(agency: Agency, code: str, name: str) -> Department:
    department, _ = Department.objects.update_or_create(
        agency=agency, code=code, defaults={"name": name}
    )
    return department


@transaction.atomic
def build_demo_province(province_code: int) -> DemoProvince:
    province = Province.objects.get(code=province_code)
    demo = DemoProvince(province=province)
    centre: Agency | None = None
    for key, kind, code, name, short, departments in PROVINCIAL:
        agency = _agency(
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            province=province,
            valid_from=datetime.date(2025, 7, 1),
            address="Số 2 đường Nguyễn Văn Trị, phường Trấn Biên, tỉnh Đồng Nai",
            head_title="Giám đốc",
        )
        if key == "centre":
            centre = agency
        demo.agencies[key] = agency
        for dep_code, dep_name in departments:
            demo.departments[(key, dep_code)] = _department(agency, dep_code, dep_name)

    for commune_code, suffix, short in COMMUNES:
        commune = Commune.objects.get(code=commune_code)
        for old, new in _legacy_commune_codes(commune_code, suffix).items():
            Agency.objects.filter(code=old).update(code=new)
        committee = _agency(
            code=commune_committee_code(commune_code),
            name=f"Ủy ban nhân dân {commune.name[:1].lower()}{commune.name[1:]}",
            short_name=f"UBND {commune.name}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            province=province,
            commune=commune,
            valid_from=datetime.date(2025, 7, 1),
            address=f"Trụ sở UBND {commune.name}, tỉnh Đồng Nai",
            head_title="Chủ tịch",
        )
        commune_centre = _agency(
            code=commune_centre_code(commune_code),
            name=f"Trung tâm Phục vụ hành chính công {commune.name}",
            short_name=f"Trung tâm PVHCC {short}",
            kind=AgencyKind.COMMUNE_CENTRE,
            province=province,
            commune=commune,
            parent=committee,
            valid_from=datetime.date(2025, 7, 1),
            address=f"Trụ sở UBND {commune.name}, tỉnh Đồng Nai",
            head_title="Giám đốc",
        )
        demo.commune_committees.append(committee)
        demo.commune_centres.append(commune_centre)
        for dep_code, dep_name in COMMUNE_DEPARTMENTS:
            demo.departments[(committee.code, dep_code)] = _department(
                committee, dep_code, dep_name
            )
    assert centre is not None
    return demo


SIGNING = ("signing_title", "signs_as", "signs_for_title", "signs_for_body")


def _user(*, email: str, full_name: str, role: str, **values: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, **values)
        user.set_password(DEMO_PASSWORD)
        user.clean()  # the signing record holds together
        user.save()
    elif not user.signing_title and values.get("signing_title"):
        # A demo loaded before staff records said in what name a head signs gets it now.
        for name in SIGNING:
            if name in values:
                setattr(user, name, values[name])
        user.save(update_fields=[name for name in SIGNING if name in values])
    user.groups.add(Group.objects.get(name=ROLE_BY_KEY[role].group_name))
    return user


# How the demo heads sign forms 04 and 05 (accounts/signing.py; Decree 30/2020 art. 13;
# docs/legal.md, "Who signs"). A provincial department's unit head signs "TL. GIÁM ĐỐC"
# over their own office (art. 13(4): the director may have a unit head sign some documents
# by order, as the department's working regulation says; the demo assumes it does). A
# commune's head of a field is a Vice-Chairman of the People's Committee in charge of it,
# signing "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" (art. 13(1)): the letter is the Chairman's
# act, not a collective decision of the Committee, so no "TM.".
def _unit_head_signing(department: Department) -> dict[str, object]:
    agency = department.agency
    if agency.kind == AgencyKind.COMMUNE_COMMITTEE:
        return {
            "signing_title": "Phó Chủ tịch",
            "signs_as": SignsAs.KT,
            "signs_for_title": agency.head_title or "Chủ tịch",
        }
    name = department.name
    if name.startswith("Phòng "):
        title = f"Trưởng phòng {name.removeprefix('Phòng ')}"
    elif name.startswith("Văn phòng "):
        title = f"Giám đốc {name}"  # a public service unit of the department, its director
    else:
        title = f"Trưởng {name[:1].lower()}{name[1:]}"
    return {
        "signing_title": title,
        "signs_as": SignsAs.TL,
        "signs_for_title": agency.head_title or "Giám đốc",
    }


@transaction.atomic
def create_demo_people(demo: DemoProvince) -> list[tuple[str, str, str]]:
    """One login per persona (and a few more so every queue has an owner)."""
    centre = demo.agencies["centre"]
    justice = demo.agencies["justice"]
    justice_dep = demo.departments[("justice", "hanh-chinh-tu-phap")]
    commune_centre = demo.commune_centres[0]
    committee = demo.commune_committees[0]
    commune_justice = demo.departments[(committee.code, "tu-phap-ho-tich")]
    d = DEMO_EMAIL_DOMAIN
    people = [
        (
            "Công dân",
            dict(
                email=f"congdan@{d}",
                full_name="Nguyễn Thị Hồng Nhung",
                role="citizen",
                phone="0912345678",
                national_id="075190001234",
                date_of_birth=datetime.date(1990, 3, 14),
                address="Số 45 đường Phan Chu Trinh, phường Trấn Biên, tỉnh Đồng Nai",
            ),
        ),
        (
            "Cán bộ một cửa (tỉnh)",
            dict(email=f"motcua@{d}", full_name="Lê Văn Phúc", role="clerk", agency=centre),
        ),
        (
            "Cán bộ một cửa (xã)",
            dict(
                email=f"motcua.tranbien@{d}",
                full_name="Phạm Thị Thu Hà",
                role="clerk",
                agency=commune_centre,
            ),
        ),
        (
            "Chuyên viên",
            dict(
                email=f"chuyenvien@{d}",
                full_name="Trần Minh Đức",
                role="specialist",
                agency=justice,
                department=justice_dep,
            ),
        ),
        (
            "Lãnh đạo phòng",
            dict(
                email=f"lanhdao@{d}",
                full_name="Võ Thị Kim Oanh",
                role="head",
                agency=justice,
                department=justice_dep,
                **_unit_head_signing(justice_dep),
            ),
        ),
        (
            "Chuyên viên (xã)",
            dict(
                email=f"chuyenvien.tranbien@{d}",
                full_name="Đỗ Quang Huy",
                role="specialist",
                agency=committee,
                department=commune_justice,
            ),
        ),
        (
            "Lãnh đạo (xã)",
            dict(
                email=f"lanhdao.tranbien@{d}",
                full_name="Huỳnh Văn Tâm",
                role="head",
                agency=committee,
                department=commune_justice,
                **_unit_head_signing(commune_justice),
            ),
        ),
        (
            "Giám sát Trung tâm",
            dict(
                email=f"giamsat@{d}", full_name="Bùi Thị Lan Anh", role="supervisor", agency=centre
            ),
        ),
        (
            "Quản trị",
            dict(
                email=f"quantri@{d}",
                full_name="Ngô Đình Khoa",
                role="administrator",
                agency=centre,
                is_staff=True,
            ),
        ),
    ]
    logins = []
    for persona, values in people:
        user = _user(**values)  # type: ignore[arg-type]
        where = str(user.agency) if user.agency else "—"
        logins.append((persona, user.email, where))
    _verify_demo_citizen(email=f"congdan@{d}", clerk_email=f"motcua@{d}")
    _staff_every_unit(demo)
    _enrol_demo_second_factor()
    return logins


def _verify_demo_citizen(*, email: str, clerk_email: str) -> None:
    """The demo citizen has shown her card at the province's counter: her ID number is
    verified, so her walk-in dossiers and the README's walk reach her account."""
    from accounts.services import national_id_verify

    citizen = User.objects.get(email=email)
    if citizen.national_id_verified:
        return
    national_id_verify(
        user=citizen,
        clerk=User.objects.get(email=clerk_email),
        national_id=citizen.national_id or "",
        full_name=citizen.full_name,
        date_of_birth=citizen.date_of_birth,
        document_seen=True,
    )


def _enrol_demo_second_factor() -> None:
    """The demo people whose login needs a code get an authenticator with DEMO_TOTP_KEY."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import TOTP_NAME, requires_second_factor

    enrolled = set(TOTPDevice.objects.values_list("user_id", flat=True))
    for user in User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exclude(
        pk__in=enrolled
    ):
        if requires_second_factor(user):
            TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=DEMO_TOTP_KEY, confirmed=True)


# Names for the staff of the units the personas above do not cover.
_STAFF_NAMES = [
    "Nguyễn Văn Bình", "Trần Thị Cúc", "Lê Hoàng Dũng", "Phạm Thị Hạnh", "Hoàng Minh Khang",
    "Vũ Thị Lan", "Đặng Quốc Mạnh", "Bùi Thị Ngọc", "Đỗ Văn Phong", "Hồ Thị Quyên",
    "Ngô Thanh Sơn", "Dương Thị Thảo", "Lý Văn Toàn", "Mai Thị Uyên", "Trịnh Công Vinh",
    "Phan Thị Xuân", "Tạ Văn Yên", "Châu Thị Ánh", "Lâm Quang Bảo", "Kiều Thị Duyên",
]  # fmt: skip


def _staff_every_unit(demo: DemoProvince) -> None:
    """Every unit a demo procedure's steps can reach has a specialist and a head, and every
    commune centre a clerk, so the README's walk works for every procedure of the catalogue
    (``chuyenvien.<unit>.<department>@…`` and ``lanhdao.<unit>.<department>@…``)."""
    d = DEMO_EMAIL_DOMAIN
    names = iter(_STAFF_NAMES * 4)
    for (key, dep_code), department in sorted(demo.departments.items()):
        if key == "centre":
            continue  # the one-stop section's own departments: clerks, not appraisers
        agency = department.agency
        staffed = User.objects.filter(department=department, agency=agency)
        unit = key if "." not in key else _COMMUNE_KEYS[agency.commune_id or 0]
        for role, prefix in (("specialist", "chuyenvien"), ("head", "lanhdao")):
            group = ROLE_BY_KEY[role].group_name
            signing = _unit_head_signing(department) if role == "head" else {}
            if signing:
                # Heads loaded before staff records said in what name they sign.
                staffed.filter(groups__name=group, signing_title="").update(**signing)
            if not staffed.filter(groups__name=group).exists():
                _user(
                    email=f"{prefix}.{unit}.{dep_code}@{d}",
                    full_name=next(names),
                    role=role,
                    agency=agency,
                    department=department,
                    **signing,  # type: ignore[arg-type]
                )
    clerk_group = ROLE_BY_KEY["clerk"].group_name
    for centre in demo.commune_centres:
        if not User.objects.filter(agency=centre, groups__name=clerk_group).exists():
            _user(
                email=f"motcua.{_COMMUNE_KEYS[centre.commune_id or 0]}@{d}",
                full_name=next(names),
                role="clerk",
                agency=centre,
            )
