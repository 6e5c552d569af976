"""The six roles are groups of permission codenames, created by a data migration."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User
from accounts.roles import ROLES
from tests.factories import CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_the_six_role_groups_exist_with_their_codenames():
    assert [role.key for role in ROLES] == [
        "citizen",
        "clerk",
        "specialist",
        "head",
        "supervisor",
        "administrator",
    ]
    for role in ROLES:
        group = Group.objects.get(name=role.group_name)
        granted = {
            f"{perm.content_type.app_label}.{perm.codename}"
            for perm in group.permissions.select_related("content_type")
        }
        assert granted == set(role.permissions), role.key


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("clerk", "accounts.receive_dossier", "accounts.approve_dossier"),
        ("specialist", "accounts.appraise_dossier", "accounts.receive_dossier"),
        ("head", "accounts.approve_dossier", "accounts.supervise_province"),
        ("supervisor", "accounts.supervise_province", "accounts.appraise_dossier"),
        ("administrator", "procedures.change_procedure", "accounts.receive_dossier"),
    ],
)
def test_a_role_grants_its_codenames_and_no_others(role, allowed, refused):
    user = StaffFactory.create(role=role)

    assert user.has_perm(allowed)
    assert not user.has_perm(refused)


def test_the_codenames_the_code_checks_are_the_ones_the_model_declares():
    constants = {
        value
        for name, value in vars(roles).items()
        if name.isupper() and isinstance(value, str) and value.startswith("accounts.")
    }

    assert User._meta.permissions == list(roles.DECLARED)
    assert set(roles.CUSTOM_PERMISSIONS) == constants
    assert {perm for role in ROLES for perm in role.permissions} >= constants


# (role, its predicates that hold); every other predicate is refused.
PREDICATES = (
    "may_file_online",
    "is_staff_member",
    "is_clerk",
    "is_appraiser",
    "is_approver",
    "may_sign_letters",
    "is_supervisor",
    "is_catalogue_admin",
    "handles_dossiers",
    "watches_deadlines",
    "may_read_access_log",
)


@pytest.mark.parametrize(
    ("role", "holds"),
    [
        ("citizen", {"may_file_online"}),
        ("clerk", {"is_staff_member", "is_clerk", "handles_dossiers"}),
        ("specialist", {"is_staff_member", "is_appraiser", "handles_dossiers"}),
        (
            "head",
            {
                "is_staff_member",
                "is_appraiser",
                "is_approver",
                "may_sign_letters",
                "handles_dossiers",
                "watches_deadlines",
            },
        ),
        (
            "supervisor",
            {"is_staff_member", "is_supervisor", "watches_deadlines", "may_read_access_log"},
        ),
        ("administrator", {"is_staff_member", "is_catalogue_admin", "may_read_access_log"}),
    ],
)
def test_each_role_answers_its_predicates(role, holds):
    factory = CitizenFactory if role == "citizen" else StaffFactory
    user = factory.create(role=role)

    assert {name for name in PREDICATES if getattr(roles, name)(user)} == holds
    assert roles.is_citizen(user) == (role == "citizen") == user.is_citizen
