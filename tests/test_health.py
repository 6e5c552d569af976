"""/healthz and /readyz: what Docker, the proxy and a province's monitoring see.

Readiness must fail (503) when the database, the broker or the file storage is gone, and
say no more than "failing" with DEBUG off.
"""

import json
import os
from pathlib import Path

import pytest
from django.test import override_settings

from tests.envvars import clean_environment, run_manage

pytestmark = pytest.mark.django_db

PROBE = """
import json, sys
import django
django.setup()
from django.test import Client
response = Client().get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    """DEBUG off unless a test turns it on: the probes' answers in production."""
    settings.DEBUG = False


def test_liveness_answers_anyone_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_200_when_database_broker_and_storage_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "storage": "ok"},
    }


def test_the_probes_need_no_allowed_host_and_no_https(client, settings):
    """Docker probes gunicorn by its address, over plain HTTP."""
    settings.ALLOWED_HOSTS = ["motcua.dongnai.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", HTTP_HOST="172.18.0.5:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="172.18.0.5:8000").status_code == 200
    # Any other page still refuses the unknown host.
    assert client.get("/thu-tuc/", HTTP_HOST="172.18.0.5:8000").status_code == 400


def test_readiness_fails_when_the_embedded_brokers_folder_is_gone(client, settings, tmp_path):
    missing = str(tmp_path / "gone")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": missing,
        "data_folder_out": missing,
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "broker": "failing", "storage": "ok"},
    }


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readiness_fails_when_redis_does_not_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failing"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
def test_readiness_is_200_with_a_redis_broker_that_answers(client, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == "ok"


def test_readiness_fails_when_the_file_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")  # under a file: nothing can be created

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failing"


def test_the_reason_is_shown_only_with_debug_on(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.DEBUG = True

    checks = client.get("/readyz").json()["checks"]

    assert checks["broker"].startswith("failing: ")
    assert "Redis" in checks["broker"]


def probe_readiness(tmp_path: Path, **overrides: str) -> dict:
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="motcua.dongnai.gov.vn",
        VAR_DIR=str(tmp_path),
        **overrides,
    )
    result = run_manage("shell", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_readiness_fails_when_the_database_is_unreachable(tmp_path):
    """A real production process whose database cannot be opened answers 503."""
    shown = probe_readiness(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3")

    assert shown["status"] == 503
    assert shown["body"] == {
        "status": "failing",
        "checks": {"database": "failing", "broker": "ok", "storage": "ok"},
    }


def test_readiness_of_a_production_process_that_has_it_all(tmp_path):
    shown = probe_readiness(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    assert shown == {
        "status": 200,
        "body": {"status": "ok", "checks": {"database": "ok", "broker": "ok", "storage": "ok"}},
    }
