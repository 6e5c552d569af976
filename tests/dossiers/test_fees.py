"""Money right (docs/design.md §14): fee lines chosen at reception, paid only with a receipt.

Alternatives are never added up; the one-stop clerk chooses the line that applies when the
dossier is received (the default unless the applicant is entitled to another); returning
the result never marks the fees paid; a payment is recorded with its receipt number.
"""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.errors import DossierError, DossierNotFound, TransitionConflict
from dossiers import notifications, services
from dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFee,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    State,
)
from dossiers.slips import contexts, render
from tests.dossiers.factories import (
    World,
    WorldFees,
    add_fees,
    build_dossier,
    draft_with_files,
)
from tests.dossiers.test_documents import pdf_text
from tests.factories import AgencyFactory, FeeFactory, ProcedureVersionFactory, StaffFactory

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def fees(world: World) -> WorldFees:
    return add_fees(world)


def submitted(world: World) -> Dossier:
    dossier = draft_with_files(world)
    services.dossier_submit(dossier=dossier, actor=world.citizen)
    return Dossier.objects.get(pk=dossier.pk)


def staff_url(name: str, *args: object) -> str:
    return reverse(f"staff:{name}", args=args)


def html(response: Any) -> str:
    return str(response.content.decode())


def api_for(user: Any) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def lines_of(dossier: Dossier) -> list[tuple[str, int, int]]:
    return [
        (line.name, line.amount, line.quantity)
        for line in DossierFee.objects.filter(dossier=dossier).order_by("id")
    ]


# --- reception chooses the line that applies -------------------------------------------------


def test_receiving_without_a_choice_charges_the_default_alternative_only(world, fees):
    dossier = submitted(world)
    services.dossier_receive(dossier=dossier, actor=world.clerk)
    dossier.refresh_from_db()
    assert lines_of(dossier) == [(WorldFees.GROUP, 200_000, 1)]
    assert dossier.fee_total == 200_000  # not 300.000: the alternatives are not added up
    assert dossier.payment_status == PaymentStatus.UNPAID


def test_the_clerk_chooses_the_reduced_rate_and_copies_on_the_receive_page(client, world, fees):
    dossier = submitted(world)
    client.force_login(world.clerk)
    form = html(client.get(staff_url("action", dossier.ref, "receive")))
    # One radio group for the alternatives, the default checked; copies start at 0.
    assert "Phí cung cấp thông tin lý lịch tư pháp: 200.000 đ" in form
    assert (
        "Phí cung cấp thông tin lý lịch tư pháp (sinh viên, người có công với cách mạng): 100.000 đ"
        in form
    )
    assert re.search(rf'<input[^>]*value="{fees.standard.pk}"[^>]*checked', form)
    assert re.search(rf'<input[^>]*name="so_luong_{fees.copy.pk}"[^>]*value="0"', form)

    response = client.post(
        staff_url("action", dossier.ref, "receive"),
        {"phi_nhom_1": str(fees.reduced.pk), f"so_luong_{fees.copy.pk}": "2", "note": ""},
        follow=True,
    )
    dossier.refresh_from_db()  # reception gives the dossier its code: the page moves to it
    assert response.redirect_chain[-1][0] == staff_url("dossier", dossier.ref)
    assert dossier.state == State.RECEIVED
    assert lines_of(dossier) == [
        (fees.reduced.name, 100_000, 1),
        ("Phí cấp thêm Phiếu (nếu có yêu cầu)", 5_000, 2),
    ]
    assert dossier.fee_total == 110_000
    text = html(response)
    assert "110.000 đ" in text and "100.000 đ" in text and "10.000 đ" in text
    assert "200.000 đ" not in text  # the line not chosen is not charged


def test_an_exempt_applicant_pays_nothing(client, world, fees):
    dossier = submitted(world)
    services.dossier_receive(
        dossier=dossier, actor=world.clerk, fees=[services.FeeChoice(fees.exempt.pk)]
    )
    dossier.refresh_from_db()
    assert lines_of(dossier) == [(fees.exempt.name, 0, 1)]
    assert dossier.fee_total == 0
    assert dossier.payment_status == PaymentStatus.NOT_REQUIRED
    client.force_login(world.clerk)
    text = html(client.get(staff_url("dossier", dossier.ref)))
    assert "Không phải nộp phí, lệ phí." in text
    assert 'data-action="record_payment"' not in text


