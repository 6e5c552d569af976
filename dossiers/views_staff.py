"""The staff workspaces (issue 3 item 4): the one-stop clerk's, the specialist's and the
department head's queue, the dossier page, one page per workflow action, and the walk-in
counter.

Each view parses the request, calls one service or selector, and renders. Every dossier is
read through ``Dossier.objects.for_user``: someone else's dossier answers 404, exactly like a
missing one. An action the dossier's state (or the person's role) does not allow now, a
refusal from a service, or a colleague who acted first comes back as a message in the
user's language, and nothing is stored.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles
from accounts.models import User
from audit import selectors as audit_selectors
from audit import services as audit
from audit.constants import Action, Purpose
from audit.forms import WalkInLookupForm
from core.downloads import file_download
from core.errors import DossierError, DossierNotFound, TransitionConflict
from dossiers import permissions as perms
from dossiers import selectors, selectors_staff, services, verbs
from dossiers.forms import competence_communes
from dossiers.forms_actions import ActionForm, HandOverForm, RecordPaymentForm
from dossiers.forms_staff import (
    IdentityVerifyForm,
    QueueFilterForm,
    WalkInForm,
    WalkInProcedureForm,
    add_service_error,
)
from dossiers.models import Dossier
from dossiers.selectors_staff import QueueFilters
from procedures.money import vnd

View = Callable[..., HttpResponseBase]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def staff_required(view: View) -> View:
    """Signed in, and a member of an agency's staff; a citizen gets 403. (The pages of one
    dossier answer 404 instead, through ``staff_dossier_or_404``, like a missing dossier.)"""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles.is_staff_member(_user(request)):
            raise PermissionDenied(_("Trang này dành cho cán bộ, công chức."))
        return view(request, *args, **kwargs)

    return wrapped


# --- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortHeader:
    """A sortable column title: its link flips the order, ``aria_sort`` says the current one."""

    url: str
    aria_sort: str


def _sort_headers(query: QueryDict, sort: str) -> dict[str, SortHeader]:
    current = sort or "nop"
    headers = {}
    for name in selectors_staff.SORT_COLUMNS:
        if current == name:
            aria, target = "ascending", f"-{name}"
        elif current == f"-{name}":
            aria, target = "descending", name
        else:
            aria, target = "none", name
        params = query.copy()
        params["sap_xep"] = target
        headers[name] = SortHeader(f"?{params.urlencode()}", aria)
    return headers


# An ID number typed in the queue's search box is kept here, never in the URL (and so never
# in a proxy's or the server's log); the URL carries only ID_SEARCH_FLAG.
QUEUE_ID_SEARCH = "staff_queue_id_search"
ID_SEARCH_FLAG = "tim_dinh_danh"
_CODE_LIKE = re.compile(r"[0-9A-Za-z.\-]*[0-9][0-9A-Za-z.\-]*")


def _is_id_number(term: str) -> bool:
    """The 12 digits of a personal identification number, or an old card's 9."""
    term = term.strip()
    return term.isdigit() and len(term) in (9, 12)


def _personal_search(term: str) -> str:
    """What a search term looks for, when it is a person: "national_id", "name", or ""
    (a dossier code, or nothing)."""
    if not term:
        return ""
    if _is_id_number(term):
        return "national_id"
    return "" if _CODE_LIKE.fullmatch(term) else "name"


def _queue_search(request: HttpRequest) -> HttpResponse:
    """The queue's filters are sent by POST and come back as the queue's URL, without an ID
    number: that one stays in the session."""
    params = request.POST.copy()
    params.pop("csrfmiddlewaretoken", None)
    term = (params.pop("q", None) or [""])[-1].strip()
    if _is_id_number(term):
        request.session[QUEUE_ID_SEARCH] = term
        params[ID_SEARCH_FLAG] = "1"
    elif term:
        params["q"] = term
    query = params.urlencode()
    return redirect(reverse("staff:queue") + (f"?{query}" if query else ""))


def _queue_data(request: HttpRequest) -> QueryDict:
    """The queue's filters from its URL, with the ID number searched back from the session."""
    data = request.GET.copy()
    if _is_id_number(data.get("q", "")):
        data.pop("q")
        messages.error(
            request,
            _(
                "Số định danh không được đặt trong đường dẫn: hãy nhập vào ô tìm kiếm rồi bấm “Lọc”."
            ),
        )
    if data.pop(ID_SEARCH_FLAG, None) and request.session.get(QUEUE_ID_SEARCH):
        data["q"] = request.session[QUEUE_ID_SEARCH]
    return data


