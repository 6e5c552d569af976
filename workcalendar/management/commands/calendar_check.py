"""`manage.py calendar_check`: what the administrator must decide in the official calendar.

    python manage.py calendar_check [--lang vi|en] [--strict]

Lists (docs/design.md §6; the sources in docs/legal.md, "Lịch nghỉ lễ, Tết"):

1. the shipped entries marked uncertain, which the deadline engine does not apply, each with
   the global calendar override that decided it, or "undecided";
2. the dates on which the calendar applies a status other than the `holidays` package's (the
   decisions the package lacks or contradicts), each with its document;
3. this year and next year when no decisions are shipped for them (the package alone applies).

With `--strict` an undecided uncertain day or a missing year is an error (exit status 1), for
a deployment check.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workcalendar import engine, official
from workcalendar.calendars import uncertain_days

MESSAGES = {
    "vi": {
        "years": "Lịch nghỉ lễ, Tết chính thức đi kèm phần mềm: năm {years} (gói holidays {version}).",
        "uncertain": "Ngày chưa xác định được (không áp dụng; quản trị viên cần quyết định bằng một điều chỉnh lịch làm việc áp dụng cho mọi cơ quan):",
        "uncertain_none": "Không có ngày nào chưa xác định.",
        "uncertain_line": "  {day} — {name}: {kind}? Đang tính là {applied}. {note}",
        "decided": "    Đã quyết định: {override}",
        "undecided": "    Chưa quyết định.",
        "differences": "Khác với gói holidays:",
        "differences_none": "Không khác gói holidays.",
        "difference_line": "  {day}: gói holidays: {package}; áp dụng: {applied} — {name} ({source})",
        "source": "Nguồn: {citation}",
        "missing": "Năm {year} chưa có lịch chính thức: đang áp dụng gói holidays. Hãy bổ sung workcalendar/official/{year}.toml khi có thông báo của Bộ Nội vụ.",
        "strict": "calendar_check: còn {count} vấn đề cần quản trị viên quyết định.",
        "day_off": "ngày nghỉ",
        "working_day": "ngày làm việc",
        "uncertain_status": "ngày làm việc thông thường, chưa xác định",
    },
    "en": {
        "years": "Official calendar shipped with the software: {years} (holidays package {version}).",
        "uncertain": "Days not confirmed (not applied; an administrator decides with a calendar override for every agency):",
        "uncertain_none": "No unconfirmed day.",
        "uncertain_line": "  {day} — {name}: {kind}? Counted as a {applied}. {note}",
        "decided": "    Decided: {override}",
        "undecided": "    Undecided.",
        "differences": "Differences from the holidays package:",
        "differences_none": "No difference from the holidays package.",
        "difference_line": "  {day}: holidays package: {package}; applied: {applied} — {name} ({source})",
        "source": "Source: {citation}",
        "missing": "{year} has no official calendar: the holidays package applies. Add workcalendar/official/{year}.toml once the Ministry of Home Affairs has announced it.",
        "strict": "calendar_check: {count} issue(s) left for an administrator to decide.",
        "day_off": "day off",
        "working_day": "working day",
        "uncertain_status": "ordinary working day, not confirmed",
    },
}


class Command(BaseCommand):
    help = (
        "Lists the official calendar's unconfirmed days (not applied until an administrator "
        "decides), its differences from the holidays package, and the years it lacks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=engine.LANGUAGES, default="vi")
        parser.add_argument(
            "--strict", action="store_true", help="exit 1 if anything is left to decide"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang: str = options["lang"]
        messages = MESSAGES[lang]
        shipped = official.shipped()
        write = self.stdout.write

        years = ", ".join(str(year) for year in sorted(shipped.years)) or "—"
        write(messages["years"].format(years=years, version=official.package_version()))

        issues = 0
        pending = uncertain_days(shipped)
        write(messages["uncertain"] if pending else messages["uncertain_none"])
        for entry, override in pending:
            write(
                messages["uncertain_line"].format(
                    day=engine.format_dated(entry.date, lang),
                    name=entry.names[lang],
                    kind=messages[entry.kind],
                    applied=messages["working_day" if entry.date.weekday() < 5 else "day_off"],
                    note=entry.note,
                )
            )
            if entry.documents:
                write("    " + messages["source"].format(citation=entry.citation()))
            if override is None:
                issues += 1
                write(messages["undecided"])
            else:
                write(messages["decided"].format(override=override))

        found = [
            diff for year in sorted(shipped.years) for diff in official.differences(shipped, year)
        ]
        write(messages["differences"] if found else messages["differences_none"])
        for diff in found:
            write(
                messages["difference_line"].format(
                    day=engine.format_dated(diff.date, lang),
                    package=_status(messages, diff.package_working, diff.package_name),
                    applied=_status(messages, diff.applied_working, "")
                    if diff.entry.confirmed
                    else messages["uncertain_status"],
                    name=diff.entry.names[lang],
                    source=diff.entry.citation(),
                )
            )

        this_year = timezone.now().astimezone(engine.VIETNAM).year
        for year in (this_year, this_year + 1):
            if year not in shipped.years:
                issues += 1
                write(messages["missing"].format(year=year))

        if options["strict"] and issues:
            raise CommandError(messages["strict"].format(count=issues))


def _status(messages: dict[str, str], working: bool, name: str) -> str:
    status = messages["working_day" if working else "day_off"]
    return f"{status} ({name})" if name else status