def _refusals(world: World, fees: WorldFees) -> list[tuple[list[services.FeeChoice], str]]:
    other_version = ProcedureVersionFactory(effective_from=datetime.date(2025, 1, 1))
    foreign = FeeFactory(version=other_version, name="Lệ phí khác", amount=50_000)
    return [
        (
            [services.FeeChoice(foreign.pk)],
            "Khoản phí, lệ phí đã chọn không thuộc thủ tục của hồ sơ này.",
        ),
        (
            [services.FeeChoice(fees.standard.pk), services.FeeChoice(fees.reduced.pk)],
            "Chỉ áp dụng một mức trong nhóm “Phí cung cấp thông tin lý lịch tư pháp”",
        ),
        (
            [services.FeeChoice(fees.copy.pk, -1)],
            "Số lượng của khoản “Phí cấp thêm Phiếu (nếu có yêu cầu)” phải là số nguyên không âm.",
        ),
    ]


def test_the_service_refuses_a_bad_choice_and_stores_nothing(world, fees):
    for choice, message in _refusals(world, fees):
        dossier = submitted(world)
        with pytest.raises(DossierError) as refused:
            services.dossier_receive(dossier=dossier, actor=world.clerk, fees=choice)
        assert message in str(refused.value.message)
        dossier.refresh_from_db()
        assert dossier.state == State.SUBMITTED
        assert dossier.received_at is None and dossier.fee_total == 0
        assert not DossierFee.objects.filter(dossier=dossier).exists()
        assert not dossier.events.filter(action="receive").exists()
        assert not dossier.steps.exists()


