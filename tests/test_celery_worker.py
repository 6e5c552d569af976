"""Real Celery processes: `celery -A portal worker` and `beat`, as ./run and Docker start them.

Each test starts its own processes with a private VAR_DIR and a private queue, so tests
(and other people's workers on the same Redis) never take each other's messages. A task
ran when its stamp shows up in var/celery/heartbeat, written by the worker.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 90

pytestmark = [pytest.mark.celery_worker, pytest.mark.xdist_group("celery_worker")]


class Celery:
    """Starts celery commands for one test and stops whatever it started."""

    def __init__(self, tmp_path: Path, broker_url: str) -> None:
        self.var_dir = tmp_path / "var"
        self.logs = tmp_path
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            DEBUG="true",
            VAR_DIR=str(self.var_dir),
            PYTHONUNBUFFERED="1",
        )
        if broker_url:
            self.env["CELERY_BROKER_URL"] = broker_url
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> Path:
        log = self.logs / f"{args[0]}-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", *args],
                cwd=BASE_DIR,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((process, log))
        return log

    def worker(self) -> Path:
        return self.start(
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            f"--queues={self.queue}",
            f"--hostname={self.queue}@%h",
            "--without-gossip",
            "--without-mingle",
        )

    def call_heartbeat(self, stamp: str) -> None:
        subprocess.run(
            [
                *(sys.executable, "-m", "celery", "-A", "portal", "call", "portal.tasks.heartbeat"),
                *("--kwargs", json.dumps({"stamp": stamp}), "--queue", self.queue),
            ],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def wait_for_heartbeat(self, stamp: str) -> str:
        heartbeat = self.var_dir / "celery" / "heartbeat"
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if heartbeat.exists() and stamp in heartbeat.read_text(encoding="utf-8"):
                return heartbeat.read_text(encoding="utf-8")
            for process, log in self.processes:
                if process.poll() is not None:
                    pytest.fail(f"{log.name} exited with {process.returncode}:\n{self.tail(log)}")
            time.sleep(0.2)
        logs = "\n".join(f"--- {log.name}\n{self.tail(log)}" for _, log in self.processes)
        pytest.fail(f"no worker ran the heartbeat stamped {stamp}:\n{logs}")

    @staticmethod
    def tail(log: Path) -> str:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])

    def stop(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def embedded_celery(tmp_path: Path) -> Iterator[Celery]:
    """The embedded default: no CELERY_BROKER_URL, so kombu's filesystem transport."""
    celery = Celery(tmp_path, broker_url="")
    yield celery
    celery.stop()


@pytest.fixture
def redis_celery(tmp_path: Path, redis_url: str) -> Iterator[Celery]:
    """Redis as the broker, in database 15 (the tests' own)."""
    parts = urlsplit(redis_url)
    broker_url = urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))
    celery = Celery(tmp_path, broker_url=broker_url)
    yield celery
    celery.stop()
    import redis

    client = redis.Redis.from_url(broker_url)
    client.delete(
        celery.queue,
        f"_kombu.binding.{celery.queue}",
        f"_kombu.binding_permanent.{celery.queue}",
    )


@pytest.fixture(params=["embedded", "redis"])
def celery(request: pytest.FixtureRequest) -> Celery:
    return request.getfixturevalue(f"{request.param}_celery")


def test_the_worker_runs_a_task_sent_to_it(celery: Celery) -> None:
    log = celery.worker()
    stamp = uuid.uuid4().hex
    celery.call_heartbeat(stamp)

    celery.wait_for_heartbeat(stamp)
    assert f"Một Cửa worker alive {stamp}" in log.read_text(encoding="utf-8")


def test_beat_sends_the_scheduled_heartbeat_to_the_worker(celery: Celery) -> None:
    stamp = uuid.uuid4().hex
    celery.worker()
    beat_log = celery.start(
        "beat",
        "--loglevel=INFO",
        env={
            "DJANGO_SETTINGS_MODULE": "tests.beat_settings",
            "BEAT_TEST_STAMP": stamp,
            "BEAT_TEST_QUEUE": celery.queue,
        },
    )

    celery.wait_for_heartbeat(stamp)
    assert "Sending due task heartbeat (portal.tasks.heartbeat)" in beat_log.read_text(
        encoding="utf-8"
    )


def test_the_embedded_broker_keeps_its_files_under_var(embedded_celery: Celery) -> None:
    """No server needed, and nothing written outside VAR_DIR (e.g. kombu's ./control)."""
    embedded_celery.worker()
    stamp = uuid.uuid4().hex
    embedded_celery.call_heartbeat(stamp)
    embedded_celery.wait_for_heartbeat(stamp)

    celery_dir = embedded_celery.var_dir / "celery"
    assert {p.name for p in celery_dir.iterdir()} >= {"queue", "processed", "control"}
    assert any((celery_dir / "control").iterdir())
