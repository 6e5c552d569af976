"""The 12-digit personal identification number: digits, length, birth-province prefix,
century/year digits, and the cross-check with the declared date of birth."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.validators import validate_national_id

TODAY = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize(
    ("value", "date_of_birth"),
    [
        ("075190001234", datetime.date(1990, 3, 14)),  # Đồng Nai, woman born 1990
        ("001099012345", datetime.date(1999, 12, 31)),  # Hà Nội, man born 1999
        ("079203000001", datetime.date(2003, 1, 1)),  # TP HCM, man born 2003
        ("096326000001", datetime.date(2026, 1, 5)),  # Cà Mau, girl born this year
        ("036185123456", None),  # no date of birth given: structure only
    ],
)
def test_valid_numbers_pass(value, date_of_birth):
    validate_national_id(value, date_of_birth)


@pytest.mark.parametrize(
    ("value", "date_of_birth", "code", "message"),
    [
        ("07519000123A", None, "not_digits", "Số định danh cá nhân chỉ gồm chữ số."),
        ("075 190 0012", None, "not_digits", "Số định danh cá nhân chỉ gồm chữ số."),
        ("０７５１９０００１２３４", None, "not_digits", "chỉ gồm chữ số"),  # full-width digits
        ("07519000123", None, "length", "phải có đúng 12 chữ số"),
        ("0751900012345", None, "length", "phải có đúng 12 chữ số"),
        ("000190001234", None, "province", "Ba chữ số đầu (000) không phải mã tỉnh"),
        ("003190001234", None, "province", "Ba chữ số đầu (003) không phải mã tỉnh"),
        ("099190001234", None, "province", "Ba chữ số đầu (099) không phải mã tỉnh"),
        # Century digit 2 means 2000–2099: 2090 is still to come.
        ("075290001234", None, "birth_year", "năm sinh 2090"),
        ("075227001234", None, "birth_year", "năm sinh 2027"),
        (
            "075190001234",
            datetime.date(1991, 3, 14),
            "birth_year_mismatch",
            "ghi năm sinh 1990, khác năm sinh đã khai (1991)",
        ),
        # Right year digits, wrong century digit: 1903, not 2003.
        ("079103000001", datetime.date(2003, 1, 1), "birth_year_mismatch", "năm sinh 1903"),
    ],
)
def test_invalid_numbers_are_refused_with_a_vietnamese_reason(value, date_of_birth, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_national_id(value, date_of_birth)
    error = caught.value.error_list[0]
    assert error.code == code
    assert message in str(caught.value.messages[0])
