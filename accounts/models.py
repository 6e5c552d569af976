"""People (docs/design.md §1, §3): citizens with a profile that prefills every dossier, and staff
who belong to an agency (and a department inside it where needed).

Roles are Django groups holding permission codenames (created by a data migration); code
checks permissions, never group names.
"""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.signing import SignsAs, record_errors
from accounts.validators import validate_national_id, validate_phone


class NationalIdVerification(models.TextChoices):
    """How an account's ID number was proved to be its holder's. Until one of these, the
    number is only what the person typed: it opens no one else's dossiers and blocks nobody."""

    # A one-stop clerk held the original identity card (or passport) and saw that its number,
    # full name and date of birth are the account's (accounts.services.national_id_verify).
    COUNTER = "counter", _("Cán bộ một cửa đối chiếu giấy tờ tùy thân bản gốc")
    # Log-in through the national identity (VNeID / Cổng DVCQG) single sign-on: reserved for
    # the SSO integration, which will call the same service with this method.
    VNEID = "vneid", _("Đăng nhập bằng tài khoản định danh điện tử VNeID")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("thư điện tử"), unique=True)
    phone = models.CharField(
        _("số điện thoại"),
        max_length=15,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        # Unique among verified accounts only (the constraint below): a number typed at
        # registration proves nothing, so it must not lock the real holder out.
        db_index=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
        help_text=_("12 chữ số, in trên thẻ căn cước."),
    )
    national_id_verified_at = models.DateTimeField(
        _("xác thực số định danh lúc"), null=True, blank=True, editable=False
    )
    national_id_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("cán bộ xác thực số định danh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    national_id_verification = models.CharField(
        _("cách xác thực số định danh"),
        max_length=10,
        choices=NationalIdVerification.choices,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    # Set when the number this account had typed was verified for another account (whose
    # holder showed the card): the profile tells this holder to come to a counter.
    national_id_released_at = models.DateTimeField(
        _("số định danh đã khai được xác thực cho tài khoản khác lúc"),
        null=True,
        blank=True,
        editable=False,
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ thường trú"), max_length=255, blank=True)
    preferred_language = models.CharField(
        _("ngôn ngữ nhận thông báo"),
        max_length=5,
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        default="vi",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    department = models.ForeignKey(
        "agencies.Department",
        verbose_name=_("phòng, bộ phận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # In what name the person signs the documents the portal issues (the apology letter,
    # form 04; the stop notice, form 05): Decree 30/2020 art. 13 and Annex I, II.7, in
    # accounts/signing.py (docs/legal.md, "Who signs"). Blank title: signs nothing.
    signing_title = models.CharField(
        _("chức vụ khi ký văn bản"),
        max_length=150,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Chức vụ lãnh đạo chính thức của người này, in dưới dòng quyền hạn: ví dụ "
            "“Giám đốc”, “Phó Giám đốc”, “Trưởng phòng Hành chính tư pháp”, “Chủ tịch”; "
            "người được giao quyền cấp trưởng ghi “Q. Giám đốc”. Để trống nếu người này "
            "không ký văn bản."
        ),
    )
    signs_as = models.CharField(
        _("hình thức ký"),
        max_length=3,
        choices=SignsAs.choices,
        default=SignsAs.OWN,
        db_default=SignsAs.OWN,
    )
    signs_for_title = models.CharField(
        _("chức vụ người đứng đầu được ký thay, thừa lệnh"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("Ghi sau “KT.” hoặc “TL.”: ví dụ “Giám đốc”, “Chủ tịch”."),
    )
    signs_for_body = models.CharField(
        _("tập thể lãnh đạo được thay mặt"),
        max_length=150,
        blank=True,
        default="",
        db_default="",
        help_text=_("Ghi sau “TM.”: ví dụ “Ủy ban nhân dân”."),
    )
    is_staff = models.BooleanField(
        _("vào trang quản trị"), default=False, help_text=_("Được đăng nhập trang quản trị Django.")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(agency__isnull=False),
                name="user_department_needs_agency",
            ),
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id_verified_at__isnull=False),
                name="user_verified_national_id_unique",
                violation_error_message=_(
                    "Số định danh cá nhân này đã được xác thực cho một tài khoản khác."
                ),
            ),
            models.CheckConstraint(
                condition=Q(national_id_verified_at__isnull=True)
                | (Q(national_id__isnull=False) & ~Q(national_id_verification="")),
                name="user_verified_national_id_has_method",
            ),
        ]
        permissions = list(roles.DECLARED)  # the codenames the code checks: accounts/roles.py

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        """The signing record holds together (accounts.signing.record_errors): KT. and TL.
        name the head signed for, TM. the collective, an own title neither."""
        super().clean()
        errors = record_errors(
            signing_title=self.signing_title,
            signs_as=self.signs_as,
            signs_for_title=self.signs_for_title,
            signs_for_body=self.signs_for_body,
            has_department=self.department_id is not None,
        )
        if errors:
            raise ValidationError(errors)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.email

    @property
    def is_citizen(self) -> bool:
        return roles.is_citizen(self)

    @property
    def national_id_verified(self) -> bool:
        """The ID number is proved to be this person's (by a clerk or the national SSO)."""
        return bool(self.national_id and self.national_id_verified_at is not None)
