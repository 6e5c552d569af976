"""The citizen's pages: start a dossier, fill its checklist, submit, follow it, supplement it,
withdraw it, and download its files and slips (issue 3 item 3).

Each view parses the request, calls one service or selector, and renders. Refusals from the
services (``DossierError``) come back on the page in the user's language with a 4xx status,
and nothing is stored. Every dossier is read through ``Dossier.objects.for_user``: a dossier
the person may not see answers 404, exactly like a missing one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from accounts.models import User
from audit import services as audit
from audit.constants import Action
from core.downloads import bytes_download, file_download
from core.errors import DossierError, DossierNotFound
from dossiers import selectors, services
from dossiers.forms import (
    AuthorisationUploadForm,
    ComponentUploadForm,
    DossierDetailsForm,
    DossierStartForm,
    SupplementUploadForm,
    WithdrawPageForm,
    add_service_error,
    initial_from_dossier,
    initial_from_profile,
)
from dossiers.forms_actions import SupplementSendForm
from dossiers.models import Dossier, DossierComponent, State
from dossiers.uploads import ALLOWED_TYPES
from procedures.models import Procedure

MY_DOSSIERS_PER_PAGE = 20
# A hint for the browser's file picker; the server checks the content whatever is picked.
UPLOAD_ACCEPT = ",".join([*ALLOWED_TYPES.values(), ".jpeg", *ALLOWED_TYPES])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- starting and filling a draft ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """From the procedure's guidance page: the details, prefilled from the profile."""
    procedure = get_object_or_404(Procedure.objects.select_related("field"), code=procedure_code)
    user = _user(request)
    if not roles.may_file_online(user):
        raise PermissionDenied(_("Chỉ công dân, doanh nghiệp nộp hồ sơ trực tuyến."))
    unavailable = None
    version = None
    try:
        version = services.version_in_force(procedure)
    except DossierError as exc:
        unavailable = str(exc.message)
    agencies = services.receiving_centres(procedure).current()
    if unavailable is None and not agencies.exists():
        unavailable = _(
            "Thủ tục này chưa có nơi tiếp nhận hồ sơ trực tuyến; vui lòng liên hệ Bộ phận Một cửa."
        )
    form = DossierStartForm(
        request.POST or None,
        agencies=agencies,
        procedure=procedure,
        initial={**initial_from_profile(user), "agency": agencies.first()},
    )
    status = 200
    if request.method == "POST":
        if unavailable:
            form.add_error(None, unavailable)
        elif form.is_valid():
            try:
                dossier = services.dossier_create_draft(
                    applicant=user,
                    procedure=procedure,
                    agency=form.cleaned_data["agency"],
                    actor=user,
                    return_channel=form.cleaned_data["return_channel"],
                    return_address=form.cleaned_data["return_address"],
                    applicant_details=form.applicant_details(),
                    representative=form.representative(),
                    filing_capacity=form.cleaned_data["filing_capacity"],
                    note=form.cleaned_data["note"],
                    **form.competence(),
                )
            except DossierError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã lưu bản nháp. Hãy tải lên các thành phần hồ sơ rồi bấm “Nộp hồ sơ”."),
                )
                return redirect("dossiers:edit", ref=dossier.ref)
        status = 400
    components = list(version.components.order_by("order")) if version else []
    context = {
        "procedure": procedure,
        "version": version,
        "components": components,
        "unavailable": unavailable,
        "form": form,
    }
    return render(request, "dossiers/citizen/start.html", context, status=status)


