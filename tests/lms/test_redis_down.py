"""When Redis (the cache, the rate-limit counters and the task queue) cannot be
reached or hangs, pages and APIs keep answering and nothing is lost.

Nothing listens on port 1 of the loopback interface, so connecting there fails at
once, as with a Redis that is down.
"""

import json
import os
import socket
import time
import uuid

from django.core.cache import caches

from wagtail.models import ReferenceIndex
from wagtail.users.models import UserProfile

import pytest
import redis

from courses.factories import CoursePageFactory, VideoFactory, make_lesson
from lms import cache as lms_cache
from lms.factories import UserFactory
from registry.services import create_client
from tests.lms.i18n import tr

DOWN = "redis://127.0.0.1:1/0"
REDIS_URL = os.environ.get("REDIS_URL", "")


def use_redis(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "lms-test-outage",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {
        "default": {"BACKEND": "lms.queue.RQBackend", "QUEUES": ["default"]}
    }
    lms_cache._outages.pop((url,), None)


@pytest.fixture
def redis_down(settings):
    use_redis(settings, DOWN)
    yield
    lms_cache._outages.pop((DOWN,), None)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def test_pages_lessons_and_heartbeats_work_while_redis_is_down(
    redis_down, signed_in, guide_course
):
    lesson = guide_course.lessons()[0]
    assert signed_in.get("/kk/").status_code == 200
    assert signed_in.get(lesson.url).status_code == 200
    progress = signed_in.get(f"/api/v1/progress/courses/{guide_course.pk}")
    assert progress.status_code == 200
    assert progress.json()["lessons_completed"] == 0

    heartbeat = signed_in.post(
        "/api/v1/progress/heartbeat",
        {
            "lesson": lesson.pk,
            "video": lesson.video_ids()[0],
            "session": str(uuid.uuid4()),
            "position": 0,
            "rate": 1,
            "state": "playing",
        },
        content_type="application/json",
    )
    assert heartbeat.status_code == 200
    assert heartbeat.json()["watched_seconds"] == 0


@pytest.mark.django_db
def test_sign_in_is_refused_with_a_page_that_says_why(redis_down, client, settings):
    """allauth's limits fail closed: they cannot count attempts, so none pass."""
    settings.ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "5/5m/key"}
    account = UserFactory(email="outage@example.kz")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/",
        {"login": account.email, "password": "pass-word-123"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert tr("Signing in and signing up are briefly unavailable", "ru") in html
    assert tr("Too many requests", "ru") not in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_registry_calls_are_answered_and_limited_per_process(redis_down, client):
    """The registry keeps working; its limit is counted in the process's memory."""
    _client, token = create_client("ЗАГС (сбой Redis)", rate_limit=2)

    def call():
        return client.post(
            "/api/v1/registry/guide-status",
            json.dumps({"iins": ["791028302728"]}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert [call().status_code for _ in range(2)] == [200, 200]
    refused = call()
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "detail" in refused.json()


def test_publishing_a_page_while_the_queue_is_down_indexes_it_in_the_request(
    redis_down, course_index
):
    course = CoursePageFactory(parent=course_index, kind="parents")
    lesson = make_lesson(course, videos=[VideoFactory()])
    ReferenceIndex.objects.filter(object_id=str(lesson.pk)).delete()
    lesson.title = "Жаңа атау"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert lesson.live and lesson.title == "Жаңа атау"
    # Wagtail's reference index update ran here instead of on the queue.
    assert ReferenceIndex.objects.filter(object_id=str(lesson.pk)).exists()


@pytest.mark.django_db
def test_sync_with_mux_says_the_queue_is_down(redis_down, client):
    editor = UserFactory(is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"  # messages in English, to compare
    profile.save()
    client.force_login(editor)
    video = VideoFactory()
    response = client.post(f"/admin/courses/videos/{video.pk}/mux-sync/", follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert "The task queue cannot be reached. Try again in a few minutes." in messages


def test_a_hung_redis_costs_one_timeout_not_one_per_operation(settings):
    """A server that accepts connections and never replies, like a stuck Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    use_redis(settings, url)
    try:
        started = time.monotonic()
        values = [caches["default"].get(f"key-{n}", "missed") for n in range(20)]
        caches["default"].set("key", "value")
        elapsed = time.monotonic() - started
    finally:
        listener.close()
        lms_cache._outages.pop((url,), None)
    assert values == ["missed"] * 20
    assert elapsed < 3  # one 0.5 s timeout, then Redis is left alone


@pytest.mark.django_db
def test_a_session_ended_while_redis_is_down_does_not_come_back(
    settings, client, monkeypatch
):
    """Signing out deletes the session from the database; the copy Redis kept is
    deleted as soon as Redis answers again, not read back."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    use_redis(settings, REDIS_URL)
    client.force_login(UserFactory())
    assert client.get("/accounts/email/").status_code == 200  # signed in, cached
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    with monkeypatch.context() as outage:
        outage.setattr(redis.Redis, "execute_command", unreachable)
        assert client.post("/accounts/logout/").status_code == 302
    lms_cache._outages[(REDIS_URL,)].retry_at = 0  # the retry time has come

    client.cookies[settings.SESSION_COOKIE_NAME] = session_key  # kept by an attacker
    response = client.get("/accounts/email/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    lms_cache._outages.pop((REDIS_URL,), None)
