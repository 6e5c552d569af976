"""Settings for the beat test: the project's settings with a one-second heartbeat.

The real schedule fires every few minutes; this one sends the heartbeat every second, with
the test's stamp, to the test's own queue, so a test sees beat and worker work together.
"""

import os

from portal.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": 1.0,
        "kwargs": {"stamp": os.environ["BEAT_TEST_STAMP"]},
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"]},
    },
}
