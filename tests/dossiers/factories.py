"""Shared dossier test data: one small world, an upload helper, and builders by state.

Everything here goes through the real services, so a dossier built by
``build_dossier(world, State.IN_APPRAISAL)`` has the events, steps, code and deadline
that the same walk through the pages or the API would leave behind.

The world (``build_world()``, or the ``world`` fixture in ``conftest.py``):

- ``centre``: the provincial Public Administration Service Centre (code ``000.00.01.H75``),
  the receiving agency — it is in ``procedure.agencies``;
- ``justice`` / ``department``: Sở Tư pháp and its department that appraises the dossier;
- ``procedure`` / ``version``: a procedure with one version in force since 2025-01-01,
  24 working hours for either channel, two required components and one optional one
  (``components``), and a two-step process: reception at the centre (4 h), appraisal in
  the department (16 h);
- ``clerk`` (centre), ``specialist`` and ``head`` (both in ``department``), ``citizen``
  ("Nguyễn Thị Ánh", with a full profile).

Typical use (fixtures from ``tests/dossiers/conftest.py``)::

    def test_something(world, dossier_in_state):
        dossier = dossier_in_state(State.RECEIVED)          # == build_dossier(world, ...)

    def test_upload(client, world):
        client.force_login(world.citizen)
        client.post(url, {"component": world.components[0].pk, "file": make_pdf_upload()})

Fees: the world's procedure charges nothing until ``add_fees(world)`` gives it the judicial
record's schedule (``WorldFees``): one of 200.000 đ (standard, the default), 100.000 đ
(reduced) or 0 đ (exempt), and copies on request at 5.000 đ each.

Also: ``draft_with_files(world)`` (a draft with every required file), ``another_citizen()``
(someone whose dossiers the world's citizen must not reach), ``SUPPLEMENT_ITEMS`` (what
the builders ask for), and the ``media_root`` fixture (uploads go to a fresh folder).
"""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from agencies.models import Agency, Department
from dossiers import services
from dossiers.models import Decision, Dossier, State
from procedures.models import Component, Fee, Procedure, ProcedureVersion
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    DepartmentFactory,
    FeeFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StaffFactory,
)

CENTRE_CODE = "000.00.01.H75"
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
PDF_TAIL = b"\n%%EOF\n"


def make_pdf_upload(name: str = "to-khai.pdf", size: int | None = None) -> SimpleUploadedFile:
    """A file that is a PDF by content (magic bytes ``%PDF-``), ``size`` bytes long if given."""
    content = PDF_HEAD + b"1 0 obj << >> endobj" + PDF_TAIL
    if size is not None:
        content = PDF_HEAD + b"0" * max(size - len(PDF_HEAD) - len(PDF_TAIL), 0) + PDF_TAIL
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    """The agencies, procedure and people one dossier needs (see the module docstring)."""

    centre: Agency
    justice: Agency
    department: Department
    procedure: Procedure
    version: ProcedureVersion
    components: list[Component]
    clerk: User
    specialist: User
    head: User
    citizen: User

    @property
    def required_components(self) -> list[Component]:
        return [c for c in self.components if c.required]


@dataclass
class WorldFees:
    """The schedule ``add_fees`` gives the world's procedure version."""

    standard: Fee
    reduced: Fee
    exempt: Fee
    copy: Fee

    GROUP = "Phí cung cấp thông tin lý lịch tư pháp"


def add_fees(world: World) -> WorldFees:
    """Alternatives 200.000 / 100.000 / 0 đ (standard by default) and copies on request."""
    group = WorldFees.GROUP
    made = {
        "standard": FeeFactory(
            version=world.version, name=group, amount=200_000, alternative=group, default=True
        ),
        "reduced": FeeFactory(
            version=world.version,
            name=f"{group} (sinh viên, người có công với cách mạng)",
            amount=100_000,
            alternative=group,
        ),
        "exempt": FeeFactory(
            version=world.version,
            name="Miễn phí (trẻ em, người cao tuổi, người khuyết tật, hộ nghèo)",
            amount=0,
            alternative=group,
        ),
        "copy": FeeFactory(
            version=world.version,
            name="Phí cấp thêm Phiếu (nếu có yêu cầu)",
            amount=5_000,
            optional=True,
        ),
    }
    return WorldFees(**made)


def another_citizen(**fields: Any) -> User:
    """A citizen who is not the world's (for "someone else's dossier" checks)."""
    fields.setdefault("full_name", "Trần Văn Khách")
    return cast(User, CitizenFactory(**fields))


