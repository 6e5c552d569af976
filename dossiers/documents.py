"""Official slips of a dossier (DESIGN §8): Django template → HTML → PDF with WeasyPrint.

The forms are those of Circular 03/2025/TT-VPCP, Annex I, laid out after the annex of
Circular 01/2018/TT-VPCP: 01 receipt and appointment, 02 supplement request, 03 refusal,
05 stop notice, 06 process control slip. Form 04, the apology letter, is built by
``apologies.documents`` on the same machinery (base template, fonts, :func:`html_to_pdf`).

Rendering is deny-by-default: :func:`url_fetcher` serves the project's own ``static/``
files and ``data:`` images (the QR code) and refuses everything else, so nothing is fetched
from the network or from the rest of the disk whatever a template or a field contains.
Citizen input reaches the templates as plain context values and Django's autoescaping turns
it into text. The font (Liberation Serif, bundled in ``static/fonts``) is loaded into one
WeasyPrint ``FontConfiguration`` per process, reused by every render.
"""

import base64
import datetime
import functools
import logging
import mimetypes
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.models import Agency
from dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStep,
    IssuedSlip,
    ReturnChannel,
    State,
    SupplementRequest,
    SupplementStage,
)
from dossiers.uploads import random_pdf_name

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

logger = logging.getLogger(__name__)

# --- the forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormSpec:
    title: "StrPromise"
    # The number's suffix ("05/TNHS"), also the key of the agency's yearly counter; empty for
    # a form that carries no number of its own (the control slip refers to the receipt's).
    suffix: str


FORMS: dict[str, FormSpec] = {
    "01": FormSpec(gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "TNHS"),
    "02": FormSpec(gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), "YCBS"),
    "03": FormSpec(gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), "TCHS"),
    "04": FormSpec(gettext_lazy("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"), "PXL"),
    "05": FormSpec(gettext_lazy("Phiếu dừng xử lý hồ sơ"), "DXL"),
    "06": FormSpec(gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"), ""),
}
FORM_TITLES: dict[str, "StrPromise"] = {form: spec.title for form, spec in FORMS.items()}

SUPPLEMENT_ACTIONS = ("request_supplement", "request_appraisal_supplement")
REFUSAL_ACTIONS = ("refuse", "close_unsupplemented")
CLOSING_ACTIONS = ("stop", "withdraw")
# The numbered slip each transition issues.
SLIP_FOR_ACTION = {
    "receive": "01",
    "request_supplement": "02",
    "request_appraisal_supplement": "02",
    "refuse": "03",
    "close_unsupplemented": "03",
    "stop": "05",
    "withdraw": "05",
}


class AvailableForms(list[tuple[str, str]]):
    """``[(form, title), …]``; ``"01" in forms`` also asks whether form 01 is among them."""

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(form == item for form, _title in self)
        return super().__contains__(item)


def AVAILABLE_FORMS(dossier: Dossier) -> AvailableForms:
    """The slips the dossier's history gives it (one query: the actions it went through)."""
    forms = AvailableForms()
    if dossier.state == State.DRAFT:
        return forms
    actions = set(dossier.events.values_list("action", flat=True))
    present = {
        "01": "receive" in actions,
        "02": bool(actions.intersection(SUPPLEMENT_ACTIONS)),
        "03": bool(actions.intersection(REFUSAL_ACTIONS)),
        "05": dossier.state in (State.STOPPED, State.WITHDRAWN),
        "06": "hand_over" in actions,
    }
    forms.extend((form, str(FORMS[form].title)) for form, yes in present.items() if yes)
    return forms


# --- Vietnamese dates --------------------------------------------------------------------------


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def _day_month(day: datetime.date) -> tuple[str, str]:
    # Decree 30/2020/NĐ-CP: a zero before days below 10 and before months 1 and 2.
    return f"{day.day:02d}", f"{day.month:02d}" if day.month <= 2 else str(day.month)


def vn_date_phrase(place: str, date: datetime.date | datetime.datetime) -> str:
    """``"Đồng Nai, ngày 24 tháng 01 năm 2025"`` — the place-and-date line of a document."""
    day = _local(date).date() if isinstance(date, datetime.datetime) else date
    dd, mm = _day_month(day)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": dd,
        "month": mm,
        "year": day.year,
    }


