"""Form 07, the tracking book (docs/legal.md#form-07-the-tracking-book): the page, the CSV,
the XLSX and the PDF have the same rows; only the section's clerks, heads and supervisors
read it; its list is one bounded query."""

import csv
import io
from typing import Any

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from dossiers import tracking_book
from tests.dossiers.factories import World
from tests.dossiers.test_documents import at, pdf_text, received
from tests.factories import AgencyFactory, FieldFactory, ProcedureFactory, StaffFactory

URL = reverse("staff:tracking_book")
PERIOD = {"tu_ngay": "2025-01-01", "den_ngay": "2025-01-31"}


@pytest.fixture(autouse=True)
def _fast(settings: Any, media_root: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page_rows(html: str) -> list[list[str]]:
    import re

    if "<tbody>" not in html:
        return []
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    found = []
    for row in re.findall(r'<tr class="book-row">(.*?)</tr>', body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return found


def test_the_page_csv_xlsx_and_pdf_have_the_same_rows(client, world: World) -> None:
    first = received(world, at(20, 8))
    second = received(world, at(21, 9))
    received(world, at(3, 9, month=2))  # outside the period
    client.force_login(world.clerk)

    page = client.get(URL, PERIOD)
    assert page.status_code == 200
    shown = page_rows(page.content.decode())
    assert [row[1] for row in shown] == [first.code, second.code]
    assert shown[0][0] == "01" and shown[1][0] == "02"  # the register entries (form 01's)
    assert shown[0][3] == "Nguyễn Thị Ánh"
    assert shown[0][5] == "08:00 20/01/2025"

    data = client.get(URL, {**PERIOD, "dinh_dang": "csv"})
    assert data["Content-Type"].startswith("text/csv")
    assert data.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert table[0] == tracking_book.headers()
    assert table[0][:3] == ["Số thứ tự", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert table[1:] == shown

    book = client.get(URL, {**PERIOD, "dinh_dang": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    values = []
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if cell is None else cell for cell in row]
        while len(cells) > 1 and cells[-1] == "" and len(cells) > len(table[0]):
            cells.pop()
        values.append(cells)
    values[0] = [cell for cell in values[0] if cell]
    assert values[0] == ["SỔ THEO DÕI HỒ SƠ"]
    assert values[tracking_book.HEADER_ROWS] == table[0]
    assert values[tracking_book.HEADER_ROWS + 1 :] == shown

    pdf = client.get(URL, {**PERIOD, "dinh_dang": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Mẫu số 07" in text
    for row in shown:
        assert row[1] in text
    assert "Từ ngày 01/01/2025 đến ngày 31/01/2025" in text
    first_page = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert float(first_page.mediabox.width) > float(first_page.mediabox.height)  # landscape


def test_a_long_book_repeats_its_header_on_every_page(client, world: World) -> None:
    for minute in range(0, 44):
        received(world, at(20 + minute // 11, 8 + minute % 11 // 2, (minute % 2) * 30))
    client.force_login(world.clerk)

    pdf = client.get(URL, {**PERIOD, "dinh_dang": "pdf"})

    pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    assert len(pages) > 1
    for page in pages:
        assert "Tên thủ tục hành chính" in " ".join(page.extract_text().split())


def test_the_list_is_one_query_whatever_its_length(
    client, world: World, django_assert_max_num_queries: Any
) -> None:
    for day in (20, 21, 22):
        received(world, at(day, 8))
    client.force_login(world.clerk)
    client.get(URL, PERIOD)  # warm the session and permission caches

    # 13, and the menu's count of paper hand-overs waiting.
    with django_assert_max_num_queries(14):
        response = client.get(URL, PERIOD)
    assert len(page_rows(response.content.decode())) == 3
    for day in (23, 24, 27, 28):
        received(world, at(day, 8))
    # 13, and the menu's count of paper hand-overs waiting.
    with django_assert_max_num_queries(14):
        response = client.get(URL, PERIOD)
    assert len(page_rows(response.content.decode())) == 7


def test_a_field_filter_keeps_only_its_procedures(client, world: World) -> None:
    received(world, at(20, 8))
    other = FieldFactory(code="dat-dai", name="Đất đai")
    ProcedureFactory(field=other)
    client.force_login(world.clerk)

    mine = client.get(URL, {**PERIOD, "linh_vuc": world.procedure.field_id})
    none = client.get(URL, {**PERIOD, "linh_vuc": other.pk})

    assert len(page_rows(mine.content.decode())) == 1
    assert "Không có hồ sơ nào được tiếp nhận trong kỳ này." in none.content.decode()


def test_another_sections_book_and_other_people_get_404(client, world: World) -> None:
    received(world, at(20, 8))
    elsewhere = AgencyFactory(name="Trung tâm khác", province=world.centre.province)
    other_clerk = StaffFactory(agency=elsewhere, role="clerk")

    client.force_login(other_clerk)
    assert client.get(URL, {**PERIOD, "co_quan": world.centre.pk}).status_code == 404
    assert page_rows(client.get(URL, PERIOD).content.decode()) == []  # their own, empty
    client.force_login(world.specialist)
    assert client.get(URL, PERIOD).status_code == 404
    client.force_login(world.citizen)
    assert client.get(URL, PERIOD).status_code == 404
    # The supervisor of the province reads any section's book.
    supervisor = StaffFactory(agency=world.centre, role="supervisor")
    client.force_login(supervisor)
    assert (
        len(page_rows(client.get(URL, {**PERIOD, "co_quan": world.centre.pk}).content.decode()))
        == 1
    )


def test_a_period_the_wrong_way_round_is_a_clear_error(client, world: World) -> None:
    client.force_login(world.clerk)

    response = client.get(URL, {"tu_ngay": "2025-02-01", "den_ngay": "2025-01-01"})

    assert response.status_code == 200
    assert "Ngày cuối của kỳ phải sau ngày đầu." in response.content.decode()
    assert client.get(URL, {**PERIOD, "dinh_dang": "docx"}).status_code == 404


def test_the_page_reads_in_english_and_the_downloads_stay_vietnamese(client, world: World) -> None:
    received(world, at(20, 8))
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"

    page = client.get(URL, PERIOD).content.decode()
    data = client.get(URL, {**PERIOD, "dinh_dang": "csv"}).content.decode("utf-8-sig")

    assert "Case tracking book" in page
    assert data.startswith("Số thứ tự,Mã hồ sơ")
