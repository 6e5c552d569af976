"""Test settings: the project's one settings module, with defaults a test run needs.

Only environment defaults are set here; every real setting lives in portal.settings.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from portal.settings import *  # noqa: F403
from portal.settings import CELERY_BROKER_TRANSPORT_OPTIONS as _TRANSPORT_OPTIONS

# Tests render templates without running collectstatic: plain storage, no manifest needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The real worker of tests/apologies/test_exactly_once.py runs with this module. Its fault
# hooks (apologies.services._fault_hook): hold a letter's render while a file exists, fail
# once after storing its PDF. Unset (no effect) unless the test sets the variables.
APOLOGY_RENDER_HOLD_FILE = os.environ.get("APOLOGY_RENDER_HOLD_FILE", "")
APOLOGY_RENDER_FAIL_ONCE_FILE = os.environ.get("APOLOGY_RENDER_FAIL_ONCE_FILE", "")
if "visibility_timeout" in _TRANSPORT_OPTIONS:  # Redis
    # Look for unacknowledged messages older than the visibility timeout every second
    # (kombu: about every 100 s), so a restarted test worker gets a lost task back promptly.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **_TRANSPORT_OPTIONS,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

# WhiteNoise looks for STATIC_ROOT at start-up; tests never collect into it.
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
