"""factory-boy factories shared by the suite; one trait per role or state."""

import datetime
from typing import Any, cast

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ROLE_BY_KEY, ensure_roles
from agencies.models import Agency, AgencyKind, Commune, Department, Province
from procedures.models import (
    Component,
    ComponentKind,
    Fee,
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)

DEFAULT_PASSWORD = "Mật-khẩu-thử-2025!"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = 75
    name = "Đồng Nai"
    division_type = "tỉnh"
    codename = "dong_nai"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    division_type = "phường"
    province = factory.SubFactory(ProvinceFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n:02d}.H75")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT
    province = factory.SubFactory(ProvinceFactory)
    valid_from = datetime.date(2025, 7, 1)

    class Params:
        centre = factory.Trait(
            kind=AgencyKind.PROVINCIAL_CENTRE,
            name="Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
        )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"phong-{n}")
    name = factory.Sequence(lambda n: f"Phòng Nghiệp vụ {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.vn")
    full_name = "Nguyễn Thị Ánh"
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        """UserFactory(role="clerk") puts the user in that role's group."""
        if create and extracted:
            ensure_roles()
            self.groups.add(Group.objects.get(name=ROLE_BY_KEY[extracted].group_name))
            user = cast(User, self)
            if extracted == "head" and not user.signing_title:
                # A head signs forms 04 and 05 (accounts/signing.py): by default the
                # agency's head, under the agency's own head title.
                agency = user.agency
                user.signing_title = (agency.head_title if agency else "") or "Giám đốc"
                user.save(update_fields=["signing_title"])


class CitizenFactory(UserFactory):
    national_id = factory.Sequence(lambda n: f"075190{n:06d}")
    date_of_birth = datetime.date(1990, 5, 17)
    address = "Số 12 đường Võ Thị Sáu, phường Trấn Biên, tỉnh Đồng Nai"

    class Params:
        # CitizenFactory(verified=True): a clerk has seen the card (the ID number is theirs).
        verified = factory.Trait(
            national_id_verified_at=factory.LazyFunction(
                lambda: datetime.datetime.now(datetime.UTC)
            ),
            national_id_verification="counter",
        )

    # A plain `role = "citizen"` would replace the hook and reach User() as a field.
    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            ensure_roles()
            self.groups.add(Group.objects.get(name=ROLE_BY_KEY[extracted or "citizen"].group_name))


class StaffFactory(UserFactory):
    agency = factory.SubFactory(AgencyFactory)
    full_name = "Trần Văn Bình"


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = "Đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    competent_agency_kind = AgencyKind.COMMUNE_COMMITTEE
    online_level = OnlineLevel.FULL
    result_type = "Giấy khai sinh"
    legal_basis = "Luật Hộ tịch số 60/2014/QH13"


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    effective_from = datetime.date(2025, 1, 1)
    limit_hours_direct = 24
    limit_hours_online = 24
    default_extension_hours = 24


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    version = factory.SubFactory(ProcedureVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Tờ khai đăng ký khai sinh"
    kind = ComponentKind.ORIGINAL


class FeeFactory(factory.django.DjangoModelFactory):
    """A fee line, always charged; ``FeeFactory(alternative="Nhóm", default=True)`` one of
    the group's alternatives; ``FeeFactory(optional=True)`` on request, per copy."""

    class Meta:
        model = Fee

    version = factory.SubFactory(ProcedureVersionFactory)
    name = "Lệ phí"
    amount = 0
    kind = FeeKind.ALWAYS

    class Params:
        alternative = ""
        default = False
        optional = factory.Trait(kind=FeeKind.OPTIONAL, unit="bản")

    @factory.lazy_attribute
    def group(self) -> str:
        return str(self.alternative)

    @factory.lazy_attribute
    def is_default(self) -> bool:
        return bool(self.default)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("group"):
            kwargs["kind"] = FeeKind.ALTERNATIVE
        return kwargs


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    version = factory.SubFactory(ProcedureVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Thẩm định hồ sơ"
    budget_hours = 8
