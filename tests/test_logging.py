"""Log lines: no citizen's ID number in any of them, JSON on request, a request id, the
error e-mail and Sentry without personal data, gunicorn's access log without queries."""

import io
import json
import logging
import logging.config
import re
import runpy
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory

from portal.logging import PersonalIdFilter, mask_personal_ids
from tests.envvars import BASE_DIR, clean_environment

CCCD = "079123456789"  # 12 digits
CMND = "271234567"  # 9 digits
ANY_ID = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")


@pytest.fixture
def logged():
    """A real logger with a handler carrying the filter; returns what it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalIdFilter())
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("tests.logging.masked")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def test_an_id_number_in_the_message_or_its_arguments_is_masked(logged):
    logger, stream = logged

    logger.info(f"Tra cứu hồ sơ của CCCD {CCCD}")
    logger.info("CCCD %s, CMND %d", CCCD, int(CMND))
    logger.info("Người nộp %(name)s, số %(number)s", {"name": "Nguyễn Văn A", "number": CCCD})
    logger.info("GET /tra-cuu?cccd=%s&cmnd=%s", CCCD, CMND)

    lines = stream.getvalue().splitlines()
    assert lines == [
        "Tra cứu hồ sơ của CCCD ************",
        "CCCD ************, CMND *********",
        "Người nộp Nguyễn Văn A, số ************",
        "GET /tra-cuu?cccd=************&cmnd=*********",
    ]


def test_other_numbers_are_left_alone(logged):
    logger, stream = logged

    logger.info("Điện thoại 0912345678, mã 1234567890123, năm 2025, hồ sơ 17")
    logger.info("Task portal.tasks.heartbeat[caf599c123456789bf1c76ce14764368]")
    # A task id whose last group happens to be all digits (a lost "succeeded" line).
    logger.info("Task apologies.draft_letters[5172c02d-e746-48c9-9a11-017972867406] received")

    assert stream.getvalue().splitlines() == [
        "Điện thoại 0912345678, mã 1234567890123, năm 2025, hồ sơ 17",
        "Task portal.tasks.heartbeat[caf599c123456789bf1c76ce14764368]",  # a UUID, not an ID
        "Task apologies.draft_letters[5172c02d-e746-48c9-9a11-017972867406] received",
    ]


def test_an_id_number_in_a_traceback_or_an_extra_field_is_masked(logged):
    logger, stream = logged

    try:
        raise ValueError(f"CCCD {CCCD} không hợp lệ")
    except ValueError:
        logger.exception("Lỗi khi nhận hồ sơ", extra={"citizen": CMND})
    record_extra: list[str] = []

    def keep_extra(record: logging.LogRecord) -> bool:
        record_extra.append(record.citizen)
        return True

    logger.handlers[0].addFilter(keep_extra)
    logger.info("again", extra={"citizen": CMND})

    written = stream.getvalue()
    assert "Traceback" in written and "ValueError: CCCD ************ không hợp lệ" in written
    assert not ANY_ID.search(written)
    assert record_extra == ["*********"]


def test_every_handler_of_the_settings_masks_id_numbers():
    handlers = settings.LOGGING["handlers"]
    filters = settings.LOGGING["filters"]

    assert handlers
    for name, handler in handlers.items():
        masking = [
            f for f in handler.get("filters", []) if filters[f]["()"].endswith(".PersonalIdFilter")
        ]
        assert masking, f"handler {name} writes ID numbers"
    # Django's own loggers get these handlers, not its defaults without the filter.
    for name in ("django", "django.server"):
        assert settings.LOGGING["loggers"][name]["handlers"]
    configured = [
        h for name in ("", "django", "django.server") for h in logging.getLogger(name).handlers
    ]
    assert all(
        any(isinstance(f, PersonalIdFilter) for f in h.filters)
        for h in configured
        if not h.__class__.__module__.startswith("_pytest")
    )


LOG_SOME_LINES = f"""
import logging
import django
django.setup()
logging.getLogger("dossiers").warning("Tra cứu CCCD %s", "{CCCD}")
try:
    raise RuntimeError("CMND {CMND}")
except RuntimeError:
    logging.getLogger("django.request").error("Lỗi máy chủ", exc_info=True)
