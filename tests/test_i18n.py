"""Vietnamese by default, English available (docs/design.md §10, issue 2).

Three guards on the English catalogue, so that a string added later cannot slip through:
every entry of ``locale/en/LC_MESSAGES/django.po`` is translated (no empty msgstr, nothing
fuzzy, same placeholders); every string the code marks for translation is in the catalogue
(a string added without re-running ``makemessages`` fails here); and the committed ``.mo`` is
compiled from the current ``.po`` (a fresh machine needs no gettext tools). Then the pages
themselves: English after the language switch, Vietnamese for a browser that asks for
nothing.

After adding strings: ``DEBUG=true .venv/bin/python manage.py makemessages -l en
--ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete``, translate, then
``DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv``.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import DEFAULT_PASSWORD, StaffFactory

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# What makemessages skips (the --ignore list above, hidden folders, the catalogues).
SKIPPED_DIRS = {".venv", "var", "tests", "bench", "locale", "node_modules", "test-artifacts"}

# The names xgettext extracts from Python with Django's keywords (makemessages).
GETTEXT_NAMES = {
    "_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "gettext_noop": 1,
    "ngettext": 1,
    "ngettext_lazy": 1,
    "pgettext": 2,
    "pgettext_lazy": 2,
    "npgettext": 2,
    "npgettext_lazy": 2,
}
CONTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLURAL_NAMES = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}

PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


# --- reading the .po ---------------------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text.strip())
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> list[Entry]:
    """A small reader of the PO format (polib is not a runtime dependency)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def close() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#~"):
            continue  # obsolete entries are not used at run time
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without a keyword"
            kind, index = target
            text = _unquote(line)
            if kind == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + text
            elif kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgstr[index] += text
        else:
            keyword, _, rest = line.partition(" ")
            if keyword == "msgctxt" and target is not None and target[0] == "msgstr":
                close()
            if keyword == "msgid" and target is not None and target[0] == "msgstr":
                close()
            text = _unquote(rest)
            if keyword == "msgctxt":
                entry.msgctxt, target = text, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, entry.line, target = text, number, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = text, ("msgid_plural", 0)
            elif keyword == "msgstr":
                entry.msgstr[0], target = text, ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                index = int(keyword[len("msgstr[") : -1])
                entry.msgstr[index], target = text, ("msgstr", index)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    close()
    return [e for e in entries if e.msgid]  # the header has an empty msgid


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO.exists(), f"{PO} is missing: run makemessages -l en"
    return read_po(PO)


# --- finding the strings the code marks ---------------------------------------------------------


def _source_files(*suffixes: str) -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if path.suffix not in suffixes or not path.is_file():
            continue
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return sorted(found)


@dataclass(frozen=True)
class Marked:
    msgctxt: str | None
    msgid: str
    where: str

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def python_strings() -> tuple[list[Marked], list[str]]:
    """Literal msgids of gettext calls, and the calls makemessages cannot read."""
    marked: list[Marked] = []
    problems: list[str] = []
    for path in _source_files(".py"):
        relative = path.relative_to(ROOT)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname not in GETTEXT_NAMES:
                        problems.append(
                            f"{relative}:{node.lineno}: {alias.name} imported as {alias.asname}; "
                            "makemessages only finds the usual names"
                        )
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name not in GETTEXT_NAMES or len(node.args) < GETTEXT_NAMES[name]:
                continue
            where = f"{relative}:{node.lineno}"
            args = node.args
            context = None
            if name in CONTEXT_NAMES:
                first = args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue
                context, args = first.value, args[1:]
            msgids = args[:2] if name in PLURAL_NAMES else args[:1]
            for arg in msgids:
                if isinstance(arg, ast.JoinedStr):
                    problems.append(f"{where}: an f-string in {name}() is never translated")
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    marked.append(Marked(context, arg.value, where))
    return marked, problems


TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)(?P<rest>.*?)%\}""", re.S
)
BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<opts>.*?)%\}(?P<body>.*?)"
    r"\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.S,
)
PLURAL_TAG = re.compile(r"\{%\s*plural\s*%\}")
CONTEXT_OPT = re.compile(r"""\bcontext\s+(?P<q>["'])(?P<ctx>.*?)(?P=q)""")
UNDERSCORE = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<msg>.*?)(?P=q)\s*\)""")
VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TRIM = re.compile(r"\s*\n\s*")


def _block_msgid(body: str, trimmed: bool) -> str:
    """What BlockTranslateNode looks up: %% for %, %(name)s for {{ name }}."""
    text = VARIABLE.sub(lambda m: "\0" + m.group(1) + "\1", body).replace("%", "%%")
    text = text.replace("\0", "%(").replace("\1", ")s")
    return TRIM.sub(" ", text.strip()) if trimmed else text


def template_strings() -> list[Marked]:
    marked: list[Marked] = []
    for path in _source_files(".html", ".txt"):
        relative = path.relative_to(ROOT)
        source = path.read_text(encoding="utf-8")

        def where(offset: int, relative: Path = relative, source: str = source) -> str:
            return f"{relative}:{source.count(chr(10), 0, offset) + 1}"

        for match in TRANSLATE_TAG.finditer(source):
            context = CONTEXT_OPT.search(match["rest"])
            # A translated template literal is looked up with % doubled (Variable.resolve).
            msgid = match["msg"].replace("%", "%%")
            marked.append(Marked(context and context["ctx"], msgid, where(match.start())))
        for match in BLOCK_TAG.finditer(source):
            context = CONTEXT_OPT.search(match["opts"])
            trimmed = re.search(r"\btrimmed\b", match["opts"]) is not None
            for part in PLURAL_TAG.split(match["body"]):
                msgid = _block_msgid(part, trimmed)
                marked.append(Marked(context and context["ctx"], msgid, where(match.start())))
        for match in UNDERSCORE.finditer(source):
            msgid = match["msg"].replace("%", "%%")
            marked.append(Marked(None, msgid, where(match.start())))
    return marked


# --- the catalogue is complete ------------------------------------------------------------------


def test_every_english_entry_is_translated(catalogue):
    assert len(catalogue) > 500  # the whole interface, not a stub
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in catalogue
        if not e.msgstr or any(not text.strip() for text in e.msgstr.values())
    ]
    assert not untranslated, "Untranslated entries in django.po:\n" + "\n".join(untranslated)


def test_no_english_entry_is_fuzzy(catalogue):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in catalogue if "fuzzy" in e.flags]
    assert not fuzzy, "Fuzzy entries (gettext ignores them):\n" + "\n".join(fuzzy)


def test_plural_entries_have_both_english_forms(catalogue):
    plurals = [e for e in catalogue if e.msgid_plural is not None]
    assert plurals
    assert all(sorted(e.msgstr) == [0, 1] for e in plurals), [
        e.msgid for e in plurals if sorted(e.msgstr) != [0, 1]
    ]


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for e in catalogue:
        if "python-format" not in e.flags:
            continue
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        wanted_plural = sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        for index, text in e.msgstr.items():
            expected = wanted if index == 0 else wanted_plural
            # A singular English form may drop the count ("1 file"), never add a name.
            found = sorted(PLACEHOLDER.findall(text))
            if found != expected and not (index == 0 and set(found) <= set(expected)):
                wrong.append(f"{e.msgid!r} → {text!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)


def test_every_marked_string_is_in_the_catalogue(catalogue):
    """A string marked in a template or in Python must be in django.po, so a new string
    added without re-running makemessages (and translating it) fails here."""
    python_marked, problems = python_strings()
    marked = python_marked + template_strings()
    assert len(marked) > 500  # the scan really found the interface
    assert not problems, "\n".join(problems)

    known = {e.key for e in catalogue} | {
        (e.msgctxt, e.msgid_plural) for e in catalogue if e.msgid_plural
    }
    missing = sorted({f"{m.where}: {m.msgid!r}" for m in marked if m.key not in known})
    assert not missing, (
        "Strings not in locale/en/LC_MESSAGES/django.po (run makemessages, translate, "
        "compilemessages):\n" + "\n".join(missing)
    )


def test_the_compiled_catalogue_matches_the_po(catalogue):
    """The committed .mo is what Django reads; it must be compiled from the current .po."""
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in catalogue:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if compiled._catalog.get(key) != e.msgstr[0]:  # type: ignore[attr-defined]
                stale.append(e.msgid)
        elif any(
            compiled._catalog.get((key, i)) != text  # type: ignore[attr-defined]
            for i, text in e.msgstr.items()
        ):
            stale.append(e.msgid)
    assert not stale, "django.mo is older than django.po; run compilemessages:\n" + "\n".join(
        stale[:20]
    )


# --- what a person sees -------------------------------------------------------------------------

CATALOGUE = reverse("procedures:catalogue")
LOGIN = reverse("accounts:login")


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_browser_with_no_preference_gets_vietnamese(client):
    page = _html(client.get(CATALOGUE))

    assert '<html lang="vi">' in page
    assert "Thủ tục hành chính" in page
    assert "Administrative procedures" not in page


@pytest.mark.django_db
def test_a_browser_asking_for_another_language_still_gets_vietnamese(client):
    page = _html(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"))

    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page


@pytest.mark.django_db
def test_the_language_switch_shows_the_catalogue_in_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": CATALOGUE})
    assert response.status_code == 302

    page = _html(client.get(CATALOGUE))

    assert '<html lang="en">' in page
    assert "Administrative procedures" in page
    assert "Catalogue of administrative procedures" in page
    assert "Danh mục thủ tục hành chính" not in page
    assert "Log in" in page


@pytest.mark.django_db
def test_the_login_page_in_english(client):
    client.post("/i18n/setlang/", {"language": "en"})

    page = _html(client.get(LOGIN))

    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Password" in page
    assert "Mật khẩu" not in page


@pytest.mark.django_db
def test_switching_back_to_vietnamese(client):
    client.post("/i18n/setlang/", {"language": "en"})
    client.post("/i18n/setlang/", {"language": "vi"})

    page = _html(client.get(LOGIN))

    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page


@pytest.mark.django_db
def test_the_profile_names_the_role_in_english(client):
    """Role groups are stored under their Vietnamese names; the page translates them."""
    clerk = StaffFactory(role="clerk")
    client.post(LOGIN, {"username": clerk.email, "password": DEFAULT_PASSWORD})
    assert "Cán bộ một cửa" in _html(client.get(reverse("accounts:profile")))

    client.post("/i18n/setlang/", {"language": "en"})
    page = _html(client.get(reverse("accounts:profile")))

    assert "One-stop clerk" in page
    assert "Cán bộ một cửa" not in page


def test_a_status_and_a_button_with_the_same_vietnamese_differ_in_english():
    """“Rút hồ sơ” is both the state “Withdrawn” and the button “Withdraw the dossier”;
    “Tiếp nhận” is both a stage of the process and the clerk's button."""
    from dossiers.models import State
    from dossiers.selectors import STAGES
    from dossiers.verbs import VERBS

    with translation.override("vi"):
        assert str(State.WITHDRAWN.label) == "Rút hồ sơ"
        assert str(STAGES[1][1]) == str(VERBS["receive"].label) == "Tiếp nhận"
    with translation.override("en"):
        assert str(State.WITHDRAWN.label) == "Withdrawn"
        assert str(State.STOPPED.label) == "Processing stopped"
        assert str(VERBS["stop"].label) == "Stop processing"
        assert str(STAGES[1][1]) == "Reception"
        assert str(VERBS["receive"].label) == "Receive"
        assert str(VERBS["withdraw"].history) == "Dossier withdrawn"


