"""A citizen corrects a draft before filing it (issue 9 item 6): takes a file out, replaces
one, or discards the whole draft; and takes back a supplement paper not yet sent. What is
removed leaves the disk too; what is refused leaves everything as it was; a filed dossier's
papers stay."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, DossierComponent, State
from tests.dossiers.factories import World, another_citizen, build_dossier, make_pdf_upload

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"dossiers:{name}", args=args)


def on_disk(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def draft(world: World, media_root: Path) -> Dossier:
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    for component in world.required_components:
        services.dossier_attach_file(
            dossier=dossier,
            actor=world.citizen,
            upload=make_pdf_upload(f"giay-to-{component.order}.pdf"),
            component=component,
        )
    return dossier


@pytest.fixture
def signed_in(client, world: World, django_capture_on_commit_callbacks):
    """The citizen's browser; what a request schedules after its commit (deleting the
    stored files) runs, as it does outside the test's transaction."""
    client.force_login(world.citizen)

    class Committing:
        def __getattr__(self, name):
            method = getattr(client, name)
            if name not in ("get", "post"):
                return method

            def call(*args, **kwargs):
                with django_capture_on_commit_callbacks(execute=True):
                    return method(*args, **kwargs)

            return call

    return Committing()


def test_an_upload_brings_the_citizen_back_to_that_components_row(signed_in, world, media_root):
    dossier = services.dossier_create_draft(
        applicant=world.citizen, procedure=world.procedure, agency=world.centre, actor=world.citizen
    )
    component = world.components[1]

    response = signed_in.post(
        url("upload", dossier.ref), {"component": component.pk, "file": make_pdf_upload()}
    )

    assert response.status_code == 302
    assert response["Location"] == url("edit", dossier.ref) + f"#thanh-phan-{component.pk}"
    row = f'id="thanh-phan-{component.pk}" tabindex="-1"'
    assert row in signed_in.get(url("edit", dossier.ref)).content.decode()


def test_a_file_taken_out_of_a_draft_leaves_the_checklist_and_the_disk(
    signed_in, world, draft, media_root
):
    first = draft.files.get(component=world.required_components[0])
    stored_name = Path(first.file.name).name
    assert stored_name in on_disk(media_root)

    response = signed_in.post(url("remove_file", draft.ref, first.pk), follow=True)

    assert response.redirect_chain[0][0].endswith(f"#thanh-phan-{first.component_id}")
    page = response.content.decode()
    assert "Đã gỡ tệp “giay-to-" in page
    assert "Còn thiếu:" in page and world.required_components[0].name in page
    assert not DossierComponent.objects.filter(pk=first.pk).exists()
    assert stored_name not in on_disk(media_root)
    # And the draft cannot be filed without it any more.
    assert signed_in.post(url("submit", draft.ref)).status_code == 400


def test_a_replaced_file_takes_the_old_ones_place(signed_in, world, draft, media_root):
    old = draft.files.get(component=world.required_components[0])
    old_name = Path(old.file.name).name

    response = signed_in.post(
        url("replace_file", draft.ref, old.pk), {"file": make_pdf_upload("ban-chup-moi.pdf")}
    )

    assert response.status_code == 302
    [new] = draft.files.filter(component=world.required_components[0])
    assert new.original_name == "ban-chup-moi.pdf" and new.pk != old.pk
    assert old_name not in on_disk(media_root)
    assert Path(new.file.name).name in on_disk(media_root)
    assert draft.files.count() == len(world.required_components)


