"""`manage.py deadline`: the due moment of a dossier, with its explanation.

    python manage.py deadline --received 2025-01-24T09:00 --hours 24 [--agency CODE]
        [--cutoff 15:00] [--lang vi|en]

The first line is the due moment in ISO 8601 with its UTC offset; the explanation follows.
A `--received` without an offset is read in the calendar's time zone (Asia/Ho_Chi_Minh).
With `--cutoff` the same-day rule applies and `--hours` may be left out.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.models import Agency
from workcalendar import engine
from workcalendar.calendars import calendar_for

MESSAGES = {
    "vi": {
        "received": "--received không hợp lệ: {value!r}. Hãy nhập ngày giờ dạng 2025-01-24T09:00 "
        "(có thể kèm múi giờ, ví dụ 2025-01-24T09:00+07:00).",
        "hours": "--hours không hợp lệ: {value!r}. Hãy nhập số giờ làm việc, là số không âm, "
        "ví dụ 24 hoặc 4.5.",
        "hours_missing": "Thiếu --hours: hãy nhập số giờ làm việc (hoặc --cutoff cho thủ tục "
        "giải quyết trong ngày).",
        "cutoff": "--cutoff không hợp lệ: {value!r}. Hãy nhập giờ chốt dạng HH:MM, ví dụ 15:00.",
        "agency": "Không tìm thấy cơ quan có mã {value!r}.",
        "calendar": "Không tính được thời hạn: {error}",
    },
    "en": {
        "received": "Invalid --received: {value!r}. Enter a date and time such as 2025-01-24T09:00 "
        "(optionally with an offset, e.g. 2025-01-24T09:00+07:00).",
        "hours": "Invalid --hours: {value!r}. Enter a non-negative number of working hours, "
        "e.g. 24 or 4.5.",
        "hours_missing": "Missing --hours: enter the number of working hours (or --cutoff for a "
        "same-day procedure).",
        "cutoff": "Invalid --cutoff: {value!r}. Enter the cut-off as HH:MM, e.g. 15:00.",
        "agency": "No agency has the code {value!r}.",
        "calendar": "Cannot compute the deadline: {error}",
    },
}


class Command(BaseCommand):
    help = (
        "Prints the due moment (ISO 8601 with UTC offset) of a dossier received at --received "
        "with --hours working hours, then how it was computed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received", required=True, help="e.g. 2025-01-24T09:00 (Asia/Ho_Chi_Minh)"
        )
        parser.add_argument("--hours", help="working hours, e.g. 24 or 4.5")
        parser.add_argument("--agency", help="Agency.code; default office hours if left out")
        parser.add_argument("--cutoff", help="HH:MM; applies the same-day rule")
        parser.add_argument("--lang", choices=engine.LANGUAGES, default="vi")

    def handle(self, *args: Any, **options: Any) -> None:
        lang: str = options["lang"]
        messages = MESSAGES[lang]

        received = _parse_received(options["received"], engine.VIETNAM)
        if received is None:
            raise CommandError(messages["received"].format(value=options["received"]))

        cutoff = None
        if options["cutoff"] is not None:
            cutoff = _parse_cutoff(options["cutoff"])
            if cutoff is None:
                raise CommandError(messages["cutoff"].format(value=options["cutoff"]))

        if options["hours"] is None and cutoff is None:
            raise CommandError(messages["hours_missing"])
        hours = _parse_hours(options["hours"] or "0")
        if hours is None:
            raise CommandError(messages["hours"].format(value=options["hours"]))

        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(messages["agency"].format(value=options["agency"]))
        calendar = calendar_for(agency)

        try:
            result = engine.compute_due(
                calendar,
                received_at=received,
                hours=hours,
                same_day=cutoff is not None,
                cutoff=cutoff,
            )
        except (ValueError, OverflowError) as error:
            raise CommandError(messages["calendar"].format(error=error)) from error

        self.stdout.write(result.due_at.isoformat())
        for line in result.explanation.render(lang):
            self.stdout.write(line)


def _parse_received(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _parse_hours(value: str) -> Decimal | None:
    try:
        hours = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours < 0:
        return None
    return hours


def _parse_cutoff(value: str) -> datetime.time | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        return None
