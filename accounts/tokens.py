"""One-time links sent to a person: set a new password, finish a registration.

Both are Django's signed, expiring tokens (PASSWORD_RESET_TIMEOUT); nothing is stored. A
token stops working once used: the password hash, the last login and (for activation) the
active flag are part of what it signs.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from accounts.models import User


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


password_reset_token_generator = PasswordResetTokenGenerator()
activation_token_generator = ActivationTokenGenerator()
