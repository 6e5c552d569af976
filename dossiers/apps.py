from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dossiers.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="dossiers_f_unaccent")
