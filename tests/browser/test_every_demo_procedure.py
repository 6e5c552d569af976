"""Every procedure of the demo catalogue through its whole life, in a real browser, by the demo
people the README lists (issue 9 item 6).

For each procedure the demo citizen files online at its first receiving centre, with one
real PDF per required component; the clerk of that centre receives it (choosing the fee
lines where the procedure has a choice) and hands it over; each unit of the internal process
hands it on to the next; the last unit's specialist proposes the result with its document
and the unit's head approves; the clerk records the fees paid with a receipt number and
returns the result; the citizen finds "Đã trả kết quả" and downloads the result. Each person
signs in once, in their own browser context, through the login form, and finds the dossier
from their workspace. Every page shown is audited with axe-core.

It fails when a demo unit has nobody to act, a form refuses what a person would type, a
button a step needs is missing, or the dossier ends in any state but returned.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfWriter

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from demo.province import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from dossiers.models import Dossier, DossierStep, State
from procedures.models import Procedure
from tests.browser.conftest import give_second_factor, received_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CITIZEN_EMAIL = f"congdan@{DEMO_EMAIL_DOMAIN}"


def _pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


# A page's kind: its path with codes and numbers taken out, the names of its query
# parameters, the state of the dossier it shows and whether it shows an error; each kind is
# audited by axe once in the walk (the other browser tests audit every page they open).
PAGE_KIND = """() => [
  location.pathname.split("/").map(part => /[0-9]/.test(part) ? "*" : part).join("/"),
  [...new URLSearchParams(location.search).keys()].sort().join(","),
  document.querySelector("h1 .dossier-state")?.textContent.trim() ?? "",
  document.querySelector(".field-error, [role=alert] .error") ? "error" : "",
].join(" | ")"""


class People:
    """One signed-in browser page per person, opened on first need."""

    def __init__(self, browser: Browser, base_url: str, axe_audit) -> None:
        self.browser, self.base_url, self.axe_audit = browser, base_url, axe_audit
        self.pages: dict[int, Page] = {}
        self.kinds_seen: set[str] = set()

    def page_of(self, user: User) -> Page:
        if user.pk not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url, viewport={"width": 1280, "height": 900}, locale="vi-VN"
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            audit = self.axe_audit(page)
            audit.kind_of = lambda shown: shown.evaluate(PAGE_KIND)
            audit.kinds_seen = self.kinds_seen
            page.goto("/tai-khoan/dang-nhap/")
            page.get_by_label("Thư điện tử hoặc số điện thoại").fill(user.email)
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.locator("main").get_by_role("button", name="Đăng nhập").click()
            give_second_factor(page, user)
            expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
            self.pages[user.pk] = page
        return self.pages[user.pk]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def people(browser, live_server, axe_audit, settings, tmp_path) -> Iterator[People]:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    crowd = People(browser, live_server.url, axe_audit)
    yield crowd
    crowd.close()


def _one(role: str, **where: object) -> User:
    user = (
        User.objects.filter(groups__name=ROLE_BY_KEY[role].group_name, is_active=True, **where)
        .order_by("pk")
        .first()
    )
    assert user is not None, f"the demo has no {role} for {where}"
    return user


def _holder(step: DossierStep, role: str) -> User:
    if step.agency_id == step.dossier.agency_id:
        return _one("clerk", agency_id=step.agency_id)  # a step of the one-stop section
    where: dict[str, object] = {"agency_id": step.agency_id}
    if step.department_id:
        where["department_id"] = step.department_id
    return _one(role, **where)


def _open(page: Page, code: str) -> None:
    """From the person's workspace to the dossier, as they would look it up."""
    page.goto(f"/can-bo/?q={code}")
    page.get_by_role("link", name=code, exact=True).first.click()
    expect(page.locator("h1 .dossier-code")).to_have_text(code)


def _act(page: Page, label: str, code: str | None) -> None:
    """The action's button; its confirmation, or its page where it asks for more. Without a
    code (reception gives the dossier its code), the caller checks the message."""
    page.locator(".staff-actions").get_by_role("link", name=label, exact=True).click()
    dialog = page.get_by_role("dialog")
    form = page.locator(".staff-action form")
    expect(dialog.or_(form).first).to_be_visible()
    if dialog.is_visible():
        dialog.get_by_role("button", name=f"Xác nhận: {label}").click()
    else:
        form.get_by_role("button", name=label, exact=True).click()
    if code is None:
        return
    expect(page.locator(".message.success")).to_contain_text(
        f"Đã thực hiện “{label}” với hồ sơ {code}."
    )


