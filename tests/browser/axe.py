"""axe-core over every page a browser test visits (issue 9, item 8).

axe-core comes from the PyPI package ``axe-playwright-python`` (pinned in the ``dev`` extras),
which ships Deque's ``axe.min.js``: ``pip install -e '.[dev]'`` (what ``./test`` runs) brings
it to a fresh machine with no npm step. Only the script is used; the audit below runs it.

When: each document is audited once, just before the test does something that may leave it
(a click, a key press, ``goto``, ``reload``, going back) and at the end of the test, so the
audit sees the page as the person saw it (after the form errors, the flash messages, the
opened details) and never races a navigation. A violation whose impact is serious or
critical fails the test at teardown, with the rule, the elements and the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    url: str

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.rule} ({self.help}) on {self.url}: {shown}"


@dataclass
class Audit:
    """The axe results of one browser page: every document it showed, audited once."""

    page: Page
    loads: int = 0
    audited_load: int = -1
    violations: list[Violation] = field(default_factory=list)  # serious and critical
    findings: list[Violation] = field(default_factory=list)  # every impact, for the record
    audited_urls: list[str] = field(default_factory=list)
    # For a long walk that shows the same pages again and again (every demo procedure through
    # its whole life): the kind of page shown, and the kinds already audited, shared by the
    # walk's pages. A kind is audited once; other tests audit every document.
    kind_of: Callable[[Page], str] | None = None
    kinds_seen: set[str] | None = None

    def on_load(self, _page: Page) -> None:
        self.loads += 1  # no Playwright call here: the audit runs from the test's own thread

    def check(self, *, again: bool = False) -> None:
        """Audit the current document, unless it was audited already (``again``: audit it
        anyway, for a page that changed without loading a new document)."""
        if self.page.is_closed() or self.loads == 0:
            return
        if self.audited_load == self.loads and not again:
            return
        url = self.page.url
        if not url.startswith("http"):
            return
        if self.kind_of is not None and self.kinds_seen is not None and not again:
            try:
                kind = self.kind_of(self.page)
            except PlaywrightError:
                self.page.wait_for_load_state()
                return
            if kind in self.kinds_seen:
                self.audited_load = self.loads
                return
            self.kinds_seen.add(kind)
        try:
            if not self.page.evaluate("() => typeof window.axe === 'object'"):
                self.page.evaluate(AXE_SCRIPT)
            found = self.page.evaluate(RUN_AXE)
        except PlaywrightError:
            # The document went away under the audit (a navigation still under way): wait for
            # the next one to load and audit that instead.
            self.page.wait_for_load_state()
            return
        self.audited_load = self.loads
        self.audited_urls.append(url)
        for item in found:
            violation = Violation(
                item["id"], item["impact"], item["help"], tuple(item["targets"]), url
            )
            self.findings.append(violation)
            if item["impact"] in FAILING_IMPACTS:
                self.violations.append(violation)

    def report(self) -> str:
        unique = list(dict.fromkeys(self.violations))
        return "\n".join(str(v) for v in unique)


AUDITS: dict[int, Audit] = {}


def audit_now(page: Page) -> None:
    """Audit the page as it is now: after a script changed it in place (Swagger UI opening an
    operation), which no navigation would catch."""
    AUDITS[id(page)].check(again=True)


# What a test does that may take the page to another document.
PAGE_ACTIONS = ("goto", "reload", "go_back", "go_forward", "click", "press")
LOCATOR_ACTIONS = ("click", "press", "dispatch_event")


def _before(owner: Callable[[Any], Page], method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        audit = AUDITS.get(id(owner(self)))
        if audit is not None:
            audit.check()
        return method(self, *args, **kwargs)

    return wrapper


def watch_navigations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Audit the current document before every Playwright action that may leave it."""
    for name in PAGE_ACTIONS:
        monkeypatch.setattr(Page, name, _before(lambda p: p, getattr(Page, name)))
    for name in LOCATOR_ACTIONS:
        monkeypatch.setattr(Locator, name, _before(lambda loc: loc.page, getattr(Locator, name)))


def write_record(audits: list[Audit], path: Path) -> None:
    """test-artifacts/axe/<test>.txt: the pages audited and everything axe said of them
    (moderate and minor findings too, which do not fail the test)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for audit in audits:
        lines += [f"audited {url}" for url in audit.audited_urls]
        lines += [str(v) for v in dict.fromkeys(audit.findings)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fail_on_violations(audits: list[Audit]) -> None:
    problems = [audit.report() for audit in audits if audit.violations]
    if problems:
        pytest.fail(
            "axe-core found serious or critical accessibility violations:\n" + "\n".join(problems),
            pytrace=False,
        )
