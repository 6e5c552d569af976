from tests.celery_worker import real_worker, shared_media_root, worker_redis  # noqa: F401
from tests.dossiers.conftest import dossier_in_state, head, media_root, world  # noqa: F401
