"""Writes on people: a citizen registers, edits the profile that prefills every dossier, or is
recorded at a counter by a clerk (assisted channel).

Every rule on identity data is checked here, so a page, the API and a clerk's counter form
all give the same Vietnamese message and store nothing on bad input.
"""

import datetime
import logging
import unicodedata

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import NationalIdVerification, User
from accounts.roles import ROLE_BY_KEY
from accounts.signals import national_id_verified
from accounts.tokens import activation_token_generator, password_reset_token_generator
from accounts.validators import normalize_phone, validate_national_id, validate_phone

logger = logging.getLogger(__name__)

ErrorDict = dict[str, list[ValidationError]]
StrOrPromise = str | Promise

EMAIL_TAKEN = _("Thư điện tử này đã được dùng cho một tài khoản khác.")
PHONE_TAKEN = _("Số điện thoại này đã được dùng cho một tài khoản khác.")
NATIONAL_ID_TAKEN = _(
    "Số định danh cá nhân này đã có tài khoản. Nếu là của bạn, hãy đăng nhập "
    "hoặc liên hệ bộ phận một cửa."
)
VERIFIED_LOCKED = _(
    "Số định danh, họ tên và ngày sinh đã được xác thực theo giấy tờ tùy thân; muốn sửa, hãy "
    "mang giấy tờ đến bộ phận một cửa."
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
    check_taken: bool = True,
) -> ErrorDict:
    """The e-mail, phone and ID number are well formed, agree with each other and (unless
    ``check_taken`` is off) belong to nobody else. Expects normalised values (lower-case
    e-mail, phone in 0XXXXXXXXX form)."""
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
        if check_taken and others.filter(email__iexact=email).exists():
            _add(errors, "email", ValidationError(EMAIL_TAKEN, code="email_taken"))

    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            _add(errors, "phone", exc)
        else:
            if check_taken and others.filter(phone=phone).exists():
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
            # Only a verified holder owns a number: one merely typed blocks nobody.
            if (
                check_taken
                and others.filter(
                    national_id=national_id, national_id_verified_at__isnull=False
                ).exists()
            ):
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
) -> User | None:
    """A citizen asks to open an account. Raises ValidationError (keyed by field) and stores
    nothing when a value is malformed.

    Otherwise the outcome the person sees is always the same, "check your mailbox to
    finish": the account is stored inactive and a one-time link to activate it goes to the
    e-mail given. When the e-mail, phone or ID number already belongs to an account, no
    account is opened and that account's owner is told instead (by e-mail, or SMS); the
    e-mail given, when it is not the taken one, hears that no account could be opened, with
    no word on why. Returns the new, inactive account, or None when none was opened.
    """
    user = User(
        email=normalize_email(email),
        phone=normalize_phone(phone) or None,
        full_name=full_name.strip(),
        national_id=national_id.strip() or None,
        date_of_birth=date_of_birth,
        address=address.strip(),
        preferred_language=preferred_language,
        is_active=False,
    )
    errors = _identity_errors(
        email=user.email,
        phone=user.phone,
        national_id=user.national_id,
        date_of_birth=user.date_of_birth,
        check_taken=False,
    )
    if not user.full_name:
        _add(errors, "full_name", ValidationError(_("Hãy nhập họ và tên."), code="required"))
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        _add(errors, "password", exc)
    if errors:
        raise ValidationError(errors)

    _drop_stale_registrations(email=user.email, phone=user.phone, national_id=user.national_id)
    owners = [
        (owner, what)
        for lookup, what in (
            (Q(email__iexact=user.email), WHAT_EMAIL),
            (Q(phone=user.phone) if user.phone else None, WHAT_PHONE),
            # An ID number belongs to an account once verified; typed by someone else it
            # stops nobody (the clerk's verification settles who holds it).
            (
                Q(national_id=user.national_id, national_id_verified_at__isnull=False)
                if user.national_id
                else None,
                WHAT_NATIONAL_ID,
            ),
        )
        if lookup is not None
        for owner in User.objects.filter(lookup)[:1]
    ]
    if owners:
        for owner, what in owners:
            _tell_owner(owner, what)
        if not any(what is WHAT_EMAIL for _owner, what in owners):
            _send_email(
                to=user.email,
                language=preferred_language,
                subject=NOT_OPENED_SUBJECT,
                body=NOT_OPENED_EMAIL,
                values={"name": user.full_name},
            )
        return None

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent registration with the same data won the race: the same answer.
        logger.info("Registration lost a race on a unique value; nothing opened")
        return None
    _add_to_role(user, "citizen")
    _send_email(
        to=user.email,
        language=preferred_language,
        subject=ACTIVATE_SUBJECT,
        body=ACTIVATE_EMAIL,
        values={
            "name": user.full_name,
            "link": activation_link(user),
            "hours": str(settings.PASSWORD_RESET_TIMEOUT // 3600),
        },
    )
    return user


@transaction.atomic
def citizen_activate(*, user: User) -> User:
    """The registrant opened the link sent to their e-mail: the account is opened."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        locked.is_active = True
        locked.save(update_fields=["is_active"])
    return locked


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
    if locked.national_id_verified:
        for name, value in (
            ("national_id", normalized_id),
            ("full_name", full_name),
            ("date_of_birth", date_of_birth),
        ):
            if getattr(locked, name) != value:
                errors.pop(name, None)
                _add(errors, name, ValidationError(VERIFIED_LOCKED, code="verified"))
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
    if "national_id" in changed and locked.national_id_released_at is not None:
        locked.national_id_released_at = None  # a new number: the old notice no longer applies
        changed.append("national_id_released_at")
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


# --- proving an ID number: a clerk at the counter (or, later, the national SSO) -----------


def _same_name(a: str, b: str) -> bool:
    """Names as printed and as typed: the same letters, whatever the case, spacing or Unicode
    composition of the Vietnamese diacritics."""

    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).casefold().split())

    return norm(a) == norm(b)


def can_verify_national_id(clerk: User) -> bool:
    """Clerks of a one-stop section (the staff who receive dossiers at the counter)."""
    return bool(clerk.is_active and clerk.agency_id is not None and roles.is_clerk(clerk))


@transaction.atomic
def national_id_verify(
    *,
    user: User,
    clerk: User,
    national_id: str,
    full_name: str,
    date_of_birth: datetime.date | None,
    document_seen: bool,
) -> User:
    """A one-stop clerk has seen the original identity document of the account's holder: its
    number, full name and date of birth are the account's. The number becomes the account's
    own; any other account that had typed it loses it (its holder is told on their profile)
    and the counter dossiers filed under it follow the verified holder.

    Raises PermissionDenied for anyone but a clerk, ValidationError (keyed by field) when the
    document was not seen or does not match the account.
    """
    if not can_verify_national_id(clerk):
        raise PermissionDenied
    national_id = "".join(national_id.split())
    locked = User.objects.select_for_update().filter(pk=user.pk, agency__isnull=True).first()
    errors: ErrorDict = {}
    if locked is None or not locked.is_active:
        _add(errors, "account", ValidationError(ACCOUNT_NOT_FOUND, code="not_found"))
        raise ValidationError(errors)
    if not document_seen:
        _add(errors, "document_seen", ValidationError(DOCUMENT_NOT_SEEN, code="required"))
    try:
        validate_national_id(national_id, date_of_birth)
    except ValidationError as exc:
        _add(errors, "national_id", exc)
    else:
        if locked.national_id != national_id:
            _add(errors, "national_id", ValidationError(MISMATCH_ID, code="mismatch"))
    if not _same_name(locked.full_name, full_name):
        _add(errors, "full_name", ValidationError(MISMATCH_NAME, code="mismatch"))
    if date_of_birth is None or locked.date_of_birth != date_of_birth:
        _add(errors, "date_of_birth", ValidationError(MISMATCH_BIRTH, code="mismatch"))
    if errors:
        raise ValidationError(errors)
    return _mark_verified(locked, method=NationalIdVerification.COUNTER, by=clerk)


def _mark_verified(locked: User, *, method: str, by: User | None) -> User:
    """The one place an ID number becomes an account's (the counter above; the VNeID log-in
    will call it with ``NationalIdVerification.VNEID``). ``locked`` is locked by the caller."""
    if locked.national_id_verified:
        return locked
    holders = list(
        User.objects.select_for_update()
        .filter(national_id=locked.national_id)
        .exclude(pk=locked.pk)
        .order_by("pk")
    )
    if any(holder.national_id_verified for holder in holders):
        # Two people proved the same number: not for a clerk to settle by a click.
        raise ValidationError(
            {"national_id": [ValidationError(ALREADY_VERIFIED_ELSEWHERE, code="verified")]}
        )
    now = timezone.now()
    for holder in holders:
        holder.national_id = None
        holder.national_id_released_at = now
        holder.save(update_fields=["national_id", "national_id_released_at"])
    locked.national_id_verified_at = now
    locked.national_id_verified_by = by
    locked.national_id_verification = method
    locked.national_id_released_at = None
    locked.save(
        update_fields=[
            "national_id_verified_at",
            "national_id_verified_by",
            "national_id_verification",
            "national_id_released_at",
        ]
    )
    logger.info(
        "ID number of account %s verified (%s by %s); %s other account(s) released it",
        locked.pk,
        method,
        by.pk if by else None,
        len(holders),
    )
    national_id_verified.send(
        sender=User, user=locked, released_ids=[holder.pk for holder in holders]
    )
    return locked


ACCOUNT_NOT_FOUND = _("Không tìm thấy tài khoản công dân với thư điện tử hoặc số điện thoại này.")
DOCUMENT_NOT_SEEN = _(
    "Chỉ xác thực khi đã đối chiếu giấy tờ tùy thân bản gốc của người đứng tên tài khoản."
)
MISMATCH_ID = _("Số định danh trên giấy tờ khác số định danh của tài khoản.")
MISMATCH_NAME = _("Họ tên trên giấy tờ khác họ tên của tài khoản.")
MISMATCH_BIRTH = _("Ngày sinh trên giấy tờ khác ngày sinh của tài khoản.")
ALREADY_VERIFIED_ELSEWHERE = _(
    "Số định danh này đã được xác thực cho một tài khoản khác; không xác thực thêm được. "
    "Hãy báo quản trị hệ thống."
)


# --- one-time links and notices: password reset, registration -----------------------------


def has_real_email(user: User) -> bool:
    """A walk-in citizen recorded without an e-mail has a never-deliverable placeholder."""
    return not user.email.endswith(f"@{NO_EMAIL_DOMAIN}")


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _uidb64(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def password_reset_link(user: User) -> str:
    return _absolute(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": _uidb64(user),
                "token": password_reset_token_generator.make_token(user),
            },
        )
    )


def activation_link(user: User) -> str:
    return _absolute(
        reverse(
            "accounts:activate",
            kwargs={"uidb64": _uidb64(user), "token": activation_token_generator.make_token(user)},
        )
    )


def _send_email(
    *, to: str, language: str, subject: StrOrPromise, body: StrOrPromise, values: dict[str, str]
) -> None:
    with translation.override(language):
        send_mail(
            str(subject),
            str(body) % values,
            settings.DEFAULT_FROM_EMAIL,
            [to],
        )


def _send_sms(*, phone: str, language: str, text: StrOrPromise, values: dict[str, str]) -> None:
    with translation.override(language):
        import_string(settings.SMS_BACKEND)().send(phone=phone, text=str(text) % values)


RESET_SUBJECT = _("Đặt lại mật khẩu tài khoản Một Cửa")
RESET_EMAIL = _(
    "Xin chào %(name)s,\n\n"
    "Có yêu cầu đặt lại mật khẩu cho tài khoản Một Cửa của bạn. Để chọn mật khẩu mới, hãy "
    "mở liên kết sau (dùng được một lần, trong %(hours)s giờ):\n\n%(link)s\n\n"
    "Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu của bạn không thay đổi."
)
RESET_SMS = _(
    "Một Cửa: đặt lại mật khẩu tại %(link)s (dùng một lần). Không yêu cầu? Bỏ qua tin này."
)


def password_reset_send(*, user: User, by_phone: bool = False) -> bool:
    """Sends the person a one-time link to choose a new password: by SMS when asked so (or
    when the account has no deliverable e-mail), by e-mail otherwise. False when the account
    can be reached by neither."""
    values = {
        "name": user.full_name or user.email,
        "link": password_reset_link(user),
        "hours": str(settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    language = user.preferred_language or settings.LANGUAGE_CODE
    if (by_phone or not has_real_email(user)) and user.phone:
        _send_sms(phone=user.phone, language=language, text=RESET_SMS, values=values)
        return True
    if has_real_email(user):
        _send_email(
            to=user.email, language=language, subject=RESET_SUBJECT, body=RESET_EMAIL, values=values
        )
        return True
    return False


def password_reset_request(*, login: str) -> None:
    """Someone asks for a new password with an e-mail address or a phone number. The link
    goes to that account's own address or phone; the person asking is told the same thing
    whether an account answers to the login or not (the page does not depend on the result)."""
    from accounts.selectors import user_for_login

    user = user_for_login(login)
    if user is None or not user.is_active:
        logger.info("Password reset asked for a login with no active account")
        return
    password_reset_send(user=user, by_phone="@" not in login)


# Registration does not tell the person registering that an e-mail, phone or ID number
# already has an account: the page always says "check your mailbox to finish", and the one
# who owns the taken e-mail, phone or ID number is told instead (docs in accounts/views.py).
ACTIVATE_SUBJECT = _("Hoàn tất đăng ký tài khoản Một Cửa")
ACTIVATE_EMAIL = _(
    "Xin chào %(name)s,\n\n"
    "Để hoàn tất việc đăng ký tài khoản Một Cửa, hãy mở liên kết sau (trong %(hours)s giờ):"
    "\n\n%(link)s\n\n"
    "Nếu bạn không đăng ký, hãy bỏ qua thư này: tài khoản sẽ không được mở."
)
ALREADY_SUBJECT = _("Có người đăng ký bằng thông tin tài khoản Một Cửa của bạn")
ALREADY_EMAIL = _(
    "Xin chào %(name)s,\n\n"
    "Vừa có người dùng %(what)s của bạn để đăng ký một tài khoản Một Cửa mới. Bạn đã có "
    "tài khoản nên không có tài khoản nào được mở thêm.\n\n"
    "Nếu đó là bạn: hãy đăng nhập, hoặc chọn mật khẩu mới tại liên kết sau:\n\n%(link)s\n\n"
    "Nếu không phải bạn, hãy bỏ qua thư này; tài khoản của bạn không thay đổi."
)
ALREADY_SMS = _(
    "Một Cửa: có người vừa đăng ký bằng %(what)s của bạn. Bạn đã có tài khoản; quên mật "
    "khẩu? %(link)s"
)
NOT_OPENED_SUBJECT = _("Chưa thể mở tài khoản Một Cửa")
NOT_OPENED_EMAIL = _(
    "Xin chào %(name)s,\n\n"
    "Chưa thể mở tài khoản Một Cửa với các thông tin bạn đã khai. Nếu bạn đã có tài khoản, "
    "hãy đăng nhập hoặc dùng chức năng “Quên mật khẩu”. Nếu chưa, hãy liên hệ bộ phận một "
    "cửa gần nhất và mang theo thẻ căn cước."
)
WHAT_EMAIL = _("thư điện tử")
WHAT_PHONE = _("số điện thoại")
WHAT_NATIONAL_ID = _("số định danh cá nhân")


def _tell_owner(owner: User, what: StrOrPromise) -> None:
    """The owner of a taken e-mail, phone or ID number hears that someone used it."""
    values = {
        "name": owner.full_name or owner.email,
        "what": str(what),
        "link": password_reset_link(owner),
    }
    language = owner.preferred_language or settings.LANGUAGE_CODE
    if has_real_email(owner):
        _send_email(
            to=owner.email,
            language=language,
            subject=ALREADY_SUBJECT,
            body=ALREADY_EMAIL,
            values=values,
        )
    elif owner.phone:
        _send_sms(phone=owner.phone, language=language, text=ALREADY_SMS, values=values)


def _drop_stale_registrations(*, email: str, phone: str | None, national_id: str | None) -> None:
    """A registration never finished within the link's lifetime holds nothing: it gives way,
    so nobody can squat on another person's e-mail, phone or ID number by registering it."""
    same = Q(email__iexact=email)
    if phone:
        same |= Q(phone=phone)
    if national_id:
        same |= Q(national_id=national_id)
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    for stale in User.objects.filter(
        same, is_active=False, last_login__isnull=True, date_joined__lt=cutoff
    ).select_for_update():
        if stale.has_usable_password():
            try:
                with transaction.atomic():
                    stale.delete()
            except (IntegrityError, ProtectedError):
                logger.warning("Stale registration %s still referenced; kept", stale.pk)
