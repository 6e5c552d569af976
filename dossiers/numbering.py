"""The numbers the dossier workflow hands out: dossier codes, and the numbers of the
official slips (each agency's yearly sequence per form).

A slip takes its number in the transaction of the transition that issues it
(:func:`number_at_transition`, called by ``services._run``), so an agency's numbers follow
the order of its acts, not of the downloads. Numbering reads only who issues the slip and
when (:func:`slip_terms`): it builds no page context and draws no QR code. The page then
prints the stored number, agency and moment (:func:`issued_slip`).

One case still numbers on first print, as every slip did before numbers moved to the
transition: a slip whose transition assigned none (a dossier that went through it before
that, e.g. a receipt asked for by the control slip, form 06, which prints the receipt's
number). :func:`issued_slip` numbers it then, once, under the dossier's row lock.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts import signing
from agencies.models import Agency
from dossiers.models import (
    DailyCounter,
    Dossier,
    DossierEvent,
    FormNumberCounter,
    IssuedSlip,
    State,
    SupplementRequest,
)
from dossiers.slips.catalogue import (
    CLOSING_ACTIONS,
    FORMS,
    REFUSAL_ACTIONS,
    last_event,
    slip_of_event,
)
from dossiers.slips.wording import number_label

# --- counters ----------------------------------------------------------------------------------


def next_code(*, agency: Agency, day: datetime.date) -> str:
    """`<agency e-ID>-<YYMMDD>-<sequence>`: one atomic upsert, safe under concurrency.

    ``agency`` is the agency that settles the dossier and ``day`` the day it is received
    (docs/legal.md#dossier-code); the sequence is that agency's for that day."""
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (sequence,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{sequence:04d}"


def next_form_number(*, agency: Agency | int, form: str, year: int) -> int:
    """The next number of ``form`` (its counter key: ``TNHS``, ``PXL``…) for the agency's year."""
    # A yearly series per agency (Decree 30/2020); the keys are ours: docs/legal.md#slip-numbers.
    agency_id = agency if isinstance(agency, int) else agency.pk
    table = FormNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, form, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, form, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_id, form, year],
        )
        (number,) = cursor.fetchone()
    return int(number)


# --- slips -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipTerms:
    """Who issues a numbered slip and when, as its page prints them beside the number."""

    agency_id: int
    issued_at: datetime.datetime
    # Form 02: the supplement request the slip answers (a dossier may have several).
    supplement_request: SupplementRequest | None = None
    # Form 05: the block it is signed with, recorded on the slip (accounts/signing.py;
    # docs/legal.md, "Who signs").
    signer: signing.SignatureBlock | None = None


def slip_terms(
    dossier: Dossier,
    form: str,
    *,
    supplement_request: SupplementRequest | None = None,
    event: DossierEvent | None = None,
) -> SlipTerms:
    """The issuing agency and moment of the dossier's slip ``form``: 01 the receiving
    agency at reception; 02 the requester's agency when the request was made; 03 the
    receiving agency at the refusal; 05 the receiving agency (its one-stop section) at the
    stop or withdrawal. ``event``: the transition's own event
    (else the latest of its kind); form 02 is the latest request unless one is given."""
    if form == "01":
        if dossier.received_at is None:
            raise ValueError("Form 01 needs a received dossier.")
        return SlipTerms(dossier.agency_id, dossier.received_at)
    if form == "02":
        request = supplement_request or (
            dossier.supplement_requests.select_related("requested_by")
            .order_by("-requested_at", "-pk")
            .first()
        )
        if request is None:
            raise ValueError("Form 02 needs a supplement request.")
        staff_agency = request.requested_by.agency_id
        agency_id = staff_agency if staff_agency is not None else dossier.agency_id
        return SlipTerms(agency_id, request.requested_at, request)
    if form == "03":
        event = event or last_event(dossier, REFUSAL_ACTIONS)
        if event is None:
            raise ValueError("Form 03 needs a refused dossier.")
        return SlipTerms(dossier.agency_id, event.created_at)
    if form == "05":
        event = event or last_event(dossier, CLOSING_ACTIONS)
        if event is None or dossier.state not in (State.STOPPED, State.WITHDRAWN):
            raise ValueError("Form 05 needs a stopped or withdrawn dossier.")
        # The notice is the receiving one-stop section's: its header, number and signer
        # (docs/legal.md#form-05-the-stop-notice). Someone of that section who stops the
        # dossier signs it with their own block; otherwise it is signed there by the
        # section's head, whose title the block prints, the name written by hand.
        actor = event.actor
        if (
            actor is not None
            and actor.agency_id == dossier.agency_id
            and signing.may_sign_documents(actor)
        ):
            signer = signing.signature_block(actor)
        else:
            head_title = dossier.agency.head_title or "Thủ trưởng cơ quan"
            signer = signing.SignatureBlock(lines=(head_title.upper(),), name="")
        return SlipTerms(dossier.agency_id, event.created_at, signer=signer)
    raise ValueError(f"Form {form!r} is not numbered by the dossier workflow.")


def _stored(dossier: Dossier, form: str, request: SupplementRequest | None) -> IssuedSlip | None:
    return (
        IssuedSlip.objects.filter(dossier=dossier, form=form, supplement_request=request)
        .select_related("agency")
        .first()
    )


def _create(dossier: Dossier, form: str, terms: SlipTerms) -> IssuedSlip:
    """Draws the number from the agency's yearly counter; the caller holds the dossier's
    row lock, so a slip gets one number and no number of the sequence is lost."""
    year = timezone.localtime(terms.issued_at, timezone.get_default_timezone()).year
    slip = IssuedSlip.objects.create(
        dossier=dossier,
        form=form,
        supplement_request=terms.supplement_request,
        agency_id=terms.agency_id,
        year=year,
        number=next_form_number(agency=terms.agency_id, form=FORMS[form].suffix, year=year),
        issued_at=terms.issued_at,
        signer=terms.signer.to_json() if terms.signer is not None else {},
    )
    request = terms.supplement_request
    if request is not None and not request.number:
        request.number = number_label(slip)
        request.save(update_fields=["number"])
    return slip


def number_at_transition(dossier: Dossier, event: DossierEvent) -> IssuedSlip | None:
    """The slip the transition's event issues (01 receipt, 02 supplement request, 03
    refusal, 05 stop notice), numbered now; None when it issues none. Runs inside the
    transition, which holds the dossier's row lock."""
    slip = slip_of_event(event)
    if slip is None:
        return None
    form, request = slip
    terms = slip_terms(dossier, form, supplement_request=request, event=event)
    return _stored(dossier, form, terms.supplement_request) or _create(dossier, form, terms)


def issued_slip(
    dossier: Dossier, form: str, *, supplement_request: SupplementRequest | None = None
) -> IssuedSlip:
    """The slip as its transition numbered it, for the page to print (form 02: the latest
    request unless ``supplement_request`` says which).

    A slip its transition did not number (see the module's docstring) is numbered now, on
    its first print, with the same terms, under the dossier's row lock: two downloads of it
    at the same moment get one number.
    """
    request = supplement_request
    if form == "02" and request is None:
        request = dossier.supplement_requests.order_by("-requested_at", "-pk").first()
    stored = _stored(dossier, form, request)
    if stored is not None:
        return stored
    return _number_on_first_print(dossier, form, request)


@transaction.atomic
def _number_on_first_print(
    dossier: Dossier, form: str, request: SupplementRequest | None
) -> IssuedSlip:
    terms = slip_terms(dossier, form, supplement_request=request)
    list(Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True))
    return _stored(dossier, form, terms.supplement_request) or _create(dossier, form, terms)
