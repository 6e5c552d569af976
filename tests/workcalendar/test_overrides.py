"""Entering calendar overrides: the service and the Django admin refuse conflicts alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory
from tests.twofactor import force_login_verified
from workcalendar.calendars import calendar_for
from workcalendar.forms import CalendarOverrideForm
from workcalendar.models import CalendarOverride, OverrideKind
from workcalendar.services import calendar_override_create, calendar_override_update

pytestmark = pytest.mark.django_db

SEPT_3 = datetime.date(2025, 9, 3)  # a Wednesday


def messages(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


def test_an_administrator_adds_a_global_day_off():
    admin = UserFactory.create()

    override = calendar_override_create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="  Nghỉ thêm dịp Quốc khánh ", created_by=admin
    )

    assert override.name == "Nghỉ thêm dịp Quốc khánh"
    assert override.created_by == admin
    assert not calendar_for(None).is_working_day(SEPT_3)


def test_a_second_override_on_the_same_date_and_scope_is_refused():
    calendar_override_create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    with pytest.raises(ValidationError) as raised:
        calendar_override_create(date=SEPT_3, kind=OverrideKind.WORKING_DAY, name="Làm việc")

    assert messages(raised.value, "date") == [
        "Ngày 03/09/2025 (thứ Tư) đã có một điều chỉnh áp dụng cho mọi cơ quan "
        "(Ngày nghỉ thêm: Nghỉ thêm dịp Quốc khánh). Hãy sửa điều chỉnh đó thay vì thêm mới."
    ]
    assert CalendarOverride.objects.count() == 1


def test_a_second_override_for_the_same_agency_and_date_is_refused():
    agency = AgencyFactory.create(name="Sở Tư pháp tỉnh Đồng Nai")
    calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Kiểm kê", agency=agency)

    with pytest.raises(ValidationError) as raised:
        calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ", agency=agency)

    assert "đã có một điều chỉnh của Sở Tư pháp tỉnh Đồng Nai" in messages(raised.value, "date")[0]
    assert CalendarOverride.objects.count() == 1


def test_an_agency_may_work_on_a_global_extra_day_off():
    agency = AgencyFactory.create()
    calendar_override_create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    calendar_override_create(
        date=SEPT_3, kind=OverrideKind.WORKING_DAY, name="Trực nhận hồ sơ", agency=agency
    )

    assert calendar_for(agency).is_working_day(SEPT_3)
    assert not calendar_for(None).is_working_day(SEPT_3)


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (
            SEPT_3,
            OverrideKind.WORKING_DAY,
            "Ngày 03/09/2025 (thứ Tư) đã là ngày làm việc, không cần thêm ngày làm việc.",
        ),
        (
            datetime.date(2025, 4, 26),  # the make-up Saturday
            OverrideKind.WORKING_DAY,
            "Ngày 26/04/2025 (thứ Bảy) đã là ngày làm việc, không cần thêm ngày làm việc.",
        ),
        (
            datetime.date(2025, 9, 6),
            OverrideKind.DAY_OFF,
            "Ngày 06/09/2025 (thứ Bảy) đã là ngày nghỉ (nghỉ cuối tuần), không cần thêm ngày nghỉ.",
        ),
        (
            datetime.date(2025, 9, 2),
            OverrideKind.DAY_OFF,
            "Ngày 02/09/2025 (thứ Ba) đã là ngày nghỉ (Quốc khánh), không cần thêm ngày nghỉ.",
        ),
    ],
)
def test_an_override_that_changes_nothing_is_refused(day, kind, message):
    with pytest.raises(ValidationError) as raised:
        calendar_override_create(date=day, kind=kind, name="Điều chỉnh")

    assert messages(raised.value, "date") == [message]
    assert not CalendarOverride.objects.exists()


def test_an_agency_day_off_repeating_the_global_one_is_refused():
    agency = AgencyFactory.create()
    calendar_override_create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    with pytest.raises(ValidationError) as raised:
        calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ", agency=agency)

    assert messages(raised.value, "date") == [
        "Ngày 03/09/2025 (thứ Tư) đã là ngày nghỉ (Nghỉ thêm dịp Quốc khánh), không cần thêm ngày nghỉ."
    ]
    assert CalendarOverride.objects.count() == 1


def test_an_override_needs_a_reason():
    with pytest.raises(ValidationError) as raised:
        calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="   ")

    assert messages(raised.value, "name") == ["Hãy nhập lý do điều chỉnh."]
    assert not CalendarOverride.objects.exists()


def test_renaming_an_override_is_not_a_conflict_with_itself():
    override = calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm")

    calendar_override_update(
        override=override, date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    override.refresh_from_db()
    assert override.name == "Nghỉ thêm dịp Quốc khánh"


# --- the admin -----------------------------------------------------------------------------


@pytest.fixture
def admin_user():
    return UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    force_login_verified(client, admin_user)  # the admin asks for the second factor
    return client


def test_the_admin_form_uses_the_same_checks():
    calendar_override_create(
        date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm dịp Quốc khánh"
    )

    form = CalendarOverrideForm(
        data={"date": "2025-09-03", "kind": OverrideKind.WORKING_DAY, "name": "Làm"}
    )

    assert not form.is_valid()
    assert "đã có một điều chỉnh áp dụng cho mọi cơ quan" in form.errors["date"][0]


def test_the_admin_refuses_a_conflicting_override_and_stores_nothing(admin_client):
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_add"),
        {"date": "2025-09-02", "kind": OverrideKind.DAY_OFF, "name": "Nghỉ lễ"},
    )

    assert response.status_code == 200
    assert "Ngày 02/09/2025 (thứ Ba) đã là ngày nghỉ (Quốc khánh), không cần thêm ngày nghỉ." in (
        response.content.decode()
    )
    assert not CalendarOverride.objects.exists()


def test_the_admin_adds_an_override_for_an_agency(admin_client, admin_user):
    agency = AgencyFactory.create()

    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_add"),
        {
            "date": "2025-09-06",
            "kind": OverrideKind.WORKING_DAY,
            "name": "Làm việc bù",
            "agency": agency.pk,
        },
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.kind, override.agency, override.created_by) == (
        datetime.date(2025, 9, 6),
        OverrideKind.WORKING_DAY,
        agency,
        admin_user,
    )


def test_the_admin_edits_an_override(admin_client):
    override = calendar_override_create(date=SEPT_3, kind=OverrideKind.DAY_OFF, name="Nghỉ thêm")

    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_change", args=[override.pk]),
        {"date": "2025-09-03", "kind": OverrideKind.DAY_OFF, "name": "Nghỉ thêm dịp Quốc khánh"},
    )

    assert response.status_code == 302
    override.refresh_from_db()
    assert override.name == "Nghỉ thêm dịp Quốc khánh"
