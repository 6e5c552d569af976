from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from pytest_django.fixtures import Settings

from accounts.models import User
from tests.dossiers.factories import World, build_world
from tests.factories import StaffFactory


@pytest.fixture
def world(db: None) -> World:
    """The dossiers' world: a procedure in force at the centre, one person per role."""
    return build_world()


@pytest.fixture
def supervisor(world: World) -> User:
    """The centre's supervisor (Lãnh đạo Trung tâm PVHCC tỉnh): reads the access log."""
    return cast(User, StaffFactory(agency=world.centre, role="supervisor", full_name="Giám Sát"))


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def as_user(client) -> Callable[[User], object]:
    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in
