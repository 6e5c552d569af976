"""The environment variables portal/settings.py reads, found in its source.

Every `env.<type>("NAME", …)` (and `environ.Env().<type>("NAME", …)`) call counts, in every
branch, so a variable read only with PostgreSQL or only with Redis is known too.
"""

import ast
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "portal" / "settings.py"
ENV_EXAMPLE = BASE_DIR / ".env.example"

_ENV_READERS = {
    "str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "path",
    "db_url", "db", "cache_url", "cache", "email_url", "email", "search_url",
}  # fmt: skip
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def settings_variables() -> set[str]:
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Attribute) and func.attr in _ENV_READERS) or (
            isinstance(func, ast.Name) and func.id == "env"
        )
        if reads_env and _NAME.fullmatch(first.value):
            names.add(first.value)
    return names


def env_file_variables(path: Path) -> set[str]:
    """Names assigned in an env file, commented-out assignments (`# NAME=value`) included."""
    return set(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))


def clean_environment(**values: str) -> dict[str, str]:
    """This process's environment without any variable the settings read, plus `values`."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process; the
    # deploy check rightly warns about it, so no child process inherits it.
    read = settings_variables() | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in read}
    env.update(values)
    return env


def run_manage(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