@staff_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """The person's queue, oldest first or as sorted, 50 a page, with filters; heads also
    see the proposals waiting for their approval. Filters and order stay in the URL, except
    an ID number; a search for a person (a name, an ID number) is in the access log."""
    if request.method == "POST":
        return _queue_search(request)
    user = _user(request)
    states = selectors_staff.queue_states(user)
    form = QueueFilterForm(
        _queue_data(request) or None,
        states=states,
        procedures=selectors_staff.queue_procedures(user),
    )
    filters = QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = QueueFilters(
            state=data["trang_thai"],
            procedure=data["thu_tuc"],
            received_from=data["tiep_nhan_tu"],
            received_to=data["tiep_nhan_den"],
            q=data["q"],
            mine=data["cua_toi"],
            deadline=data["han"],
            sort=data["sap_xep"],
        )
    elif form.is_bound:
        # Mistyped filters are explained and dropped; the order the clerk chose stays.
        filters = QueueFilters(sort=form.cleaned_data.get("sap_xep", ""))
    page = Paginator(selectors_staff.queue(user, filters), selectors_staff.QUEUE_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    kind = _personal_search(filters.q.strip())
    if kind:
        audit.record(
            actor=user,
            action=Action.SEARCH,
            purpose=audit.staff_purpose(user),
            detail={"kind": kind, "term": filters.q.strip(), "matches": page.paginator.count},
            request=request,
        )
    query = request.GET.copy()
    query.pop("trang", None)
    unsorted = query.copy()
    unsorted.pop("sap_xep", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": filters.narrows(),
        "sort": _sort_headers(unsorted, filters.sort),
        "sort_description": selectors_staff.SORT_DESCRIPTIONS[filters.sort or "nop"],
        "proposals": selectors_staff.proposals_awaiting_approval(user),
        "workplace": selectors_staff.workplace(user),
        "is_clerk": roles.is_clerk(user),
        "is_approver": roles.is_approver(user),
        "now": timezone.now(),
    }
    return render(request, "dossiers/staff/queue.html", context)


# --- one dossier ---------------------------------------------------------------------------------


@login_required
def dossier(request: HttpRequest, ref: str) -> HttpResponse:
    """Header, components, slips, history, steps, and one button per action allowed now."""
    user = _user(request)
    found = selectors_staff.staff_dossier_or_404(user, ref)
    context = selectors_staff.dossier_page(found, user, timezone.now())
    context.update(_money(found, user))
    if any(
        group.is_alternative or group.is_optional or any(line.unit for line in group.lines)
        for group in context["fees"].possible
    ):
        # Receiving chooses the fee lines that apply: the clerk sees the receive form.
        context["buttons"] = [
            dataclasses.replace(button, confirm=False) if button.name == "receive" else button
            for button in context["buttons"]
        ]
    audit.record_dossier_read(request=request, dossier=found)
    return render(request, "dossiers/staff/dossier.html", context)


def _money(found: Dossier, user: User) -> dict[str, Any]:
    """The fee lines, payments and whether this person records a payment now."""
    fees = selectors.dossier_fees(found, with_payments=True)
    return {
        "fees": fees,
        "can_record_payment": bool(fees.outstanding and perms.can_receive(found, user)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_payment(request: HttpRequest, ref: str) -> HttpResponse:
    """The one-stop clerk records the fees paid at the counter with the receipt's number."""
    user = _user(request)
    found = selectors_staff.staff_dossier_or_404(user, ref)
    money = _money(found, user)
    if not money["can_record_payment"]:
        messages.error(
            request,
            _(
                "Không ghi nhận được khoản nộp cho hồ sơ %(code)s: hồ sơ không còn phí, lệ phí "
                "phải nộp, hoặc việc này không thuộc nhiệm vụ của bạn."
            )
            % {"code": found.code_label},
        )
        return redirect("staff:dossier", ref=found.ref)
    form = RecordPaymentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                payment = services.dossier_record_payment(
                    dossier=found,
                    actor=user,
                    receipt_number=form.cleaned_data["receipt_number"],
                    note=form.cleaned_data["note"],
                )
            except DossierNotFound as exc:
                raise Http404(str(exc.message)) from exc
            except TransitionConflict as exc:
                messages.error(request, str(exc.message))
                return redirect("staff:dossier", ref=found.ref)
            except DossierError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận %(amount)s, biên lai số %(number)s, cho hồ sơ %(code)s.")
                    % {
                        "amount": vnd(payment.amount),
                        "number": payment.receipt_number,
                        "code": found.code_label,
                    },
                )
                return redirect("staff:dossier", ref=found.ref)
    context = {"dossier": found, "form": form, **money}
    return render(request, "dossiers/staff/payment.html", context, status=status)


@login_required
def result_file(request: HttpRequest, ref: str) -> FileResponse:
    """The result document uploaded with the proposal, to staff who may see the dossier."""
    found = selectors_staff.staff_dossier_or_404(_user(request), ref)
    if not found.result_file:
        raise Http404(_("Hồ sơ chưa có văn bản kết quả."))
    try:
        handle = found.result_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    audit.record_dossier_read(
        request=request, dossier=found, action=Action.DOWNLOAD, detail={"document": "result"}
    )
    return file_download(handle)


def _action_form(
    verb: verbs.Verb, found: Dossier, user: User, request: HttpRequest
) -> tuple[ActionForm, dict[str, Any]]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form_class = verb.form_class
    assert form_class is not None  # every staff verb has its form
    form = form_class(data, files, dossier=found, user=user)
    extra: dict[str, Any] = {}
    if isinstance(form, HandOverForm):
        extra["next_step"] = form.next_step
    if verb.name == "request_supplement":
        extra["already_asked"] = selectors_staff.reception_supplement_asked(found)
    return form, extra


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, ref: str, action: str) -> HttpResponse:
    """GET shows the verb's form; POST runs the verb's service with it (dossiers/verbs.py)."""
    user = _user(request)
    found = selectors_staff.staff_dossier_or_404(user, ref)
    verb = verbs.get(action)
    if verb is None or verb.by != verbs.STAFF or not verb.transition:
        raise Http404(_("Không có thao tác này."))
    label = str(verb.label)
    if action not in selectors_staff.available_actions(found, user):
        messages.error(
            request,
            _(
                "Không thể thực hiện “%(action)s” với hồ sơ %(code)s lúc này: hồ sơ đang ở "
                "trạng thái “%(state)s”, hoặc thao tác này không thuộc nhiệm vụ của bạn."
            )
            % {"action": label, "code": found.code_label, "state": found.get_state_display()},  # type: ignore[attr-defined]
        )
        return redirect("staff:dossier", ref=found.ref)
    form, extra = _action_form(verb, found, user, request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                verb.run(dossier=found, actor=user, **form.service_kwargs())
            except DossierNotFound as exc:
                raise Http404(str(exc.message)) from exc
            except TransitionConflict as exc:
                # A colleague acted first: the form is stale, the page shows what happened.
                messages.error(request, str(exc.message))
                return redirect("staff:dossier", ref=found.ref)
            except DossierError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Đã thực hiện “%(action)s” với hồ sơ %(code)s.")
                    % {"action": label, "code": found.code_label},
                )
                return redirect("staff:dossier", ref=found.ref)
    context = {
        "dossier": found,
        "action": action,
        "verb": verb,
        "label": label,
        "form": form,
        **extra,
    }
    return render(request, "dossiers/staff/action.html", context, status=status)


# --- paper hand-overs ---------------------------------------------------------------------------

PAPER_HAND_OVER = "record_paper_hand_over"


def _paper_verb() -> verbs.Verb:
    verb = verbs.get(PAPER_HAND_OVER)
    assert verb is not None and verb.form_class is not None
    return verb


def _clerk_only(user: User) -> None:
    if not roles.hands_over_paper(user):
        raise PermissionDenied(_("Trang này dành cho cán bộ một cửa."))


@staff_required
@require_http_methods(["GET"])
def paper_hand_overs(request: HttpRequest) -> HttpResponse:
    """The paper dossiers the clerk's centre received for another commune's agency and has
    not yet handed over, the most urgent first, overdue ones marked; a button per row
    records the hand-over (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    user = _user(request)
    _clerk_only(user)
    verb = _paper_verb()
    context = {
        "hand_overs": list(selectors_staff.paper_hand_overs_pending(user)),
        "verb": verb,
        "label": str(verb.label),
        "workplace": selectors_staff.workplace(user),
        "now": timezone.now(),
    }
    return render(request, "dossiers/staff/paper_hand_overs.html", context)


@login_required
@require_http_methods(["POST"])
def record_paper_hand_over(request: HttpRequest, ref: str) -> HttpResponse:
    """One row's button: the verb ``record_paper_hand_over`` with its form (dossiers/verbs.py).
    A dossier the person may not see, or one they see but whose paper is not theirs to hand
    over, answers 404, like a missing one."""
    user = _user(request)
    found = selectors_staff.staff_dossier_or_404(user, ref)
    if not roles.hands_over_paper(user):
        raise Http404(_("Không tìm thấy hồ sơ."))
    verb = _paper_verb()
    form_class = verb.form_class
    assert form_class is not None
    form = form_class(request.POST, dossier=found, user=user)
    back = redirect("staff:paper_hand_overs")
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors),
        )
        return back
    try:
        verb.run(dossier=found, actor=user, **form.service_kwargs())
    except DossierNotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DossierError as exc:  # TransitionConflict too: handed over already, or not theirs
        messages.error(request, str(exc.message))
        return back
    messages.success(
        request,
        _("Đã ghi nhận chuyển hồ sơ giấy %(code)s cho %(agency)s.")
        % {
            "code": found.code_label,
            "agency": found.competent_agency.name if found.competent_agency else "",
        },
    )
    return back


# --- the walk-in counter -------------------------------------------------------------------------


def _add_identity_errors(form: WalkInForm, exc: ValidationError) -> None:
    """The checks of the account verified at the counter, next to the fields they concern."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _look_up(
    request: HttpRequest, lookup: WalkInLookupForm, procedure: Any
) -> tuple[User | None, int]:
    """The counter's look-up of a citizen by the card they hand over: both the ID number and
    the date of birth must match; a clerk's look-ups are limited per hour; every look-up,
    found, not found or refused, is in the access log."""
    user = _user(request)
    if not lookup.is_valid():
        return None, 400
    masked = audit.mask_national_id(lookup.cleaned_data["national_id"])
    detail = {"procedure": procedure.code, "national_id": masked}
    if not audit_selectors.lookup_allowed(user):
        audit.record(
            actor=user,
            action=Action.LOOKUP,
            purpose=lookup.cleaned_data["purpose"],
            detail={**detail, "outcome": "refused"},
            request=request,
        )
        lookup.add_error(
            None,
            _(
                "Bạn đã tra cứu %(limit)s lần trong một giờ qua, mức tối đa cho một cán bộ. "
                "Hãy nhập thông tin theo giấy tờ công dân xuất trình, hoặc thử lại sau."
            )
            % {"limit": audit_selectors.lookups_per_hour()},
        )
        return None, 429
    found = selectors_staff.citizen_by_national_id(
        lookup.cleaned_data["national_id"], date_of_birth=lookup.cleaned_data["date_of_birth"]
    )
    audit.record(
        actor=user,
        action=Action.LOOKUP,
        purpose=lookup.cleaned_data["purpose"],
        subject=found,
        detail={**detail, "outcome": "found" if found else "not_found"},
        request=request,
    )
    return found, 200


