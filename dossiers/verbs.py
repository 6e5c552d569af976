"""Each business verb of a dossier, declared once (docs/architecture.md, "Verbs").

A verb is what a person, or the beat, does to a dossier: receive it, hand it over, propose
a result, approve it, … Its declaration names

- the service that does it (``dossiers.services``), the only place its rules live;
- the form that reads its input, the same for the staff page and the API;
- who takes it (staff, the citizen, the system), its button label and whether the button
  is drawn as a dangerous one or needs only a confirmation;
- the line the dossier's history shows;
- the official slip it issues (form 01, 02, 03 or 05), numbered in its transaction;
- the notification it sends the citizen, if any (``dossiers/notifications.py``);
- the national status code its event carries, which is the code of the state the
  transition reaches (``models.NATIONAL_STATUS``).

Pages, the API's action endpoint, notifications, history and slips read this table;
nothing else lists verbs. A verb that is not a django-fsm transition (recording a payment,
issuing an apology letter) is declared too, for its history line and its notification.
The service and the form are named by their dotted paths and imported when first used: the
services and the forms read this table themselves.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from dossiers.forms_actions import ActionForm
    from dossiers.notifications import Notice

STAFF = "staff"
CITIZEN = "citizen"
SYSTEM = "system"


@dataclass(frozen=True)
class Verb:
    name: str
    by: str  # STAFF, CITIZEN or SYSTEM
    label: "StrPromise | str"
    history: "StrPromise | str"
    service: str = ""  # dotted path of the service
    form: str = ""  # dotted path of the input form (a ``forms_actions.ActionForm``)
    danger: bool = False  # ends the dossier or turns it back: a red button
    confirm_only: bool = False  # asks for nothing required: one click and a confirmation
    slip: str | None = None  # the official form it issues
    notifies: str | None = None  # the notification kind the citizen is sent
    # How another app's event is told (templates, attachments): ``notifications.Notice``.
    notice: "Notice | None" = None
    transition: bool = True  # a django-fsm transition of ``Dossier.state``

    @cached_property
    def run(self) -> Callable[..., Any]:
        """The service: ``run(dossier=…, actor=…, **form.service_kwargs())``."""
        service: Callable[..., Any] = import_string(self.service)
        return service

    @cached_property
    def form_class(self) -> "type[ActionForm] | None":
        return import_string(self.form) if self.form else None

    @property
    def explanation(self) -> str:
        """The template that says, above its form and in its confirmation, what the verb
        does (``dossiers/staff/verbs/<name>.html``; every staff verb has one)."""
        return f"dossiers/staff/verbs/{self.name}.html"

    @cached_property
    def national_code(self) -> int | None:
        """The national status code of the state this transition reaches; None for a verb
        that leaves the state as it is (its event carries the state's own code)."""
        from dossiers.models import NATIONAL_STATUS, Dossier

        if not self.transition:
            return None
        field = Dossier._meta.get_field("state")
        for transition in field.get_all_transitions(Dossier):  # type: ignore[attr-defined]
            if transition.name == self.name and transition.target is not None:
                code: int | None = NATIONAL_STATUS.get(transition.target)
                return code
        return None


_S = "dossiers.services."
_F = "dossiers.forms_actions."

# In the order the staff buttons show.
_DECLARED = (
    Verb(
        "submit",
        CITIZEN,
        _("Nộp hồ sơ"),
        pgettext_lazy("history", "Nộp hồ sơ"),
        _S + "dossier_submit",
        _F + "SubmitForm",
    ),
    Verb(
        "receive",
        STAFF,
        _("Tiếp nhận"),
        _("Tiếp nhận hồ sơ, bắt đầu tính thời hạn giải quyết"),
        _S + "dossier_receive",
        _F + "ReceiveForm",
        confirm_only=True,
        slip="01",
        notifies="received",
    ),
    Verb(
        "request_supplement",
        STAFF,
        _("Yêu cầu bổ sung"),
        _("Bộ phận một cửa yêu cầu bổ sung hồ sơ"),
        _S + "dossier_request_supplement",
        _F + "SupplementForm",
        slip="02",
        notifies="supplement",
    ),
    Verb(
        "refuse",
        STAFF,
        _("Từ chối tiếp nhận"),
        _("Từ chối tiếp nhận hồ sơ"),
        _S + "dossier_refuse",
        _F + "RefuseForm",
        danger=True,
        slip="03",
        notifies="refused",
    ),
    Verb(
        "hand_over",
        STAFF,
        _("Chuyển xử lý"),
        _("Chuyển hồ sơ sang bước xử lý tiếp theo"),
        _S + "dossier_hand_over",
        _F + "HandOverForm",
        confirm_only=True,
    ),
    Verb(
        "request_appraisal_supplement",
        STAFF,
        _("Yêu cầu bổ sung (thẩm định)"),
        _("Cơ quan giải quyết yêu cầu bổ sung hồ sơ (tạm dừng tính hạn)"),
        _S + "dossier_request_appraisal_supplement",
        _F + "SupplementForm",
        slip="02",
        notifies="supplement",
    ),
    Verb(
        "request_payment",
        STAFF,
        _("Yêu cầu nghĩa vụ tài chính"),
        _("Yêu cầu thực hiện nghĩa vụ tài chính (tạm dừng tính hạn)"),
        _S + "dossier_request_payment",
        _F + "PaymentForm",
        # The citizen must know what to pay: the clock waits for them.
        notifies="payment_requested",
    ),
    Verb(
        "confirm_payment",
        STAFF,
        _("Xác nhận đã thực hiện nghĩa vụ tài chính"),
        _("Đã xác nhận thực hiện nghĩa vụ tài chính (tiếp tục tính hạn)"),
        _S + "dossier_confirm_payment",
        _F + "ConfirmPaymentForm",
    ),
    # Time the law gives or does not count (docs/legal.md#v1-verification-periods-extend-the-deadline,
    # docs/legal.md#x1-excluded-periods-pause-the-clock): the deadline moves, no apology.
    Verb(
        "record_verification",
        STAFF,
        _("Ghi nhận cần xác minh"),
        _("Ghi nhận hồ sơ cần xác minh: thời hạn kéo dài theo quy định, không tính là trễ hạn"),
        _S + "dossier_record_verification",
        _F + "VerificationForm",
        notifies="verification",
    ),
    Verb(
        "start_excluded_period",
        STAFF,
        _("Bắt đầu thời gian không tính vào thời hạn"),
        _("Bắt đầu thời gian không tính vào thời hạn giải quyết (tạm dừng tính hạn)"),
        _S + "dossier_start_excluded_period",
        _F + "ExcludedPeriodStartForm",
        notifies="excluded_started",
    ),
    Verb(
        "end_excluded_period",
        STAFF,
        _("Kết thúc thời gian không tính vào thời hạn"),
        _("Kết thúc thời gian không tính vào thời hạn giải quyết (tiếp tục tính hạn)"),
        _S + "dossier_end_excluded_period",
        _F + "ActionForm",
        confirm_only=True,
        notifies="excluded_ended",
    ),
    Verb(
        "propose",
        STAFF,
        _("Đề xuất kết quả"),
        _("Chuyên viên đề xuất kết quả giải quyết"),
        _S + "dossier_propose",
        _F + "ProposeForm",
    ),
    Verb(
        "approve",
        STAFF,
        _("Phê duyệt"),
        _("Lãnh đạo phê duyệt kết quả"),
        _S + "dossier_approve",
        _F + "ActionForm",
        confirm_only=True,
        notifies="result_ready",
    ),
    Verb(
        "send_back",
        STAFF,
        _("Trả lại để xem xét lại"),
        _("Lãnh đạo trả lại để xem xét lại"),
        _S + "dossier_send_back",
        _F + "SendBackForm",
        danger=True,
    ),
    Verb(
        "stop",
        STAFF,
        _("Dừng xử lý"),
        pgettext_lazy("history", "Dừng xử lý hồ sơ"),
        _S + "dossier_stop",
        _F + "StopForm",
        danger=True,
        slip="05",
        notifies="stopped",
    ),
    Verb(
        "return_result",
        STAFF,
        _("Trả kết quả"),
        pgettext_lazy("history", "Trả kết quả"),
        _S + "dossier_return",
        _F + "ReturnForm",
        confirm_only=True,
        notifies="returned",
    ),
    Verb(
        "resubmit",
        CITIZEN,
        _("Gửi bổ sung"),
        _("Gửi lại hồ sơ đã bổ sung"),
        _S + "dossier_resubmit",
        _F + "SupplementSendForm",
    ),
    Verb(
        "provide_supplement",
        CITIZEN,
        _("Gửi bổ sung"),
        _("Nộp bổ sung hồ sơ (tiếp tục tính hạn)"),
        _S + "dossier_provide_supplement",
        _F + "SupplementSendForm",
    ),
    Verb(
        "withdraw",
        CITIZEN,
        _("Rút hồ sơ"),
        pgettext_lazy("history", "Rút hồ sơ"),
        _S + "dossier_withdraw",
        _F + "WithdrawForm",
        slip="05",
    ),
    Verb(
        "close_unsupplemented",
        SYSTEM,
        _("Đóng hồ sơ không bổ sung đúng hạn"),
        _("Hồ sơ bị đóng do không bổ sung đúng hạn"),
        slip="03",
        notifies="refused",
    ),
    Verb(
        "record_payment",
        STAFF,
        _("Ghi nhận đã nộp phí, lệ phí"),
        _("Ghi nhận đã nộp phí, lệ phí"),
        _S + "dossier_record_payment",
        transition=False,
    ),
    Verb(
        "record_paper_hand_over",
        STAFF,
        _("Ghi nhận đã chuyển hồ sơ giấy"),
        _("Chuyển hồ sơ giấy cho cơ quan giải quyết"),
        _S + "dossier_record_paper_hand_over",
        _F + "PaperHandOverForm",
        confirm_only=True,
        transition=False,
    ),
)

VERBS: dict[str, Verb] = {verb.name: verb for verb in _DECLARED}


def register(verb: Verb) -> None:
    """A verb an app above dossiers records on a dossier (apologies: the letter issued)."""
    existing = VERBS.get(verb.name)
    if existing is not None and existing != verb:
        raise ValueError(f"The verb {verb.name!r} is declared twice.")
    VERBS[verb.name] = verb


def get(name: str) -> Verb | None:
    return VERBS.get(name)


def of(by: str) -> Iterator[Verb]:
    """The verbs a staff member (or the citizen) takes, in button order."""
    return (verb for verb in VERBS.values() if verb.by == by and verb.transition)


def history_label(action: str) -> str:
    verb = VERBS.get(action)
    return str(verb.history) if verb is not None else action


def issuing(form: str) -> tuple[str, ...]:
    """The verbs whose transition issues the official form ``form``."""
    return tuple(name for name, verb in VERBS.items() if verb.slip == form)
