"""The read-only procedure API, its OpenAPI schema and the offline docs page."""

import json
from html.parser import HTMLParser

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema

from tests.factories import FeeFactory, ProcedureVersionFactory
from tests.procedures.catalogue import BIRTH_CODE, Catalogue, build_catalogue

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/procedures/"


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    return build_catalogue()


def codes(body: dict) -> list[str]:
    return sorted(row["code"] for row in body["results"])


def test_list_is_public_and_paginated(client: Client, catalogue: Catalogue) -> None:
    response = client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {"next", "previous", "results"} <= body.keys()
    assert codes(body) == sorted(
        [BIRTH_CODE, "1.000894", "1.009972"]
    )  # the retired one is not listed
    birth = next(row for row in body["results"] if row["code"] == BIRTH_CODE)
    assert birth["name"] == "Đăng ký khai sinh"
    assert birth["field"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert birth["online_level"] == "full"
    assert birth["url"].endswith(f"/api/v1/procedures/{BIRTH_CODE}/")
    assert birth["version_in_force"]["limit_hours_direct"] == 24
    assert birth["version_in_force"]["limit_hours_online"] == 16
    assert {fee["amount"] for fee in birth["version_in_force"]["fees"]} == {0, 100_000}


@pytest.mark.parametrize("query", ["dang ky khai sinh", "DANG KY KHAI SINH", "Đăng ký khai sinh"])
def test_search_ignores_diacritics_and_case(
    client: Client, catalogue: Catalogue, query: str
) -> None:
    assert codes(client.get(LIST_URL, {"q": query}).json()) == [BIRTH_CODE]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "xay-dung"}, ["1.009972"]),
        ({"agency": "000.26.41.H75"}, ["1.000894", BIRTH_CODE]),
        ({"online_level": "partial"}, ["1.000894", "1.009972"]),
        ({"q": "dang ky", "online_level": "partial"}, ["1.000894"]),
    ],
)
def test_filters(
    client: Client, catalogue: Catalogue, params: dict[str, str], expected: list[str]
) -> None:
    assert codes(client.get(LIST_URL, params).json()) == sorted(expected)


def test_invalid_filter_is_a_400_in_vietnamese(client: Client, catalogue: Catalogue) -> None:
    response = client.get(LIST_URL, {"online_level": "cap-4"})
    assert response.status_code == 400
    assert response.json()["online_level"] == ["Mức độ trực tuyến không hợp lệ."]


def test_detail_by_code_with_the_version_in_force(client: Client, catalogue: Catalogue) -> None:
    response = client.get(f"{LIST_URL}{BIRTH_CODE}/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == BIRTH_CODE
    assert body["legal_basis"].startswith("Luật Hộ tịch số 60/2014/QH13")
    assert body["is_demo"] is True
    assert [a["name"] for a in body["receiving_agencies"]] == ["Ủy ban nhân dân phường Trấn Biên"]
    assert body["receiving_agencies"][0]["address"].startswith("Số 1 đường Nguyễn Ái Quốc")
    version = body["version_in_force"]
    assert version["effective_from"] == "2025-07-01"  # not the 2020 version
    assert [c["name"] for c in version["components"]] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Giấy tờ chứng minh nơi cư trú",
    ]
    assert version["components"][2] | {"id": None} == {
        "id": None,
        "order": 3,
        "name": "Giấy tờ chứng minh nơi cư trú",
        "kind": "copy",
        "count": 1,
        "required": False,
        "reusable": True,
        "template_name": "",
        "template_url": None,
    }
    assert [(f["name"], f["amount"]) for f in version["fees"]] == [
        ("Lệ phí đăng ký khai sinh", 0),
        ("Phí cấp bản sao trích lục", 100_000),
    ]
    step = version["steps"][1]
    assert step["name"] == "Thẩm định, trình ký"
    assert step["agency"]["code"] == "000.26.41.H75"
    assert step["department"] == "Bộ phận Tư pháp – Hộ tịch"
    assert step["budget_hours"] == 8
    assert version["steps"][0]["agency"] is None


@pytest.mark.parametrize("code", ["9.999999", "1.000001"])  # unknown; retired
def test_unknown_code_is_404(client: Client, catalogue: Catalogue, code: str) -> None:
    response = client.get(f"{LIST_URL}{code}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không có thủ tục mã này trong danh mục."


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", LIST_URL),
        ("put", f"{LIST_URL}{BIRTH_CODE}/"),
        ("patch", f"{LIST_URL}{BIRTH_CODE}/"),
        ("delete", f"{LIST_URL}{BIRTH_CODE}/"),
    ],
)
def test_api_is_read_only(client: Client, catalogue: Catalogue, method: str, url: str) -> None:
    response = getattr(client, method)(
        url, data={"name": "Đổi tên"}, content_type="application/json"
    )
    assert response.status_code == 405
    catalogue.birth.refresh_from_db()
    assert catalogue.birth.name == "Đăng ký khai sinh"


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_is_constant(
    client: Client, catalogue: Catalogue, django_assert_num_queries, rows: int
) -> None:
    for n in range(rows):
        FeeFactory.create(
            version=ProcedureVersionFactory.create(
                procedure__code=f"5.{n:06d}", procedure__result_type="X"
            )
        )
    with django_assert_num_queries(4):
        # 1 count   2 the page of procedures with their field   3 versions in force   4 their fees
        response = client.get(LIST_URL)
    assert response.json()["count"] == 3 + rows


# --- Schema and docs --------------------------------------------------------------------


def test_openapi_schema_is_valid_and_documents_the_procedures(client: Client, db: None) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert "/api/v1/procedures/" in schema["paths"]
    assert "/api/v1/procedures/{code}/" in schema["paths"]
    list_op = schema["paths"]["/api/v1/procedures/"]["get"]
    assert {p["name"] for p in list_op["parameters"]} >= {
        "q",
        "field",
        "agency",
        "online_level",
        "page",
    }
    detail = schema["components"]["schemas"]["ProcedureDetailOut"]["properties"]
    assert "version_in_force" in detail and "receiving_agencies" in detail


class AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value and tag in {"script", "link", "img", "iframe"}:
                self.urls.append(value)


def test_docs_page_uses_only_local_assets(client: Client, db: None) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    collector = AssetCollector()
    collector.feed(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in collector.urls)
    assert any(url.endswith("swagger-ui.css") for url in collector.urls)
    for url in collector.urls:
        assert url.startswith("/static/"), url
    assert "cdn." not in html and "unpkg" not in html
    assert '"/api/schema/"' in html  # the schema comes from this server too
    # The relaxed CSP still names no foreign host.
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "http" not in csp
