"""The demo catalogue's verification allowances and excluded periods, where a sector law (or
the national portal's record of the procedure) states them; what could not be confirmed is
in the staff's checking notes (docs/legal.md#v1-verification-periods-extend-the-deadline)."""

from typing import Any

import pytest

from demo.catalogue import load_catalogue
from procedures.models import ExcludedPeriodRule, LimitUnit, ProcedureVersion, VerificationMode
from tests.demo.test_catalogue_data import province  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _version(code: str) -> ProcedureVersion:
    return ProcedureVersion.objects.get(procedure__code=code)


def test_civil_status_procedures_carry_their_verification_time(province: dict[str, Any]) -> None:  # noqa: F811
    load_catalogue(units=province["units"], receiving=province["receiving"])

    marriage = _version("1.000894")
    assert (marriage.verification_amount, marriage.verification_unit) == (5, "working_days")
    assert marriage.verification_mode == VerificationMode.TOTAL
    assert "Điều 18 khoản 2" in marriage.verification_basis
    paternity = _version("1.001022")
    assert paternity.verification_mode == VerificationMode.EXTRA
    assert "Điều 25 khoản 2" in paternity.verification_basis
    # Not read in the Law's own text: the staff's checking notes say so.
    assert "chưa đọc được văn bản Luật" in paternity.notes
    # A civil status change or correction: 3 more working days (Art. 28(2), read in a
    # third-party translation only, which the checking note says).
    correction = _version("1.004859")
    assert (correction.verification_amount, correction.verification_unit) == (3, "working_days")
    assert correction.verification_mode == VerificationMode.EXTRA
    assert "Điều 28 khoản 2" in correction.verification_basis
    assert "bản dịch tiếng Anh" in correction.notes
    # The other procedures declare none.
    assert ProcedureVersion.objects.exclude(verification_amount=None).count() == 3


def test_the_reissued_land_certificate_leaves_its_posting_out(province: dict[str, Any]) -> None:  # noqa: F811
    load_catalogue(units=province["units"], receiving=province["receiving"])

    [rule] = ExcludedPeriodRule.objects.all()
    assert rule.version == _version("1.012786")
    assert (rule.kind, rule.max_amount, rule.max_unit) == ("posting", 15, LimitUnit.CALENDAR_DAYS)

    again = load_catalogue(units=province["units"], receiving=province["receiving"])
    assert again.versions_updated == 0
    assert ExcludedPeriodRule.objects.get().pk == rule.pk
