"""A small catalogue the page, API and browser tests share: built through the factories."""

import datetime
from dataclasses import dataclass

from agencies.models import Agency, AgencyKind, Department
from procedures.models import ComponentKind, Field, OnlineLevel, Procedure, ProcedureVersion
from tests.factories import (
    AgencyFactory,
    ComponentFactory,
    DepartmentFactory,
    FeeFactory,
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
)

BIRTH_CODE = "1.001193"


@dataclass
class Catalogue:
    civil_status: Field
    construction: Field
    commune: Agency
    construction_dept: Agency
    justice_section: Department
    birth: Procedure
    birth_version: ProcedureVersion
    marriage: Procedure
    permit: Procedure
    retired: Procedure


def build_catalogue() -> Catalogue:
    civil_status = FieldFactory.create(code="ho-tich", name="Hộ tịch")
    construction = FieldFactory.create(code="xay-dung", name="Xây dựng")
    commune = AgencyFactory.create(
        code="000.26.41.H75",
        name="Ủy ban nhân dân phường Trấn Biên",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        address="Số 1 đường Nguyễn Ái Quốc, phường Trấn Biên, tỉnh Đồng Nai",
        phone="0251 3822 111",
    )
    construction_dept = AgencyFactory.create(
        code="000.00.15.H75",
        name="Sở Xây dựng tỉnh Đồng Nai",
        address="Số 2 đường Võ Thị Sáu, phường Trấn Biên",
    )
    justice_section = DepartmentFactory.create(
        agency=commune, code="tu-phap", name="Bộ phận Tư pháp – Hộ tịch"
    )

    birth = ProcedureFactory.create(
        code=BIRTH_CODE,
        name="Đăng ký khai sinh",
        field=civil_status,
        online_level=OnlineLevel.FULL,
        result_type="Giấy khai sinh (bản chính)",
        legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP",
        subjects="Cha, mẹ, ông, bà hoặc người thân thích của trẻ",
        source_url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        is_demo=True,
    )
    birth.agencies.add(commune)
    birth_version = ProcedureVersionFactory.create(
        procedure=birth,
        effective_from=datetime.date(2025, 7, 1),
        limit_hours_direct=24,
        limit_hours_online=16,
    )
    ComponentFactory.create(
        version=birth_version,
        order=1,
        name="Tờ khai đăng ký khai sinh",
        kind=ComponentKind.ORIGINAL,
        template_name="Mẫu tờ khai TP/HT-2020-KS",
    )
    ComponentFactory.create(
        version=birth_version, order=2, name="Giấy chứng sinh", kind=ComponentKind.ORIGINAL
    )
    ComponentFactory.create(
        version=birth_version,
        order=3,
        name="Giấy tờ chứng minh nơi cư trú",
        kind=ComponentKind.COPY,
        required=False,
        reusable=True,
    )
    FeeFactory.create(
        version=birth_version, name="Lệ phí đăng ký khai sinh", amount=0, note="Đăng ký đúng hạn"
    )
    FeeFactory.create(version=birth_version, name="Phí cấp bản sao trích lục", amount=100_000)
    ProcessStepFactory.create(
        version=birth_version, order=1, name="Tiếp nhận, kiểm tra hồ sơ", budget_hours=4
    )
    ProcessStepFactory.create(
        version=birth_version,
        order=2,
        name="Thẩm định, trình ký",
        agency=commune,
        department=justice_section,
        handler_role="Công chức tư pháp – hộ tịch",
        budget_hours=8,
    )
    ProcessStepFactory.create(
        version=birth_version, order=3, name="Ký duyệt kết quả", budget_hours=4
    )
    # An older version, no longer in force: the page shows the current one.
    ProcedureVersionFactory.create(
        procedure=birth,
        effective_from=datetime.date(2020, 1, 1),
        effective_until=datetime.date(2025, 6, 30),
        limit_hours_direct=40,
        limit_hours_online=40,
    )

    marriage = ProcedureFactory.create(
        code="1.000894",
        name="Đăng ký kết hôn",
        field=civil_status,
        online_level=OnlineLevel.PARTIAL,
        result_type="Giấy chứng nhận kết hôn",
    )
    marriage.agencies.add(commune)
    ProcedureVersionFactory.create(procedure=marriage, limit_hours_direct=40, limit_hours_online=40)

    permit = ProcedureFactory.create(
        code="1.009972",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        field=construction,
        competent_agency_kind=AgencyKind.DEPARTMENT,
        online_level=OnlineLevel.PARTIAL,
        result_type="Giấy phép xây dựng",
    )
    permit.agencies.add(construction_dept)
    permit_version = ProcedureVersionFactory.create(
        procedure=permit, limit_hours_direct=120, limit_hours_online=120
    )
    FeeFactory.create(version=permit_version, name="Lệ phí cấp giấy phép xây dựng", amount=75_000)

    retired = ProcedureFactory.create(
        code="1.000001",
        name="Đăng ký khai sinh lưu động",
        field=civil_status,
        is_active=False,
        result_type="Giấy khai sinh",
    )
    return Catalogue(
        civil_status=civil_status,
        construction=construction,
        commune=commune,
        construction_dept=construction_dept,
        justice_section=justice_section,
        birth=birth,
        birth_version=birth_version,
        marriage=marriage,
        permit=permit,
        retired=retired,
    )
