"""Registration (§1, §3): a citizen opens an account once; bad input stores nothing and says
why in Vietnamese."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")


def test_a_citizen_registers_and_lands_on_the_profile_logged_in(client, registration_data):
    response = client.post(REGISTER, registration_data, follow=True)

    assert response.redirect_chain == [(reverse("accounts:profile"), 302)]
    user = User.objects.get()
    assert user.email == "nhung.nguyen@example.vn"  # stored lower-case
    assert user.phone == "0912345678"  # stored in one form
    assert user.national_id == "075190001234"
    assert str(user.date_of_birth) == "1990-03-14"
    assert user.full_name == "Nguyễn Thị Hồng Nhung"
    assert user.password.startswith("argon2")
    assert user.check_password(registration_data["password1"])
    assert list(user.groups.all()) == [Group.objects.get(name=ROLE_BY_KEY["citizen"].group_name)]
    assert user.has_perm("accounts.file_dossier")
    assert not user.has_perm("accounts.receive_dossier")
    assert response.context["user"] == user
    page = response.content.decode()
    assert "Đã tạo tài khoản" in page
    assert 'value="075190001234"' in page  # the profile shows what was registered


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"national_id": "07519000123"}, "national_id", "phải có đúng 12 chữ số"),
        ({"national_id": "0751900012345"}, "national_id", "phải có đúng 12 chữ số"),
        ({"national_id": "07519000123X"}, "national_id", "chỉ gồm chữ số"),
        (
            {"national_id": "000190001234"},
            "national_id",
            "không phải mã tỉnh nơi đăng ký khai sinh",
        ),
        (
            {"date_of_birth": "1991-03-14"},
            "national_id",
            "Số định danh cá nhân ghi năm sinh 1990, khác năm sinh đã khai (1991).",
        ),
        ({"date_of_birth": "2990-01-01"}, "date_of_birth", "Ngày sinh không thể ở tương lai."),
        ({"date_of_birth": "14/03/1990x"}, "date_of_birth", "Nhập một ngày hợp lệ."),
        ({"phone": "12345"}, "phone", "Số điện thoại di động gồm 10 chữ số"),
        ({"email": "nhung-at-example.vn"}, "email", "Hãy nhập một địa chỉ thư điện tử hợp lệ."),
        ({"full_name": ""}, "full_name", "Trường này là bắt buộc."),
        (
            {"password1": "Ngắn-2025", "password2": "Ngắn-2025"},
            "password1",
            "Mật khẩu quá ngắn: cần ít nhất 12 ký tự.",
        ),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "Mật khẩu này hoàn toàn là số.",
        ),
        (
            {"password1": "password1234", "password2": "password1234"},
            "password1",
            "Mật khẩu này quá phổ biến.",
        ),
        (
            {"password2": "Hoa-sen-nở-giữa-hồ-2024"},
            "password2",
            "Hai mật khẩu đã nhập không giống nhau.",
        ),
    ],
)
def test_bad_input_stores_nothing_and_says_why(client, registration_data, changes, field, message):
    response = client.post(REGISTER, {**registration_data, **changes})

    assert response.status_code == 200
    assert User.objects.count() == 0
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    page = response.content.decode()
    assert message in page
    assert "Thông tin chưa hợp lệ" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # The same e-mail whatever its case.
        (
            {"email": "NHUNG@example.VN"},
            "email",
            "Thư điện tử này đã được dùng cho một tài khoản khác.",
        ),
        # The same phone number whatever its form.
        (
            {"phone": "+84 912 345 678"},
            "phone",
            "Số điện thoại này đã được dùng cho một tài khoản khác.",
        ),
        (
            {"phone": "0912.345.678"},
            "phone",
            "Số điện thoại này đã được dùng cho một tài khoản khác.",
        ),
        (
            {"national_id": "075 190 001 234"},
            "national_id",
            "Số định danh cá nhân này đã có tài khoản.",
        ),
    ],
)
def test_a_duplicate_email_phone_or_id_number_is_refused(
    client, registration_data, changes, field, message
):
    CitizenFactory(email="nhung@example.vn", phone="0912345678", national_id="075190001234")
    unique = {"email": "khac@example.vn", "phone": "0987654321", "national_id": "075190009999"}
    data = {**registration_data, **unique, **changes}

    response = client.post(REGISTER, data)

    assert response.status_code == 200
    assert User.objects.count() == 1
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()


def test_every_mistake_is_reported_at_once(client, registration_data):
    CitizenFactory(email="nhung.nguyen@example.vn")
    data = {
        **registration_data,
        "national_id": "00319000123",
        "password1": "ngan",
        "password2": "ngan",
    }

    response = client.post(REGISTER, data)

    assert set(response.context["form"].errors) == {"email", "national_id", "password1"}
    assert User.objects.count() == 1


def test_the_registration_page_renders_every_field(client):
    response = client.get(REGISTER)

    page = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Họ và tên",
        "Thư điện tử",
        "Số điện thoại",
        "Số định danh cá nhân",
        "Ngày sinh",
        "Địa chỉ thường trú",
        "Ngôn ngữ nhận thông báo",
        "Mật khẩu",
        "Nhập lại mật khẩu",
    ):
        assert label in page
    assert 'type="date"' in page
    assert 'autocomplete="new-password"' in page


def test_a_logged_in_person_is_sent_to_their_profile(client, citizen):
    client.force_login(citizen, backend="accounts.backends.EmailOrPhoneBackend")

    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
