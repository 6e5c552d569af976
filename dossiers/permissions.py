"""Who may take each transition (the ``permission=`` of every ``@transition``).

Each check is a role predicate of ``accounts/roles.py`` (a permission codename granted
through a role group), narrowed to the agency (and department) the person belongs to. Never
a group name, never a permission string.
"""

from typing import TYPE_CHECKING, Any

from accounts import roles

if TYPE_CHECKING:
    from accounts.models import User
    from dossiers.models import Dossier


def _staff_of(user: "User", agency_id: int | None) -> bool:
    return bool(user.is_active and user.agency_id is not None and user.agency_id == agency_id)


def is_applicant(dossier: "Dossier", user: "User") -> bool:
    """The account the dossier belongs to; a dossier a clerk filed under the account's ID
    number only once that number is verified (the same rule as ``for_user``)."""
    return bool(
        user.is_active
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
        and (dossier.filed_by_id == user.pk or user.national_id_verified)
    )


def can_file(dossier: "Dossier", user: "User") -> bool:
    """The applicant files online; a one-stop clerk files at the counter for them."""
    if is_applicant(dossier, user):
        return roles.may_file_online(user) or dossier.filed_by_id == user.pk
    return can_receive(dossier, user) and dossier.intake_channel != "online"


def can_receive(dossier: "Dossier", user: "User") -> bool:
    return _staff_of(user, dossier.agency_id) and roles.is_clerk(user)


def _at_current_step(dossier: "Dossier", user: "User") -> bool:
    step = dossier.current_step
    if step is None or not _staff_of(user, step.agency_id):
        return False
    return step.department_id is None or user.department_id in (None, step.department_id)


def can_appraise(dossier: "Dossier", user: "User") -> bool:
    return _at_current_step(dossier, user) and roles.is_appraiser(user)


def can_approve(dossier: "Dossier", user: "User") -> bool:
    return _at_current_step(dossier, user) and roles.is_approver(user)


def can_hand_over(dossier: "Dossier", user: "User") -> bool:
    """From reception the one-stop clerk hands over; between steps, whoever holds the step."""
    if dossier.state == "received":
        return can_receive(dossier, user)
    step = dossier.current_step
    if step is not None and step.agency_id == dossier.agency_id and can_receive(dossier, user):
        # A step of the process that falls to the receiving one-stop section itself (a commune
        # unit's step of a dossier received at the province has no commune to go to): its
        # clerks pass it on, or the dossier would wait for an appraiser the section lacks.
        return True
    return can_appraise(dossier, user)


def can_confirm_payment(dossier: "Dossier", user: "User") -> bool:
    return can_receive(dossier, user) or can_appraise(dossier, user)


def nobody(dossier: "Dossier", user: Any) -> bool:
    """System transitions (the beat task) run with no user."""
    return False
