"""The official calendar shipped as data (workcalendar/official/<year>.toml): every date the
`holidays` package names is decided there, the decisions win over the package, uncertain days
are not applied, and overrides win over both (docs/design.md §6; docs/legal.md)."""

import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from workcalendar import engine, official
from workcalendar.calendars import calendar_for
from workcalendar.engine import WorkCalendar
from workcalendar.models import CalendarOverride, OverrideKind
from workcalendar.services import calendar_override_create

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SHIPPED = official.shipped()
CAL = WorkCalendar()
PACKAGE_ALONE = WorkCalendar(official=official.EMPTY)
D = datetime.date


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


# --- the data against the package --------------------------------------------------------------


def test_the_package_is_the_pinned_release():
    """A new release of `holidays` may move dates: it comes in only through pyproject.toml
    and scripts/lock, and then this file's comparison decides whether it may."""
    assert holidays.__version__ == "0.109"


def test_2025_and_2026_are_shipped():
    assert {2025, 2026} <= SHIPPED.years


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_date_the_package_names_is_decided(year):
    """The package's holidays and make-up days of the year, each listed in the shipped data:
    a date the package adds (a new release, a correction) fails here until someone decides it."""
    package = holidays.VN(years=year)
    named = set(package) | {day for day in package.weekend_workdays if day.year == year}

    undecided = sorted(named - set(SHIPPED.days))

    assert not undecided, f"holidays {holidays.__version__} names undecided dates: {undecided}"


@pytest.mark.parametrize("year", [2025, 2026])
def test_off_the_listed_dates_the_package_and_the_decisions_agree(year):
    """No date outside the data differs from an ordinary week in the package, so the dates
    listed are all that a decision changes."""
    day = D(year, 1, 1)
    while day.year == year:
        if day not in SHIPPED.days:
            assert CAL.is_working_day(day) is PACKAGE_ALONE.is_working_day(day), day
            assert CAL.is_working_day(day) is (day.weekday() < 5), day
        day += datetime.timedelta(days=1)


def test_where_the_decisions_and_the_package_differ():
    """Each difference is a decision written down: the New Year 2026 swap the package lacks
    (12729/VPCP-KGVX), and 24/11/2026, uncertain, which the package makes a holiday."""
    found = {
        diff.date: (diff.package_working, diff.applied_working, diff.entry.status)
        for year in (2025, 2026)
        for diff in official.differences(SHIPPED, year)
    }

    assert found == {
        D(2026, 1, 2): (True, False, "confirmed"),
        D(2026, 1, 10): (False, True, "confirmed"),
        D(2026, 11, 24): (False, True, "uncertain"),
    }


def test_every_confirmed_entry_cites_a_document_and_every_uncertain_one_says_why():
    for entry in SHIPPED.entries():
        if entry.confirmed:
            assert entry.documents and all(doc.citation for doc in entry.documents), entry
        else:
            assert entry.note, entry
        assert entry.name and entry.name_en, entry


def test_a_malformed_file_fails_loudly(tmp_path: Path):
    (tmp_path / "2027.toml").write_text(
        'year = 2027\n[[days]]\ndate = 2027-01-01\nkind = "day_off"\nname = "Tết Dương lịch"\n'
        'status = "confirmed"\n',
        encoding="utf-8",
    )

    with pytest.raises(official.OfficialDataError, match="cites no document"):
        official.load(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = 2026\n", "must be 2027"),
        (
            'year = 2027\n[[days]]\ndate = 2026-12-31\nkind = "day_off"\nname = "x"\n'
            'status = "uncertain"\nnote = "x"\n',
            "not in 2027",
        ),
        (
            'year = 2027\n[[days]]\ndate = 2027-01-01\nkind = "holiday"\nname = "x"\n'
            'status = "uncertain"\nnote = "x"\n',
            "kind must be",
        ),
        (
            'year = 2027\n[[days]]\ndate = 2027-01-01\nkind = "day_off"\nname = "x"\n'
            'status = "uncertain"\n',
            "say why",
        ),
        (
            'year = 2027\n[[days]]\ndate = 2027-01-01\nkind = "day_off"\nname = "x"\n'
            'documents = ["nowhere"]\nstatus = "confirmed"\n',
            "unknown documents",
        ),
    ],
)
def test_the_loader_refuses(tmp_path: Path, text, message):
    (tmp_path / "2027.toml").write_text(text, encoding="utf-8")

    with pytest.raises(official.OfficialDataError, match=message):
        official.load(tmp_path)


