"""The structure of a fee schedule: lines always charged, groups of alternatives, lines on
request (docs/design.md §14). Pure functions over fee lines, shared by the catalogue services, the
admin, the guidance page and the dossier's reception."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procedures.models import Fee, FeeKind


class FeeLine(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def is_default(self) -> bool: ...


@dataclass
class FeeGroup:
    """What a reader sees as one item: a line, or the alternatives of one group."""

    kind: str
    label: str
    lines: list[Fee] = field(default_factory=list)

    @property
    def is_alternative(self) -> bool:
        return self.kind == FeeKind.ALTERNATIVE

    @property
    def is_optional(self) -> bool:
        return self.kind == FeeKind.OPTIONAL

    @property
    def default(self) -> Fee | None:
        return next((line for line in self.lines if line.is_default), None)


def group_fees(fees: Iterable[Fee]) -> list[FeeGroup]:
    """The lines in catalogue order, the alternatives of one group gathered where the first
    of them appears."""
    groups: list[FeeGroup] = []
    by_name: dict[str, FeeGroup] = {}
    for fee in fees:
        if fee.kind == FeeKind.ALTERNATIVE:
            group = by_name.get(fee.group)
            if group is None:
                group = by_name[fee.group] = FeeGroup(FeeKind.ALTERNATIVE, fee.group)
                groups.append(group)
            group.lines.append(fee)
        else:
            groups.append(FeeGroup(fee.kind, fee.name, [fee]))
    return groups


def validate_fee_lines(lines: Sequence[FeeLine]) -> None:
    """Every group of alternatives has at least two lines and exactly one default."""
    members: dict[str, list[FeeLine]] = {}
    errors = []
    for line in lines:
        if line.kind != FeeKind.ALTERNATIVE:
            continue
        if not line.group.strip():
            errors.append(
                ValidationError(
                    _("Mức thu thay thế cần tên nhóm (các mức cùng nhóm thay thế nhau)."),
                    code="group_required",
                )
            )
            continue
        members.setdefault(line.group, []).append(line)
    for name, group in members.items():
        if len(group) < 2:
            errors.append(
                ValidationError(
                    _("Nhóm “%(group)s” cần ít nhất hai mức thu thay thế nhau."),
                    code="group_too_small",
                    params={"group": name},
                )
            )
        defaults = sum(1 for line in group if line.is_default)
        if defaults != 1:
            errors.append(
                ValidationError(
                    _("Nhóm “%(group)s” cần đúng một mức mặc định (đang có %(count)s)."),
                    code="group_default",
                    params={"group": name, "count": defaults},
                )
            )
    if errors:
        raise ValidationError(errors)
