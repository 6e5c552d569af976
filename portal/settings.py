"""Một Cửa settings: one module, driven by environment variables (see .env.example).

Defaults give the embedded run: SQLite and a Celery broker on the filesystem, so the
portal starts with no server installed. Production sets DATABASE_URL (PostgreSQL through
psycopg 3), CELERY_BROKER_URL (Redis) and turns DEBUG off, which makes SECRET_KEY and
ALLOWED_HOSTS mandatory.
"""

import datetime
from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.logging import build_logging, init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL printed on slips (QR codes) and in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # API tokens: stored as digests, with an expiry (docs/adr/0013).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # The second factor of staff logins: authenticator apps (TOTP) and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The ground floor: errors, API error answers, PDF rendering, downloads (docs/architecture.md).
    "core",
    "accounts",
    "agencies",
    "workcalendar",
    "procedures",
    "dossiers",
    "apologies",
    "audit",
    # Above every app (docs/architecture.md): the demo data (load_demo, demo_logins) and
    # the benchmark (manage.py bench).
    "demo",
    "bench",
]

MIDDLEWARE = [
    # A NUL anywhere in the request is a 400 before anything reads it (PostgreSQL refuses NUL).
    "portal.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the visitor chose English (the language cookie); never Accept-Language.
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (accounts/twofactor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "accounts.context_processors.roles",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for the writer instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes (accounts/lockout.py): failures count per account, whatever e-mail or phone
# form is typed, and per client address, each with its own limit.
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# How many reverse proxies of ours stand in front of the portal (nginx: 1). With 0 the
# client address is REMOTE_ADDR and X-Forwarded-For, which anyone can send, is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
# The login form's field and Django's authenticate() keyword; the default would be the
# user model's USERNAME_FIELD ("email"), a key the credentials never carry.
AXES_USERNAME_FORM_FIELD = "username"
# "A@B.vn" and "a@b.vn", "0912 345 678" and "+84912345678" are one account: one counter.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"

# --- Second factor (accounts/twofactor.py) ------------------------------------------------
# Heads, the centre supervisor, administrators, superusers and anyone with admin access give
# a code from an authenticator app after the password; other staff may enrol; citizens are
# never asked. django-otp throttles wrong codes (1, 2, 4, 8 … seconds between tries).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Một Cửa")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Between the password and the code: how long the half-open login waits, and how many wrong
# codes it takes before the password must be typed again (each also counts for django-axes).
TWO_FACTOR_PENDING_SECONDS = env.int("TWO_FACTOR_PENDING_SECONDS", default=300)
TWO_FACTOR_MAX_CODE_FAILURES = 5
TWO_FACTOR_BACKUP_CODES = 10

# Session idle timeout: the cookie is renewed on every request and expires after
# SESSION_IDLE_MINUTES without one.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
# A persistent cookie with that max-age, so the browser also drops it when the time is up
# (browsers restoring tabs keep "until browser close" cookies alive indefinitely).
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True

# --- Security (production) ------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, cookies blocked) gets the portal's own explanation.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# locale/vi completes the frameworks' Vietnamese (Django, DRF, django-axes): LOCALE_PATHS win
# over the packages' own catalogues. locale/en translates the project's Vietnamese msgids.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The choice of English is remembered for a year (Django's default lasts until the browser
# closes), and sent only over HTTPS in production.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# What one citizen may keep at once (dossiers/quotas.py): megabytes of files in dossiers not
# yet settled, and drafts.
DOSSIER_STORAGE_QUOTA_BYTES = env.int("DOSSIER_STORAGE_QUOTA_MB", default=200) * 1024 * 1024
DOSSIER_MAX_DRAFTS = env.int("DOSSIER_MAX_DRAFTS", default=20)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail -----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Where SMS go: a class with send(*, phone, text); the console backend only logs them.
SMS_BACKEND = env.str("SMS_BACKEND", default="dossiers.notifications.ConsoleSmsBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Một Cửa <no-reply@motcua.example>")

# A clerk's walk-in look-ups by ID number in any hour (audit/selectors.py); every one is
# recorded in the access log, found or not.
WALK_IN_LOOKUPS_PER_HOUR = env.int("WALK_IN_LOOKUPS_PER_HOUR", default=30)

# --- Celery -----------------------------------------------------------------------------
CELERY_DATA_DIR = VAR_DIR / "celery"
# Beat's schedule file (and the worker's heartbeat) live here whatever the broker.
CELERY_DATA_DIR.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder shared by web, worker and beat.
    for _folder in ("queue", "processed", "control"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        # Exchange bindings (broadcasts: inspect, mingle); kombu's default is ./control.
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
else:
    # A message a worker took but never acknowledged (the worker was killed mid-task) goes
    # back to the queue after this many seconds. Keep it above the longest task's time limit,
    # or a slow task is delivered twice (harmless for letters, wasteful); the tests of
    # tests/apologies/test_exactly_once.py run their worker with a few seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # A request publishing while Redis is unreachable gives up in seconds, not minutes:
        # the committed action stands and the sweeper publishes again (core/queue.py).
        "socket_connect_timeout": 3,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
DEADLINE_SCAN_MINUTES = env.int("DEADLINE_SCAN_MINUTES", default=5)
# Working hours before the deadline at which an apology letter is drafted, so that the head
# can issue it by "issue by", one working day before (docs/legal.md#issue-by-and-the-drafting-lead).
APOLOGY_DRAFT_LEAD_HOURS = env.int("APOLOGY_DRAFT_LEAD_HOURS", default=16)
# The beat schedule, in Asia/Ho_Chi_Minh.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # The deadline scan (docs/design.md §7): flags due-soon and overdue dossiers, drafts letters.
    "scan-deadlines": {
        "task": "apologies.scan_deadlines",
        "schedule": crontab(minute=f"*/{DEADLINE_SCAN_MINUTES}"),
    },
    # Each working morning, heads and the centre supervisor get what needs their action.
    "watch-digests": {
        "task": "apologies.send_watch_digests",
        "schedule": crontab(minute=0, hour=7),
    },
    # What the database says is owed but undone (a task lost with the broker, or never
    # published while it was down) is published again: notifications, final letter PDFs.
    "redeliver": {
        "task": "portal.tasks.redeliver",
        "schedule": crontab(minute="*/2"),
    },
    # Dossiers left unanswered in supplement_requested for 15 working days are closed.
    "close-unsupplemented": {
        "task": "dossiers.close_unsupplemented",
        "schedule": crontab(minute=10, hour="*/1"),
    },
    # Uploaded files whose transaction rolled back (no row names them), after an hour.
    "sweep-orphan-files": {
        "task": "dossiers.sweep_orphan_files",
        "schedule": crontab(minute=40),
    },
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token scheme first: DRF answers an unauthenticated or badly authenticated call
    # with the first class's WWW-Authenticate challenge, so API clients get 401, not 403.
    # Tokens are django-rest-knox's: only a digest is stored, each expires (REST_KNOX below).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
    # The public lookup by code, page and API alike (dossiers/views_public.py), per client
    # address as accounts.lockout finds it. Empty: no limit (the benchmark's P3 load).
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": env.str("PUBLIC_LOOKUP_RATE", default="30/min") or None
    },
}
# API tokens (POST /api/v1/auth/token/): a digest in the database, the token shown once.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env.float("API_TOKEN_HOURS", default=10)),
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Một Cửa API",
    "DESCRIPTION": "One-stop-shop portal for administrative procedures (Decree 118/2025/NĐ-CP).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No anchor links inside the operation buttons (axe: nested-interactive); Swagger UI's
    # own default otherwise.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Request bodies get their own components, so an upload is documented as a binary file
    # (multipart), not as the URL a FileField shows in a response.
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets have fields named "state": give each one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DossierStateEnum": "dossiers.models.State.choices",
        "StepStateEnum": "dossiers.models.StepState.choices",
        "LetterStateEnum": "apologies.models.LetterState.choices",
    },
}

