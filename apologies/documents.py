"""Form 04, the apology letter, rendered with the slips' machinery (same fonts, same
deny-by-default fetcher, autoescaped template → HTML → PDF)."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apologies.models import ApologyLetter
from dossiers import documents

FORM = "04"
TITLE = "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"


def letter_context(letter: ApologyLetter) -> dict[str, Any]:
    dossier = letter.dossier
    agency = letter.agency
    issued_at = letter.issued_at or timezone.now()
    url = documents.tracking_url(dossier)
    return {
        "form": FORM,
        "form_title": TITLE,
        "letter": letter,
        "dossier": dossier,
        "agency": agency,
        "governing_body": documents.governing_body(agency),
        "issuing_body": agency.name.upper(),
        "number_label": letter.number_label,
        "place_date": documents.vn_date_phrase(documents.place_name(agency), issued_at),
        "procedure_name": dossier.procedure.name,
        "received_phrase": documents.vn_moment_phrase(letter.received_at),
        "original_due_phrase": documents.vn_moment_phrase(letter.original_due_at),
        "proposed_due_phrase": documents.vn_moment_phrase(letter.proposed_due_at),
        "signer_title": (agency.head_title or "Thủ trưởng cơ quan").upper(),
        "signer_name": letter.issued_by.full_name if letter.issued_by else "",
        "is_draft": letter.state == "draft",
        "tracking_url": url,
        "qr_data_uri": documents.qr_data_uri(url),
    }


def render_letter_html(letter: ApologyLetter) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("documents/form_04.html", letter_context(letter))


def render_letter(letter: ApologyLetter) -> tuple[str, bytes]:
    """Template → HTML → PDF bytes; both returned so tests can read the HTML."""
    html = render_letter_html(letter)
    return html, documents.html_to_pdf(html)
