"""A real Celery worker sharing the test's database, for tests of at-least-once delivery.

``RealWorker`` starts ``celery -A portal worker --pool=prefork -Q celery`` as a subprocess
with ``tests.settings`` and the environment a production worker has, except:

- ``DATABASE_URL`` names the database pytest-django created for this run (``test_<name>``),
  so the test needs ``@pytest.mark.django_db(transaction=True)``: the worker only sees
  committed rows;
- ``CELERY_BROKER_URL`` is Redis database 13, this module's own: each test starts from an
  empty database 13 and the test process publishes there too (see ``publishing_to``);
- ``MEDIA_ROOT`` and ``VAR_DIR`` are fresh folders shared with the test.

It can be killed the hard way: ``kill()`` sends SIGKILL to the main process and its pool
children at once (a machine or container lost), ``kill_pool_children()`` only to the
children (the OOM killer, a segfault in a C library) and the main process lives on.

Usage (fixtures defined here, imported by the test module)::

    @pytest.mark.celery_worker
    @pytest.mark.django_db(transaction=True)
    def test_it(real_worker):
        real_worker.start()
        draft_letters.delay([dossier.pk])
        real_worker.wait_for_log("succeeded")
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from pytest_django.fixtures import Settings

from tests.envvars import BASE_DIR, clean_environment

REDIS_DB = 13
QUEUE = "celery"
WAIT_SECONDS = 60
POLL_SECONDS = 0.1


def database_url() -> str:
    """The URL of the database this test process uses (pytest-django's test database)."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("a real worker needs PostgreSQL: the test database must be shared")
    credentials = quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(params['NAME'], safe='')}"


