"""The procedure catalogue (docs/design.md §4).

A procedure is versioned by effective date: a dossier keeps the version in force when it
was received. A version's time limit has a unit (`LimitUnit`): working hours or working
days, both stored in working hours (1 working day = 8 hours) and counted as working time;
or calendar days ("N ngày" in a sector law), stored as a number of days per channel and
counted as the Civil Code 2015 Art. 147-148 count them (workcalendar/engine.py,
docs/legal.md). The working-hour limit is still the budget the internal process's steps
must fit into, whatever the unit.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind
from procedures.text import fold

HOURS_PER_WORKING_DAY = 8


class LimitUnit(models.TextChoices):
    """How the sector law states a procedure's time limit (docs/legal.md)."""

    WORKING_HOURS = "working_hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày (ngày theo lịch)")


class VerificationMode(models.TextChoices):
    """How a sector law words the time verification may take (docs/legal.md#v1-verification-periods-extend-the-deadline)."""

    # "Trường hợp cần phải xác minh thì thời hạn được kéo dài thêm không quá 05 ngày làm việc."
    EXTRA = "extra", _("kéo dài thêm tối đa")
    # "Trường hợp cần xác minh … thì thời hạn giải quyết không quá 05 ngày làm việc": the
    # whole limit, counted from reception, becomes at most that.
    TOTAL = "total", _("thời hạn giải quyết tối đa, tính từ khi tiếp nhận")


class ExclusionKind(models.TextChoices):
    """Time the law does not count in a procedure's limit (docs/legal.md#x1-excluded-periods-pause-the-clock)."""

    POSTING = "posting", _("Niêm yết công khai")
    SITE_INSPECTION = "site_inspection", _("Kiểm tra, thẩm định thực địa")
    EXPERT_ASSESSMENT = "expert_assessment", _("Giám định, lấy ý kiến chuyên môn")
    OTHER = "other", _("Thời gian khác không tính vào thời hạn giải quyết")