def test_the_page_and_the_api_give_the_same_refusal(client, world, fees):
    negative = (
        "Số lượng của khoản “Phí cấp thêm Phiếu (nếu có yêu cầu)” phải là số nguyên không âm."
    )
    dossier = submitted(world)
    client.force_login(world.clerk)
    response = client.post(
        staff_url("action", dossier.ref, "receive"),
        {"phi_nhom_1": str(fees.standard.pk), f"so_luong_{fees.copy.pk}": "-1"},
    )
    assert response.status_code == 400
    assert negative in html(response)

    answer = api_for(world.clerk).post(
        f"/api/v1/dossiers/{dossier.code}/actions/receive/",
        {"fees": [{"fee": fees.copy.pk, "quantity": -1}]},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == negative

    other_version = ProcedureVersionFactory(effective_from=datetime.date(2025, 1, 1))
    foreign = FeeFactory(version=other_version, alternative="Khác", default=True, amount=1)
    not_ours = "Khoản phí, lệ phí đã chọn không thuộc thủ tục của hồ sơ này."
    response = client.post(
        staff_url("action", dossier.ref, "receive"), {"phi_nhom_1": str(foreign.pk)}
    )
    assert response.status_code == 400 and not_ours in html(response)
    answer = api_for(world.clerk).post(
        f"/api/v1/dossiers/{dossier.code}/actions/receive/",
        {"fees": [{"fee": foreign.pk}]},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["detail"] == not_ours
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert not DossierFee.objects.filter(dossier=dossier).exists()


def test_the_api_receives_with_the_chosen_alternative(world, fees):
    dossier = submitted(world)
    answer = api_for(world.clerk).post(
        f"/api/v1/dossiers/{dossier.code}/actions/receive/",
        {"fees": [{"fee": fees.reduced.pk}, {"fee": fees.copy.pk, "quantity": 1}]},
        format="json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["fee_total"] == 105_000
    assert [(line["name"], line["total"]) for line in body["fee_lines"]] == [
        (fees.reduced.name, 100_000),
        (fees.copy.name, 5_000),
    ]
    assert body["payment_status"] == "unpaid" and body["payments"] == []


# --- what the citizen sees -------------------------------------------------------------------


def test_before_reception_the_citizen_sees_the_possible_fees_not_their_sum(client, world, fees):
    dossier = submitted(world)
    client.force_login(world.citizen)
    text = html(client.get(reverse("dossiers:detail", args=[dossier.ref])))
    assert "Mức phí, lệ phí áp dụng được xác định khi hồ sơ được tiếp nhận." in text
    assert "một trong các mức:" in text
    assert "200.000 đ" in text and "100.000 đ" in text and "Miễn phí" in text
    assert "5.000 đ</span>/bản" in text
    assert "300.000 đ" not in text and "305.000 đ" not in text


def test_after_reception_the_citizen_sees_the_lines_charged_and_their_total(
    client, world, fees, django_assert_num_queries
):
    dossier = submitted(world)
    services.dossier_receive(
        dossier=dossier,
        actor=world.clerk,
        fees=[services.FeeChoice(fees.reduced.pk), services.FeeChoice(fees.copy.pk, 3)],
    )
    client.force_login(world.citizen)
    # The detail page's budget (test_citizen_pages) plus 7: the dossier's fee lines.
    with django_assert_num_queries(5 + 7):
        response = client.get(reverse("dossiers:detail", args=[dossier.ref]))
    text = html(response)
    assert "Tổng phí, lệ phí phải nộp" in text and "115.000 đ" in text
    assert "15.000 đ" in text and "Chưa nộp" in text
    assert "200.000 đ" not in text


# --- returning and paying --------------------------------------------------------------------


def test_returning_the_result_leaves_the_fees_unpaid(world, fees):
    dossier = build_dossier(world, State.RETURNED)
    assert dossier.fee_total == 200_000
    assert dossier.payment_status == PaymentStatus.UNPAID
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_the_return_page_warns_of_unpaid_fees(client, world, fees):
    dossier = build_dossier(world, State.READY_FOR_RETURN)
    client.force_login(world.clerk)
    text = html(client.get(staff_url("action", dossier.ref, "return_result")))
    assert "Phí, lệ phí (200.000 đ) chưa được ghi nhận đã nộp." in text


def test_the_clerk_records_the_payment_with_its_receipt_number(client, world, fees):
    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.clerk)
    before = html(client.get(staff_url("dossier", dossier.ref)))
    assert 'data-action="record_payment"' in before and "còn phải nộp 200.000 đ" in before

    form = client.get(staff_url("record_payment", dossier.ref))
    assert form.status_code == 200 and "200.000 đ" in html(form)
    response = client.post(
        staff_url("record_payment", dossier.ref),
        {"receipt_number": "  0001234 ", "note": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == staff_url("dossier", dossier.ref)
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.purpose, payment.amount, payment.receipt_number) == (
        PaymentPurpose.FEES,
        200_000,
        "0001234",
    )
    assert payment.recorded_by == world.clerk and payment.agency == world.centre
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.PAID
    assert dossier.state == State.RECEIVED  # a payment is not a transition
    text = html(response)
    assert "Đã ghi nhận 200.000 đ, biên lai số 0001234" in text
    assert "biên lai số 0001234" in text and "Đã nộp" in text
    assert 'data-action="record_payment"' not in text  # nothing left to pay
    event = dossier.events.get(action="record_payment")
    assert event.from_state == event.to_state == State.RECEIVED
    assert event.actor == world.clerk
    assert event.data["receipt_number"] == "0001234" and event.data["amount"] == 200_000
    assert "Ghi nhận đã nộp phí, lệ phí" in text
    assert "Đã nộp 200.000 đ, biên lai số 0001234." in text

    client.force_login(world.citizen)
    citizen = html(client.get(reverse("dossiers:detail", args=[dossier.ref])))
    assert "Đã nộp 200.000 đ, biên lai số 0001234." in citizen


def test_the_staff_page_reads_two_more_queries_when_fees_are_due(
    client, world, fees, django_assert_num_queries
):
    dossier = build_dossier(world, State.RECEIVED)
    services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number="9")
    client.force_login(world.clerk)
    client.get(staff_url("dossier", dossier.ref))  # the session settles
    # The clerk's page's 14 (test_staff_pages: with the access log's INSERT and the menu's
    # hand-over count) plus its fee lines and its payments with recorder.
    with django_assert_num_queries(16):
        assert client.get(staff_url("dossier", dossier.ref)).status_code == 200


def test_a_payment_needs_a_receipt_number_used_once(client, world, fees):
    dossier = build_dossier(world, State.RECEIVED)
    client.force_login(world.clerk)
    blank = client.post(staff_url("record_payment", dossier.ref), {"receipt_number": "   "})
    assert blank.status_code == 400
    assert "Cần số biên lai (hoặc số chứng từ) của khoản đã nộp." in html(blank)
    with pytest.raises(DossierError, match="Cần số biên lai"):
        services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number=" ")

    services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number="77")
    other = build_dossier(world, State.RECEIVED)
    again = client.post(staff_url("record_payment", other.ref), {"receipt_number": "77"})
    assert again.status_code == 400
    assert "Biên lai số 77 đã được ghi nhận cho một khoản khác" in html(again)
    other.refresh_from_db()
    assert other.payment_status == PaymentStatus.UNPAID
    assert not Payment.objects.filter(dossier=other).exists()
    assert not other.events.filter(action="record_payment").exists()


