"""Reads on people."""

from accounts.models import User
from accounts.validators import normalize_phone


def user_for_login(login: str) -> User | None:
    """The account an e-mail address or a phone number (in any of its written forms) names."""
    login = login.strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    phone = normalize_phone(login)
    return User.objects.filter(phone=phone).first() if phone else None
