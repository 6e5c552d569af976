"""The dossier and its life through the "4 on-site" stages (docs/design.md §5, §6).

The workflow is declared here with django-fsm-2: a protected state field, one transition
per business verb, a permission on each. Transition bodies change fields only; the services
in ``dossiers/services.py`` lock the row, run the transition, append the event and schedule
side effects after commit.
"""

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import roles
from dossiers import permissions as perms
from dossiers.uploads import random_name
from procedures.models import ExclusionKind

if TYPE_CHECKING:
    from accounts.models import User


class State(models.TextChoices):
    # Context "dossier state" where the same Vietnamese is also a button (English differs).
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")
    SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("dossier state", "Yêu cầu bổ sung")
    REFUSED = "refused", _("Không được tiếp nhận")
    RECEIVED = "received", _("Được tiếp nhận")
    IN_APPRAISAL = "in_appraisal", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    STOPPED = "stopped", pgettext_lazy("dossier state", "Dừng xử lý")
    WITHDRAWN = "withdrawn", pgettext_lazy("dossier state", "Rút hồ sơ")
    READY_FOR_RETURN = "ready_for_return", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


# The national status code synced to Cổng DVCQG (Circular 04/2025/TT-VPCP).
NATIONAL_STATUS = {
    State.SUBMITTED: 1,
    State.RECEIVED: 2,
    State.REFUSED: 3,
    State.IN_APPRAISAL: 4,
    State.SUPPLEMENT_REQUESTED: 5,
    State.AWAITING_SUPPLEMENT: 5,
    State.AWAITING_PAYMENT: 6,
    State.WITHDRAWN: 7,
    State.STOPPED: 8,
    State.READY_FOR_RETURN: 9,
    State.RETURNED: 10,
}

TERMINAL_STATES = (State.REFUSED, State.STOPPED, State.WITHDRAWN, State.RETURNED)
# Settled: the result is decided (or the dossier closed), so no apology is owed any more.
SETTLED_STATES = (State.READY_FOR_RETURN, *TERMINAL_STATES)
# States in which the statutory clock runs.
CLOCK_STATES = (State.RECEIVED, State.IN_APPRAISAL)
PAUSED_STATES = (State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT)
# Withdrawal is possible until the head has decided.
WITHDRAWABLE = [
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.IN_APPRAISAL,
    State.AWAITING_SUPPLEMENT,
    State.AWAITING_PAYMENT,
]


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class FilingCapacity(models.TextChoices):
    """In whose name the account holder files online."""

    SELF = "self", _("Nộp cho chính mình")
    # Nộp thay: the holder files for another person, with an authorisation document.
    REPRESENTATIVE = "representative", _("Nộp thay, theo ủy quyền của người khác")


class ReturnChannel(models.TextChoices):
    COUNTER = "counter", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


class PaymentStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Không phải nộp")
    UNPAID = "unpaid", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Giải quyết")
    DENIED = "denied", _("Từ chối giải quyết")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def for_user(self, user: "User") -> "DossierQuerySet":
        """The one place that decides which dossiers a person may see.

        A citizen sees their own; a one-stop clerk the dossiers received at their agency; a
        specialist or head those of their agency (their department's, when they have one)
        that reached the department; a centre supervisor every dossier of the province.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.agency_id is None:
            own = self.filter(applicant=user)
            if not user.national_id_verified:
                # Dossiers a clerk filed under this account's ID number at the counter are
                # its holder's only once the number is proved to be theirs.
                own = own.filter(filed_by=user)
            return own
        scope = Q(pk__in=[])
        if roles.is_supervisor(user):
            scope |= Q(agency__province_id=user.agency.province_id)  # type: ignore[union-attr]
        if roles.is_clerk(user):
            scope |= Q(agency_id=user.agency_id) & ~Q(state=State.DRAFT)
        if roles.is_appraiser(user):
            steps = DossierStep.objects.filter(agency_id=user.agency_id, started_at__isnull=False)
            if user.department_id is not None:
                steps = steps.filter(
                    Q(department_id=user.department_id) | Q(department__isnull=True)
                )
            scope |= Q(pk__in=steps.values("dossier_id"))
        return self.filter(scope).exclude(state=State.DRAFT)

    def open(self) -> "DossierQuerySet":
        return self.exclude(state__in=[State.DRAFT, *TERMINAL_STATES])


# The lookup secret: no 0/O, 1/I/L, so it is typed back from paper without doubt.
LOOKUP_SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet
LOOKUP_SECRET_LENGTH = 6


def new_lookup_secret() -> str:
    """Six characters of 31 (about 887 million values): the public lookup shows a dossier's
    details only with it, and the lookup is rate-limited per client address."""
    return "".join(secrets.choice(LOOKUP_SECRET_ALPHABET) for _ in range(LOOKUP_SECRET_LENGTH))


class Dossier(ConcurrentTransitionMixin, models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True, editable=False
    )
    # Printed on the receipt (form 01), in the citizen's e-mails and on their dossier page:
    # codes are sequential, so the public status page shows more than the state only to
    # whoever holds it (dossiers/views_public.py).
    lookup_secret = models.CharField(
        _("mã bí mật tra cứu"), max_length=12, default=new_lookup_secret, editable=False
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # The account the dossier belongs to, and the details as filed (kept as submitted). Online,
    # the account that filed; at the counter, the applicant's account if its ID number is
    # verified, otherwise none: the dossier stands on the details below (dossiers.services).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150)
    applicant_national_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    applicant_date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    filing_capacity = models.CharField(
        _("tư cách người nộp"),
        max_length=15,
        choices=FilingCapacity.choices,
        default=FilingCapacity.SELF,
        db_default=FilingCapacity.SELF,
    )
    # When filed: was the ID number of the account that filed verified? If not, the clerk
    # checks the original document at reception and verifies the account.
    filer_identity_verified = models.BooleanField(
        _("đã xác thực danh tính người nộp"), default=False, db_default=False
    )
    representative_name = models.CharField(_("người được ủy quyền"), max_length=150, blank=True)
    representative_national_id = models.CharField(
        _("số định danh người được ủy quyền"), max_length=12, blank=True
    )
    representative_authorisation = models.CharField(
        _("văn bản ủy quyền"), max_length=255, blank=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ một cửa khi hồ sơ được nộp trực tiếp tại quầy."),
    )
    intake_channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    return_channel = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=ReturnChannel.choices
    )
    return_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú của người nộp"), blank=True)

    state = FSMField(
        _("trạng thái"), max_length=30, choices=State.choices, default=State.DRAFT, protected=True
    )

    fee_total = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    payment_status = models.CharField(
        _("thanh toán"),
        max_length=15,
        choices=PaymentStatus.choices,
        default=PaymentStatus.NOT_REQUIRED,
    )
    obligation_amount = models.PositiveBigIntegerField(_("nghĩa vụ tài chính (đồng)"), default=0)

    current_step = models.ForeignKey(
        "DossierStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )

    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    deadline_explanation = models.JSONField(_("giải thích thời hạn"), default=list, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính hạn từ"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    # When a specialist or head recorded that the dossier needs verification, which moved
    # the deadline by the procedure's allowance: at most once, never an apology
    # (docs/legal.md#v1-verification-periods-extend-the-deadline).
    verification_recorded_at = models.DateTimeField(
        _("ghi nhận cần xác minh lúc"), null=True, blank=True, editable=False
    )
    supplement_deadline = models.DateTimeField(_("hạn bổ sung"), null=True, blank=True)

    proposed_decision = models.CharField(
        _("đề xuất"), max_length=10, choices=Decision.choices, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(
        _("kết quả giải quyết"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("lý do"), blank=True)
    result_file = models.FileField(_("văn bản kết quả"), upload_to=random_name, blank=True)
    decided_at = models.DateTimeField(_("ngày phê duyệt"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    closed_reason = models.TextField(_("lý do kết thúc"), blank=True)

    # Set by the deadline scan (docs/design.md §7), never by hand.
    due_soon_at = models.DateTimeField(_("sắp đến hạn từ"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("quá hạn từ"), null=True, blank=True)
    responsible_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan để quá hạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_department = models.ForeignKey(
        "agencies.Department",
        verbose_name=_("phòng để quá hạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("chuyển giám sát từ"), null=True, blank=True)
    # Working seconds from the start of the clock to the decision, on the province's default
    # calendar, stored when the head approves: the statistics sum it instead of computing
    # it for every row on every read (docs/design.md §9, §12 P5).
    decided_working_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # When the worker made the draft apology of the first overdue episode: the scan's "letters
    # still missing" reads only the flagged dossiers without one (docs/design.md §12 P1).
    apology_drafted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the scan found the dossier with no more working time left than the apology
    # drafting lead (settings.APOLOGY_DRAFT_LEAD_HOURS) and a limit longer than the lead:
    # its draft letter is made from then on (docs/legal.md#issue-by-and-the-drafting-lead).
    # Never set for same-day procedures and limits not longer than the lead.
    apology_window_at = models.DateTimeField(null=True, blank=True, editable=False)

    # --- Competence (docs/legal.md#receipt-regardless-of-administrative-boundaries) ---------
    # The agency that settles the dossier, whose e-ID its code carries (set at filing when the
    # procedure's rule derives it from a commune, otherwise at reception from the process).
    competent_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The commune (and the address in it) the procedure's rule read: the applicant's
    # residence or where the land or property is.
    competence_commune = models.ForeignKey(
        "agencies.Commune",
        verbose_name=_("xã, phường xác định thẩm quyền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    competence_address = models.CharField(
        _("địa chỉ xác định thẩm quyền"), max_length=255, blank=True
    )
    # The reference given at submission (the code's form, the receiving agency's counter),
    # kept once reception gives the dossier its code: links and searches by it still find
    # the dossier (docs/legal.md#dossier-code).
    submission_reference = models.CharField(
        _("số tham chiếu khi nộp"), max_length=60, blank=True, db_index=True, editable=False
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            # The clerk's queue, and the procedures in it read from the index alone.
            models.Index(
                fields=["agency", "state", "submitted_at"],
                include=["procedure"],
                name="dossier_agency_queue",
            ),
            # The clerk's queue page in its own order (oldest first), so the first 50 rows
            # are read straight from the index (docs/design.md §12 P4). The states are the clerk's
            # queue's (``selectors_staff.CLERK_STATES``).
            models.Index(
                fields=["agency", "submitted_at", "id"],
                name="dossier_clerk_queue_order",
                condition=Q(
                    state__in=["submitted", "supplement_requested", "received", "ready_for_return"]
                ),
            ),
            # The same queue sorted by due date or by reception date (``sap_xep``): each order
            # is read from its own partial index, both directions (the descending order is the
            # exact reverse, nulls first). The search by name has a trigram index on
            # PostgreSQL only, made by migration 0011 (``dossiers.search``).
            *(
                models.Index(
                    fields=["agency", column, "id"],
                    name=name,
                    condition=Q(
                        state__in=[
                            "submitted",
                            "supplement_requested",
                            "received",
                            "ready_for_return",
                        ]
                    ),
                )
                for name, column in (
                    ("dossier_clerk_queue_due", "due_at"),
                    ("dossier_clerk_queue_received", "received_at"),
                )
            ),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant"),
            # The deadline scan reads only open dossiers with a running clock.
            models.Index(
                fields=["due_at"],
                name="dossier_open_due",
                condition=Q(state__in=["received", "in_appraisal"]),
            ),
            # The heads' and the supervisor's due-soon, overdue and escalated lists (and the
            # morning digest): one small partial index per list, in deadline order, with the
            # scope's columns included so that counting a list reads only its index.
            *(
                models.Index(
                    fields=["due_at"],
                    name=name,
                    include=[
                        "agency",
                        "responsible_agency",
                        "responsible_department",
                        "current_step",
                    ],
                    condition=Q(
                        state__in=[
                            "received",
                            "in_appraisal",
                            "awaiting_supplement",
                            "awaiting_payment",
                        ]
                    )
                    & flagged,
                )
                for name, flagged in (
                    ("dossier_watch_due_soon", Q(due_soon_at__isnull=False, overdue_since=None)),
                    ("dossier_watch_overdue", Q(overdue_since__isnull=False)),
                    (
                        "dossier_watch_escalated",
                        Q(overdue_since__isnull=False, escalated_at__isnull=False),
                    ),
                )
            ),
            # What each step of the deadline scan looks for, in a partial index of its own: a
            # scan with nothing new reads next to nothing (docs/design.md §12 P1).
            models.Index(
                fields=["due_at"],
                name="dossier_due_soon_todo",
                condition=Q(state__in=["received", "in_appraisal"], due_soon_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="dossier_apology_window_todo",
                condition=Q(state__in=["received", "in_appraisal"], apology_window_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="dossier_overdue_todo",
                condition=Q(state__in=["received", "in_appraisal"], overdue_since__isnull=True),
            ),
            models.Index(
                fields=["id"],
                name="dossier_escalation_todo",
                condition=Q(escalated_at__isnull=True, overdue_since__isnull=False),
            ),
            # Everything the department statistics read, so they read this and not the rows
            # (docs/design.md §12 P5; ``dossiers.statistics``).
            models.Index(
                fields=["received_at"],
                include=[
                    "decided_at",
                    "due_at",
                    "clock_started_at",
                    "state",
                    "extension_count",
                    "paused_at",
                    "agency",
                    "version",
                    "responsible_agency",
                    "responsible_department",
                    "decided_working_seconds",
                ],
                name="dossier_statistics",
                condition=Q(due_at__isnull=False),
            ),
            models.Index(
                fields=["id"],
                name="dossier_letter_todo",
                condition=Q(
                    state__in=["received", "in_appraisal"],
                    extension_count=0,
                    apology_drafted_at__isnull=True,
                )
                & (Q(due_soon_at__isnull=False) | Q(overdue_since__isnull=False)),
            ),
        ]
        permissions = []

    def __str__(self) -> str:
        return self.code or str(_("Bản nháp"))

    @property
    def code_label(self) -> str:
        """The code as pages print it: a dossier gets its code when it is received
        (docs/legal.md#dossier-code); before, it says so."""
        if self.code:
            return self.code
        if self.state == State.DRAFT:
            return str(_("Hồ sơ nháp"))
        return str(_("chưa có mã (cấp khi tiếp nhận)"))

    @property
    def ref(self) -> str:
        """What URLs carry: the code once there is one, the draft's UUID before."""
        return self.code or str(self.uuid)

    # Labels straight from the enums: Django's get_FOO_display() rebuilds a dict of the
    # choices on every call, a fifth of the clerk queue's rendering (docs/design.md §12 P4).
    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def intake_channel_label(self) -> str:
        return str(Channel(self.intake_channel).label)

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS.get(self.state)  # type: ignore[call-overload]

    @property
    def is_online(self) -> bool:
        return self.intake_channel == Channel.ONLINE

    @property
    def filed_by_representative(self) -> bool:
        return self.filing_capacity == FilingCapacity.REPRESENTATIVE

    @property
    def identity_to_check(self) -> bool:
        """Filed online from an account whose ID number was not yet verified."""
        return self.is_online and not self.filer_identity_verified

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    # --- guard conditions (side-effect free) ------------------------------------------------
    def has_proposal(self) -> bool:
        return bool(self.proposed_decision)

    def lacks_proposal(self) -> bool:
        """A proposal awaiting the head's decision is not changed under their eyes: the head
        approves what they read, or sends it back for a new one."""
        return not self.proposed_decision

    def may_record_verification(self) -> bool:
        """The version allows more time for verification and none was recorded yet."""
        return self.version.allows_verification and self.verification_recorded_at is None

    def may_start_excluded_period(self) -> bool:
        """The clock runs and the version lists time the law does not count."""
        if self.paused_at is not None:
            return False
        annotated = getattr(self, "version_has_exclusions", None)  # the staff page's read
        if annotated is not None:
            return bool(annotated)
        return self.version.excluded_period_rules.exists()

    def in_excluded_period(self) -> bool:
        """In appraisal the clock stops only for an excluded period (the other pauses are
        states of their own)."""
        return self.paused_at is not None

    def clock_running(self) -> bool:
        return self.paused_at is None

    def has_next_step(self) -> bool:
        return self.next_step() is not None

    def next_step(self) -> "DossierStep | None":
        current_order = self.current_step.order if self.current_step_id else 0  # type: ignore[union-attr]
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("steps")
        if prefetched is not None:
            # A page that already read the steps asks django-fsm without another query.
            later = [step for step in prefetched if step.order > current_order]
            return min(later, key=lambda step: step.order, default=None)
        return self.steps.filter(order__gt=current_order).order_by("order").first()

    # --- transitions: field changes only; services do the rest ------------------------------
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=perms.can_file)
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.SUPPLEMENT_REQUESTED,
        permission=perms.can_receive,
    )
    def request_supplement(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=State.SUBMITTED,
        permission=perms.can_file,
    )
    def resubmit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=State.REFUSED,
        permission=perms.nobody,
    )
    def close_unsupplemented(self) -> None:
        pass

    @transition(
        field=state, source=State.SUBMITTED, target=State.REFUSED, permission=perms.can_receive
    )
    def refuse(self) -> None:
        pass

    @transition(
        field=state, source=State.SUBMITTED, target=State.RECEIVED, permission=perms.can_receive
    )
    def receive(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.RECEIVED, State.IN_APPRAISAL],
        target=State.IN_APPRAISAL,
        conditions=[has_next_step],
        permission=perms.can_hand_over,
    )
    def hand_over(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.AWAITING_SUPPLEMENT,
        conditions=[clock_running],
        permission=perms.can_appraise,
    )
    def request_appraisal_supplement(self) -> None:
        pass

    @transition(
        field=state,
        source=State.AWAITING_SUPPLEMENT,
        target=State.IN_APPRAISAL,
        permission=perms.can_file,
    )
    def provide_supplement(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.AWAITING_PAYMENT,
        conditions=[clock_running],
        permission=perms.can_appraise,
    )
    def request_payment(self) -> None:
        pass

    @transition(
        field=state,
        source=State.AWAITING_PAYMENT,
        target=State.IN_APPRAISAL,
        permission=perms.can_confirm_payment,
    )
    def confirm_payment(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.IN_APPRAISAL,
        conditions=[lacks_proposal],
        permission=perms.can_appraise,
    )
    def propose(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.READY_FOR_RETURN,
        conditions=[has_proposal, clock_running],
        permission=perms.can_approve,
    )
    def approve(self) -> None:
        pass

    # Verification and excluded periods: the deadline moves, the state stays
    # (docs/legal.md#v1-verification-periods-extend-the-deadline,
    # docs/legal.md#x1-excluded-periods-pause-the-clock).
    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.IN_APPRAISAL,
        conditions=[may_record_verification],
        permission=perms.can_appraise,
    )
    def record_verification(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.IN_APPRAISAL,
        conditions=[may_start_excluded_period],
        permission=perms.can_appraise,
    )
    def start_excluded_period(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.IN_APPRAISAL,
        conditions=[in_excluded_period],
        permission=perms.can_appraise,
    )
    def end_excluded_period(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_APPRAISAL,
        target=State.IN_APPRAISAL,
        conditions=[has_proposal],
        permission=perms.can_approve,
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            State.RECEIVED,
            State.IN_APPRAISAL,
            State.AWAITING_SUPPLEMENT,
            State.AWAITING_PAYMENT,
        ],
        target=State.STOPPED,
        permission=perms.can_approve,
    )
    def stop(self) -> None:
        pass

    @transition(
        field=state, source=WITHDRAWABLE, target=State.WITHDRAWN, permission=perms.is_applicant
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field=state,
        source=State.READY_FOR_RETURN,
        target=State.RETURNED,
        permission=perms.can_receive,
    )
    def return_result(self) -> None:
        pass


