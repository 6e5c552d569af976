"""The access log page (``/can-bo/nhat-ky-truy-cap/``): the centre's supervisor and the
administrators read who looked at or changed whose data. Anyone else gets 404, like a page
that does not exist; the page's own reads are in the log too."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.models import User
from audit import selectors, services
from audit.constants import Action, Purpose
from audit.forms import LogFilterForm
from audit.models import AccessRecord

# The keys ``detail`` uses across the portal, and the outcomes of a look-up, in words.
DETAIL_LABELS = {
    "document": gettext_lazy("giấy tờ"),
    "file": gettext_lazy("tệp"),
    "form": gettext_lazy("phiếu"),
    "letter": gettext_lazy("phiếu xin lỗi"),
    "fields": gettext_lazy("thông tin thay đổi"),
    "outcome": gettext_lazy("kết quả"),
    "national_id": gettext_lazy("số định danh"),
    "kind": gettext_lazy("tìm theo"),
    "term": gettext_lazy("từ khóa"),
    "matches": gettext_lazy("số hồ sơ tìm thấy"),
    "procedure": gettext_lazy("thủ tục"),
    "via": gettext_lazy("qua"),
    "page": gettext_lazy("trang"),
    "filters": gettext_lazy("bộ lọc"),
    "change": gettext_lazy("thay đổi"),
}
DETAIL_VALUES = {
    "found": gettext_lazy("tìm thấy"),
    "not_found": gettext_lazy("không khớp"),
    "refused": gettext_lazy("bị từ chối: quá số lần tra cứu trong một giờ"),
    "name": gettext_lazy("họ tên"),
    "component": gettext_lazy("thành phần hồ sơ"),
    "slip": gettext_lazy("phiếu"),
    "result": gettext_lazy("văn bản kết quả"),
    "letter": gettext_lazy("phiếu xin lỗi"),
    "added": gettext_lazy("tạo tài khoản"),
    "national_id": gettext_lazy("số định danh"),
    "api": gettext_lazy("API"),
    "admin": gettext_lazy("trang quản trị"),
}


@dataclass(frozen=True)
class LogRow:
    record: AccessRecord
    details: list[tuple[str, str]]


def _words(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_words(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={_words(item)}" for key, item in value.items())
    return str(DETAIL_VALUES.get(value, value)) if isinstance(value, str) else str(value)


def _details(detail: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(DETAIL_LABELS.get(key, key)), _words(value))
        for key, value in detail.items()
        if value not in ("", [], {}, None)
    ]


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not roles.may_read_access_log(user):
        raise Http404(_("Không tìm thấy trang."))
    form = LogFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.records(filters), selectors.PER_PAGE).get_page(
        request.GET.get("trang")
    )
    rows = [LogRow(record, _details(record.detail)) for record in page.object_list]
    query = request.GET.copy()
    query.pop("trang", None)
    used = {key: value for key, value in query.items() if value and key in form.fields}
    services.record(
        actor=user,
        action=Action.VIEW,
        purpose=Purpose.AUDIT,
        detail={"filters": used, "page": page.number},
        request=request,
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filtered": bool(used),
        "person_chosen": filters.person_id is not None,
    }
    return render(request, "audit/log.html", context)
