"""Department statistics and the progress group of the service index (docs/design.md §9).

Decision 766/QĐ-TTg measures an agency's progress by its on-time rate: the dossiers settled
on time plus those in progress within time, over the dossiers received or processed in the
period (received in it, or carried over from before and still open at its start).

Each dossier counts for one unit: the agency and department the deadline scan named
responsible when it went overdue; otherwise the unit that settles its procedure, read from
the version's internal process: its last step, or the one before when the last step hands
the result back at the receiving agency. A step without an agency is the receiving
agency's (a commune centre's later steps are its commune committee's, as the services
assign them). That is the competent unit Decision 766 scores, and it needs no look at each
dossier's own steps.

- *settled on time / late*: decided in the period, before / after its due moment. A dossier
  whose deadline was extended by an apology letter is late (the letter admits it).
- *in progress within time / overdue*: received before the end, not decided by then, and
  its due moment still ahead / already passed at the end of the period (or now, for a
  period that has not ended). A dossier paused for the citizen (supplement, payment), or in
  time the law does not count (docs/legal.md#x1-excluded-periods-pause-the-clock), is within
  time unless it was already late when the clock stopped. A deadline moved for verification
  (docs/legal.md#v1-verification-periods-extend-the-deadline) is the deadline measured.
- Dossiers withdrawn by the citizen or stopped count nowhere; neither do dossiers that were
  never received (drafts, refused at the counter, waiting at reception).
- *average processing time*: working days from the start of the clock to the decision, for
  the dossiers settled in the period, on the default working calendar (office hours,
  holidays and the administrator's province-wide overrides; time paused for the citizen is
  included).

Everything is one query: an aggregate (GROUP BY with FILTER) over the dossiers by receiving
agency, version and responsible unit, then the few groups mapped to their units. Working
time comes from arrays of the calendar's working seconds per day, so no row is touched in
Python.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Department
from dossiers.models import CLOCK_STATES, PAUSED_STATES, Dossier, State
from workcalendar.calendars import calendar_for
from workcalendar.engine import VIETNAM, WorkCalendar

# Working time is computed over this many days before the period starts (a dossier carried
# over from earlier than that is counted from this day on).
HISTORY_DAYS = 3 * 366
CLOSED_STATES = (State.WITHDRAWN, State.STOPPED)


@dataclass(frozen=True)
class UnitStatistics:
    agency_id: int
    agency_name: str
    department_id: int | None
    department_name: str
    received: int
    carried_over: int
    settled_on_time: int
    settled_late: int
    in_progress_on_time: int
    overdue: int
    average_days: Decimal | None

    @property
    def processed(self) -> int:
        """Received or processed in the period: the denominator of the on-time rate."""
        return self.settled_on_time + self.settled_late + self.in_progress_on_time + self.overdue

    @property
    def settled(self) -> int:
        return self.settled_on_time + self.settled_late

    @property
    def on_time_rate(self) -> Decimal | None:
        """Per cent, two decimals; None when nothing was received or processed."""
        if not self.processed:
            return None
        rate = Decimal(100 * (self.settled_on_time + self.in_progress_on_time)) / self.processed
        return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _seconds(moment: datetime.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def working_day_seconds(calendar: WorkCalendar) -> int:
    return sum(_seconds(end) - _seconds(start) for start, end in calendar.periods)


def working_days(
    calendar: WorkCalendar, first: datetime.date, last: datetime.date
) -> tuple[list[int], list[int]]:
    """For the days ``first`` … ``last``: the working seconds before each day (``cum``) and
    whether it is worked (1) or not (0)."""
    day_length = working_day_seconds(calendar)
    cumulative, working = [0], []
    for offset in range((last - first).days + 1):
        worked = calendar.is_working_day(first + datetime.timedelta(days=offset))
        working.append(1 if worked else 0)
        cumulative.append(cumulative[-1] + (day_length if worked else 0))
    return cumulative, working


def _working_time_sql(calendar: WorkCalendar, column: str) -> str:
    """SQL for the working seconds from the array's first day to ``column``.

    Vietnam keeps UTC+7 all year, so the local day and time of day come from the epoch by
    integer arithmetic (much cheaper per row than a time zone conversion); ``cum`` gives
    the working seconds before that day, ``working`` whether the day is worked at all, and
    the office periods the part of the day already worked.
    """
    local = f"(date_part('epoch', {column})::bigint + %(offset)s)"
    day = f"LEAST(GREATEST({local} / 86400 - %(first_day)s, 0), %(days)s)"
    clock = f"({local} %% 86400)"
    within = " + ".join(
        f"LEAST(GREATEST({clock} - {start}, 0), {end - start})"
        for start, end in ((_seconds(start), _seconds(end)) for start, end in calendar.periods)
    )
    return f"((%(cum)s::bigint[])[{day} + 1] + (%(working)s::int[])[{day} + 1] * ({within}))"


# The unit that settles a dossier of a version: the version's last step, or the one before
# it when the last step is the receiving agency handing the result back; a step without an
# agency is done by the receiving agency (a commune centre's later steps by its commune
# committee, as ``services._resolve_step_agency`` assigns them).
SETTLING_STEPS = """
    SELECT version_id, agency_id, department_id, step_order FROM (
        SELECT ps.version_id, ps.agency_id, ps.department_id, ps."order" AS step_order,
               row_number() OVER latest AS from_last,
               first_value(ps.agency_id IS NULL) OVER latest AS last_is_return,
               count(*) OVER (PARTITION BY ps.version_id) AS steps
        FROM procedures_processstep ps
        WINDOW latest AS (PARTITION BY ps.version_id ORDER BY ps."order" DESC)
    ) ranked
    WHERE from_last = CASE WHEN steps >= 2 AND last_is_return THEN 2 ELSE 1 END
