"""One context builder per form: what its template needs, read from the dossier.

The number, issuing agency and moment come from the slip its transition numbered
(``dossiers.numbering.issued_slip``); a builder writes nothing.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.signing import SignatureBlock
from agencies.models import Agency
from core.pdf import qr_data_uri
from dossiers import numbering
from dossiers.models import (
    Dossier,
    DossierStep,
    IssuedSlip,
    ReturnChannel,
    State,
    SupplementRequest,
    SupplementStage,
)
from dossiers.slips.catalogue import CLOSING_ACTIONS, FORMS, REFUSAL_ACTIONS, last_event
from dossiers.slips.wording import (
    governing_body,
    number_label,
    place_name,
    timeliness,
    vn_date_phrase,
    vn_moment_phrase,
)
from procedures.models import LimitUnit

# --- QR code -----------------------------------------------------------------------------------


def tracking_url(dossier: Dossier, *, with_secret: bool = False) -> str:
    """The public status page of the dossier, as printed and encoded in the QR code; with
    the lookup secret (the receipt's QR code) it shows the full status."""
    path = reverse("dossiers:track", kwargs={"code": dossier.code})
    if with_secret:
        path += f"?k={dossier.lookup_secret}"
    return settings.SITE_URL.rstrip("/") + path


# --- contexts ----------------------------------------------------------------------------------


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


def _numbered_context(dossier: Dossier, slip: IssuedSlip) -> dict[str, Any]:
    """The base context of a numbered slip: its number, agency and moment as issued."""
    context = _base_context(dossier, slip.form, agency=slip.agency, issued_at=slip.issued_at)
    context["slip"] = slip
    context["number_label"] = number_label(slip)
    return context


def _limit_phrase(dossier: Dossier) -> str:
    version = dossier.version
    if version.same_day:
        return _("Trong ngày làm việc")
    if version.limit_unit != LimitUnit.WORKING_DAYS:
        # "30 ngày", "8 giờ làm việc": as the law words it (docs/legal.md).
        return version.limit_text_for(online=dossier.is_online)
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
    context = _numbered_context(dossier, numbering.issued_slip(dossier, "01"))
    event = last_event(dossier, ("receive",))
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
            **filer(dossier),
            **register_line(context["slip"]),
            # The fee lines chosen at reception (never the alternatives added up).
            "fee_lines": list(dossier.fee_lines.order_by("id")),
            "fee_total": dossier.fee_total,
        }
    )
    # The receipt goes to the applicant: it carries the lookup secret, typed on the public
    # status page or read from its QR code, which opens the full status at once.
    secret_url = tracking_url(dossier, with_secret=True)
    context.update({"lookup_secret": dossier.lookup_secret, "qr_data_uri": qr_data_uri(secret_url)})
    return context


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
    slip = numbering.issued_slip(dossier, "02", supplement_request=request)
    context = _numbered_context(dossier, slip)
    context.update(
        {
            "supplement_request": request,
            "items": list(request.items or []),
            "note": request.note,
            "at_reception": request.stage == SupplementStage.RECEPTION,
            "staff_name": request.requested_by.full_name,
            "contact_phone": slip.agency.phone,
        }
    )
    return context


def _context_03(dossier: Dossier) -> dict[str, Any]:
    event = last_event(dossier, REFUSAL_ACTIONS)
    if event is None:
        raise ValueError("Form 03 needs a refused dossier.")
    context = _numbered_context(dossier, numbering.issued_slip(dossier, "03"))
    context.update(
        {
            "submitted_moment": vn_moment_phrase(dossier.submitted_at)
            if dossier.submitted_at
            else "",
            "reason": dossier.closed_reason or event.note,
            "receiver_name": event.actor.full_name if event.actor else "",
            "filed_in_person": not dossier.is_online,
            **filer(dossier),
        }
    )
    return context


def _context_05(dossier: Dossier) -> dict[str, Any]:
    """The stop notice: the receiving one-stop section's (its header, number and signer,
    recorded at the stop: dossiers.numbering.slip_terms), with the reason, and who decided
    the stop (docs/legal.md#form-05-the-stop-notice)."""
    event = last_event(dossier, CLOSING_ACTIONS)
    if event is None or dossier.state not in (State.STOPPED, State.WITHDRAWN):
        raise ValueError("Form 05 needs a stopped or withdrawn dossier.")
    withdrawn = dossier.state == State.WITHDRAWN
    actor = event.actor
    context = _numbered_context(dossier, numbering.issued_slip(dossier, "05"))
    agency: Agency = context["agency"]
    accepted_at = dossier.received_at or dossier.submitted_at
    decided_by = ""
    if not withdrawn and actor is not None:
        unit = actor.agency.name if actor.agency is not None else ""
        decided_by = f"{actor.full_name} — {unit}" if unit else actor.full_name
    context.update(
        {
            "withdrawn": withdrawn,
            "accepted_moment": vn_moment_phrase(accepted_at) if accepted_at else "",
            "stopped_moment": vn_moment_phrase(event.created_at),
            "reason": dossier.closed_reason or event.note,
            "decided_by": decided_by,
            "signer": _stop_signer(context["slip"], agency, actor),
        }
    )
    return context


