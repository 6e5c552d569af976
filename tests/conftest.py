import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.celery_worker import real_worker, shared_media_root, worker_redis  # noqa: F401
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


# --- The test environment: PostgreSQL and Redis in CI -------------------------------------
# ./test points DATABASE_URL and REDIS_URL at the local servers when they answer. In CI
# (CI=true, set by .ci/run) a missing server is a failure, never a silent skip.


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _sqlite_leg() -> bool:
    """The CI leg on the embedded default (``TEST_DATABASE=sqlite``, see ./test)."""
    return os.environ.get("TEST_DATABASE", "") == "sqlite"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not _in_ci():
        return
    from django.db import connection

    problems = []
    if connection.vendor != "postgresql" and not _sqlite_leg():
        problems.append(
            f"CI=true but the test database is {connection.vendor}: "
            "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua"
        )
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("CI=true but REDIS_URL is not set: set REDIS_URL=redis://127.0.0.1:6379/0")
    elif not _redis_answers(redis_url):
        problems.append(f"CI=true but Redis at REDIS_URL={redis_url} does not answer PING")
    if not Path("/usr/bin/chromium").exists():
        problems.append(
            "CI=true but Chromium is missing: apt-get install chromium fonts-liberation"
        )
    if problems:
        pytest.exit("\n".join(problems), returncode=3)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """@pytest.mark.postgres tests: skipped on SQLite on a workstation, failed in CI."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    message = f"needs PostgreSQL (the test database is {connection.vendor}; set DATABASE_URL)"
    if _in_ci() and not _sqlite_leg():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests with real workers share one Redis database: one xdist process runs them all."""
    for item in items:
        if item.get_closest_marker("celery_worker") is not None:
            item.add_marker(pytest.mark.xdist_group("celery_worker"))


def _serialized_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        marker is not None
        and marker.kwargs.get("transaction")
        and marker.kwargs.get("serialized_rollback")
    )


def _order_transactional(items: list[pytest.Item]) -> None:
    """Among the transactional tests (pytest-django has put them after the others), those
    that reload the database's serialized contents (``serialized_rollback``: the browser and
    schema tests) run first. A plain transactional test's teardown flushes the tables and
    re-creates content types and permissions with new ids; a serialized test after it would
    reload the old rows beside them and fail on their unique keys. After the serialized tests
    (whose teardown does not re-create them) ``_content_types_present`` puts them back."""
    first = next((i for i, item in enumerate(items) if _transactional(item)), None)
    if first is None:
        return
    tail = items[first:]
    transactional = [item for item in tail if _transactional(item)]
    if len(transactional) != len(tail):  # non-db tests after them: keep them last
        rest = [item for item in tail if not _transactional(item)]
    else:
        rest = []
    transactional.sort(key=lambda item: not _serialized_transactional(item))
    items[first:] = [*transactional, *rest]


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    fixtures = getattr(item, "fixturenames", [])
    return "transactional_db" in fixtures or "live_server" in fixtures


class _TransactionalOrder:
    """Runs after pytest-django's own ordering (and so apart from the tryfirst hook above)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        _order_transactional(items)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_TransactionalOrder(), "motcua-transactional-order")


@pytest.fixture(autouse=True)
def _content_types_present(request: pytest.FixtureRequest) -> None:
    """A plain transactional test after a serialized one finds the tables flushed without
    content types and permissions (Django re-creates them only after a plain flush): they are
    created again, as ``migrate`` would."""
    item = request.node
    if not _transactional(item) or _serialized_transactional(item):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    if ContentType.objects.exists():
        return
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis server that answers: REDIS_URL. Skipped without one, failed in CI."""
    url = os.environ.get("REDIS_URL", "")
    if url and _redis_answers(url):
        return url
    message = f"needs Redis (REDIS_URL={url or 'unset'} does not answer)"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _vietnamese_by_default() -> Iterator[None]:
    """Each test starts in the default language: a request made in English by an earlier
    test leaves English active in this thread, which would leak into the next test's
    messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_counts_from_earlier_tests() -> Iterator[None]:
    """The public lookup's rate limit counts per client address in the cache: every test
    starts with none (they all come from 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def admin_client(client, admin_user):  # type: ignore[no-untyped-def]
    """pytest-django's, past the second factor the admin asks of a superuser."""
    from tests.twofactor import force_login_verified

    force_login_verified(client, admin_user)
    return client
