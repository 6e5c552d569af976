"""``roles`` in every template: the person's role predicates of ``accounts/roles.py``, so a
template asks ``roles.is_clerk`` rather than spelling ``perms.accounts.receive_dossier``."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts import roles as predicates


class TemplateRoles:
    """Each answer is read when a template first asks for it, like Django's ``perms``: a page
    that asks nothing loads no permission (the pages' query budgets stay as they are)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def _ask(self, predicate: Callable[[Any], bool]) -> bool:
        return bool(self._user.is_authenticated and predicate(self._user))

    @cached_property
    def is_staff_member(self) -> bool:
        return self._ask(predicates.is_staff_member)

    @cached_property
    def is_clerk(self) -> bool:
        return self._ask(predicates.is_clerk)

    @cached_property
    def watches_deadlines(self) -> bool:
        return self._ask(predicates.watches_deadlines)

    @cached_property
    def may_read_tracking_book(self) -> bool:
        return self._ask(predicates.may_read_tracking_book)

    @cached_property
    def hands_over_paper(self) -> bool:
        return self._ask(predicates.hands_over_paper)

    @cached_property
    def may_read_access_log(self) -> bool:
        return self._ask(predicates.may_read_access_log)


def roles(request: HttpRequest) -> dict[str, TemplateRoles]:
    # As Django's ``auth`` processor: the lazy user is left unread; a request past no
    # authentication middleware (an early error page's) has none.
    user = request.user if hasattr(request, "user") else AnonymousUser()
    return {"roles": TemplateRoles(user)}