def build_world() -> World:
    centre = cast(Agency, AgencyFactory(centre=True, code=CENTRE_CODE))
    justice = AgencyFactory(
        name="Sở Tư pháp tỉnh Đồng Nai", short_name="Sở Tư pháp", code="000.00.12.H75"
    )
    department = DepartmentFactory(
        agency=justice, code="hanh-chinh-tu-phap", name="Phòng Hành chính tư pháp"
    )
    procedure = cast(
        Procedure, ProcedureFactory(name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam")
    )
    procedure.agencies.add(centre)
    version = ProcedureVersionFactory(
        procedure=procedure,
        effective_from=datetime.date(2025, 1, 1),
        limit_hours_direct=24,
        limit_hours_online=24,
    )
    components = [
        ComponentFactory(
            version=version, order=1, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
        ),
        ComponentFactory(version=version, order=2, name="Bản chụp thẻ Căn cước"),
        ComponentFactory(version=version, order=3, name="Giấy ủy quyền", required=False),
    ]
    ProcessStepFactory(
        version=version, order=1, name="Tiếp nhận hồ sơ", agency=centre, budget_hours=4
    )
    ProcessStepFactory(
        version=version,
        order=2,
        name="Thẩm định, trình ký",
        agency=justice,
        department=department,
        budget_hours=16,
    )
    made: dict[str, Any] = {
        "centre": centre,
        "justice": justice,
        "department": department,
        "procedure": procedure,
        "version": version,
        "components": components,
        "clerk": StaffFactory(agency=centre, role="clerk", full_name="Lê Văn Cường"),
        "specialist": StaffFactory(
            agency=justice, department=department, role="specialist", full_name="Phạm Thị Dung"
        ),
        "head": StaffFactory(
            agency=justice, department=department, role="head", full_name="Hoàng Văn Em"
        ),
        "citizen": CitizenFactory(),
    }
    return World(**made)


def draft_with_files(world: World, *, applicant: User | None = None) -> Dossier:
    """A draft of ``applicant`` (the world's citizen by default) with every required file."""
    applicant = applicant or world.citizen
    dossier = services.dossier_create_draft(
        applicant=applicant, procedure=world.procedure, agency=world.centre, actor=applicant
    )
    for component in world.required_components:
        services.dossier_attach_file(
            dossier=dossier,
            actor=applicant,
            upload=make_pdf_upload(f"thanh-phan-{component.order}.pdf"),
            component=component,
        )
    return dossier


# What the clerk or the specialist asks for when a builder needs a supplement request.
SUPPLEMENT_ITEMS = [
    {"name": "Bản chụp thẻ Căn cước", "reason": "Ảnh chụp bị mờ, không đọc được số."}
]


def build_dossier(world: World, state: str, *, applicant: User | None = None) -> Dossier:
    """A dossier walked to ``state`` through the services, by the people of ``world``.

    Paths: draft → submitted → (supplement_requested | refused | withdrawn | received);
    received → in_appraisal → (awaiting_supplement | awaiting_payment | stopped |
    ready_for_return → returned). Returns the dossier freshly read from the database.
    """
    applicant = applicant or world.citizen
    dossier = draft_with_files(world, applicant=applicant)
    if state == State.DRAFT:
        return Dossier.objects.get(pk=dossier.pk)
    services.dossier_submit(dossier=dossier, actor=applicant)
    if state == State.SUPPLEMENT_REQUESTED:
        services.dossier_request_supplement(
            dossier=dossier, actor=world.clerk, items=SUPPLEMENT_ITEMS
        )
    elif state == State.REFUSED:
        services.dossier_refuse(
            dossier=dossier, actor=world.clerk, reason="Thủ tục không thuộc thẩm quyền."
        )
    elif state == State.WITHDRAWN:
        services.dossier_withdraw(dossier=dossier, actor=applicant, reason="Không còn nhu cầu.")
    elif state != State.SUBMITTED:
        services.dossier_receive(dossier=dossier, actor=world.clerk)
        if state != State.RECEIVED:
            services.dossier_hand_over(dossier=dossier, actor=world.clerk)
        if state == State.AWAITING_SUPPLEMENT:
            services.dossier_request_appraisal_supplement(
                dossier=dossier, actor=world.specialist, items=SUPPLEMENT_ITEMS
            )
        elif state == State.AWAITING_PAYMENT:
            services.dossier_request_payment(
                dossier=dossier, actor=world.specialist, amount=200_000
            )
        elif state == State.STOPPED:
            services.dossier_stop(
                dossier=dossier, actor=world.head, reason="Công dân đề nghị dừng xử lý."
            )
        elif state in (State.READY_FOR_RETURN, State.RETURNED):
            services.dossier_propose(
                dossier=dossier,
                actor=world.specialist,
                decision=Decision.GRANTED,
                result_file=make_pdf_upload("ket-qua.pdf"),
            )
            services.dossier_approve(dossier=dossier, actor=world.head)
            if state == State.RETURNED:
                services.dossier_return(dossier=dossier, actor=world.clerk)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == state, f"walked to {dossier.state}, wanted {state}"
    return dossier


# The states a dossier can be walked to; "proposed" is in appraisal with a proposal.
STARTS = [
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.IN_APPRAISAL,
    "proposed",
    State.AWAITING_SUPPLEMENT,
    State.AWAITING_PAYMENT,
    State.READY_FOR_RETURN,
]


def walk(world: World, start: str) -> Dossier:
    """A dossier at ``start`` (one of ``STARTS``), ready for every verb offered there."""
    if start in (State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT):
        # The citizen has uploaded what was asked, so answering it is possible.
        dossier = build_dossier(world, start)
        services.dossier_attach_file(
            dossier=dossier, actor=world.citizen, upload=make_pdf_upload("bo-sung.pdf")
        )
        return Dossier.objects.get(pk=dossier.pk)
    if start != "proposed":
        return build_dossier(world, start)
    dossier = build_dossier(world, State.IN_APPRAISAL)
    services.dossier_propose(
        dossier=dossier,
        actor=world.specialist,
        decision=Decision.GRANTED,
        result_file=make_pdf_upload("ket-qua.pdf"),
    )
    return Dossier.objects.get(pk=dossier.pk)