@staff_required
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest) -> HttpResponse:
    """A clerk files a dossier at the counter for a citizen (assisted channel): pick the
    procedure, enter (or look up) the citizen, upload the components, register."""
    user = _user(request)
    if not roles.is_clerk(user):
        raise PermissionDenied(_("Chỉ cán bộ một cửa tiếp nhận hồ sơ trực tiếp."))
    procedures = selectors_staff.procedures_received_at(user)
    pick = WalkInProcedureForm(
        request.GET if "thu_tuc" in request.GET else None, procedures=procedures
    )
    context: dict[str, Any] = {"pick": pick}
    if not pick.is_bound or not pick.is_valid():
        status = 400 if pick.is_bound else 200
        return render(request, "dossiers/staff/walk_in.html", context, status=status)
    procedure = pick.cleaned_data["thu_tuc"]
    try:
        version = services.version_in_force(procedure)
    except DossierError as exc:
        pick.add_error("thu_tuc", str(exc.message))
        return render(request, "dossiers/staff/walk_in.html", context, status=400)
    components = list(version.components.order_by("order"))

    is_lookup = request.method == "POST" and WalkInLookupForm.sent_in(request.POST)
    lookup = WalkInLookupForm(request.POST if is_lookup else None)
    found_citizen, lookup_status = (
        _look_up(request, lookup, procedure) if is_lookup else (None, 200)
    )
    initial: dict[str, Any] = {}
    if lookup.is_bound and lookup.is_valid():
        initial.update(
            national_id=lookup.cleaned_data["national_id"],
            date_of_birth=lookup.cleaned_data["date_of_birth"],
        )
    if found_citizen is not None:
        initial.update(
            {
                "full_name": found_citizen.full_name,
                "national_id": found_citizen.national_id,
                "date_of_birth": found_citizen.date_of_birth,
                "address": found_citizen.address,
                "phone": found_citizen.phone or "",
                # A counter-made account without e-mail holds a never-deliverable address.
                "email": "" if found_citizen.email.endswith(".invalid") else found_citizen.email,
                "return_address": found_citizen.address,
            }
        )
    registering = request.method == "POST" and not is_lookup
    data = request.POST if registering else None
    files = request.FILES if registering else None
    form = WalkInForm(
        data,
        files,
        components=components,
        initial=initial,
        procedure=procedure,
        communes=competence_communes([user.agency.province_id]),  # type: ignore[union-attr]
    )
    status = lookup_status
    if registering:
        status = 400
        if form.is_valid():
            try:
                registered = services.dossier_register_walk_in(
                    clerk=user,
                    procedure=procedure,
                    citizen=form.citizen(),
                    files=form.files_for_service(),
                    return_channel=form.cleaned_data["return_channel"],
                    return_address=form.cleaned_data["return_address"].strip(),
                    note=form.cleaned_data["note"].strip(),
                    **form.verification(),
                    **form.competence(),
                )
            except ValidationError as exc:
                _add_identity_errors(form, exc)
            except DossierError as exc:
                add_service_error(form, exc)
            else:
                audit.record(
                    actor=user,
                    action=Action.CHANGE,
                    purpose=Purpose.WALK_IN,
                    dossier=registered,
                    detail={"procedure": procedure.code, "fields": sorted(form.changed_data)},
                    request=request,
                )
                messages.success(
                    request,
                    _(
                        "Đã đăng ký hồ sơ %(code)s cho ông/bà %(name)s. Kiểm tra hồ sơ rồi "
                        "bấm “Tiếp nhận” để in giấy tiếp nhận và hẹn trả kết quả."
                    )
                    % {"code": registered.code_label, "name": registered.applicant_name},
                )
                return redirect("staff:dossier", ref=registered.ref)
    context.update(
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "lookup": lookup,
            "lookup_found": found_citizen,
            "lookup_done": lookup.is_bound and lookup_status == 200,
        }
    )
    return render(request, "dossiers/staff/walk_in.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def verify_identity(request: HttpRequest) -> HttpResponse:
    """A one-stop clerk verifies a citizen's ID number, holding their original identity
    document: from then on the number is that account's, and the counter dossiers filed
    under it are theirs. ``?ho_so=`` names a dossier filed online whose account is verified
    (the account is prefilled)."""
    from accounts.selectors import user_for_login
    from accounts.services import (
        ACCOUNT_NOT_FOUND,
        can_verify_national_id,
        has_real_email,
        national_id_verify,
    )

    user = _user(request)
    if not can_verify_national_id(user):
        raise PermissionDenied(_("Chỉ cán bộ một cửa xác thực danh tính công dân."))
    initial: dict[str, Any] = {}
    found = None
    ref = request.GET.get("ho_so", "").strip()
    if ref:
        found = selectors.dossier_for_user_or_404(user, ref)
        holder = found.applicant
        if holder is not None:
            initial["account"] = holder.email if has_real_email(holder) else holder.phone
    form = IdentityVerifyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            account = user_for_login(form.cleaned_data["account"])
            try:
                if account is None:
                    raise ValidationError({"account": [ValidationError(ACCOUNT_NOT_FOUND)]})
                verified = national_id_verify(
                    user=account,
                    clerk=user,
                    national_id=form.cleaned_data["national_id"],
                    full_name=form.cleaned_data["full_name"],
                    date_of_birth=form.cleaned_data["date_of_birth"],
                    document_seen=form.cleaned_data["document_seen"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _(
                        "Đã xác thực số định danh %(number)s cho tài khoản của ông/bà "
                        "%(name)s. Các hồ sơ nộp tại quầy với số định danh này đã gắn vào tài "
                        "khoản."
                    )
                    % {"number": verified.national_id, "name": verified.full_name},
                )
                if found is not None:
                    return redirect("staff:dossier", ref=found.ref)
                return redirect("staff:verify_identity")
    context = {"form": form, "dossier": found}
    return render(request, "dossiers/staff/verify_identity.html", context, status=status)
