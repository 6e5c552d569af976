"""Checks on uploaded files: size, count and type, the type read from the content."""

import uuid
import zipfile
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dossiers.errors import DossierError

MAX_UPLOAD_BYTES = getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_FILES_PER_DOSSIER = getattr(settings, "DOSSIER_MAX_FILES", 40)

# What a citizen may file: scanned documents and office documents, recognised by content.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
ALLOWED_LABEL = "PDF, JPG, PNG, DOCX"


def sniff_content_type(head: bytes, stream: IO[bytes]) -> str | None:
    """The type of a file from its first bytes (and, for DOCX, its zip directory)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def check_upload(upload: Any) -> str:
    """Returns the detected content type, or raises DossierError with the reason."""
    size = getattr(upload, "size", None) or 0
    name = getattr(upload, "name", "") or ""
    if size == 0:
        raise DossierError(_("Tệp “%(name)s” rỗng.") % {"name": name}, field="file")
    if size > MAX_UPLOAD_BYTES:
        raise DossierError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {"name": name, "size": round(size / 1048576, 1), "max": MAX_UPLOAD_BYTES // 1048576},
            field="file",
        )
    stream = upload.file if hasattr(upload, "file") else upload  # type: ignore[attr-defined]
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    content_type = sniff_content_type(head, stream)
    if content_type is None:
        raise DossierError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (%(allowed)s).")
            % {"name": name, "allowed": ALLOWED_LABEL},
            field="file",
        )
    return content_type


def random_name(instance: object, filename: str) -> str:
    """Stored under a random key: the citizen's file name never reaches the disk."""
    return f"dossiers/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.bin"


def random_pdf_name() -> str:
    """A generated PDF's file name on disk (its field's upload_to adds the folder): random, so
    that nothing in a path — no dossier code, no name — tells where a person's slip or letter
    is. Downloads are named by the views that serve them."""
    return f"{uuid.uuid4().hex}.pdf"


def display_name(filename: str) -> str:
    return PurePath(filename).name[:255] or "tep"
