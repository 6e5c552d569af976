"""Settings of the benchmark's gunicorn: the portal's, plus the bare reference view.

Used only by ``python manage.py bench`` (``DJANGO_SETTINGS_MODULE=bench.settings``) for the
web server it starts; nothing else imports it.
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The benchmark renders no page that needs collected static files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
