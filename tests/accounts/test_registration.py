"""Registration (§1, §3): a citizen opens an account once, through a link sent to the e-mail
given; bad input stores nothing and says why in Vietnamese; an e-mail, phone or ID number
that already has an account is never revealed (its owner is told instead)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
DONE = reverse("accounts:register_done")
CHECK_YOUR_MAIL = "Hãy mở liên kết trong thư để hoàn tất việc đăng ký."


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_a_citizen_registers_and_finishes_through_the_emailed_link(client, registration_data):
    response = client.post(REGISTER, registration_data, follow=True)

    assert response.redirect_chain == [(DONE, 302)]
    assert CHECK_YOUR_MAIL in response.content.decode()
    assert "_auth_user_id" not in client.session
    user = User.objects.get()
    assert not user.is_active  # not before the e-mail's owner says so
    assert [m.to for m in mail.outbox] == [["nhung.nguyen@example.vn"]]
    activate = "/" + link_in(mail.outbox[0])

    assert client.get(activate).status_code == 200
    assert "_auth_user_id" not in client.session  # opening the link alone logs nobody in
    response = client.post(activate, follow=True)

    assert response.redirect_chain == [(reverse("accounts:profile"), 302)]
    user.refresh_from_db()
    assert user.is_active
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
    # The link works once.
    client.logout()
    assert client.post(activate).status_code == 404


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
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
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
    ("changes", "owner_hears", "registrant_hears"),
    [
        # The same e-mail whatever its case: only its owner hears, with a reset link.
        ({"email": "NHUNG@example.VN"}, "thư điện tử", None),
        # The same phone number whatever its form.
        ({"phone": "+84 912 345 678"}, "số điện thoại", "Chưa thể mở tài khoản"),
        ({"phone": "0912.345.678"}, "số điện thoại", "Chưa thể mở tài khoản"),
        ({"national_id": "075 190 001 234"}, "số định danh cá nhân", "Chưa thể mở tài khoản"),
    ],
)
def test_a_taken_email_phone_or_id_number_is_not_revealed(
    client, registration_data, changes, owner_hears, registrant_hears
):
    # The ID number is taken once verified (tests/accounts/test_identity.py: typed, it is not).
    CitizenFactory(
        verified=True, email="nhung@example.vn", phone="0912345678", national_id="075190001234"
    )
    unique = {"email": "khac@example.vn", "phone": "0987654321", "national_id": "075190009999"}
    fresh = client.post(REGISTER, {**registration_data, **unique})
    mail.outbox.clear()
    User.objects.filter(email="khac@example.vn").delete()

    response = client.post(REGISTER, {**registration_data, **unique, **changes})

    # The page is the one a brand-new registration gets.
    assert response.status_code == fresh.status_code == 302
    assert response.url == fresh.url == DONE
    assert User.objects.count() == 1
    to_owner = [m for m in mail.outbox if m.to == ["nhung@example.vn"]]
    assert len(to_owner) == 1
    assert owner_hears in to_owner[0].body
    assert "/tai-khoan/dat-lai-mat-khau/" in to_owner[0].body
    to_registrant = [m for m in mail.outbox if m.to == ["khac@example.vn"]]
    if registrant_hears is None:
        assert to_registrant == []
    else:
        # What was taken is not said: the e-mail's owner learns no more than "not opened".
        (message,) = to_registrant
        assert registrant_hears in f"{message.subject} {message.body}"
        assert "số điện thoại" not in message.body.split("Nếu bạn đã có")[0]


def test_a_registration_never_finished_gives_way_after_the_link_expires(
    client, registration_data, settings
):
    client.post(REGISTER, registration_data)
    squatter = User.objects.get()
    User.objects.filter(pk=squatter.pk).update(
        date_joined=squatter.date_joined
        - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    )
    mail.outbox.clear()

    client.post(REGISTER, registration_data)

    assert User.objects.get().pk != squatter.pk
    assert "Hoàn tất đăng ký" in mail.outbox[0].subject


def test_every_mistake_is_reported_at_once(client, registration_data):
    data = {
        **registration_data,
        "national_id": "00319000123",
        "password1": "ngan",
        "password2": "ngan",
    }

    response = client.post(REGISTER, data)

    assert set(response.context["form"].errors) == {"national_id", "password1"}
    assert User.objects.count() == 0


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
