"""The overdue pages (docs/design.md §7, §9; issue 4 item 3): the department head's and the centre
supervisor's due-soon / overdue / escalated lists, the letters waiting for the head's
signature, one letter to review, edit and issue, and its PDF.

Each view parses the request, calls one service or selector, and renders. A letter the
person may not see answers 404, exactly like a missing one (``letter_for_user_or_none``).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles, signing
from accounts.models import User
from agencies.models import Agency
from apologies import selectors, services
from apologies.documents import letter_signer
from apologies.forms import LetterForm, WatchFilterForm
from apologies.models import ApologyLetter, LetterState
from audit import services as audit
from audit.constants import Action
from core.downloads import file_download
from core.errors import DossierError, DossierNotFound, TransitionConflict
from dossiers.forms import add_service_error

View = Callable[..., HttpResponseBase]
PER_PAGE = 50
# ?loai=… → the selector's kind, with the tab's label.
TABS = {
    "sap-den-han": ("due_soon", gettext_lazy("Sắp đến hạn")),
    "qua-han": ("overdue", gettext_lazy("Quá hạn")),
    "chuyen-giam-sat": ("escalated", gettext_lazy("Đã chuyển giám sát")),
    # Drafts not issued by their issue-by moment (docs/legal.md#letters-issued-late).
    "qua-han-ban-hanh": ("past_issue_by", gettext_lazy("Phiếu quá hạn ban hành")),
}
# The head's letters page: all drafts, or only those past their issue-by moment.
PAST_ISSUE_BY = "qua-han-ban-hanh"
DEFAULT_TAB = "qua-han"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def is_supervisor(user: User) -> bool:
    return user.agency_id is not None and roles.is_supervisor(user)


def is_head(user: User) -> bool:
    return user.agency_id is not None and roles.is_approver(user)


def watcher_required(view: View) -> View:
    """Department heads and centre supervisors; anyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = _user(request)
        if not (is_head(user) or is_supervisor(user)):
            raise PermissionDenied(
                _("Trang này dành cho lãnh đạo phòng, đơn vị và lãnh đạo Trung tâm.")
            )
        return view(request, *args, **kwargs)

    return wrapped


def _letter_or_404(request: HttpRequest, pk: int) -> ApologyLetter:
    letter = selectors.letter_for_user_or_none(_user(request), pk)
    if letter is None:
        raise Http404(_("Không tìm thấy phiếu."))
    return letter


@watcher_required
@require_GET
def watch(request: HttpRequest) -> HttpResponse:
    """``?loai=sap-den-han|qua-han|chuyen-giam-sat`` (overdue by default); the supervisor
    also has ``?co_quan=<id>``."""
    user = _user(request)
    tab = request.GET.get("loai", DEFAULT_TAB)
    if tab not in TABS:
        tab = DEFAULT_TAB
    kind = TABS[tab][0]
    supervisor = is_supervisor(user)
    agency_id = None
    form = None
    if supervisor:
        agencies = Agency.objects.filter(province_id=user.agency.province_id).order_by("name")  # type: ignore[union-attr]
        form = WatchFilterForm(request.GET or None, agencies=agencies)
        if form.is_bound and form.is_valid() and form.cleaned_data["co_quan"] is not None:
            agency_id = form.cleaned_data["co_quan"].pk
    page = Paginator(selectors.watch_list(user, kind, agency_id=agency_id), PER_PAGE).get_page(
        request.GET.get("trang")
    )
    keep = {"co_quan": agency_id} if agency_id else {}
    tabs = [
        {
            "slug": slug,
            "label": label,
            "current": slug == tab,
            "count": selectors.watch_list(user, selector_kind, agency_id=agency_id).count(),
            "query": urlencode({"loai": slug, **keep}),
        }
        for slug, (selector_kind, label) in TABS.items()
    ]
    context = {
        "tab": tab,
        "tab_label": TABS[tab][1],
        "tabs": tabs,
        "page": page,
        "rows": selectors.watch_rows(page.object_list),
        "form": form,
        "supervisor": supervisor,
        "query": urlencode({"loai": tab, **keep}),
        "letters_waiting": selectors.letters_to_sign(user).count() if is_head(user) else None,
    }
    return render(request, "apologies/watch.html", context)


@login_required
@require_GET
def letters(request: HttpRequest) -> HttpResponse:
    """The drafts waiting for this head's signature, the nearest deadline first."""
    user = _user(request)
    if not is_head(user):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan, đơn vị ký phiếu xin lỗi."))
    now = timezone.now()
    late_only = request.GET.get("loc") == PAST_ISSUE_BY
    context = {
        "letters": selectors.letters_to_sign(user, past_issue_by=late_only, now=now),
        "late_only": late_only,
        "count_all": selectors.letters_to_sign(user, now=now).count(),
        "count_late": selectors.letters_to_sign(user, past_issue_by=True, now=now).count(),
        "past_issue_by": PAST_ISSUE_BY,
        "now": now,
    }
    return render(request, "apologies/letters.html", context)


