"""What one citizen may keep in the portal at once: bytes of files in dossiers not yet
settled, and drafts. Both protect the storage of the State's portal from one account
filling it (docs/adr/0010); the figures are settings (DOSSIER_STORAGE_QUOTA_MB,
DOSSIER_MAX_DRAFTS in .env).

Counter work is never refused: a clerk scanning papers at the one-stop section or
registering a walk-in dossier is not held to the citizen's quota.
"""

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DossierError
from dossiers.models import SETTLED_STATES, Dossier, DossierComponent, State


def _lock(applicant: User) -> None:
    """Two uploads (or two new drafts) of one citizen at once are counted one after the other."""
    User.objects.select_for_update().filter(pk=applicant.pk).exists()


def storage_used(applicant: User) -> int:
    """Bytes of the files of the applicant's dossiers that are not settled yet."""
    used = (
        DossierComponent.objects.filter(dossier__applicant=applicant)
        .exclude(dossier__state__in=SETTLED_STATES)
        .aggregate(total=Sum("size"))["total"]
    )
    return int(used or 0)


def check_storage_quota(*, applicant: User, name: str, size: int) -> None:
    """Raises when ``size`` more bytes would take the applicant past the storage quota."""
    quota: int = settings.DOSSIER_STORAGE_QUOTA_BYTES
    _lock(applicant)
    used = storage_used(applicant)
    if used + size > quota:
        raise DossierError(
            _(
                "Không tải lên được tệp “%(name)s” (%(size)s MB): các hồ sơ chưa giải quyết "
                "xong của bạn đã có %(used)s MB tệp, hạn mức là %(quota)s MB. Hãy gỡ bớt tệp "
                "hoặc xóa bản nháp không dùng nữa."
            )
            % {
                "name": name,
                "size": _megabytes(size),
                "used": _megabytes(used),
                "quota": _megabytes(quota),
            },
            field="file",
        )


def check_draft_quota(*, applicant: User) -> None:
    """Raises when the applicant already has as many drafts as one may keep at once."""
    limit: int = settings.DOSSIER_MAX_DRAFTS
    _lock(applicant)
    drafts = Dossier.objects.filter(applicant=applicant, state=State.DRAFT).count()
    if drafts >= limit:
        raise DossierError(
            _(
                "Bạn đang có %(count)s bản nháp, tối đa %(max)s bản nháp cùng lúc. Hãy nộp "
                "hoặc xóa bớt bản nháp trước khi tạo hồ sơ mới."
            )
            % {"count": drafts, "max": limit}
        )


def _megabytes(size: int) -> str:
    value = round(size / 1048576, 1)
    return f"{value:g}"
