from django.core.management.base import BaseCommand

from apologies.scan import scan


class Command(BaseCommand):
    help = "Runs the deadline scan now (the same one beat runs every few minutes)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--no-enqueue", action="store_true", help="Flag only; do not enqueue letters."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        report = scan(enqueue=not options["no_enqueue"])
        self.stdout.write(str(report))
