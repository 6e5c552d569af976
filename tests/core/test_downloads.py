"""Every download goes out the same way (core.downloads): an attachment, never sniffed,
never cached by a shared cache, never run as a page of this site."""

import io

from django.http.response import HttpResponseBase

from core.downloads import SANDBOX_POLICY, bytes_download, file_download


def _hardened(response: HttpResponseBase) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == SANDBOX_POLICY


def test_bytes_go_out_as_a_hardened_attachment() -> None:
    response = bytes_download(
        b"%PDF-1.7", filename="H75-mau-01.pdf", content_type="application/pdf"
    )

    assert response["Content-Disposition"] == 'attachment; filename="H75-mau-01.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7"
    _hardened(response)


def test_a_stored_file_goes_out_as_a_hardened_attachment_under_its_own_name() -> None:
    response = file_download(io.BytesIO(b"<html><script>"), filename="Tờ khai.html")

    assert response["Content-Disposition"].startswith("attachment; filename")
    assert "T%E1%BB%9D%20khai.html" in response["Content-Disposition"]
    assert response.getvalue() == b"<html><script>"
    _hardened(response)
