"""What a file must be to be filed (dossiers/uploads.py), what one citizen may keep
(dossiers/quotas.py), and that a refused or failed upload leaves nothing in storage.

An attacker renames a macro document .docx, sends a zip bomb as a Word file, a program as a
PDF, or a picture under the name of another type; each is refused with a Vietnamese message
that names the file, and the type kept is the one read from the content."""

import datetime
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DossierError
from dossiers import services, uploads
from dossiers.models import Channel, Dossier, DossierComponent, State
from dossiers.orphans import sweep_orphan_files
from tests.dossiers.factories import World, build_dossier, make_pdf_upload
from tests.envvars import BASE_DIR, clean_environment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PDF = make_pdf_upload().read()
DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = DOCX_TYPES.replace(
    b"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"vnd.ms-word.document.macroEnabled.main+xml",
)


def a_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra: bytes) -> bytes:
    return a_zip(
        {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>", **extra}
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(name: str, content: bytes, content_type: str = "application/octet-stream") -> str:
    with pytest.raises(DossierError) as refused:
        uploads.check_upload(upload(name, content, content_type))
    message = str(refused.value.message)
    assert f"“{name}”" in message  # the message names the file
    return message


# --- what is accepted, and as what ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("don.pdf", PDF, "application/pdf"),
        ("anh-the.jpg", JPEG, "image/jpeg"),
        ("anh-the.JPEG", JPEG, "image/jpeg"),
        ("so-do.png", PNG, "image/png"),
        ("to-khai.docx", docx(), uploads.DOCX),
        ("ban-chup", PDF, "application/pdf"),  # a phone's file with no extension
    ],
)
def test_allowed_files_are_kept_with_the_type_read_from_their_content(name, content, expected):
    # The browser's "application/octet-stream" (or any other word) is not what is stored.
    assert uploads.check_upload(upload(name, content)) == expected


# --- macros -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["to-khai.docm", "bang-tinh.xlsm", "trinh-chieu.pptm"])
def test_macro_enabled_office_files_are_refused_by_name(name):
    assert "macro" in refusal(name, docx())


def test_a_macro_document_renamed_docx_is_refused_by_its_vba_project():
    assert "macro" in refusal("to-khai.docx", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))


def test_a_macro_document_renamed_docx_is_refused_by_its_content_types():
    content = a_zip({"[Content_Types].xml": DOCM_TYPES, "word/document.xml": b"<w:document/>"})
    assert "macro" in refusal("to-khai.docx", content)


@pytest.mark.parametrize("name", ["to-khai.doc", "bang-tinh.xls", "to-khai"])
def test_legacy_office_files_are_not_in_the_catalogue(name):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "PDF, JPG, PNG, DOCX" in refusal(name, ole)


# --- zip bombs ----------------------------------------------------------------------------


def test_a_zip_bomb_sent_as_a_word_file_is_refused():
    bomb = docx(**{"word/media/anh.bin": b"\x00" * (20 * 1024 * 1024)})  # 20 MB in ~20 KB
    assert len(bomb) < 100 * 1024

    message = refusal("to-khai.docx", bomb)

    assert "tệp nén bất thường" in message


def test_a_zip_with_thousands_of_members_is_refused():
    many = docx(**{f"word/p{i}.xml": b"x" for i in range(uploads.ZIP_MAX_MEMBERS)})
    assert "tệp nén bất thường" in refusal("to-khai.docx", many)


def test_what_a_zip_really_unpacks_to_is_counted_not_only_what_it_declares(monkeypatch):
    """Incompressible members pass the ratio test; their real size still counts."""
    monkeypatch.setattr(uploads, "ZIP_MAX_UNPACKED_BYTES", 1024 * 1024)
    stored = docx(**{"word/media/anh.png": os.urandom(2 * 1024 * 1024)})
    assert "tệp nén bất thường" in refusal("to-khai.docx", stored)


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused():
    """The directory says 10 bytes; the member inflates to 1 MB: the CRC check catches it."""
    content = bytearray(docx(**{"word/media/a.bin": b"\x00" * (1024 * 1024)}))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("word/media/a.bin")
    lie = (10).to_bytes(4, "little")
    true_size = info.file_size.to_bytes(4, "little")
    # The size in the local header and in the central directory.
    content[info.header_offset + 22 : info.header_offset + 26] = lie
    name = info.filename.encode()
    central = bytes(content).index(b"PK\x01\x02" + b"", info.header_offset + 30)
    while bytes(content[central + 46 : central + 46 + len(name)]) != name:
        central = bytes(content).index(b"PK\x01\x02", central + 4)
    assert bytes(content[central + 24 : central + 28]) == true_size
    content[central + 24 : central + 28] = lie

    assert "không đúng định dạng" in refusal("to-khai.docx", bytes(content))


