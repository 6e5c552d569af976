"""Telling the citizen (issue 3 item 6): one e-mail per event in the citizen's language, with
the official slip the event issued attached, an SMS through the configured backend, and a
notification log that keeps a re-delivered task from sending twice."""

import pytest
import time_machine
from django.core import mail

from dossiers import notifications, services
from dossiers.models import DossierEvent, IssuedSlip, Notification, State
from dossiers.slips import render
from tests.dossiers.factories import World, draft_with_files, make_pdf_upload
from tests.dossiers.test_documents import MONDAY_8AM, at, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def submitted(world: World, when=MONDAY_8AM):
    with time_machine.travel(when, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
    return dossier


def deliver(dossier, action: str) -> None:
    """What the worker does with the task the transition enqueued after its commit."""
    event = DossierEvent.objects.filter(dossier=dossier, action=action).latest("id")
    notifications.notify_event(event_id=event.pk)


def test_reception_schedules_the_notice_after_commit(
    world: World, django_capture_on_commit_callbacks
):
    dossier = submitted(world)
    with django_capture_on_commit_callbacks() as callbacks:
        services.dossier_receive(dossier=dossier, actor=world.clerk)
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing is sent before the transaction commits


def test_the_citizen_gets_the_receipt_slip_by_email_once(world: World):
    dossier = submitted(world)
    with time_machine.travel(MONDAY_8AM, tick=False):
        services.dossier_receive(dossier=dossier, actor=world.clerk)

    deliver(dossier, "receive")
    deliver(dossier, "receive")  # a re-delivered task sends nothing more

    [message] = mail.outbox
    assert message.to == [world.citizen.email]
    assert message.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{dossier.code}-mau-01.pdf", "application/pdf")
    text = pdf_text(content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Số: 01/PTNHS-TTPVHCC" in text and dossier.code in text
    sent = Notification.objects.filter(dossier=dossier, status="sent")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]


def test_slip_numbers_follow_the_order_of_the_acts_not_of_the_downloads(world: World):
    first, second = submitted(world), submitted(world, at(20, 9))
    with time_machine.travel(at(20, 10), tick=False):
        services.dossier_receive(dossier=first, actor=world.clerk)
        services.dossier_receive(dossier=second, actor=world.clerk)

    # The second receipt is downloaded first: it keeps the number of its reception.
    assert "Số: 02/PTNHS-TTPVHCC" in pdf_text(render.slip_pdf(second, "01"))
    assert "Số: 01/PTNHS-TTPVHCC" in pdf_text(render.slip_pdf(first, "01"))
    assert IssuedSlip.objects.get(dossier=first, form="01").issued_at == first.received_at


def test_a_supplement_request_arrives_with_form_02_listing_every_item(world: World):
    dossier = submitted(world)
    with time_machine.travel(MONDAY_8AM, tick=False):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=world.clerk,
            items=[
                {"name": "Bản sao Giấy khai sinh", "reason": "Bản chụp bị mờ, không đọc được."},
                {"name": "Tờ khai", "reason": "Thiếu chữ ký của người yêu cầu."},
            ],
        )
    assert dossier.state == State.SUPPLEMENT_REQUESTED

    deliver(dossier, "request_supplement")

    [message] = mail.outbox
    assert message.subject == f"Hồ sơ {dossier.code} cần bổ sung"
    [(name, content, _mimetype)] = message.attachments
    assert name == f"{dossier.code}-mau-02.pdf"
    text = pdf_text(content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Số: 01/PYCBS-TTPVHCC" in text
    assert "Bản chụp bị mờ, không đọc được." in text and "Thiếu chữ ký" in text


def test_the_notice_speaks_the_citizens_language(world: World):
    world.citizen.preferred_language = "en"
    world.citizen.save(update_fields=["preferred_language"])
    dossier = submitted(world)
    with time_machine.travel(MONDAY_8AM, tick=False):
        services.dossier_refuse(dossier=dossier, actor=world.clerk, reason="Sai thẩm quyền.")

    deliver(dossier, "refuse")

    [message] = mail.outbox
    assert message.subject == f"Dossier {dossier.code} was not accepted"
    [(name, content, _mimetype)] = message.attachments
    assert name == f"{dossier.code}-mau-03.pdf"
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in pdf_text(content)  # the official form


def test_a_result_ready_notice_has_no_slip(world: World):
    dossier = submitted(world)
    with time_machine.travel(MONDAY_8AM, tick=False):
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
        services.dossier_propose(
            dossier=dossier,
            actor=world.specialist,
            decision="granted",
            result_file=make_pdf_upload("ket-qua.pdf"),
        )
        services.dossier_approve(dossier=dossier, actor=world.head)

    deliver(dossier, "approve")

    [message] = mail.outbox
    assert dossier.code in message.subject and message.attachments == []


def test_a_financial_obligation_tells_the_citizen_what_to_pay(world: World):
    """The clock waits for the citizen to pay: they are told how much, by e-mail and SMS."""
    dossier = submitted(world)
    with time_machine.travel(MONDAY_8AM, tick=False):
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
        services.dossier_request_payment(
            dossier=dossier, actor=world.specialist, amount=1_500_000, note="Lệ phí trước bạ."
        )
    mail.outbox.clear()

    deliver(dossier, "request_payment")

    [message] = mail.outbox
    assert dossier.code in message.subject and "nghĩa vụ tài chính" in message.subject
    assert "1.500.000 đ" in message.body and "Lệ phí trước bạ." in message.body
    channels = Notification.objects.filter(event__action="request_payment").values_list(
        "channel", "status"
    )
    assert sorted(channels) == [("email", "sent"), ("sms", "sent")]
