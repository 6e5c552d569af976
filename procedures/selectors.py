"""Reads of the procedure catalogue (docs/design.md §4) for the public pages and the API.

Each selector loads what its page shows in a fixed number of queries, whatever the number
of procedures: the version in force is prefetched into ``versions_in_force`` (newest first),
never looked up per row.
"""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from agencies.models import Agency
from procedures.models import Fee, Field, Procedure, ProcedureVersion, ProcessStep
from procedures.text import fold


def _versions_in_force(on: datetime.date) -> QuerySet[ProcedureVersion]:
    return (
        ProcedureVersion.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("procedure_id", "-effective_from")
    )


def version_in_force(procedure: Procedure) -> ProcedureVersion | None:
    """The version a selector prefetched into ``versions_in_force`` (no query)."""
    versions: list[ProcedureVersion] = getattr(procedure, "versions_in_force", [])
    return versions[0] if versions else None


def procedure_search(
    *,
    q: str = "",
    field: Field | str | None = None,
    agency: Agency | str | None = None,
    online_level: str | None = None,
    on: datetime.date | None = None,
) -> QuerySet[Procedure]:
    """Active procedures whose code, name or result contain every word of ``q``, ignoring
    diacritics and case ("dang ky khai sinh" finds "Đăng ký khai sinh").

    ``field`` and ``agency`` are objects or their codes. Each row comes with its field and
    its version in force with that version's fees (two prefetch queries per page).
    """
    procedures = Procedure.objects.filter(is_active=True)
    for word in fold(q).split():
        procedures = procedures.filter(search_text__icontains=word)
    if isinstance(field, Field):
        procedures = procedures.filter(field=field)
    elif field:
        procedures = procedures.filter(field__code=field)
    if isinstance(agency, Agency):
        procedures = procedures.filter(agencies=agency)
    elif agency:
        procedures = procedures.filter(agencies__code=agency)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    versions = _versions_in_force(on or timezone.localdate()).prefetch_related(
        Prefetch("fees", queryset=Fee.objects.order_by("id"))
    )
    return (
        procedures.select_related("field")
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="versions_in_force"))
        .order_by("field__name", "name", "code")
    )


def procedure_detail(code: str, *, on: datetime.date | None = None) -> Procedure:
    """One active procedure with everything its guidance page shows, in seven queries:
    the procedure with its field, its version in force, that version's components, fees,
    steps (with agency and department) and excluded periods, and the receiving agencies in
    force.

    Raises ``Procedure.DoesNotExist`` for an unknown or retired code.
    """
    versions = _versions_in_force(on or timezone.localdate()).prefetch_related(
        "components",
        Prefetch("fees", queryset=Fee.objects.order_by("id")),
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency", "department")),
        "excluded_period_rules",
    )
    receiving = Agency.objects.current().select_related("commune", "province")
    return (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .prefetch_related(
            Prefetch("versions", queryset=versions, to_attr="versions_in_force"),
            Prefetch("agencies", queryset=receiving, to_attr="receiving_agencies"),
        )
        .get(code=code)
    )


def catalogue_fields() -> QuerySet[Field]:
    """Fields that hold at least one active procedure (the catalogue's field filter)."""
    return Field.objects.filter(procedures__is_active=True).distinct().order_by("name")


def catalogue_agencies() -> QuerySet[Agency]:
    """Agencies in force that receive at least one active procedure (the agency filter)."""
    return (
        Agency.objects.current()
        .filter(procedures__is_active=True)
        .distinct()
        .order_by("kind", "name")
    )
