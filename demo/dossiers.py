"""Demo dossiers, so that a newcomer who signs in sees the portal at work (``load_demo``).

Four dossiers of the demo citizen, each walked through the real services at a moment of its
own (the clock is set back while they run, so every timestamp, deadline and explanation is
what the engine gives for that moment):

- an extract of a civil status record at the provincial centre, handed over to Sở Tư pháp
  eight working days ago: overdue, with its draft apology letter for the department head;
- a marital status certificate at the commune centre, due within the next working day;
- a second extract, submitted just now and waiting in the provincial clerk's queue;
- a paternity registration at the commune, received, decided and returned last month.

Then the deadline scan runs and drafts the letters, as the worker would. Loading twice adds
nothing: nothing is created once the demo citizen has a dossier.
"""

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterator
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from dossiers import services
from dossiers.models import Decision, Dossier
from procedures.models import Procedure
from workcalendar import engine
from workcalendar.calendars import calendar_for

logger = logging.getLogger(__name__)

# A file that is a PDF by its content: what the upload check wants.
DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n"
EXTRACT = "2.000635"  # Cấp bản sao Trích lục hộ tịch — 1 working day, Sở Tư pháp
MARITAL = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân — 3 working days, commune
PATERNITY = "1.001022"  # Đăng ký nhận cha, mẹ, con — 3 working days, commune


@contextlib.contextmanager
def clock(moment: datetime.datetime) -> Iterator[None]:
    """``timezone.now()`` answers ``moment`` (advancing a second per call, so events keep
    their order) for everything the services do meanwhile."""
    ticks = iter(range(10**6))
    with mock.patch.object(
        timezone, "now", lambda: moment + datetime.timedelta(seconds=next(ticks))
    ):
        yield


def _working_morning(days_back: int, now: datetime.datetime) -> datetime.datetime:
    """09:00 on the working day ``days_back`` working days before ``now``."""
    calendar = calendar_for(None)
    day = timezone.localdate(now)
    while days_back > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            days_back -= 1
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _received_to_be_due_soon(hours: int, now: datetime.datetime) -> datetime.datetime:
    """A moment of the last fortnight, in working time, whose ``hours`` of working time end
    between two and six working hours from ``now``: due soon, not yet late."""
    calendar = calendar_for(None)
    moment = now.replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 2 * 14):
        moment -= datetime.timedelta(minutes=30)
        due = engine.add_working_time(calendar, moment, hours).due_at
        if due <= now:
            break
        left = engine.working_time_between(calendar, now, due)
        if datetime.timedelta(hours=2) <= left <= datetime.timedelta(hours=6):
            return moment
    return _working_morning(1, now)


def _filed(citizen: User, code: str, agency: Agency) -> Dossier:
    procedure = Procedure.objects.get(code=code)
    dossier = services.dossier_create_draft(
        applicant=citizen, procedure=procedure, agency=agency, actor=citizen
    )
    for component in dossier.version.components.filter(required=True).order_by("order"):
        services.dossier_attach_file(
            dossier=dossier,
            actor=citizen,
            upload=SimpleUploadedFile(
                f"thanh-phan-{component.order}.pdf", DEMO_PDF, content_type="application/pdf"
            ),
            component=component,
        )
    services.dossier_submit(dossier=dossier, actor=citizen)
    return dossier


def _at(moment: datetime.datetime, step: Callable[[], Dossier]) -> Dossier:
    with clock(moment):
        return step()


def load_demo_dossiers(
    *,
    citizen: User,
    centre: Agency,
    commune_centre: Agency,
    staff: dict[str, User],
    now: datetime.datetime | None = None,
) -> int:
    """Creates the four demo dossiers unless the citizen has any; returns how many."""
    if Dossier.objects.filter(applicant=citizen).exists():
        return 0
    now = now or timezone.now()
    clerk, commune_clerk = staff["clerk"], staff["commune_clerk"]

    def overdue() -> Dossier:
        dossier = _filed(citizen, EXTRACT, centre)
        services.dossier_receive(dossier=dossier, actor=clerk)
        return services.dossier_hand_over(dossier=dossier, actor=clerk)

    def due_soon() -> Dossier:
        dossier = _filed(citizen, MARITAL, commune_centre)
        services.dossier_receive(dossier=dossier, actor=commune_clerk)
        return services.dossier_hand_over(dossier=dossier, actor=commune_clerk)

    def returned() -> Dossier:
        dossier = _filed(citizen, PATERNITY, commune_centre)
        services.dossier_receive(dossier=dossier, actor=commune_clerk)
        services.dossier_hand_over(dossier=dossier, actor=commune_clerk)
        services.dossier_propose(
            dossier=dossier,
            actor=staff["commune_specialist"],
            decision=Decision.GRANTED,
            # A grant comes with its result document: the head approves what is handed over.
            result_file=SimpleUploadedFile(
                "trich-luc-khai-sinh.pdf", DEMO_PDF, content_type="application/pdf"
            ),
        )
        services.dossier_approve(dossier=dossier, actor=staff["commune_head"])
        return services.dossier_return(dossier=dossier, actor=commune_clerk)

    marital = Procedure.objects.get(code=MARITAL).versions.order_by("-effective_from")[0]
    with transaction.atomic():
        made = [
            _at(_working_morning(8, now), overdue),
            _at(_received_to_be_due_soon(marital.limit_hours_online, now), due_soon),
            _at(_working_morning(20, now), returned),
            _at(now, lambda: _filed(citizen, EXTRACT, centre)),
        ]
    _flag_and_draft()
    logger.info("Demo dossiers: %s", ", ".join(d.code or "" for d in made))
    return len(made)


def _flag_and_draft() -> None:
    """The deadline scan, then the drafts the worker would make from what it flagged."""
    from apologies.scan import letters_missing, scan
    from apologies.services import letter_create_draft, letter_render

    scan(enqueue=False)
    for dossier_id in letters_missing().values_list("pk", flat=True):
        letter = letter_create_draft(dossier_id=dossier_id)
        if letter is not None:
            letter_render(letter_id=letter.pk, final=letter.state == "issued")
