"""Django admin for staff accounts: e-mail login, agency/department, masked ID numbers."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import CitizenFactory, DepartmentFactory, UserFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)
    force_login_verified(client, admin)  # the admin asks superusers for the second factor
    return client


def test_the_user_list_masks_id_numbers_and_searches_by_phone(admin_client):
    CitizenFactory.create(
        full_name="Lê Thị Ngọc Ánh", phone="0912345678", national_id="075190001234"
    )
    CitizenFactory.create(full_name="Phạm Văn Cường", phone="0987654321")

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "0912345678"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Lê Thị Ngọc Ánh" in page
    assert "Phạm Văn Cường" not in page
    assert "075•••••••34" in page
    assert "075190001234" not in page


def test_an_administrator_creates_a_staff_account_in_a_department(admin_client):
    department = DepartmentFactory.create()
    data = {
        "email": "Chuyenvien.Moi@Example.vn",
        "full_name": "Trần Minh Đức",
        "phone": "0909 111 222",
        "agency": department.agency.pk,
        "department": department.pk,
        # A password typed by the administrator is not taken: the new colleague chooses it.
        "usable_password": "true",
        "password1": "Mật-khẩu-cán-bộ-2025",
        "password2": "Mật-khẩu-cán-bộ-2025",
    }

    response = admin_client.post(reverse("admin:accounts_user_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="chuyenvien.moi@example.vn")
    assert user.phone == "0909111222"
    assert user.department == department
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["chuyenvien.moi@example.vn"]
    assert "/tai-khoan/dat-lai-mat-khau/" in message.body


def test_a_department_of_another_agency_is_refused(admin_client):
    department = DepartmentFactory.create()
    other_agency = DepartmentFactory.create().agency
    data = {
        "email": "chuyenvien@example.vn",
        "full_name": "Trần Minh Đức",
        "agency": other_agency.pk,
        "department": department.pk,
        "usable_password": "true",
        "password1": "Mật-khẩu-cán-bộ-2025",
        "password2": "Mật-khẩu-cán-bộ-2025",
    }

    response = admin_client.post(reverse("admin:accounts_user_add"), data)

    assert response.status_code == 200
    assert "Phòng, bộ phận này không thuộc cơ quan đã chọn." in response.content.decode()
    assert not User.objects.filter(email="chuyenvien@example.vn").exists()


def test_the_change_page_renders(admin_client):
    user = CitizenFactory.create()

    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert response.status_code == 200
    assert user.national_id in response.content.decode()  # in full where it is edited
