"""Checks on uploaded files: size, count and type, the type read from the content.

The browser's word is never taken: the type is sniffed from the bytes (``filetype`` for the
signatures, our own reading of the zip directory for DOCX), the name's extension and the
browser's type must agree with it, and the stored content type is the sniffed one. An
Office file with macros is refused whatever its name, and a zip (DOCX, or anything sent as
one) is read in memory with limits on its members and on what it unpacks to: nothing is
ever extracted to disk (docs/adr/0010).
"""

import uuid
import zipfile
import zlib
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import DossierError

MAX_UPLOAD_BYTES = getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_FILES_PER_DOSSIER = getattr(settings, "DOSSIER_MAX_FILES", 40)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What a citizen may file: scanned documents and office documents, recognised by content.
ALLOWED_TYPES = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx"}
ALLOWED_LABEL = "PDF, JPG, PNG, DOCX"
TYPE_LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", DOCX: "DOCX"}
# The extensions a name may carry, and the type each one claims.
EXTENSION_TYPES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX}
# The types browsers send for them (old Internet Explorer spellings included).
BROWSER_TYPES = {
    PDF: PDF,
    JPEG: JPEG,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    PNG: PNG,
    "image/x-png": PNG,
    DOCX: DOCX,
}
# Office formats that carry macros (Word, Excel, PowerPoint documents, templates, add-ins).
MACRO_EXTENSIONS = frozenset(
    {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xlsb", ".pptm", ".potm", ".ppsm", ".ppam"}
)

# A zip is read member by member in memory, never unpacked to disk. A DOCX of 10 MB holds a
# few dozen members and unpacks to a few times its size (pictures do not compress); a zip
# bomb unpacks to thousands of times its size, or hides in thousands of members.
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
_CHUNK = 64 * 1024
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _refuse(message: Any, name: str, **values: object) -> DossierError:
    return DossierError(message % {"name": name, **values}, field="file")


MACRO_REFUSED = _(
    "Tệp “%(name)s” chứa macro (mã lệnh tự chạy) nên không được nhận. Hãy lưu lại thành "
    "tệp DOCX thông thường hoặc PDF rồi tải lên."
)
BOMB_REFUSED = _(
    "Tệp “%(name)s” là tệp nén bất thường (giải nén ra quá %(max)s MB, nén quá %(ratio)s "
    "lần hoặc có quá %(members)s thành phần) nên không được nhận."
)
TYPE_REFUSED = _("Tệp “%(name)s” không đúng định dạng cho phép (%(allowed)s).")
MISMATCH_REFUSED = _(
    "Tệp “%(name)s” mang tên tệp %(claimed)s nhưng nội dung là %(actual)s. Hãy chọn đúng "
    "tệp hoặc đặt đúng đuôi tên tệp."
)


def _read_zip(stream: IO[bytes], name: str) -> tuple[set[str], bytes] | None:
    """The member names and ``[Content_Types].xml`` of a zip, each member read through in
    memory and dropped; None for a broken or encrypted archive. Raises for a zip bomb:
    first by the sizes its directory declares, then by what its members really unpack to
    (a member that unpacks to more than it declares fails its CRC check)."""
    bomb = _refuse(
        BOMB_REFUSED,
        name,
        max=ZIP_MAX_UNPACKED_BYTES // 1048576,
        ratio=ZIP_MAX_RATIO,
        members=ZIP_MAX_MEMBERS,
    )
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            declared = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if (
                len(members) > ZIP_MAX_MEMBERS
                or declared > ZIP_MAX_UNPACKED_BYTES
                or declared > ZIP_MAX_RATIO * max(packed, 1)
            ):
                raise bomb
            unpacked = 0
            content_types = b""
            for member in members:
                if member.flag_bits & 0x1:  # encrypted: nothing of it can be checked
                    return None
                with archive.open(member) as data:
                    while chunk := data.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > ZIP_MAX_UNPACKED_BYTES:
                            raise bomb
                        if member.filename == "[Content_Types].xml":
                            content_types = (content_types + chunk)[:_CONTENT_TYPES_MAX_BYTES]
            return {member.filename for member in members}, content_types
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error):
        return None
    except (OSError, RuntimeError, ValueError):
        return None
    finally:
        stream.seek(0)


def _has_macros(names: set[str], content_types: bytes) -> bool:
    return b"macroenabled" in content_types.lower() or any(
        PurePath(n).name.lower() == "vbaproject.bin" for n in names
    )


def _sniff(head: bytes, stream: IO[bytes], name: str) -> str | None:
    """The allowed type the content is, or None; raises for macros and zip bombs."""
    if head.startswith(b"PK\x03\x04"):
        listing = _read_zip(stream, name)
        if listing is None:
            return None
        names, content_types = listing
        if _has_macros(names, content_types):
            raise _refuse(MACRO_REFUSED, name)
        if DOCX_MAIN in content_types and "word/document.xml" in names:
            return DOCX
        return None
    kind = filetype.guess(head)
    if kind is None:
        return None
    # filetype reads a few bytes of each signature; the whole one is required here.
    if kind.mime == PDF and head.startswith(b"%PDF-"):
        return PDF
    if kind.mime == JPEG and head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if kind.mime == PNG and head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def sniff_content_type(head: bytes, stream: IO[bytes]) -> str | None:
    """The allowed type of a file from its content (a stored file's, for downloads)."""
    try:
        return _sniff(head, stream, "")
    except DossierError:
        return None


def check_upload(upload: Any) -> str:
    """Returns the type read from the content, or raises DossierError with the reason, which
    names the file: empty, too large, macros, a zip bomb, a type not accepted, or a name or
    browser type that claims another type than the content is."""
    size = getattr(upload, "size", None) or 0
    name = display_name(getattr(upload, "name", "") or "")
    if size == 0:
        raise _refuse(_("Tệp “%(name)s” rỗng."), name)
    if size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB."),
            name,
            size=round(size / 1048576, 1),
            max=MAX_UPLOAD_BYTES // 1048576,
        )
    extension = PurePath(name).suffix.lower()
    if extension in MACRO_EXTENSIONS:
        raise _refuse(MACRO_REFUSED, name)
    if extension and extension not in EXTENSION_TYPES:
        raise _refuse(TYPE_REFUSED, name, allowed=ALLOWED_LABEL)
    stream = upload.file if hasattr(upload, "file") else upload
    stream.seek(0)
    head = stream.read(262)  # what filetype reads
    stream.seek(0)
    content_type = _sniff(head, stream, name)
    if content_type is None:
        raise _refuse(TYPE_REFUSED, name, allowed=ALLOWED_LABEL)
    browser_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    for claimed in (EXTENSION_TYPES.get(extension), BROWSER_TYPES.get(browser_type)):
        if claimed is not None and claimed != content_type:
            raise _refuse(
                MISMATCH_REFUSED,
                name,
                claimed=TYPE_LABELS[claimed],
                actual=TYPE_LABELS[content_type],
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