def test_a_refused_replacement_keeps_the_old_file_and_says_why_at_its_row(
    signed_in, world, draft, media_root
):
    old = draft.files.get(component=world.required_components[0])
    before = on_disk(media_root)

    response = signed_in.post(
        url("replace_file", draft.ref, old.pk),
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp “virus.pdf” không đúng định dạng cho phép" in page
    assert f'aria-describedby="thay-{old.pk}-loi"' in page and f'id="thay-{old.pk}-loi"' in page
    assert DossierComponent.objects.filter(pk=old.pk).exists()
    assert on_disk(media_root) == before


def test_a_filed_dossiers_papers_cannot_be_taken_out_or_replaced(
    signed_in, world, draft, media_root
):
    services.dossier_submit(dossier=draft, actor=world.citizen)
    draft.refresh_from_db()
    stored = draft.files.first()
    before = on_disk(media_root)

    removed = signed_in.post(url("remove_file", draft.ref, stored.pk), follow=True)
    replaced = signed_in.post(
        url("replace_file", draft.ref, stored.pk), {"file": make_pdf_upload()}, follow=True
    )

    assert "không gỡ được nữa" in removed.content.decode()
    assert "không gỡ được nữa" in replaced.content.decode()
    assert draft.files.count() == len(world.required_components)
    assert on_disk(media_root) == before


def test_another_persons_draft_files_answer_404_and_stay(client, world, draft, media_root):
    client.force_login(another_citizen())
    stored = draft.files.first()

    assert client.post(url("remove_file", draft.ref, stored.pk)).status_code == 404
    assert (
        client.post(
            url("replace_file", draft.ref, stored.pk), {"file": make_pdf_upload()}
        ).status_code
        == 404
    )
    assert client.post(url("discard", draft.ref)).status_code == 404
    assert draft.files.count() == len(world.required_components)
    assert Dossier.objects.filter(pk=draft.pk).exists()


def test_a_file_of_another_dossier_cannot_be_removed_through_my_draft(
    signed_in, world, draft, media_root
):
    foreign = build_dossier(world, State.DRAFT, applicant=another_citizen())
    theirs = foreign.files.first()

    assert signed_in.post(url("remove_file", draft.ref, theirs.pk)).status_code == 404
    assert DossierComponent.objects.filter(pk=theirs.pk).exists()


def test_discarding_a_draft_asks_first_then_deletes_it_and_its_files(
    signed_in, world, draft, media_root
):
    edit_page = signed_in.get(url("edit", draft.ref)).content.decode()
    assert url("discard", draft.ref) in edit_page

    confirm = signed_in.get(url("discard", draft.ref))
    assert confirm.status_code == 200
    assert f"{len(world.required_components)} tệp đã tải lên bị xóa hẳn" in confirm.content.decode()
    assert Dossier.objects.filter(pk=draft.pk).exists()

    response = signed_in.post(url("discard", draft.ref), follow=True)

    assert response.redirect_chain[-1][0] == url("mine")
    assert "Đã xóa bản nháp hồ sơ" in response.content.decode()
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not DossierComponent.objects.exists()
    assert on_disk(media_root) == set()
    assert signed_in.get(url("edit", draft.ref)).status_code == 404


def test_a_filed_dossier_is_never_discarded(signed_in, world, draft, media_root):
    services.dossier_submit(dossier=draft, actor=world.citizen)
    draft.refresh_from_db()

    response = signed_in.post(url("discard", draft.ref), follow=True)

    assert "không xóa được" in response.content.decode()
    assert Dossier.objects.filter(pk=draft.pk, state=State.SUBMITTED).exists()
    assert draft.files.count() == len(world.required_components)


def test_a_supplement_paper_not_yet_sent_can_be_taken_back_but_not_the_filed_ones(
    signed_in, world, media_root
):
    dossier = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    filed = list(dossier.files.all())
    signed_in.post(
        url("supplement", dossier.ref),
        {
            "action": "upload",
            "component": world.components[1].pk,
            "file": make_pdf_upload("sai.pdf"),
        },
    )
    wrong = dossier.files.get(is_supplement=True)
    page = signed_in.get(url("supplement", dossier.ref)).content.decode()
    assert url("remove_file", dossier.ref, wrong.pk) in page

    response = signed_in.post(url("remove_file", dossier.ref, wrong.pk))

    assert response["Location"] == url("supplement", dossier.ref)
    assert not dossier.files.filter(is_supplement=True).exists()
    for stored in filed:
        assert signed_in.post(url("remove_file", dossier.ref, stored.pk)).status_code == 404
    assert dossier.files.count() == len(filed)