def vn_moment_phrase(moment: datetime.datetime) -> str:
    """``"15 giờ 30 phút, ngày 23 tháng 01 năm 2025"`` (local time)."""
    local = _local(moment)
    dd, mm = _day_month(local.date())
    return _("%(hour)02d giờ %(minute)02d phút, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "hour": local.hour,
        "minute": local.minute,
        "day": dd,
        "month": mm,
        "year": local.year,
    }


# --- the issuing body --------------------------------------------------------------------------

_UNIT_PREFIXES = ("thành phố", "tỉnh", "phường", "xã", "đặc khu", "thị trấn")


def _bare_unit_name(name: str) -> str:
    """``"Phường Trấn Biên"`` → ``"Trấn Biên"``, ``"Thành phố Hà Nội"`` → ``"Hà Nội"``."""
    lowered = name.lower()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _caps(text: str) -> str:
    return text.upper().replace("ỦY BAN NHÂN DÂN", "UBND")


def governing_body(agency: Agency) -> str:
    """The first header line: the body the issuing agency belongs to (``UBND TỈNH ĐỒNG NAI``)."""
    if agency.parent_id is not None:
        parent = agency.parent
        return _caps(parent.short_name or parent.name)  # type: ignore[union-attr]
    province = agency.province
    name = province.name
    if _bare_unit_name(name) == name:
        name = f"{province.division_type.split(' trung ương')[0]} {name}"
    return _caps(f"UBND {name}")


def place_name(agency: Agency) -> str:
    """The place of the date line: the commune for commune-level units, else the province."""
    unit = agency.commune if agency.commune_id is not None else agency.province
    return _bare_unit_name(unit.name)  # type: ignore[union-attr]


# --- numbering ---------------------------------------------------------------------------------


def number_label(slip: IssuedSlip) -> str:
    return f"{slip.number:02d}/{FORMS[slip.form].suffix}"


@transaction.atomic
def slip_issue(
    *,
    dossier: Dossier,
    form: str,
    agency: Agency,
    issued_at: datetime.datetime,
    supplement_request: SupplementRequest | None = None,
) -> IssuedSlip:
    """The slip's number, assigned once from the agency's yearly counter and kept.

    The dossier row is locked while the number is drawn, so two downloads of a new slip at
    the same moment get one number, and no number of the sequence is lost.
    """
    from dossiers.services import next_form_number

    existing = IssuedSlip.objects.filter(
        dossier=dossier, form=form, supplement_request=supplement_request
    ).first()
    if existing is not None:
        return existing
    list(Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True))
    existing = IssuedSlip.objects.filter(
        dossier=dossier, form=form, supplement_request=supplement_request
    ).first()
    if existing is not None:
        return existing
    year = _local(issued_at).year
    slip = IssuedSlip.objects.create(
        dossier=dossier,
        form=form,
        supplement_request=supplement_request,
        agency=agency,
        year=year,
        number=next_form_number(agency=agency, form=FORMS[form].suffix, year=year),
        issued_at=issued_at,
    )
    if supplement_request is not None and not supplement_request.number:
        supplement_request.number = number_label(slip)
        supplement_request.save(update_fields=["number"])
    return slip


# --- QR code -----------------------------------------------------------------------------------


def tracking_url(dossier: Dossier, *, with_secret: bool = False) -> str:
    """The public status page of the dossier, as printed and encoded in the QR code; with
    the lookup secret (the receipt's QR code) it shows the full status."""
    path = reverse("dossiers:track", kwargs={"code": dossier.code})
    if with_secret:
        path += f"?k={dossier.lookup_secret}"
    return settings.SITE_URL.rstrip("/") + path


def qr_data_uri(url: str) -> str:
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=0))


# --- contexts ----------------------------------------------------------------------------------


def _last_event(dossier: Dossier, actions: tuple[str, ...]) -> DossierEvent | None:
    return (
        dossier.events.filter(action__in=actions)
        .select_related("actor", "actor__agency")
        .order_by("-created_at", "-id")
        .first()
    )