# --- content not the type claimed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "claimed", "actual"),
    [
        ("don.pdf", PNG, "PDF", "PNG"),
        ("anh.jpg", PDF, "JPG", "PDF"),
        ("anh.png", JPEG, "PNG", "JPG"),
        ("to-khai.docx", PDF, "DOCX", "PDF"),
    ],
)
def test_a_file_whose_name_claims_another_type_is_refused(name, content, claimed, actual):
    message = refusal(name, content)
    assert f"mang tên tệp {claimed} nhưng nội dung là {actual}" in message


def test_a_file_whose_browser_type_claims_another_type_is_refused():
    message = refusal("tep", PNG, content_type="application/pdf")
    assert "nội dung là PNG" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("don.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),  # a Windows program
        ("don.pdf", b"<html><script>alert(1)</script></html>"),
        ("don.pdf", b"PDF-1.4 but not at the start %PDF-"),
        ("chuong-trinh.exe", PDF),
        ("trang.html", PDF),
        ("van-ban.odt", a_zip({"mimetype": b"application/vnd.oasis.opendocument.text"})),
        ("bang.xlsx", a_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})),
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 100),  # a broken zip
    ],
)
def test_content_outside_the_catalogue_is_refused(name, content):
    assert "không đúng định dạng cho phép (PDF, JPG, PNG, DOCX)" in refusal(name, content)


# --- through the pages and the API: nothing reaches the disk -------------------------------


def on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def draft(world: World) -> Dossier:
    return services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )


def test_the_citizen_sees_why_a_macro_document_was_refused(client, world, draft, media_root):
    client.force_login(world.citizen)
    component = world.required_components[0]

    response = client.post(
        reverse("dossiers:upload", args=[draft.ref]),
        {
            "component": component.pk,
            "file": upload("to-khai.docx", docx(**{"vbaProject.bin": b"x"})),
        },
    )

    assert response.status_code == 400
    assert "Tệp “to-khai.docx” chứa macro" in response.content.decode()
    assert not draft.files.exists()
    assert on_disk(media_root) == []


def test_the_api_refuses_a_zip_bomb_with_a_detail(client, world, draft, media_root):
    client.force_login(world.citizen)
    bomb = docx(**{"word/media/a.bin": b"\x00" * (20 * 1024 * 1024)})

    response = client.post(
        f"/api/v1/dossiers/{draft.ref}/components/", {"file": upload("bom.docx", bomb)}
    )

    assert response.status_code == 400
    assert "“bom.docx”" in response.json()["detail"]
    assert on_disk(media_root) == []


def test_the_stored_type_is_the_sniffed_one_not_the_browsers(world, draft, media_root):
    stored = services.dossier_attach_file(
        dossier=draft, actor=world.citizen, upload=upload("to-khai.docx", docx(), "text/plain")
    )
    assert stored.content_type == uploads.DOCX


# --- quotas ---------------------------------------------------------------------------------


def test_a_citizen_cannot_keep_more_than_the_storage_quota(settings, world, draft, media_root):
    settings.DOSSIER_STORAGE_QUOTA_BYTES = 5000
    services.dossier_attach_file(
        dossier=draft, actor=world.citizen, upload=make_pdf_upload("mot.pdf", size=3000)
    )

    with pytest.raises(DossierError) as refused:
        services.dossier_attach_file(
            dossier=draft, actor=world.citizen, upload=make_pdf_upload("hai.pdf", size=3000)
        )

    assert "“hai.pdf”" in str(refused.value.message)
    assert "hạn mức" in str(refused.value.message)
    assert draft.files.count() == 1
    assert len(on_disk(media_root)) == 1


def test_the_storage_quota_counts_only_dossiers_not_yet_settled(settings, world, media_root):
    returned = build_dossier(world, State.RETURNED)
    used = sum(returned.files.values_list("size", flat=True))
    settings.DOSSIER_STORAGE_QUOTA_BYTES = used + 100
    other = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    # The returned dossier's files do not count: a file as large as all of them still fits.
    services.dossier_attach_file(
        dossier=other, actor=world.citizen, upload=make_pdf_upload(size=used)
    )


