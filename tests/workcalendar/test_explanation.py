"""The explanation of a due moment ("why is my deadline 5 February?"), in both languages."""

import datetime
import json
from zoneinfo import ZoneInfo

from django.utils import translation

from workcalendar import engine
from workcalendar.engine import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def test_tet_2025_explained_in_vietnamese():
    result = engine.compute_due(CAL, received_at=at("2025-01-24 09:00"), hours=24)

    assert result.explanation.render("vi") == [
        "Bắt đầu tính: 09:00 thứ Sáu 24/01/2025",
        "Thời hạn giải quyết: 24 giờ làm việc",
        "Bỏ qua 25/01/2025 (thứ Bảy): nghỉ cuối tuần",
        "Bỏ qua 26/01/2025 (Chủ nhật): nghỉ cuối tuần",
        "Bỏ qua 27/01/2025 (thứ Hai): nghỉ lễ, Tết – Tết Nguyên đán (28 tháng Chạp)",
        "Bỏ qua 28/01/2025 (thứ Ba): nghỉ lễ, Tết – Tết Nguyên đán (29 tháng Chạp, Giao thừa)",
        "Bỏ qua 29/01/2025 (thứ Tư): nghỉ lễ, Tết – Tết Nguyên đán (mùng 1 tháng Giêng)",
        "Bỏ qua 30/01/2025 (thứ Năm): nghỉ lễ, Tết – Tết Nguyên đán (mùng 2 tháng Giêng)",
        "Bỏ qua 31/01/2025 (thứ Sáu): nghỉ lễ, Tết – Tết Nguyên đán (mùng 3 tháng Giêng)",
        "Bỏ qua 01/02/2025 (thứ Bảy): nghỉ lễ, Tết – Nghỉ hằng tuần trong kỳ nghỉ Tết (mùng 4 tháng Giêng)",
        "Bỏ qua 02/02/2025 (Chủ nhật): nghỉ cuối tuần",
        "Hạn trả: 09:00 thứ Tư 05/02/2025",
    ]


def test_tet_2025_explained_in_english():
    lines = engine.compute_due(
        CAL, received_at=at("2025-01-24 09:00"), hours=24
    ).explanation.render("en")

    assert lines[0] == "Counting starts: 09:00 Friday 24 January 2025"
    assert "Skipped 29 January 2025 (Wednesday): public holiday – Lunar New Year (1st day)" in lines
    assert "Skipped 25 January 2025 (Saturday): weekend" in lines
    assert lines[-1] == "Due: 09:00 Wednesday 5 February 2025"


def test_the_make_up_saturday_and_the_substitute_day_off_are_named():
    result = engine.compute_due(CAL, received_at=at("2025-04-25 09:00"), hours=48)
    vi = result.explanation.render("vi")
    en = result.explanation.render("en")

    assert result.due_at == at("2025-05-07 09:00")
    assert "Tính 26/04/2025 (thứ Bảy) là ngày làm việc bù" in vi
    assert "Bỏ qua 30/04/2025 (thứ Tư): nghỉ lễ, Tết – Ngày Chiến thắng" in vi
    assert (
        "Bỏ qua 02/05/2025 (thứ Sáu): nghỉ lễ, Tết – Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)"
        in vi
    )
    assert "26 April 2025 (Saturday) counted as a make-up working day" in en
    assert "Skipped 1 May 2025 (Thursday): public holiday – International Labor Day" in en


def test_a_start_outside_office_hours_is_explained():
    lines = engine.compute_due(CAL, received_at=at("2025-08-29 18:00"), hours=8).explanation.render(
        "vi"
    )

    assert lines[0] == (
        "Nhận lúc 18:00 thứ Sáu 29/08/2025, ngoài giờ làm việc: bắt đầu tính từ 07:30 thứ Tư 03/09/2025"
    )
    assert "Bỏ qua 01/09/2025 (thứ Hai): nghỉ lễ, Tết – Quốc khánh" in lines
    assert "Bỏ qua 02/09/2025 (thứ Ba): nghỉ lễ, Tết – Quốc khánh" in lines
    assert lines[-1] == "Hạn trả: 17:00 thứ Tư 03/09/2025"


def test_override_names_appear_in_the_explanation():
    cal = WorkCalendar(
        extra_days_off={
            datetime.date(2026, 2, 23): "Nghỉ thêm sau Tết theo quyết định của UBND tỉnh"
        },
        extra_working_days={datetime.date(2026, 2, 28): "Làm việc bù ngày 23/02"},
    )

    lines = engine.compute_due(
        cal, received_at=at("2026-02-13 09:00"), hours=40
    ).explanation.render("vi")

    assert "Bỏ qua 17/02/2026 (thứ Ba): nghỉ lễ, Tết – Tết Nguyên đán (mùng 1 tháng Giêng)" in lines
    assert (
        "Bỏ qua 23/02/2026 (thứ Hai): ngày nghỉ thêm – Nghỉ thêm sau Tết theo quyết định của UBND tỉnh"
        in lines
    )
    assert "Tính 28/02/2026 (thứ Bảy) là ngày làm việc thêm – Làm việc bù ngày 23/02" in lines
    assert lines[-1] == "Hạn trả: 09:00 thứ Bảy 28/02/2026"


def test_a_pause_is_explained_with_the_new_due_moment():
    result = engine.extend_by_pause(
        CAL, at("2025-02-05 09:00"), at("2025-02-04 16:00"), at("2025-02-05 08:00")
    )

    assert result.due_at == at("2025-02-05 10:30")
    assert result.explanation.render("vi") == [
        "Tạm dừng tính thời hạn từ 16:00 thứ Ba 04/02/2025 đến 08:00 thứ Tư 05/02/2025: "
        "cộng thêm 1 giờ 30 phút làm việc",
        "Hạn trả mới: 10:30 thứ Tư 05/02/2025",
    ]
    assert result.explanation.render("en")[-1] == "New due moment: 10:30 Wednesday 5 February 2025"


def test_the_stored_form_is_json_and_renders_in_the_active_language():
    result = engine.compute_due(CAL, received_at=at("2025-01-24 09:00"), hours=24)
    stored = json.loads(json.dumps(result.explanation.to_json()))

    assert engine.render_explanation(stored)[-1] == "Hạn trả: 09:00 thứ Tư 05/02/2025"
    with translation.override("en"):
        assert engine.render_explanation(stored)[-1] == "Due: 09:00 Wednesday 5 February 2025"
    assert engine.Explanation.from_json(stored) == result.explanation


def test_steps_added_by_other_modules_render_or_are_left_out():
    stored: list[dict[str, object]] = [
        {"kind": "due", "at": "2025-02-05T09:00:00+07:00"},
        {
            "kind": "apology_extension",
            "letter": "12/PXL",
            "from": "2025-02-05T09:00:00+07:00",
            "to": "2025-02-07T09:00:00+07:00",
            "hours": 16,
        },
        {"kind": "something_new", "at": "whenever"},
    ]

    assert engine.render_explanation(stored, "vi") == [
        "Hạn trả: 09:00 thứ Tư 05/02/2025",
        "Gia hạn theo Phiếu xin lỗi số 12/PXL: hạn trả mới 09:00 thứ Sáu 07/02/2025",
    ]
