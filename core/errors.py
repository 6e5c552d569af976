"""Domain errors, each with a message for the user: a service refuses with one of these, a
page puts it back on its form and the API answers it as 400 / 404 / 409
(``core.api.api_exception_handler``).

They began as the dossier workflow's (hence the names) and every app raises them now: the
uploads and quotas, the apology letters, the API's own checks.
"""

from django.utils.translation import gettext_lazy as _


class DossierError(Exception):
    """A request the workflow refuses; ``message`` is shown to the user (HTTP 400)."""

    status_code = 400
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message: object = None, *, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))


class TransitionConflict(DossierError):
    """The dossier is not (or no longer) in a state that allows the action (HTTP 409)."""

    status_code = 409
    default_message = _(
        "Hồ sơ đã được người khác xử lý hoặc không còn ở trạng thái cho phép thao tác này. "
        "Vui lòng tải lại trang."
    )


class DossierNotFound(DossierError):
    """Missing, or not the caller's to see or act on: the same answer either way (HTTP 404)."""

    status_code = 404
    default_message = _("Không tìm thấy hồ sơ.")