# --- real dates, as the decisions give them ------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        # Tết Dương lịch 2026 (12729/VPCP-KGVX): 1–4 January off, Saturday 10 January worked.
        # The package alone would give Friday 2 January 09:00.
        ("2025-12-31 09:00", 8, "2026-01-05 09:00"),
        ("2025-12-31 16:00", 2, "2026-01-05 08:30"),
        # The make-up Saturday counts as a working day: received or due on it.
        ("2026-01-09 09:00", 8, "2026-01-10 09:00"),
        ("2026-01-10 10:00", 4, "2026-01-10 15:30"),
        ("2026-01-09 09:00", 16, "2026-01-12 09:00"),
        # Tết 2026 (Thông báo 9441/TB-BNV): one working day received on the last working day
        # before Tết (Friday 13 February) is due on the first working day after (Monday 23).
        ("2026-02-13 09:00", 8, "2026-02-23 09:00"),
        ("2026-02-13 17:00", 8, "2026-02-23 17:00"),
        # Giỗ Tổ 2026 on Sunday 26 April: Monday 27 off in its place.
        ("2026-04-24 09:00", 8, "2026-04-28 09:00"),
        # 30 April – 1 May 2026, Thursday and Friday.
        ("2026-04-29 09:00", 8, "2026-05-04 09:00"),
        # Quốc khánh 2026: Saturday 22 August worked, Monday 31 August off, 1–2 September off.
        ("2026-08-21 09:00", 8, "2026-08-22 09:00"),
        ("2026-08-28 09:00", 8, "2026-09-03 09:00"),
        # 24 November 2026 is uncertain: not applied, a working day.
        ("2026-11-23 09:00", 8, "2026-11-24 09:00"),
        # 2025 (Thông báo 6150/TB-BLĐTBXH): Tết 27–31 January, 2 May swapped with 26 April,
        # 1–2 September.
        ("2025-01-24 09:00", 8, "2025-02-03 09:00"),
        ("2025-04-25 09:00", 8, "2025-04-26 09:00"),
        ("2025-04-29 09:00", 8, "2025-05-05 09:00"),
        ("2025-08-29 09:00", 8, "2025-09-03 09:00"),
    ],
)
def test_due_moments_by_the_decisions(received, hours, due):
    assert engine.compute_due(CAL, received_at=at(received), hours=hours).due_at == at(due)


def test_the_package_alone_lacks_the_new_year_2026_swap():
    assert PACKAGE_ALONE.is_working_day(D(2026, 1, 2))
    assert not PACKAGE_ALONE.is_working_day(D(2026, 1, 10))
    assert not CAL.is_working_day(D(2026, 1, 2))
    assert CAL.is_working_day(D(2026, 1, 10))


def test_a_day_says_which_decision_and_the_explanation_names_it():
    status = CAL.day_status(D(2026, 1, 10))
    assert (status.working, status.source) == (True, "make_up")
    assert CAL.day_off_reason(D(2026, 1, 2)) == "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)"
    assert (
        CAL.day_off_reason(D(2026, 1, 2), "en") == "Day off swapped with Saturday 10 January 2026"
    )

    lines = engine.compute_due(CAL, received_at=at("2026-01-09 09:00"), hours=16).explanation
    rendered = lines.render("vi")
    assert "Tính 10/01/2026 (thứ Bảy) là ngày làm việc bù" in rendered
    assert "Bỏ qua 11/01/2026 (Chủ nhật): nghỉ cuối tuần" in rendered


