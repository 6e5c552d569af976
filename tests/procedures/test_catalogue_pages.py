"""The public catalogue and guidance pages (the "guidance" stage of the 4 on-site stages)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from procedures.models import OnlineLevel
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    FeeFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StaffFactory,
)
from tests.procedures.catalogue import BIRTH_CODE, Catalogue, build_catalogue

pytestmark = pytest.mark.django_db

CATALOGUE_URL = reverse("procedures:catalogue")


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    return build_catalogue()


def listed_codes(html: str) -> list[str]:
    """Procedure codes of the result rows, in page order."""
    return re.findall(r'class="result-title"><a href="/thu-tuc/([^/"]+)/"', html)


def search(client: Client, **params: str) -> str:
    response = client.get(CATALOGUE_URL, params)
    assert response.status_code == 200
    return response.content.decode()


# --- Catalogue -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "DANG KY KHAI SINH", "Đăng ký khai sinh", "  khai   SINH "]
)
def test_search_ignores_diacritics_and_case(
    client: Client, catalogue: Catalogue, query: str
) -> None:
    html = search(client, q=query)
    # Marriage shares "đăng ký", the permit shares nothing, the retired one is not offered.
    assert listed_codes(html) == [BIRTH_CODE]
    assert "Tìm thấy 1 thủ tục" in html


def test_search_by_code(client: Client, catalogue: Catalogue) -> None:
    assert listed_codes(search(client, q="1.009972")) == ["1.009972"]


def test_without_query_lists_every_active_procedure(client: Client, catalogue: Catalogue) -> None:
    html = search(client)
    assert sorted(listed_codes(html)) == sorted([BIRTH_CODE, "1.000894", "1.009972"])
    assert "lưu động" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "xay-dung"}, ["1.009972"]),
        ({"field": "ho-tich"}, ["1.000894", BIRTH_CODE]),
        ({"agency": "000.26.41.H75"}, ["1.000894", BIRTH_CODE]),
        ({"online_level": OnlineLevel.PARTIAL}, ["1.000894", "1.009972"]),
        ({"online_level": OnlineLevel.FULL}, [BIRTH_CODE]),
        ({"q": "dang ky", "online_level": OnlineLevel.PARTIAL}, ["1.000894"]),
        ({"q": "giay phep", "field": "ho-tich"}, []),
    ],
)
def test_filters_narrow_results(
    client: Client, catalogue: Catalogue, params: dict[str, str], expected: list[str]
) -> None:
    assert sorted(listed_codes(search(client, **params))) == sorted(expected)


def test_filters_offer_fields_agencies_and_levels(client: Client, catalogue: Catalogue) -> None:
    html = search(client)
    assert '<option value="xay-dung">Xây dựng</option>' in html
    assert '<option value="000.00.15.H75">Sở Xây dựng tỉnh Đồng Nai</option>' in html
    assert '<option value="partial">Một phần</option>' in html
    # Every control has a visible label.
    for control in ("id_q", "id_field", "id_agency", "id_online_level"):
        assert f'<label for="{control}">' in html


def test_invalid_filter_is_explained_in_vietnamese_and_ignored(
    client: Client, catalogue: Catalogue
) -> None:
    html = search(client, online_level="cap-4", field="khong-co")
    assert "Mức độ trực tuyến không hợp lệ." in html
    assert "Lĩnh vực đã chọn không có trong danh mục." in html
    assert len(listed_codes(html)) == 3


def test_row_shows_code_field_level_time_limit_and_fee(
    client: Client, catalogue: Catalogue
) -> None:
    html = search(client, q="giay phep xay dung")
    assert listed_codes(html) == ["1.009972"]
    assert "Xây dựng" in html
    assert 'class="badge badge-partial"' in html
    assert "15 ngày làm việc" in html  # 120 working hours
    assert "75.000 đ" in html


def test_row_shows_both_channel_limits_when_they_differ(
    client: Client, catalogue: Catalogue
) -> None:
    html = search(client, q="khai sinh")
    assert "Trực tiếp: 3 ngày làm việc; trực tuyến: 2 ngày làm việc" in html
    assert "100.000 đ" in html


def test_empty_result_says_so(client: Client, catalogue: Catalogue) -> None:
    html = search(client, q="cap ho chieu")
    assert listed_codes(html) == []
    assert "Không tìm thấy thủ tục phù hợp." in html


def test_pagination_keeps_the_query_and_filters(client: Client, catalogue: Catalogue) -> None:
    for n in range(25):
        ProcedureFactory.create(
            code=f"2.{n:06d}",
            name=f"Chứng thực bản sao số {n:02d}",
            field=catalogue.civil_status,
            result_type="Bản sao chứng thực",
        )
    first = search(client, q="chung thuc", field="ho-tich")
    assert len(listed_codes(first)) == 20
    assert "Tìm thấy 25 thủ tục" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_link is not None
    href = next_link.group(1).replace("&amp;", "&")
    assert "q=chung+thuc" in href and "field=ho-tich" in href and "page=2" in href

    second = client.get(CATALOGUE_URL + href).content.decode()
    assert len(listed_codes(second)) == 5
    assert not set(listed_codes(second)) & set(listed_codes(first))


# --- Guidance page ---------------------------------------------------------------------


def test_guidance_page_shows_everything_needed_to_file(
    client: Client, catalogue: Catalogue
) -> None:
    response = client.get(reverse("procedures:detail", args=[BIRTH_CODE]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Đăng ký khai sinh</h1>" in html
    assert BIRTH_CODE in html
    assert "Hộ tịch" in html and "Toàn trình" in html
    assert "Ủy ban nhân dân xã, phường" in html  # level
    assert "Cha, mẹ, ông, bà hoặc người thân thích của trẻ" in html  # who may file
    # Where to file: the receiving agency with its address.
    assert "Ủy ban nhân dân phường Trấn Biên" in html
    assert "Số 1 đường Nguyễn Ái Quốc, phường Trấn Biên, tỉnh Đồng Nai" in html
    # Time limits of the version in force, per channel (not the old version's 5 days).
    assert "Nộp trực tiếp:" in html and "3 ngày làm việc" in html
    assert "Nộp trực tuyến:" in html and "2 ngày làm việc" in html
    assert "5 ngày làm việc" not in html
    # Fees, formatted in đồng.
    assert "Phí cấp bản sao trích lục" in html and "100.000 đ" in html
    assert "Lệ phí đăng ký khai sinh" in html and "Miễn phí" in html
    # Components checklist.
    for text in (
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Giấy tờ chứng minh nơi cư trú",
        "Bản chính",
        "Bản sao",
        "Mẫu tờ khai TP/HT-2020-KS",
        "Không bắt buộc",
        "Dùng lại được từ hồ sơ trước",
    ):
        assert text in html, text
    # Internal process with handling unit and budget.
    assert "Thẩm định, trình ký" in html
    assert "Bộ phận Tư pháp – Hộ tịch, Ủy ban nhân dân phường Trấn Biên" in html
    assert "Công chức tư pháp – hộ tịch" in html
    assert "4 giờ làm việc" in html and "1 ngày làm việc" in html
    # Result, legal basis, source and the demo-data notice.
    assert "Giấy khai sinh (bản chính)" in html
    assert "Luật Hộ tịch số 60/2014/QH13<br>Nghị định 123/2015/NĐ-CP" in html
    assert (
        'href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"'
        in html
    )
    assert 'id="demo-notice"' in html and "Dữ liệu minh họa." in html
    # The filing button, with a hint to log in first.
    assert re.search(r'<a id="file-dossier"[^>]*>Nộp hồ sơ trực tuyến</a>', html)
    assert "Đăng nhập để nộp hồ sơ" in html


def test_guidance_page_for_a_logged_in_citizen_has_no_login_hint(
    client: Client, catalogue: Catalogue
) -> None:
    client.force_login(CitizenFactory.create())
    html = client.get(reverse("procedures:detail", args=[BIRTH_CODE])).content.decode()
    assert 'id="file-dossier"' in html
    assert "Đăng nhập để nộp hồ sơ" not in html


def test_a_demo_procedure_says_which_detail_is_not_confirmed_to_staff_only(
    client: Client, catalogue: Catalogue
) -> None:
    """Every visitor is told the procedure is demo data; what is left to check is the
    catalogue keepers' note, shown to staff, never to a citizen or a passer-by."""
    from procedures.models import ProcedureVersion

    ProcedureVersion.objects.filter(procedure__code=BIRTH_CODE).update(
        notes="Mức lệ phí do HĐND tỉnh quyết định; mức 15.000 đồng là minh họa."
    )

    def notice() -> str:
        html = client.get(reverse("procedures:detail", args=[BIRTH_CODE])).content.decode()
        part = html[html.index('id="demo-notice"') :]
        return part[: part.index("</div>")]

    assert "Dữ liệu minh họa." in notice() and "Chưa đối chiếu" not in notice()
    client.force_login(CitizenFactory.create())
    assert "Dữ liệu minh họa." in notice() and "Chưa đối chiếu" not in notice()
    client.force_login(StaffFactory.create(role="clerk"))
    assert "Chưa đối chiếu đầy đủ: Mức lệ phí do HĐND tỉnh quyết định" in notice()


