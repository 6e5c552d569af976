"""The roles of DESIGN §1 as groups of permission codenames.

Code checks the codenames (``user.has_perm("accounts.receive_dossier")``), never a group
name; the groups are only how an administrator hands a set of permissions to a person.
"""

from typing import NamedTuple

from django.utils.translation import gettext_noop


class Role(NamedTuple):
    key: str
    group_name: str
    permissions: tuple[str, ...]  # "app_label.codename"


_CATALOGUE_ADMIN = tuple(
    f"{app}.{action}_{model}"
    for app, models in {
        "procedures": ("field", "procedure", "procedureversion", "component", "fee", "processstep"),
        "agencies": ("agency", "department"),
        "workcalendar": ("calendaroverride",),
        "accounts": ("user",),
    }.items()
    for model in models
    for action in ("add", "change", "delete", "view")
)

ROLES: tuple[Role, ...] = (
    Role("citizen", gettext_noop("Công dân, doanh nghiệp"), ("accounts.file_dossier",)),
    Role("clerk", gettext_noop("Cán bộ một cửa"), ("accounts.receive_dossier",)),
    Role("specialist", gettext_noop("Chuyên viên"), ("accounts.appraise_dossier",)),
    Role(
        "head",
        gettext_noop("Lãnh đạo phòng, đơn vị"),
        ("accounts.appraise_dossier", "accounts.approve_dossier"),
    ),
    Role(
        "supervisor",
        gettext_noop("Lãnh đạo Trung tâm PVHCC tỉnh"),
        ("accounts.supervise_province",),
    ),
    Role(
        "administrator",
        gettext_noop("Quản trị hệ thống"),
        # The admin log: who changed which person, role or catalogue entry.
        ("accounts.manage_catalogue", *_CATALOGUE_ADMIN, "admin.view_logentry"),
    ),
)

ROLE_BY_KEY = {role.key: role for role in ROLES}


def ensure_roles() -> None:
    """Creates the role groups if they are missing (the data migration makes them; a test
    database flushed between transactional tests loses them)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.group_name)
        if created or not group.permissions.exists():
            perms = [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in (dotted.split(".") for dotted in role.permissions)
            ]
            group.permissions.set(perms)
