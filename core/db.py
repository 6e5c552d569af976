"""Helpers for the few reads written as SQL rather than through the ORM."""

import datetime

from django.utils import timezone


def aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A timestamp read by hand-written SQL, as the ORM would give it: timezone-aware.

    PostgreSQL returns ``timestamptz`` columns aware; SQLite (the embedded default) stores
    UTC without an offset and its driver returns naive values, which the ORM's converters
    would have made aware. Every raw read of a DateTimeField goes through this, so pages,
    the API and the QR-code status page show the same local time on both databases.
    """
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, datetime.UTC)
