"""P1–P6 of docs/design.md §12, one function each, every figure beside its bare reference.

Each function takes the run's ``Context`` and returns a ``Result``: the figures (a flat dict
of numbers, written to the JSON), one line for the table, and whether the target of §12
held. Timings are medians of several runs after a warm-up; the machine is shared, so the
ratios are what to read.
"""

import contextlib
import datetime
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from bench import bare
from bench.database import BASE_DIR, child_env

WRK_INSTALL = "apt-get install -y wrk  (Debian/Ubuntu; CI installs it in .ci/run)"
BENCH_EMAIL_DOMAIN = "bench.motcua.vn"


@dataclass
class Context:
    url: str
    scale: int
    letters: int
    duration: int
    connections: int
    submissions: int
    redis_url: str
    work_dir: Path
    log: Callable[[str], None]
    gunicorn: "Gunicorn | None" = None


@dataclass
class Result:
    key: str
    title: str
    figures: dict[str, Any]
    measured: str
    reference: str
    target: str
    met: bool | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": self.figures,
            "measured": self.measured,
            "reference": self.reference,
            "target": self.target,
            "met": self.met,
            "notes": self.notes,
        }


def skipped(key: str, title: str, target: str, reason: str) -> Result:
    return Result(key, title, {}, "—", "—", target, None, [reason])


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


@contextlib.contextmanager
def _statement_times() -> Iterator[list[tuple[str, float, int]]]:
    """(first words of the SQL, seconds, rows) of every statement run inside the block."""
    timings: list[tuple[str, float, int]] = []

    def timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        cursor = context["cursor"]
        timings.append((" ".join(sql.split())[:90], time.perf_counter() - started, cursor.rowcount))
        return result

    with connection.execute_wrapper(timer):
        yield timings


def _vacuum(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


# --- keeping the data reusable (--keep) -----------------------------------------------------


def reset_run_state() -> None:
    """Undoes what a previous run wrote, so the scan finds the stuck dossiers unflagged
    again: their flags and their steps' flags, the apology letters, the P6 submissions."""
    from apologies.models import ApologyLetter
    from dossiers.models import Dossier, DossierComponent, DossierEvent, DossierStep

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Dossier._meta.db_table} SET due_soon_at = NULL, overdue_since = NULL, "  # noqa: S608
            "escalated_at = NULL, responsible_agency_id = NULL, responsible_department_id = NULL "
            "WHERE id IN (SELECT dossier_id FROM bench_fresh) AND "
            "(overdue_since IS NOT NULL OR due_soon_at IS NOT NULL OR escalated_at IS NOT NULL)"
        )
        cursor.execute(
            f"UPDATE {DossierStep._meta.db_table} SET overdue_since = NULL "  # noqa: S608
            "WHERE dossier_id IN (SELECT dossier_id FROM bench_fresh) AND overdue_since IS NOT NULL"
        )
    ApologyLetter.objects.all().delete()
    submitted = Dossier.objects.filter(
        applicant__email__startswith="p6-", applicant__email__endswith=BENCH_EMAIL_DOMAIN
    )
    DossierEvent.objects.filter(dossier__in=submitted).delete()
    DossierComponent.objects.filter(dossier__in=submitted).delete()
    submitted.delete()
    _vacuum(Dossier._meta.db_table, DossierStep._meta.db_table)


# --- P1 ---------------------------------------------------------------------------------------


P1_TARGET = "≤ 2× bare SQL; no-op re-scan ≤ 0.1 s"


