"""N dossiers spread over a province like a year of real traffic, loaded with COPY.

The province is the demo one (``load_demo``) with four more communes, so about twenty
agencies receive or settle dossiers. Each dossier takes a procedure its receiving agency
handles, the version in force on the day it was filed, and goes through that version's
internal steps on the default working calendar: most were returned long ago (a few of them
late), some wait for the citizen to collect the result, some are being appraised or wait
for a supplement or a payment, a few were refused, withdrawn or stopped, a few are drafts.

On top of that, about 6.5 % are *stuck*: in progress, past their deadline, and not yet seen
by the deadline scan (docs/design.md §12 P1: ≈65,000 of 1,000,000). Their ids are kept in the table
``bench_fresh`` so a later run (``--keep``) can clear what the scan wrote and start again.

Rows are built in Python and streamed with psycopg's ``COPY`` into the dossier, step and
event tables at once (three connections, one transaction each); the secondary indexes are
dropped during the load and built again afterwards, which is several times faster than
maintaining them row by row.
"""

import datetime
import json
import random
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from django.contrib.auth.models import Group
from django.db.models import Sum
from psycopg.copy import QueuedLibpqWriter

from accounts import roles
from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from agencies.models import Agency, AgencyKind, Commune, Department
from demo.province import COMMUNE_DEPARTMENTS, DEMO_EMAIL_DOMAIN
from dossiers.models import (
    LOOKUP_SECRET_ALPHABET,
    NATIONAL_STATUS,
    DailyCounter,
    Dossier,
    DossierEvent,
    DossierStep,
)
from procedures.models import Procedure, ProcedureVersion
from workcalendar import engine
from workcalendar.calendars import calendar_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BENCH_EMAIL_DOMAIN = "bench.motcua.vn"

MINUTES_PER_DAY = 8 * 60  # one slot = one working minute of the default calendar
MORNING_MINUTES = 4 * 60
WINDOW_DAYS = 250  # about a year of working days of filings
FUTURE_DAYS = 150

# How the dossiers of a province are spread (fractions of N).
SHARE_DRAFT = 0.008
SHARE_STUCK = 0.065  # in progress, past due, not yet flagged: what P1 finds
SHARE_FLAGGED = 0.004  # overdue and already flagged by earlier scans
SHARE_REFUSED = 0.02
SHARE_SUPPLEMENT = 0.015  # a supplement asked for at reception
SHARE_WITHDRAWN = 0.006
SHARE_STOPPED = 0.003
SHARE_LATE = 0.06  # settled after the deadline
SHARE_PAUSED = 0.10  # of the dossiers in appraisal: waiting for a supplement or a payment
SHARE_CENTRE = 0.3  # the provincial centre; the commune centres share the rest
EXTRA_COMMUNES = 4

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = [
    "Văn",
    "Thị",
    "Minh",
    "Thu",
    "Hoàng",
    "Ngọc",
    "Quang",
    "Thanh",
    "Đức",
    "Kim",
    "Hữu",
    "Bảo",
]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương",
         "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phúc", "Phương", "Quân", "Sơn",
         "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vy", "Yến", "Đạt"]  # fmt: skip
STREETS = ["Phan Chu Trinh", "Nguyễn Ái Quốc", "Võ Thị Sáu", "Cách Mạng Tháng Tám", "Hà Huy Giáp",
           "Phạm Văn Thuận", "Đồng Khởi", "Nguyễn Văn Trị", "Bùi Văn Hòa", "Huỳnh Văn Nghệ"]  # fmt: skip

DOSSIER_COLUMNS = (
    "id", "uuid", "code", "applicant_name", "applicant_national_id", "applicant_date_of_birth",
    "applicant_address", "applicant_phone", "applicant_email", "representative_name",
    "representative_national_id", "representative_authorisation", "intake_channel",
    "return_channel", "return_address", "note", "state", "fee_total", "payment_status",
    "obligation_amount", "created_at", "submitted_at", "received_at", "clock_started_at", "due_at",
    "original_due_at", "deadline_explanation", "paused_at", "extension_count",
    "supplement_deadline", "proposed_decision", "decision", "decision_reason", "result_file",
    "decided_at", "returned_at", "closed_reason", "agency_id", "applicant_id", "assignee_id",
    "filed_by_id", "procedure_id", "proposed_by_id", "version_id", "current_step_id",
    "due_soon_at", "escalated_at", "overdue_since", "responsible_agency_id",
    "responsible_department_id", "decided_working_seconds", "lookup_secret",
    "competence_address", "submission_reference",
)  # fmt: skip
STEP_COLUMNS = (
    "id", "dossier_id", "order", "name", "agency_id", "department_id", "budget_hours", "state",
    "started_at", "due_at", "finished_at", "handled_by_id", "overdue_since",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "dossier_id", "action", "from_state", "to_state", "national_code", "actor_id",
    "step_id", "note", "data", "created_at",
)  # fmt: skip
USER_COLUMNS = (
    "id", "password", "is_superuser", "email", "phone", "full_name", "national_id",
    "date_of_birth", "address", "preferred_language", "is_staff", "is_active", "date_joined",
)  # fmt: skip

