"""The access log: who read or changed which person's data, when, from where, and why.

Rows are appended by ``audit.services.record`` and never edited: the admin is read-only,
only a superuser may delete (a retention purge), and a database trigger refuses UPDATE.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.constants import Action, Purpose


class AccessRecord(models.Model):
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người truy cập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=16, choices=Action.choices)
    purpose = models.CharField(_("mục đích"), max_length=32, choices=Purpose.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người có dữ liệu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("địa chỉ máy"), null=True, blank=True)
    # What was read or changed (a file's name, the fields changed, a search's kind): never
    # an ID number in clear (``audit.services.mask_national_id``).
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bản ghi truy cập")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="audit_at"),
            # The look-up rate limit counts a clerk's look-ups of the last hour.
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at"),
            models.Index(fields=["subject", "at"], name="audit_subject_at"),
            models.Index(fields=["dossier", "at"], name="audit_dossier_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="audit_purpose_required"),
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="audit_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"
