from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.twofactor import manual_key
from demo.province import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Prints one demo login per persona."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").select_related(
            "agency"
        )
        users = users.prefetch_related("groups").order_by("date_joined", "pk")
        self.stdout.write(f"Mật khẩu chung / password: {DEMO_PASSWORD}")
        self.stdout.write(
            "Mã xác thực hai bước (lãnh đạo, giám sát, quản trị) / authenticator key: "
            f"{manual_key(DEMO_TOTP_KEY)}"
        )
        for user in users:
            roles = ", ".join(g.name for g in user.groups.all())
            where = f" — {user.agency}" if user.agency else ""
            self.stdout.write(f"  {roles:<32} {user.email}{where}")
