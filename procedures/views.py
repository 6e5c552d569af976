"""Public catalogue pages: the searchable list and the guidance page of one procedure."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from procedures.forms import CatalogueSearchForm
from procedures.models import Procedure
from procedures.selectors import procedure_detail, procedure_search, version_in_force

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    procedures = procedure_search(**form.filters())
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(procedure, version_in_force(procedure)) for procedure in page.object_list]
    return render(
        request,
        "procedures/catalogue.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "rows": rows,
            "searched": form.is_bound,
            # Filters stay unfolded while one is chosen or needs correcting.
            "filtering": form.is_bound
            and any(request.GET.get(name) for name in ("field", "agency", "online_level")),
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_detail(code)
    except Procedure.DoesNotExist as exc:
        raise Http404(_("Không có thủ tục mã này trong danh mục.")) from exc
    version = version_in_force(procedure)
    context = {
        "procedure": procedure,
        "version": version,
        "limits_differ": version is not None
        and version.limit_text_direct != version.limit_text_online,
        "steps_total": sum(step.budget_hours for step in version.steps.all()) if version else 0,
    }
    return render(request, "procedures/detail.html", context)