# --- Operations: logging, error tracking, health probes (docs/adr/0009) -----------------
# One line per record on stderr: plain text by default, one JSON object a line with
# LOG_FORMAT=json. Every handler masks 9- and 12-digit runs (CMND/CCCD numbers), see
# portal/logging.py; gunicorn's own logs get the same (deploy/gunicorn.conf.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = build_logging(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
# The worker and beat keep these handlers instead of Celery's own (which lack the filter).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Who gets the error e-mails when DEBUG is off: ADMINS="Tên <a@b.vn>,Other <c@d.vn>".
ADMINS = [getaddresses([entry])[0] for entry in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Request id from the proxy (X-Request-ID) in each line; /healthz and /readyz answered
# before anything else (portal/health.py).
# (A NUL in the request is refused before the probes too: nothing reads it.)
MIDDLEWARE = [
    "portal.middleware.RefuseNulMiddleware",
    "portal.logging.RequestIdMiddleware",
    "portal.health.HealthProbeMiddleware",
    *(name for name in MIDDLEWARE if name != "portal.middleware.RefuseNulMiddleware"),
]
# Error tracking, only when SENTRY_DSN is set: no personal data sent (no user, no cookies,
# no local variables, ID numbers masked in the whole event).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Demo -------------------------------------------------------------------------------
# Province of the demo data (code from vietnam-provinces; 75 = Đồng Nai).
DEMO_PROVINCE_CODE = env.int("DEMO_PROVINCE_CODE", default=75)
# The demo accounts' e-mail domain and their one authenticator key (heads, supervisor,
# administrator): base32 MOTC UADE MOXA CTHU CHAI BUOC MOTC UA23, printed in README and,
# with DEBUG on, on the login pages. Never a real account's key. Here rather than in the
# demo app because the login pages (accounts) show them and accounts sits below demo
# (docs/architecture.md); demo.province loads the accounts with them.
DEMO_EMAIL_DOMAIN = "demo.motcua.vn"
DEMO_TOTP_KEY = "63a62a006463ae014cf411c080d1c263a62a035b"