"""


def department_statistics(
    *,
    agency: Agency | None = None,
    department: Department | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[UnitStatistics]:
    """Per agency and department, the progress figures of the period [start, end).

    ``agency`` / ``department`` narrow the result to that unit's rows.
    """
    if end <= start:
        raise ValueError("The period must end after it starts.")
    cutoff = min(end, timezone.now())
    first = timezone.localtime(start, VIETNAM).date() - datetime.timedelta(days=HISTORY_DAYS)
    last = timezone.localtime(max(end, cutoff), VIETNAM).date() + datetime.timedelta(days=1)
    calendar = calendar_for(None)
    cumulative, working = working_days(calendar, first, last)
    offset = VIETNAM.utcoffset(datetime.datetime(first.year, first.month, first.day))
    params: dict[str, Any] = {
        "start": start,
        "end": end,
        "cutoff": cutoff,
        "offset": int(offset.total_seconds()) if offset is not None else 0,
        "first_day": (first - datetime.date(1970, 1, 1)).days,
        "days": len(working) - 1,
        "cum": cumulative,
        "working": working,
        "closed": [str(state) for state in CLOSED_STATES],
        "paused": [str(state) for state in PAUSED_STATES],
        "open": [str(state) for state in (*CLOCK_STATES, *PAUSED_STATES)],
        "commune_centre": AgencyKind.COMMUNE_CENTRE.value,
        "agency": agency.pk if agency is not None else None,
        "department": department.pk if department is not None else None,
    }
    dossiers = Dossier._meta.db_table
    # One category per dossier, computed once per row: the aggregate groups by it.
    category = """
        CASE WHEN d.decided_at < %(end)s THEN
                  CASE WHEN d.decided_at <= d.due_at AND d.extension_count = 0 THEN 0 ELSE 1 END
             WHEN d.extension_count = 0
                  AND (d.due_at >= %(cutoff)s OR ((d.state = ANY(%(paused)s) OR d.paused_at IS NOT NULL) AND d.paused_at <= d.due_at))
                  THEN 2
             ELSE 3 END"""
    sql = f"""
        WITH settling AS ({SETTLING_STEPS}),
        by_version AS (
            SELECT
                d.agency_id AS receiving_id,
                d.version_id,
                d.responsible_agency_id,
                d.responsible_department_id,
                d.received_at < %(start)s AS carried_over,
                {category} AS category,
                count(*) AS dossiers,
                sum(COALESCE(d.decided_working_seconds,
                    {_working_time_sql(calendar, "d.decided_at")}
                    - {_working_time_sql(calendar, "d.clock_started_at")}))
                    AS working_seconds
            FROM {dossiers} d
            WHERE d.received_at < %(end)s
              AND d.due_at IS NOT NULL
              AND (d.decided_at >= %(start)s
                   OR (d.decided_at IS NULL AND d.state = ANY(%(open)s)))
              AND NOT (d.state = ANY(%(closed)s))
            GROUP BY 1, 2, 3, 4, 5, 6
        ),
        units AS (
            SELECT
                COALESCE(
                    v.responsible_agency_id,
                    s.agency_id,
                    CASE WHEN COALESCE(s.step_order, 2) > 1 AND r.kind = %(commune_centre)s
                         THEN COALESCE(r.parent_id, r.id) ELSE r.id END
                ) AS agency_id,
                CASE WHEN v.responsible_agency_id IS NOT NULL THEN v.responsible_department_id
                     ELSE s.department_id END AS department_id,
                COALESCE(sum(v.dossiers) FILTER (WHERE NOT v.carried_over), 0)::int AS received,
                COALESCE(sum(v.dossiers) FILTER (WHERE v.carried_over), 0)::int AS carried_over,
                COALESCE(sum(v.dossiers) FILTER (WHERE v.category = 0), 0)::int AS settled_on_time,
                COALESCE(sum(v.dossiers) FILTER (WHERE v.category = 1), 0)::int AS settled_late,
                COALESCE(sum(v.dossiers) FILTER (WHERE v.category = 2), 0)::int AS in_progress_on_time,
                COALESCE(sum(v.dossiers) FILTER (WHERE v.category = 3), 0)::int AS overdue,
                sum(v.working_seconds) FILTER (WHERE v.category IN (0, 1)) AS working_seconds
            FROM by_version v
            JOIN agencies_agency r ON r.id = v.receiving_id
            LEFT JOIN settling s ON s.version_id = v.version_id
            GROUP BY 1, 2
        )
        SELECT u.*, a.name, COALESCE(dep.name, '')
        FROM units u
        JOIN agencies_agency a ON a.id = u.agency_id
        LEFT JOIN agencies_department dep ON dep.id = u.department_id
        WHERE (%(agency)s::bigint IS NULL OR u.agency_id = %(agency)s)
          AND (%(department)s::bigint IS NULL OR u.department_id = %(department)s)
        ORDER BY a.name, a.id, COALESCE(dep.name, ''), u.department_id NULLS FIRST
    """  # noqa: S608 - table names are ours, every value is a parameter
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to sort the per-version groups in memory: with the default 4 MB the workers
        # spill to disk (1.10 s → 0.70 s over 1,000,000 dossiers, docs/design.md §12 P5).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    day_length = working_day_seconds(calendar)
    return [
        UnitStatistics(
            agency_id=agency_id,
            agency_name=agency_name,
            department_id=department_id,
            department_name=department_name,
            received=received,
            carried_over=carried_over,
            settled_on_time=settled_on_time,
            settled_late=settled_late,
            in_progress_on_time=in_progress,
            overdue=overdue,
            average_days=None
            if not (settled_on_time + settled_late) or working_seconds is None
            else (
                Decimal(working_seconds) / (settled_on_time + settled_late) / day_length
            ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        )
        for (
            agency_id,
            department_id,
            received,
            carried_over,
            settled_on_time,
            settled_late,
            in_progress,
            overdue,
            working_seconds,
            agency_name,
            department_name,
        ) in rows
    ]
