"""Playwright against Debian's Chromium and pytest-django's live server.

The sync Playwright API runs an event loop in the test thread, so Django's "no ORM calls
from async context" guard would refuse the test's own database writes: allowed here only.

Every page a test opens is audited with axe-core (tests/browser/axe.py): a serious or
critical accessibility violation on any page the test visited fails it.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.axe import AUDITS, Audit, fail_on_violations, watch_navigations, write_record

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-liberation)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def axe_audit(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Callable[[Page], Audit]]:
    """Attach an axe-core audit to a page; the test fails at teardown on any serious or
    critical violation found on any document the page showed."""
    watch_navigations(monkeypatch)
    audits: list[Audit] = []

    def attach(page: Page) -> Audit:
        audit = Audit(page)
        page.on("load", audit.on_load)
        AUDITS[id(page)] = audit
        audits.append(audit)
        return audit

    yield attach

    for audit in audits:
        AUDITS.pop(id(audit.page), None)
    write_record(audits, ARTIFACTS / "axe" / f"{request.node.name}.txt")
    fail_on_violations(audits)


@pytest.fixture
def page(browser, live_server, axe_audit) -> Iterator[object]:
    """A fresh desktop-sized page (1280 px wide) in Vietnamese, one context per test, audited
    by axe-core on every document it shows."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="vi-VN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    audit = axe_audit(page)
    yield page
    audit.check()  # the page the test ended on, before the context goes
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def give_second_factor(page: Page, user: "object") -> None:
    """After the password step of a person whose login asks for a code (heads, supervisors,
    administrators): the six digits their authenticator would show, computed from the device
    key (tests/twofactor.py). Someone with no authenticator gets one first, as a newcomer
    would have enrolled; anyone else goes straight on."""
    import re

    from playwright.sync_api import expect

    from accounts.twofactor import has_second_factor, requires_second_factor
    from tests.twofactor import current_code

    if not (requires_second_factor(user) or has_second_factor(user)):  # type: ignore[arg-type]
        return
    expect(page).to_have_url(re.compile(r"/tai-khoan/(dang-nhap/ma-xac-thuc|xac-thuc-hai-buoc)/"))
    if "ma-xac-thuc" not in page.url:
        # Enrolled behind the page's back: the password again leads to the code step.
        current_code(user)  # type: ignore[arg-type]
        page.goto("/tai-khoan/dang-nhap/ma-xac-thuc/")
    page.get_by_label("Mã xác thực").fill(current_code(user))  # type: ignore[arg-type]
    page.locator("main").get_by_role("button", name="Xác nhận").click()


def received_code(page: Page, submitted: str) -> str:
    """After "Tiếp nhận": the code the dossier now carries (given at receipt, with the settling
    agency's e-ID, docs/legal.md#dossier-code), as the success message names it. The
    reference of the submission still finds the dossier."""
    from playwright.sync_api import expect

    from dossiers.models import Dossier

    message = page.locator(".message.success")
    expect(message).to_contain_text("“Tiếp nhận” với hồ sơ")
    code = str(Dossier.objects.get(submission_reference=submitted).code)
    expect(message).to_contain_text(f"“Tiếp nhận” với hồ sơ {code}.")
    return code
