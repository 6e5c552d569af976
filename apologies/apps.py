from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApologiesConfig(AppConfig):
    name = "apologies"
    verbose_name = _("Quá hạn và xin lỗi")

    def ready(self) -> None:
        """Apologies hangs on the dossier without dossiers knowing it (docs/architecture.md):
        a settled dossier cancels its draft letters, and issuing a letter is a verb of the
        dossier's history whose e-mail is assembled here and sent by dossiers' notifications."""
        from apologies.signals import (
            cancel_draft_letters,
            drafts_follow_deadline,
            hand_over_draft_letters,
            letter_attachments,
            letters_waiting,
        )
        from dossiers import notifications, verbs
        from dossiers.signals import dossier_deadline_moved, dossier_handed_over, dossier_settled

        dossier_settled.connect(cancel_draft_letters, dispatch_uid="apologies_cancel_drafts")
        dossier_handed_over.connect(
            hand_over_draft_letters, dispatch_uid="apologies_hand_over_drafts"
        )
        dossier_deadline_moved.connect(
            drafts_follow_deadline, dispatch_uid="apologies_drafts_follow_deadline"
        )
        verbs.register(
            verbs.Verb(
                "apology_issued",
                verbs.STAFF,
                _("Ban hành phiếu xin lỗi"),
                _("Xin lỗi và hẹn lại ngày trả kết quả (phiếu xin lỗi)"),
                "apologies.services.letter_issue",
                notifies="apology",
                notice=notifications.Notice(
                    templates="apologies/email/apology",
                    attachments=letter_attachments,
                    waiting=letters_waiting,
                ),
                transition=False,
            )
        )
        # A draft follows the unit responsible for the dossier (the scan, or a hand-over):
        # a line in the history, no notice (the citizen is told when a letter is issued).
        verbs.register(
            verbs.Verb(
                "apology_handed_over",
                verbs.SYSTEM,
                _("Chuyển dự thảo phiếu xin lỗi"),
                _("Dự thảo phiếu xin lỗi chuyển cho đơn vị chịu trách nhiệm"),
                transition=False,
            )
        )
