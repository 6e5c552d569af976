"""docker-compose.yml, Dockerfile, deploy/ and .env.example, read statically (Docker does
not run here).

The environment the containers get must be one the settings understand: a variable that
portal/settings.py never reads is a typo or a forgotten setting, and fails here.
"""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.envvars import BASE_DIR, ENV_EXAMPLE, env_file_variables, settings_variables

APP_SERVICES = ("web", "worker", "beat")
NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
GUNICORN_CONF = "deploy/gunicorn.conf.py"
# Secrets compose must refuse to start without: no default anyone could guess.
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD")
# ${NAME}, ${NAME:-default}, ${NAME:?message} …
_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


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


def compose_text() -> str:
    return (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")


def compose_variables() -> set[str]:
    """The variables docker compose substitutes (from .env or the shell)."""
    return {match.group(1) for match in _INTERPOLATION.finditer(compose_text())}


def nginx_directives() -> list[list[str]]:
    """deploy/nginx.conf as a list of directives (words), comments dropped."""
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text(encoding="utf-8"))
    statements = re.split(r"[;{}]", text)
    return [statement.split() for statement in statements if statement.split()]


def directive(name: str) -> list[list[str]]:
    return [words[1:] for words in nginx_directives() if words[0] == name]


def test_the_six_services_of_the_production_shape(services: dict[str, dict[str, Any]]) -> None:
    assert {"proxy", "web", "worker", "beat", "db", "redis", "mail"} <= set(services)
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
        assert re.fullmatch(
            r"redis://:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379/0", environment["CELERY_BROKER_URL"]
        )
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
            # The compose-only values (passwords, the port) are in the same file.
            unknown = env_file_variables(path) - known - compose_variables()
            assert not unknown, f"{path.name} sets variables the settings never read: {unknown}"


def test_env_example_lists_exactly_the_variables_the_settings_and_compose_read() -> None:
    listed = env_file_variables(ENV_EXAMPLE)
    read = settings_variables()

    assert read - listed == set(), "undocumented in .env.example"
    assert listed - read - compose_variables() == set(), "in .env.example but never read"


def test_env_example_asks_for_every_secret_and_holds_none() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()

    for secret in SECRETS:
        assert f"{secret}=" in lines, secret  # present, uncommented and empty


def test_compose_refuses_to_start_without_a_secret() -> None:
    """Every use of a secret is ${NAME:?message}: no silent default password or key."""
    uses = [m for m in _INTERPOLATION.finditer(compose_text()) if m.group(1) in SECRETS]

    assert {m.group(1) for m in uses} == set(SECRETS)
    for use in uses:
        assert use.group(2) == ":?" and use.group(3).strip(), use.group(0)
    assert "POSTGRES_PASSWORD: motcua" not in compose_text()


def test_the_database_and_redis_passwords_reach_both_sides(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "${POSTGRES_PASSWORD:?" in services["db"]["environment"]["POSTGRES_PASSWORD"]
    redis_command = " ".join(services["redis"]["command"])
    assert "--requirepass ${REDIS_PASSWORD:?" in redis_command
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://motcua:${POSTGRES_PASSWORD:?")
        assert environment["CACHE_URL"].startswith("redis://:${REDIS_PASSWORD:?")


# --- The proxy --------------------------------------------------------------------------
def published_ports(service: dict[str, Any]) -> list[str]:
    return [str(port) for port in service.get("ports", [])]


def test_only_the_proxy_publishes_a_port_to_the_network(
    services: dict[str, dict[str, Any]],
) -> None:
    assert published_ports(services["proxy"]) == ["${HTTP_PORT:-8000}:8080"]
    for name, service in services.items():
        if name == "proxy":
            continue
        for port in published_ports(service):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} to every interface"
    assert "ports" not in services["web"]  # gunicorn only behind nginx


def test_the_mail_catchers_web_ui_is_for_this_machine_only(
    services: dict[str, dict[str, Any]],
) -> None:
    assert published_ports(services["mail"]) == ["127.0.0.1:8025:8025"]


def test_the_proxy_is_nginx_with_our_configuration(services: dict[str, dict[str, Any]]) -> None:
    proxy = services["proxy"]

    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert directive("listen") == [["8080"]]
    assert ["server", "web:8000"] in [["server", *words] for words in directive("server")]
    assert directive("proxy_pass") == [["http://motcua_web"]]


def test_the_proxy_buffers_slow_clients_away_from_the_sync_workers() -> None:
    assert directive("proxy_buffering") == [["on"]]
    assert directive("proxy_request_buffering") == [["on"]]  # the whole upload first
    for timeout in (
        "client_header_timeout",
        "client_body_timeout",
        "send_timeout",
        "proxy_connect_timeout",
        "proxy_read_timeout",
    ):
        (value,) = directive(timeout)
        seconds = int(value[0].removesuffix("s"))
        assert 1 <= seconds <= 120, timeout
    (body_size,) = directive("client_max_body_size")
    assert int(body_size[0].removesuffix("m")) >= 10  # a 10 MB dossier file gets through


def test_the_proxy_passes_the_client_address_and_a_request_id() -> None:
    headers = {words[0]: words[1] for words in directive("proxy_set_header")}

    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$forwarded_proto"
    assert headers["X-Request-ID"] == "$request_id"
    assert headers["Host"] == "$host"


def test_the_app_trusts_exactly_the_one_proxy_in_front(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in APP_SERVICES:
        assert services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"


def test_the_proxys_access_log_never_prints_a_query_string() -> None:
    formats = " ".join(" ".join(words) for words in directive("log_format"))

    assert "$uri" in formats
    for leaking in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert leaking not in formats + " ", leaking
    assert directive("access_log") == [["/dev/stdout", "motcua"]]


# --- Health checks and gunicorn ---------------------------------------------------------
def healthcheck_text(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_compose_health_checks_use_the_probes(services: dict[str, dict[str, Any]]) -> None:
    from django.urls import reverse

    assert reverse("readyz") == "/readyz"
    assert reverse("healthz") == "/healthz"
    assert "http://127.0.0.1:8000/readyz" in healthcheck_text(services["web"])
    assert "http://127.0.0.1:8080/healthz" in healthcheck_text(services["proxy"])


def test_gunicorn_runs_with_the_projects_configuration(
    services: dict[str, dict[str, Any]],
) -> None:
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")

    assert f"--config {GUNICORN_CONF}" in command_line(services["web"])
    assert f'"--config", "{GUNICORN_CONF}"' in dockerfile
    assert (BASE_DIR / GUNICORN_CONF).exists()


def test_the_image_installs_the_locked_dependencies() -> None:
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")

    assert "pip install --require-hashes -r requirements/lock.txt" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert dockerfile.index("requirements/lock.txt") < dockerfile.index("COPY . .")


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
