"""An agency's electronic ID (mã định danh điện tử), checked against the national structure.

Two forms are accepted (docs/legal.md#agency-electronic-id):

- the four-group code of the national technical regulation on document-exchange IDs
  (QCVN 102:2016/BTTTT, Circular 10/2016/TT-BTTTT) that Circular 01/2018/TT-VPCP Art. 19 puts
  at the head of a dossier code, ``V1V2V3.Z1Z2.Y1Y2.MX1X2``: three digits, two, two, then the
  level-1 code, a capital letter and two digits (``000.00.12.H75``, ``000.00.04.G14``);
- the form of Decision 20/2020/QĐ-TTg Art. 4(1): at most 35 characters, groups of digits and
  capital letters separated by dots, developed from left to right with the level-1 code first
  (a capital letter and two digits, as the level-1 codes of Decision 09/2025/QĐ-TTg are
  printed: ``G15``, ``H57``), then one group per lower level (``H55.242``, ``H01.151.01``).

Anything else (lower case, spaces, other separators, a level-1 code in the wrong place) is
refused with a Vietnamese message. Spaces around the code and lower-case letters are
normalised first (:func:`normalise_agency_code`), so a code typed ``h75.26041 `` is stored as
``H75.26041``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 35

# QCVN 102:2016 (four groups, level-1 code last).
FOUR_GROUP = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")
# Decision 20/2020/QĐ-TTg Art. 4(1) (level-1 code first, then a group per level).
LEVEL_FIRST = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,10})*")

AGENCY_CODE_MESSAGE = _(
    "Mã định danh điện tử không đúng cấu trúc: dùng dạng 000.00.12.H75 (ba chữ số, hai chữ "
    "số, hai chữ số, rồi mã cấp 1 gồm một chữ cái in hoa và hai chữ số) hoặc dạng H75.26041 "
    "(mã cấp 1 đứng đầu, các nhóm chữ số, chữ in hoa cách nhau bằng dấu chấm), tối đa 35 ký tự."
)


def normalise_agency_code(value: str) -> str:
    """Spaces around the code dropped, letters in capitals: how an e-ID is stored."""
    return (value or "").strip().upper()


def is_agency_code(value: str) -> bool:
    if not value or len(value) > MAX_LENGTH:
        return False
    return bool(FOUR_GROUP.fullmatch(value) or LEVEL_FIRST.fullmatch(value))


def validate_agency_code(value: str) -> None:
    """The model field's validator (so the admin, the forms and the demo loader's
    ``full_clean`` all refuse a code that does not follow the national structure)."""
    if not is_agency_code(value):
        raise ValidationError(AGENCY_CODE_MESSAGE, code="agency_code")