def _render_draft(
    request: HttpRequest,
    dossier: Dossier,
    *,
    form: DossierDetailsForm | None = None,
    upload_form: ComponentUploadForm | None = None,
    authorisation_form: AuthorisationUploadForm | None = None,
    submit_error: str = "",
    replacing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    rows, other_files = selectors.checklist(dossier)
    upload_component = upload_form["component"].value() if upload_form is not None else None
    if replacing is not None:
        # The refused replacement's error shows at the row of the file it was to replace.
        replaced = next((f for f in dossier.files.all() if f.pk == replacing), None)
        upload_component = replaced.component_id if replaced else None
    context = {
        "dossier": dossier,
        "form": form or DossierDetailsForm(initial=initial_from_dossier(dossier)),
        "checklist": rows,
        "other_files": [f for f in other_files if not f.is_authorisation],
        "authorisation_files": [f for f in other_files if f.is_authorisation],
        "authorisation_form": authorisation_form or AuthorisationUploadForm(),
        "upload_form": upload_form,
        "upload_component": str(upload_component or ""),
        "blank_upload": ComponentUploadForm(components=dossier.version.components.all()),
        "upload_accept": UPLOAD_ACCEPT,
        "submit_error": submit_error,
        "missing": [row.component for row in rows if row.missing],
        "replacing": replacing,
    }
    return render(request, "dossiers/citizen/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, ref: str) -> HttpResponse:
    """The draft: its details (save as draft again) and the checklist with an upload per row."""
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    if dossier.state != State.DRAFT:
        return redirect("dossiers:detail", ref=dossier.ref)
    if request.method == "GET":
        return _render_draft(request, dossier)
    form = DossierDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_update_draft(
                dossier=dossier,
                actor=_user(request),
                applicant_details=form.applicant_details(),
                return_channel=form.cleaned_data["return_channel"],
                return_address=form.cleaned_data["return_address"],
                representative=form.representative(),
                filing_capacity=form.cleaned_data["filing_capacity"],
                note=form.cleaned_data["note"],
            )
        except DossierError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("dossiers:edit", ref=dossier.ref)
    return _render_draft(request, dossier, form=form, status=400)


@login_required
@require_POST
def upload(request: HttpRequest, ref: str) -> HttpResponse:
    """One file for one component of the draft's checklist."""
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    if dossier.state in selectors.SUPPLEMENT_STATES:
        return supplement(request, ref)
    form = ComponentUploadForm(
        request.POST, request.FILES, components=dossier.version.components.all()
    )
    if form.is_valid():
        try:
            stored = services.dossier_attach_file(
                dossier=dossier,
                actor=_user(request),
                upload=form.cleaned_data["file"],
                component=form.cleaned_data["component"],
            )
        except DossierError as exc:
            add_service_error(form, exc)
            if exc.status_code == 409:
                messages.error(request, str(exc.message))
                return redirect("dossiers:detail", ref=dossier.ref)
        else:
            messages.success(
                request,
                _("Đã tải lên “%(file)s” cho “%(component)s”.")
                % {"file": stored.original_name, "component": stored.name},
            )
            return _back_to_component(dossier, stored)
    return _render_draft(request, dossier, upload_form=form, status=400)


@login_required
@require_POST
def upload_authorisation(request: HttpRequest, ref: str) -> HttpResponse:
    """The authorisation document of a draft filed for someone else (nộp thay)."""
    user = _user(request)
    dossier = selectors.own_dossier_or_404(user, ref)
    form = AuthorisationUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.dossier_attach_authorisation(
                dossier=dossier, actor=user, upload=form.cleaned_data["file"]
            )
        except DossierNotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DossierError as exc:
            if exc.status_code == 409:
                messages.error(request, str(exc.message))
                return redirect("dossiers:edit", ref=dossier.ref)
            form.add_error("file", str(exc.message))
        else:
            messages.success(
                request, _("Đã tải lên giấy ủy quyền “%(file)s”.") % {"file": stored.original_name}
            )
            return redirect(reverse("dossiers:edit", args=[dossier.ref]) + "#giay-uy-quyen")
    return _render_draft(request, dossier, authorisation_form=form, status=400)


def _back_to_component(dossier: Dossier, stored: DossierComponent) -> HttpResponse:
    """Back to the page, at the row of the component the person just worked on: the page
    moves the focus there (static/js/portal.js), so a keyboard or screen-reader user
    carries on where they were."""
    if dossier.state != State.DRAFT:
        return redirect("dossiers:supplement", ref=dossier.ref)
    anchor = f"#thanh-phan-{stored.component_id}" if stored.component_id else "#giay-to-khac"
    if stored.is_authorisation:
        anchor = "#giay-uy-quyen"
    return redirect(reverse("dossiers:edit", args=[dossier.ref]) + anchor)


@login_required
@require_POST
def remove_file(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """Takes an uploaded file back out of a draft (or of a supplement not yet sent)."""
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    try:
        stored = services.dossier_remove_file(dossier=dossier, actor=_user(request), file_pk=pk)
    except DossierNotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DossierError as exc:
        messages.error(request, str(exc.message))
        return redirect("dossiers:detail", ref=dossier.ref)
    messages.success(request, _("Đã gỡ tệp “%(file)s”.") % {"file": stored.original_name})
    return _back_to_component(dossier, stored)


@login_required
@require_POST
def replace_file(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """A new file in the place of one already uploaded; the old one stays if the new one is
    refused."""
    user = _user(request)
    dossier = selectors.own_dossier_or_404(user, ref)
    form = ComponentUploadForm(
        request.POST, request.FILES, components=dossier.version.components.all()
    )
    form.fields["component"].required = False
    if form.is_valid():
        try:
            stored = services.dossier_replace_file(
                dossier=dossier, actor=user, file_pk=pk, upload=form.cleaned_data["file"]
            )
        except DossierNotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DossierError as exc:
            if exc.status_code == 409:
                messages.error(request, str(exc.message))
                return redirect("dossiers:detail", ref=dossier.ref)
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã thay tệp của “%(component)s” bằng “%(file)s”.")
                % {"file": stored.original_name, "component": stored.name},
            )
            return _back_to_component(dossier, stored)
    if dossier.state != State.DRAFT:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
        return redirect("dossiers:supplement", ref=dossier.ref)
    return _render_draft(request, dossier, upload_form=form, replacing=pk, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, ref: str) -> HttpResponse:
    """Deletes a draft never filed, after the person confirms it on this page."""
    user = _user(request)
    dossier = selectors.own_dossier_or_404(user, ref)
    if dossier.state != State.DRAFT:
        messages.info(request, _("Hồ sơ đã nộp không xóa được; bạn có thể rút hồ sơ."))
        return redirect("dossiers:detail", ref=dossier.ref)
    if request.method == "POST":
        try:
            services.dossier_discard_draft(dossier=dossier, actor=user)
        except DossierNotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DossierError as exc:
            messages.error(request, str(exc.message))
            return redirect("dossiers:detail", ref=dossier.ref)
        messages.success(
            request,
            _("Đã xóa bản nháp hồ sơ “%(procedure)s” và các tệp đã tải lên.")
            % {"procedure": dossier.procedure.name},
        )
        return redirect("dossiers:mine")
    context = {"dossier": dossier, "file_count": dossier.files.count()}
    return render(request, "dossiers/citizen/discard.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, ref: str) -> HttpResponse:
    """Files the draft: it gets its code, or the page lists what is missing."""
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    if dossier.state != State.DRAFT:
        messages.info(request, _("Hồ sơ này đã được nộp."))
        return redirect("dossiers:detail", ref=dossier.ref)
    try:
        services.dossier_submit(dossier=dossier, actor=_user(request))
    except DossierError as exc:
        return _render_draft(
            request, dossier, submit_error=str(exc.message), status=exc.status_code
        )
    messages.success(
        request,
        _("Đã nộp hồ sơ. Mã hồ sơ của bạn là %(code)s; hãy ghi lại để tra cứu.")
        % {"code": dossier.code_label},
    )
    return redirect("dossiers:detail", ref=dossier.ref)


# --- following a dossier ------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """'My dossiers': state, code, due moment and the countdown in working days."""
    page = Paginator(selectors.dossiers_of(_user(request)), MY_DOSSIERS_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    rows = selectors.my_dossier_rows(page.object_list, timezone.now())
    return render(request, "dossiers/citizen/mine.html", {"page": page, "rows": rows})


@login_required
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    if ref != dossier.ref:
        # A draft's UUID still leads to the dossier after it got its code.
        return redirect("dossiers:detail", ref=dossier.ref)
    context = selectors.detail_context(dossier, timezone.now())
    return render(request, "dossiers/citizen/detail.html", context)


# --- supplement and withdrawal --------------------------------------------------------------------


def _render_supplement(
    request: HttpRequest,
    dossier: Dossier,
    *,
    upload_form: SupplementUploadForm | None = None,
    send_form: SupplementSendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    components = dossier.version.components.all()
    context = {
        "dossier": dossier,
        "request_": selectors.open_supplement_request(dossier),
        "files": selectors.supplement_files(dossier),
        "upload_form": upload_form or SupplementUploadForm(components=components),
        "send_form": send_form or SupplementSendForm(dossier=dossier, user=_user(request)),
    }
    return render(request, "dossiers/citizen/supplement.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request: HttpRequest, ref: str) -> HttpResponse:
    """When asked: upload the missing papers, then send the dossier back."""
    user = _user(request)
    dossier = selectors.own_dossier_or_404(user, ref)
    if dossier.state not in selectors.SUPPLEMENT_STATES:
        messages.info(request, _("Hồ sơ này hiện không được yêu cầu bổ sung."))
        return redirect("dossiers:detail", ref=dossier.ref)
    if request.method == "GET":
        return _render_supplement(request, dossier)
    if "file" in request.FILES or request.POST.get("action") == "upload":
        upload_form = SupplementUploadForm(
            request.POST, request.FILES, components=dossier.version.components.all()
        )
        if upload_form.is_valid():
            try:
                stored = services.dossier_attach_file(
                    dossier=dossier,
                    actor=user,
                    upload=upload_form.cleaned_data["file"],
                    component=upload_form.cleaned_data["component"],
                    name=upload_form.cleaned_data["name"].strip(),
                )
            except DossierError as exc:
                add_service_error(upload_form, exc)
            else:
                messages.success(
                    request, _("Đã tải lên giấy tờ bổ sung “%(name)s”.") % {"name": stored.name}
                )
                return redirect("dossiers:supplement", ref=dossier.ref)
        return _render_supplement(request, dossier, upload_form=upload_form, status=400)
    send_form = SupplementSendForm(request.POST, dossier=dossier, user=user)
    if send_form.is_valid():
        service = (
            services.dossier_resubmit
            if dossier.state == State.SUPPLEMENT_REQUESTED
            else services.dossier_provide_supplement
        )
        try:
            service(dossier=dossier, actor=user, **send_form.service_kwargs())
        except DossierError as exc:
            add_service_error(send_form, exc)
        else:
            messages.success(request, _("Đã gửi hồ sơ bổ sung."))
            return redirect("dossiers:detail", ref=dossier.ref)
    return _render_supplement(request, dossier, send_form=send_form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, ref: str) -> HttpResponse:
    user = _user(request)
    dossier = selectors.own_dossier_or_404(user, ref)
    form = WithdrawPageForm(request.POST or None, dossier=dossier, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.dossier_withdraw(dossier=dossier, actor=user, **form.service_kwargs())
            except DossierError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code_label}
                )
                return redirect("dossiers:detail", ref=dossier.ref)
        else:
            status = 400
    context = {"dossier": dossier, "form": form, "allowed": dossier.state in selectors.WITHDRAWABLE}
    return render(request, "dossiers/citizen/withdraw.html", context, status=status)


# --- files and slips (shared with staff pages) -------------------------------------------


def component_file(request: HttpRequest, ref: str, pk: int) -> HttpResponseBase:
    """A filed document, as an attachment, to whoever may see the dossier; 404 to anyone else."""
    dossier = selectors.dossier_for_user_or_404(_user(request), ref)
    stored = selectors.component_file(dossier, pk)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    audit.record_dossier_read(
        request=request,
        dossier=dossier,
        action=Action.DOWNLOAD,
        detail={"document": "component", "file": stored.original_name},
    )
    return file_download(handle, filename=stored.original_name, content_type=stored.content_type)


@login_required
def result(request: HttpRequest, ref: str) -> HttpResponseBase:
    """The result document, for the applicant who chose to receive it online, once the
    one-stop section has returned it; 404 otherwise, like a missing dossier."""
    dossier = selectors.own_dossier_or_404(_user(request), ref)
    if not selectors.result_delivered_online(dossier):
        raise Http404(_("Hồ sơ này chưa có kết quả để tải về."))
    try:
        name, content_type, content = selectors.result_document(dossier)
    except (OSError, ValueError) as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    return bytes_download(content, filename=name, content_type=content_type)


def slip(request: HttpRequest, ref: str, form: str) -> HttpResponse:
    """An official form of the dossier (receipt slip, supplement request, …) as a PDF."""
    dossier = selectors.dossier_for_user_or_404(_user(request), ref)
    from dossiers.slips.catalogue import AVAILABLE_FORMS
    from dossiers.slips.render import slip_response

    if form not in AVAILABLE_FORMS(dossier):
        raise Http404(_("Hồ sơ này không có phiếu này."))
    response = slip_response(dossier, form, request)
    audit.record_dossier_read(
        request=request,
        dossier=dossier,
        action=Action.DOWNLOAD,
        detail={"document": "slip", "form": form},
    )
    return response