def _stop_signer(slip: IssuedSlip, agency: Agency, actor: User | None) -> SignatureBlock:
    """The block recorded on the slip at the stop (dossiers.numbering.slip_terms; Decree
    30/2020 art. 13, Annex I II.7). A notice numbered before blocks were recorded prints
    what it printed then: the agency head's title over the name of the person who stopped
    it (an issued notice is not rewritten)."""
    recorded = SignatureBlock.from_json(slip.signer)
    if recorded is not None:
        return recorded
    return SignatureBlock(
        lines=((agency.head_title or "Thủ trưởng cơ quan").upper(),),
        name=actor.full_name if actor is not None else "",
    )


def filer(dossier: Dossier) -> dict[str, Any]:
    """Who actually filed: the representative where one filed (nộp thay), on behalf of the
    applicant; else the applicant (docs/legal.md#filing-for-another-person)."""
    if dossier.representative_name:
        return {
            "filer_name": dossier.representative_name,
            "filer_national_id": dossier.representative_national_id,
            "on_behalf_of": dossier.applicant_name,
        }
    return {
        "filer_name": dossier.applicant_name,
        "filer_national_id": dossier.applicant_national_id,
        "on_behalf_of": "",
    }


def register_line(receipt: IssuedSlip) -> dict[str, Any]:
    """The dossier's entry in the tracking book (form 07): the book is the receiving
    section's for the year, the entry the receipt's number in that year's series
    (docs/legal.md#form-07-the-tracking-book)."""
    return {"register_book": receipt.year, "register_entry": f"{receipt.number:02d}"}


def _unit(step: DossierStep | None, fallback: Agency) -> str:
    if step is None:
        return fallback.name
    if step.department is not None:
        return f"{step.department.name} — {step.agency.short_name or step.agency.name}"
    return step.agency.name


def control_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """One row per hand-over of the dossier (its event log), the last to the one-stop section
    for the return, each with the giver's due time and whether it was met."""
    steps = {
        step.pk: step for step in dossier.steps.select_related("agency", "department", "handled_by")
    }
    events = dossier.events.filter(
        action__in=["hand_over", "approve", *CLOSING_ACTIONS, "return_result"]
    ).select_related("actor")
    one_stop = dossier.agency
    notes = {
        "approve": _("Chuyển kết quả về Bộ phận Một cửa"),
        "stop": _("Dừng xử lý hồ sơ"),
        "withdraw": _("Công dân rút hồ sơ"),
    }
    ordered = list(events.order_by("created_at", "id"))
    # Who at the one-stop section took the result back: the clerk who returned it.
    returned_by = next(
        (e.actor.full_name for e in ordered if e.action == "return_result" and e.actor), ""
    )
    rows: list[dict[str, Any]] = []
    for event in ordered:
        data = event.data or {}
        receiver_person = ""
        if event.action == "hand_over":
            giver = steps.get(data.get("from_step") or 0)
            to_step = steps.get(data.get("to_step") or 0)
            receiver: str = _unit(to_step, one_stop)
            if to_step is not None and to_step.handled_by is not None:
                receiver_person = to_step.handled_by.full_name
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
                    "receiver_person": dossier.applicant_name,
                }
            )
            continue
        else:
            giver = steps.get(event.step_id or 0)
            if giver is None or giver.finished_at is None:
                continue
            receiver = _("Bộ phận Một cửa — %(agency)s") % {"agency": one_stop.name}
            if returned_by:
                receiver_person = returned_by
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
                "receiver_person": receiver_person,
            }
        )
    return rows


def _context_06(dossier: Dossier) -> dict[str, Any]:
    if dossier.received_at is None:
        raise ValueError("Form 06 needs a received dossier.")
    # The control slip travels with the receipt and carries its number
    # (docs/legal.md#forms-01-to-06).
    receipt = numbering.issued_slip(dossier, "01")
    context = _base_context(dossier, "06", agency=dossier.agency, issued_at=timezone.now())
    steps = list(dossier.steps.select_related("agency").order_by("order"))
    # The agency that settles (chủ trì) holds the last step; any other agency with a step,
    # but the receiving one, co-ordinates (phối hợp) in a multi-agency dossier.
    lead = steps[-1].agency if steps else dossier.agency
    coordinating: list[str] = []
    for step in steps:
        if step.agency_id in (dossier.agency_id, lead.pk):
            continue
        if step.agency.name not in coordinating:
            coordinating.append(step.agency.name)
    context.update(
        {
            "number_label": number_label(receipt),
            "receipt_number": number_label(receipt),
            "appointment_moment": vn_moment_phrase(dossier.due_at) if dossier.due_at else "",
            "lead_agency": lead.name,
            "coordinating_agencies": coordinating,
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
    """What the form's template needs, with the slip's number as its transition assigned it.

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
