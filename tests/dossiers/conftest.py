"""Fixtures shared by the dossier tests; the builders themselves live in ``factories.py``."""

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from accounts.models import User
from dossiers.models import Dossier
from tests.dossiers.factories import World, build_dossier, build_world


@pytest.fixture
def world(db: None) -> World:
    """A procedure in force at the centre, its process, one person per role and a citizen."""
    return build_world()


@pytest.fixture
def citizen(world: World) -> User:
    return world.citizen


@pytest.fixture
def clerk(world: World) -> User:
    return world.clerk


@pytest.fixture
def specialist(world: World) -> User:
    return world.specialist


@pytest.fixture
def head(world: World) -> User:
    return world.head


@pytest.fixture
def dossier_in_state(world: World) -> Callable[..., Dossier]:
    """``dossier_in_state(State.IN_APPRAISAL, applicant=None)``: a dossier of the world's
    citizen (or ``applicant``) walked there through the services."""

    def make(state: str, *, applicant: User | None = None) -> Dossier:
        return build_dossier(world, state, applicant=applicant)

    return make


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded files go to a fresh folder, so a test can check what reached the disk."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
