"""Form 04, the apology letter, rendered like the dossier slips: their wording, the same
base template, and ``core.pdf`` (same fonts, same deny-by-default fetcher, autoescaped
template → HTML → PDF)."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.signing import SignatureBlock
from apologies.models import ApologyLetter, LetterState
from core.pdf import html_to_pdf, qr_data_uri
from dossiers.slips.contexts import tracking_url
from dossiers.slips.wording import (
    form_number_label,
    governing_body,
    place_name,
    vn_date_phrase,
    vn_moment_phrase,
)

FORM = "04"
# Circular 03/2025, Annex I, form 04, as a third-party copy lists it (docs/legal.md#forms-01-to-06).
TITLE = "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"


def letter_context(letter: ApologyLetter) -> dict[str, Any]:
    dossier = letter.dossier
    agency = letter.agency
    issued_at = letter.issued_at or timezone.now()
    url = tracking_url(dossier)
    return {
        "form": FORM,
        "form_title": TITLE,
        "letter": letter,
        "dossier": dossier,
        "agency": agency,
        "governing_body": governing_body(agency),
        "issuing_body": agency.name.upper(),
        "number_label": form_number_label(letter.number, FORM, agency),
        "place_date": vn_date_phrase(place_name(agency), issued_at),
        "procedure_name": dossier.procedure.name,
        "received_phrase": vn_moment_phrase(letter.received_at),
        "original_due_phrase": vn_moment_phrase(letter.original_due_at),
        "proposed_due_phrase": vn_moment_phrase(letter.proposed_due_at),
        "signer": letter_signer(letter),
        "is_draft": letter.state == "draft",
        "tracking_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def letter_signer(letter: ApologyLetter) -> SignatureBlock | None:
    """The block the letter was issued under, as recorded at issue (apologies.services
    .issuing_block); None for a draft, which no one has signed yet. The letter, its page and
    its PDF all print this one.

    A letter issued before the block was recorded prints what it printed then: the agency
    head's title over the name of whoever issued it (an issued document is not rewritten)."""
    if letter.state != LetterState.ISSUED:
        return None
    recorded = SignatureBlock.from_json(letter.signer)
    if recorded is not None:
        return recorded
    return SignatureBlock(
        lines=((letter.agency.head_title or "Thủ trưởng cơ quan").upper(),),
        name=letter.issued_by.full_name if letter.issued_by else "",
    )


def render_letter_html(letter: ApologyLetter) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("documents/form_04.html", letter_context(letter))


def render_letter(letter: ApologyLetter) -> tuple[str, bytes]:
    """Template → HTML → PDF bytes; both returned so tests can read the HTML."""
    html = render_letter_html(letter)
    return html, html_to_pdf(html)