# --- the frameworks' messages in Vietnamese (issue 9) ------------------------------------------

VI_PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = VI_PO.with_suffix(".mo")
BRACE = re.compile(r"\{[^{}]*\}")
# Where the frameworks whose messages reach users keep them.
FRAMEWORK_SOURCES = [
    "django/forms",
    "django/core",
    "django/db/models",
    "django/views",
    "django/contrib/auth",
    "rest_framework",
    "axes",
]


@pytest.fixture(scope="module")
def vietnamese() -> list[Entry]:
    assert VI_PO.exists(), f"{VI_PO} is missing"
    return read_po(VI_PO)


def framework_msgids() -> set[str]:
    """Every literal msgid the frameworks mark with gettext in their Python source."""
    import django

    site = Path(django.__file__).resolve().parent.parent
    found: set[str] = set()
    for folder in FRAMEWORK_SOURCES:
        for path in (site / folder).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_NAMES:
                    found |= {
                        arg.value
                        for arg in node.args[:2]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    }
    return found


def test_every_vietnamese_entry_is_translated_and_keeps_its_placeholders(vietnamese):
    assert len(vietnamese) > 200  # forms, passwords, the API, the lockout
    problems = []
    for e in vietnamese:
        text = e.msgstr.get(0, "")
        if not text.strip() or "fuzzy" in e.flags or sorted(e.msgstr) != [0]:
            problems.append(f"line {e.line}: {e.msgid!r} is untranslated, fuzzy or not 1 form")
        for pattern in (PLACEHOLDER, BRACE):
            wanted = sorted(
                set(pattern.findall(e.msgid)) | set(pattern.findall(e.msgid_plural or ""))
            )
            if sorted(set(pattern.findall(text))) != wanted:
                problems.append(f"line {e.line}: placeholders differ: {e.msgid!r} → {text!r}")
    assert not problems, "\n".join(problems)


