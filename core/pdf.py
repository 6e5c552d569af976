"""HTML → PDF with WeasyPrint, for every document the project issues (the dossier slips,
the apology letter, the benchmark's render).

Rendering is deny-by-default: :func:`url_fetcher` serves the project's own ``static/``
files and ``data:`` images (the QR code) and refuses everything else, so nothing is fetched
from the network or from the rest of the disk whatever a template or a field contains.
Citizen input reaches the templates as plain context values and Django's autoescaping turns
it into text. The font (Liberation Serif, bundled in ``static/fonts``) is loaded into one
WeasyPrint ``FontConfiguration`` per process, reused by every render.
"""

import base64
import functools
import logging
import mimetypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

from django.conf import settings

logger = logging.getLogger(__name__)


class ForbiddenURL(ValueError):
    """The renderer asked for something outside the project's static files."""


@dataclass(frozen=True)
class FetchedResource:
    url: str
    body: bytes
    mime_type: str


DATA_URI_TYPES = ("image/svg+xml", "image/png")


def static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def _static_file(url: str) -> Path | None:
    parts = urlsplit(url)
    root = static_dir()
    static_path = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        candidate = Path(url2pathname(parts.path))
        if not candidate.resolve().is_relative_to(root) and parts.path.startswith(static_path):
            # "/static/…" resolved against a file: base URL.
            candidate = root / url2pathname(parts.path[len(static_path) :])
    elif parts.scheme in ("http", "https"):
        prefix = urljoin(settings.SITE_URL.rstrip("/") + "/", settings.STATIC_URL)
        bare = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if not bare.startswith(prefix):
            return None
        candidate = root / unquote(bare[len(prefix) :])
    else:
        return None
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def _data_uri(url: str) -> FetchedResource:
    header, _sep, payload = url[len("data:") :].partition(",")
    mime_type = header.split(";")[0].strip().lower()
    if mime_type not in DATA_URI_TYPES:
        raise ForbiddenURL(f"Refused data: URI of type {mime_type!r}.")
    body = base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
    return FetchedResource(url=url, body=body, mime_type=mime_type)


def url_fetcher(url: str) -> FetchedResource:
    """Deny by default: files under ``static/`` (by ``file://`` path or by their
    ``/static/…`` URL) and ``data:`` images; anything else raises :class:`ForbiddenURL`."""
    if url.startswith("data:"):
        return _data_uri(url)
    path = _static_file(url)
    if path is None:
        raise ForbiddenURL(f"Refused to fetch {url!r}: only the project's static files are served.")
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FetchedResource(url=path.as_uri(), body=path.read_bytes(), mime_type=mime_type)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI, an image :func:`url_fetcher` serves."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=0))


@functools.cache
def _weasyprint_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher interface around :func:`url_fetcher` (looked up on each call)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            resource = url_fetcher(url)
            return URLFetcherResponse(
                resource.url, resource.body, {"Content-Type": resource.mime_type}
            )

    return StaticOnlyFetcher()


@functools.cache
def font_config() -> Any:
    """One WeasyPrint ``FontConfiguration`` per process: the bundled fonts are loaded into
    it by the first render and reused by every later one."""
    from weasyprint.text.fonts import FontConfiguration

    # Once per process: a worker's log shows one line per pool process, not one per letter.
    logger.info("WeasyPrint font configuration created in process %s", os.getpid())
    return FontConfiguration()


# Fontconfig and Pango objects behind the shared configuration are not thread-safe.
_render_lock = threading.Lock()


def base_url() -> str:
    return static_dir().as_uri() + "/"


def html_to_pdf(html: str) -> bytes:
    """The bare render: HTML (resolved against ``static/``) → PDF bytes, same fonts, same
    fetcher. For the dossier slips, form 04 and the benchmark."""
    from weasyprint import HTML

    with _render_lock:
        document = HTML(string=html, base_url=base_url(), url_fetcher=_weasyprint_fetcher())
        pdf: bytes = document.write_pdf(font_config=font_config())
    return pdf
