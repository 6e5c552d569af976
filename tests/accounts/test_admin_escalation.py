"""No privilege escalation in the admin (issue 10): an administrator who is not a superuser
cannot grant itself or anyone a role, a permission, admin access or superuser status, nor
change a superuser; nobody sets another person's password there (a one-time link is sent);
every change to a person is in the admin log, with the fields it changed.

Every refusal is tried with a crafted POST, not only by looking at the form."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import ROLE_BY_KEY
from tests.factories import DEFAULT_PASSWORD, CitizenFactory, StaffFactory, UserFactory
from tests.twofactor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return StaffFactory(email="quantri@example.vn", is_staff=True, role="administrator")


@pytest.fixture
def as_administrator(client, administrator):
    force_login_verified(client, administrator)  # administrators give a second factor
    return client


@pytest.fixture
def superuser():
    return UserFactory(email="goc@example.vn", is_staff=True, is_superuser=True)


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(user: User, **changes: object) -> dict[str, object]:
    """What the change form posts for this person, with some values changed."""
    data: dict[str, object] = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone or "",
        "national_id": user.national_id or "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "address": user.address,
        "preferred_language": user.preferred_language,
        "agency": user.agency_id or "",
        "department": user.department_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_administrator_cannot_make_itself_superuser_or_grant_itself_roles(
    as_administrator, administrator
):
    head_group = Group.objects.get(name=ROLE_BY_KEY["head"].group_name)
    any_permission = Permission.objects.get(codename="approve_dossier")

    response = as_administrator.post(
        change_url(administrator),
        form_data(
            administrator,
            full_name="Quản Trị Viên",
            is_superuser="on",
            is_staff="on",
            groups=[head_group.pk],
            user_permissions=[any_permission.pk],
        ),
    )

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.full_name == "Quản Trị Viên"  # what it may change, it did
    assert not administrator.is_superuser
    assert list(administrator.groups.values_list("name", flat=True)) == [
        ROLE_BY_KEY["administrator"].group_name
    ]
    assert not administrator.user_permissions.exists()
    assert not administrator.has_perm("accounts.approve_dossier")


def test_an_administrator_cannot_give_a_citizen_a_role_or_admin_access(as_administrator):
    citizen = CitizenFactory(national_id=None)
    clerk_group = Group.objects.get(name=ROLE_BY_KEY["clerk"].group_name)

    as_administrator.post(
        change_url(citizen),
        form_data(citizen, is_staff="on", is_superuser="on", groups=[clerk_group.pk]),
    )

    citizen.refresh_from_db()
    assert not citizen.is_staff and not citizen.is_superuser
    assert not citizen.has_perm("accounts.receive_dossier")


def test_an_administrator_cannot_redirect_a_persons_email_or_phone(as_administrator):
    """Changing them would send the next reset link to the administrator."""
    citizen = CitizenFactory(email="dan@example.vn", phone="0912000111", national_id=None)

    as_administrator.post(
        change_url(citizen), form_data(citizen, email="quantri2@example.vn", phone="0987000111")
    )

    citizen.refresh_from_db()
    assert (citizen.email, citizen.phone) == ("dan@example.vn", "0912000111")


def test_the_privilege_fields_are_read_only_for_an_administrator(as_administrator):
    citizen = CitizenFactory(national_id=None)

    form = as_administrator.get(change_url(citizen)).context["adminform"].form

    for field in ("is_superuser", "is_staff", "groups", "user_permissions", "email", "phone"):
        assert field not in form.fields


def test_an_administrator_cannot_change_or_delete_a_superuser(as_administrator, superuser):
    response = as_administrator.post(change_url(superuser), form_data(superuser, is_active=""))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active

    as_administrator.post(
        reverse("admin:accounts_user_delete", args=[superuser.pk]), {"post": "yes"}
    )
    as_administrator.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=superuser.pk).exists()


def test_a_superuser_grants_roles_and_it_is_in_the_log(client, superuser):
    force_login_verified(client, superuser)
    person = StaffFactory(national_id=None)
    clerk_group = Group.objects.get(name=ROLE_BY_KEY["clerk"].group_name)

    response = client.post(
        change_url(person), form_data(person, groups=[clerk_group.pk], is_staff="on")
    )

    assert response.status_code == 302
    assert person.has_perm("accounts.receive_dossier")
    entry = LogEntry.objects.get(object_id=str(person.pk), action_flag=CHANGE)
    assert entry.user == superuser
    changed = json.loads(entry.change_message)[0]["changed"]["fields"]
    assert sorted(changed) == ["Groups", "Vào trang quản trị"]  # the role, admin access


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_nobody_sets_another_persons_password_in_the_admin(client, who, administrator, superuser):
    actor = administrator if who == "administrator" else superuser
    force_login_verified(client, actor)
    citizen = CitizenFactory(national_id=None)
    url = reverse("admin:auth_user_password_change", args=[citizen.pk])

    assert client.get(url).status_code == 404
    response = client.post(
        url, {"password1": "Mật-khẩu-kẻ-gian-2025", "password2": "Mật-khẩu-kẻ-gian-2025"}
    )

    assert response.status_code == 404
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)
    assert not citizen.check_password("Mật-khẩu-kẻ-gian-2025")


def test_the_admin_sends_a_reset_link_instead_and_logs_it(as_administrator, administrator):
    citizen = CitizenFactory(email="dan@example.vn", national_id=None)

    response = as_administrator.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset_link", "_selected_action": [citizen.pk]},
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dan@example.vn"]
    assert "/tai-khoan/dat-lai-mat-khau/" in message.body
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)  # unchanged until its owner acts
    entry = LogEntry.objects.get(object_id=str(citizen.pk))
    assert entry.user == administrator
    assert "liên kết đặt lại mật khẩu" in entry.get_change_message()


def test_every_admin_change_to_a_person_is_logged_with_its_fields(as_administrator, administrator):
    citizen = CitizenFactory(national_id=None, address="Cũ")

    as_administrator.post(change_url(citizen), form_data(citizen, address="Số 1 đường Mới"))

    entry = LogEntry.objects.get(object_id=str(citizen.pk), action_flag=CHANGE)
    assert entry.user == administrator
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["Địa chỉ thường trú"]}}]


def test_an_administrator_reads_the_admin_log(as_administrator, administrator):
    citizen = CitizenFactory(national_id=None)
    as_administrator.post(change_url(citizen), form_data(citizen, full_name="Tên Mới"))

    response = as_administrator.get(reverse("admin:admin_logentry_changelist"))

    assert response.status_code == 200
    assert "Tên Mới" in response.content.decode()
    # Read-only: the log cannot be edited or emptied.
    entry = LogEntry.objects.get(object_id=str(citizen.pk))
    assert as_administrator.post(
        reverse("admin:admin_logentry_delete", args=[entry.pk]), {"post": "yes"}
    ).status_code in (403, 302)
    assert LogEntry.objects.filter(pk=entry.pk).exists()
