"""The benchmark's own PostgreSQL database: created, migrated, and used by this process.

The server is the one ``DATABASE_URL`` points at when it is PostgreSQL, otherwise
``postgres://postgres@127.0.0.1:5432``. A database is dropped only when it is empty or was
made by the benchmark (it holds the table ``bench_meta``), so ``--database-name`` cannot
wipe a working database by mistake.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import environ
import psycopg
from django.conf import settings
from django.db import connections

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class BenchDatabaseError(Exception):
    """The database cannot be used for the benchmark (the message says why)."""


def server_url() -> str:
    """The PostgreSQL server to work on, as a URL naming its ``postgres`` database."""
    default = settings.DATABASES["default"]
    if "postgresql" not in default["ENGINE"]:
        return os.environ.get("BENCH_SERVER_URL", DEFAULT_SERVER)
    user = quote(default.get("USER") or "postgres")
    password = default.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@"
    host = default.get("HOST") or "127.0.0.1"
    port = default.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/postgres"


def database_url(name: str) -> str:
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def conninfo(url: str) -> str:
    """psycopg accepts ``postgresql://`` URLs; Django's ``postgres://`` is the same thing."""
    return "postgresql://" + url.split("://", 1)[1]


def _admin() -> psycopg.Connection[Any]:
    return psycopg.connect(conninfo(server_url()), autocommit=True)


def exists(name: str) -> bool:
    with _admin() as admin:
        return (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def meta(name: str) -> dict[str, str] | None:
    """The benchmark's notes on a database it generated (None: not one of ours, or none)."""
    if not exists(name):
        return None
    with psycopg.connect(conninfo(database_url(name))) as connection:
        if connection.execute("SELECT to_regclass('bench_meta')").fetchone() == (None,):
            return None
        return dict(connection.execute("SELECT key, value FROM bench_meta").fetchall())  # type: ignore[arg-type]


def _table_count(name: str) -> int:
    with psycopg.connect(conninfo(database_url(name))) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
        return int(row[0]) if row else 0


def recreate(name: str) -> None:
    """Drops the benchmark database (only one the benchmark made) and creates it empty."""
    if exists(name):
        if meta(name) is None and _table_count(name) > 0:
            raise BenchDatabaseError(
                f"Cơ sở dữ liệu “{name}” đã có dữ liệu không do lệnh bench tạo; chọn tên khác "
                f"bằng --database-name (lệnh không xóa cơ sở dữ liệu của bạn)."
            )
        current = settings.DATABASES["default"].get("NAME")
        if current == name:
            connections["default"].close()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    # Marked ours from the start: a run that fails half-way leaves a database the next run
    # may drop (``--keep`` still wants the "complete" mark of a finished generation).
    write_meta(name, {"created_by": "bench"})


def write_meta(name: str, values: dict[str, str]) -> None:
    with psycopg.connect(conninfo(database_url(name))) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)"
        )
        for key, value in values.items():
            connection.execute(
                "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )


def child_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a process working on the benchmark database."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=url, PYTHONUNBUFFERED="1", **extra)
    env.setdefault("DEBUG", "true")
    return env


def manage(url: str, *args: str) -> None:
    """Runs ``manage.py <args>`` on the benchmark database in a process of its own."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=child_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchDatabaseError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")


def use_database(url: str) -> None:
    """Points this process's ``default`` connection at ``url`` (the benchmark database)."""
    config = environ.Env.db_url_config(url)
    config["CONN_MAX_AGE"] = 0
    connections["default"].close()
    databases = connections.configure_settings({"default": config})
    settings.DATABASES["default"] = databases["default"]
    connections.settings["default"] = databases["default"]
    connections["default"] = connections.create_connection("default")
