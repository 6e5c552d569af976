"""The settings module as production and the embedded run see it.

Settings are read once per process, so each variant runs in a fresh subprocess with a
clean environment (none of the variables the settings read is inherited).
"""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.envvars import BASE_DIR, clean_environment, run_manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "motcua.dongnai.gov.vn",
    "DATABASE_URL": "postgres://motcua:mat-khau@db.internal:5432/motcua",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
}

SHOW_SETTINGS = """
import json

import django
from django.conf import settings
from django.db import connection

django.setup()
database = settings.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"],
    "name": str(database["NAME"]),
    "host": database.get("HOST", ""),
    "driver": connection.Database.__name__,
    "broker": settings.CELERY_BROKER_URL,
    "secure_ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
}))
"""

SHOW_BEAT = """
import json

from celery.beat import ScheduleEntry

from portal.celery import app

app.loader.import_default_modules()
entries = {}
for name, config in app.conf.beat_schedule.items():
    entry = ScheduleEntry(name=name, app=app, **config)
    entries[name] = {"task": entry.task, "tz": str(entry.schedule.tz)}
print(json.dumps({
    "timezone": str(app.conf.timezone),
    "registered": sorted(app.tasks),
    "entries": entries,
}))
"""


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    values = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), "VAR_DIR": str(tmp_path)}
    values.update(overrides)
    return clean_environment(**values)


def run_python(code: str, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_passes_with_production_variables(tmp_path: Path) -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_production_turns_https_off(tmp_path: Path) -> None:
    """The check above can fail: switching the HTTPS redirect off is reported."""
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false")

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_forces_https_and_hsts_by_default(tmp_path: Path) -> None:
    shown = run_python(SHOW_SETTINGS, production_env(tmp_path))

    assert shown["secure_ssl_redirect"] is True
    assert shown["hsts"] == 31536000


def test_missing_secret_key_with_debug_off_stops_with_a_clear_message(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_the_embedded_default_is_sqlite_in_var_and_the_filesystem_broker(tmp_path: Path) -> None:
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="portal.settings", DEBUG="true", VAR_DIR=str(tmp_path)
    )

    shown = run_python(SHOW_SETTINGS, env)

    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "motcua.sqlite3")
    assert shown["broker"] == "filesystem://"
    assert (tmp_path / "celery" / "queue").is_dir()


def test_a_postgres_database_url_gives_the_psycopg_3_backend(tmp_path: Path) -> None:
    shown = run_python(SHOW_SETTINGS, production_env(tmp_path))

    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["host"] == "db.internal"
    assert shown["name"] == "motcua"
    assert shown["driver"] == "psycopg"  # psycopg 3, not psycopg2


def test_vietnamese_and_the_vietnam_timezone_by_default() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="module")
def beat(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The beat schedule as a worker started with `celery -A portal` sees it."""
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="true",
        VAR_DIR=str(tmp_path_factory.mktemp("var")),
    )
    return run_python(SHOW_BEAT, env)


def test_the_beat_schedule_runs_in_vietnam_time(beat: dict) -> None:
    assert beat["timezone"] == "Asia/Ho_Chi_Minh"
    assert {"heartbeat", "scan-deadlines", "close-unsupplemented"} <= set(beat["entries"])
    assert {entry["tz"] for entry in beat["entries"].values()} == {"Asia/Ho_Chi_Minh"}


def test_every_scheduled_task_is_registered_in_the_worker(beat: dict) -> None:
    scheduled = {entry["task"] for entry in beat["entries"].values()}

    assert scheduled <= set(beat["registered"]), scheduled - set(beat["registered"])


SHOW_OPERATIONS = """
import json

import django
from django.conf import settings

django.setup()
print(json.dumps({
    "admins": [list(admin) for admin in settings.ADMINS],
    "console": settings.LOGGING["handlers"]["console"]["formatter"],
    "hijack": settings.CELERY_WORKER_HIJACK_ROOT_LOGGER,
}))
"""


def test_admins_come_from_the_environment(tmp_path: Path) -> None:
    env = production_env(
        tmp_path, ADMINS="Quản trị <quantri@dongnai.gov.vn>,Trực ca <trucca@dongnai.gov.vn>"
    )

    shown = run_python(SHOW_OPERATIONS, env)

    assert shown["admins"] == [
        ["Quản trị", "quantri@dongnai.gov.vn"],
        ["Trực ca", "trucca@dongnai.gov.vn"],
    ]


def test_plain_logs_and_no_admins_unless_asked(tmp_path: Path) -> None:
    shown = run_python(SHOW_OPERATIONS, production_env(tmp_path))

    assert shown["admins"] == []
    assert shown["console"] == "plain"
    # The worker keeps the portal's handlers (with the ID-number filter), not Celery's.
    assert shown["hijack"] is False


def test_an_unknown_log_format_stops_with_a_clear_message(tmp_path: Path) -> None:
    result = run_manage("check", env=production_env(tmp_path, LOG_FORMAT="xml"))

    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json, not 'xml'" in result.stderr