def _base_context(
    dossier: Dossier, form: str, *, agency: Agency, issued_at: datetime.datetime
) -> dict[str, Any]:
    url = tracking_url(dossier)
    return {
        "form": form,
        "form_title": str(FORMS[form].title).upper(),
        "dossier": dossier,
        "agency": agency,
        "governing_body": governing_body(agency),
        "issuing_body": agency.name.upper(),
        "number_label": "",
        "place_date": vn_date_phrase(place_name(agency), issued_at),
        "issued_at": issued_at,
        "procedure_name": dossier.procedure.name,
        "tracking_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def _numbered(
    context: dict[str, Any],
    dossier: Dossier,
    form: str,
    *,
    supplement_request: SupplementRequest | None = None,
) -> dict[str, Any]:
    slip = slip_issue(
        dossier=dossier,
        form=form,
        agency=context["agency"],
        issued_at=context["issued_at"],
        supplement_request=supplement_request,
    )
    context["slip"] = slip
    context["number_label"] = number_label(slip)
    return context


def _limit_phrase(dossier: Dossier) -> str:
    version = dossier.version
    if version.same_day:
        return _("Trong ngày làm việc")
    hours = Decimal(version.limit_hours_for(online=dossier.is_online))
    days = (hours / 8).normalize()
    # The same msgid is a plural entry elsewhere (procedures_tags.working_time), so ngettext here too.
    return ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", int(days)) % {
        "days": f"{days:f}".replace(".", ",")
    }


def _received_components(dossier: Dossier) -> list[dict[str, Any]]:
    """Rows of the receipt: each component filed, with its kind and how many files."""
    rows: list[dict[str, Any]] = []
    by_component: dict[int, dict[str, Any]] = {}
    files = dossier.files.select_related("component").order_by(
        "component__order", "uploaded_at", "pk"
    )
    for stored in files:
        component = stored.component
        if component is None:
            rows.append({"name": stored.name, "kind": "", "count": 1})
        elif component.pk in by_component:
            by_component[component.pk]["count"] += 1
        else:
            row = {"name": component.name, "kind": component.get_kind_display(), "count": 1}
            by_component[component.pk] = row
            rows.append(row)
    return rows


def _context_01(dossier: Dossier) -> dict[str, Any]:
    if dossier.received_at is None:
        raise ValueError("Form 01 needs a received dossier.")
    context = _base_context(dossier, "01", agency=dossier.agency, issued_at=dossier.received_at)
    event = _last_event(dossier, ("receive",))
    appointment = dossier.original_due_at or dossier.due_at
    context.update(
        {
            "components": _received_components(dossier),
            "limit": _limit_phrase(dossier),
            "received_moment": vn_moment_phrase(dossier.received_at),
            "appointment_moment": vn_moment_phrase(appointment) if appointment else "",
            "return_channel": dossier.get_return_channel_display(),
            "return_address": dossier.return_address
            if dossier.return_channel == ReturnChannel.POST
            else "",
            "receiver_name": event.actor.full_name if event and event.actor else "",
            "filed_in_person": not dossier.is_online,
            # The fee lines chosen at reception (never the alternatives added up).
            "fee_lines": list(dossier.fee_lines.order_by("id")),
            "fee_total": dossier.fee_total,
        }
    )
    # The receipt goes to the applicant: it carries the lookup secret, typed on the public
    # status page or read from its QR code, which opens the full status at once.
    secret_url = tracking_url(dossier, with_secret=True)
    context.update({"lookup_secret": dossier.lookup_secret, "qr_data_uri": qr_data_uri(secret_url)})
    return _numbered(context, dossier, "01")


