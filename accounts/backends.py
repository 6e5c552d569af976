from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
from accounts.selectors import user_for_login
from accounts.validators import normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    """Citizens and staff log in with their e-mail address or their phone number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        user = user_for_login(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The key django-axes counts failures under: the account the login names, so its e-mail
    and its phone, in any case or written form, count together. A login that names no
    account counts under its normalised self (the same lock-out, so nothing tells them
    apart)."""
    source = credentials if credentials else request.POST
    login = (source.get("username") or "").strip()
    user = user_for_login(login)
    if user is not None:
        return f"account:{user.pk}"
    return login.lower() if "@" in login else normalize_phone(login)
