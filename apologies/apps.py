from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApologiesConfig(AppConfig):
    name = "apologies"
    verbose_name = _("Quá hạn và xin lỗi")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from dossiers import verbs

        # Issuing a letter is recorded in the dossier's history and tells the citizen.
        verbs.register(
            verbs.Verb(
                "apology_issued",
                verbs.STAFF,
                _("Ban hành phiếu xin lỗi"),
                _("Xin lỗi và hẹn lại ngày trả kết quả (phiếu xin lỗi)"),
                "apologies.services.letter_issue",
                notifies="apology",
                transition=False,
            )
        )
