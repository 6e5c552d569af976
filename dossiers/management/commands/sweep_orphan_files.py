"""``manage.py sweep_orphan_files``: removes stored upload files that no row names, older
than an hour (``--older-than-minutes``); ``--dry-run`` only lists them."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dossiers.orphans import MIN_AGE, sweep_orphan_files


class Command(BaseCommand):
    help = "Remove stored upload files that no dossier file or result document names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(MIN_AGE.total_seconds() // 60),
            help="Only files stored at least this long ago (default 60).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List, do not delete.")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = max(options["older_than_minutes"], 1)
        removed = sweep_orphan_files(
            older_than=datetime.timedelta(minutes=minutes), dry_run=options["dry_run"]
        )
        for key in removed:
            self.stdout.write(key)
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"{verb} {len(removed)} orphan file(s)")
