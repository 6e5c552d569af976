"""Who signs an official document, and in what name: the signature block of form 04 (the
apology letter) and form 05 (the stop notice), built from the signer's staff record.

Decree 30/2020/NĐ-CP on clerical work (docs/legal.md, "Who signs"):

- art. 8(2)(g): the office, full name and signature of the competent person are a main
  component of every administrative document, so a document is not issued without them;
- art. 13(1): in an agency run by its head, the head signs everything; a deputy may be
  given documents to sign *ký thay* (KT.), and a deputy put in charge signs as a deputy
  signing for the head;
- art. 13(2): in a collective body, the head signs on behalf of the collective (TM.) and a
  deputy signs on behalf of the collective, for the head (TM. … / KT. …);
- art. 13(4): the head may have the head of a unit of the agency sign some documents
  *thừa lệnh* (TL.), as the agency's working regulation sets out (the portal cannot check
  that regulation: the administrator who records TL. on a person answers for it);
- Annex I, part II, item 7: "TM." goes before the name of the collective, "KT." and "TL."
  before the *head's* title, "Q." before the head's title for someone given the head's
  powers; the title printed is the signer's official leadership office.

The block is printed one line each: the authority (``KT. GIÁM ĐỐC``), then the signer's own
office (``PHÓ GIÁM ĐỐC``), in capitals; then the name. Signing *thừa ủy quyền* (TUQ.,
art. 13(3)) needs a written, time-limited authorisation the portal does not record, so it
is not offered.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import DossierError

if TYPE_CHECKING:
    from accounts.models import User


class SignsAs(models.TextChoices):
    """In whose name a person signs (Decree 30/2020 art. 13; Annex I, II.7)."""

    OWN = "own", _("Theo chức vụ của mình (người đứng đầu; “Q.” nếu được giao quyền)")
    KT = "kt", _("KT. — ký thay người đứng đầu (cấp phó)")
    TL = "tl", _("TL. — thừa lệnh người đứng đầu (người đứng đầu đơn vị thuộc cơ quan)")
    TM = "tm", _("TM. — thay mặt tập thể lãnh đạo")


class NoSigningTitle(DossierError):
    """The person has no complete signing record, so a document in their name would lack
    the signer's office (Decree 30/2020 art. 8(2)(g)): it is not issued (HTTP 400)."""

    default_message = _(
        "Hồ sơ cán bộ của anh/chị chưa ghi chức vụ và hình thức ký văn bản (ký thay, thừa "
        "lệnh, thay mặt). Đề nghị quản trị hệ thống cập nhật trước khi ký ban hành."
    )


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _caps(value: str) -> str:
    return _clean(value).upper()


def record_errors(
    *,
    signing_title: str,
    signs_as: str,
    signs_for_title: str,
    signs_for_body: str,
    has_department: bool,
) -> dict[str, Any]:
    """What is wrong with a signing record, field by field (empty: nothing). A person with
    no signing title signs nothing, and then says nothing about for whom."""
    title, for_title, body = _clean(signing_title), _clean(signs_for_title), _clean(signs_for_body)
    errors: dict[str, Any] = {}
    if not title:
        if signs_as != SignsAs.OWN or for_title or body:
            errors["signing_title"] = _(
                "Cần ghi chức vụ của người ký (ví dụ “Phó Giám đốc”) trước khi chọn hình thức ký."
            )
        return errors
    if signs_as == SignsAs.OWN:
        if for_title:
            errors["signs_for_title"] = _(
                "Người ký theo chức vụ của mình không ký thay, thừa lệnh ai: để trống ô này."
            )
        if body:
            errors["signs_for_body"] = _(
                "Người ký theo chức vụ của mình không thay mặt tập thể: để trống ô này."
            )
    elif signs_as in (SignsAs.KT, SignsAs.TL):
        if not for_title:
            errors["signs_for_title"] = _(
                "Ký thay (KT.) và thừa lệnh (TL.) ghi trước chức vụ của người đứng đầu: cần "
                "ghi chức vụ đó (ví dụ “Giám đốc”, “Chủ tịch”)."
            )
        elif for_title.casefold() == title.casefold():
            errors["signs_for_title"] = _(
                "Người ký thay, thừa lệnh không giữ chức vụ của người đứng đầu: hai chức vụ "
                "phải khác nhau."
            )
        if body:
            errors["signs_for_body"] = _("Chỉ ghi tập thể lãnh đạo khi ký thay mặt (TM.).")
        if signs_as == SignsAs.TL and not has_department:
            errors["department"] = _(
                "Ký thừa lệnh (TL.) dành cho người đứng đầu một đơn vị thuộc cơ quan: cần "
                "chọn phòng, bộ phận của người này."
            )
    elif signs_as == SignsAs.TM:
        if not body:
            errors["signs_for_body"] = _(
                "Ký thay mặt (TM.) ghi trước tên tập thể lãnh đạo: cần ghi tên đó (ví dụ "
                "“Ủy ban nhân dân”)."
            )
        if for_title and for_title.casefold() == title.casefold():
            errors["signs_for_title"] = _(
                "Người đứng đầu thay mặt tập thể ký theo chức vụ của mình: để trống ô này; "
                "chỉ cấp phó ghi chức vụ của người đứng đầu mà mình ký thay."
            )
    return errors


def authority_lines(
    *, signing_title: str, signs_as: str, signs_for_title: str = "", signs_for_body: str = ""
) -> tuple[str, ...]:
    """The lines above the signature, in capitals (Decree 30/2020 Annex I, II.7):

    - own title: ``GIÁM ĐỐC``;
    - KT.: ``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC``;
    - TL.: ``TL. GIÁM ĐỐC`` / ``TRƯỞNG PHÒNG HÀNH CHÍNH TƯ PHÁP``;
    - TM.: ``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH``, and for a deputy
      ``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH``.
    """
    title = _caps(signing_title)
    if signs_as in (SignsAs.KT, SignsAs.TL):
        return (f"{'KT.' if signs_as == SignsAs.KT else 'TL.'} {_caps(signs_for_title)}", title)
    if signs_as == SignsAs.TM:
        lines = [f"TM. {_caps(signs_for_body)}"]
        if _clean(signs_for_title):
            lines.append(f"KT. {_caps(signs_for_title)}")
        return (*lines, title)
    return (title,)


@dataclass(frozen=True)
class SignatureBlock:
    """The signer's block as printed, and as stored on the document at issue so that a
    later change of the person's title does not rewrite what was issued."""

    lines: tuple[str, ...]
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"lines": list(self.lines), "name": self.name}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "SignatureBlock | None":
        if not data or not data.get("lines"):
            return None
        return cls(lines=tuple(str(line) for line in data["lines"]), name=str(data.get("name", "")))


def may_sign_documents(user: "User") -> bool:
    """The person's record says in what name they sign, completely and consistently."""
    return bool(_clean(user.signing_title)) and not record_errors(
        signing_title=user.signing_title,
        signs_as=user.signs_as,
        signs_for_title=user.signs_for_title,
        signs_for_body=user.signs_for_body,
        has_department=user.department_id is not None,
    )


def signature_block(user: "User") -> SignatureBlock:
    """The block ``user`` signs with; NoSigningTitle if their record does not say (the
    document is then not issued rather than printed under a title that is not theirs)."""
    if not may_sign_documents(user):
        raise NoSigningTitle()
    lines = authority_lines(
        signing_title=user.signing_title,
        signs_as=user.signs_as,
        signs_for_title=user.signs_for_title,
        signs_for_body=user.signs_for_body,
    )
    return SignatureBlock(lines=lines, name=_clean(user.full_name))