def test_real_data_has_no_demo_notice(client: Client, catalogue: Catalogue) -> None:
    html = client.get(reverse("procedures:detail", args=["1.009972"])).content.decode()
    assert 'id="demo-notice"' not in html
    assert "15 ngày làm việc" in html and "Nộp trực tiếp:" not in html


def test_same_day_procedure_states_the_cut_off(client: Client, db: None) -> None:
    version = ProcedureVersionFactory.create(
        procedure__code="2.000815",
        procedure__name="Chứng thực bản sao từ bản chính",
        procedure__result_type="Bản sao được chứng thực",
        limit_hours_direct=8,
        limit_hours_online=8,
        same_day=True,
        cutoff=datetime.time(15, 0),
    )
    html = client.get(reverse("procedures:detail", args=[version.procedure.code])).content.decode()
    assert "Trong ngày làm việc." in html
    assert "Hồ sơ nhận trước 15:00 được trả kết quả trong ngày" in html


@pytest.mark.parametrize("code", ["9.999999", "1.000001"])  # unknown; retired
def test_unknown_or_retired_code_is_404(client: Client, catalogue: Catalogue, code: str) -> None:
    assert client.get(reverse("procedures:detail", args=[code])).status_code == 404


def test_pages_carry_no_inline_style(client: Client, catalogue: Catalogue) -> None:
    """The CSP forbids inline styles: the pages must look right without them."""
    for url in (CATALOGUE_URL, reverse("procedures:detail", args=[BIRTH_CODE])):
        html = client.get(url).content.decode()
        assert "style=" not in html and "<style" not in html
        assert "/static/css/portal.css" in html


