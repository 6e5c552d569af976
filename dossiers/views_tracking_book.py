"""The tracking book's page (form 07) and its downloads, ``/can-bo/so-theo-doi/``: the
section's clerks, heads and supervisors read it; anyone else, or another section's book,
gets 404 (docs/legal.md#form-07-the-tracking-book)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from audit import services as audit
from audit.constants import Action
from core.downloads import bytes_download
from dossiers import tracking_book

FORMATS = {
    "csv": ("text/csv; charset=utf-8", tracking_book.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        tracking_book.to_xlsx,
    ),
    "pdf": ("application/pdf", tracking_book.to_pdf),
}


@login_required
@require_GET
def book(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.agency_id is None or not tracking_book.may_read(user):
        raise Http404(_("Không tìm thấy trang."))
    wanted = request.GET.get("co_quan")
    if wanted and not tracking_book.agencies_for(user).filter(pk=wanted).exists():
        # Another section's book, or no such section: as a page that does not exist.
        raise Http404(_("Không tìm thấy trang."))
    form = tracking_book.BookForm(request.GET, user=user)
    output = request.GET.get("dinh_dang", "")
    if output and output not in FORMATS:
        raise Http404(_("Không tìm thấy trang."))
    if not form.is_valid():
        return render(request, "dossiers/staff/tracking_book.html", {"form": form, "rows": None})
    chosen = tracking_book.Book(
        agency=form.cleaned_data["co_quan"],
        field=form.cleaned_data["linh_vuc"],
        start=form.cleaned_data["tu_ngay"],
        end=form.cleaned_data["den_ngay"],
    )
    # An official register: its cells, and every download, are in Vietnamese.
    with translation.override(settings.LANGUAGE_CODE):
        rows = tracking_book.rows(chosen)
    detail = {
        "form": "07",
        "filters": {
            "co_quan": chosen.agency.pk,
            "linh_vuc": chosen.field.pk if chosen.field else "",
            "tu_ngay": chosen.start.isoformat(),
            "den_ngay": chosen.end.isoformat(),
        },
        "matches": len(rows),
    }
    audit.record(
        actor=user,
        action=Action.EXPORT if output else Action.VIEW,
        purpose=audit.staff_purpose(user),
        detail={**detail, "via": output} if output else detail,
        request=request,
    )
    if output:
        content_type, build = FORMATS[output]
        with translation.override(settings.LANGUAGE_CODE):
            content = build(chosen, rows)
        return bytes_download(
            content, filename=tracking_book.filename(chosen, output), content_type=content_type
        )
    query = request.GET.copy()
    query.pop("dinh_dang", None)
    context = {
        "form": form,
        "book": chosen,
        "rows": rows,
        "columns": tracking_book.COLUMNS,
        "period": tracking_book.period_phrase(chosen),
        "query": query.urlencode(),
    }
    return render(request, "dossiers/staff/tracking_book.html", context)
