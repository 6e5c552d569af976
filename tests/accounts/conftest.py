import pytest

from tests.factories import CitizenFactory

STRONG_PASSWORD = "Hoa-sen-nở-giữa-hồ-2025"


@pytest.fixture
def registration_data() -> dict[str, str]:
    """What a citizen types into the registration form."""
    return {
        "full_name": "Nguyễn Thị Hồng Nhung",
        "email": "Nhung.Nguyen@Example.vn",
        "phone": "0912 345 678",
        "national_id": "075190001234",
        "date_of_birth": "1990-03-14",
        "address": "Số 45 đường Phan Chu Trinh, phường Trấn Biên, tỉnh Đồng Nai",
        "preferred_language": "vi",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }


@pytest.fixture
def citizen(db):
    return CitizenFactory(
        email="nhung@example.vn",
        phone="0912345678",
        national_id="075190001234",
        full_name="Nguyễn Thị Hồng Nhung",
    )


class OutboxSmsBackend:
    """Keeps the SMS the portal sends, as mail.outbox keeps e-mails."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "tests.accounts.conftest.OutboxSmsBackend"
    OutboxSmsBackend.outbox = []
    return OutboxSmsBackend.outbox
