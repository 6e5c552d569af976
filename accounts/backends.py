from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
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
        login = username.strip()
        if "@" in login:
            user = User.objects.filter(email__iexact=login).first()
        else:
            user = User.objects.filter(phone=normalize_phone(login)).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The key django-axes counts failures under: the login as the backend resolves it, so
    changing case or phone format does not reset the count."""
    source = credentials if credentials else request.POST
    login = (source.get("username") or "").strip()
    return login.lower() if "@" in login else normalize_phone(login)
