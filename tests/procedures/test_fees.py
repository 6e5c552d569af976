"""The fee schedule (docs/design.md §14): lines always charged, groups of alternatives, lines on
request; alternatives shown as "one of", never added up; money written "200.000 đ"."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from demo.catalogue import read_catalogue
from procedures.fees import group_fees
from procedures.models import Fee, FeeKind, ProcedureVersion
from procedures.money import vnd
from procedures.services import FeeSpec, StepSpec, procedure_version_create
from tests.factories import (
    FeeFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
)
from tests.procedures.test_admin import _management, _version_data

JUDICIAL_RECORD = "Phí cung cấp thông tin lý lịch tư pháp"


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "free", "written"),
    [
        (200_000, False, "200.000 đ"),
        (1_234_567, False, "1.234.567 đ"),
        (8_000, False, "8.000 đ"),
        (500, False, "500 đ"),
        (0, False, "0 đ"),
        (0, True, "Miễn phí"),
        (15_000, True, "15.000 đ"),
        (None, False, ""),
    ],
)
def test_money_is_written_the_vietnamese_way(amount: int | None, free: bool, written: str):
    assert vnd(amount, free=free) == written


def test_the_template_filter_writes_the_same():
    template = Template('{% load money %}{{ a|vnd }} / {{ b|vnd }} / {{ b|vnd:"free" }}')
    assert template.render(Context({"a": 200_000, "b": 0})) == "200.000 đ / 0 đ / Miễn phí"


def test_a_fee_line_reads_in_dong_in_the_admin(db: None):
    assert str(FeeFactory(name="Lệ phí", amount=200_000)) == "Lệ phí: 200.000 đ"
    assert str(FeeFactory(name="Bản sao", amount=8_000, optional=True)) == "Bản sao: 8.000 đ/bản"


# --- the schedule's rules ------------------------------------------------------------------------


def _create(fees: list[FeeSpec]) -> Any:
    procedure = ProcedureFactory()
    return procedure_version_create(
        procedure=procedure,
        effective_from=datetime.date(2025, 1, 1),
        limit_hours_direct=24,
        limit_hours_online=24,
        steps=[StepSpec(name="Thẩm định", budget_hours=8)],
        fees=fees,
    )


def _alt(name: str, amount: int, *, default: bool = False, group: str = "Lệ phí") -> FeeSpec:
    return FeeSpec(
        name=name, amount=amount, kind=FeeKind.ALTERNATIVE, group=group, is_default=default
    )


@pytest.mark.parametrize(
    ("fees", "message"),
    [
        ([_alt("Mức chung", 200_000, default=True)], "cần ít nhất hai mức"),
        ([_alt("Mức chung", 200_000), _alt("Mức giảm", 100_000)], "đúng một mức mặc định"),
        (
            [_alt("Mức chung", 200_000, default=True), _alt("Mức giảm", 100_000, default=True)],
            "đúng một mức mặc định (đang có 2)",
        ),
        ([FeeSpec(name="Không nhóm", amount=1, kind=FeeKind.ALTERNATIVE)], "cần tên nhóm"),
    ],
)
def test_a_schedule_with_a_broken_group_is_refused_and_nothing_stored(
    db: None, fees: list[FeeSpec], message: str
):
    with pytest.raises(ValidationError) as refused:
        _create(fees)
    assert any(message in text for text in refused.value.messages)
    assert not Fee.objects.exists()


def test_the_default_can_move_to_another_line_of_its_group(db: None):
    from procedures.services import procedure_version_update

    version = _create([_alt("Mức chung", 200_000, default=True), _alt("Mức giảm", 100_000)])
    procedure_version_update(
        version=version,
        limit_hours_direct=24,
        limit_hours_online=24,
        steps=[StepSpec(name="Thẩm định", budget_hours=8)],
        fees=[_alt("Mức chung", 200_000), _alt("Mức giảm", 100_000, default=True)],
    )
    assert [(f.name, f.is_default) for f in version.fees.order_by("id")] == [
        ("Mức chung", False),
        ("Mức giảm", True),
    ]


def test_group_fees_gathers_the_alternatives_where_the_first_appears(db: None):
    version = ProcedureVersionFactory()
    FeeFactory(version=version, name="Lệ phí", amount=100_000, alternative="Lệ phí", default=True)
    FeeFactory(version=version, name="Bản sao", amount=8_000, optional=True)
    FeeFactory(version=version, name="Lệ phí giảm", amount=50_000, alternative="Lệ phí")
    groups = group_fees(version.fees.order_by("id"))
    assert [(g.kind, g.label, [f.name for f in g.lines]) for g in groups] == [
        (FeeKind.ALTERNATIVE, "Lệ phí", ["Lệ phí", "Lệ phí giảm"]),
        (FeeKind.OPTIONAL, "Bản sao", ["Bản sao"]),
    ]
    assert groups[0].default is not None and groups[0].default.name == "Lệ phí"


# --- the guidance page -----------------------------------------------------------------------------


@pytest.fixture
def judicial_record(db: None) -> Any:
    version = ProcedureVersionFactory(
        procedure__code="2.000488", procedure__name="Cấp Phiếu lý lịch tư pháp"
    )
    FeeFactory(
        version=version,
        name=JUDICIAL_RECORD,
        amount=200_000,
        alternative=JUDICIAL_RECORD,
        default=True,
    )
    FeeFactory(
        version=version,
        name=f"{JUDICIAL_RECORD} (sinh viên, người có công với cách mạng)",
        amount=100_000,
        alternative=JUDICIAL_RECORD,
    )
    FeeFactory(version=version, name="Phí cấp thêm Phiếu", amount=5_000, optional=True)
    return version


def test_the_guidance_page_shows_alternatives_as_one_of_and_no_sum(
    client: Client, judicial_record: Any
):
    html = client.get(reverse("procedures:detail", args=["2.000488"])).content.decode()
    assert f'{JUDICIAL_RECORD} — <span class="fee-one-of">áp dụng một trong các mức sau' in html
    assert "200.000 đ" in html and "100.000 đ" in html
    assert "(mức thông thường)" in html
    assert "5.000 đ/bản" in html and "Khi có yêu cầu" in html
    assert "không cộng dồn" in html
    for total in ("300.000 đ", "305.000 đ", "205.000 đ"):
        assert total not in html


def test_the_api_exposes_how_each_line_applies(client: Client, judicial_record: Any):
    body = client.get("/api/v1/procedures/2.000488/").json()
    fees = body["version_in_force"]["fees"]
    assert [(f["kind"], f["group"], f["is_default"], f["amount"], f["unit"]) for f in fees] == [
        ("alternative", JUDICIAL_RECORD, True, 200_000, ""),
        ("alternative", JUDICIAL_RECORD, False, 100_000, ""),
        ("optional", "", False, 5_000, "bản"),
    ]


# --- the admin -------------------------------------------------------------------------------------


def _fee_rows(rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data = _management("fees", len(rows), initial)
    for index, row in enumerate(rows):
        data |= {f"fees-{index}-{key}": value for key, value in row.items()}
    return data


@pytest.mark.urls("tests.procedures.test_admin")
def test_the_admin_refuses_a_group_with_two_defaults(admin_client: Client):
    procedure = ProcedureFactory.create()
    row = {"amount": 1000, "unit": "", "note": "", "kind": "alternative", "group": "Lệ phí"}
    data = _version_data(procedure, [("Thẩm định", 8)])
    data |= _fee_rows(
        [
            {**row, "name": "Mức chung", "is_default": "on"},
            {**row, "name": "Mức giảm", "is_default": "on"},
        ]
    )
    response = admin_client.post(reverse("admin:procedures_procedureversion_add"), data)
    assert response.status_code == 200
    assert "Nhóm “Lệ phí” cần đúng một mức mặc định (đang có 2)." in response.content.decode()
    assert not ProcedureVersion.objects.exists() and not Fee.objects.exists()


@pytest.mark.urls("tests.procedures.test_admin")
def test_the_admin_moves_the_default_to_another_line(admin_client: Client):
    version = _create([_alt("Mức chung", 200_000, default=True), _alt("Mức giảm", 100_000)])
    first, second = version.fees.order_by("id")
    row = {"unit": "", "note": "", "kind": "alternative", "group": "Lệ phí", "version": version.pk}
    data = _version_data(version.procedure, [("Thẩm định", 8)], effective_from="2025-01-01")
    data["limit_hours_direct"] = data["limit_hours_online"] = 24
    data |= _management("components", 0) | _management("steps", 0)
    data |= _management("excluded_period_rules", 0)
    data |= _fee_rows(
        [
            {**row, "id": first.pk, "name": "Mức chung", "amount": 200_000},
            {**row, "id": second.pk, "name": "Mức giảm", "amount": 100_000, "is_default": "on"},
        ],
        initial=2,
    )
    response = admin_client.post(
        reverse("admin:procedures_procedureversion_change", args=[version.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(f.name, f.is_default) for f in version.fees.order_by("id")] == [
        ("Mức chung", False),
        ("Mức giảm", True),
    ]


# --- the demo catalogue ----------------------------------------------------------------------------


def test_every_line_of_the_demo_catalogue_is_classified():
    for procedure in read_catalogue():
        for version in procedure["versions"]:
            groups: dict[str, list[dict[str, Any]]] = {}
            for fee in version["fees"]:
                assert fee["kind"] in FeeKind.values, (procedure["code"], fee["name"])
                if fee["kind"] == FeeKind.ALTERNATIVE:
                    groups.setdefault(fee["group"], []).append(fee)
            for name, lines in groups.items():
                assert len(lines) >= 2, (procedure["code"], name)
                assert sum(bool(f.get("default")) for f in lines) == 1, (procedure["code"], name)


def test_the_judicial_record_rates_are_alternatives_in_the_catalogue():
    record = next(p for p in read_catalogue() if p["code"] == "2.000488")
    fees = record["versions"][-1]["fees"]
    assert [(f["kind"], f["amount"], bool(f.get("default"))) for f in fees] == [
        ("alternative", 200_000, True),
        ("alternative", 100_000, False),
        ("alternative", 0, False),
    ]
    birth = next(p for p in read_catalogue() if p["code"] == "1.001193")
    assert [f["kind"] for f in birth["versions"][0]["fees"]] == ["always", "optional"]
