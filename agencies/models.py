"""The organisation model (docs/design.md §3): administrative units and the agencies that receive
and settle dossiers.

Provinces and communes are reference data loaded from the `vietnam-provinces` package
(the 2025 two-tier units). Agencies carry an electronic ID code used in dossier codes and a
successor link: when units merge, old dossiers keep their agency and history is not rewritten.
"""

import datetime
import unicodedata
from collections.abc import Collection

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.validators import normalise_agency_code, validate_agency_code


class Province(models.Model):
    code = models.PositiveSmallIntegerField(_("mã"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.SlugField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.PositiveIntegerField(_("mã"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")
        ordering = ["province_id", "code"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    PROVINCIAL_CENTRE = "provincial_centre", _("Trung tâm Phục vụ hành chính công tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE_COMMITTEE = "commune_committee", _("Ủy ban nhân dân xã, phường")
    COMMUNE_CENTRE = "commune_centre", _("Trung tâm Phục vụ hành chính công xã")
    MINISTRY_UNIT = "ministry_unit", _("Đơn vị tiếp nhận của bộ, ngành")


# Words that start the place in an agency's name: the initials stop there.
_PLACE_WORDS = ("tỉnh", "thành", "phường", "xã", "đặc", "thị", "quận", "huyện")


def initials(name: str) -> str:
    """``Sở Tư pháp tỉnh Đồng Nai`` → ``STP``: the first letter of each word before the
    place, capitalised, diacritics dropped except Đ."""
    letters: list[str] = []
    for word in name.split():
        if word.lower() in _PLACE_WORDS and letters:
            break
        first = word[0]
        if first in "đĐ":
            letters.append("Đ")
        elif first.isalpha():
            base = unicodedata.normalize("NFD", first)[0]
            letters.append(base.upper())
    return "".join(letters) or "BPMC"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def valid_on(self, day: datetime.date) -> "AgencyQuerySet":
        return self.filter(
            Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def current(self) -> "AgencyQuerySet":
        return self.valid_on(timezone.localdate())


class Agency(models.Model):
    """A unit that receives or settles dossiers."""

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        unique=True,
        # The national structure (docs/legal.md#agency-electronic-id).
        validators=[validate_agency_code],
        help_text=_(
            "Mã định danh điện tử của cơ quan, dùng trong mã hồ sơ, ví dụ 000.00.12.H75 "
            "hoặc H75.26041."
        ),
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2025, 7, 1))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    # Office hours (docs/design.md §6): two sessions a day, default 07:30–11:30 and 13:00–17:00.
    morning_start = models.TimeField(_("sáng từ"), default=datetime.time(7, 30))
    morning_end = models.TimeField(_("sáng đến"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("chiều từ"), default=datetime.time(13, 0))
    afternoon_end = models.TimeField(_("chiều đến"), default=datetime.time(17, 0))
    auto_issue_apology = models.BooleanField(
        _("tự động ban hành phiếu xin lỗi"),
        default=False,
        help_text=_("Phiếu xin lỗi được ban hành ngay khi lập, không chờ lãnh đạo ký."),
    )
    head_title = models.CharField(
        _("chức danh người đứng đầu"), max_length=100, blank=True, default="Giám đốc"
    )
    # The abbreviation after the dash of a form's number ("05/PTNHS-TTPVHCC"): the issuing
    # one-stop section's (docs/legal.md#slip-numbers). Empty: derived, see ``number_symbol``.
    symbol = models.CharField(
        _("chữ viết tắt trên số phiếu"),
        max_length=30,
        blank=True,
        help_text=_(
            "In sau dấu gạch ngang của số phiếu, ví dụ “TTPVHCC”. Để trống: Trung tâm Phục vụ "
            "hành chính công in “TTPVHCC”, cơ quan khác in chữ cái đầu của tên (“STP” cho "
            "Sở Tư pháp)."
        ),
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["province_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agency_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="agency_office_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = normalise_agency_code(self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean_fields(self, exclude: "Collection[str] | None" = None) -> None:
        self.code = normalise_agency_code(self.code)
        super().clean_fields(exclude=exclude)

    @property
    def number_symbol(self) -> str:
        """The abbreviation printed after the dash of the agency's form numbers: the
        recorded ``symbol``, else ``TTPVHCC`` for a Public Administration Service Centre,
        else the initials of the name before its place (``Sở Tư pháp tỉnh Đồng Nai`` →
        ``STP``; ``Ủy ban nhân dân phường Trấn Biên`` → ``UBND``)."""
        if self.symbol.strip():
            return self.symbol.strip().upper()
        if self.kind in (AgencyKind.PROVINCIAL_CENTRE, AgencyKind.COMMUNE_CENTRE):
            return "TTPVHCC"
        return initials(self.name)

    @property
    def office_periods(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        return (
            (self.morning_start, self.morning_end),
            (self.afternoon_start, self.afternoon_end),
        )


class Department(models.Model):
    """A division (phòng) inside an agency that appraises dossiers."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        verbose_name = _("phòng, bộ phận")
        verbose_name_plural = _("phòng, bộ phận")
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="department_code_unique_in_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.short_name or self.agency.name}"
