"""requirements/lock.txt and dev-lock.txt: what ./run, ./test and the image install.

A dependency added to pyproject.toml without running scripts/lock fails here, as does a
lock whose pins no longer satisfy pyproject.toml, or a stamp that misses a changed lock.
"""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.envvars import BASE_DIR

PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {
    "runtime": BASE_DIR / "requirements/lock.txt",
    "dev": BASE_DIR / "requirements/dev-lock.txt",
}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)(\s*;[^\\]*)?", re.MULTILINE)


def pins(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, version, _marker in _PIN.findall(path.read_text(encoding="utf-8")):
        found.setdefault(canonicalize_name(name), set()).add(version)
    return found


def test_every_pin_carries_its_hashes() -> None:
    for path in LOCKS.values():
        entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text(encoding="utf-8"))
        for entry in entries:
            if _PIN.match(entry):
                assert "--hash=sha256:" in entry, entry.splitlines()[0]


@pytest.mark.parametrize(
    ("kind", "requirements"),
    [
        ("runtime", PYPROJECT["project"]["dependencies"]),
        (
            "dev",
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["dev"],
        ),
    ],
)
def test_the_lock_pins_every_dependency_of_pyproject(kind: str, requirements: list[str]) -> None:
    pinned = pins(LOCKS[kind])
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in {LOCKS[kind].name}: run scripts/lock"
        assert any(requirement.specifier.contains(v, prereleases=True) for v in pinned[name]), (
            f"{LOCKS[kind].name} pins {name} {pinned[name]} outside {requirement.specifier}: run scripts/lock"
        )


def test_production_runs_the_versions_the_tests_ran() -> None:
    runtime, dev = pins(LOCKS["runtime"]), pins(LOCKS["dev"])

    for name, versions in runtime.items():
        assert versions <= dev.get(name, set()), name


def test_the_licence_is_a_pep_639_expression() -> None:
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]


@pytest.fixture
def fake_checkout(tmp_path: Path) -> Path:
    """A checkout whose .venv/bin/python only records how it was called."""
    (tmp_path / "requirements").mkdir()
    for kind, lock in LOCKS.items():
        (tmp_path / "requirements" / lock.name).write_text(f"# {kind}\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/../calls"\n')
    python.chmod(0o755)
    return tmp_path


def ensure_venv(checkout: Path, kind: str) -> list[str]:
    calls = checkout / ".venv" / "calls"
    calls.unlink(missing_ok=True)
    subprocess.run(
        ["bash", "-c", f"source {BASE_DIR / 'scripts/bootstrap.sh'}; ensure_venv {kind}"],
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    )
    return calls.read_text().splitlines() if calls.exists() else []


def test_ensure_venv_installs_the_lock_then_the_project_without_dependencies(fake_checkout):
    calls = ensure_venv(fake_checkout, "dev")

    assert len(calls) == 2
    assert "--require-hashes -r requirements/dev-lock.txt" in calls[0]
    assert calls[1].endswith("--no-deps -e .")


def test_ensure_venv_reinstalls_only_when_the_lock_changes(fake_checkout):
    ensure_venv(fake_checkout, "dev")

    assert ensure_venv(fake_checkout, "dev") == []  # unchanged: nothing installed
    assert ensure_venv(fake_checkout, "runtime") == []  # ./test's install serves ./run
    (fake_checkout / "requirements" / "dev-lock.txt").write_text("# dev, one pin more\n")
    assert len(ensure_venv(fake_checkout, "dev")) == 2


def test_a_changed_runtime_lock_is_installed_for_run(fake_checkout):
    ensure_venv(fake_checkout, "runtime")
    (fake_checkout / "requirements" / "lock.txt").write_text("# runtime, newer\n")

    calls = ensure_venv(fake_checkout, "runtime")

    assert "--require-hashes -r requirements/lock.txt" in calls[0]


def test_lock_is_one_command_that_the_scripts_name() -> None:
    lock = (BASE_DIR / "scripts" / "lock").read_text(encoding="utf-8")

    assert "--generate-hashes" in lock and "--universal" in lock
    assert "requirements/dev-lock.txt" in lock and "requirements/lock.txt" in lock
    subprocess.run(["bash", "-n", str(BASE_DIR / "scripts" / "lock")], check=True)
    for script in ("run", "test", "scripts/bootstrap.sh", ".ci/run"):
        subprocess.run(["bash", "-n", str(BASE_DIR / script)], check=True)
