from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import ensure_roles
from agencies.services import load_units
from demo.catalogue import load_catalogue
from demo.dossiers import load_demo_dossiers
from demo.province import DEMO_EMAIL_DOMAIN, UNIT_MAP, build_demo_province, create_demo_people

# Who walks the demo dossiers through the services (their e-mail before the @).
DEMO_STAFF = {
    "clerk": "motcua",
    "commune_clerk": "motcua.tranbien",
    "commune_specialist": "chuyenvien.tranbien",
    "commune_head": "lanhdao.tranbien",
}


class Command(BaseCommand):
    help = "Loads the reference units, the demo province, its staff and the demo catalogue (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--province", type=int, default=settings.DEMO_PROVINCE_CODE)
        parser.add_argument(
            "--no-dossiers",
            action="store_true",
            help="Without the four demo dossiers (the benchmark fills the database itself).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        provinces, communes = load_units()
        self.stdout.write(
            f"Đơn vị hành chính: {provinces} tỉnh, thành phố; {communes} xã, phường, đặc khu."
        )
        demo = build_demo_province(options["province"])
        units = {}
        for unit, (agency_key, dep_code) in UNIT_MAP.items():
            units[unit] = (demo.agencies[agency_key], demo.departments[(agency_key, dep_code)])
        report = load_catalogue(
            units=units,
            receiving={
                "provincial_centre": [demo.agencies["centre"]],
                "commune_centre": demo.commune_centres,
            },
        )
        self.stdout.write(f"Danh mục thủ tục: {report}")
        ensure_roles()  # the demo people need their role groups, whatever happened to them
        logins = create_demo_people(demo)
        self.stdout.write(f"Tài khoản minh họa: {len(logins)}.")
        if options["no_dossiers"]:
            return
        made = load_demo_dossiers(
            citizen=User.objects.get(email=f"congdan@{DEMO_EMAIL_DOMAIN}"),
            centre=demo.agencies["centre"],
            commune_centre=demo.commune_centres[0],
            staff={
                key: User.objects.get(email=f"{login}@{DEMO_EMAIL_DOMAIN}")
                for key, login in DEMO_STAFF.items()
            },
        )
        self.stdout.write(f"Hồ sơ minh họa: {made} hồ sơ mới.")
