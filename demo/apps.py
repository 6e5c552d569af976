from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """No models: installed for its management commands (load_demo, demo_logins)."""

    name = "demo"
    verbose_name = _("Dữ liệu minh họa")
