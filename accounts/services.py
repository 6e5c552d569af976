"""Writes on people: a citizen registers, edits the profile that prefills every dossier, or is
recorded at a counter by a clerk (assisted channel).

Every rule on identity data is checked here, so a page, the API and a clerk's counter form
all give the same Vietnamese message and store nothing on bad input.
"""

import datetime

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from accounts.validators import normalize_phone, validate_national_id, validate_phone

ErrorDict = dict[str, list[ValidationError]]

EMAIL_TAKEN = _("Thư điện tử này đã được dùng cho một tài khoản khác.")
PHONE_TAKEN = _("Số điện thoại này đã được dùng cho một tài khoản khác.")
NATIONAL_ID_TAKEN = _(
    "Số định danh cá nhân này đã có tài khoản. Nếu là của bạn, hãy đăng nhập "
    "hoặc liên hệ bộ phận một cửa."
)
# Stored in place of an e-mail for a walk-in citizen who has none: never deliverable (RFC 2606).
NO_EMAIL_DOMAIN = "khong-co-thu-dien-tu.invalid"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _add(errors: ErrorDict, field: str, error: ValidationError | str) -> None:
    if not isinstance(error, ValidationError):
        error = ValidationError(error)
    errors.setdefault(field, []).extend(error.error_list)


def _identity_errors(
    *,
    email: str,
    phone: str | None,
    national_id: str | None,
    date_of_birth: datetime.date | None,
    exclude: User | None = None,
) -> ErrorDict:
    """The e-mail, phone and ID number are well formed, agree with each other and belong to
    nobody else. Expects normalised values (lower-case e-mail, phone in 0XXXXXXXXX form)."""
    errors: ErrorDict = {}
    others = User.objects.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)

    try:
        validate_email(email)
    except ValidationError:
        _add(
            errors,
            "email",
            ValidationError(_("Hãy nhập một địa chỉ thư điện tử hợp lệ."), code="invalid"),
        )
    else:
        if others.filter(email__iexact=email).exists():
            _add(errors, "email", ValidationError(EMAIL_TAKEN, code="email_taken"))

    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            _add(errors, "phone", exc)
        else:
            if others.filter(phone=phone).exists():
                _add(errors, "phone", ValidationError(PHONE_TAKEN, code="phone_taken"))

    if date_of_birth is not None and date_of_birth > timezone.localdate():
        _add(
            errors,
            "date_of_birth",
            ValidationError(_("Ngày sinh không thể ở tương lai."), code="future"),
        )
        date_of_birth = None  # the ID number's own year check still runs

    if national_id:
        try:
            validate_national_id(national_id, date_of_birth)
        except ValidationError as exc:
            _add(errors, "national_id", exc)
        else:
            if others.filter(national_id=national_id).exists():
                _add(
                    errors,
                    "national_id",
                    ValidationError(NATIONAL_ID_TAKEN, code="national_id_taken"),
                )
    return errors


def _save_or_report_duplicate(user: User, **save_kwargs: object) -> None:
    """A concurrent registration with the same data passes the checks above; the unique
    constraints catch it, and the person gets a message instead of a server error."""
    try:
        with transaction.atomic():
            user.save(**save_kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:
        raise ValidationError(
            _("Thư điện tử, số điện thoại hoặc số định danh này vừa được dùng cho tài khoản khác.")
        ) from exc


def _add_to_role(user: User, role_key: str) -> None:
    user.groups.add(Group.objects.get(name=ROLE_BY_KEY[role_key].group_name))


@transaction.atomic
def citizen_register(
    *,
    email: str,
    phone: str,
    password: str,
    full_name: str,
    national_id: str,
    date_of_birth: datetime.date | None,
    address: str,
    preferred_language: str = "vi",
) -> User:
    """A citizen opens an account. Raises ValidationError (keyed by field) and stores nothing
    when any value is wrong."""
    user = User(
        email=normalize_email(email),
        phone=normalize_phone(phone) or None,
        full_name=full_name.strip(),
        national_id=national_id.strip() or None,
        date_of_birth=date_of_birth,
        address=address.strip(),
        preferred_language=preferred_language,
    )
    errors = _identity_errors(
        email=user.email,
        phone=user.phone,
        national_id=user.national_id,
        date_of_birth=user.date_of_birth,
    )
    if not user.full_name:
        _add(errors, "full_name", ValidationError(_("Hãy nhập họ và tên."), code="required"))
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        _add(errors, "password", exc)
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    _save_or_report_duplicate(user)
    _add_to_role(user, "citizen")
    return user


@transaction.atomic
def profile_update(
    *,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    national_id: str,
    date_of_birth: datetime.date | None,
    address: str,
    preferred_language: str,
) -> User:
    """A person corrects their own profile. The same checks as registration, against every
    other account; raises ValidationError and changes nothing when a value is wrong."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    email = normalize_email(email)
    normalized_phone = normalize_phone(phone) or None
    normalized_id = national_id.strip() or None
    errors = _identity_errors(
        email=email,
        phone=normalized_phone,
        national_id=normalized_id,
        date_of_birth=date_of_birth,
        exclude=locked,
    )
    full_name = full_name.strip()
    if not full_name:
        _add(errors, "full_name", ValidationError(_("Hãy nhập họ và tên."), code="required"))
    if errors:
        raise ValidationError(errors)

    values: dict[str, object] = {
        "full_name": full_name,
        "email": email,
        "phone": normalized_phone,
        "national_id": normalized_id,
        "date_of_birth": date_of_birth,
        "address": address.strip(),
        "preferred_language": preferred_language,
    }
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        _save_or_report_duplicate(locked, update_fields=changed)
    return locked


@transaction.atomic
def citizen_create_at_counter(
    *,
    full_name: str,
    national_id: str,
    date_of_birth: datetime.date | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    **_ignored: object,
) -> User:
    """A clerk records a walk-in citizen who has no account yet (assisted channel).

    The account has no usable password: the citizen can claim it later through password
    reset with the e-mail, if any. Without an e-mail a never-deliverable address under
    NO_EMAIL_DOMAIN keeps the e-mail column unique.
    """
    national_id = national_id.strip()
    user = User(
        email=normalize_email(email) or f"cccd-{national_id}@{NO_EMAIL_DOMAIN}",
        phone=normalize_phone(phone) or None,
        full_name=full_name.strip(),
        national_id=national_id or None,
        date_of_birth=date_of_birth,
        address=address.strip(),
    )
    errors = _identity_errors(
        email=user.email,
        phone=user.phone,
        national_id=user.national_id,
        date_of_birth=date_of_birth,
    )
    if not user.national_id:
        _add(
            errors,
            "national_id",
            ValidationError(_("Hãy nhập số định danh cá nhân của người nộp."), code="required"),
        )
    if not user.full_name:
        _add(errors, "full_name", ValidationError(_("Hãy nhập họ và tên."), code="required"))
    if errors:
        raise ValidationError(errors)
    user.set_unusable_password()
    _save_or_report_duplicate(user)
    _add_to_role(user, "citizen")
    return user
