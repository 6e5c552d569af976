"""``python manage.py bench``: the figures of docs/design.md §12, each beside a bare reference.

Creates its own PostgreSQL database (``--database-name``, default ``motcua_bench``), fills
it with ``--scale`` dossiers (default 1,000,000) spread over the demo province, measures
P1–P6 and writes the table to ``bench/results/`` (JSON, Markdown, ``latest.md``).

Needs PostgreSQL; Redis (``--redis-url``, default ``redis://127.0.0.1:6379/12``) for the
Celery worker of P2 and the submissions of P6; ``wrk`` for P3 (``apt-get install wrk``).
A missing Redis or wrk skips what needs it, with a note; the figures are printed, never
asserted. The command fails only when a measurement could not run at all.
"""

import json
import logging
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bench import database, measure, report
from bench.generate import generate

MEASURES: dict[str, tuple[str, str, Callable[[measure.Context], measure.Result]]] = {
    "P1": ("Quét hạn xử lý", measure.P1_TARGET, measure.p1_deadline_scan),
    "P2": ("Phiếu xin lỗi (mẫu 04)", measure.P2_TARGET, measure.p2_letters),
    "P3": ("Tra cứu tình trạng hồ sơ (API công khai)", measure.P3_TARGET, measure.p3_public_status),
    "P4": (
        "Hàng đợi cán bộ một cửa (50 dòng) và trang hồ sơ",
        measure.P4_TARGET,
        measure.p4_staff_pages,
    ),
    "P5": (
        "Thống kê theo phòng / chỉ số 766 (toàn bộ hồ sơ)",
        measure.P5_TARGET,
        measure.p5_statistics,
    ),
    "P6": (
        "200 hồ sơ trực tuyến nộp đồng thời, mỗi hồ sơ 1 tệp 1 MB",
        measure.P6_TARGET,
        measure.p6_submissions,
    ),
}
# P1 first (it flags the overdue dossiers P2 writes letters for); the web server last.
ORDER = ("P1", "P2", "P4", "P5", "P3", "P6")
NEEDS_REDIS = {"P2", "P6"}
NEEDS_WEB = {"P3", "P6"}