def test_every_vietnamese_entry_is_a_message_the_frameworks_mark(vietnamese):
    """A typo in a msgid would silently leave the English message in place."""
    marked = framework_msgids()
    unknown = [f"line {e.line}: {e.msgid!r}" for e in vietnamese if e.msgid not in marked]
    assert not unknown, "Not a message of Django, DRF or django-axes:\n" + "\n".join(unknown)


def test_the_compiled_vietnamese_catalogue_matches_the_po(vietnamese):
    with VI_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    stale = [
        e.msgid
        for e in vietnamese
        if catalog.get(e.msgid if e.msgid_plural is None else (e.msgid, 0)) != e.msgstr[0]
    ]
    assert not stale, "locale/vi/LC_MESSAGES/django.mo is older than its .po:\n" + "\n".join(
        stale[:20]
    )


@pytest.mark.parametrize(
    ("message", "vietnamese_text"),
    [
        ("Not found.", "Không tìm thấy."),
        ("Authentication credentials were not provided.", "Chưa có thông tin xác thực"),
        ("Enter a valid email address.", "Hãy nhập một địa chỉ thư điện tử hợp lệ."),
        ("Password reset unsuccessful", "Đặt lại mật khẩu không thành công"),
        ("This field is required.", "Trường này là bắt buộc."),  # Django's own, kept
        (
            "Account locked: too many login attempts. Please try again later.",
            "Tài khoản tạm bị khóa vì đăng nhập sai quá nhiều lần. Hãy thử lại sau.",
        ),
    ],
)
def test_the_project_catalogue_completes_and_corrects_the_frameworks(message, vietnamese_text):
    with translation.override("vi"):
        assert translation.gettext(message).startswith(vietnamese_text)
    with translation.override("en"):
        assert translation.gettext(message) == message


