"""Fixtures for progress: a controllable server clock, a video lesson, heartbeats."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from courses.factories import CoursePageFactory, VideoFactory, make_lesson, quiz_block
from progress import services
from tests.conftest import forget_cache_keys


class Clock:
    """Server time that moves only when a test says so."""

    def __init__(self):
        self.current = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)

    def __call__(self):
        return self.current

    def tick(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def _forget_progress_keys():
    services._local_structures.clear()
    forget_cache_keys("*progress:*")


@pytest.fixture(autouse=True)
def fresh_progress_cache():
    """Throttle counters and cached lesson structures do not leak between tests."""
    _forget_progress_keys()
    yield
    _forget_progress_keys()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(services, "now", clock)
    return clock


@pytest.fixture(params=["unlocked", "locked"])
def heartbeat_path(request, monkeypatch):
    """Run a test on both ways a heartbeat is stored on PostgreSQL: the unlocked
    compare-and-write path of the common case, and the locking path that first
    heartbeats, completions and other databases take."""
    if request.param == "locked":
        monkeypatch.setattr(services, "_heartbeat_unlocked", lambda *args: None)
    return request.param


@pytest.fixture
def long_video(db):
    return VideoFactory(duration=100.0, title="Ұзын бейне")


@pytest.fixture
def video_lesson(course_index, long_video):
    """A live course with one lesson showing a 100-second video."""
    course = CoursePageFactory(parent=course_index, kind="parents", title="Ата-аналар")
    return make_lesson(course, videos=[long_video], title="Бірінші сабақ")


@pytest.fixture
def quiz_lesson(course_index):
    """A live course with one lesson that has a quiz (first choice correct) only."""
    course = CoursePageFactory(parent=course_index, kind="couples", title="Жұптар")
    return make_lesson(course, quiz=quiz_block(questions=3, pass_mark=70), title="Тест")


class Player:
    """Posts heartbeats for one playback session as the player would."""

    def __init__(self, client, lesson, video, session=None):
        self.client = client
        self.lesson = lesson
        self.video = video
        self.session = str(session or uuid.uuid4())

    def send(self, position, state="playing", rate=1.0, **overrides):
        body = {
            "lesson": self.lesson.pk,
            "video": self.video.pk,
            "session": self.session,
            "position": position,
            "rate": rate,
            "state": state,
        }
        body.update(overrides)
        return self.client.post(
            "/api/v1/progress/heartbeat",
            data=json.dumps(body),
            content_type="application/json",
        )

    def beat(self, position, state="playing", rate=1.0):
        response = self.send(position, state=state, rate=rate)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def player(signed_in, video_lesson, long_video):
    return Player(signed_in, video_lesson, long_video)


@pytest.fixture(autouse=True)
def generous_heartbeat_limit(settings):
    """Simulated viewing sends many heartbeats per simulated minute; the throttle
    has its own tests."""
    settings.PROGRESS_HEARTBEATS_PER_MINUTE = 100_000
