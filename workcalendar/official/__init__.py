"""The official calendar: the yearly decisions on days off and make-up working days, shipped
as data with the document each comes from (docs/design.md §6; the rules and sources are in
docs/legal.md, "Lịch nghỉ lễ, Tết").

One TOML file a year beside this module (`2025.toml`, `2026.toml`): a province administrator
can read it and a reviewer can diff it. Each `[[days]]` entry is one date: its kind (a day off
or a working day), its name, the keys of the `[documents]` it comes from, and its status:

- `confirmed`: a source was read that gives this date this status. The engine applies it.
- `uncertain`: the date's status could not be confirmed (a policy announced but not yet law,
  a proposal not seen approved). The engine does NOT apply it: the date keeps its ordinary
  weekday/weekend status until an administrator decides with a calendar override, and
  `manage.py calendar_check` and the overrides' admin list it until then.

A year that has a file is decided by the file alone: `holidays.VN` is not consulted for it
(tests/workcalendar/test_official.py proves the file decides every date the package names, so
a new release of the package cannot move a past deadline unnoticed). A year without a file
falls back to `holidays.VN`.

Pure: reads files shipped with the code; no ORM, no settings.
"""

from __future__ import annotations

import datetime
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays

DATA_DIR = Path(__file__).resolve().parent

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
KINDS = (DAY_OFF, WORKING_DAY)
CONFIRMED = "confirmed"
UNCERTAIN = "uncertain"
STATUSES = (CONFIRMED, UNCERTAIN)


class OfficialDataError(ValueError):
    """A shipped calendar file is malformed (a typo must fail the tests, not a deadline)."""


@dataclass(frozen=True)
class Document:
    """A source: the instrument (number, date, issuer) and where it was read."""

    key: str
    citation: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class OfficialDay:
    date: datetime.date
    kind: str
    name: str
    name_en: str
    documents: tuple[Document, ...]
    status: str
    note: str = ""

    @property
    def working(self) -> bool:
        return self.kind == WORKING_DAY

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED

    @property
    def names(self) -> dict[str, str]:
        return {"vi": self.name, "en": self.name_en or self.name}

    def citation(self) -> str:
        return "; ".join(document.citation for document in self.documents)


@dataclass(frozen=True)
class OfficialCalendar:
    """The decided years and their entries, date → entry (confirmed and uncertain)."""

    years: frozenset[int] = frozenset()
    days: Mapping[datetime.date, OfficialDay] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", frozenset(self.years))
        object.__setattr__(self, "days", MappingProxyType(dict(self.days)))

    def covers(self, day: datetime.date) -> bool:
        """True when `day`'s year is decided by shipped data (the package is not consulted)."""
        return day.year in self.years

    def confirmed(self, day: datetime.date) -> OfficialDay | None:
        entry = self.days.get(day)
        return entry if entry is not None and entry.confirmed else None

    def entries(self, year: int | None = None) -> list[OfficialDay]:
        return [
            entry for day, entry in sorted(self.days.items()) if year is None or day.year == year
        ]

    def uncertain(self) -> list[OfficialDay]:
        return [entry for entry in self.entries() if not entry.confirmed]


EMPTY = OfficialCalendar()


def load(directory: Path = DATA_DIR) -> OfficialCalendar:
    """Every `<year>.toml` in `directory`, validated; raises OfficialDataError on bad data."""
    years: set[int] = set()
    days: dict[datetime.date, OfficialDay] = {}
    for path in sorted(directory.glob("*.toml")):
        year, entries = _load_file(path)
        if year in years:
            raise OfficialDataError(f"{path.name}: year {year} is shipped twice.")
        years.add(year)
        for entry in entries:
            if entry.date in days:
                raise OfficialDataError(f"{path.name}: {entry.date} is listed twice.")
            days[entry.date] = entry
    return OfficialCalendar(years=frozenset(years), days=days)