# --- Vietnamese first, whatever the browser says; English remembered -----------------------------

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.mark.django_db
def test_an_english_browser_with_no_choice_gets_vietnamese(client):
    response = client.get(CATALOGUE, **ENGLISH_BROWSER)
    page = _html(response)

    assert '<html lang="vi">' in page
    assert "Danh mục thủ tục hành chính" in page
    assert "Administrative procedures" not in page
    assert response.headers["Content-Language"] == "vi"
    assert "Accept-Language" not in response.headers.get("Vary", "")


@pytest.mark.django_db
def test_choosing_english_is_remembered_for_a_year(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": CATALOGUE}, **ENGLISH_BROWSER
    )

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60  # not just until the browser closes
    # The following visits, even from a browser that asks for Vietnamese, stay in English.
    for path in (CATALOGUE, LOGIN, reverse("dossiers:track")):
        page = _html(client.get(path, HTTP_ACCEPT_LANGUAGE="vi"))
        assert '<html lang="en">' in page, path


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    assert '<html lang="vi">' in _html(client.get(CATALOGUE, **ENGLISH_BROWSER))


# --- what the frameworks say, in Vietnamese ----------------------------------------------------


@pytest.mark.django_db
def test_a_django_form_error_in_vietnamese(client):
    """Django's max_length message (its own Vietnamese wording was missing the period and
    read loosely), on the tracking form, tied to the field for screen readers."""
    page = client.get(reverse("dossiers:track"), {"ma": "9" * 61}, **ENGLISH_BROWSER)
    html = page.content.decode()

    assert "Nội dung này chỉ được dài tối đa 60 ký tự (hiện có 61)." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_ma_helptext id_ma_error"' in html
    assert '<div class="field-errors" id="id_ma_error">' in html


@pytest.mark.django_db
def test_drf_answers_in_vietnamese(client):
    # 401/403: no credentials; a bad token.
    anonymous = client.post("/api/v1/dossiers/", {}, **ENGLISH_BROWSER)
    assert anonymous.status_code in {401, 403}
    assert anonymous.json()["detail"].startswith("Chưa có thông tin xác thực")
    bad_token = client.get(
        "/api/v1/dossiers/", HTTP_AUTHORIZATION="Token khong-co-ma-nay", **ENGLISH_BROWSER
    )
    assert bad_token.json()["detail"] == "Mã truy cập (token) không hợp lệ."
    # 404: a page past the end of the catalogue.
    missing = client.get("/api/v1/procedures/", {"page": 99}, **ENGLISH_BROWSER)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Trang không hợp lệ."


@pytest.mark.django_db
def test_drf_field_validation_in_vietnamese_and_in_english_when_chosen(client):
    from tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    body = {"return_channel": "bo-cau", "note": "x" * 2001}

    errors = client.post("/api/v1/dossiers/", body, **ENGLISH_BROWSER).json()

    assert errors["procedure"] == ["Trường này là bắt buộc."]
    assert errors["return_channel"] == ["“bo-cau” không có trong danh sách lựa chọn."]
    assert errors["note"] == ["Mục này chỉ được dài tối đa 2000 ký tự."]
    broken = client.generic(
        "POST", "/api/v1/dossiers/", "{khong phai json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("Không đọc được dữ liệu gửi lên: ")

    client.post("/i18n/setlang/", {"language": "en"})
    errors = client.post("/api/v1/dossiers/", body).json()
    assert errors["procedure"] == ["This field is required."]
    assert errors["note"] == ["Ensure this field has no more than 2000 characters."]


@pytest.mark.django_db
def test_the_lockout_is_in_vietnamese_for_an_english_browser(client):
    from axes.helpers import get_lockout_message

    StaffFactory(email="khoa@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            LOGIN, {"username": "khoa@example.vn", "password": "sai-mat-khau"}, **ENGLISH_BROWSER
        )

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Tạm khóa đăng nhập" in page
    # axes' own message (used by its JSON answer and when no template is set).
    with translation.override("vi"):
        assert str(get_lockout_message()).startswith("Tài khoản tạm bị khóa")
