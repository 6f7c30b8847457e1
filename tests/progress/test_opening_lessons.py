"""Opening a lesson: a lesson with only text to read is complete once the learner
opens it, and a lesson whose videos were watched elsewhere is recorded complete."""

from types import SimpleNamespace

import pytest

from certificates.models import Certificate
from courses.factories import CoursePageFactory, VideoFactory, make_lesson, quiz_block
from progress.models import CourseCompletion, Enrollment, LessonCompletion
from tests.progress.test_completion import course_api, pass_quiz, watch


@pytest.fixture
def reading_course(course_index):
    """A parents' academy course of two lessons with only text in them."""
    course = CoursePageFactory(parent=course_index, kind="parents", title="Оқу")
    first = make_lesson(course, title="Бірінші")
    second = make_lesson(course, title="Екінші")
    return course, first, second


def open_api(client, lesson):
    return client.post(f"/api/v1/progress/lessons/{lesson.pk}/open")


@pytest.mark.django_db
def test_a_course_of_text_lessons_completes_when_each_is_opened(
    signed_in, learner, reading_course, run_tasks, django_capture_on_commit_callbacks
):
    course, first, second = reading_course
    assert course_api(signed_in, course)["lessons_completed"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.get(first.url)
        assert response.status_code == 200
        assert Enrollment.objects.filter(user=learner, course=course).exists()
        assert course_api(signed_in, course)["completed"] is False
        assert signed_in.get(second.url).status_code == 200
    run_tasks()

    state = course_api(signed_in, course)
    assert (state["lessons_completed"], state["completed"]) == (2, True)
    assert state["certificate"]["number"]
    assert Certificate.objects.filter(user=learner, course=course).count() == 1


@pytest.mark.django_db
def test_the_open_call_completes_a_text_lesson_for_other_clients(
    signed_in, reading_course
):
    _course, first, _second = reading_course

    response = open_api(signed_in, first)

    assert response.status_code == 200
    assert response.json() == {
        "lesson": first.pk,
        "completed": True,
        "videos": [],
        "quiz": None,
    }
    assert open_api(signed_in, first).json()["completed"] is True  # idempotent


@pytest.mark.django_db
def test_opening_a_lesson_with_a_video_or_a_quiz_completes_nothing(
    signed_in, learner, course_index, clock
):
    course = CoursePageFactory(parent=course_index, kind="parents")
    with_video = make_lesson(course, videos=[VideoFactory()])

    with_quiz = make_lesson(course, quiz=quiz_block(questions=3, pass_mark=70))

    assert signed_in.get(with_video.url).status_code == 200
    assert signed_in.get(with_quiz.url).status_code == 200
    assert open_api(signed_in, with_video).json()["completed"] is False
    assert open_api(signed_in, with_quiz).json()["completed"] is False
    assert not LessonCompletion.objects.filter(user=learner).exists()
    # Only looking starts nothing: the reports do not count the visitor.
    assert not Enrollment.objects.filter(user=learner).exists()

    assert pass_quiz(signed_in, with_quiz).json()["passed"] is True
    assert open_api(signed_in, with_quiz).json()["completed"] is True


@pytest.mark.django_db
def test_a_video_watched_in_another_course_completes_the_lesson_once_opened(
    signed_in, learner, course_index, clock
):
    video = VideoFactory(duration=20.0)
    first = make_lesson(CoursePageFactory(parent=course_index), videos=[video])
    other_course = CoursePageFactory(parent=course_index, kind="couples")
    other = make_lesson(other_course, videos=[video])
    watch(signed_in, first, video, clock)
    assert LessonCompletion.objects.filter(user=learner, lesson=first).exists()
    assert not LessonCompletion.objects.filter(user=learner, lesson=other).exists()

    assert signed_in.get(other.url).status_code == 200

    assert LessonCompletion.objects.filter(user=learner, lesson=other).exists()
    assert CourseCompletion.objects.filter(user=learner, course=other_course).exists()


@pytest.mark.django_db
def test_visitors_and_previews_complete_nothing(
    client, admin_client, learner, reading_course
):
    _course, first, _second = reading_course

    assert client.get(first.url).status_code == 200
    assert client.post(f"/api/v1/progress/lessons/{first.pk}/open").status_code == 401
    preview = admin_client.get(f"/admin/pages/{first.pk}/edit/preview/")
    assert preview.status_code == 200
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_a_lesson_of_an_unpublished_course_counts_for_nothing(
    signed_in, reading_course
):
    course, first, _second = reading_course
    course.unpublish()

    assert open_api(signed_in, first).status_code == 404
    assert not LessonCompletion.objects.exists()


# -- an editor's change to a course ------------------------------------------------


@pytest.mark.django_db
def test_unpublishing_the_lesson_a_learner_left_completes_the_course(
    signed_in,
    learner,
    course_index,
    clock,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    course = CoursePageFactory(parent=course_index, kind="parents")
    first = make_lesson(course, videos=[VideoFactory(duration=20.0)])
    left = make_lesson(course, videos=[VideoFactory(duration=20.0)])
    watch(signed_in, first, first.videos()[0], clock)
    assert course_api(signed_in, course)["completed"] is False

    with django_capture_on_commit_callbacks(execute=True):
        left.unpublish()  # queues the check on commit
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the check, which requests the certificate on commit
    run_tasks()  # issuing

    state = course_api(signed_in, course)
    assert (state["lessons_total"], state["completed"]) == (1, True)
    assert Certificate.objects.filter(user=learner, course=course).count() == 1


@pytest.mark.django_db
def test_a_lesson_published_again_without_the_unwatched_video_completes(
    signed_in,
    learner,
    course_index,
    clock,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    course = CoursePageFactory(parent=course_index, kind="parents")
    watched, unwatched = VideoFactory(duration=20.0), VideoFactory(duration=20.0)
    lesson = make_lesson(course, videos=[watched, unwatched])
    reading = make_lesson(course, title="Оқу")
    watch(signed_in, lesson, watched, clock)
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

    lesson.body_kk = [{"type": "video", "value": {"video": watched.pk}}]
    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision().publish()
    run_tasks()

    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    # The text lesson still waits to be opened.
    assert not LessonCompletion.objects.filter(user=learner, lesson=reading).exists()
    assert not CourseCompletion.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_with_the_queue_down_opening_a_lesson_catches_up(
    signed_in,
    learner,
    course_index,
    clock,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from progress import tasks

    def queue_down(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "recheck_course", SimpleNamespace(enqueue=queue_down))
    course = CoursePageFactory(parent=course_index, kind="parents")
    first = make_lesson(course, videos=[VideoFactory(duration=20.0)])
    left = make_lesson(course, videos=[VideoFactory(duration=20.0)])
    watch(signed_in, first, first.videos()[0], clock)
    with django_capture_on_commit_callbacks(execute=True):
        left.unpublish()  # the check cannot be queued; the editor's change stands
    assert not left.live
    assert not CourseCompletion.objects.filter(user=learner).exists()

    assert signed_in.get(first.url).status_code == 200

    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
def test_a_lesson_moved_to_another_course_counts_there_at_once(
    signed_in, learner, course_index, clock
):
    from progress import services

    first = CoursePageFactory(parent=course_index, kind="parents")
    second = CoursePageFactory(parent=course_index, kind="couples")
    video = VideoFactory(duration=20.0)
    lesson = make_lesson(first, videos=[video])
    assert services.lesson_structure(lesson.pk).course_id == first.pk

    lesson.move(second, pos="last-child")

    assert services.lesson_structure(lesson.pk).course_id == second.pk
    watch(signed_in, lesson, video, clock)
    assert CourseCompletion.objects.filter(user=learner, course=second).exists()
    assert not CourseCompletion.objects.filter(user=learner, course=first).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_PURPOSE": "prefetch"},
    ],
)
def test_a_page_another_site_sent_the_browser_to_completes_nothing(
    signed_in, learner, reading_course, headers
):
    """A link or script on another site (the session cookie is ``SameSite=Lax``)
    or a prefetch must not complete lessons in the learner's name: the page asks
    its script to count the opening through the CSRF-checked ``open`` call."""
    course, first, _second = reading_course

    response = signed_in.get(first.url, **headers)

    assert response.status_code == 200
    assert b"data-open-lesson" in response.content
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert not Enrollment.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["same-origin", "none", None])
def test_a_page_the_learner_opened_counts_at_once(
    signed_in, learner, reading_course, site
):
    _course, first, _second = reading_course
    headers = {"HTTP_SEC_FETCH_SITE": site} if site else {}

    response = signed_in.get(first.url, **headers)

    assert b"data-open-lesson" not in response.content
    assert LessonCompletion.objects.filter(user=learner, lesson=first).exists()


@pytest.mark.django_db
def test_the_open_call_needs_the_csrf_token(learner, reading_course):
    from django.test import Client

    _course, first, _second = reading_course
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    response = open_api(browser, first)

    assert response.status_code == 403
    assert not LessonCompletion.objects.filter(user=learner).exists()
