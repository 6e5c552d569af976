"""The benchmark writes some rows with its own SQL (bench/measure.py): a column the models
gain without a database default must be named there too, or the benchmark stops at P1 on
the first run after the change (as the signer's block once did)."""

import inspect
import re

from django.db import models

from apologies.models import ApologyLetter
from bench import measure


def required_columns(model: type[models.Model]) -> set[str]:
    """Columns an INSERT must name: not null, no database default, not the primary key."""
    return {
        field.column
        for field in model._meta.concrete_fields
        if not field.null and not field.primary_key and field.db_default is models.NOT_PROVIDED
    }


def test_the_benchmarks_bulk_letters_name_every_required_column():
    source = inspect.getsource(measure._draft_letters_in_bulk)
    named = re.search(r"INSERT INTO \{[^}]+\} \(([^)]*)\)", source)
    assert named is not None
    columns = {column.strip() for column in named.group(1).split(",")}
    assert required_columns(ApologyLetter) - columns == set()