class Command(BaseCommand):
    help = "Đo P1–P6 của docs/design.md §12 trên một cơ sở dữ liệu riêng, so với tham chiếu trần đo cùng lần chạy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1_000_000, help="Số hồ sơ sinh ra (mặc định 1.000.000)."
        )
        parser.add_argument(
            "--database-name",
            default="motcua_bench",
            help="Cơ sở dữ liệu của lệnh (mặc định motcua_bench).",
        )
        parser.add_argument(
            "--keep", action="store_true", help="Dùng lại dữ liệu đã sinh ở cùng --scale, nếu có."
        )
        parser.add_argument("--only", default="", help="Chỉ đo các mục này, ví dụ P1,P3.")
        parser.add_argument(
            "--letters",
            type=int,
            default=1000,
            help="Số phiếu xin lỗi qua Celery ở P2 (mặc định 1000).",
        )
        parser.add_argument(
            "--duration", type=int, default=10, help="Số giây mỗi lượt tải ở P3 (mặc định 10)."
        )
        parser.add_argument(
            "--connections", type=int, default=32, help="Số kết nối đồng thời ở P3 (mặc định 32)."
        )
        parser.add_argument(
            "--submissions",
            type=int,
            default=200,
            help="Số hồ sơ nộp đồng thời ở P6 (mặc định 200).",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
            help="Redis làm broker cho worker và web của lệnh (mặc định redis://127.0.0.1:6379/12).",
        )
        parser.add_argument(
            "--results-dir", default=str(report.RESULTS_DIR), help="Thư mục ghi kết quả."
        )
        parser.add_argument(
            "--seed", type=int, default=20250701, help="Hạt giống của dữ liệu sinh ra."
        )

    def log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        started_at = timezone.localtime()
        only = self._selection(options["only"])
        scale = options["scale"]
        if scale < 1000:
            raise CommandError("--scale phải từ 1000 trở lên.")
        for name in ("letters", "duration", "connections", "submissions"):
            if options[name] < 1:
                raise CommandError(f"--{name} phải lớn hơn 0.")
        name = options["database_name"]
        url = database.database_url(name)
        try:
            meta = database.meta(name)
        except psycopg.Error as exc:
            raise CommandError(
                f"Không kết nối được PostgreSQL ({database.server_url()}): {exc}. Lệnh bench cần PostgreSQL; "
                "đặt DATABASE_URL=postgres://… trỏ tới máy chủ của bạn."
            ) from exc

        reuse = bool(
            options["keep"]
            and meta
            and meta.get("scale") == str(scale)
            and meta.get("complete") == "1"
        )
        if reuse:
            assert meta is not None
            self.log(f"==> Dùng lại {name} ({scale:,} hồ sơ, sinh lúc {meta.get('generated_at')})")
            database.manage(url, "migrate", "--noinput", "-v0")
            database.use_database(url)
            generation = json.loads(meta.get("generation", "{}"))
            measure.reset_run_state()
        else:
            generation = self._generate(name, url, scale, options["seed"])

        # WeasyPrint logs every step of every render at INFO: hundreds of lines per letter.
        for noisy in ("weasyprint", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        broker_ok = self._redis_answers(options["redis_url"])
        self._point_celery_at(options["redis_url"])
        work_dir = Path(settings.BASE_DIR) / "var" / "bench" / started_at.strftime("%Y%m%d-%H%M%S")
        work_dir.mkdir(parents=True, exist_ok=True)
        ctx = measure.Context(
            url=url,
            scale=scale,
            letters=options["letters"],
            duration=options["duration"],
            connections=options["connections"],
            submissions=options["submissions"],
            redis_url=options["redis_url"],
            work_dir=work_dir,
            log=self.log,
        )
        run: dict[str, Any] = {
            "started_at": started_at.isoformat(),
            "scale": scale,
            "database": name,
            "reused_data": reuse,
            "options": {
                k: options[k] for k in ("letters", "duration", "connections", "submissions", "only")
            },
            "machine": report.machine(),
            "generation": generation,
        }
        results: dict[str, measure.Result] = {}
        crashed: list[str] = []
        try:
            for key in ORDER:
                if key not in only:
                    continue
                title, target, function = MEASURES[key]
                if key in NEEDS_REDIS and not broker_ok:
                    results[key] = measure.skipped(
                        key,
                        title,
                        target,
                        f"Redis không trả lời tại {options['redis_url']}: bỏ qua (cần redis-server).",
                    )
                    continue
                if key in NEEDS_WEB and ctx.gunicorn is None:
                    ctx.gunicorn = measure.Gunicorn(ctx)
                self.log(f"==> {key} {title}")
                step_started = time.perf_counter()
                try:
                    results[key] = function(ctx)
                except Exception as exc:
                    traceback.print_exc(file=sys.stderr)
                    crashed.append(key)
                    results[key] = measure.Result(
                        key, title, {}, "lỗi", "—", target, False, [f"{type(exc).__name__}: {exc}"]
                    )
                self.log(
                    f"    {results[key].measured}  ({time.perf_counter() - step_started:.0f} s)"
                )
        finally:
            if ctx.gunicorn is not None:
                ctx.gunicorn.stop()
        ordered = [results[key] for key in sorted(results)]
        run["seconds"] = round(time.perf_counter() - started, 1)
        run["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        json_path, md_path = report.write(run, ordered, Path(options["results_dir"]))
        self.log("")
        self.log(report.table(ordered))
        self.log("")
        self.log(f"Kết quả: {json_path} và {md_path} ({run['seconds']:.0f} s)")
        if crashed:
            self.log(f"Nhật ký tiến trình con: {work_dir}")
            raise CommandError(f"Không đo được: {', '.join(crashed)} (xem lỗi phía trên).")
        shutil.rmtree(work_dir, ignore_errors=True)

    def _selection(self, only: str) -> set[str]:
        if not only:
            return set(MEASURES)
        chosen = {part.strip().upper() for part in only.split(",") if part.strip()}
        unknown = chosen - set(MEASURES)
        if unknown:
            raise CommandError(
                f"--only: không có mục {', '.join(sorted(unknown))} (chọn trong P1–P6)."
            )
        return chosen

    def _generate(self, name: str, url: str, scale: int, seed: int) -> dict[str, Any]:
        self.log(f"==> Tạo cơ sở dữ liệu {name}")
        try:
            database.recreate(name)
        except database.BenchDatabaseError as exc:
            raise CommandError(str(exc)) from exc
        database.manage(url, "migrate", "--noinput", "-v0")
        database.manage(url, "load_demo", "--no-dossiers")
        database.use_database(url)
        self.log(f"==> Sinh {scale:,} hồ sơ")
        generated = generate(
            conninfo=database.conninfo(url),
            scale=scale,
            province_id=settings.DEMO_PROVINCE_CODE,
            seed=seed,
            log=self.log,
        ).as_dict()
        self.log(f"    {generated['seconds_total']} s")
        database.write_meta(
            name,
            {
                "scale": str(scale),
                "generated_at": timezone.localtime().isoformat(),
                "generation": json.dumps(generated),
                "complete": "1",
            },
        )
        return generated

    @staticmethod
    def _redis_answers(url: str) -> bool:
        try:
            return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            return False

    @staticmethod
    def _point_celery_at(url: str) -> None:
        """Tasks this process sends (P2) go to the benchmark's broker."""
        from portal.celery import app

        app.conf.broker_url = url  # type: ignore[misc]
        app.conf.broker_transport_options = {"visibility_timeout": 3600}