def _letter_form(letter: ApologyLetter, data: Any = None) -> LetterForm:
    initial = {"reason": letter.reason, "proposed_due_at": letter.proposed_due_at}
    return LetterForm(data, initial=initial, original_due_at=letter.original_due_at)


@login_required
@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter: its content, the form to change the reason and the new date, "Lưu dự
    thảo" and "Ban hành". Staff only (the citizen reads the issued letter on the dossier
    page); anyone who may see it but not sign it reads it without the form."""
    user = _user(request)
    if user.agency_id is None:
        raise Http404(_("Không tìm thấy phiếu."))
    letter = _letter_or_404(request, pk)
    may_sign = services.can_sign(letter, user)
    form = _letter_form(letter)
    status = 200
    confirm_issue = None
    if request.method == "POST":
        if not may_sign:
            raise Http404(_("Không tìm thấy phiếu."))
        form = _letter_form(letter, request.POST)
        status = 400
        try:
            if letter.state != LetterState.DRAFT:
                # Issued or cancelled, whatever was typed: the service says why not.
                services.letter_issue(letter=letter, actor=user)
            elif form.is_valid():
                if request.POST.get("action") == "issue" and not request.POST.get("confirmed"):
                    # Issued once only, and it moves the citizen's due date: asked once more,
                    # showing what will be sent, before anything is stored.
                    confirm_issue = form.cleaned_data
                    status = 200
                elif request.POST.get("action") in ("issue", "save"):
                    return _save_or_issue(request, letter, form)
                else:  # "Quay lại sửa" from the confirmation: the typed values, unsaved.
                    status = 200
        except DossierNotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DossierError as exc:
            if isinstance(exc, TransitionConflict) or exc.field not in form.fields:
                messages.error(request, str(exc.message))
            else:
                add_service_error(form, exc)
            status = exc.status_code
        letter.refresh_from_db()
        if letter.state != LetterState.DRAFT:
            form = _letter_form(letter)
    if request.method == "GET":
        audit.record_dossier_read(
            request=request, dossier=letter.dossier, detail={"letter": letter.number_label}
        )
    # The block the letter carries once issued, as its PDF prints it; before that, the
    # block this head would issue it under, or why they cannot (accounts/signing.py).
    my_block, no_title = None, None
    if may_sign and letter.state == LetterState.DRAFT:
        try:
            my_block = signing.signature_block(user)
        except signing.NoSigningTitle as exc:
            no_title = exc.message
    context = {
        "letter": letter,
        "dossier": letter.dossier,
        "signer": letter_signer(letter),
        "my_block": my_block,
        "no_title": no_title,
        "form": form,
        "editable": may_sign and letter.state == LetterState.DRAFT,
        "date_gone": letter.state == LetterState.DRAFT and letter.proposed_due_at <= timezone.now(),
        "may_sign": may_sign,
        "confirm_issue": confirm_issue,
    }
    return render(request, "apologies/letter.html", context, status=status)


def _save_or_issue(request: HttpRequest, letter: ApologyLetter, form: LetterForm) -> HttpResponse:
    values = {
        "reason": form.cleaned_data["reason"],
        "proposed_due_at": form.cleaned_data["proposed_due_at"],
    }
    if request.POST.get("action") == "issue":
        issued = services.letter_issue(letter=letter, actor=_user(request), **values)
        messages.success(
            request,
            _("Đã ban hành phiếu số %(number)s; hạn trả kết quả mới đã được báo cho công dân.")
            % {"number": issued.number_label},
        )
    else:
        services.letter_update(letter=letter, actor=_user(request), **values)
        messages.success(request, _("Đã lưu dự thảo phiếu xin lỗi."))
    return redirect("apologies:letter", pk=letter.pk)


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The draft (staff) or the issued letter (staff, and the citizen whose dossier it is) as
    a PDF attachment; rendered now if the worker has not done it yet."""
    letter = _letter_or_404(request, pk)
    response = letter_file_response(letter)
    record_letter_download(request, letter)
    return response


def record_letter_download(request: Any, letter: ApologyLetter) -> None:
    """Staff reading a letter's PDF are in the access log (the citizen reading theirs is not)."""
    audit.record_dossier_read(
        request=request,
        dossier=letter.dossier,
        action=Action.DOWNLOAD,
        detail={"document": "letter", "letter": letter.number_label},
    )


def letter_file_response(letter: ApologyLetter) -> FileResponse:
    """The stored PDF as an attachment (also the API's answer)."""
    if letter.state == LetterState.CANCELLED:
        raise Http404(_("Phiếu đã hủy."))
    final = letter.state == LetterState.ISSUED
    stored = letter.pdf if final else letter.draft_pdf
    if not stored:
        rendered = services.letter_render(letter_id=letter.pk, final=final)
        if rendered is None:
            raise Http404(_("Không tìm thấy phiếu."))
        stored = rendered.pdf if final else rendered.draft_pdf
    suffix = "" if final else "-du-thao"
    return file_download(
        stored.open("rb"),
        filename=f"{letter.dossier.code}-phieu-xin-loi{suffix}.pdf",
        content_type="application/pdf",
    )