TABLES = (Dossier._meta.db_table, DossierStep._meta.db_table, DossierEvent._meta.db_table)


# --- working minutes -------------------------------------------------------------------------


class Slots:
    """Every working minute of the default calendar in a window, as COPY-ready text.

    Slot ``k`` is the k-th working minute; ``start(k)`` is when it begins and ``end(k)``
    when it ends, so "h working hours after slot k" is ``end(k + 60 h - 1)``, exactly what
    the deadline engine computes for a calendar without overrides.
    """

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        calendar = engine.WorkCalendar()
        days = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if calendar.is_working_day(first + datetime.timedelta(days=n))
        ]
        self.days = days
        self.prefixes: list[str] = []
        self.ends: list[str] = []
        self.local: list[datetime.datetime] = []
        for day in days:
            text = day.isoformat()
            for minute in range(MINUTES_PER_DAY):
                clock = 450 + minute if minute < MORNING_MINUTES else 780 + minute - MORNING_MINUTES
                hour, mins = divmod(clock, 60)
                end_hour, end_mins = divmod(clock + 1, 60)
                self.prefixes.append(f"{text} {hour:02d}:{mins:02d}:")
                self.ends.append(f"{text} {end_hour:02d}:{end_mins:02d}:00+07")
                if minute == 0:
                    self.local.append(datetime.datetime.combine(day, datetime.time(hour, mins)))
        self.seconds = [f"{second:02d}+07" for second in range(60)]

    def __len__(self) -> int:
        return len(self.prefixes)

    def start(self, k: int, second: int = 0) -> str:
        return self.prefixes[k] + self.seconds[second]

    def end(self, k: int) -> str:
        return self.ends[k]

    def at(self, moment: datetime.datetime) -> int:
        """The first working minute at or after ``moment``."""
        local = moment.astimezone(VN).replace(tzinfo=None)
        day_index = bisect_left(self.days, local.date())
        if day_index < len(self.days) and self.days[day_index] == local.date():
            clock = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
            if clock <= 450:
                minute = 0
            elif clock <= 690:
                minute = clock - 450
            elif clock <= 780:
                minute = MORNING_MINUTES
            elif clock < 1020:
                minute = MORNING_MINUTES + clock - 780
            else:
                return (day_index + 1) * MINUTES_PER_DAY
            return day_index * MINUTES_PER_DAY + minute
        return day_index * MINUTES_PER_DAY

    def day_end(self, k: int) -> int:
        """The last slot of the working day of slot ``k``."""
        return (k // MINUTES_PER_DAY + 1) * MINUTES_PER_DAY - 1

    def day_of(self, k: int) -> datetime.date:
        return self.days[k // MINUTES_PER_DAY]


# --- the province ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    order: int
    name: str
    agency_id: int
    department_id: int | None
    budget_hours: int


@dataclass(frozen=True)
class VersionPlan:
    id: int
    procedure_id: int
    effective_from: datetime.date
    effective_until: datetime.date | None
    limit_direct: int
    limit_online: int
    same_day: bool
    fee_total: int
    explanation: str  # a real deadline explanation of this version (JSON)


@dataclass
class Receiver:
    agency_id: int
    code: str
    procedures: list[int]
    cumulative: list[float]


@dataclass
class Province:
    receivers: list[Receiver]
    receiver_cumulative: list[float]
    versions: dict[int, list[VersionPlan]]
    processes: dict[tuple[int, int], list[StepPlan]]
    staff: dict[int, list[int]]
    clerks: dict[int, list[int]]
    agencies: int
    departments: int


def _add_communes(province_id: int) -> list[Agency]:
    """Four more communes with their committee, centre and departments, like the demo two."""
    demo_centres = list(
        Agency.objects.filter(kind=AgencyKind.COMMUNE_CENTRE, province_id=province_id)
    )
    taken = set(Agency.objects.filter(commune__isnull=False).values_list("commune_id", flat=True))
    communes = (
        Commune.objects.filter(province_id=province_id).exclude(code__in=taken).order_by("code")
    )
    centres = []
    for index, commune in enumerate(communes[:EXTRA_COMMUNES], start=1):
        suffix = f"B{index}"
        committee, _ = Agency.objects.update_or_create(
            code=f"000.{commune.code}.{suffix}.H75",
            defaults={
                "name": f"Ủy ban nhân dân {commune.name[:1].lower()}{commune.name[1:]}",
                "short_name": f"UBND {commune.name}",
                "kind": AgencyKind.COMMUNE_COMMITTEE,
                "province_id": province_id,
                "commune": commune,
                "head_title": "Chủ tịch",
            },
        )
        centre, _ = Agency.objects.update_or_create(
            code=f"000.{commune.code}.{suffix}.TT.H75",
            defaults={
                "name": f"Trung tâm Phục vụ hành chính công {commune.name}",
                "short_name": f"Trung tâm PVHCC {commune.name}",
                "kind": AgencyKind.COMMUNE_CENTRE,
                "province_id": province_id,
                "commune": commune,
                "parent": committee,
            },
        )
        for code, name in COMMUNE_DEPARTMENTS:
            Department.objects.update_or_create(
                agency=committee, code=code, defaults={"name": name}
            )
        centres.append(centre)
    if demo_centres:
        # The new centres receive what the demo communes receive.
        for procedure in Procedure.objects.filter(agencies=demo_centres[0]):
            procedure.agencies.add(*centres)
    return centres


def _add_staff(agencies: Sequence[Agency]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Two clerks per receiving agency, two specialists and a head per department."""
    groups = {
        key: Group.objects.get(name=ROLE_BY_KEY[key].group_name)
        for key in ("clerk", "specialist", "head")
    }
    people: list[tuple[User, str]] = []
    departments = Department.objects.filter(agency__in=agencies)
    for agency in agencies:
        if agency.kind in (AgencyKind.PROVINCIAL_CENTRE, AgencyKind.COMMUNE_CENTRE):
            for n in range(2):
                people.append(
                    (
                        User(email=f"clerk-{agency.pk}-{n}@{BENCH_EMAIL_DOMAIN}", agency=agency),
                        "clerk",
                    )
                )
        if not any(d.agency_id == agency.pk for d in departments):
            people.append(
                (User(email=f"staff-{agency.pk}@{BENCH_EMAIL_DOMAIN}", agency=agency), "head")
            )
    for department in departments:
        for n, role in enumerate(("specialist", "specialist", "head")):
            email = f"{role}-{department.pk}-{n}@{BENCH_EMAIL_DOMAIN}"
            people.append(
                (User(email=email, agency_id=department.agency_id, department=department), role)
            )
    names = _names(random.Random(7), len(people))
    for (user, _role), name in zip(people, names, strict=True):
        user.full_name = name
        user.set_unusable_password()
    User.objects.bulk_create([user for user, _ in people])
    created = {u.email: u for u in User.objects.filter(email__in=[u.email for u, _ in people])}
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=created[user.email].pk, group_id=groups[role].pk) for user, role in people]
    )
    staff: dict[int, list[int]] = {}
    clerks: dict[int, list[int]] = {}
    for user, role in people:
        stored = created[user.email]
        staff.setdefault(stored.agency_id, []).append(stored.pk)  # type: ignore[arg-type]
        if role == "clerk":
            clerks.setdefault(stored.agency_id, []).append(stored.pk)  # type: ignore[arg-type]
    # The demo people work here too (the demo clerk's queue is what P4 opens).
    for user in User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}", agency__isnull=False):
        staff.setdefault(user.agency_id, []).append(user.pk)  # type: ignore[arg-type]
        if roles.is_clerk(user):
            clerks.setdefault(user.agency_id, []).append(user.pk)  # type: ignore[arg-type]
    return staff, clerks


def _explanation(version: ProcedureVersion, at: datetime.datetime) -> str:
    result = engine.compute_due(
        calendar_for(None),
        received_at=at,
        hours=version.limit_hours_direct,
        same_day=version.same_day,
        cutoff=version.cutoff if version.same_day else None,
    )
    return json.dumps(result.explanation.to_json(), ensure_ascii=False)


def _resolve(step_agency_id: int | None, receiving: Agency, order: int) -> int:
    """As ``services._resolve_step_agency``: a commune centre's later steps are its committee's."""
    if step_agency_id is not None:
        return step_agency_id
    if order > 1 and receiving.kind == AgencyKind.COMMUNE_CENTRE and receiving.parent_id:
        return receiving.parent_id
    return receiving.pk


def build_province(*, province_id: int, now: datetime.datetime, seed: int) -> Province:
    """The reference data the rows point at (created through the ORM: a few hundred rows)."""
    rng = random.Random(seed)
    _add_communes(province_id)
    agencies = list(Agency.objects.filter(province_id=province_id).order_by("pk"))
    staff, clerks = _add_staff(agencies)
    versions: dict[int, list[VersionPlan]] = {}
    fees = dict(
        ProcedureVersion.objects.annotate(total=Sum("fees__amount")).values_list("pk", "total")
    )
    for version in ProcedureVersion.objects.order_by("procedure_id", "effective_from"):
        versions.setdefault(version.procedure_id, []).append(
            VersionPlan(
                id=version.pk,
                procedure_id=version.procedure_id,
                effective_from=version.effective_from,
                effective_until=version.effective_until,
                limit_direct=version.limit_hours_direct,
                limit_online=version.limit_hours_online,
                same_day=version.same_day,
                fee_total=int(fees.get(version.pk) or 0),
                explanation=_explanation(version, now),
            )
        )
    receivers: list[Receiver] = []
    processes: dict[tuple[int, int], list[StepPlan]] = {}
    for agency in agencies:
        procedure_ids = list(
            Procedure.objects.filter(agencies=agency, is_active=True, versions__isnull=False)
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not procedure_ids:
            continue
        rng.shuffle(procedure_ids)
        # A few procedures make most of the traffic (civil status, land), like in life.
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(procedure_ids))]
        total = sum(weights)
        receivers.append(
            Receiver(
                agency_id=agency.pk,
                code=agency.code,
                procedures=procedure_ids,
                cumulative=list(accumulate(w / total for w in weights)),
            )
        )
        for version in ProcedureVersion.objects.filter(
            procedure_id__in=procedure_ids
        ).prefetch_related("steps"):
            steps = sorted(version.steps.all(), key=lambda s: s.order)
            plans = [
                StepPlan(
                    order=index,
                    name=step.name,
                    agency_id=_resolve(step.agency_id, agency, index),
                    department_id=step.department_id,
                    budget_hours=step.budget_hours,
                )
                for index, step in enumerate(steps, start=1)
            ] or [
                StepPlan(
                    1,
                    "Thẩm định, giải quyết hồ sơ",
                    _resolve(None, agency, 2),
                    None,
                    version.limit_hours_direct,
                )
            ]
            processes[(version.pk, agency.pk)] = plans
    centre_count = sum(
        1
        for r in receivers
        if Agency.objects.get(pk=r.agency_id).kind == AgencyKind.PROVINCIAL_CENTRE
    )
    shares = [
        SHARE_CENTRE / max(centre_count, 1)
        if Agency.objects.get(pk=r.agency_id).kind == AgencyKind.PROVINCIAL_CENTRE
        else (1 - SHARE_CENTRE) / max(len(receivers) - centre_count, 1)
        for r in receivers
    ]
    total = sum(shares)
    return Province(
        receivers=receivers,
        receiver_cumulative=list(accumulate(s / total for s in shares)),
        versions=versions,
        processes=processes,
        staff=staff,
        clerks=clerks,
        agencies=len(agencies),
        departments=Department.objects.filter(agency__province_id=province_id).count(),
    )


def _names(rng: random.Random, count: int) -> list[str]:
    return [
        f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(count)
    ]


# --- the rows --------------------------------------------------------------------------------


@dataclass
class Citizen:
    id: int
    name: str
    national_id: str
    birth: str
    address: str
    phone: str
    email: str


@dataclass
class GenerateReport:
    dossiers: int = 0
    steps: int = 0
    events: int = 0
    citizens: int = 0
    agencies: int = 0
    departments: int = 0
    stuck: int = 0
    states: Counter[str] = field(default_factory=Counter)
    seconds_rows: float = 0.0
    seconds_indexes: float = 0.0
    seconds_total: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dossiers": self.dossiers,
            "steps": self.steps,
            "events": self.events,
            "citizens": self.citizens,
            "agencies": self.agencies,
            "departments": self.departments,
            "stuck_overdue": self.stuck,
            "states": dict(sorted(self.states.items())),
            "seconds_rows": round(self.seconds_rows, 1),
            "seconds_indexes": round(self.seconds_indexes, 1),
            "seconds_total": round(self.seconds_total, 1),
        }


class Writer:
    """One table's COPY; rows are formatted by psycopg and sent by a thread of its own, so
    building the next rows overlaps with the server taking these."""

    def __init__(self, copy: Any) -> None:
        self.row = copy.write_row


class Generator:
    """Builds every row of one dossier (its steps and events too) from a seeded RNG."""

    def __init__(
        self, province: Province, slots: Slots, now_slot: int, citizens: list[Citizen], seed: int
    ) -> None:
        self.p = province
        self.slots = slots
        self.now = now_slot
        self.citizens = citizens
        self.rng = random.Random(seed)
        self.step_id = 0
        self.event_id = 0
        self.daily: Counter[tuple[int, datetime.date]] = Counter()
        self.codes: dict[int, str] = {r.agency_id: r.code for r in province.receivers}
        self.stuck: list[int] = []
        self.report = GenerateReport()
        self.dossiers: Writer
        self.steps: Writer
        self.events: Writer

    # -- helpers --
    def _version(self, procedure_id: int, day: datetime.date) -> VersionPlan:
        versions = self.p.versions[procedure_id]
        for version in reversed(versions):
            if version.effective_from <= day and (
                version.effective_until is None or version.effective_until >= day
            ):
                return version
        return versions[-1] if versions[-1].effective_from <= day else versions[0]

    def _who(self, agency_id: int) -> int | None:
        people = self.p.staff.get(agency_id)
        return self.rng.choice(people) if people else None

    def _clerk(self, agency_id: int) -> int | None:
        people = self.p.clerks.get(agency_id) or self.p.staff.get(agency_id)
        return self.rng.choice(people) if people else None

    def _event(self, dossier_id: int, action: str, from_state: str, to_state: str, actor: int | None,
               step: int | None, at: str, data: str = "{}", note: str = "") -> None:  # fmt: skip
        self.event_id += 1
        code = NATIONAL_STATUS.get(to_state)  # type: ignore[call-overload]
        self.events.row(
            (
                self.event_id,
                dossier_id,
                action,
                from_state,
                to_state,
                code,
                actor,
                step,
                note,
                data,
                at,
            )
        )
        self.report.events += 1

    def _code(self, agency_id: int, slot: int) -> str:
        day = self.slots.day_of(slot)
        self.daily[(agency_id, day)] += 1
        return f"{self.codes[agency_id]}-{day:%y%m%d}-{self.daily[(agency_id, day)]:04d}"

    # -- one dossier --
    def dossier(self, dossier_id: int) -> None:
        rng = self.rng
        slots = self.slots
        now = self.now
        receiver = self.p.receivers[
            bisect_right(self.p.receiver_cumulative, rng.random() * 0.999999)
        ]
        procedure_id = receiver.procedures[
            bisect_right(receiver.cumulative, rng.random() * 0.999999)
        ]
        citizen = self.citizens[rng.randrange(len(self.citizens))]
        agency_id = receiver.agency_id
        channel_draw = rng.random()
        channel = "online" if channel_draw < 0.55 else "direct" if channel_draw < 0.95 else "postal"
        return_channel = (
            "online"
            if channel == "online" and rng.random() < 0.5
            else "post"
            if channel == "postal"
            else "counter"
        )
        filed_by = citizen.id if channel != "direct" else (self._clerk(agency_id) or citizen.id)

        kind = rng.random()
        stuck = flagged = False
        if kind < SHARE_DRAFT:
            created = rng.randrange(now - 60 * MINUTES_PER_DAY, now)
            version = self._version(procedure_id, slots.day_of(created))
            self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel,
                              filed_by, state="draft", created=created)  # fmt: skip
            return
        kind -= SHARE_DRAFT
        if kind < SHARE_STUCK + SHARE_FLAGGED:
            stuck = kind < SHARE_STUCK
            flagged = not stuck
            # A procedure with steps beyond reception, received long enough ago to be late.
            probe = self._version(procedure_id, slots.day_of(now))
            limit = (probe.limit_online if channel == "online" else probe.limit_direct) * 60
            received = (
                now
                - int(limit * rng.uniform(1.05, 2.5))
                - rng.randrange(MINUTES_PER_DAY, 12 * MINUTES_PER_DAY)
            )
            submitted = received - rng.randrange(0, 240)
        else:
            submitted = rng.randrange(now - WINDOW_DAYS * MINUTES_PER_DAY, now)
            received = submitted + rng.randrange(0, 240)
        version = self._version(procedure_id, slots.day_of(submitted))
        limit = (version.limit_online if channel == "online" else version.limit_direct) * 60
        second = rng.randrange(60)
        code = self._code(agency_id, submitted)
        clerk = self._clerk(agency_id)
        submit_at = slots.start(submitted, second)
        self._event(
            dossier_id,
            "submit",
            "draft",
            "submitted",
            citizen.id if channel == "online" else clerk,
            None,
            submit_at,
        )
        base: dict[str, Any] = {"code": code, "created": submitted, "submitted": submit_at}

        if received >= now:
            self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel, filed_by,
                              state="submitted", **base)  # fmt: skip
            return
        reception = rng.random()
        if not (stuck or flagged) and reception < SHARE_REFUSED:
            at = slots.start(received)
            self._event(
                dossier_id,
                "refuse",
                "submitted",
                "refused",
                clerk,
                None,
                at,
                note="Hồ sơ không thuộc thẩm quyền.",
            )
            self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel, filed_by,
                              state="refused", closed_reason="Hồ sơ không thuộc thẩm quyền.", **base)  # fmt: skip
            return
        if not (stuck or flagged) and reception < SHARE_REFUSED + SHARE_SUPPLEMENT:
            asked = slots.start(received)
            data = json.dumps(
                {"items": [{"name": "Bản sao giấy tờ", "reason": "Chưa chứng thực"}]},
                ensure_ascii=False,
            )
            self._event(
                dossier_id,
                "request_supplement",
                "submitted",
                "supplement_requested",
                clerk,
                None,
                asked,
                data=data,
            )
            deadline = received + 15 * MINUTES_PER_DAY
            if deadline > now:
                self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel,
                                  filed_by, state="supplement_requested", supplement_deadline=slots.end(deadline), **base)  # fmt: skip
            else:
                self._event(dossier_id, "close_unsupplemented", "supplement_requested", "refused", None, None,
                            slots.end(deadline), note="Quá 15 ngày làm việc không bổ sung hồ sơ.")  # fmt: skip
                self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel,
                                  filed_by, state="refused", closed_reason="Không bổ sung hồ sơ trong thời hạn.", **base)  # fmt: skip
            return

        # Received: the clock runs.
        if version.same_day:
            due_slot = (
                slots.day_end(received)
                if received % MINUTES_PER_DAY < 360
                else slots.day_end(received) + MINUTES_PER_DAY
            )
        else:
            due_slot = received + limit - 1
        due_slot = min(due_slot, len(slots) - 1)
        if stuck or flagged:
            duration = (now - received) + rng.randrange(60, 5 * MINUTES_PER_DAY)
        elif rng.random() < SHARE_LATE:
            duration = int(max(limit, 60) * rng.uniform(1.05, 1.6))
        else:
            duration = int(max(due_slot - received, 30) * rng.uniform(0.25, 1.0))
        decided = received + duration
        closing = rng.random()
        closed_action = ""
        if not (stuck or flagged) and closing < SHARE_WITHDRAWN + SHARE_STOPPED:
            closed_at = received + int(duration * rng.uniform(0.1, 0.9))
            if closed_at < now:
                closed_action = "withdraw" if closing < SHARE_WITHDRAWN else "stop"
                decided = closed_at
        returned = decided + rng.randrange(0, 5 * MINUTES_PER_DAY)

        plans = self.p.processes[(version.id, agency_id)]
        last = len(plans)
        deciding = last - 1 if last > 1 and plans[-1].name.lower().startswith("trả") else last
        budget = sum(plan.budget_hours for plan in plans[:deciding]) or 1
        progress = min(now, decided)
        first_step = self.step_id + 1
        current: int | None = None
        current_plan: StepPlan | None = None
        overran: StepPlan | None = None
        boundaries: list[tuple[int, int]] = []  # (step id, finished slot) of finished steps
        elapsed = 0
        for plan in plans:
            self.step_id += 1
            step_id = self.step_id
            if plan.order <= deciding:
                start = received + duration * elapsed // budget
                elapsed += plan.budget_hours
                finish = received + duration * elapsed // budget
            else:
                start = finish = decided + 1
            if start > progress or plan.order > deciding or (closed_action and start >= decided):
                state, started, step_due, finished, handler, late_since = (
                    "pending",
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            else:
                step_due_slot = min(start + plan.budget_hours * 60 - 1, len(slots) - 1)
                started, step_due = slots.start(start), slots.end(step_due_slot)
                done = finish <= progress or (closed_action and finish >= decided)
                end_slot = min(finish, decided) if closed_action else finish
                if done:
                    state, finished, handler = (
                        "done",
                        slots.start(min(end_slot, now - 1)),
                        self._who(plan.agency_id),
                    )
                    boundaries.append((step_id, end_slot))
                else:
                    state, finished, handler = "active", None, None
                current, current_plan = step_id, plan
                late = (finish if done else now) > step_due_slot
                # Earlier scans flagged the late steps, except those of the stuck dossiers.
                late_since = step_due if late and not stuck else None
                if late and overran is None:
                    overran = plan
            self.steps.row((step_id, dossier_id, plan.order, plan.name, plan.agency_id, plan.department_id,
                            plan.budget_hours, state, started, step_due, finished, handler, late_since))  # fmt: skip
            self.report.steps += 1

        first_agency = plans[0].agency_id
        receive_actor = clerk
        self._event(dossier_id, "receive", "submitted", "received", receive_actor, first_step if current else None,
                    slots.start(received))  # fmt: skip
        state = "received"
        for index, (step_id, finished_slot) in enumerate(boundaries):
            next_id = step_id + 1
            if next_id >= first_step + deciding or finished_slot >= progress:
                break
            data = f'{{"from_step": {step_id}, "to_step": {next_id}, "from_late": false}}'
            actor = self._who(first_agency if index == 0 else plans[step_id - first_step].agency_id)
            self._event(
                dossier_id,
                "hand_over",
                state,
                "in_appraisal",
                actor,
                next_id,
                slots.start(finished_slot),
                data=data,
            )
            state = "in_appraisal"

        row: dict[str, Any] = dict(
            received=slots.start(received),
            due=slots.end(due_slot),
            explanation=version.explanation,
            current_step=current,
            **base,
        )
        deciding_plan = plans[deciding - 1]
        if closed_action and decided <= now:
            target = "withdrawn" if closed_action == "withdraw" else "stopped"
            reason = (
                "Công dân rút hồ sơ."
                if closed_action == "withdraw"
                else "Hồ sơ không đủ điều kiện giải quyết."
            )
            actor = (
                citizen.id if closed_action == "withdraw" else self._who(deciding_plan.agency_id)
            )
            self._event(
                dossier_id,
                closed_action,
                state,
                target,
                actor,
                current,
                slots.start(decided),
                note=reason,
            )
            self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel, filed_by,
                              state=target, closed_reason=reason, **row)  # fmt: skip
            return
        late = decided > due_slot
        if decided <= now:
            head = self._who(deciding_plan.agency_id)
            self._event(dossier_id, "propose", state, state, self._who(deciding_plan.agency_id), current,
                        slots.start(max(decided - 30, received)), data='{"decision": "granted"}', note="")  # fmt: skip
            self._event(dossier_id, "approve", state, "ready_for_return", head, current, slots.start(decided),
                        data='{"decision": "granted"}')  # fmt: skip
            # Slots are working minutes of the default calendar, as the service counts them.
            row.update(decided=slots.start(decided), proposed_by=head, decision="granted",
                       decided_seconds=(decided - received) * 60)  # fmt: skip
            target = "ready_for_return"
            if returned <= now:
                self._event(dossier_id, "return_result", "ready_for_return", "returned", self._clerk(agency_id), current,
                            slots.start(returned))  # fmt: skip
                row["returned"] = slots.start(returned)
                target = "returned"
            if late:
                unit = overran or deciding_plan
                row.update(
                    due_soon=slots.end(max(due_slot - MINUTES_PER_DAY, received)),
                    overdue=slots.end(due_slot),
                    escalated=slots.end(min(due_slot + 5, len(slots) - 1)),
                    responsible=(unit.agency_id, unit.department_id),
                )
            self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel, filed_by,
                              state=target, paid=True, **row)  # fmt: skip
            return

        # Still in progress at ``now``.
        if state == "in_appraisal" and not (stuck or flagged) and rng.random() < SHARE_PAUSED:
            paused = rng.randrange(max(received, now - 10 * MINUTES_PER_DAY), now)
            if rng.random() < 0.6:
                target, action = "awaiting_supplement", "request_appraisal_supplement"
            else:
                target, action = "awaiting_payment", "request_payment"
            self._event(dossier_id, action, state, target, self._who(current_plan.agency_id if current_plan else agency_id),
                        current, slots.start(paused))  # fmt: skip
            row["paused"] = slots.start(paused)
            state = target
        if stuck:
            self.stuck.append(dossier_id)
        elif due_slot < now - 5 or flagged:
            unit = overran or current_plan or deciding_plan
            row.update(
                due_soon=slots.end(max(due_slot - MINUTES_PER_DAY, received)),
                overdue=slots.end(due_slot),
                escalated=slots.end(min(due_slot + 5, now - 1)),
                responsible=(unit.agency_id, unit.department_id),
            )
        elif due_slot - MINUTES_PER_DAY < now - 5:
            row["due_soon"] = slots.end(max(due_slot - MINUTES_PER_DAY, received))
        self._dossier_row(dossier_id, receiver, procedure_id, version, citizen, channel, return_channel, filed_by,
                          state=state, **row)  # fmt: skip

    def _dossier_row(self, dossier_id: int, receiver: Receiver, procedure_id: int, version: VersionPlan,
                     citizen: Citizen, channel: str, return_channel: str, filed_by: int, *, state: str,
                     created: int, code: str | None = None, submitted: str | None = None,
                     received: str | None = None, due: str | None = None, explanation: str = "[]",
                     current_step: int | None = None, decided: str | None = None, returned: str | None = None,
                     proposed_by: int | None = None, decision: str = "", paused: str | None = None,
                     due_soon: str | None = None, overdue: str | None = None, escalated: str | None = None,
                     responsible: tuple[int, int | None] | None = None, closed_reason: str = "",
                     supplement_deadline: str | None = None, paid: bool = False,
                     decided_seconds: int | None = None) -> None:  # fmt: skip
        fee = version.fee_total
        payment = "not_required" if not fee else "paid" if paid else "unpaid"
        self.dossiers.row((
            dossier_id, f"{self.rng.getrandbits(128):032x}", code, citizen.name, citizen.national_id,
            citizen.birth, citizen.address, citizen.phone, citizen.email, "", "", "", channel, return_channel,
            citizen.address if return_channel == "post" else "", "", state, fee, payment, 0,
            submitted or self.slots.start(created), submitted, received, received, due, due, explanation, paused,
            0, supplement_deadline, decision, decision, "", "", decided, returned, closed_reason,
            receiver.agency_id, citizen.id, None, filed_by, procedure_id, proposed_by, version.id, current_step,
            due_soon, escalated, overdue, responsible[0] if responsible else None,
            responsible[1] if responsible else None, decided_seconds,
            "".join(self.rng.choices(LOOKUP_SECRET_ALPHABET, k=6)),
            "", code or "",
        ))  # fmt: skip
        self.report.dossiers += 1
        self.report.states[state] += 1


# --- loading ---------------------------------------------------------------------------------


def _secondary_indexes(cursor: psycopg.Cursor[Any], table: str) -> list[tuple[str, str, str]]:
    """(kind, name, definition) of every index of ``table`` but its primary key."""
    cursor.execute(
        """
        SELECT CASE WHEN con.oid IS NULL THEN 'index' ELSE 'constraint' END,
               CASE WHEN con.oid IS NULL THEN idx.relname ELSE con.conname END,
               CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                    ELSE pg_get_constraintdef(con.oid) END
        FROM pg_index i
        JOIN pg_class idx ON idx.oid = i.indexrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype = 'u'
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
        ORDER BY 2
        """,
        [table],
    )
    return [(kind, name, definition) for kind, name, definition in cursor.fetchall()]


def _drop_indexes(cursor: psycopg.Cursor[Any], table: str) -> list[str]:
    """Drops the secondary indexes of ``table``; returns the statements that rebuild them."""
    rebuild = []
    for kind, name, definition in _secondary_indexes(cursor, table):
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        else:
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
    return rebuild


def _column_list(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def _connect(conninfo: str) -> psycopg.Connection[Any]:
    connection = psycopg.connect(conninfo)
    # Bulk load of consistent rows: no per-row foreign-key triggers (restored with the session).
    connection.execute("SET session_replication_role = replica")
    connection.execute("SET synchronous_commit = off")
    return connection


def _citizens(
    conninfo: str, count: int, rng: random.Random, now: datetime.datetime
) -> list[Citizen]:
    with psycopg.connect(conninfo) as connection:
        first = connection.execute(
            "SELECT COALESCE(MAX(id), 0) + 1000 FROM accounts_user"
        ).fetchone()[0]  # type: ignore[index]
        names = _names(rng, 4000)
        addresses = [
            f"Số {rng.randrange(1, 400)} đường {rng.choice(STREETS)}, tỉnh Đồng Nai"
            for _ in range(1000)
        ]
        citizens = []
        joined = now.isoformat()
        columns = _column_list(USER_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY accounts_user ({columns}) FROM STDIN") as copy,
        ):  # type: ignore[arg-type]
            writer = Writer(copy)
            for n in range(count):
                citizen = Citizen(
                    id=first + n,
                    name=names[rng.randrange(len(names))],
                    national_id=f"075{n:09d}",
                    birth=f"{rng.randrange(1950, 2006)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                    address=addresses[rng.randrange(len(addresses))],
                    phone=f"09{n:08d}",
                    email=f"cd{n}@{BENCH_EMAIL_DOMAIN}",
                )
                citizens.append(citizen)
                writer.row((citizen.id, "!", "f", citizen.email, citizen.phone, citizen.name, citizen.national_id,
                            citizen.birth, citizen.address, "vi", "f", "t", joined))  # fmt: skip
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT MAX(id) FROM accounts_user))"
        )
    return citizens


def generate(
    *,
    conninfo: str,
    scale: int,
    province_id: int,
    seed: int = 20250701,
    now: datetime.datetime | None = None,
    log: Callable[[str], None] = print,
) -> GenerateReport:
    """Generates ``scale`` dossiers into an empty, migrated database with the demo data."""
    started = time.perf_counter()
    now = now or datetime.datetime.now(tz=VN)
    today = now.astimezone(VN).date()
    slots = Slots(
        today - datetime.timedelta(days=WINDOW_DAYS * 7 // 5 + 60),
        today + datetime.timedelta(days=FUTURE_DAYS),
    )
    province = build_province(province_id=province_id, now=now, seed=seed)
    rng = random.Random(seed)
    citizens = _citizens(conninfo, max(200, scale // 4), rng, now)
    log(f"  {len(citizens):,} công dân, {province.agencies} cơ quan, {province.departments} phòng")

    generator = Generator(province, slots, slots.at(now), citizens, seed)
    generator.report.citizens = len(citizens)
    generator.report.agencies = province.agencies
    generator.report.departments = province.departments
    connections = [_connect(conninfo) for _ in TABLES]
    try:
        rebuild: list[str] = []
        with connections[0].cursor() as cursor:
            for table in TABLES:
                rebuild += _drop_indexes(cursor, table)
        connections[0].commit()
        rows_started = time.perf_counter()
        columns = [_column_list(cols) for cols in (DOSSIER_COLUMNS, STEP_COLUMNS, EVENT_COLUMNS)]
        cursors = [c.cursor() for c in connections]
        copies = [
            cursor.copy(f"COPY {table} ({cols}) FROM STDIN", writer=QueuedLibpqWriter(cursor))  # type: ignore[arg-type]
            for cursor, table, cols in zip(cursors, TABLES, columns, strict=True)
        ]
        entered = [copy.__enter__() for copy in copies]
        generator.dossiers, generator.steps, generator.events = (Writer(copy) for copy in entered)
        for dossier_id in range(1, scale + 1):
            generator.dossier(dossier_id)
            if dossier_id % 200000 == 0:
                log(f"  {dossier_id:,} hồ sơ ({time.perf_counter() - rows_started:.0f} s)")
        for copy in copies:
            copy.__exit__(None, None, None)
        for connection in connections:
            connection.commit()
        generator.report.seconds_rows = time.perf_counter() - rows_started
        log(f"  dòng dữ liệu: {generator.report.seconds_rows:.1f} s")

        indexes_started = time.perf_counter()
        main = connections[0]
        main.execute("SET maintenance_work_mem = '512MB'")
        for statement in rebuild:
            main.execute(statement)  # type: ignore[arg-type]
        for table in TABLES:
            main.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # type: ignore[arg-type]  # noqa: S608
            )
        counter = DailyCounter._meta.db_table
        with (
            main.cursor() as cursor,
            cursor.copy(f"COPY {counter} (agency_id, day, last) FROM STDIN") as counter_copy,
        ):
            for (agency_id, day), last in generator.daily.items():
                counter_copy.write_row((agency_id, day, last))
        main.execute("CREATE TABLE IF NOT EXISTS bench_fresh (dossier_id bigint PRIMARY KEY)")
        with (
            main.cursor() as cursor,
            cursor.copy("COPY bench_fresh (dossier_id) FROM STDIN") as fresh_copy,
        ):
            for dossier_id in generator.stuck:
                fresh_copy.write_row((dossier_id,))
        main.commit()
        main.autocommit = True
        for table in (*TABLES, "accounts_user", counter, "bench_fresh"):
            main.execute(f"VACUUM (ANALYZE) {table}")  # type: ignore[arg-type]
        generator.report.seconds_indexes = time.perf_counter() - indexes_started
        log(f"  chỉ mục và VACUUM ANALYZE: {generator.report.seconds_indexes:.1f} s")
    finally:
        for connection in connections:
            connection.close()
    generator.report.stuck = len(generator.stuck)
    generator.report.seconds_total = time.perf_counter() - started
    return generator.report