def test_the_counter_is_not_held_to_the_citizens_quota(settings, world, media_root):
    settings.DOSSIER_STORAGE_QUOTA_BYTES = 10
    # At the counter: the clerk files for the person in front of them (no account attached).
    dossier = services.dossier_create_draft(
        applicant=None,
        procedure=world.procedure,
        agency=world.centre,
        actor=world.clerk,
        intake_channel=Channel.DIRECT,
        applicant_details={
            "applicant_name": world.citizen.full_name,
            "applicant_national_id": world.citizen.national_id,
            "applicant_address": world.citizen.address,
        },
    )
    services.dossier_attach_file(dossier=dossier, actor=world.clerk, upload=make_pdf_upload())
    assert dossier.files.count() == 1


def test_a_citizen_may_keep_only_so_many_drafts(settings, client, world):
    settings.DOSSIER_MAX_DRAFTS = 2
    for _ in range(2):
        services.dossier_create_draft(
            applicant=world.citizen,
            procedure=world.procedure,
            agency=world.centre,
            actor=world.citizen,
        )
    client.force_login(world.citizen)

    response = client.post(
        reverse("dossiers:start", args=[world.procedure.code]),
        {
            "agency": world.centre.pk,
            "applicant_name": world.citizen.full_name,
            "applicant_national_id": world.citizen.national_id,
            "applicant_address": "Số 1 đường Võ Thị Sáu, Biên Hòa",
            "return_channel": "online",
        },
    )

    assert response.status_code == 400
    assert "Bạn đang có 2 bản nháp, tối đa 2 bản nháp cùng lúc" in response.content.decode()
    assert Dossier.objects.filter(applicant=world.citizen, state=State.DRAFT).count() == 2


def test_the_quotas_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DOSSIER_STORAGE_QUOTA_BYTES, settings.DOSSIER_MAX_DRAFTS)"
    )
    env = clean_environment(
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="portal.settings",
        DOSSIER_STORAGE_QUOTA_MB="50",
        DOSSIER_MAX_DRAFTS="5",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert result.stdout.split() == [str(50 * 1024 * 1024), "5"], result.stderr


# --- no orphan files ------------------------------------------------------------------------


def test_a_row_that_fails_to_insert_leaves_no_file(monkeypatch, world, draft, media_root):
    def fail(self, *args, **kwargs):
        raise IntegrityError("the row could not be written")

    monkeypatch.setattr(DossierComponent, "save", fail)

    with pytest.raises(IntegrityError):
        services.dossier_attach_file(dossier=draft, actor=world.citizen, upload=make_pdf_upload())

    assert on_disk(media_root) == []


def test_a_replacement_that_fails_after_storing_keeps_the_old_file_only(
    monkeypatch, world, draft, media_root
):
    old = services.dossier_attach_file(
        dossier=draft, actor=world.citizen, upload=make_pdf_upload("cu.pdf")
    )

    def fail(files):
        raise RuntimeError("a fault after the new file was stored")

    monkeypatch.setattr(services, "_delete_stored_after_commit", fail)

    with pytest.raises(RuntimeError):
        services.dossier_replace_file(
            dossier=draft, actor=world.citizen, file_pk=old.pk, upload=make_pdf_upload("moi.pdf")
        )

    assert list(draft.files.values_list("original_name", flat=True)) == ["cu.pdf"]
    assert [p.relative_to(media_root).as_posix() for p in on_disk(media_root)] == [old.file.name]


def test_the_sweep_removes_files_of_a_rolled_back_transaction_after_an_hour(
    world, draft, media_root
):
    kept = services.dossier_attach_file(
        dossier=draft, actor=world.citizen, upload=make_pdf_upload("giu.pdf")
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        # An enclosing transaction (a walk-in registration, say) fails after the upload.
        services.dossier_attach_file(
            dossier=draft, actor=world.citizen, upload=make_pdf_upload("mo-coi.pdf")
        )
        raise RuntimeError("the registration failed after the upload")
    assert len(on_disk(media_root)) == 2  # the orphan, until the sweep

    assert sweep_orphan_files() == []  # too recent: its transaction might still commit

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        removed = sweep_orphan_files()

    assert len(removed) == 1
    assert removed[0] != kept.file.name
    assert [p.relative_to(media_root).as_posix() for p in on_disk(media_root)] == [kept.file.name]


def test_the_sweep_command_lists_then_removes(world, draft, media_root, capsys):
    orphan = media_root / "dossiers" / "ab" / "mo-coi.bin"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(PDF)
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(orphan, (an_hour_ago, an_hour_ago))

    call_command("sweep_orphan_files", "--dry-run")
    assert orphan.exists()
    assert "dossiers/ab/mo-coi.bin" in capsys.readouterr().out

    call_command("sweep_orphan_files")
    assert not orphan.exists()