def test_only_the_one_stop_clerk_of_the_agency_records_a_payment(client, world, fees):
    dossier = build_dossier(world, State.IN_APPRAISAL)
    with pytest.raises(DossierError, match="Chỉ cán bộ một cửa"):
        services.dossier_record_payment(dossier=dossier, actor=world.specialist, receipt_number="1")
    stranger = StaffFactory(agency=AgencyFactory(centre=True, code="000.00.09.H75"), role="clerk")
    with pytest.raises(DossierNotFound):
        services.dossier_record_payment(dossier=dossier, actor=stranger, receipt_number="1")
    client.force_login(world.specialist)
    response = client.post(
        staff_url("record_payment", dossier.ref), {"receipt_number": "1"}, follow=True
    )
    assert "không thuộc nhiệm vụ của bạn" in html(response)
    client.force_login(stranger)
    assert client.get(staff_url("record_payment", dossier.ref)).status_code == 404
    assert not Payment.objects.exists()


def test_nothing_to_record_before_reception_or_when_paid(world, fees):
    dossier = submitted(world)
    with pytest.raises(TransitionConflict, match="chưa được tiếp nhận"):
        services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number="1")
    services.dossier_receive(dossier=dossier, actor=world.clerk)
    services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number="1")
    with pytest.raises(TransitionConflict, match="không còn khoản phí"):
        services.dossier_record_payment(dossier=dossier, actor=world.clerk, receipt_number="2")


# --- the financial obligation ------------------------------------------------------------------


def test_confirming_the_obligation_without_a_receipt_is_refused(client, world):
    dossier = build_dossier(world, State.AWAITING_PAYMENT)
    with pytest.raises(DossierError, match="Cần số biên lai"):
        services.dossier_confirm_payment(dossier=dossier, actor=world.clerk)
    client.force_login(world.clerk)
    page = client.post(staff_url("action", dossier.ref, "confirm_payment"), {"note": "Đã nộp"})
    assert page.status_code == 400
    assert "Cần số biên lai (hoặc số chứng từ) của khoản đã nộp." in html(page)
    answer = api_for(world.clerk).post(
        f"/api/v1/dossiers/{dossier.code}/actions/confirm_payment/", {}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["field"] == "receipt_number"
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_PAYMENT
    assert dossier.payment_status == PaymentStatus.UNPAID
    assert not Payment.objects.exists()


def test_confirming_the_obligation_records_its_payment(client, world):
    dossier = build_dossier(world, State.AWAITING_PAYMENT)
    client.force_login(world.clerk)
    form = html(client.get(staff_url("action", dossier.ref, "confirm_payment")))
    assert "200.000 đ" in form
    client.post(
        staff_url("action", dossier.ref, "confirm_payment"), {"receipt_number": "KB-2025-01"}
    )
    dossier.refresh_from_db()
    assert dossier.state == State.IN_APPRAISAL
    assert dossier.payment_status == PaymentStatus.PAID
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.purpose, payment.amount, payment.receipt_number) == (
        PaymentPurpose.OBLIGATION,
        200_000,
        "KB-2025-01",
    )
    event = dossier.events.get(action="confirm_payment")
    assert event.data["receipt_number"] == "KB-2025-01"
    text = html(client.get(staff_url("dossier", dossier.ref)))
    assert "biên lai số KB-2025-01" in text and "Đã nộp 200.000 đ" in text


# --- the receipt slip and the e-mail -----------------------------------------------------------


def test_the_receipt_slip_and_its_email_show_the_fees_in_dong(world, fees):
    dossier = submitted(world)
    with time_machine.travel(datetime.datetime(2025, 3, 3, 1, 0, tzinfo=datetime.UTC)):
        services.dossier_receive(
            dossier=dossier,
            actor=world.clerk,
            fees=[services.FeeChoice(fees.standard.pk), services.FeeChoice(fees.copy.pk, 2)],
        )
    dossier.refresh_from_db()
    _html, pdf = render.render_pdf("01", contexts.slip_context(dossier, "01"))
    text = pdf_text(pdf)
    assert "7. Phí, lệ phí: 210.000 đ" in text
    assert "200.000 đ" in text and "2 × 5.000 đ" in text

    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    notifications.notify_event(event_id=event.pk)
    [message] = mail.outbox
    assert "Phí, lệ phí phải nộp: 210.000 đ" in message.body
