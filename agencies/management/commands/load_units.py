from django.core.management.base import BaseCommand

from agencies.services import load_units


class Command(BaseCommand):
    help = (
        "Loads the 34 provinces and 3,321 communes of the 2025 two-tier organisation "
        "from the vietnam-provinces package (idempotent)."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        provinces, communes = load_units()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đơn vị hành chính: {provinces} tỉnh, thành phố; {communes} xã, phường, đặc khu."
            )
        )