def _draft_letters_in_bulk() -> int:
    """What the worker leaves behind once it has caught up: a draft letter for every dossier
    the scan flagged (one INSERT … SELECT, placeholder PDFs), so the next scan has nothing
    new to find."""
    from apologies.models import ApologyLetter
    from dossiers.models import CLOCK_STATES, Dossier

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ApologyLetter._meta.db_table} (dossier_id, episode, agency_id, department_id,
                state, addressee, applicant_national_id, received_at, original_due_at, proposed_due_at,
                reason, extension_explanation, created_at, draft_pdf, pdf, signer)
            SELECT d.id, 0, COALESCE(d.responsible_agency_id, d.agency_id), d.responsible_department_id,
                'draft', d.applicant_name, d.applicant_national_id, d.received_at, d.due_at,
                d.due_at + interval '3 days', 'bench', '[]', now(), 'bench/placeholder.pdf', '',
                '{{}}'
            FROM {Dossier._meta.db_table} d
            WHERE d.state = ANY(%s) AND d.extension_count = 0
              AND (d.due_soon_at IS NOT NULL OR d.overdue_since IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM {ApologyLetter._meta.db_table} l
                              WHERE l.dossier_id = d.id AND l.episode = 0)
            """,  # noqa: S608 - our own table names
            [list(CLOCK_STATES)],
        )
        drafted = cursor.rowcount
        # … and marks the dossiers, as letter_create_draft does.
        cursor.execute(
            f"UPDATE {Dossier._meta.db_table} d SET apology_drafted_at = now() "  # noqa: S608
            f"FROM {ApologyLetter._meta.db_table} l "
            "WHERE l.dossier_id = d.id AND l.episode = 0 AND d.apology_drafted_at IS NULL"
        )
        return drafted


def p1_deadline_scan(ctx: Context) -> Result:
    """The bare UPDATE and the scan on the same table, then each again with nothing new.

    Before a "nothing new" run the tables are vacuumed, as autovacuum does between two scans
    five minutes apart (otherwise every index still points at the rows just rewritten), and
    the letters the worker would have drafted are there; the re-scan straight after the
    first one, without either, is reported too.
    """
    from apologies.models import ApologyLetter
    from apologies.scan import scan
    from dossiers.models import CLOCK_STATES, Dossier, DossierStep

    table, steps, letters = (
        Dossier._meta.db_table,
        DossierStep._meta.db_table,
        ApologyLetter._meta.db_table,
    )
    with connection.cursor() as cursor:  # the same warm cache for both
        cursor.execute(
            f"SELECT count(*), max(due_at) FROM {table} WHERE state = ANY(%s)",  # noqa: S608 - a model's table
            [list(CLOCK_STATES)],
        )
    bare.prepare_overdue_copy()
    _vacuum(table)
    first_bare = bare.overdue_update()
    _vacuum(table)
    second_bare = bare.overdue_update()

    with _statement_times() as statements:
        started = time.perf_counter()
        report = scan(enqueue=False)
        scan_seconds = time.perf_counter() - started
    started = time.perf_counter()
    scan(enqueue=False)
    immediate_seconds = time.perf_counter() - started

    drafted = _draft_letters_in_bulk()
    _vacuum(table, steps, letters)
    with _statement_times() as rescan_statements:
        started = time.perf_counter()
        rescan = scan(enqueue=False)
        rescan_seconds = time.perf_counter() - started
    placeholders = ApologyLetter.objects.filter(reason="bench", draft_pdf="bench/placeholder.pdf")
    Dossier.objects.filter(pk__in=placeholders.values("dossier_id")).update(apology_drafted_at=None)
    placeholders.delete()
    bare.drop_overdue_copy()
    _vacuum(table, letters)

    ratio = scan_seconds / first_bare.seconds if first_bare.seconds else float("inf")
    changed = (
        rescan.overdue
        + rescan.due_soon
        + rescan.late_steps
        + rescan.escalated
        + rescan.letters_enqueued
    )
    figures = {
        "scan_seconds": round(scan_seconds, 3),
        "bare_seconds": round(first_bare.seconds, 3),
        "ratio": round(ratio, 2),
        "newly_overdue": report.overdue,
        "bare_rows": first_bare.rows,
        "due_soon": report.due_soon,
        "late_steps": report.late_steps,
        "escalated": report.escalated,
        "letters_to_draft": report.letters_enqueued,
        "rescan_seconds": round(rescan_seconds, 3),
        "bare_rescan_seconds": round(second_bare.seconds, 3),
        "rescan_changed": changed,
        "rescan_immediate_seconds": round(immediate_seconds, 3),
        "letters_drafted_in_bulk": drafted,
        "statements_ms": [[sql, _ms(seconds), rows] for sql, seconds, rows in statements],
        "rescan_statements_ms": [
            [sql, _ms(seconds), rows] for sql, seconds, rows in rescan_statements
        ],
    }
    notes = [
        f"{sql[:70]}… {_ms(seconds)} ms, {rows:,} dòng"
        for sql, seconds, rows in statements
        if seconds > 0.01
    ]
    notes.append(
        f"Quét lại ngay sau lần đầu (chưa VACUUM, {report.letters_enqueued:,} phiếu chưa lập): {immediate_seconds:.3f} s; "
        f"quét lại khi đã VACUUM và đủ phiếu ({drafted:,} phiếu lập sẵn bằng một câu INSERT): {rescan_seconds:.3f} s."
    )
    return Result(
        "P1",
        "Quét hạn xử lý",
        figures,
        f"{scan_seconds:.3f} s ({report.overdue:,} mới quá hạn); quét lại {rescan_seconds:.3f} s",
        f"UPDATE trần {first_bare.seconds:.3f} s ({first_bare.rows:,} dòng); lại {second_bare.seconds:.3f} s",
        P1_TARGET,
        ratio <= 2 and rescan_seconds <= 0.1 and changed == 0,
        notes,
    )


# --- P2 ---------------------------------------------------------------------------------------


P2_TARGET = "≤ 1,25× bare; 1.000 phiếu qua Celery (2 tiến trình) ≤ 60 s; bộ nhớ tăng < 100 MB"
RENDER_SAMPLES = 20
WORKER_WARMUP = 20


def _letter_dossiers(count: int) -> list[int]:
    from dossiers.models import CLOCK_STATES, Dossier

    return list(
        Dossier.objects.filter(
            state__in=CLOCK_STATES, extension_count=0, overdue_since__isnull=False
        )
        .exclude(apology_letters__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def p2_letters(ctx: Context) -> Result:
    from apologies.documents import render_letter
    from apologies.services import letter_create_draft
    from core.pdf import base_url as static_base_url

    ids = _letter_dossiers(RENDER_SAMPLES + 1)
    if len(ids) < RENDER_SAMPLES + 1:
        return skipped(
            "P2",
            "Phiếu xin lỗi (mẫu 04)",
            P2_TARGET,
            "Không đủ hồ sơ quá hạn để lập phiếu (chạy P1 trước).",
        )
    letters = [letter_create_draft(dossier_id=pk) for pk in ids]
    font_config = bare.new_font_config()
    base_url = static_base_url()
    html, _pdf = render_letter(letters[0])  # type: ignore[arg-type]  # fonts loaded once, both ways
    bare.render(html, base_url, font_config)
    full, bare_times = [], []
    for letter in letters[1:]:
        started = time.perf_counter()
        html, _pdf = render_letter(letter)  # type: ignore[arg-type]
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare.render(html, base_url, font_config)
        bare_times.append(time.perf_counter() - started)
    default = []
    for _ in range(3):  # WeasyPrint's default path: a new font configuration each time
        started = time.perf_counter()
        bare.render(html, base_url, bare.new_font_config())
        default.append(time.perf_counter() - started)
    ratio = _median(full) / _median(bare_times)
    figures: dict[str, Any] = {
        "render_ms": _ms(_median(full)),
        "bare_ms": _ms(_median(bare_times)),
        "ratio": round(ratio, 2),
        "bare_default_ms": _ms(_median(default)),
        "samples": len(full),
    }
    notes: list[str] = []
    worker = _worker_letters(ctx, figures, notes)
    met = ratio <= 1.25 and worker
    return Result(
        "P2",
        "Phiếu xin lỗi (mẫu 04)",
        figures,
        f"{figures['render_ms']} ms/phiếu; {figures.get('worker_letters', 0):,} phiếu qua Celery: "
        f"{figures.get('worker_seconds', '—')} s, "
        f"bộ nhớ +{figures.get('worker_growth_mb', '—')} MB",
        f"WeasyPrint trần {figures['bare_ms']} ms/phiếu (mặc định {figures['bare_default_ms']} ms)",
        P2_TARGET,
        met,
        notes,
    )


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the prefork pool), in kB."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    pids.append(int(entry))
    total = 0
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def _server_env(ctx: Context) -> dict[str, str]:
    media = ctx.work_dir / "media"
    media.mkdir(parents=True, exist_ok=True)
    return child_env(
        ctx.url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        CELERY_BROKER_URL=ctx.redis_url,
        MEDIA_ROOT=str(media),
        VAR_DIR=str(ctx.work_dir / "var"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
        # P3 loads the public lookup from one address: no per-address rate limit there.
        PUBLIC_LOOKUP_RATE="",
    )


def _wait_for(
    check: Callable[[], bool],
    seconds: float,
    what: str,
    process: subprocess.Popen[bytes],
    log: Path,
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what} dừng với mã {process.returncode}:\n{_tail(log)}")
        time.sleep(0.2)
    raise RuntimeError(f"{what} không sẵn sàng sau {seconds:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _worker_letters(ctx: Context, figures: dict[str, Any], notes: list[str]) -> bool:
    """``ctx.letters`` letters drafted and rendered by a real worker with 2 processes."""
    from apologies.models import ApologyLetter
    from apologies.tasks import draft_letters

    ids = _letter_dossiers(WORKER_WARMUP + ctx.letters)
    letters = len(ids) - WORKER_WARMUP
    if letters < ctx.letters:
        # A small --scale has fewer overdue dossiers than letters asked for: the worker
        # writes what there is, and the time is judged pro rata below.
        notes.append(
            f"Chỉ có {len(ids)} hồ sơ quá hạn chưa có phiếu: worker lập {max(letters, 0)} phiếu "
            f"thay vì {ctx.letters}."
        )
        if letters < 50:
            return False
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    log = ctx.work_dir / "celery-worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=_server_env(ctx),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: b" ready." in log.read_bytes(), 120, "Celery worker", process, log)
        idle = _rss_kb(process.pid)

        def run(batch: list[int], chunk: int) -> float:
            started = time.perf_counter()
            for start in range(0, len(batch), chunk):
                draft_letters.apply_async(args=(batch[start : start + chunk],), queue=queue)
            rendered = ApologyLetter.objects.filter(dossier_id__in=batch).exclude(draft_pdf="")
            limit = time.monotonic() + max(300, 0.5 * len(batch))
            while rendered.count() < len(batch):
                if process.poll() is not None:
                    raise RuntimeError(f"Celery worker dừng:\n{_tail(log)}")
                if time.monotonic() > limit:
                    raise RuntimeError(f"Worker chưa xong sau {limit:.0f} s:\n{_tail(log)}")
                time.sleep(0.25)
            return time.perf_counter() - started

        run(ids[:WORKER_WARMUP], 5)  # both processes load WeasyPrint and the fonts
        warm = _rss_kb(process.pid)
        seconds = run(ids[WORKER_WARMUP:], 10)
        after = _rss_kb(process.pid)
    finally:
        _stop(process)
    figures.update(
        {
            "worker_letters": letters,
            "worker_seconds": round(seconds, 1),
            "worker_letters_per_second": round(letters / seconds, 1),
            "worker_rss_idle_mb": round(idle / 1024, 1),
            "worker_rss_warm_mb": round(warm / 1024, 1),
            "worker_rss_after_mb": round(after / 1024, 1),
            "worker_growth_mb": round((after - warm) / 1024, 1),
            "worker_growth_from_idle_mb": round((after - idle) / 1024, 1),
        }
    )
    notes.append(
        f"Worker: nghỉ {idle / 1024:.0f} MB, sau {WORKER_WARMUP} phiếu khởi động {warm / 1024:.0f} MB, "
        f"sau {letters} phiếu {after / 1024:.0f} MB."
    )
    # The 60 s target is for 1,000 letters; fewer letters are judged pro rata.
    return seconds <= 60 * letters / 1000 and (after - warm) < 100 * 1024


# --- P3 and P6: the web server ----------------------------------------------------------------


class Gunicorn:
    """The portal (plus the bare view) under gunicorn on a free loopback port."""

    def __init__(self, ctx: Context) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.workers = 2 * (os.cpu_count() or 1) + 1
        self.log = ctx.work_dir / "gunicorn.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                cwd=BASE_DIR,
                env=_server_env(ctx),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for(self._answers, 60, "gunicorn", self.process, self.log)

    def _answers(self) -> bool:
        try:
            status, _body = self.request("GET", "/api/v1/procedures/")
        except OSError:
            return False
        return status < 500

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 120) -> tuple[int, bytes]:  # fmt: skip
        conn = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        _stop(self.process)


WRK_SCRIPT = r"""
local codes = {}
local prefix = "/"
init = function(args)
  prefix = args[1]
  for line in io.lines(args[2]) do codes[#codes + 1] = line end
  math.randomseed(os.time() + tonumber(string.sub(tostring({}), 8), 16) % 100000)
end
request = function()
  return wrk.format("GET", prefix .. codes[math.random(#codes)] .. "/")
end
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

P3_TARGET = "≥ 40% req/s của view trần; p99 ≤ 50 ms; 0 lỗi"


def find_wrk() -> str | None:
    for folder in (*os.environ.get("PATH", "").split(os.pathsep), "/usr/bin", "/usr/local/bin"):
        candidate = Path(folder) / "wrk"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _wrk(
    wrk: str, ctx: Context, gunicorn: Gunicorn, prefix: str, codes: Path, seconds: int
) -> dict[str, Any]:
    script = ctx.work_dir / "track.lua"
    script.write_text(WRK_SCRIPT)
    result = subprocess.run(  # noqa: S603 - wrk found on PATH
        [
            wrk,
            "-t2",
            f"-c{ctx.connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{gunicorn.port}",
            "--",
            prefix,
            str(codes),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    data: dict[str, Any] = json.loads(line[len("BENCH ") :])
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return {
        "requests_per_second": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "requests": data["requests"],
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "max_ms": round(data["max_us"] / 1000, 2),
        "errors": errors,
    }


def p3_public_status(ctx: Context) -> Result:
    from dossiers.models import Dossier

    wrk = find_wrk()
    if wrk is None:
        return skipped(
            "P3", "Tra cứu tình trạng hồ sơ (API công khai)", P3_TARGET,
            f"Không tìm thấy wrk (công cụ tạo tải HTTP); cài bằng: {WRK_INSTALL}. Bỏ qua P3.",
        )  # fmt: skip
    assert ctx.gunicorn is not None
    codes = ctx.work_dir / "codes.txt"
    sample = (
        Dossier.objects.exclude(state="draft")
        .exclude(code=None)
        .order_by("?")
        .values_list("code", flat=True)
    )
    codes.write_text("\n".join(sample[:10000]) + "\n")
    runs: dict[str, dict[str, Any]] = {}
    for _name, prefix in (("bare", "/bench/bare-track/"), ("api", "/api/v1/track/")):
        _wrk(wrk, ctx, ctx.gunicorn, prefix, codes, 2)  # warm every worker's connection and caches
    for name, prefix in (("bare", "/bench/bare-track/"), ("api", "/api/v1/track/")):
        runs[name] = _wrk(wrk, ctx, ctx.gunicorn, prefix, codes, ctx.duration)
    api, reference = runs["api"], runs["bare"]
    share = (
        api["requests_per_second"] / reference["requests_per_second"]
        if reference["requests_per_second"]
        else 0
    )
    figures = {
        "api": api,
        "bare": reference,
        "share_of_bare": round(share, 3),
        "gunicorn_workers": ctx.gunicorn.workers,
        "connections": ctx.connections,
        "seconds": ctx.duration,
    }
    return Result(
        "P3",
        "Tra cứu tình trạng hồ sơ (API công khai)",
        figures,
        f"{api['requests_per_second']:,.0f} req/s, p99 {api['p99_ms']} ms, {api['errors']} lỗi",
        f"view trần {reference['requests_per_second']:,.0f} req/s, p99 {reference['p99_ms']} ms",
        P3_TARGET,
        share >= 0.4 and api["p99_ms"] <= 50 and api["errors"] == 0,
        [
            f"gunicorn {ctx.gunicorn.workers} worker (sync), wrk 2 luồng, {ctx.connections} kết nối, {ctx.duration} s mỗi lượt."
        ],
    )


# --- P4 ---------------------------------------------------------------------------------------


P4_TARGET = "số truy vấn cố định ≤ 12; p50 ≤ 40 ms"
PAGE_RUNS = 30


@contextlib.contextmanager
def _persistent_connection() -> Iterator[None]:
    """As the deployed portal (CONN_MAX_AGE), one connection serves the requests: the test
    client must not close it after each one (Django's own test runner does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _time_page(client: Client, url: str, runs: int) -> tuple[list[float], int]:
    for _ in range(3):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the capture reads the connection's log, which the next request resets.
    count = len(queries)
    if response.status_code != 200:
        raise RuntimeError(f"{url} trả về {response.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return times, count


def p4_staff_pages(ctx: Context) -> Result:
    from accounts.models import User
    from demo.province import DEMO_EMAIL_DOMAIN
    from dossiers.models import Dossier, State

    clerk = User.objects.get(email=f"motcua@{DEMO_EMAIL_DOMAIN}")
    staff_settings = override_settings(
        ALLOWED_HOSTS=["testserver"],
        DEBUG=False,
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with staff_settings, _persistent_connection(), warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="No directory at", module="django.core.handlers.base"
        )
        client = Client()
        client.force_login(clerk)
        queue_times, queue_queries = _time_page(client, reverse("staff:queue"), PAGE_RUNS)
        second_page = reverse("staff:queue") + "?trang=2"
        _page2_times, page2_queries = _time_page(client, second_page, 3)
        queue_rows = Dossier.objects.filter(agency_id=clerk.agency_id, state__in=[
            State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.RECEIVED, State.READY_FOR_RETURN]).count()  # fmt: skip
        picks = []
        for state in (
            State.RETURNED,
            State.IN_APPRAISAL,
            State.READY_FOR_RETURN,
            State.SUBMITTED,
            State.RECEIVED,
        ):
            picks += list(
                Dossier.objects.filter(agency_id=clerk.agency_id, state=state)
                .order_by("-pk")
                .values_list("code", flat=True)[:2]
            )
        page_times: list[float] = []
        page_queries: list[int] = []
        for code in picks:
            times, queries = _time_page(
                client, reverse("staff:dossier", kwargs={"ref": code}), PAGE_RUNS // len(picks) + 1
            )
            page_times += times
            page_queries.append(queries)
        # Beside the target: the department head's and the supervisor's overdue lists.
        watch: dict[str, tuple[list[float], int]] = {}
        for who in ("lanhdao", "giamsat"):
            client.force_login(User.objects.get(email=f"{who}@{DEMO_EMAIL_DOMAIN}"))
            watch[who] = _time_page(client, reverse("apologies:watch"), PAGE_RUNS // 4)
    queue_p50, page_p50 = _ms(_median(queue_times)), _ms(_median(page_times))
    head_p50, supervisor_p50 = (_ms(_median(watch[who][0])) for who in ("lanhdao", "giamsat"))
    figures = {
        "queue_queries": queue_queries,
        "queue_page2_queries": page2_queries,
        "queue_p50_ms": queue_p50,
        "queue_rows_in_scope": queue_rows,
        "dossier_queries_min": min(page_queries),
        "dossier_queries_max": max(page_queries),
        "dossier_p50_ms": page_p50,
        "dossier_pages": len(picks),
        "watch_head_queries": watch["lanhdao"][1],
        "watch_head_p50_ms": head_p50,
        "watch_supervisor_queries": watch["giamsat"][1],
        "watch_supervisor_p50_ms": supervisor_p50,
    }
    # The count must not grow with the rows: the queue's second page costs what the first
    # does. (The dossier page differs by a query or so between states, e.g. a result file.)
    constant = queue_queries == page2_queries
    return Result(
        "P4",
        "Hàng đợi cán bộ một cửa (50 dòng) và trang hồ sơ",
        figures,
        f"hàng đợi {queue_queries} truy vấn, p50 {queue_p50} ms; trang hồ sơ {min(page_queries)}–{max(page_queries)} "
        f"truy vấn, p50 {page_p50} ms",
        f"{queue_rows:,} hồ sơ trong phạm vi hàng đợi",
        P4_TARGET,
        constant
        and max(queue_queries, max(page_queries)) <= 12
        and queue_p50 <= 40
        and page_p50 <= 40,
        [
            f"Trang hồ sơ đo trên {len(picks)} hồ sơ ở các trạng thái khác nhau.",
            f"Danh sách quá hạn (ngoài mục tiêu): lãnh đạo phòng {watch['lanhdao'][1]} truy vấn, "
            f"p50 {head_p50} ms; lãnh đạo Trung tâm (cả tỉnh) {watch['giamsat'][1]} truy vấn, "
            f"p50 {supervisor_p50} ms.",
        ],
    )


# --- P5 ---------------------------------------------------------------------------------------


P5_TARGET = "≤ 0,5 s"


def p5_statistics(ctx: Context) -> Result:
    from dossiers.models import Dossier
    from dossiers.statistics import department_statistics

    first = (
        Dossier.objects.exclude(received_at=None)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    end = timezone.now()
    start = first or end - datetime.timedelta(days=365)
    rows = department_statistics(start=start, end=end)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        rows = department_statistics(start=start, end=end)
        times.append(time.perf_counter() - started)
    seconds = _median(times)
    processed = sum(row.processed for row in rows)
    figures = {"seconds": round(seconds, 3), "units": len(rows), "dossiers_counted": processed}
    return Result(
        "P5",
        "Thống kê theo phòng / chỉ số 766 (toàn bộ hồ sơ)",
        figures,
        f"{seconds:.3f} s cho {len(rows)} đơn vị, {processed:,} hồ sơ",
        "—",
        P5_TARGET,
        seconds <= 0.5,
    )


# --- P6 ---------------------------------------------------------------------------------------


P6_TARGET = "0 lỗi, mã hồ sơ không trùng, không mất hồ sơ/tệp"
ATTACHMENT_BYTES = 1024 * 1024


def _citizens_with_tokens(count: int) -> list[tuple[int, str]]:
    from django.contrib.auth.models import Group
    from knox.models import AuthToken

    from accounts.models import User
    from accounts.roles import ROLE_BY_KEY

    group = Group.objects.get(name=ROLE_BY_KEY["citizen"].group_name)
    people = []
    for n in range(count):
        user, created = User.objects.get_or_create(
            email=f"p6-{n}@{BENCH_EMAIL_DOMAIN}",
            defaults={
                "full_name": "Nguyễn Văn Thử",
                "national_id": f"079{n:09d}",
                "phone": f"038{n:07d}",  # the generated citizens hold 09…
                "address": "Số 1 đường Đồng Khởi, tỉnh Đồng Nai",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
        _, token = AuthToken.objects.create(user=user)  # stored as a digest (ADR 13)
        people.append((user.pk, token))
    return people


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def p6_submissions(ctx: Context) -> Result:
    from agencies.models import Agency
    from dossiers.models import Dossier, DossierComponent
    from procedures.models import Component, Procedure

    assert ctx.gunicorn is not None
    gunicorn = ctx.gunicorn
    # A procedure of the provincial centre whose version asks for exactly one document.
    centre = Agency.objects.get(code="000.00.01.H75")
    procedure = next(
        p for p in Procedure.objects.filter(agencies=centre, is_active=True).order_by("code")
        if (v := p.version_in_force()) is not None and v.components.filter(required=True).count() == 1
    )  # fmt: skip
    version = procedure.version_in_force()
    assert version is not None
    component = Component.objects.get(version=version, required=True)
    people = _citizens_with_tokens(ctx.submissions)
    attachment = b"%PDF-1.4\n" + os.urandom(ATTACHMENT_BYTES - 16) + b"\n%%EOF\n"
    barrier = threading.Barrier(len(people))
    outcomes: list[dict[str, Any]] = [{} for _ in people]

    def submit(index: int, token: str) -> None:
        outcome = outcomes[index]
        auth = {"Authorization": f"Token {token}"}
        try:
            barrier.wait(timeout=60)
            body = json.dumps({"procedure": procedure.code, "agency": centre.code}).encode()
            status, answer = gunicorn.request(
                "POST", "/api/v1/dossiers/", body, {**auth, "Content-Type": "application/json"}
            )
            if status != 201:
                outcome["error"] = f"tạo nháp {status}: {answer[:200]!r}"
                return
            ref = json.loads(answer)["ref"]
            form, content_type = _multipart({"component": str(component.pk)}, "don.pdf", attachment)
            status, answer = gunicorn.request(
                "POST",
                f"/api/v1/dossiers/{ref}/components/",
                form,
                {**auth, "Content-Type": content_type},
            )
            if status != 201:
                outcome["error"] = f"tải tệp {status}: {answer[:200]!r}"
                return
            status, answer = gunicorn.request(
                "POST",
                f"/api/v1/dossiers/{ref}/actions/submit/",
                b"{}",
                {**auth, "Content-Type": "application/json"},
            )
            if status != 200:
                outcome["error"] = f"nộp {status}: {answer[:200]!r}"
                return
            outcome["code"] = json.loads(answer)["code"]
        except Exception as exc:
            outcome["error"] = f"{type(exc).__name__}: {exc}"

    threads = [
        threading.Thread(target=submit, args=(i, token)) for i, (_pk, token) in enumerate(people)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started

    errors = [o["error"] for o in outcomes if "error" in o]
    codes = [o["code"] for o in outcomes if "code" in o]
    applicants = [pk for pk, _token in people]
    stored = Dossier.objects.filter(applicant_id__in=applicants, state="submitted")
    files = DossierComponent.objects.filter(dossier__in=stored)
    media = ctx.work_dir / "media"
    on_disk = 0
    for stored_file in files:
        path = media / str(stored_file.file.name)
        on_disk += path.is_file() and path.stat().st_size == len(attachment)
    figures = {
        "submissions": len(people),
        "errors": len(errors),
        "codes": len(codes),
        "distinct_codes": len(set(codes)),
        "stored_dossiers": stored.count(),
        "distinct_stored_codes": stored.values("code").distinct().count(),
        "stored_files": on_disk,
        "seconds": round(seconds, 1),
    }
    notes = sorted(set(errors))[:5]
    met = (
        not errors
        and len(set(codes)) == len(people)
        and figures["stored_dossiers"] == len(people)
        and figures["distinct_stored_codes"] == len(people)
        and on_disk == len(people)
    )
    return Result(
        "P6",
        "200 hồ sơ trực tuyến nộp đồng thời, mỗi hồ sơ 1 tệp 1 MB",
        figures,
        f"{len(errors)} lỗi; {len(set(codes))} mã khác nhau; {stored.count()} hồ sơ, {on_disk} tệp lưu đủ; {seconds:.1f} s",
        f"{len(people)} lượt nộp",
        P6_TARGET,
        met,
        notes,
    )
