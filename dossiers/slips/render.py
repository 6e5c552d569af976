"""A slip's template → HTML → PDF (``core.pdf``), the PDF kept once issued, the download."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from core.downloads import bytes_download
from core.pdf import html_to_pdf
from dossiers.models import Dossier, IssuedSlip, SupplementRequest
from dossiers.slips.catalogue import FORMS
from dossiers.slips.contexts import slip_context
from dossiers.uploads import random_pdf_name


def render_html(form: str, context: Mapping[str, Any]) -> str:
    """The form's template rendered with autoescaping, in Vietnamese (official documents
    are issued in Vietnamese whatever the reader's interface language)."""
    if form not in FORMS:
        raise ValueError(f"Unknown form {form!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"documents/form_{form}.html", dict(context))


def render_pdf(form: str, context: Mapping[str, Any]) -> tuple[str, bytes]:
    """Template → HTML → PDF; both are returned so tests can read the HTML."""
    html = render_html(form, context)
    return html, html_to_pdf(html)


def slip_pdf(
    dossier: Dossier, form: str, *, supplement_request: SupplementRequest | None = None
) -> bytes:
    """The slip's PDF. A numbered slip is rendered once and kept, so a later download is the
    same document; the control slip (06) grows with the process and is rendered each time."""
    if FORMS.get(form) is None or not FORMS[form].suffix:
        _html, pdf = render_pdf(
            form, slip_context(dossier, form, supplement_request=supplement_request)
        )
        return pdf
    lookup = Q(dossier=dossier, form=form)
    if form == "02":
        request = (
            supplement_request
            or dossier.supplement_requests.order_by("-requested_at", "-pk").first()
        )
        lookup &= Q(supplement_request=request)
    stored = IssuedSlip.objects.filter(lookup).exclude(pdf="").first()
    if stored is not None:
        with stored.pdf.open("rb") as handle:
            return handle.read()
    context = slip_context(dossier, form, supplement_request=supplement_request)
    _html, pdf = render_pdf(form, context)
    slip: IssuedSlip = context["slip"]
    with transaction.atomic():
        locked = IssuedSlip.objects.select_for_update().get(pk=slip.pk)
        if not locked.pdf:
            locked.pdf.save(random_pdf_name(), ContentFile(pdf), save=False)
            locked.save(update_fields=["pdf"])
    return pdf


def slip_response(dossier: Dossier, form: str, request: HttpRequest | None = None) -> HttpResponse:
    """The slip as a hardened PDF attachment named ``<code>-mau-<form>.pdf``."""
    return bytes_download(
        slip_pdf(dossier, form),
        filename=f"{dossier.code}-mau-{form}.pdf",
        content_type="application/pdf",
    )
