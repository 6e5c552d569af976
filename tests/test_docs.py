"""The project's own documents stay true to the code (issue 11 item 7).

Four guards: the state chart in ``docs/architecture.md`` is the one the django-fsm-2
transitions of ``Dossier.state`` draw today (``manage.py statechart``); every ``docs/…``
path the code, the templates, the scripts or the README cite exists; every section of
the design a comment cites (``docs/design.md §7``, ``§12 P1``) is a heading of
``docs/design.md``; and every rule of the legal sources a comment cites
(``docs/legal.md#reception``) is a heading of ``docs/legal.md``, so a citation never points
at nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dossiers.management.commands import statechart

ROOT = Path(settings.BASE_DIR)
DESIGN = ROOT / "docs" / "design.md"
LEGAL = ROOT / "docs" / "legal.md"

# Where nobody writes a citation of ours: installed packages, runtime data, the catalogues,
# the benchmark's recorded output.
SKIPPED_DIRS = {".venv", "var", "node_modules", "locale", "test-artifacts", "results", ".git"}
SUFFIXES = {".py", ".html", ".txt", ".toml", ".sh", ".js", ".css", ".yml", ".yaml", ".cfg"}
SUFFIXES |= {".ini", ".md", ".conf"}
# Scripts without a suffix (./run, ./test, ./benchmark, .ci/run, the Dockerfile).
SCRIPTS = {"run", "test", "benchmark", "Dockerfile", "lock", "bootstrap"}
# Documents announced before they are written (none at the moment).
PLANNED: set[str] = set()

# ``docs/adr/0014-…md``, ``docs/adr/0014`` (a prefix of one), ``docs/design.md``; not the
# ``api/docs/`` route.
DOC_PATH = re.compile(r"(?<![\w/.-])docs/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]")
# ``docs/design.md §7, §9``, ``docs/design.md §12 P1``.
CITATION = re.compile(
    r"docs/design\.md\s*"
    r"((?:§\s*\d+(?:\.\d+)*(?:\s+P\d+)?(?:\s*(?:,|;|and|&)\s*(?=§))?)+)"
)
SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)(?:\s+(P\d+))?")
HEADING = re.compile(r"^#{1,6}\s+(?:§\s*)?(\d+(?:\.\d+)*)[.\s]", re.MULTILINE)
FIGURE_HEADING = re.compile(r"^#{2,6}\s+(P\d+)\b", re.MULTILINE)
# ``docs/legal.md#supplement-once-at-reception``: an anchor as GitHub makes it from a heading.
LEGAL_CITATION = re.compile(r"docs/legal\.md#([\w-]+)")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _sources() -> Iterator[Path]:
    """The repository's own text files, without walking into the skipped folders."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in SUFFIXES or (not path.suffix and name in SCRIPTS):
                yield path


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page: lower case, punctuation
    dropped (letters with diacritics, digits, ``_`` and ``-`` kept), each space a ``-``; a
    heading seen before gets ``-1``, ``-2``… Headings inside fenced code are not headings."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    text = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    for heading in MARKDOWN_HEADING.findall(text):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _citations(pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """``(where, what)`` for each match of ``pattern`` in the repository's own files."""
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(line):
                yield f"{path.relative_to(ROOT)}:{number}", match.group(0)


def test_statechart_in_architecture_is_the_code_s() -> None:
    text = statechart.DOC.read_text(encoding="utf-8")
    assert statechart.embedded(text) == statechart.render(), (
        "docs/architecture.md does not show the dossier workflow the code declares: "
        "run `python manage.py statechart --write` and commit the page"
    )


def test_statechart_command_checks_and_prints() -> None:
    call_command("statechart", check=True)  # raises CommandError when they differ
    printed = statechart.render()
    assert printed.count("```mermaid\nstateDiagram-v2\n") == 1
    # Every transition of the workflow is an edge, every terminal state an end.
    for name in ("submit", "receive", "hand_over", "propose", "approve", "return_result"):
        assert f" : {name}\n" in printed
    for state in ("refused", "stopped", "withdrawn", "returned"):
        assert f"    {state} --> [*]\n" in printed
    assert "    [*] --> draft\n" in printed


def test_statechart_check_fails_on_a_stale_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "architecture.md"
    stale.write_text(
        f"# x\n\n{statechart.START}\nold drawing\n{statechart.END}\n\nafter\n", encoding="utf-8"
    )
    monkeypatch.setattr(statechart, "DOC", stale)
    with pytest.raises(CommandError, match="statechart --write"):
        call_command("statechart", check=True)
    call_command("statechart", write=True)
    rewritten = stale.read_text(encoding="utf-8")
    assert statechart.embedded(rewritten) == statechart.render()
    assert rewritten.startswith("# x\n\n") and rewritten.endswith("\n\nafter\n")


def test_every_docs_path_cited_exists() -> None:
    missing = []
    for where, cited in _citations(DOC_PATH):
        path = cited.rstrip("/.")
        if path in PLANNED or (ROOT / path).exists():
            continue
        # ``docs/adr/0014`` names the record whose file starts with it.
        folder, _, stem = path.rpartition("/")
        if stem and any((ROOT / folder).glob(f"{stem}*")):
            continue
        missing.append(f"{where}: {cited}")
    assert not missing, "cited documents that do not exist:\n" + "\n".join(missing)


def test_every_design_section_cited_is_a_heading() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    sections = set(HEADING.findall(text))
    figures = set(FIGURE_HEADING.findall(text))
    unknown = []
    cited = 0
    for where, citation in _citations(CITATION):
        if where.startswith("docs/design.md:"):
            continue
        for section, figure in SECTION.findall(citation):
            cited += 1
            if section not in sections:
                unknown.append(f"{where}: {citation} (no heading {section}.)")
            elif figure and figure not in figures:
                unknown.append(f"{where}: {citation} (no heading {figure})")
    assert cited, "no citation of the design found: the pattern no longer matches the code's"
    assert not unknown, "sections of docs/design.md cited but missing:\n" + "\n".join(unknown)


def test_no_citation_points_outside_the_repository() -> None:
    """The brief the project grew from is not in the repository: the code cites its own
    docs/design.md, never the outside brief by its own name and section sign."""
    outside = [where for where, _ in _citations(re.compile(r"\bDESIGN\s*§"))]
    assert not outside, "cite docs/design.md instead:\n" + "\n".join(outside)


def test_github_anchors_are_github_s() -> None:
    page = (
        "# Legal sources\n## Time limits and working time\n### Forms 01 to 06\n"
        "## National portal sync (planned)\n## Reception\n### Reception\n"
        "```\n## not a heading\n```\n### Tiếp nhận hồ sơ\n"
    )
    assert github_anchors(page) == {
        "legal-sources",
        "time-limits-and-working-time",
        "forms-01-to-06",
        "national-portal-sync-planned",
        "reception",
        "reception-1",
        "tiếp-nhận-hồ-sơ",
    }


def test_every_legal_rule_cited_is_a_heading() -> None:
    """A comment that cites a rule (``docs/legal.md#reception``) points at a rule the page still has: a
    heading renamed or removed there must take its citations with it."""
    anchors = github_anchors(LEGAL.read_text(encoding="utf-8"))
    unknown = []
    cited = 0
    for where, citation in _citations(LEGAL_CITATION):
        cited += 1
        if citation.partition("#")[2] not in anchors:
            unknown.append(f"{where}: {citation}")
    assert cited, "no citation of docs/legal.md found: the pattern no longer matches the code's"
    assert not unknown, "rules of docs/legal.md cited but missing:\n" + "\n".join(unknown)
