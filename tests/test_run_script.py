"""What ``./run`` sets up before it starts the portal (issue 9 item 4).

The slips' QR codes, the e-mails and the digest link to ``SITE_URL``; a newcomer who runs
``PORT=8080 ./run`` must get links to port 8080, not to the default 8000.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def site_url_after_run_setup(cwd: Path, port: str, env: dict[str, str]) -> str:
    """SITE_URL as the settings read it after ./run's set-up for ``port``."""
    script = (
        f"source {ROOT / 'scripts/bootstrap.sh'}; export_site_url {port}; "
        f"cd {ROOT}; {sys.executable} -c "
        "'import django; from django.conf import settings; print(settings.SITE_URL)'"
    )
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SITE_URL"}


def test_links_follow_the_port_the_portal_serves(tmp_path, clean_env):
    assert site_url_after_run_setup(tmp_path, "8123", clean_env) == "http://127.0.0.1:8123"


def test_a_site_url_set_by_the_operator_wins(tmp_path, clean_env):
    env = {**clean_env, "SITE_URL": "https://motcua.example.gov.vn"}
    assert site_url_after_run_setup(tmp_path, "8123", env) == "https://motcua.example.gov.vn"


def test_a_site_url_written_in_dot_env_is_left_to_the_settings(tmp_path, clean_env):
    (tmp_path / ".env").write_text("SITE_URL=https://motcua.example.gov.vn\n")
    script = (
        f"source {ROOT / 'scripts/bootstrap.sh'}; export_site_url 8123; echo ${{SITE_URL:-unset}}"
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=clean_env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "unset"


def test_run_sets_the_site_url_before_it_starts_anything():
    run = (ROOT / "run").read_text()
    assert run.index("export_site_url") < run.index("manage.py runserver")
