from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApologiesConfig(AppConfig):
    name = "apologies"
    verbose_name = _("Quá hạn và xin lỗi")
