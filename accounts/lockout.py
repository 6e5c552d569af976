"""Login lock-out (django-axes): failures count per account and per client address.

- Per account: every written form of its e-mail and phone counts together
  (``accounts.backends.lockout_username``), from whatever address: AXES_FAILURE_LIMIT.
- Per client address: a spray of many accounts from one address is stopped after
  AXES_IP_FAILURE_LIMIT failures, a higher limit since an office or a mobile network puts
  many honest people behind one address. A successful login clears its account's count,
  never its address's, so one's own account cannot be used to wash a spray's count away.
- The client address is REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many reverse
  proxies of ours stand in front: then it is the address the outermost of them saw, read
  from the right of X-Forwarded-For (anything further left is what the client claims).
"""

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _limits() -> list[int]:
    """The failure limit of each entry of AXES_LOCKOUT_PARAMETERS, in its order."""
    by_parameter = {
        "username": settings.AXES_FAILURE_LIMIT,
        "ip_address": settings.AXES_IP_FAILURE_LIMIT,
    }
    return [
        by_parameter.get(parameter, settings.AXES_FAILURE_LIMIT)
        if isinstance(parameter, str)
        else settings.AXES_FAILURE_LIMIT
        for parameter in settings.AXES_LOCKOUT_PARAMETERS
    ]


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with one limit per lock-out parameter."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # axes compares one number with AXES_FAILURE_LIMIT: give it each count scaled to that
        # limit, so that reaching a parameter's own limit is reaching AXES_FAILURE_LIMIT.
        base = settings.AXES_FAILURE_LIMIT
        scaled = [
            (self._count(attempts) * base) // limit
            for attempts, limit in zip(
                self.get_user_attempts(request, credentials), _limits(), strict=True
            )
        ]
        return max(scaled, default=0)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        count = 0
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.filter_user_attempts(request, credentials),
            strict=True,
        ):
            if parameter == "username":
                deleted, _ = attempts.delete()
                count += deleted
        return count

    @staticmethod
    def _count(attempts: QuerySet) -> int:
        from django.db.models import Sum

        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
