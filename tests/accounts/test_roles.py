"""The six roles are groups of permission codenames, created by a data migration."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLES
from tests.factories import StaffFactory

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