def test_an_uncertain_day_is_not_applied():
    status = CAL.day_status(D(2026, 11, 24))
    assert (status.working, status.source) == (True, "weekday")
    # The package alone would make it a holiday.
    assert not PACKAGE_ALONE.is_working_day(D(2026, 11, 24))


def test_a_year_without_decisions_falls_back_on_the_package():
    day = D(2027, 1, 1)
    assert not SHIPPED.covers(day)
    assert CAL.day_status(day).source == "holiday"


def test_overrides_win_over_the_decisions():
    cal = WorkCalendar(
        extra_working_days={D(2026, 1, 2): "Trực giải quyết hồ sơ"},
        extra_days_off={D(2026, 1, 10): "Không làm bù"},
    )

    assert cal.day_status(D(2026, 1, 2)).source == "override_working"
    assert cal.day_status(D(2026, 1, 10)).source == "override_off"
    assert engine.compute_due(cal, received_at=at("2025-12-31 09:00"), hours=8).due_at == at(
        "2026-01-02 09:00"
    )


# --- the administrator decides the uncertain days --------------------------------------------------


def check(*args: str) -> list[str]:
    out = StringIO()
    call_command("calendar_check", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_calendar_check_lists_the_uncertain_day_and_the_differences():
    lines = check()

    assert (
        lines[0]
        == "Lịch nghỉ lễ, Tết chính thức đi kèm phần mềm: năm 2025, 2026 (gói holidays 0.109)."
    )
    assert any(
        line.startswith("  24/11/2026 (thứ Ba) — Ngày Văn hóa Việt Nam: ngày nghỉ?")
        for line in lines
    )
    assert "    Chưa quyết định." in lines
    assert any(
        line.startswith("  02/01/2026 (thứ Sáu): gói holidays: ngày làm việc; áp dụng: ngày nghỉ")
        and "12729/VPCP-KGVX" in line
        for line in lines
    )


@pytest.mark.django_db
def test_calendar_check_strict_fails_until_the_administrator_decides(monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    )
    with pytest.raises(CommandError, match="1 issue"):
        check("--strict", "--lang", "en")

    calendar_override_create(
        date=D(2026, 11, 24),
        kind=OverrideKind.WORKING_DAY,
        name="Chưa có văn bản sửa Điều 112 Bộ luật Lao động: làm việc bình thường",
    )

    lines = check("--strict", "--lang", "en")
    assert any(line.startswith("    Decided: 24/11/2026") for line in lines)


@pytest.mark.django_db
def test_calendar_check_names_a_coming_year_without_decisions(monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
    )
    lines = check("--lang", "en")

    assert any(line.startswith("2027 has no official calendar") for line in lines)


@pytest.mark.django_db
def test_an_override_decides_the_uncertain_day_either_way():
    """On an uncertain day neither kind is redundant: the override is the decision."""
    off = calendar_override_create(
        date=D(2026, 11, 24), kind=OverrideKind.DAY_OFF, name="Ngày Văn hóa Việt Nam"
    )
    assert not calendar_for(None).is_working_day(D(2026, 11, 24))
    assert engine.compute_due(
        calendar_for(None), received_at=at("2026-11-23 09:00"), hours=8
    ).due_at == at("2026-11-25 09:00")

    off.delete()
    calendar_override_create(
        date=D(2026, 11, 24), kind=OverrideKind.WORKING_DAY, name="Làm việc bình thường"
    )
    assert CalendarOverride.objects.get().kind == OverrideKind.WORKING_DAY


@pytest.mark.django_db
def test_the_overrides_admin_warns_of_an_undecided_day(admin_client):
    response = admin_client.get(reverse("admin:workcalendar_calendaroverride_changelist"))

    warnings = [str(message) for message in response.context["messages"]]
    assert any("24/11/2026" in text and "Ngày Văn hóa Việt Nam" in text for text in warnings)

    calendar_override_create(
        date=D(2026, 11, 24), kind=OverrideKind.DAY_OFF, name="Ngày Văn hóa Việt Nam"
    )
    response = admin_client.get(reverse("admin:workcalendar_calendaroverride_changelist"))
    assert not [str(message) for message in response.context["messages"]]
