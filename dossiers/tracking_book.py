"""Form 07, the tracking book (*Sổ theo dõi hồ sơ*, Circular 03/2025 Annex I): the dossiers a
one-stop section received in a field (lĩnh vực) and a period, one row each, as a staff page
and as PDF (A4 landscape), CSV and XLSX downloads built from the same rows
(docs/legal.md#form-07-the-tracking-book; docs/adr/0016-openpyxl-for-xlsx.md).

The Annex's columns were not read: the columns are the project's, marked so in the legal page.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.models import User
from agencies.models import Agency
from dossiers.models import Dossier, DossierEvent, IssuedSlip, State
from dossiers.slips.wording import vn_date_phrase
from procedures.models import Field

# The columns, in the order of the page, the PDF, the CSV and the XLSX.
COLUMNS = (
    gettext_lazy("Số thứ tự"),
    gettext_lazy("Mã hồ sơ"),
    gettext_lazy("Tên thủ tục hành chính"),
    gettext_lazy("Tên tổ chức, cá nhân"),
    gettext_lazy("Địa chỉ, số điện thoại"),
    gettext_lazy("Ngày nhận hồ sơ"),
    gettext_lazy("Ngày hẹn trả kết quả"),
    gettext_lazy("Ngày chuyển hồ sơ"),
    gettext_lazy("Ngày trả kết quả"),
    gettext_lazy("Kết quả"),
    gettext_lazy("Ghi chú"),
)

# The longest period one book covers: a year and a day (a calendar year, leap or not).
MAX_DAYS = 366

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def may_read(user: User) -> bool:
    """The clerks, heads and supervisors keep and read the book; a specialist does not."""
    return roles.may_read_tracking_book(user)


def agencies_for(user: User) -> QuerySet[Agency]:
    """The sections whose book the person may read: their own agency; a supervisor, every
    agency of their province."""
    if roles.is_supervisor(user) and user.agency is not None:
        return Agency.objects.filter(province_id=user.agency.province_id)
    return Agency.objects.filter(pk=user.agency_id or 0)


class BookForm(forms.Form):
    """Which book: the section, the field, the period (received from … to …, inclusive)."""

    co_quan = forms.ModelChoiceField(
        label=gettext_lazy("Bộ phận Một cửa"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=None,
    )
    linh_vuc = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"),
        queryset=Field.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("— Mọi lĩnh vực —"),
    )
    tu_ngay = forms.DateField(label=gettext_lazy("Nhận từ ngày"), widget=DATE_WIDGET)
    den_ngay = forms.DateField(label=gettext_lazy("Đến ngày"), widget=DATE_WIDGET)

    def __init__(self, data: Any, *, user: User) -> None:
        today = timezone.localdate()
        values = data.copy()
        values.setdefault("tu_ngay", today.replace(day=1).isoformat())
        values.setdefault("den_ngay", today.isoformat())
        if not values.get("co_quan") and user.agency_id is not None:
            values["co_quan"] = str(user.agency_id)
        super().__init__(values)
        field: Any = self.fields["co_quan"]
        field.queryset = agencies_for(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start and end:
            if start > end:
                self.add_error("den_ngay", _("Ngày cuối của kỳ phải sau ngày đầu."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error(
                    "den_ngay",
                    _("Một sổ theo dõi trích tối đa %(days)s ngày.") % {"days": MAX_DAYS},
                )
        return cleaned


@dataclass(frozen=True)
class Book:
    agency: Agency
    field: Field | None
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    dossier: Dossier


def _day(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%d/%m/%Y")


def _moment(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%H:%M %d/%m/%Y")


def _bounds(book: Book) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(book.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        book.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def dossiers(book: Book) -> QuerySet[Dossier]:
    """The dossiers the section received in the period (and field), in the order received,
    each with its register entry (the receipt's number) and its first hand-over: one query."""
    start, end = _bounds(book)
    receipts = IssuedSlip.objects.filter(dossier=OuterRef("pk"), form="01").values("number")[:1]
    first_hand_over = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action="hand_over")
        .values("dossier")
        .annotate(first=Min("created_at"))
        .values("first")[:1]
    )
    found = Dossier.objects.filter(
        agency=book.agency, received_at__gte=start, received_at__lt=end
    ).select_related("procedure")
    if book.field is not None:
        found = found.filter(procedure__field=book.field)
    return found.annotate(
        register_entry=Subquery(receipts), handed_over_at=Subquery(first_hand_over)
    ).order_by("received_at", "pk")


def _result(dossier: Dossier) -> str:
    if dossier.state == State.RETURNED and dossier.decision:
        return str(dossier.get_decision_display())
    return str(dossier.get_state_display())


def _note(dossier: Dossier) -> str:
    if dossier.state in (State.STOPPED, State.WITHDRAWN, State.REFUSED) and dossier.closed_reason:
        return dossier.closed_reason
    if dossier.due_at and dossier.returned_at and dossier.returned_at > dossier.due_at:
        return _("Trả kết quả quá hạn")
    return ""


def rows(book: Book) -> list[Row]:
    """The book's rows, as every format prints them (strings only)."""
    found = []
    for dossier in dossiers(book):
        entry: Any = getattr(dossier, "register_entry", None)
        handed: Any = getattr(dossier, "handed_over_at", None)
        contact = ", ".join(
            part for part in (dossier.applicant_address, dossier.applicant_phone) if part
        )
        cells = (
            f"{entry:02d}" if entry else "",
            dossier.code or "",
            dossier.procedure.name,
            dossier.applicant_name,
            contact,
            _moment(dossier.received_at),
            _moment(dossier.due_at),
            _moment(handed),
            _moment(dossier.returned_at),
            _result(dossier),
            _note(dossier),
        )
        found.append(Row(cells=cells, dossier=dossier))
    return found


def headers() -> list[str]:
    return [str(column) for column in COLUMNS]


def title(book: Book) -> str:
    return _("Sổ theo dõi hồ sơ").upper()


def period_phrase(book: Book) -> str:
    return _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": book.start.strftime("%d/%m/%Y"),
        "end": book.end.strftime("%d/%m/%Y"),
    }


def filename(book: Book, extension: str) -> str:
    return f"so-theo-doi-{book.agency.code}-{book.start:%Y%m%d}-{book.end:%Y%m%d}.{extension}"


# --- the downloads -------------------------------------------------------------------------------


def to_csv(book: Book, found: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Vietnamese headers right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in found:
        writer.writerow(row.cells)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(book: Book, found: Iterable[Row]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Sổ theo dõi")[:31])
    sheet.append([title(book)])
    sheet.append([book.agency.name])
    sheet.append([period_phrase(book)])
    sheet.append(headers())
    for row in found:
        sheet.append(list(row.cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_ROWS = 3  # title, section, period: the XLSX's lines above the column headers


def pdf_context(book: Book, found: list[Row]) -> dict[str, Any]:
    from dossiers.slips.wording import governing_body, place_name

    return {
        "form": "07",
        "form_title": title(book),
        "agency": book.agency,
        "governing_body": governing_body(book.agency),
        "issuing_body": book.agency.name.upper(),
        "place_date": vn_date_phrase(place_name(book.agency), timezone.now()),
        "field": book.field,
        "period": period_phrase(book),
        "headers": headers(),
        "rows": found,
    }


def to_pdf(book: Book, found: list[Row]) -> bytes:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    from core.pdf import html_to_pdf

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("documents/form_07.html", pdf_context(book, found))
    return html_to_pdf(html)
