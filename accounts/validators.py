"""Validators for citizens' identity data.

The 12-digit personal identification number (số định danh cá nhân, printed on the chip ID
card) is structured by Decree 137/2015/NĐ-CP and Circular 07/2016/TT-BCA (carried on by
Circular 59/2021/TT-BCA):

- digits 1–3: the code of the province where the birth was registered (the 63 pre-2025
  province codes, 001–096, or 000 is not used);
- digit 4: century and sex — 0/1 for 1900–1999 (male/female), 2/3 for 2000–2099,
  4/5 for 2100–2199, 6/7 for 2200–2299, 8/9 for 2300–2399;
- digits 5–6: the last two digits of the birth year;
- digits 7–12: a random sequence.
"""

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIRTH_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def national_id_birth_year(value: str) -> int:
    """The birth year encoded in a (valid) personal identification number."""
    century = 1900 + 100 * (int(value[3]) // 2)
    return century + int(value[4:6])


def validate_national_id(value: str, date_of_birth: datetime.date | None = None) -> None:
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("Số định danh cá nhân chỉ gồm chữ số."), code="not_digits")
    if len(value) != 12:
        raise ValidationError(_("Số định danh cá nhân phải có đúng 12 chữ số."), code="length")
    if value[:3] not in BIRTH_PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu (%(prefix)s) không phải mã tỉnh nơi đăng ký khai sinh."),
            code="province",
            params={"prefix": value[:3]},
        )
    year = national_id_birth_year(value)
    today = datetime.date.today()
    if year > today.year or year < today.year - 130:
        raise ValidationError(
            _("Chữ số thứ 4–6 cho năm sinh %(year)s, không hợp lệ."),
            code="birth_year",
            params={"year": year},
        )
    if date_of_birth is not None and date_of_birth.year != year:
        raise ValidationError(
            _(
                "Số định danh cá nhân ghi năm sinh %(id_year)s, khác năm sinh đã khai (%(dob_year)s)."
            ),
            code="birth_year_mismatch",
            params={"id_year": year, "dob_year": date_of_birth.year},
        )


def _parse_vietnamese(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return None


def normalize_phone(value: str) -> str:
    """A Vietnamese number in the one form stored: 0 and the national significant number,
    digits only ('+84 912 345 678', '0912.345.678' → '0912345678'; '(024) 3825 1234' →
    '02438251234'). Anything that is not a valid Vietnamese number comes back as its
    digits, for the validator to refuse and for a login lookup to find nothing."""
    number = _parse_vietnamese(value or "")
    if number is not None and _is_vietnamese(number):
        return "0" + phonenumbers.national_significant_number(number)
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


# Numbers a person can be called or texted on: mobile and fixed-line (not the 1800/1900
# service numbers, pagers or VoIP), as in the numbering plan Google's libphonenumber keeps.
_PERSONAL_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


def _is_vietnamese(number: phonenumbers.PhoneNumber) -> bool:
    return (
        number.country_code == 84
        and phonenumbers.is_valid_number_for_region(number, "VN")
        and phonenumbers.number_type(number) in _PERSONAL_TYPES
    )


def validate_phone(value: str) -> None:
    """A mobile or fixed-line number in service in Vietnam (region VN of libphonenumber's
    numbering plan: the ten-digit mobile prefixes since the 2018 change, the 0XX/0XXX area
    codes since 2017), written in any usual form."""
    number = _parse_vietnamese(value or "")
    if number is None or not _is_vietnamese(number):
        raise ValidationError(
            _(
                "Số điện thoại không hợp lệ: hãy nhập số di động hoặc số cố định tại Việt Nam, "
                "ví dụ 0912 345 678 hoặc 024 3825 1234."
            ),
            code="phone",
        )
