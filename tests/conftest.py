"""Shared fixtures: the Wagtail site tree, a course, learners."""

from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from wagtail.models import Locale, Page, Site

import pytest

from courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    VideoFactory,
    make_lesson,
    quiz_block,
)
from home.factories import HomePageFactory
from lms.factories import VALID_IINS, UserFactory


def forget_cache_keys(pattern: str) -> None:
    """Delete the shared cache's keys matching ``pattern`` (a Redis glob); the
    local-memory cache of runs without Redis is cleared whole."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=pattern))
        if keys:
            redis.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def no_cached_lessons_by_video():
    """Which lessons show each video is cached across requests; a test's rolled
    back pages must not be seen by the next test, whose ids may be the same."""
    from django.core.cache import cache

    from courses import access

    yield
    cache.delete(access.LESSONS_BY_VIDEO_KEY)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Kazakh: a request in another language leaves that
    language active in the thread, which must not leak into the next test."""
    translation.activate("kk")
    yield
    translation.activate("kk")


@pytest.fixture
def home_page(db):
    """A HomePage serving as the default site's root."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def course_index(home_page):
    return CourseIndexPageFactory(parent=home_page)


@pytest.fixture
def guide_course(course_index):
    """The mandatory guide with two video lessons and a final lesson with a quiz."""
    course = CoursePageFactory(
        parent=course_index, kind="guide", title="Бақытты отбасы"
    )
    make_lesson(course, videos=[VideoFactory()], title="Сабақ 1")
    make_lesson(course, videos=[VideoFactory()], title="Сабақ 2")
    make_lesson(course, videos=[VideoFactory()], quiz=quiz_block(), title="Сабақ 3")
    return course


@pytest.fixture
def learner(db):
    return UserFactory(iin=VALID_IINS[0])


@pytest.fixture
def partner(db):
    return UserFactory(iin=VALID_IINS[1], first_name="Нұрлан", last_name="Сейітов")


@pytest.fixture
def run_tasks(settings):
    """Run the background tasks enqueued so far, whatever the configured backend.

    With the immediate backend tasks already ran when they were enqueued. With RQ
    (``REDIS_URL`` set, as in CI) an in-process worker drains the queue, using the
    test database connection.
    """
    backend = settings.TASKS["default"]["BACKEND"]
    if "RQBackend" not in backend:
        yield lambda: None
        return

    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()

    def drain():
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True, with_scheduler=False)

    yield drain
    queue.empty()


def _is_transactional(request) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def tree_root(request):
    """Wagtail's default locale and root page in transactional tests.

    Migrations create them; the flush that ends an earlier transactional test removes
    them, and gives content types new ids that the in-process cache does not know.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    ContentType.objects.clear_cache()
    locale, _ = Locale.objects.get_or_create(
        language_code=django_settings.LANGUAGE_CODE
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@pytest.fixture
def signing_key(settings):
    """A Mux signing key (RS256, base64 of a PEM, as Mux hands it out) in the
    settings; returns its public key to check tokens with."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    settings.MUX_SIGNING_KEY_ID = "key-abc"
    settings.MUX_SIGNING_KEY_PRIVATE = base64.b64encode(pem).decode()
    return key.public_key()
