"""The heads' morning digest (docs/design.md §7, §9): no late dossier goes unnoticed.

Each working morning every department head and centre supervisor with something to act on
gets one e-mail, in their language: how many of their dossiers are due soon, overdue and
escalated, how many apology letters wait for their signature, and how many drafts are past
their issue-by moment (docs/legal.md#letters-issued-late), with the link to the lists. Nothing to act on, no e-mail. The (person, day) row is claimed and locked before
sending, so a task delivered twice sends once.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import WATCHER_PERMISSIONS, codenames
from apologies.models import WatchDigest
from apologies.selectors import letters_to_sign, watch_list
from workcalendar.calendars import calendar_for

logger = logging.getLogger(__name__)

WATCHERS = codenames(*WATCHER_PERMISSIONS)


def watchers() -> QuerySet[User]:
    """Active staff whose role watches deadlines: department heads, centre supervisors."""
    by_role = Q(groups__permissions__codename__in=WATCHERS) | Q(
        user_permissions__codename__in=WATCHERS
    )
    return (
        User.objects.filter(by_role, is_active=True, agency__isnull=False)
        .exclude(email="")
        .select_related("agency")
        .distinct()
        .order_by("pk")
    )


def counts_for(user: User) -> dict[str, int]:
    return {
        "due_soon": watch_list(user, "due_soon").count(),
        "overdue": watch_list(user, "overdue").count(),
        "escalated": watch_list(user, "escalated").count(),
        "letters": letters_to_sign(user).count(),
        "past_issue_by": watch_list(user, "past_issue_by").count(),
    }


def send_watch_digests(*, now: datetime.datetime | None = None) -> int:
    """Sends today's digests not sent yet; returns how many went out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not calendar_for(None).is_working_day(today):
        return 0
    sent = 0
    for user in watchers():
        counts = counts_for(user)
        if not any(counts.values()):
            continue
        if _send(user, today, counts):
            sent += 1
    return sent


def _send(user: User, day: datetime.date, counts: dict[str, int]) -> bool:
    with transaction.atomic():
        digest, _created = WatchDigest.objects.select_for_update().get_or_create(
            user=user, day=day, defaults=counts
        )
        if digest.sent_at is not None:
            return False
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "day": day,
                **counts,
                "watch_url": settings.SITE_URL.rstrip("/") + reverse("apologies:watch"),
                "letters_url": settings.SITE_URL.rstrip("/") + reverse("apologies:letters"),
                "past_issue_by_url": settings.SITE_URL.rstrip("/")
                + reverse("apologies:watch")
                + "?loai=qua-han-ban-hanh",
            }
            subject = " ".join(
                render_to_string("apologies/email/digest_subject.txt", context).split()
            )
            body = render_to_string("apologies/email/digest.txt", context)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
        WatchDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now(), **counts)
    logger.info("Watch digest sent to user %s for %s", user.pk, day)
    return True
