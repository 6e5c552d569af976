"""The bare references of docs/design.md §12: the least work that does the same job, measured in the
same run on the same data, so a figure is read as a ratio to what the machine can do.

- P1: one ``UPDATE … WHERE due_at < now()`` with a partial index of its own, on a copy
  column of the dossier table (same rows, same width, same other indexes), so it flags the
  same dossiers the scan flags without touching the scan's columns.
- P2: WeasyPrint on the very HTML of the letter, with a font configuration reused across
  renders, and nothing else (no template, no QR code, no URL fetcher of ours).
- P3: a Django view doing one SQL lookup of the dossier by code (``bare_track``), served by
  the same gunicorn with the same middleware as the real API.
"""

import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse

from dossiers.models import CLOCK_STATES, Dossier

COPY_COLUMN = "bench_overdue_since"
COPY_INDEX = "bench_bare_open_due"


@dataclass(frozen=True)
class Timed:
    seconds: float
    rows: int


def _table() -> str:
    return Dossier._meta.db_table


def prepare_overdue_copy() -> None:
    """The copy column and its partial index: what a bare flagging query needs."""
    states = ", ".join(f"'{state}'" for state in CLOCK_STATES)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {_table()} DROP COLUMN IF EXISTS {COPY_COLUMN}")
        cursor.execute(f"ALTER TABLE {_table()} ADD COLUMN {COPY_COLUMN} timestamptz")
        # The dossiers earlier scans flagged are flagged in the copy too: both find the same.
        cursor.execute(
            f"UPDATE {_table()} SET {COPY_COLUMN} = overdue_since "  # noqa: S608
            f"WHERE state IN ({states}) AND overdue_since IS NOT NULL"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {COPY_INDEX} ON {_table()} (due_at) "
            f"WHERE state IN ({states}) AND {COPY_COLUMN} IS NULL"
        )


def overdue_update() -> Timed:
    """``UPDATE … SET overdue = due_at WHERE <clock running> AND due_at < now()``, timed."""
    states = ", ".join(f"'{state}'" for state in CLOCK_STATES)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            f"UPDATE {_table()} SET {COPY_COLUMN} = due_at "  # noqa: S608 - our own names
            f"WHERE state IN ({states}) AND {COPY_COLUMN} IS NULL AND due_at < now()"
        )
        return Timed(time.perf_counter() - started, cursor.rowcount)


def drop_overdue_copy() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {COPY_INDEX}")
        cursor.execute(f"ALTER TABLE {_table()} DROP COLUMN IF EXISTS {COPY_COLUMN}")


def new_font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render(html: str, base_url: str, font_config: Any) -> bytes:
    """Bare WeasyPrint: the HTML, its base URL for the stylesheet and fonts, the fonts."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(font_config=font_config)
    return pdf


def bare_track(request: HttpRequest, code: str) -> JsonResponse:
    """P3's reference: the dossier's status by code, one SQL lookup, JSON out."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, state, submitted_at, due_at FROM {_table()} "  # noqa: S608
            "WHERE code = %s AND state <> 'draft'",
            [code],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return JsonResponse({"code": row[0], "state": row[1], "submitted_at": row[2], "due_at": row[3]})
