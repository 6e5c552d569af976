"""What a record of the access log says: the act, and the purpose it served."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("Xem")
    DOWNLOAD = "download", _("Tải tệp")
    LOOKUP = "lookup", _("Tra cứu theo số định danh")
    SEARCH = "search", _("Tìm kiếm")
    CHANGE = "change", _("Thay đổi")
    EXPORT = "export", _("Xuất dữ liệu")


class Purpose(models.TextChoices):
    """Why a person's data was read or changed: one purpose per task of the portal."""

    WALK_IN = "walk_in", _("Tiếp nhận hồ sơ trực tiếp")
    PROCESSING = "processing", _("Giải quyết hồ sơ")
    SUPERVISION = "supervision", _("Giám sát, theo dõi việc giải quyết hồ sơ")
    OWN_PROFILE = "own_profile", _("Công dân tự cập nhật thông tin cá nhân")
    ACCOUNT_ADMINISTRATION = "account_administration", _("Quản trị tài khoản")
    AUDIT = "audit", _("Kiểm tra nhật ký truy cập")


# What the clerk may choose when looking a citizen up at the counter.
LOOKUP_PURPOSES = (Purpose.WALK_IN,)
