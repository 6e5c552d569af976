"""Writes on the organisation model."""

from django.db import transaction
from vietnam_provinces import Province as ReferenceProvince
from vietnam_provinces import Ward as ReferenceWard

from agencies.models import Commune, Province


@transaction.atomic
def load_units() -> tuple[int, int]:
    """Loads the 2025 two-tier units (34 provinces, 3,321 communes) from `vietnam-provinces`.

    Safe to run again: rows are matched on their official code and brought up to date with
    the package's data. Returns how many provinces and communes the reference data holds.
    """
    provinces = [
        Province(
            code=int(unit.code),
            name=unit.name,
            division_type=unit.division_type.value,
            codename=unit.codename,
        )
        for unit in ReferenceProvince.iter_all()
    ]
    Province.objects.bulk_create(
        provinces,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "division_type", "codename"],
    )
    communes = [
        Commune(
            code=int(unit.code),
            name=unit.name,
            division_type=unit.division_type.value,
            province_id=int(unit.province_code),
        )
        for unit in ReferenceWard.iter_all()
    ]
    Commune.objects.bulk_create(
        communes,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "division_type", "province"],
    )
    return len(provinces), len(communes)