def broker_url_from(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def wait_until(
    condition: Callable[[], Any],
    what: str,
    *,
    timeout: float = WAIT_SECONDS,
    on_fail: Callable[[], str] = str,
) -> Any:
    """Polls ``condition`` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(
                f"gave up waiting for {what} after {timeout:.0f} s\n{on_fail()}", pytrace=False
            )
        time.sleep(POLL_SECONDS)


class RealWorker:
    """One worker at a time; ``start()`` again after ``kill()`` or ``stop()`` restarts it."""

    def __init__(self, *, tmp_path: Path, broker_url: str, media_root: Path) -> None:
        self.tmp_path = tmp_path
        self.broker_url = broker_url
        self.media_root = media_root
        self.var_dir = tmp_path / "var"
        self.process: subprocess.Popen[bytes] | None = None
        self.concurrency = 0
        self.logs: list[Path] = []

    # --- running it -----------------------------------------------------------------------

    def start(self, *, concurrency: int = 2, visibility_timeout: int = 3600, **env: str) -> Path:
        """Starts the worker and waits until it is ready; returns its log file."""
        log = self.launch(concurrency=concurrency, visibility_timeout=visibility_timeout, **env)
        self.wait_ready()
        return log

    def launch(self, *, concurrency: int = 2, visibility_timeout: int = 3600, **env: str) -> Path:
        """Starts the worker without waiting (build the test data meanwhile, then
        ``wait_ready()``); returns its log file.

        ``env`` adds variables (the fault hooks of tests.settings);
        ``visibility_timeout`` is how long Redis keeps a taken, unacknowledged message away
        from the queue (CELERY_VISIBILITY_TIMEOUT).
        """
        assert self.process is None or self.process.poll() is not None, "the worker is running"
        self.concurrency = concurrency
        log = self.tmp_path / f"worker-{len(self.logs)}.log"
        self.logs.append(log)
        environment = clean_environment(
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.broker_url,
            CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
            MEDIA_ROOT=str(self.media_root),
            VAR_DIR=str(self.var_dir),
            DEBUG="true",
            PYTHONUNBUFFERED="1",
            **env,
        )
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
                    *(
                        "--pool=prefork",
                        f"--concurrency={concurrency}",
                        f"-Q{QUEUE}",
                        "--loglevel=INFO",
                    ),
                    f"--hostname=exactly-once-{uuid.uuid4().hex[:8]}@%h",
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group: kill() reaches the pool children too.
                start_new_session=True,
            )
        return log

    def wait_ready(self) -> None:
        """Until the worker logs "ready" and all its pool processes are up."""
        self.wait_for_log(r"\bready\.")
        wait_until(
            lambda: len(self.pool_children()) == self.concurrency,
            "the pool processes",
            on_fail=self.tail,
        )

    def stop(self) -> None:
        """A warm shutdown (SIGTERM): running tasks finish, then the worker exits."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the main process and every pool child at once: nothing is acknowledged,
        nothing is requeued by the worker itself."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        children = self.pool_children()
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        wait_until(lambda: not any(_alive(pid) for pid in children), "the pool children to die")

    def pool_children(self) -> list[int]:
        """The pids of the prefork pool processes (children of the main process)."""
        if self.process is None:
            return []
        return _children_of(self.process.pid)

    def kill_pool_children(self) -> list[int]:
        """SIGKILL to the pool processes only; the main process sees them die."""
        children = self.pool_children()
        assert children, "the worker has no pool process"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return children

    # --- watching it ----------------------------------------------------------------------

    @property
    def log(self) -> Path:
        return self.logs[-1]

    def log_text(self, log: Path | None = None) -> str:
        path = log or self.log
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def count(self, pattern: str, log: Path | None = None) -> int:
        return len(re.findall(pattern, self.log_text(log)))

    def wait_for_log(self, pattern: str, *, count: int = 1, timeout: float = WAIT_SECONDS) -> None:
        """Waits until ``pattern`` (a regular expression) shows ``count`` times in the log of
        the current worker, failing early if the worker died."""

        def seen() -> bool:
            if self.count(pattern) >= count:
                return True
            if self.process is not None and self.process.poll() is not None:
                pytest.fail(
                    f"the worker exited with {self.process.returncode}\n{self.tail()}",
                    pytrace=False,
                )
            return False

        wait_until(
            seen, f"{pattern!r} ×{count} in the worker log", timeout=timeout, on_fail=self.tail
        )

    def tail(self) -> str:
        parts = []
        for log in self.logs:
            lines = self.log_text(log).splitlines()[-60:]
            parts.append(f"--- {log.name}\n" + "\n".join(lines))
        return "\n".join(parts)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces and parentheses.
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent and state != "Z":
            children.append(int(entry.name))
    return sorted(children)


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Makes ``task.delay()`` in this test process publish to ``broker_url``.

    The settings were read once, when pytest started (the embedded broker, unless
    CELERY_BROKER_URL was set), and Celery keeps its connection and producer pools from the
    first publish on: they are dropped here, as Celery and kombu do after a fork.
    """
    from kombu import pools

    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def reset_pools() -> None:
        pools.reset()  # closes and forgets every connection and producer pool
        app._pool = None  # type: ignore[attr-defined]
        amqp = app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None

    app.conf.update(broker_url=broker_url, broker_transport_options={})
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        app.conf.update(broker_url=saved[0], broker_transport_options=saved[1])


@pytest.fixture
def worker_redis(redis_url: str) -> Iterator[Any]:
    """A client of Redis database 13, emptied before and after the test.

    Database 13 belongs to these tests only: FLUSHDB there touches nobody else's data
    (FLUSHALL would also wipe the other tests' and developers' Redis databases)."""
    import redis

    client = redis.Redis.from_url(broker_url_from(redis_url))
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def shared_media_root(settings: Settings, tmp_path: Path) -> Path:
    """One MEDIA_ROOT for the test process and the worker."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def real_worker(
    transactional_db: None,
    redis_url: str,
    worker_redis: Any,
    shared_media_root: Path,
    tmp_path: Path,
) -> Iterator[RealWorker]:
    """A worker (not started yet: ``real_worker.start()``) on Redis database 13, with the
    test process publishing there too. Stopped before the test database is flushed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = (
            f"a real worker shares the test database: needs PostgreSQL, not {connection.vendor}"
        )
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    broker_url = broker_url_from(redis_url)
    worker = RealWorker(tmp_path=tmp_path, broker_url=broker_url, media_root=shared_media_root)
    with publishing_to(broker_url):
        try:
            yield worker
        finally:
            # The test is over: no need for a warm shutdown's seconds. Whatever it left in
            # Redis goes with worker_redis's FLUSHDB.
            worker.kill()
