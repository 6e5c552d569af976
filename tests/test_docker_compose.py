"""docker-compose.yml, Dockerfile and .env.example, read statically (Docker does not run here).

The environment the containers get must be one the settings understand: a variable that
portal/settings.py never reads is a typo or a forgotten setting, and fails here.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.envvars import BASE_DIR, ENV_EXAMPLE, env_file_variables, settings_variables

APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def command_line(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment_keys(service: dict[str, Any]) -> set[str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):  # ["NAME=value", …]
        return {item.split("=", 1)[0] for item in environment}
    return set(environment)


def env_files(service: dict[str, Any]) -> list[Path]:
    """The env files a service reads; .env itself is not committed: its template is checked."""
    entries = service.get("env_file", [])
    entries = [entries] if isinstance(entries, str | dict) else entries
    paths = [BASE_DIR / (entry["path"] if isinstance(entry, dict) else entry) for entry in entries]
    return [ENV_EXAMPLE if path == BASE_DIR / ".env" else path for path in paths]


def test_the_six_services_of_the_production_shape(services: dict[str, dict[str, Any]]) -> None:
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mail"]["image"].startswith("axllent/mailpit")


def test_web_worker_and_beat_run_the_portal_image(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == "motcua:latest", name
    assert "gunicorn portal.wsgi:application" in command_line(services["web"])
    assert "manage.py migrate" in command_line(services["web"])
    assert command_line(services["worker"]).startswith("celery -A portal worker")
    assert command_line(services["beat"]).startswith("celery -A portal beat")
    assert (BASE_DIR / "portal" / "wsgi.py").exists()


def test_every_service_has_a_health_check(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_the_app_waits_for_healthy_database_and_broker(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for needed in ("db", "redis"):
            assert depends_on[needed]["condition"] == "service_healthy", (name, needed)
    # Worker and beat start once web has applied the migrations.
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_app_uses_postgres_redis_and_the_mail_catcher(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@db:5432/motcua")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["EMAIL_URL"] == "smtp://mail:1025"
        assert environment["DEBUG"] == "false"


def test_web_worker_and_beat_share_one_env_file(services: dict[str, dict[str, Any]]) -> None:
    files = [env_files(services[name]) for name in APP_SERVICES]

    assert files[0], "no env file"
    assert files[0] == files[1] == files[2]


def test_every_variable_the_containers_get_is_read_by_the_settings(
    services: dict[str, dict[str, Any]],
) -> None:
    known = settings_variables()
    for name in APP_SERVICES:
        unknown = environment_keys(services[name]) - known
        assert not unknown, f"{name} sets variables portal/settings.py never reads: {unknown}"
        for path in env_files(services[name]):
            unknown = env_file_variables(path) - known
            assert not unknown, f"{path.name} sets variables the settings never read: {unknown}"


def test_env_example_lists_exactly_the_variables_the_settings_read() -> None:
    listed = env_file_variables(ENV_EXAMPLE)
    read = settings_variables()

    assert read - listed == set(), "undocumented in .env.example"
    assert listed - read == set(), "in .env.example but never read"


def test_env_example_has_no_secret_in_it() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()

    assert "SECRET_KEY=" in lines  # present, and empty


def test_the_settings_scan_sees_what_the_settings_read() -> None:
    """The scan behind the two tests above finds variables in every branch."""
    read = settings_variables()

    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "VAR_DIR", "CELERY_BROKER_URL"} <= read
    assert "CONN_MAX_AGE" in read  # read only when DATABASE_URL is PostgreSQL


def test_the_image_is_slim_python_3_11_running_as_a_user() -> None:
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")

    assert "FROM python:3.11-slim-bookworm" in dockerfile
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-liberation",
    ):
        assert package in dockerfile
    assert "collectstatic" in dockerfile
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