"""


def log_lines(tmp_path, **overrides: str) -> list[str]:
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="portal.settings", DEBUG="true", VAR_DIR=str(tmp_path), **overrides
    )
    result = subprocess.run(
        [sys.executable, "-c", LOG_SOME_LINES],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_log_format_json_writes_one_json_object_per_line(tmp_path):
    lines = log_lines(tmp_path, LOG_FORMAT="json")

    records = [json.loads(line) for line in lines]  # every line is JSON
    assert [r["message"] for r in records] == ["Tra cứu CCCD ************", "Lỗi máy chủ"]
    assert records[0]["level"] == "WARNING" and records[0]["logger"] == "dossiers"
    assert records[0]["request_id"] == "-"
    assert "RuntimeError: CMND *********" in records[1]["exc_info"]
    assert not ANY_ID.search("\n".join(lines))


def test_plain_text_by_default(tmp_path):
    lines = log_lines(tmp_path)

    assert lines[0].endswith("WARNING dossiers [-] Tra cứu CCCD ************")
    assert "RuntimeError: CMND *********" in lines
    assert not ANY_ID.search("\n".join(lines))


def test_each_request_carries_an_id_back_to_the_client(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="4f1c2a9be0d34c7a")
    made = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")

    assert given["X-Request-ID"] == "4f1c2a9be0d34c7a"
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])


def test_the_error_email_to_admins_masks_id_numbers(settings):
    settings.DEBUG = False  # the e-mail goes only with DEBUG off, as in production
    settings.ADMINS = [("Quản trị", "quantri@example.gov.vn")]
    request = RequestFactory().get(f"/tra-cuu/?cccd={CCCD}", HTTP_X_CMND=CMND)

    try:
        raise RuntimeError(f"CCCD {CCCD}")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Lỗi %s", CCCD, exc_info=True, extra={"request": request, "status_code": 500}
        )

    (email,) = mail.outbox
    assert email.to == ["quantri@example.gov.vn"]
    body = str(email.subject) + str(email.body) + "".join(str(a[0]) for a in email.alternatives)
    assert "************" in body
    assert CCCD not in body and CMND not in body


def test_gunicorns_access_log_format_prints_no_query_string():
    config = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    access = config["access_log_format"]

    assert "%(U)s" in access
    for leaking in ("%(q)s", "%(r)s", "%(f)s", "{referer}i"):
        assert leaking not in access, leaking
    handlers = config["logconfig_dict"]["handlers"]
    assert handlers and all("personal_ids" in h["filters"] for h in handlers.values())


@pytest.fixture
def portal_logging_restored():
    """gunicorn's Logger configures logging for the whole process: put the portal's back."""
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_a_gunicorn_access_line_has_the_path_without_its_query(capsys, portal_logging_restored):
    """gunicorn's own access logger with our configuration, given a request with a query."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    for name, value in runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    log = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/tra-cuu/?cccd={CCCD}",
        "PATH_INFO": f"/ho-so/{CMND}/",
        "QUERY_STRING": f"cccd={CCCD}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "172.18.0.3",
        "HTTP_REFERER": f"https://motcua.example.gov.vn/?cccd={CCCD}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    request = SimpleNamespace(headers=[("X-REQUEST-ID", "abcdef0123456789")])

    log.access(response, request, environ, timedelta(milliseconds=42))

    line = capsys.readouterr().out.strip()
    assert '"GET /ho-so/*********/ HTTP/1.1" 200 512 42ms' in line
    assert "cccd" not in line and CCCD not in line
    assert line.endswith("abcdef0123456789")


def test_mask_is_as_long_as_the_number():
    assert mask_personal_ids(f"{CMND}/{CCCD}") == "*********/************"


SENTRY_STATE = """
import json
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
event = {"message": "CCCD 079123456789", "extra": {"cmnd": ["271234567"]}}
print(json.dumps({
    "active": client.is_active(),
    "pii": options.get("send_default_pii"),
    "locals": options.get("include_local_variables"),
    "scrubbed": options["before_send"](event, {}) if options else None,
}))
"""


@pytest.mark.parametrize("dsn", ["", "https://public@127.0.0.1:9/1"])
def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data(tmp_path, dsn):
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="true",
        VAR_DIR=str(tmp_path),
        SENTRY_DSN=dsn,
    )
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_STATE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])

    if not dsn:
        assert state["active"] is False
        return
    assert state["active"] is True
    assert state["pii"] is False
    assert state["locals"] is False
    assert state["scrubbed"] == {"message": "CCCD ************", "extra": {"cmnd": ["*********"]}}
