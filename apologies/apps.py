from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApologiesConfig(AppConfig):
    name = "apologies"
    verbose_name = _("Quá hạn và xin lỗi")

    def ready(self) -> None:
        """Apologies hangs on the dossier without dossiers knowing it (docs/architecture.md):
        a settled dossier cancels its draft letters, and the issued letter's e-mail is
        assembled here and sent by dossiers' notifications."""
        from apologies.signals import cancel_draft_letters, letter_attachments, letters_waiting
        from dossiers import notifications
        from dossiers.signals import dossier_settled

        dossier_settled.connect(cancel_draft_letters, dispatch_uid="apologies_cancel_drafts")
        notifications.register(
            "apology_issued",
            notifications.Notice(
                kind="apology",
                templates="apologies/email/apology",
                attachments=letter_attachments,
                waiting=letters_waiting,
            ),
        )