class CompetenceRule(models.TextChoices):
    """Which commune's agency settles a dossier (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""

    FIXED = "fixed", _("cơ quan cố định của quy trình")
    RESIDENCE = "residence", _("nơi cư trú của người yêu cầu")
    PROPERTY_LOCATION = "property_location", _("nơi có đất, tài sản")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class Field(models.Model):
    """Lĩnh vực: the domain a procedure belongs to (civil status, construction, land…)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=150)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    competent_agency_kind = models.CharField(
        _("cấp thực hiện"), max_length=30, choices=AgencyKind.choices
    )
    agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("nơi tiếp nhận"),
        related_name="procedures",
        blank=True,
    )
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices
    )
    result_type = models.CharField(_("kết quả"), max_length=500)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    subjects = models.CharField(_("đối tượng thực hiện"), max_length=255, blank=True)
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    is_demo = models.BooleanField(
        _("dữ liệu minh họa"),
        default=False,
        help_text=_("Lấy từ nguồn công khai để trình diễn; cần đối chiếu trước khi dùng thật."),
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    search_text = models.TextField(editable=False, default="")

    # --- Receipt regardless of administrative boundaries -----------------------------------
    # docs/legal.md#receipt-regardless-of-administrative-boundaries: the province lists, by a
    # decision, the procedures any of its one-stop centres may receive; the competent agency
    # is then chosen by the procedure's rule from the commune the dossier names.
    boundary_free = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"),
        default=False,
        help_text=_("Mọi Trung tâm Phục vụ hành chính công trong tỉnh đều tiếp nhận hồ sơ."),
    )
    boundary_free_decision = models.CharField(
        _("quyết định công bố danh mục"),
        max_length=200,
        blank=True,
        help_text=_("Số, ngày của quyết định của tỉnh, ví dụ 2095/QĐ-UBND ngày 31/10/2025."),
    )
    competence_rule = models.CharField(
        _("cơ quan có thẩm quyền xác định theo"),
        max_length=20,
        choices=CompetenceRule.choices,
        default=CompetenceRule.FIXED,
    )

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(boundary_free=False) | ~Q(boundary_free_decision=""),
                name="boundary_free_has_its_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        # The folded copy of code and name that the diacritics-insensitive search reads.
        self.search_text = fold(f"{self.code} {self.name} {self.result_type}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.boundary_free and not self.boundary_free_decision.strip():
            raise ValidationError(
                {
                    "boundary_free_decision": _(
                        "Ghi số, ngày quyết định của tỉnh công bố thủ tục được tiếp nhận không "
                        "phụ thuộc địa giới hành chính."
                    )
                },
                code="decision_required",
            )

    @property
    def competence_by_commune(self) -> bool:
        """Is the competent agency the People's Committee of a commune the dossier names?"""
        return self.competence_rule != CompetenceRule.FIXED

    def version_in_force(self, on: datetime.date | None = None) -> "ProcedureVersion | None":
        on = on or timezone.localdate()
        return (
            self.versions.filter(effective_from__lte=on)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
            .order_by("-effective_from")
            .first()
        )


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    limit_hours_direct = models.PositiveIntegerField(
        _("thời hạn giải quyết, nộp trực tiếp (giờ làm việc)"), validators=[MinValueValidator(1)]
    )
    limit_hours_online = models.PositiveIntegerField(
        _("thời hạn giải quyết, nộp trực tuyến (giờ làm việc)"), validators=[MinValueValidator(1)]
    )
    limit_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
        help_text=_(
            "Như văn bản quy định thủ tục ghi: “ngày làm việc”, “giờ làm việc” hay “ngày” "
            "(ngày theo lịch: không tính ngày tiếp nhận; ngày cuối cùng là ngày nghỉ thì kết "
            "thúc vào cuối ngày làm việc tiếp theo)."
        ),
    )
    calendar_days_direct = models.PositiveSmallIntegerField(
        _("thời hạn theo ngày, nộp trực tiếp (ngày)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Chỉ điền khi đơn vị thời hạn là “ngày”."),
    )
    calendar_days_online = models.PositiveSmallIntegerField(
        _("thời hạn theo ngày, nộp trực tuyến (ngày)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Chỉ điền khi đơn vị thời hạn là “ngày”."),
    )
    same_day = models.BooleanField(_("giải quyết trong ngày"), default=False)
    cutoff = models.TimeField(
        _("giờ tiếp nhận cuối để trả trong ngày"),
        default=datetime.time(15, 0),
        help_text=_("Hồ sơ nhận sau giờ này được trả vào ngày làm việc tiếp theo."),
    )
    default_extension_hours = models.PositiveIntegerField(
        _("thời gian gia hạn đề xuất khi xin lỗi (giờ làm việc)"), default=3 * HOURS_PER_WORKING_DAY
    )
    fee_description = models.TextField(_("phí, lệ phí"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    # Verification (xác minh) the sector law allows beyond the limit, recorded at most once
    # per dossier during appraisal (docs/legal.md#v1-verification-periods-extend-the-deadline).
    verification_amount = models.PositiveSmallIntegerField(
        _("thời gian xác minh tối đa"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Để trống nếu văn bản quy định thủ tục không cho thêm thời gian xác minh."),
    )
    verification_unit = models.CharField(
        _("đơn vị thời gian xác minh"), max_length=16, choices=LimitUnit.choices, blank=True
    )
    verification_mode = models.CharField(
        _("cách tính thời gian xác minh"),
        max_length=8,
        choices=VerificationMode.choices,
        default=VerificationMode.EXTRA,
    )
    verification_basis = models.TextField(
        _("căn cứ cho thêm thời gian xác minh"),
        blank=True,
        help_text=_("Điều, khoản của văn bản, ví dụ: Luật Hộ tịch 2014, Điều 25 khoản 2."),
    )

    # --- Closure of an unsupplemented dossier ----------------------------------------------
    # docs/legal.md#closure-of-an-unsupplemented-dossier: how long a dossier may wait for the
    # supplement asked at reception, and the text that sets it for this procedure.
    supplement_wait_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung hồ sơ (ngày làm việc)"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Quá thời hạn này mà người nộp không bổ sung, hồ sơ được đóng (từ chối tiếp nhận)."
        ),
    )
    supplement_wait_basis = models.CharField(
        _("căn cứ thời hạn bổ sung"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản, điều khoản quy định thời hạn; để trống: mặc định của hệ thống."),
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="version_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="version_validity_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(limit_unit="calendar_days")
                    & Q(calendar_days_direct__isnull=False)
                    & Q(calendar_days_online__isnull=False)
                )
                | (
                    ~Q(limit_unit="calendar_days")
                    & Q(calendar_days_direct__isnull=True)
                    & Q(calendar_days_online__isnull=True)
                ),
                name="version_calendar_days_iff_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.effective_from:%d/%m/%Y})"

    @property
    def statutory_limit_hours(self) -> int:
        """The shorter of the channel limits: the step budgets must fit into either."""
        return min(self.limit_hours_direct, self.limit_hours_online)

    @property
    def supplement_wait_hours(self) -> int:
        return self.supplement_wait_days * HOURS_PER_WORKING_DAY

    def limit_hours_for(self, *, online: bool) -> int:
        return self.limit_hours_online if online else self.limit_hours_direct

    def calendar_days_for(self, *, online: bool) -> int | None:
        """The limit in calendar days for the channel; None unless the unit is calendar days."""
        if self.limit_unit != LimitUnit.CALENDAR_DAYS:
            return None
        return self.calendar_days_online if online else self.calendar_days_direct

    def limit_text_for(self, *, online: bool) -> str:
        """The limit as the law words it: "15 ngày làm việc", "30 ngày", "8 giờ làm việc"."""
        from procedures.limits import limit_text

        return limit_text(
            unit=self.limit_unit,
            hours=self.limit_hours_for(online=online),
            calendar_days=self.calendar_days_for(online=online),
        )

    @property
    def limit_text_direct(self) -> str:
        return self.limit_text_for(online=False)

    @property
    def limit_text_online(self) -> str:
        return self.limit_text_for(online=True)

    @property
    def limit_days_direct(self) -> Decimal:
        return Decimal(self.limit_hours_direct) / HOURS_PER_WORKING_DAY

    @property
    def limit_days_online(self) -> Decimal:
        return Decimal(self.limit_hours_online) / HOURS_PER_WORKING_DAY

    def steps_budget_hours(self) -> int:
        return self.steps.aggregate(total=Sum("budget_hours"))["total"] or 0

    @property
    def allows_verification(self) -> bool:
        return bool(self.verification_amount and self.verification_unit)

    @property
    def verification_text(self) -> str:
        """ "Thời hạn có thể kéo dài thêm tối đa 5 ngày làm việc nếu cần xác minh"."""
        if not self.allows_verification:
            return ""
        from procedures.limits import amount_text, verification_text

        return verification_text(
            mode=self.verification_mode,
            amount=amount_text(self.verification_amount or 0, self.verification_unit),
        )

    def clean(self) -> None:
        check_calendar_days(
            unit=self.limit_unit,
            direct=self.calendar_days_direct,
            online=self.calendar_days_online,
        )
        check_verification(
            amount=self.verification_amount,
            unit=self.verification_unit,
            basis=self.verification_basis,
        )
        if self.pk and self.steps_budget_hours() > self.statutory_limit_hours:
            raise ValidationError(
                _(
                    "Tổng thời gian các bước (%(steps)s giờ) vượt thời hạn giải quyết "
                    "(%(limit)s giờ làm việc)."
                ),
                code="steps_exceed_limit",
                params={"steps": self.steps_budget_hours(), "limit": self.statutory_limit_hours},
            )


def check_calendar_days(*, unit: str, direct: int | None, online: int | None) -> None:
    """Calendar days are given for both channels exactly when the unit is calendar days."""
    calendar = unit == LimitUnit.CALENDAR_DAYS
    errors = {
        name: ValidationError(
            _("Hãy nhập số ngày của thời hạn (đơn vị thời hạn là “ngày”)."),
            code="calendar_days_required",
        )
        if calendar
        else ValidationError(
            _("Chỉ điền số ngày khi đơn vị thời hạn là “ngày”."),
            code="calendar_days_not_allowed",
        )
        for name, value in (("calendar_days_direct", direct), ("calendar_days_online", online))
        if (value is None) == calendar
    }
    if errors:
        raise ValidationError(errors)


def check_verification(*, amount: int | None, unit: str, basis: str) -> None:
    """A verification allowance has its amount, its unit and its legal basis, or none of them."""
    errors: dict[str, ValidationError] = {}
    if amount:
        if not unit:
            errors["verification_unit"] = ValidationError(
                _("Hãy chọn đơn vị của thời gian xác minh."), code="verification_unit_required"
            )
        if not (basis or "").strip():
            errors["verification_basis"] = ValidationError(
                _("Hãy ghi căn cứ pháp lý cho thêm thời gian xác minh."),
                code="verification_basis_required",
            )
    elif unit or (basis or "").strip():
        errors["verification_amount"] = ValidationError(
            _("Hãy nhập thời gian xác minh tối đa, hoặc bỏ trống đơn vị và căn cứ."),
            code="verification_amount_required",
        )
    if errors:
        raise ValidationError(errors)


class ExcludedPeriodRule(models.Model):
    """A kind of time the law does not count in this version's limit (public posting, an
    on-site inspection, an expert assessment …), with its basis and its longest length
    (docs/legal.md#x1-excluded-periods-pause-the-clock)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="excluded_period_rules"
    )
    kind = models.CharField(_("loại thời gian"), max_length=20, choices=ExclusionKind.choices)
    legal_basis = models.TextField(
        _("căn cứ pháp lý"),
        help_text=_("Điều, khoản của văn bản quy định thời gian này không tính vào thời hạn."),
    )
    max_amount = models.PositiveSmallIntegerField(
        _("thời gian tối đa"), validators=[MinValueValidator(1)]
    )
    max_unit = models.CharField(_("đơn vị"), max_length=16, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("thời gian không tính vào thời hạn")
        verbose_name_plural = _("thời gian không tính vào thời hạn")
        ordering = ["version_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="excluded_period_kind_once"),
            models.CheckConstraint(condition=~Q(legal_basis=""), name="excluded_period_has_basis"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def max_text(self) -> str:
        from procedures.limits import amount_text

        return amount_text(self.max_amount, self.max_unit)

    @property
    def text(self) -> str:
        """ "Không tính thời gian niêm yết công khai (tối đa 15 ngày)"."""
        from procedures.limits import exclusion_text

        return exclusion_text(kind=self.kind, maximum=self.max_text)

    def clean(self) -> None:
        if not (self.legal_basis or "").strip():
            raise ValidationError(
                {"legal_basis": _("Hãy ghi căn cứ pháp lý của thời gian không tính vào thời hạn.")}
            )


class ComponentKind(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    ORIGINAL_OR_COPY = "either", _("Bản chính hoặc bản sao")


class Component(models.Model):
    """A required document of the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    kind = models.CharField(_("loại bản"), max_length=10, choices=ComponentKind.choices)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    reusable = models.BooleanField(
        _("dùng lại được"), default=False, help_text=_("Có thể dùng lại từ hồ sơ đã nộp trước.")
    )
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="templates/", blank=True)
    template_name = models.CharField(_("tên mẫu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="component_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    """How a fee line applies to a dossier (docs/design.md §14)."""

    ALWAYS = "always", _("Luôn thu")
    ALTERNATIVE = "alternative", _("Một trong các mức")
    OPTIONAL = "optional", _("Khi có yêu cầu")


class Fee(models.Model):
    """One line of the fee schedule of a version.

    A line is always charged, or one of a group of alternatives (standard / reduced / exempt:
    exactly one line of a group applies to a dossier, the default one unless the one-stop
    clerk chooses another at reception), or charged only on request, per copy. Alternatives
    are never added up.
    """

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("khoản phí, lệ phí"), max_length=300)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    kind = models.CharField(
        _("cách áp dụng"), max_length=12, choices=FeeKind.choices, default=FeeKind.ALWAYS
    )
    group = models.CharField(
        _("nhóm mức thu thay thế"),
        max_length=200,
        blank=True,
        help_text=_(
            "Các mức cùng nhóm thay thế nhau: mỗi hồ sơ chỉ áp dụng một mức của nhóm. "
            "Chỉ điền khi cách áp dụng là “Một trong các mức”."
        ),
    )
    is_default = models.BooleanField(
        _("mức mặc định của nhóm"),
        default=False,
        help_text=_("Mức áp dụng khi không có lý do chọn mức khác (mỗi nhóm đúng một mức)."),
    )
    unit = models.CharField(
        _("đơn vị tính"),
        max_length=30,
        blank=True,
        help_text=_("Khi thu theo số lượng, ví dụ: bản, trường hợp."),
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=FeeKind.ALTERNATIVE) & ~Q(group=""))
                | (~Q(kind=FeeKind.ALTERNATIVE) & Q(group="")),
                name="fee_group_iff_alternative",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(kind=FeeKind.ALTERNATIVE),
                name="fee_default_only_alternative",
            ),
            models.UniqueConstraint(
                fields=["version", "group"],
                condition=Q(is_default=True),
                name="fee_one_default_per_group",
            ),
        ]

    def __str__(self) -> str:
        from procedures.money import vnd

        per = f"/{self.unit}" if self.unit else ""
        return f"{self.name}: {vnd(self.amount)}{per}"

    @property
    def is_alternative(self) -> bool:
        return self.kind == FeeKind.ALTERNATIVE

    @property
    def is_optional(self) -> bool:
        return self.kind == FeeKind.OPTIONAL

    def clean(self) -> None:
        if self.kind == FeeKind.ALTERNATIVE and not self.group.strip():
            raise ValidationError(
                {"group": _("Mức thu thay thế cần tên nhóm (các mức cùng nhóm thay thế nhau).")},
                code="group_required",
            )
        if self.kind != FeeKind.ALTERNATIVE and self.group:
            raise ValidationError(
                {"group": _("Chỉ mức thu thay thế mới thuộc một nhóm.")}, code="group_not_allowed"
            )
        if self.is_default and self.kind != FeeKind.ALTERNATIVE:
            raise ValidationError(
                {"is_default": _("Chỉ mức thu thay thế mới là mức mặc định của nhóm.")},
                code="default_not_alternative",
            )


class ProcessStep(models.Model):
    """One step of the internal process, with its handling unit and budget (quy trình nội bộ)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("nội dung công việc"), max_length=300)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: cơ quan tiếp nhận hồ sơ."),
    )
    department = models.ForeignKey(
        "agencies.Department",
        verbose_name=_("phòng thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler_role = models.CharField(_("người thực hiện"), max_length=100, blank=True)
    budget_hours = models.PositiveIntegerField(
        _("thời gian (giờ làm việc)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
