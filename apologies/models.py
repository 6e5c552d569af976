"""Apology letters (form 04, docs/design.md §7): exactly one per dossier and overdue episode.

The agency at fault apologises in writing, no later than one working day before the
deadline ("issue by"), with the reason and a new return date, signed by its head; the
return date may be rescheduled once (docs/legal.md#lateness-and-apology-letters; the 2025
article is not verified). The worker drafts the letter once the scan finds the dossier
within the drafting lead (docs/legal.md#issue-by-and-the-drafting-lead), or overdue; the head
edits and issues it (or the agency issues automatically, only once the dossier is late).
The unique constraint, not the broker, guarantees "exactly once".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LetterState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    CANCELLED = "cancelled", _("Đã hủy")


# A render that kills its worker (out of memory, the hard time limit) is redelivered, since
# the task acknowledges late; each render begun is counted on the letter, and past this many
# the letter waits for a person instead of taking a worker down again and again.
RENDER_ATTEMPTS = 5


class ApologyLetter(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="apology_letters"
    )
    # 0 for the first deadline; the extension a letter grants starts episode 1, which can
    # only be escalated (one reschedule only), never apologised for again.
    episode = models.PositiveSmallIntegerField(default=0)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan xin lỗi"),
        on_delete=models.PROTECT,
        related_name="apology_letters",
    )
    department = models.ForeignKey(
        "agencies.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="apology_letters",
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=LetterState.choices, default=LetterState.DRAFT
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    # What the letter says, pre-filled from the dossier (docs/design.md §7) and editable by the head.
    addressee = models.CharField(_("kính gửi"), max_length=255)
    applicant_national_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"))
    proposed_due_at = models.DateTimeField(_("hẹn trả mới"))
    reason = models.TextField(_("lý do quá hạn"))
    # One working day before the dossier's due moment: the latest the law wants the letter
    # issued (docs/legal.md#issue-by-and-the-drafting-lead). Null on letters drafted before
    # the rule was applied.
    issue_by = models.DateTimeField(_("hạn ban hành phiếu"), null=True, blank=True)
    # Issued after ``issue_by``: still issued, recorded and counted as late
    # (docs/legal.md#letters-issued-late).
    issued_late = models.BooleanField(
        _("ban hành muộn"), default=False, db_default=False, editable=False
    )
    extension_explanation = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The signer's block as printed at issue (accounts.signing.SignatureBlock.to_json: the
    # authority lines "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" and the name), so a later change of
    # the person's title does not rewrite an issued letter (docs/legal.md, "Who signs").
    signer = models.JSONField(_("người ký"), default=dict, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    draft_pdf = models.FileField(upload_to="apologies/drafts/%Y/", blank=True)
    pdf = models.FileField(upload_to="apologies/%Y/", blank=True)
    # Renders begun for the PDF now wanted; a letter whose render keeps killing the worker
    # stops being redelivered at RENDER_ATTEMPTS (see letter_render).
    render_attempts = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "episode"], name="one_apology_per_dossier_episode"
            ),
            models.UniqueConstraint(
                fields=["agency", "year", "number"],
                condition=Q(number__isnull=False),
                name="apology_number_unique_per_agency_year",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "state"], name="apology_agency_state"),
            # The drafts whose issue-by has passed (the heads' and the supervisor's lists).
            models.Index(
                fields=["issue_by"], name="apology_draft_issue_by", condition=Q(state="draft")
            ),
            # Drafts the worker has not rendered yet: what the scan re-enqueues.
            models.Index(
                fields=["dossier"],
                name="apology_unrendered",
                condition=Q(state="draft", draft_pdf=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} — {self.dossier}"

    @property
    def render_given_up(self) -> bool:
        """Its PDF failed to render RENDER_ATTEMPTS times; it waits for an edit."""
        stored = self.pdf if self.state == LetterState.ISSUED else self.draft_pdf
        return not stored and self.render_attempts >= RENDER_ATTEMPTS

    @property
    def past_issue_by(self) -> bool:
        """A draft whose issue-by moment has passed: it can still be issued, late."""
        from django.utils import timezone

        return (
            self.state == LetterState.DRAFT
            and self.issue_by is not None
            and self.issue_by < timezone.now()
        )

    @property
    def number_label(self) -> str:
        """``03/PXL-STP``: the number as its PDF prints it, with the issuing agency's symbol
        (docs/legal.md#slip-numbers)."""
        from dossiers.slips.wording import form_number_label

        return form_number_label(self.number, "04", self.agency)


class WatchDigest(models.Model):
    """The morning e-mail to a head or the centre supervisor: what is due soon, overdue,
    escalated, the letters waiting for their signature and those past their issue-by
    moment. One per person and working day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_digests"
    )
    day = models.DateField()
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    letters = models.PositiveIntegerField(default=0)
    # Dossiers whose draft letter is past its issue-by moment (docs/legal.md#letters-issued-late).
    past_issue_by = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_watch_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.day:%d/%m/%Y}"