def _file_online(page: Page, procedure: Procedure, folder: Path) -> str:
    page.goto(f"/thu-tuc/{procedure.code}/")
    page.locator("#file-dossier").click()
    page.get_by_role("button", name="Lưu bản nháp và tiếp tục").click()
    expect(page.locator(".message.success")).to_contain_text("Đã lưu bản nháp")
    missing = page.locator(".dossier-checklist-item.is-missing")
    for left in range(missing.count(), 0, -1):
        row = missing.first
        row.locator("input[type=file]").set_input_files(_pdf(folder / "giay-to.pdf"))
        row.get_by_role("button", name="Tải lên").click()
        expect(missing).to_have_count(left - 1)
    expect(page.get_by_text("Đã đủ thành phần hồ sơ bắt buộc.")).to_be_visible()
    page.locator("#submit-dossier").click()
    expect(page.locator(".message.success")).to_contain_text("Mã hồ sơ của bạn là")
    return page.locator("h1 .dossier-code").inner_text().strip()


def _internal_steps(dossier: Dossier) -> list[DossierStep]:
    """The steps between reception and return (the units that appraise and decide)."""
    steps = list(dossier.steps.order_by("order"))
    return steps[1:-1]


def test_every_demo_procedure_lives_its_whole_life_in_the_browser(people, tmp_path):
    citizen = User.objects.get(email=CITIZEN_EMAIL)
    procedures = list(Procedure.objects.filter(agencies__isnull=False).distinct().order_by("code"))
    assert len(procedures) >= 20  # the whole demo catalogue, not a sample of it
    walked = []
    for procedure in procedures:
        code = _file_online(people.page_of(citizen), procedure, tmp_path)
        dossier = Dossier.objects.get(code=code)

        clerk = _one("clerk", agency_id=dossier.agency_id)
        clerk_page = people.page_of(clerk)
        _open(clerk_page, code)
        _act(clerk_page, "Tiếp nhận", None)
        code = received_code(clerk_page, code)
        _act(clerk_page, "Chuyển xử lý", code)

        internal = _internal_steps(dossier)
        assert internal, f"{procedure.code} has no unit to appraise it"
        for step in internal[:-1]:
            holder = people.page_of(_holder(step, "specialist"))
            _open(holder, code)
            _act(holder, "Chuyển xử lý", code)

        last = internal[-1]
        specialist = people.page_of(_holder(last, "specialist"))
        _open(specialist, code)
        specialist.locator(".staff-actions").get_by_role(
            "link", name="Đề xuất kết quả", exact=True
        ).click()
        specialist.get_by_label("Giải quyết", exact=True).check()
        specialist.get_by_label("Văn bản kết quả").set_input_files(_pdf(tmp_path / "ket-qua.pdf"))
        specialist.locator(".staff-action form").get_by_role(
            "button", name="Đề xuất kết quả"
        ).click()
        expect(specialist.locator(".message.success")).to_contain_text("Đề xuất kết quả")

        head = people.page_of(_holder(last, "head"))
        _open(head, code)
        _act(head, "Phê duyệt", code)

        _open(clerk_page, code)
        dossier.refresh_from_db()
        if dossier.fee_total:
            clerk_page.get_by_role("link", name="Ghi nhận nộp phí, lệ phí").click()
            clerk_page.get_by_label("Số biên lai").fill(f"BL-{dossier.pk:05d}")
            clerk_page.get_by_role("button", name="Ghi nhận đã nộp").click()
            expect(clerk_page.locator(".message.success")).to_be_visible()
        _act(clerk_page, "Trả kết quả", code)

        mine = people.page_of(citizen)
        mine.goto(f"/ho-so-cua-toi/{code}/")
        expect(mine.locator("h1 .dossier-state")).to_have_text("Đã trả kết quả")
        with mine.expect_download() as caught:
            mine.get_by_role("link", name="Tải văn bản kết quả").click()
        assert caught.value.suggested_filename.startswith(f"{code}-ket-qua")
        dossier.refresh_from_db()
        assert dossier.state == State.RETURNED
        assert not dossier.fee_total or dossier.payment_status == "paid", procedure.code
        walked.append(procedure.code)
    assert walked == [p.code for p in procedures]
