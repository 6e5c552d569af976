"""Stored and generated files handed out as downloads, every one the same way.

A download carries personal data (a citizen's filed papers, a result, an official slip or
letter), so it is always an attachment, with no type sniffing, no shared cache, and a
sandboxed empty policy, so that whatever a browser makes of the bytes it is never run as
a page of this site.
"""

from typing import IO, TypeVar

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

# A file is never rendered as a page of this site, whatever the browser makes of it.
SANDBOX_POLICY = "default-src 'none'; sandbox"

Response = TypeVar("Response", bound=HttpResponseBase)


def harden(response: Response) -> Response:
    """No type sniffing, no shared caches, no page of this site: for every download."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


def file_download(
    handle: IO[bytes], *, filename: str | None = None, content_type: str | None = None
) -> FileResponse:
    """An open stored file as a hardened attachment (streamed). Without ``filename`` the
    stored file's own name is used; without ``content_type`` it is guessed from the name."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "", content_type=content_type
    )
    return harden(response)


def bytes_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes already in memory (a rendered slip, a result read to sniff its type) as a
    hardened attachment named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return harden(response)