# --- Query budgets ----------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 20])
def test_catalogue_query_count_does_not_grow_with_rows(
    client: Client, db: None, django_assert_num_queries, rows: int
) -> None:
    agency = AgencyFactory.create()
    for n in range(rows):
        version = ProcedureVersionFactory.create(
            procedure__code=f"3.{n:06d}",
            procedure__name=f"Thủ tục số {n}",
            procedure__result_type="Quyết định",
        )
        version.procedure.agencies.add(agency)
        FeeFactory.create(version=version, amount=50_000)
        FeeFactory.create(version=version, amount=20_000)
    with django_assert_num_queries(8):
        # 1 field filter: the chosen field, validated   2 agency filter: the chosen agency
        # 3 field filter options   4 agency filter options   5 count of matches
        # 6 the page of procedures with their field   7 versions in force of the page
        # 8 fees of those versions
        response = client.get(
            CATALOGUE_URL, {"q": "thu tuc", "field": "ho-tich", "agency": agency.code}
        )
    assert len(listed_codes(response.content.decode())) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_guidance_query_count_does_not_grow_with_rows(
    client: Client, db: None, django_assert_num_queries, rows: int
) -> None:
    version = ProcedureVersionFactory.create(
        procedure__code="4.000001", limit_hours_direct=20 * 8, limit_hours_online=20 * 8
    )
    for n in range(rows):
        agency = AgencyFactory.create()
        version.procedure.agencies.add(agency)
        ComponentFactory.create(version=version, order=n + 1, name=f"Giấy tờ số {n}")
        FeeFactory.create(version=version, name=f"Khoản thu {n}", amount=1000 * (n + 1))
        ProcessStepFactory.create(version=version, order=n + 1, agency=agency, budget_hours=8)
    with django_assert_num_queries(7):
        # 1 the procedure with its field   2 its version in force   3 that version's components
        # 4 its fees   5 its steps with agency and department   6 its excluded periods
        # 7 receiving agencies in force
        response = client.get(reverse("procedures:detail", args=["4.000001"]))
    assert response.content.decode().count("Giấy tờ số") == rows


def test_a_calendar_day_limit_is_shown_as_the_law_words_it(
    client: Client, catalogue: Catalogue
) -> None:
    from procedures.models import LimitUnit, Procedure

    version = Procedure.objects.get(code="1.009972").version_in_force()
    assert version is not None
    version.limit_unit = LimitUnit.CALENDAR_DAYS
    version.calendar_days_direct = version.calendar_days_online = 30
    version.save()

    row = search(client, q="giay phep xay dung")
    page = client.get(reverse("procedures:detail", args=["1.009972"])).content.decode()

    assert "30 ngày" in row and "ngày làm việc" not in row.split("1.009972")[1][:2000]
    assert '<p class="time-limit"><strong>30 ngày</strong></p>' in page
    assert "Tính theo ngày lịch, kể cả thứ Bảy, Chủ nhật và ngày nghỉ lễ" in page


def test_a_working_hour_limit_is_shown_in_hours(client: Client, catalogue: Catalogue) -> None:
    from procedures.models import LimitUnit, Procedure

    version = Procedure.objects.get(code="1.009972").version_in_force()
    assert version is not None
    version.limit_unit = LimitUnit.WORKING_HOURS
    version.limit_hours_direct = version.limit_hours_online = 8
    version.save()

    page = client.get(reverse("procedures:detail", args=["1.009972"])).content.decode()

    assert '<p class="time-limit"><strong>8 giờ làm việc</strong></p>' in page
