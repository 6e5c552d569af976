"""`manage.py deadline`: the due moment of a dossier, with its explanation.

    python manage.py deadline --received 2025-01-24T09:00
        (--hours N | --days N | --calendar-days N) [--agency CODE] [--cutoff 15:00]
        [--lang vi|en]

The first line is the due moment in ISO 8601 with its UTC offset; the explanation follows.
A `--received` without an offset is read in the calendar's time zone (Asia/Ho_Chi_Minh).
The limit is given in one unit (docs/legal.md): `--hours` working hours, `--days` working
days (eight working hours each, as a procedure's "ngày làm việc"), or `--calendar-days`
("N ngày" in a sector law: the day of receipt not counted, a last day off moving the end to
the close of the next working day). With `--cutoff` the same-day rule applies and the limit
may be left out.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.models import Agency
from workcalendar import engine
from workcalendar.calendars import calendar_for

# A working day of a procedure's limit, as procedures.models.HOURS_PER_WORKING_DAY (the
# floors keep workcalendar from importing procedures; a test keeps the two equal).
HOURS_PER_WORKING_DAY = 8

MESSAGES = {
    "vi": {
        "received": "--received không hợp lệ: {value!r}. Hãy nhập ngày giờ dạng 2025-01-24T09:00 "
        "(có thể kèm múi giờ, ví dụ 2025-01-24T09:00+07:00).",
        "hours": "--hours không hợp lệ: {value!r}. Hãy nhập số giờ làm việc, là số không âm, "
        "ví dụ 24 hoặc 4.5.",
        "hours_missing": "Thiếu --hours: hãy nhập số giờ làm việc (hoặc --days, "
        "--calendar-days, hoặc --cutoff cho thủ tục giải quyết trong ngày).",
        "days": "--days không hợp lệ: {value!r}. Hãy nhập số ngày làm việc, là số không âm, "
        "ví dụ 15 hoặc 0.5.",
        "calendar_days": "--calendar-days không hợp lệ: {value!r}. Hãy nhập số ngày là số "
        "nguyên không âm, ví dụ 30.",
        "one_unit": "Chỉ nhập một trong --hours, --days, --calendar-days.",
        "cutoff": "--cutoff không hợp lệ: {value!r}. Hãy nhập giờ chốt dạng HH:MM, ví dụ 15:00.",
        "agency": "Không tìm thấy cơ quan có mã {value!r}.",
        "calendar": "Không tính được thời hạn: {error}",
    },
    "en": {
        "received": "Invalid --received: {value!r}. Enter a date and time such as 2025-01-24T09:00 "
        "(optionally with an offset, e.g. 2025-01-24T09:00+07:00).",
        "hours": "Invalid --hours: {value!r}. Enter a non-negative number of working hours, "
        "e.g. 24 or 4.5.",
        "hours_missing": "Missing --hours: enter the number of working hours (or --days, "
        "--calendar-days, or --cutoff for a same-day procedure).",
        "days": "Invalid --days: {value!r}. Enter a non-negative number of working days, "
        "e.g. 15 or 0.5.",
        "calendar_days": "Invalid --calendar-days: {value!r}. Enter a non-negative whole "
        "number of days, e.g. 30.",
        "one_unit": "Give only one of --hours, --days, --calendar-days.",
        "cutoff": "Invalid --cutoff: {value!r}. Enter the cut-off as HH:MM, e.g. 15:00.",
        "agency": "No agency has the code {value!r}.",
        "calendar": "Cannot compute the deadline: {error}",
    },
}


class Command(BaseCommand):
    help = (
        "Prints the due moment (ISO 8601 with UTC offset) of a dossier received at --received "
        "with a limit of --hours working hours, --days working days or --calendar-days "
        "calendar days, then how it was computed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received", required=True, help="e.g. 2025-01-24T09:00 (Asia/Ho_Chi_Minh)"
        )
        parser.add_argument("--hours", help="working hours, e.g. 24 or 4.5")
        parser.add_argument("--days", help="working days (8 working hours each), e.g. 15")
        parser.add_argument(
            "--calendar-days",
            dest="calendar_days",
            help="calendar days (Civil Code Art. 147-148), e.g. 30",
        )
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

        given = [name for name in ("hours", "days", "calendar_days") if options[name] is not None]
        if len(given) > 1:
            raise CommandError(messages["one_unit"])
        if not given and cutoff is None:
            raise CommandError(messages["hours_missing"])
        hours = _parse_hours(options["hours"] or "0")
        if hours is None:
            raise CommandError(messages["hours"].format(value=options["hours"]))
        if options["days"] is not None:
            days = _parse_hours(options["days"])
            if days is None:
                raise CommandError(messages["days"].format(value=options["days"]))
            hours = days * HOURS_PER_WORKING_DAY
        calendar_days = None
        if options["calendar_days"] is not None:
            calendar_days = _parse_days(options["calendar_days"])
            if calendar_days is None:
                raise CommandError(messages["calendar_days"].format(value=options["calendar_days"]))

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
                calendar_days=calendar_days,
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


def _parse_days(value: str) -> int | None:
    text = value.strip()
    if not text.isdigit():
        return None
    return int(text)


def _parse_cutoff(value: str) -> datetime.time | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        return None
