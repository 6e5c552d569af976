"""Liveness and readiness probes for the proxy, Docker and a province's monitoring.

- ``/healthz`` (liveness): the process answers; nothing else is touched.
- ``/readyz`` (readiness): the database, the Celery broker (Redis, or the embedded
  broker's folder) and the file storage, through django-health-check's checks; 200 when
  all pass, 503 when one fails.

Both answer anyone, before any other middleware (no host check, no HTTPS redirect, no
session), with JSON naming each check "ok" or "failing" and nothing else: the reason is
added only with DEBUG on, in the log otherwise (django-health-check logs it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database, Storage
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from kombu import Connection
from redis.asyncio import Redis as RedisClient

BROKER_TIMEOUT_SECONDS = 3


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker the settings name: Redis is pinged, the filesystem broker's folders
    must exist and take a file; any other transport must accept a connection."""

    async def run(self) -> None:
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            await Redis(
                client_factory=lambda: RedisClient.from_url(
                    url,
                    socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                    socket_timeout=BROKER_TIMEOUT_SECONDS,
                )
            ).run()
        elif url.startswith("filesystem://"):
            self.check_folders()
        else:
            await asyncio.to_thread(self.connect, url)

    @staticmethod
    def connect(url: str) -> None:
        try:
            with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as error:
            raise ServiceUnavailable("Broker connection failed") from error

    def check_folders(self) -> None:
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = Path(str(options[key]))
            if not folder.is_dir():
                raise ServiceUnavailable(f"Broker folder {key} is missing")
            probe = folder / f".readyz-{uuid.uuid4().hex}"
            try:
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as error:
                raise ServiceUnavailable(f"Broker folder {key} is not writable") from error


# Name shown in the answer → the check.
READINESS_CHECKS: dict[str, Callable[[], HealthCheck]] = {
    "database": Database,
    "broker": Broker,
    "storage": Storage,
}


async def _run_checks() -> list[HealthCheckResult]:
    return list(await asyncio.gather(*(make().get_result() for make in READINESS_CHECKS.values())))


def _answer(payload: dict[str, Any], status: int) -> HttpResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def liveness(request: HttpRequest) -> HttpResponse:
    return _answer({"status": "ok"}, 200)


def readiness(request: HttpRequest) -> HttpResponse:
    results = async_to_sync(_run_checks)()
    checks: dict[str, Any] = {}
    for name, result in zip(READINESS_CHECKS, results, strict=True):
        if result.error is None:
            checks[name] = "ok"
        elif settings.DEBUG:
            checks[name] = f"failing: {result.error}"
        else:
            checks[name] = "failing"
    failing = any(result.error is not None for result in results)
    return _answer(
        {"status": "failing" if failing else "ok", "checks": checks}, 503 if failing else 200
    )


# Fixed paths (as docker-compose.yml and deploy/nginx.conf name them), not reversed: a test
# or a deployment with another URLconf still has its probes.
PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": liveness,
    "/readyz": readiness,
}


class HealthProbeMiddleware:
    """Answers the probes first, so a probe from Docker or the proxy needs no allowed host,
    no HTTPS and no session, and never counts as a visit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = PROBES.get(request.path_info)
        if view is not None and request.method in {"GET", "HEAD"}:
            return view(request)
        return self.get_response(request)
