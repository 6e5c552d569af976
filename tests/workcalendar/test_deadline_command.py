"""`manage.py deadline`: the due moment on its first line, then the explanation."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyFactory
from workcalendar.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db


def deadline(*args: str) -> list[str]:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_tet_2025_example():
    lines = deadline("--received", "2025-01-24T09:00", "--hours", "24")

    assert lines[0] == "2025-02-05T09:00:00+07:00"
    assert lines[1] == "Bắt đầu tính: 09:00 thứ Sáu 24/01/2025"
    assert "Bỏ qua 29/01/2025 (thứ Tư): nghỉ lễ, Tết – Tết Nguyên đán (mùng 1 tháng Giêng)" in lines
    assert lines[-1] == "Hạn trả: 09:00 thứ Tư 05/02/2025"


def test_in_english_and_with_a_utc_offset():
    lines = deadline("--received", "2025-01-24T02:00:00+00:00", "--hours", "24", "--lang", "en")

    assert lines[0] == "2025-02-05T09:00:00+07:00"
    assert (
        "Skipped 27 January 2025 (Monday): public holiday – Lunar New Year (28th day of the 12th month)"
        in lines
    )
    assert lines[-1] == "Due: 09:00 Wednesday 5 February 2025"


def test_decimal_hours():
    assert (
        deadline("--received", "2025-04-29T09:00", "--hours", "4.5")[0]
        == "2025-04-29T15:00:00+07:00"
    )


def test_with_a_same_day_cutoff():
    lines = deadline("--received", "2025-01-24T15:30", "--cutoff", "15:00")

    assert lines[0] == "2025-02-03T17:00:00+07:00"
    assert (
        "Thủ tục giải quyết trong ngày, nhận từ 15:00 trở đi: hạn trả cuối ngày làm việc tiếp theo, "
        "03/02/2025 (thứ Hai)" in lines
    )


def test_with_an_agency_calendar():
    agency = AgencyFactory.create(code="000.00.12.H75")
    CalendarOverride.objects.create(
        date=datetime.date(2025, 9, 3),
        kind=OverrideKind.DAY_OFF,
        name="Kiểm kê cuối quý",
        agency=agency,
    )

    with_agency = deadline(
        "--received", "2025-08-29T09:00", "--hours", "8", "--agency", "000.00.12.H75"
    )
    without = deadline("--received", "2025-08-29T09:00", "--hours", "8")

    assert with_agency[0] == "2025-09-04T09:00:00+07:00"
    assert "Bỏ qua 03/09/2025 (thứ Tư): ngày nghỉ thêm – Kiểm kê cuối quý" in with_agency
    assert without[0] == "2025-09-03T09:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--received", "24/01/2025 9h", "--hours", "24"],
            "--received không hợp lệ: '24/01/2025 9h'. Hãy nhập ngày giờ dạng 2025-01-24T09:00",
        ),
        (
            ["--received", "2025-02-30T09:00", "--hours", "24"],
            "--received không hợp lệ: '2025-02-30T09:00'",
        ),
        (
            ["--received", "2025-01-24T09:00", "--hours", "ba ngày"],
            "--hours không hợp lệ: 'ba ngày'",
        ),
        (["--received", "2025-01-24T09:00", "--hours", "-8"], "--hours không hợp lệ: '-8'"),
        (["--received", "2025-01-24T09:00", "--hours", "NaN"], "--hours không hợp lệ: 'NaN'"),
        (["--received", "2025-01-24T09:00"], "Thiếu --hours"),
        (["--received", "2025-01-24T09:00", "--cutoff", "25:00"], "--cutoff không hợp lệ: '25:00'"),
        (
            ["--received", "2025-01-24T09:00", "--hours", "8", "--agency", "KHONG-CO"],
            "Không tìm thấy cơ quan có mã 'KHONG-CO'.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_in_vietnamese(args, message):
    with pytest.raises(CommandError) as raised:
        deadline(*args)

    assert message in str(raised.value)
    assert not CalendarOverride.objects.exists()


def test_bad_input_gets_a_clear_message_in_english():
    with pytest.raises(CommandError) as raised:
        deadline("--received", "yesterday", "--hours", "24", "--lang", "en")

    assert str(raised.value).startswith(
        "Invalid --received: 'yesterday'. Enter a date and time such as"
    )


def test_working_days_are_eight_working_hours_each():
    assert deadline("--received", "2025-01-24T09:00", "--days", "3") == deadline(
        "--received", "2025-01-24T09:00", "--hours", "24"
    )
    assert deadline("--received", "2025-04-29T09:00", "--days", "0,5")[0] == (
        "2025-04-29T14:30:00+07:00"
    )


def test_the_command_and_the_catalogue_agree_on_a_working_day():
    from procedures.models import HOURS_PER_WORKING_DAY
    from workcalendar.management.commands import deadline as command

    assert command.HOURS_PER_WORKING_DAY == HOURS_PER_WORKING_DAY


def test_calendar_days_ending_during_tet_roll_to_the_next_working_day():
    lines = deadline("--received", "2025-01-20T09:00", "--calendar-days", "7")

    assert lines[0] == "2025-02-03T17:00:00+07:00"
    assert lines[1] == "Bắt đầu tính: 09:00 thứ Hai 20/01/2025"
    assert lines[2] == (
        "Thời hạn giải quyết: 7 ngày, không tính ngày tiếp nhận 20/01/2025 (thứ Hai); "
        "ngày cuối cùng của thời hạn: 27/01/2025 (thứ Hai)"
    )
    assert lines[-1] == "Hạn trả: 17:00 thứ Hai 03/02/2025"


def test_calendar_days_ending_on_a_working_day_end_at_its_close_in_english():
    lines = deadline("--received", "2025-03-04T09:00", "--calendar-days", "2", "--lang", "en")

    assert lines[0] == "2025-03-06T17:00:00+07:00"
    assert lines[-1] == "Due: 17:00 Thursday 6 March 2025"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "ba"], "--days không hợp lệ: 'ba'"),
        (["--days", "-1"], "--days không hợp lệ: '-1'"),
        (["--calendar-days", "1.5"], "--calendar-days không hợp lệ: '1.5'"),
        (["--calendar-days", "-3"], "--calendar-days không hợp lệ: '-3'"),
        (["--hours", "8", "--days", "1"], "Chỉ nhập một trong --hours, --days, --calendar-days."),
        (
            ["--days", "1", "--calendar-days", "1"],
            "Chỉ nhập một trong --hours, --days, --calendar-days.",
        ),
    ],
)
def test_bad_units_get_a_clear_message(args, message):
    with pytest.raises(CommandError) as raised:
        deadline("--received", "2025-01-24T09:00", *args)

    assert message in str(raised.value)
