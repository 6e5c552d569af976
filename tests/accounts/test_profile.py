"""The profile page (it prefills every dossier) and password change."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, CitizenFactory, DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
PASSWORD_CHANGE = reverse("accounts:password_change")


def profile_data(user: User, **changes: str) -> dict[str, str]:
    data = {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone or "",
        "national_id": user.national_id or "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "address": user.address,
        "preferred_language": user.preferred_language,
    }
    return {**data, **changes}


@pytest.fixture
def logged_in(client, citizen):
    client.post(
        reverse("accounts:login"), {"username": citizen.email, "password": DEFAULT_PASSWORD}
    )
    return client


def test_the_profile_needs_a_login(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_profile_shows_what_the_citizen_gave(logged_in, citizen):
    page = logged_in.get(PROFILE).content.decode()

    assert 'value="Nguyễn Thị Hồng Nhung"' in page
    assert 'value="075190001234"' in page
    assert 'value="1990-05-17"' in page
    assert 'value="0912345678"' in page
    assert citizen.address in page


def test_a_citizen_corrects_the_profile(logged_in, citizen):
    data = profile_data(
        citizen,
        phone="+84 987 654 321",
        email="Nhung.Moi@Example.vn",
        address="Số 7 đường Hà Huy Giáp, phường Biên Hòa, tỉnh Đồng Nai",
        preferred_language="en",
    )

    response = logged_in.post(PROFILE, data, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    citizen.refresh_from_db()
    assert citizen.phone == "0987654321"
    assert citizen.email == "nhung.moi@example.vn"
    assert citizen.address == "Số 7 đường Hà Huy Giáp, phường Biên Hòa, tỉnh Đồng Nai"
    assert citizen.preferred_language == "en"
    assert "Đã lưu thông tin cá nhân." in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"email": "NGUOI.KHAC@example.vn"},
            "email",
            "Thư điện tử này đã được dùng cho một tài khoản khác.",
        ),
        (
            {"phone": "+84 977 000 111"},
            "phone",
            "Số điện thoại này đã được dùng cho một tài khoản khác.",
        ),
        (
            {"national_id": "079203000001", "date_of_birth": "2003-01-01"},
            "national_id",
            "Số định danh cá nhân này đã có tài khoản.",
        ),
        ({"national_id": "003190001234"}, "national_id", "không phải mã tỉnh"),
        ({"date_of_birth": "1985-05-17"}, "national_id", "khác năm sinh đã khai (1985)"),
        ({"national_id": ""}, "national_id", "Trường này là bắt buộc."),
        ({"phone": "0912"}, "phone", "Số điện thoại không hợp lệ"),
    ],
)
def test_a_bad_correction_changes_nothing(logged_in, citizen, changes, field, message):
    # The ID number is taken only by an account that has it verified (a typed one blocks nobody).
    CitizenFactory.create(
        verified=True,
        email="nguoi.khac@example.vn",
        phone="0977000111",
        national_id="079203000001",
        date_of_birth="2003-01-01",
    )
    before = User.objects.values().get(pk=citizen.pk)

    response = logged_in.post(PROFILE, profile_data(citizen, address="Địa chỉ mới", **changes))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert User.objects.values().get(pk=citizen.pk) == before


def test_staff_see_their_agency_read_only_and_need_no_id_number(client):
    department = DepartmentFactory.create(
        name="Phòng Hành chính tư pháp", agency__name="Sở Tư pháp tỉnh Đồng Nai"
    )
    staff = StaffFactory.create(
        email="chuyenvien@example.vn",
        agency=department.agency,
        department=department,
        role="specialist",
    )
    other = DepartmentFactory.create()
    client.post(reverse("accounts:login"), {"username": staff.email, "password": DEFAULT_PASSWORD})

    page = client.get(PROFILE).content.decode()
    assert "Sở Tư pháp tỉnh Đồng Nai" in page
    assert "Phòng Hành chính tư pháp" in page
    assert "Chuyên viên" in page
    assert 'name="agency"' not in page
    assert 'name="department"' not in page

    data = profile_data(
        staff, full_name="Trần Minh Đức", agency=str(other.agency.pk), department=str(other.pk)
    )
    response = client.post(PROFILE, data)

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.full_name == "Trần Minh Đức"
    assert staff.agency_id == department.agency_id
    assert staff.department_id == department.pk
    assert staff.national_id is None


def test_password_change_needs_the_old_password(logged_in, citizen):
    response = logged_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": "khong-phai-mat-khau",
            "new_password1": "Mới-toanh-2026!",
            "new_password2": "Mới-toanh-2026!",
        },
    )

    assert response.status_code == 200
    assert "Mật khẩu hiện tại chưa đúng" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_twelve_characters(logged_in, citizen):
    response = logged_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Ngan-2026!",
            "new_password2": "Ngan-2026!",
        },
    )

    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_password_change_keeps_the_person_logged_in(logged_in, citizen):
    new = "Mới-toanh-2026!"
    response = logged_in.post(
        PASSWORD_CHANGE,
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("accounts:password_change_done"), 302)]
    assert "Đã đổi mật khẩu" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(new)
    assert citizen.password.startswith("argon2")
    assert logged_in.get(PROFILE).status_code == 200


def test_password_change_needs_a_login(client):
    response = client.get(PASSWORD_CHANGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
