"""Forms 01, 03, 05 and 06 carry what issue 12 item 6 asks of them (docs/legal.md#forms-01-to-06),
read back from their rendered PDFs; and every form fits its pages: no last page holding only
the QR code."""

import io
from typing import Any

import pypdf
import pytest
import time_machine

from dossiers import services
from dossiers.models import Dossier, DossierStep, State
from dossiers.slips import contexts, render
from procedures.models import Component, ComponentKind
from tests.dossiers.factories import World, build_dossier, draft_with_files
from tests.dossiers.test_documents import MONDAY_8AM, at, pdf_text, received, slip_text
from tests.factories import AgencyFactory


@pytest.fixture(autouse=True)
def _fast(settings: Any, media_root: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_the_receipt_names_the_representative_who_filed_on_behalf_and_the_register_line(
    world: World,
) -> None:
    dossier = received(world)
    Dossier.objects.filter(pk=dossier.pk).update(
        representative_name="Trần Văn Đại",
        representative_national_id="079090001234",
        representative_authorisation="Giấy ủy quyền số 12/2025",
    )
    dossier.refresh_from_db()

    text = slip_text(dossier, "01")

    assert "Số: 01/PTNHS-TTPVHCC" in text
    assert "Người nộp hồ sơ: Trần Văn Đại (số định danh cá nhân 079090001234)" in text
    assert "nộp thay cho Nguyễn Thị Ánh" in text
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2025, Số thứ tự: 01." in text
    # The representative signs as the one who filed, beside the receiving officer.
    assert text.index("NGƯỜI NỘP HỒ SƠ") < text.index("Trần Văn Đại", text.index("NGƯỜI NỘP HỒ SƠ"))
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Lê Văn Cường" in text


def test_the_refusal_carries_the_id_number_and_the_applicants_signature_line(
    world: World,
) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = draft_with_files(world)
        services.dossier_submit(dossier=dossier, actor=world.citizen)
        services.dossier_refuse(dossier=dossier, actor=world.clerk, reason="Sai thẩm quyền.")

    text = slip_text(dossier, "03")

    assert "Số: 01/PTCHS-TTPVHCC" in text
    assert f"Số định danh cá nhân: {dossier.applicant_national_id}" in text
    signatures = text[text.index("NGƯỜI NỘP HỒ SƠ") :]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in signatures
    assert "Nguyễn Thị Ánh" in signatures and "Lê Văn Cường" in signatures


def test_the_control_slip_names_receivers_the_coordinating_agency_and_its_number(
    world: World,
) -> None:
    """A multi-agency dossier: Sở Tư pháp appraises, then the tax office co-ordinates, then
    Sở Tư pháp decides; each hand-over names who received it."""
    tax = AgencyFactory(name="Thuế tỉnh Đồng Nai", province=world.centre.province)
    dossier = received(world)
    appraisal = dossier.steps.get(order=2)
    DossierStep.objects.create(
        dossier=dossier, order=3, name="Xác định nghĩa vụ thuế", agency=tax, budget_hours=8
    )
    DossierStep.objects.create(
        dossier=dossier, order=4, name="Quyết định", agency=world.justice, budget_hours=8
    )
    with time_machine.travel(at(20, 10), tick=False):
        services.dossier_hand_over(dossier=dossier, actor=world.clerk)
    DossierStep.objects.filter(pk=appraisal.pk).update(handled_by=world.specialist)

    text = pdf_text(render.render_pdf("06", contexts.slip_context(dossier, "06"))[1])

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 01/PTNHS-TTPVHCC" in text
    assert "Cơ quan chủ trì giải quyết hồ sơ: Sở Tư pháp tỉnh Đồng Nai" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Thuế tỉnh Đồng Nai" in text
    assert "Người giao: Lê Văn Cường" in text
    assert "Người nhận: Phạm Thị Dung" in text


def _many_components(world: World, count: int) -> None:
    version = world.procedure.versions.get()
    start = version.components.count() + 1
    for order in range(start, start + count):
        world.components.append(
            Component.objects.create(
                version=version,
                order=order,
                name=f"Giấy tờ kèm theo số {order}: bản sao có chứng thực hoặc bản chụp kèm bản chính để đối chiếu",
                kind=ComponentKind.COPY,
                required=True,
            )
        )


@pytest.mark.parametrize("count", [0, 6, 9, 12, 16, 24])
def test_a_receipt_of_any_length_never_leaves_the_qr_code_alone_on_a_page(
    world: World, count: int
) -> None:
    _many_components(world, count)
    dossier = received(world)

    _html, pdf = render.render_pdf("01", contexts.slip_context(dossier, "01"))
    every = pages(pdf)

    last = every[-1]
    # The last page holds the signatures with the QR code, not the QR code on its own.
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in last
    assert "Tra cứu tình trạng giải quyết hồ sơ" in last
    if count == 0:
        assert len(every) == 1


@pytest.mark.parametrize("form", ["03", "05"])
def test_short_forms_fit_one_page(world: World, form: str) -> None:
    with time_machine.travel(MONDAY_8AM, tick=False):
        dossier = build_dossier(world, State.REFUSED if form == "03" else State.STOPPED)

    _html, pdf = render.render_pdf(form, contexts.slip_context(dossier, form))

    assert len(pages(pdf)) == 1