@functools.cache
def shipped() -> OfficialCalendar:
    """The calendar shipped with the code (read once per process)."""
    return load()


def _load_file(path: Path) -> tuple[int, list[OfficialDay]]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    where = path.name
    year = data.get("year")
    if not isinstance(year, int) or path.stem != str(year):
        raise OfficialDataError(f"{where}: `year` must be {path.stem}, the file's name.")
    documents = {
        key: _document(where, key, value) for key, value in data.get("documents", {}).items()
    }
    entries = [_day(where, year, documents, raw) for raw in data.get("days", [])]
    return year, entries


def _document(where: str, key: str, raw: Mapping[str, Any]) -> Document:
    citation = raw.get("citation")
    if not isinstance(citation, str) or not citation.strip():
        raise OfficialDataError(f"{where}: document {key!r} needs a citation.")
    return Document(
        key=key, citation=citation.strip(), url=raw.get("url", ""), note=raw.get("note", "")
    )


def _day(
    where: str, year: int, documents: Mapping[str, Document], raw: Mapping[str, Any]
) -> OfficialDay:
    date = raw.get("date")
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise OfficialDataError(f"{where}: every entry needs a `date` (YYYY-MM-DD), got {date!r}.")
    if date.year != year:
        raise OfficialDataError(f"{where}: {date} is not in {year}.")
    kind, status = raw.get("kind"), raw.get("status")
    if kind not in KINDS:
        raise OfficialDataError(f"{where}: {date}: kind must be one of {KINDS}, not {kind!r}.")
    if status not in STATUSES:
        raise OfficialDataError(
            f"{where}: {date}: status must be one of {STATUSES}, not {status!r}."
        )
    name = str(raw.get("name", "")).strip()
    if not name:
        raise OfficialDataError(f"{where}: {date} needs a name.")
    keys: Iterable[str] = raw.get("documents", [])
    unknown = [key for key in keys if key not in documents]
    if unknown:
        raise OfficialDataError(f"{where}: {date} cites unknown documents {unknown}.")
    cited = tuple(documents[key] for key in keys)
    note = str(raw.get("note", "")).strip()
    if status == CONFIRMED and not cited:
        raise OfficialDataError(f"{where}: {date} is confirmed but cites no document.")
    if status == UNCERTAIN and not note:
        raise OfficialDataError(f"{where}: {date} is uncertain: say why in `note`.")
    return OfficialDay(
        date=date,
        kind=kind,
        name=name,
        name_en=str(raw.get("name_en", "")).strip(),
        documents=cited,
        status=status,
        note=note,
    )


# --- the package beside the decisions --------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A date on which the calendar applies a status other than `holidays.VN`'s: a confirmed
    decision the package lacks or contradicts, or an uncertain entry left unapplied."""

    date: datetime.date
    package_working: bool
    package_name: str
    applied_working: bool
    entry: OfficialDay


def package_days(year: int) -> dict[datetime.date, tuple[bool, str]]:
    """The dates `holidays.VN` names in `year`: date → (working, name). Holidays are days
    off; `weekend_workdays` are make-up working days."""
    package = holidays.VN(years=year, language="vi")
    named = {day: (False, str(name)) for day, name in package.items() if day.year == year}
    for day in package.weekend_workdays:
        if day.year == year:
            named[day] = (True, "")
    return named


def differences(calendar: OfficialCalendar, year: int) -> list[Difference]:
    """The dates of `year` on which the status the engine applies (a confirmed entry; for an
    uncertain one, the ordinary weekday/weekend status) is not the package's."""
    package = package_days(year)
    found = []
    for entry in calendar.entries(year):
        working, name = package.get(entry.date, (entry.date.weekday() < 5, ""))
        applied = entry.working if entry.confirmed else entry.date.weekday() < 5
        if working != applied:
            found.append(Difference(entry.date, working, name, applied, entry))
    return found


def package_version() -> str:
    return str(holidays.__version__)
