"""The demo's SQLite database (``make run``, served by a threaded development
server) under heartbeats that arrive at the same moment: writers wait for each
other instead of failing with "database is locked".

The test database of the other tests lives in memory, where SQLite locks
differently, so this one migrates a database file of its own and sends the
heartbeats from a separate process with the demo's settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, threading, uuid
from datetime import timedelta

import django

django.setup()

from django.db import connections
from wagtail.models import Page

from courses.factories import (
    CourseIndexPageFactory, CoursePageFactory, VideoFactory, make_lesson,
)
from lms.factories import UserFactory
from progress import services
from progress.models import VideoProgress

LEARNERS = 6
index = CourseIndexPageFactory(parent=Page.get_first_root_node())
course = CoursePageFactory(parent=index, kind="parents")
video = VideoFactory(duration=1000.0)
lesson = make_lesson(course, videos=[video])
learners = [UserFactory(iin=None) for _ in range(LEARNERS)]
sessions = [uuid.uuid4() for _ in range(LEARNERS)]
start = services.now()
clock = {"now": start}
services.now = lambda: clock["now"]
errors = []


def beat(index, position):
    services.record_heartbeat(
        learners[index], lesson_id=lesson.pk, video_id=video.pk,
        session=sessions[index], position=position, rate=1.0, state="playing",
    )


for index in range(LEARNERS):
    beat(index, 0.0)
for step in range(1, 6):
    clock["now"] = start + timedelta(seconds=10 * step)
    barrier = threading.Barrier(LEARNERS)

    def viewer(index, step=step):
        try:
            barrier.wait()
            beat(index, 10.0 * step)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=viewer, args=(i,)) for i in range(LEARNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
watched = sorted(
    VideoProgress.objects.filter(video=video).values_list("watched_seconds", flat=True)
)
print(json.dumps({"errors": errors, "watched": watched}))
"""


def test_concurrent_heartbeats_on_the_demo_database(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"],
        timeout=600,
        **run,
    )
    assert migrate.returncode == 0, migrate.stderr

    viewers = subprocess.run([sys.executable, "-c", SCRIPT], timeout=600, **run)

    assert viewers.returncode == 0, viewers.stderr
    outcome = json.loads(viewers.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["watched"] == [50.0] * 6
