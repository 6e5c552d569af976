"""Slip numbers are assigned by the transition that issues the slip, without building the
slip's page (docs/architecture.md: dossiers.numbering): the page prints what was assigned."""

from typing import Any

import pytest
import time_machine

from dossiers import numbering, services
from dossiers.models import IssuedSlip, State, SupplementRequest
from dossiers.slips import contexts, render
from tests.dossiers.factories import World, build_dossier
from tests.dossiers.test_documents import MONDAY_8AM, at, pdf_text

# The receive transition: lock, permission check, fee lines, deadline, steps, the event, the
# receipt's number (its slip looked up, the counter, the slip row), the notifications. Was
# 32 while numbering built the receipt's page context (procedure, province, components,
# fees, receiving event) and drew its QR codes.
# Reception also draws the dossier's code from the settling agency's counter (one upsert) and
# reads whether its procedure is received regardless of boundaries (docs/legal.md#dossier-code).
RECEIVE_QUERIES = 25


@pytest.fixture(autouse=True)
def _fast(settings: Any, media_root: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_receive_transition_numbers_its_slip_in_few_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    dossier = build_dossier(world, State.SUBMITTED)

    with django_assert_num_queries(RECEIVE_QUERIES):
        services.dossier_receive(dossier=dossier, actor=world.clerk)

    assert IssuedSlip.objects.get(dossier=dossier, form="01").number == 1


def test_a_transition_numbers_its_slip_without_building_the_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_page(*args: object, **kwargs: object) -> None:
        raise AssertionError("a transition built a slip's page")

    monkeypatch.setattr(contexts, "slip_context", no_page)
    monkeypatch.setattr(contexts, "qr_data_uri", no_page)
    monkeypatch.setattr(contexts, "_base_context", no_page)

    received = build_dossier(world, State.RECEIVED)
    refused = build_dossier(world, State.REFUSED)
    stopped = build_dossier(world, State.STOPPED)
    waiting = build_dossier(world, State.AWAITING_SUPPLEMENT)

    forms = set(IssuedSlip.objects.values_list("dossier_id", "form"))
    assert {
        (received.pk, "01"),
        (refused.pk, "03"),
        (stopped.pk, "05"),
        (waiting.pk, "02"),
    } <= forms


def test_the_page_prints_the_number_agency_and_moment_of_the_transition(world: World) -> None:
    # Stopped by the head of the department: the notice is still the receiving section's
    # (docs/legal.md#form-05-the-stop-notice), dated at the stop; the receipt is the
    # centre's too, dated at reception.
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = build_dossier(world, State.STOPPED)
    stop = IssuedSlip.objects.get(dossier=dossier, form="05")
    receipt = IssuedSlip.objects.get(dossier=dossier, form="01")
    assert stop.agency_id == world.centre.pk != world.head.agency_id
    assert receipt.agency_id == world.centre.pk

    notice = contexts.slip_context(dossier, "05")
    assert (notice["slip"].pk, notice["agency"].pk) == (stop.pk, stop.agency_id)
    assert notice["issued_at"] == stop.issued_at
    assert "Số: 01/PDXL-TTPVHCC" in pdf_text(render.slip_pdf(dossier, "05"))
    assert contexts.slip_context(dossier, "01")["issued_at"] == receipt.issued_at
    assert IssuedSlip.objects.filter(dossier=dossier).count() == 2


def test_each_supplement_request_keeps_the_number_of_its_own_slip(world: World) -> None:
    dossier = build_dossier(world, State.AWAITING_SUPPLEMENT)
    request = SupplementRequest.objects.get(dossier=dossier)
    slip = IssuedSlip.objects.get(dossier=dossier, form="02")

    assert slip.supplement_request_id == request.pk
    # Asked for by the specialist of Sở Tư pháp: that agency's symbol, derived ("STP").
    assert request.number == "01/PYCBS-STP"
    assert contexts.slip_context(dossier, "02")["number_label"] == "01/PYCBS-STP"


def test_a_slip_its_transition_did_not_number_is_numbered_once_on_first_print(
    world: World,
) -> None:
    """A dossier received before numbers moved to the transition: its receipt (printed on
    its own or in the control slip, form 06) takes the next number then, and keeps it."""
    with time_machine.travel(at(20, 9), tick=False):
        old = build_dossier(world, State.IN_APPRAISAL)
        new = build_dossier(world, State.RECEIVED)
    # As if its transition had assigned none (the counter has given out 01 and 02 already).
    IssuedSlip.objects.filter(dossier=old).delete()

    control = contexts.slip_context(old, "06")
    receipt = IssuedSlip.objects.get(dossier=old, form="01")

    assert control["receipt_number"] == "03/PTNHS-TTPVHCC"
    assert (receipt.agency_id, receipt.issued_at) == (old.agency_id, old.received_at)
    assert contexts.slip_context(old, "01")["number_label"] == "03/PTNHS-TTPVHCC"
    assert contexts.slip_context(new, "01")["number_label"] == "02/PTNHS-TTPVHCC"
    assert numbering.issued_slip(old, "01").pk == receipt.pk
    assert IssuedSlip.objects.filter(dossier=old).count() == 1
