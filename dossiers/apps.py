from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from accounts.signals import national_id_verified
        from dossiers.search import register_sqlite_functions
        from dossiers.signals import follow_verified_national_id

        connection_created.connect(register_sqlite_functions, dispatch_uid="dossiers_f_unaccent")
        national_id_verified.connect(
            follow_verified_national_id, dispatch_uid="dossiers_follow_verified_national_id"
        )