def _context_02(
    dossier: Dossier, supplement_request: SupplementRequest | None = None
) -> dict[str, Any]:
    request = supplement_request or (
        dossier.supplement_requests.select_related("requested_by__agency")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if request is None:
        raise ValueError("Form 02 needs a supplement request.")
    staff = request.requested_by
    agency = staff.agency if staff.agency_id is not None else dossier.agency
    context = _base_context(dossier, "02", agency=agency, issued_at=request.requested_at)  # type: ignore[arg-type]
    context.update(
        {
            "supplement_request": request,
            "items": list(request.items or []),
            "note": request.note,
            "at_reception": request.stage == SupplementStage.RECEPTION,
            "staff_name": staff.full_name,
            "contact_phone": agency.phone,  # type: ignore[union-attr]
        }
    )
    return _numbered(context, dossier, "02", supplement_request=request)


def _context_03(dossier: Dossier) -> dict[str, Any]:
    event = _last_event(dossier, REFUSAL_ACTIONS)
    if event is None:
        raise ValueError("Form 03 needs a refused dossier.")
    context = _base_context(dossier, "03", agency=dossier.agency, issued_at=event.created_at)
    context.update(
        {
            "submitted_moment": vn_moment_phrase(dossier.submitted_at)
            if dossier.submitted_at
            else "",
            "reason": dossier.closed_reason or event.note,
            "receiver_name": event.actor.full_name if event.actor else "",
        }
    )
    return _numbered(context, dossier, "03")


def _context_05(dossier: Dossier) -> dict[str, Any]:
    event = _last_event(dossier, CLOSING_ACTIONS)
    if event is None or dossier.state not in (State.STOPPED, State.WITHDRAWN):
        raise ValueError("Form 05 needs a stopped or withdrawn dossier.")
    withdrawn = dossier.state == State.WITHDRAWN
    actor = event.actor
    agency = dossier.agency
    if not withdrawn and actor is not None and actor.agency_id is not None:
        agency = actor.agency  # type: ignore[assignment]
    context = _base_context(dossier, "05", agency=agency, issued_at=event.created_at)
    accepted_at = dossier.received_at or dossier.submitted_at
    context.update(
        {
            "withdrawn": withdrawn,
            "accepted_moment": vn_moment_phrase(accepted_at) if accepted_at else "",
            "stopped_moment": vn_moment_phrase(event.created_at),
            "reason": dossier.closed_reason or event.note,
            "signer_title": "" if withdrawn else (agency.head_title or "").upper(),
            "signer_name": "" if withdrawn or actor is None else actor.full_name,
        }
    )
    return _numbered(context, dossier, "05")


# Form 06: whether a step was done before, on or after its due time.
EARLY = gettext_lazy("Trước hạn")
ON_TIME = gettext_lazy("Đúng hạn")
LATE = gettext_lazy("Quá hạn")


def timeliness(finished_at: datetime.datetime | None, due_at: datetime.datetime | None) -> str:
    """``Quá hạn`` after the due moment, ``Đúng hạn`` on the due day, ``Trước hạn`` before it."""
    if finished_at is None or due_at is None:
        return ""
    if finished_at > due_at:
        return str(LATE)
    if _local(finished_at).date() == _local(due_at).date():
        return str(ON_TIME)
    return str(EARLY)


def _unit(step: DossierStep | None, fallback: Agency) -> str:
    if step is None:
        return fallback.name
    if step.department is not None:
        return f"{step.department.name} — {step.agency.short_name or step.agency.name}"
    return step.agency.name


def control_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """One row per hand-over of the dossier (its event log), the last to the one-stop section
    for the return, each with the giver's due time and whether it was met."""
    steps = {step.pk: step for step in dossier.steps.select_related("agency", "department")}
    events = dossier.events.filter(
        action__in=["hand_over", "approve", *CLOSING_ACTIONS, "return_result"]
    ).select_related("actor")
    one_stop = dossier.agency
    notes = {
        "approve": _("Chuyển kết quả về Bộ phận Một cửa"),
        "stop": _("Dừng xử lý hồ sơ"),
        "withdraw": _("Công dân rút hồ sơ"),
    }
    rows: list[dict[str, Any]] = []
    for event in events.order_by("created_at", "id"):
        data = event.data or {}
        if event.action == "hand_over":
            giver = steps.get(data.get("from_step") or 0)
            receiver: str = _unit(steps.get(data.get("to_step") or 0), one_stop)
            note = event.note
        elif event.action == "return_result":
            rows.append(
                {
                    "giver": one_stop.name,
                    "receiver": _("Ông/bà %(name)s") % {"name": dossier.applicant_name},
                    "moment": vn_moment_phrase(event.created_at),
                    "due": vn_moment_phrase(dossier.due_at) if dossier.due_at else "",
                    "status": timeliness(event.created_at, dossier.due_at),
                    "note": _("Trả kết quả: %(channel)s")
                    % {"channel": dossier.get_return_channel_display()},
                    "giver_person": event.actor.full_name if event.actor else "",
                }
            )
            continue
        else:
            giver = steps.get(event.step_id or 0)
            if giver is None or giver.finished_at is None:
                continue
            receiver = _("Bộ phận Một cửa — %(agency)s") % {"agency": one_stop.name}
            note = notes[event.action]
        rows.append(
            {
                "giver": _unit(giver, one_stop),
                "receiver": receiver,
                "moment": vn_moment_phrase(event.created_at),
                "due": vn_moment_phrase(giver.due_at) if giver and giver.due_at else "",
                "status": timeliness(giver.finished_at, giver.due_at) if giver else "",
                "note": note,
                "giver_person": event.actor.full_name if event.actor else "",
            }
        )
    return rows


def _context_06(dossier: Dossier) -> dict[str, Any]:
    if dossier.received_at is None:
        raise ValueError("Form 06 needs a received dossier.")
    receipt = slip_issue(
        dossier=dossier, form="01", agency=dossier.agency, issued_at=dossier.received_at
    )
    context = _base_context(dossier, "06", agency=dossier.agency, issued_at=timezone.now())
    agencies: list[str] = []
    for step in dossier.steps.select_related("agency").order_by("order"):
        if step.agency_id != dossier.agency_id and step.agency.name not in agencies:
            agencies.append(step.agency.name)
    context.update(
        {
            "receipt_number": number_label(receipt),
            "appointment_moment": vn_moment_phrase(dossier.due_at) if dossier.due_at else "",
            "settling_agencies": agencies,
            "rows": control_rows(dossier),
        }
    )
    return context


CONTEXT_BUILDERS = {
    "01": _context_01,
    "02": _context_02,
    "03": _context_03,
    "05": _context_05,
    "06": _context_06,
}


def slip_context(
    dossier: Dossier, form: str, *, supplement_request: SupplementRequest | None = None
) -> dict[str, Any]:
    """What the form's template needs; assigns (once) and shows the slip's number.

    Form 02 is the latest supplement request unless ``supplement_request`` says which.
    """
    if form not in CONTEXT_BUILDERS:
        raise ValueError(f"No slip builder for form {form!r}.")
    # Official documents are in Vietnamese whatever the reader's language: the title and
    # the date line are built here, before the template.
    with translation.override(settings.LANGUAGE_CODE):
        if form == "02":
            return _context_02(dossier, supplement_request)
        return CONTEXT_BUILDERS[form](dossier)


def slip_of_event(event: DossierEvent) -> tuple[str, SupplementRequest | None] | None:
    """The numbered slip a transition's event issued: its form, and for form 02 the
    supplement request it answers; None when the event issues none."""
    form = SLIP_FOR_ACTION.get(event.action)
    if form is None:
        return None
    request = None
    if form == "02" and event.data.get("supplement_request"):
        request = SupplementRequest.objects.get(pk=event.data["supplement_request"])
    return form, request


def slip_issue_for(
    dossier: Dossier, form: str, *, supplement_request: SupplementRequest | None = None
) -> IssuedSlip:
    """Numbers the slip as its PDF will show it (issuing agency and moment from the same
    context), without rendering it."""
    slip: IssuedSlip = slip_context(dossier, form, supplement_request=supplement_request)["slip"]
    return slip


# --- rendering ---------------------------------------------------------------------------------


class ForbiddenURL(ValueError):
    """The renderer asked for something outside the project's static files."""


@dataclass(frozen=True)
class FetchedResource:
    url: str
    body: bytes
    mime_type: str


DATA_URI_TYPES = ("image/svg+xml", "image/png")


def static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def _static_file(url: str) -> Path | None:
    parts = urlsplit(url)
    root = static_dir()
    static_path = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        candidate = Path(url2pathname(parts.path))
        if not candidate.resolve().is_relative_to(root) and parts.path.startswith(static_path):
            # "/static/…" resolved against a file: base URL.
            candidate = root / url2pathname(parts.path[len(static_path) :])
    elif parts.scheme in ("http", "https"):
        prefix = urljoin(settings.SITE_URL.rstrip("/") + "/", settings.STATIC_URL)
        bare = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if not bare.startswith(prefix):
            return None
        candidate = root / unquote(bare[len(prefix) :])
    else:
        return None
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def _data_uri(url: str) -> FetchedResource:
    header, _sep, payload = url[len("data:") :].partition(",")
    mime_type = header.split(";")[0].strip().lower()
    if mime_type not in DATA_URI_TYPES:
        raise ForbiddenURL(f"Refused data: URI of type {mime_type!r}.")
    body = base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
    return FetchedResource(url=url, body=body, mime_type=mime_type)


def url_fetcher(url: str) -> FetchedResource:
    """Deny by default: files under ``static/`` (by ``file://`` path or by their
    ``/static/…`` URL) and ``data:`` images; anything else raises :class:`ForbiddenURL`."""
    if url.startswith("data:"):
        return _data_uri(url)
    path = _static_file(url)
    if path is None:
        raise ForbiddenURL(f"Refused to fetch {url!r}: only the project's static files are served.")
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FetchedResource(url=path.as_uri(), body=path.read_bytes(), mime_type=mime_type)


@functools.cache
def _weasyprint_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher interface around :func:`url_fetcher` (looked up on each call)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            resource = url_fetcher(url)
            return URLFetcherResponse(
                resource.url, resource.body, {"Content-Type": resource.mime_type}
            )

    return StaticOnlyFetcher()


@functools.cache
def font_config() -> Any:
    """One WeasyPrint ``FontConfiguration`` per process: the bundled fonts are loaded into
    it by the first render and reused by every later one."""
    from weasyprint.text.fonts import FontConfiguration

    # Once per process: a worker's log shows one line per pool process, not one per letter.
    logger.info("WeasyPrint font configuration created in process %s", os.getpid())
    return FontConfiguration()


# Fontconfig and Pango objects behind the shared configuration are not thread-safe.
_render_lock = threading.Lock()


def base_url() -> str:
    return static_dir().as_uri() + "/"


def html_to_pdf(html: str) -> bytes:
    """The bare render: HTML (resolved against ``static/``) → PDF bytes, same fonts, same
    fetcher. For the slips here, form 04 and the benchmark."""
    from weasyprint import HTML

    with _render_lock:
        document = HTML(string=html, base_url=base_url(), url_fetcher=_weasyprint_fetcher())
        pdf: bytes = document.write_pdf(font_config=font_config())
    return pdf


def render_html(form: str, context: Mapping[str, Any]) -> str:
    """The form's template rendered with autoescaping, in Vietnamese (official documents
    are issued in Vietnamese whatever the reader's interface language)."""
    if form not in FORMS:
        raise ValueError(f"Unknown form {form!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"documents/form_{form}.html", dict(context))


def render_pdf(form: str, context: Mapping[str, Any]) -> tuple[str, bytes]:
    """Template → HTML → PDF; both are returned so tests can read the HTML."""
    html = render_html(form, context)
    return html, html_to_pdf(html)


def slip_pdf(
    dossier: Dossier, form: str, *, supplement_request: SupplementRequest | None = None
) -> bytes:
    """The slip's PDF. A numbered slip is rendered once and kept, so a later download is the
    same document; the control slip (06) grows with the process and is rendered each time."""
    if FORMS.get(form) is None or not FORMS[form].suffix:
        _html, pdf = render_pdf(
            form, slip_context(dossier, form, supplement_request=supplement_request)
        )
        return pdf
    lookup = Q(dossier=dossier, form=form)
    if form == "02":
        request = (
            supplement_request
            or dossier.supplement_requests.order_by("-requested_at", "-pk").first()
        )
        lookup &= Q(supplement_request=request)
    stored = IssuedSlip.objects.filter(lookup).exclude(pdf="").first()
    if stored is not None:
        with stored.pdf.open("rb") as handle:
            return handle.read()
    context = slip_context(dossier, form, supplement_request=supplement_request)
    _html, pdf = render_pdf(form, context)
    slip: IssuedSlip = context["slip"]
    with transaction.atomic():
        locked = IssuedSlip.objects.select_for_update().get(pk=slip.pk)
        if not locked.pdf:
            locked.pdf.save(random_pdf_name(), ContentFile(pdf), save=False)
            locked.save(update_fields=["pdf"])
    return pdf


def slip_response(dossier: Dossier, form: str, request: HttpRequest | None = None) -> HttpResponse:
    """The slip as a PDF attachment named ``<code>-mau-<form>.pdf``."""
    response = HttpResponse(slip_pdf(dossier, form), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{dossier.code}-mau-{form}.pdf"
    )
    return response
