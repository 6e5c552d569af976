from pathlib import Path

import pytest

from portal.tasks import heartbeat


@pytest.fixture
def celery_data_dir(settings, tmp_path: Path) -> Path:
    settings.CELERY_DATA_DIR = tmp_path / "celery"
    return settings.CELERY_DATA_DIR


def test_the_heartbeat_records_when_it_ran_and_the_callers_stamp(celery_data_dir: Path) -> None:
    assert heartbeat(stamp="kiem-tra_01") == "ok"

    assert (celery_data_dir / "heartbeat").read_text(encoding="utf-8").endswith(" kiem-tra_01\n")


@pytest.mark.parametrize("stamp", ["../../etc/passwd", "a b", "x" * 65, "dòng\nmới"])
def test_the_heartbeat_refuses_a_stamp_that_is_no_short_token(
    celery_data_dir: Path, stamp: str
) -> None:
    with pytest.raises(ValueError, match="stamp"):
        heartbeat(stamp=stamp)

    assert not (celery_data_dir / "heartbeat").exists()
