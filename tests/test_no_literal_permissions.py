"""Permission strings are spelled once, in ``accounts/roles.py`` (issue 11, item 5).

Everything else asks a predicate (``roles.is_clerk(user)``), passes a constant
(``roles.RECEIVE_DOSSIER``), or, in a template, reads ``roles`` (the context processor of
``accounts/context_processors.py``). This scan fails, naming the file and the line, on a
literal of a project codename (``"accounts.receive_dossier"``, a bare ``"receive_dossier"``),
on ``has_perm`` given a string, and on a template reading ``perms.…``. Outside the scan:
``accounts/`` (where the codenames live), migrations (frozen history), the tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Never descended into (besides hidden folders): not the project's code, or its history.
SKIPPED_DIRS = {"var", "node_modules", "__pycache__", "migrations", "locale", "static"}
# Top-level folders whose Python is not scanned: the codenames' home, the tests.
PYTHON_EXEMPT = {"accounts", "tests"}
TEMPLATE_SUFFIXES = {".html", ".txt"}


def custom_permissions() -> list[tuple[str, str]]:
    """(app_label, codename) of every ``Meta.permissions`` of the project's models."""
    return [
        (model._meta.app_label, codename)
        for model in apps.get_models()
        for codename, _ in model._meta.permissions
    ]


def patterns() -> list[tuple[re.Pattern[str], set[str]]]:
    """Each pattern with the kinds of file it applies to ("py", "template")."""
    dotted = "|".join(re.escape(f"{app}.{codename}") for app, codename in custom_permissions())
    bare = "|".join(re.escape(codename) for _, codename in custom_permissions())
    return [
        # "accounts.receive_dossier", and perms.accounts.receive_dossier in a template.
        (re.compile(rf"(?<![\w.])(?:{dotted})\b"), {"py", "template"}),
        (re.compile(rf"\bperms\.accounts\.(?:{bare})\b"), {"template"}),
        # The bare codename as a string (a filter on Permission.codename).
        (re.compile(rf"""["'](?:{bare})["']"""), {"py"}),
        # has_perm("…") / has_perms(["…"]): any permission spelled out, the project's or Django's.
        (re.compile(r"""\.has_perms?\(\s*[\[(]?\s*[rbuf]*["']"""), {"py"}),
        # A template asking Django's perms directly.
        (re.compile(r"\bperms\.\w+"), {"template"}),
    ]


def _files(root: Path) -> Iterator[tuple[Path, str]]:
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        top = here.relative_to(root).parts[:1]
        for name in sorted(names):
            path = here / name
            if path.suffix == ".py" and not (top and top[0] in PYTHON_EXEMPT):
                yield path, "py"
            elif path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(root).parts:
                yield path, "template"


def literal_permissions(root: Path) -> list[str]:
    """Each permission spelled out where it should not be, as ``path:line: text``."""
    checks = patterns()
    found = []
    for path, kind in _files(root):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if any(kind in kinds and pattern.search(line) for pattern, kinds in checks):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_the_project_has_custom_permissions_to_look_for():
    assert ("accounts", "receive_dossier") in custom_permissions()


def test_no_permission_is_spelled_outside_accounts():
    found = literal_permissions(ROOT)

    assert not found, (
        "Use the constants and predicates of accounts/roles.py (in templates, `roles`):\n"
        + "\n".join(found)
    )


def test_the_scan_names_the_file_and_line_of_a_literal(tmp_path):
    """The guard itself: each way of spelling a permission is caught, where it counts."""
    (tmp_path / "dossiers" / "templates").mkdir(parents=True)
    (tmp_path / "accounts").mkdir()
    (tmp_path / "dossiers" / "views.py").write_text(
        "from accounts import roles\n"
        "ok = roles.is_clerk(user)\n"
        'a = user.has_perm("accounts.receive_dossier")\n'
        'b = Q(codename__in=("approve_dossier",))\n'
        "c = user.has_perm(f'procedures.{action}_procedure')\n"
        'd = "see accounts.roles.RECEIVE_DOSSIER"\n',
        encoding="utf-8",
    )
    (tmp_path / "dossiers" / "templates" / "page.html").write_text(
        "{% if roles.is_clerk %}ok{% endif %}\n{% if perms.accounts.supervise_province %}{% endif %}\n",
        encoding="utf-8",
    )
    (tmp_path / "accounts" / "roles.py").write_text(
        'RECEIVE_DOSSIER = "accounts.receive_dossier"\n', encoding="utf-8"
    )

    found = literal_permissions(tmp_path)

    assert sorted(entry.split(": ", 1)[0] for entry in found) == [
        os.path.join("dossiers", "templates", "page.html") + ":2",
        os.path.join("dossiers", "views.py") + ":3",
        os.path.join("dossiers", "views.py") + ":4",
        os.path.join("dossiers", "views.py") + ":5",
    ]
