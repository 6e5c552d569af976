"""Who may do what, in one place: the permission codenames the code checks, the questions it
asks about a person (is a clerk, is an approver, may sign a letter, …) and the roles of
docs/design.md §1 as groups of those codenames.

One module rather than a separate ``accounts/permissions.py``: the codenames, the predicates
reading them and the groups granting them change together (a new role is a new codename, a
predicate and a group), and a reader finds the whole answer to "who may?" here, next to
``dossiers/permissions.py``, which only narrows these predicates to a dossier's agency and
step. ``User.Meta.permissions`` is built from the constants below, so a codename cannot be
declared under one spelling and checked under another.

Code asks a predicate (``roles.is_clerk(user)``) or passes a constant to ``has_perm``; it never
spells a permission string, and never a group name: the groups are only how an administrator
hands a set of permissions to a person. ``tests/test_no_literal_permissions.py`` fails on a
literal outside ``accounts/``.

The predicates are about the person alone (permissions are cached on the user: no query
after the first). Whether that person may act on a given dossier or letter (its agency, its
step, its department) is asked in ``dossiers/permissions.py`` and ``apologies/services.py``.
"""

from typing import TYPE_CHECKING, Final, NamedTuple

from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from accounts.models import User

APP_LABEL: Final = "accounts"

# --- The codenames (app_label.codename, what ``has_perm`` takes) ------------------------------
FILE_DOSSIER: Final = "accounts.file_dossier"
RECEIVE_DOSSIER: Final = "accounts.receive_dossier"
APPRAISE_DOSSIER: Final = "accounts.appraise_dossier"
# The head approves results and signs the apology letters of their unit (one codename).
APPROVE_DOSSIER: Final = "accounts.approve_dossier"
SUPERVISE_PROVINCE: Final = "accounts.supervise_province"
MANAGE_CATALOGUE: Final = "accounts.manage_catalogue"

# User.Meta.permissions: (codename, description), in the order of the first migration.
DECLARED: Final[tuple[tuple[str, str], ...]] = (
    (FILE_DOSSIER.partition(".")[2], "Nộp hồ sơ trực tuyến"),
    (RECEIVE_DOSSIER.partition(".")[2], "Tiếp nhận, trả kết quả hồ sơ tại bộ phận một cửa"),
    (APPRAISE_DOSSIER.partition(".")[2], "Thẩm định hồ sơ"),
    (APPROVE_DOSSIER.partition(".")[2], "Phê duyệt kết quả, ký phiếu xin lỗi"),
    (SUPERVISE_PROVINCE.partition(".")[2], "Giám sát mọi cơ quan trong tỉnh"),
    (MANAGE_CATALOGUE.partition(".")[2], "Quản lý danh mục thủ tục, lịch làm việc, cơ quan"),
)
CUSTOM_PERMISSIONS: Final = tuple(f"{APP_LABEL}.{codename}" for codename, _ in DECLARED)

# Whoever holds one of these handles dossiers (and may be given a step of the process).
WORKFLOW_PERMISSIONS: Final = (RECEIVE_DOSSIER, APPRAISE_DOSSIER, APPROVE_DOSSIER)
# Whoever holds one of these watches deadlines (the overdue pages, the daily digest).
WATCHER_PERMISSIONS: Final = (APPROVE_DOSSIER, SUPERVISE_PROVINCE)


def codenames(*permissions: str) -> tuple[str, ...]:
    """The bare codenames, for a query on ``Permission.codename`` (``groups__permissions__
    codename__in=…``)."""
    return tuple(permission.partition(".")[2] for permission in permissions)


# --- The predicates: about the person only ----------------------------------------------------


def is_citizen(user: "User") -> bool:
    """Citizens and businesses belong to no agency (docs/design.md §3)."""
    return user.agency_id is None


def may_file_online(user: "User") -> bool:
    """Files dossiers online on their own account (a staff member does not)."""
    return user.has_perm(FILE_DOSSIER)


def is_staff_member(user: "User") -> bool:
    """Staff belong to an agency; citizens do not (docs/design.md §3)."""
    return bool(user.is_authenticated and user.is_active and user.agency_id is not None)


def is_clerk(user: "User") -> bool:
    """A one-stop clerk: receives dossiers, returns results, verifies identities at the counter."""
    return user.has_perm(RECEIVE_DOSSIER)


def is_appraiser(user: "User") -> bool:
    """A specialist, or a head (who may appraise as well as approve)."""
    return user.has_perm(APPRAISE_DOSSIER) or user.has_perm(APPROVE_DOSSIER)


def is_approver(user: "User") -> bool:
    """A head of a department or agency: approves results."""
    return user.has_perm(APPROVE_DOSSIER)


def may_sign_letters(user: "User") -> bool:
    """Signs (issues) the apology letters of their unit: the head who approves results."""
    return is_approver(user)


def is_supervisor(user: "User") -> bool:
    """The provincial centre's supervisor: sees every agency of the province."""
    return user.has_perm(SUPERVISE_PROVINCE)


def is_catalogue_admin(user: "User") -> bool:
    """Administers the catalogue, the calendar, the agencies and the people."""
    return user.has_perm(MANAGE_CATALOGUE)


def handles_dossiers(user: "User") -> bool:
    """Clerks, specialists and heads (a supervisor only watches)."""
    return any(user.has_perm(permission) for permission in WORKFLOW_PERMISSIONS)


def watches_deadlines(user: "User") -> bool:
    """Heads and the centre's supervisors (the overdue pages, the daily digest)."""
    return is_approver(user) or is_supervisor(user)


def may_read_access_log(user: "User") -> bool:
    """The centre's supervisor (giám sát) and the system's administrators
    (docs/adr/0012-personal-data-access-log.md)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_supervisor(user) or is_catalogue_admin(user)


def hands_over_paper(user: "User") -> bool:
    """Records that a paper dossier received for another commune's agency went there: the
    one-stop clerk (docs/legal.md#receipt-regardless-of-administrative-boundaries)."""
    return is_clerk(user)


def may_read_tracking_book(user: "User") -> bool:
    """Keeps and reads the one-stop section's tracking book (form 07): its clerks and heads,
    and the centre's supervisors."""
    return is_clerk(user) or is_approver(user) or is_supervisor(user)


# --- The roles: groups an administrator hands out ---------------------------------------------


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
    Role("citizen", gettext_noop("Công dân, doanh nghiệp"), (FILE_DOSSIER,)),
    Role("clerk", gettext_noop("Cán bộ một cửa"), (RECEIVE_DOSSIER,)),
    Role("specialist", gettext_noop("Chuyên viên"), (APPRAISE_DOSSIER,)),
    Role("head", gettext_noop("Lãnh đạo phòng, đơn vị"), (APPRAISE_DOSSIER, APPROVE_DOSSIER)),
    Role("supervisor", gettext_noop("Lãnh đạo Trung tâm PVHCC tỉnh"), (SUPERVISE_PROVINCE,)),
    Role(
        "administrator",
        gettext_noop("Quản trị hệ thống"),
        # The admin log: who changed which person, role or catalogue entry.
        (MANAGE_CATALOGUE, *_CATALOGUE_ADMIN, "admin.view_logentry"),
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