class DailyCounter(models.Model):
    """The daily sequence behind dossier codes, one row per agency and day."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="daily_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class PaperHandOver(models.Model):
    """The paper dossier a centre received for another commune's agency, on its way there
    (docs/legal.md#receipt-regardless-of-administrative-boundaries): due one working day after
    reception, recorded by the receiving clerk when handed over."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="paper_hand_over"
    )
    from_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("hạn chuyển hồ sơ giấy"))
    handed_at = models.DateTimeField(_("đã chuyển lúc"), null=True, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chuyển hồ sơ giấy")
        verbose_name_plural = _("chuyển hồ sơ giấy")
        indexes = [
            models.Index(
                fields=["from_agency", "due_at"],
                condition=Q(handed_at__isnull=True),
                name="paper_hand_over_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_agency_id} → {self.to_agency_id}"

    @property
    def is_handed(self) -> bool:
        return self.handed_at is not None


class DossierComponent(models.Model):
    """A file filed for one component of the procedure (or an extra one)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        "procedures.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.FileField(_("tệp"), upload_to=random_name, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_supplement = models.BooleanField(_("nộp bổ sung"), default=False)
    # The authorisation (giấy ủy quyền) of a dossier filed for another person.
    is_authorisation = models.BooleanField(_("giấy ủy quyền"), default=False, db_default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")
        ordering = ["dossier_id", "component__order", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class DossierFee(models.Model):
    """A fee line that applies to this dossier, chosen by the one-stop clerk at reception.

    A snapshot of the catalogue line (name, unit amount) with the quantity charged: the
    dossier keeps what it was charged even when the catalogue changes later. The dossier's
    ``fee_total`` is the sum of these lines' totals.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fee_lines")
    fee = models.ForeignKey(
        "procedures.Fee",
        verbose_name=_("khoản thu trong danh mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("khoản phí, lệ phí"), max_length=300)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí của hồ sơ")
        verbose_name_plural = _("phí, lệ phí của hồ sơ")
        ordering = ["dossier_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "fee"],
                condition=Q(fee__isnull=False),
                name="dossier_fee_line_once",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="dossier_fee_quantity_min"),
        ]

    def __str__(self) -> str:
        from procedures.money import vnd

        return f"{self.name}: {self.quantity} × {vnd(self.amount)}"

    @property
    def total(self) -> int:
        return self.amount * self.quantity


class PaymentPurpose(models.TextChoices):
    FEES = "fees", _("Phí, lệ phí")
    OBLIGATION = "obligation", _("Nghĩa vụ tài chính")


class Payment(models.Model):
    """Money received for a dossier, with the number of its receipt (docs/design.md §14).

    The only way a dossier becomes paid. Recorded by the one-stop clerk at the counter (the
    fees) or when the financial obligation is confirmed; never edited. A receipt number is
    used once per agency, year and purpose: the fee receipts are the agency's own series,
    the obligation's documents come from the tax office or the treasury.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    purpose = models.CharField(_("khoản nộp"), max_length=12, choices=PaymentPurpose.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    receipt_number = models.CharField(_("số biên lai, chứng từ"), max_length=40)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan thu"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    paid_at = models.DateTimeField(_("ngày nộp"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("khoản đã nộp")
        verbose_name_plural = _("khoản đã nộp")
        ordering = ["dossier_id", "paid_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "purpose", "receipt_number"],
                name="payment_receipt_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(receipt_number=""), name="payment_has_receipt"),
        ]

    def __str__(self) -> str:
        from procedures.money import vnd

        receipt = _("biên lai số")  # outside the f-string, where makemessages can see it
        return f"{self.dossier} — {vnd(self.amount)} — {receipt} {self.receipt_number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Payments are recorded once and never edited.")
        super().save(*args, **kwargs)


class StepState(models.TextChoices):
    PENDING = "pending", _("Chưa đến")
    ACTIVE = "active", _("Đang thực hiện")
    DONE = "done", _("Đã xong")


class DossierStep(models.Model):
    """One step of the internal process, as this dossier goes through it (form 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "agencies.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_hours = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=StepState.choices, default=StepState.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique")
        ]
        indexes = [
            # The steps a unit holds now: the specialists' and heads' queues start here.
            models.Index(
                fields=["agency", "department"],
                name="step_active_unit",
                condition=Q(state="active"),
            ),
            # Active steps past their budget that the deadline scan has not marked yet.
            models.Index(
                fields=["due_at"],
                name="step_late_todo",
                condition=Q(state="active", overdue_since__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_late(self) -> bool:
        return bool(self.due_at and self.finished_at and self.finished_at > self.due_at)


class DossierEvent(models.Model):
    """Append-only history: one row per transition, written in the same transaction."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, choices=State.choices)
    to_state = models.CharField(max_length=30, choices=State.choices)
    national_code = models.PositiveSmallIntegerField(null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.created_at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)


class PauseReason(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ công dân bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")
    # Time the law does not count (public posting, on-site inspection …): the dossier stays
    # in appraisal (docs/legal.md#x1-excluded-periods-pause-the-clock).
    EXCLUDED = "excluded", _("Thời gian không tính vào thời hạn giải quyết")


class ClockPause(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An excluded period: its kind, the staff's reason, and the procedure's rule as it stood
    # when the period started (basis, longest length), so a later edit of the catalogue does
    # not change what was counted.
    kind = models.CharField(
        _("loại thời gian"), max_length=20, choices=ExclusionKind.choices, blank=True
    )
    note = models.TextField(_("lý do"), blank=True)
    basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    max_amount = models.PositiveSmallIntegerField(_("thời gian tối đa"), null=True, blank=True)
    max_unit = models.CharField(_("đơn vị"), max_length=16, blank=True)

    class Meta:
        ordering = ["dossier_id", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="one_open_pause_per_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.get_reason_display()} {self.started_at:%d/%m/%Y}"


class SupplementStage(models.TextChoices):
    RECEPTION = "reception", _("Khi tiếp nhận")
    APPRAISAL = "appraisal", _("Khi thẩm định")


class SupplementRequest(models.Model):
    """One request listing every missing item with its reason (form 02)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    stage = models.CharField(max_length=10, choices=SupplementStage.choices)
    items = models.JSONField(help_text="[{'name': ..., 'reason': ...}]")
    note = models.TextField(blank=True)
    number = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "requested_at"]
        constraints = [
            # Decree 118/2025: the one-stop section asks for a supplement once, listing everything.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(stage="reception"),
                name="one_reception_supplement_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.get_stage_display()} {self.requested_at:%d/%m/%Y}"


class FormNumberCounter(models.Model):
    """Per-agency, per-year numbering of official forms (…/PXL, …/TNHS …)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    form = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "form", "year"], name="form_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.form}/{self.year}: {self.last}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn")


class Notification(models.Model):
    """What the citizen was told, and whether it went out (one per event and channel)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    # pending (written with its event, in the action's transaction) → sent, or failed after
    # MAX_ATTEMPTS deliveries that raised; the sweeper redelivers what is still pending.
    status = models.CharField(max_length=10, default="pending")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="one_notification_per_event_channel"
            )
        ]
        indexes = [
            # The sweeper's read: what is still pending, oldest first.
            models.Index(
                fields=["created_at"],
                name="notification_pending",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel} ({self.status})"


class IssuedSlip(models.Model):
    """An official form issued for a dossier (docs/design.md §8), with the number it was given.

    The number is assigned once, from the agency's yearly counter, the first time the slip
    is produced; every later download shows the same number. Form 02 is issued once per
    supplement request, the other forms once per dossier.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    form = models.CharField(_("mẫu"), max_length=2)
    supplement_request = models.ForeignKey(
        SupplementRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="slips"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    issued_at = models.DateTimeField(_("ngày ban hành"))
    # Form 05 of a stop: the signer's block as at the stop (accounts.signing.SignatureBlock
    # .to_json), so a later change of the person's title does not rewrite the notice.
    signer = models.JSONField(_("người ký"), default=dict, blank=True, editable=False)
    pdf = models.FileField(_("tệp PDF"), upload_to="slips/%Y/", blank=True)

    class Meta:
        verbose_name = _("phiếu đã ban hành")
        verbose_name_plural = _("phiếu đã ban hành")
        ordering = ["dossier_id", "form", "issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "form"],
                condition=Q(supplement_request__isnull=True),
                name="one_slip_per_dossier_form",
            ),
            models.UniqueConstraint(
                fields=["dossier", "form", "supplement_request"],
                condition=Q(supplement_request__isnull=False),
                name="one_slip_per_supplement_request",
            ),
        ]

    def __str__(self) -> str:
        form = _("Mẫu")  # outside the f-string, where makemessages can see it
        return f"{self.dossier} — {form} {self.form} — {self.number:02d}"
