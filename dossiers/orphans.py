"""Uploaded files that no row names any more: stored by a transaction that then rolled back
further up than the upload's own cleanup sees (see ``services._stored_files_removed_on_failure``),
or left by a crash between storing and committing. ``sweep_orphan_files`` (the management
command, and the hourly beat task) removes them once they are old enough that no
transaction still in flight can be about to commit them.
"""

import datetime

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from dossiers.models import Dossier, DossierComponent

# Where dossiers.uploads.random_name stores citizens' files and result documents.
UPLOADS_FOLDER = "dossiers"
MIN_AGE = datetime.timedelta(hours=1)


def sweep_orphan_files(
    *,
    storage: Storage | None = None,
    older_than: datetime.timedelta = MIN_AGE,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Deletes (unless ``dry_run``) the stored upload files older than ``older_than`` that no
    dossier file or result document names; returns their keys."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - older_than
    removed: list[str] = []
    if not storage.exists(UPLOADS_FOLDER):
        return removed
    folders, _files = storage.listdir(UPLOADS_FOLDER)
    for folder in sorted(folders):
        _sub, names = storage.listdir(f"{UPLOADS_FOLDER}/{folder}")
        keys = [f"{UPLOADS_FOLDER}/{folder}/{name}" for name in names]
        named = set(DossierComponent.objects.filter(file__in=keys).values_list("file", flat=True))
        named |= set(
            Dossier.objects.filter(result_file__in=keys).values_list("result_file", flat=True)
        )
        for key in keys:
            if key in named or storage.get_modified_time(key) > cutoff:
                continue
            if not dry_run:
                storage.delete(key)
            removed.append(key)
    return removed
