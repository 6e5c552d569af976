"""Reads the access log: the supervisor's page, and the look-up rate limit."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.constants import Action
from audit.models import AccessRecord

# A clerk's look-ups by ID number in any hour (settings.WALK_IN_LOOKUPS_PER_HOUR).
DEFAULT_LOOKUPS_PER_HOUR = 30
PER_PAGE = 50


def lookups_per_hour() -> int:
    return int(getattr(settings, "WALK_IN_LOOKUPS_PER_HOUR", DEFAULT_LOOKUPS_PER_HOUR))


def lookup_allowed(actor: User, now: datetime.datetime | None = None) -> bool:
    """Whether the clerk may look one more person up: fewer than the limit in the last hour
    (every look-up is in the log, found or not, refused or not: one COUNT)."""
    since = (now or timezone.now()) - datetime.timedelta(hours=1)
    done = AccessRecord.objects.filter(actor=actor, action=Action.LOOKUP, at__gt=since).count()
    return done < lookups_per_hour()


@dataclass(frozen=True)
class LogFilters:
    actor: str = ""  # a name or e-mail, part of it
    dossier_code: str = ""
    person: str = ""  # a name or e-mail, part of it
    person_id: int | None = None
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _people(term: str, prefix: str) -> Q:
    return Q(**{f"{prefix}__full_name__icontains": term}) | Q(
        **{f"{prefix}__email__icontains": term}
    )


def records(filters: LogFilters) -> QuerySet[AccessRecord]:
    """The log, newest first, each row with its actor, person and dossier (one JOIN)."""
    rows = AccessRecord.objects.select_related("actor", "subject", "dossier")
    if filters.actor:
        rows = rows.filter(_people(filters.actor.strip(), "actor"))
    if filters.dossier_code:
        rows = rows.filter(dossier__code__icontains=filters.dossier_code.strip())
    if filters.person:
        rows = rows.filter(_people(filters.person.strip(), "subject"))
    if filters.person_id is not None:
        rows = rows.filter(subject_id=filters.person_id)
    if filters.action:
        rows = rows.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=zone)
        rows = rows.filter(at__gte=start)
    if filters.date_to:
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        rows = rows.filter(at__lt=end)
    return rows.order_by("-at", "-pk")
