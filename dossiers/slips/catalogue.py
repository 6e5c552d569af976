"""The official forms, and which a dossier has (which verb issues which: dossiers/verbs.py)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from dossiers import verbs
from dossiers.models import Dossier, DossierEvent, State, SupplementRequest

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


@dataclass(frozen=True)
class FormSpec:
    title: "StrPromise"
    # The key of the agency's yearly counter for the form (``TNHS``); empty for a form that
    # carries no number of its own (the control slip refers to the receipt's). Never
    # renamed: a new key would restart the year's series.
    counter: str
    # The form's code in its number ``NN/<code>-<agency symbol>`` (``01/PTNHS-TTPVHCC``):
    # the project's, in the shape issue 12 gives, not read in the Annex
    # (docs/legal.md#slip-numbers).
    code: str = ""

    @property
    def suffix(self) -> str:
        return self.counter


# Titles: Circular 03/2025, Annex I, as a third-party copy lists them (docs/legal.md#forms-01-to-06).
FORMS: dict[str, FormSpec] = {
    "01": FormSpec(gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "TNHS", "PTNHS"),
    "02": FormSpec(gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), "YCBS", "PYCBS"),
    "03": FormSpec(gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), "TCHS", "PTCHS"),
    "04": FormSpec(
        gettext_lazy("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"), "PXL", "PXL"
    ),
    "05": FormSpec(gettext_lazy("Thông báo dừng giải quyết hồ sơ"), "DXL", "PDXL"),
    "06": FormSpec(gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"), ""),
    "07": FormSpec(gettext_lazy("Sổ theo dõi hồ sơ"), ""),
}
FORM_TITLES: dict[str, "StrPromise"] = {form: spec.title for form, spec in FORMS.items()}

# The verbs whose transition issues each numbered slip, as dossiers/verbs.py declares them.
SUPPLEMENT_ACTIONS = verbs.issuing("02")
REFUSAL_ACTIONS = verbs.issuing("03")
CLOSING_ACTIONS = verbs.issuing("05")


class AvailableForms(list[tuple[str, str]]):
    """``[(form, title), …]``; ``"01" in forms`` also asks whether form 01 is among them."""

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(form == item for form, _title in self)
        return super().__contains__(item)


def AVAILABLE_FORMS(dossier: Dossier) -> AvailableForms:
    """The slips the dossier's history gives it (one query: the actions it went through)."""
    forms = AvailableForms()
    if dossier.state == State.DRAFT:
        return forms
    actions = set(dossier.events.values_list("action", flat=True))
    present = {
        "01": bool(actions.intersection(verbs.issuing("01"))),
        "02": bool(actions.intersection(SUPPLEMENT_ACTIONS)),
        "03": bool(actions.intersection(REFUSAL_ACTIONS)),
        "05": dossier.state in (State.STOPPED, State.WITHDRAWN),
        "06": "hand_over" in actions,
    }
    forms.extend((form, str(FORMS[form].title)) for form, yes in present.items() if yes)
    return forms


def last_event(dossier: Dossier, actions: tuple[str, ...]) -> DossierEvent | None:
    """The dossier's latest event among ``actions`` (the refusal, the stop, the receipt…),
    with its actor and the actor's agency."""
    return (
        dossier.events.filter(action__in=actions)
        .select_related("actor", "actor__agency")
        .order_by("-created_at", "-id")
        .first()
    )


def slip_of_event(event: DossierEvent) -> tuple[str, SupplementRequest | None] | None:
    """The numbered slip a transition's event issued: its form, and for form 02 the
    supplement request it answers; None when the event issues none."""
    verb = verbs.get(event.action)
    form = verb.slip if verb is not None else None
    if form is None:
        return None
    request = None
    if form == "02" and event.data.get("supplement_request"):
        request = SupplementRequest.objects.get(pk=event.data["supplement_request"])
    return form, request
