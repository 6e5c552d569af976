"""The results: a table on the terminal, JSON and Markdown under ``bench/results/``."""

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any

from django.db import connection

from bench.measure import Result

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPUs, memory, CPU model, PostgreSQL, load."""
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]  # type: ignore[index]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model or platform.processor(),
        "memory_gb": memory_gb,
        "postgresql": postgres,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _met(result: Result) -> str:
    return {True: "đạt", False: "CHƯA ĐẠT", None: "bỏ qua"}[result.met]


def table(results: list[Result]) -> str:
    rows = [("#", "Đo", "Kết quả", "Tham chiếu trần (cùng lần chạy)", "Mục tiêu §12", "")]
    rows += [(r.key, r.title, r.measured, r.reference, r.target, _met(r)) for r in results]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


def markdown(run: dict[str, Any], results: list[Result]) -> str:
    m = run["machine"]
    out = [
        f"# Benchmark {run['started_at']}",
        "",
        f"`python manage.py bench --scale {run['scale']}` — {run['generation']['dossiers']:,} hồ sơ, "
        f"{run['generation']['steps']:,} bước, {run['generation']['events']:,} sự kiện "
        f"({run['generation']['agencies']} cơ quan, {run['generation']['citizens']:,} công dân); "
        f"{run['seconds']:.0f} s tất cả.",
        "",
        f"Máy: {m['cpus']} CPU ({m['cpu_model']}), {m['memory_gb']} GB RAM, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; tải trung bình lúc bắt đầu {m['load_average']}, lúc kết thúc "
        f"{run['load_average_end']}.",
        "",
        table(results),
        "",
    ]
    generation = run["generation"]
    if generation.get("seconds_total"):
        out += [
            f"Sinh dữ liệu: {generation['seconds_rows']} s cho các dòng (COPY), "
            f"{generation['seconds_indexes']} s cho chỉ mục và VACUUM ANALYZE.",
            "",
        ]
    for result in results:
        if result.notes:
            out.append(f"**{result.key}**")
            out += [f"- {note}" for note in result.notes]
            out.append("")
    return "\n".join(out)


def write(
    run: dict[str, Any], results: list[Result], directory: Path = RESULTS_DIR
) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.fromisoformat(run["started_at"]).strftime("%Y%m%d-%H%M%S")
    data = {**run, "results": {r.key: r.as_dict() for r in results}}
    json_path = directory / f"{stamp}.json"
    md_path = directory / f"{stamp}.md"
    json_path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    text = markdown(run, results)
    md_path.write_text(text + "\n", encoding="utf-8")
    (directory / "latest.md").write_text(text + "\n", encoding="utf-8")
    return json_path, md_path
