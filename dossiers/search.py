"""Searching names as clerks type them: without diacritics, in any case (issue 9 item 5).

A clerk types "nguyen van an" or "NGUYEN" for "Nguyễn Văn An". Both databases compare
``lower(f_unaccent(applicant_name))`` with the typed words made plain the same way:

- on PostgreSQL ``f_unaccent`` is an IMMUTABLE SQL wrapper around the ``unaccent``
  extension (``unaccent()`` itself is only STABLE, so it cannot be indexed), and a GIN
  trigram index on that very expression serves ``LIKE '%…%'`` (migration
  ``0011_queue_sorting_and_plain_name_search``);
- on SQLite (the embedded default) ``f_unaccent`` is :func:`plain` registered on every new
  connection (``DossiersConfig.ready``): there is no index, and no need for one at that size.
"""

import unicodedata
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, TextField
from django.db.models.functions import Lower

# The letters NFD does not take apart: "đ" is a letter of its own, not "d" with a mark.
_STROKES = str.maketrans({"đ": "d", "Đ": "D"})


def plain(text: str | None) -> str | None:
    """``text`` without its diacritics (the SQLite ``f_unaccent``), case kept."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain_term(text: str) -> str:
    """What the clerk typed, as it is compared: no diacritics, lower case, single spaces."""
    return " ".join((plain(text) or "").lower().split())


class Unaccent(Func):
    function = "f_unaccent"
    output_field = TextField()


def plain_name() -> Lower:
    """The indexed expression (the migration's index is built on exactly this)."""
    return Lower(Unaccent(F("applicant_name")), output_field=TextField())


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give SQLite the ``f_unaccent`` PostgreSQL has."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("f_unaccent", 1, plain, deterministic=True)
