"""Completion: video → lesson → course → one certificate request."""

import json

from django.core.management import CommandError, call_command

import pytest
import redis

from certificates.models import Certificate
from courses.factories import LessonPageFactory, VideoFactory, make_lesson
from progress import services
from progress.models import (
    CourseCompletion,
    Enrollment,
    LessonCompletion,
    VideoProgress,
)
from tests.progress.conftest import Player


def watch(client, lesson, video, clock, language="kk"):
    """Watch the whole video honestly at 2× with a heartbeat every 2 s."""
    player = Player(client, lesson, video)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    position = 0.0
    player.client.defaults.update(headers)
    player.beat(position, rate=2.0)
    while position < video.duration:
        clock.tick(2)
        position = min(video.duration, position + 4)
        answer = player.beat(position, rate=2.0)
    return answer


def pass_quiz(client, lesson, answers=None):
    answers = answers or {"1": "1", "2": "1", "3": "1"}
    return client.post(
        f"/api/v1/progress/lessons/{lesson.pk}/quiz",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )


def course_api(client, course):
    response = client.get(f"/api/v1/progress/courses/{course.pk}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_completing_the_guide_issues_one_certificate(
    signed_in,
    clock,
    guide_course,
    learner,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    lessons = guide_course.lessons()
    assert course_api(signed_in, guide_course)["lessons_completed"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            answer = watch(signed_in, lesson, lesson.videos()[0], clock)
            assert answer["completed"] is True
        state = course_api(signed_in, guide_course)
        # The last lesson still waits for its quiz.
        assert state["lessons_completed"] == 2
        assert state["completed"] is False
        assert state["lessons"] == [
            {"id": lessons[0].pk, "completed": True},
            {"id": lessons[1].pk, "completed": True},
            {"id": lessons[2].pk, "completed": False},
        ]
        assert pass_quiz(signed_in, lessons[2]).json() == {"score": 1.0, "passed": True}
    run_tasks()

    state = course_api(signed_in, guide_course)
    assert state["completed"] is True
    assert state["lessons_completed"] == state["lessons_total"] == 3
    completion = CourseCompletion.objects.get(user=learner, course=guide_course)
    assert completion.certificate_requested_at is not None
    certificate = Certificate.objects.get(user=learner, course=guide_course)
    number = certificate.number
    assert state["certificate"] == {
        "number": number,
        "pdf_url": f"/certificates/{number}/pdf",
        "credential_url": f"/certificates/{number}/credential.jwt",
        "verify_url": f"/certificates/verify/{number}/",
    }
    assert Enrollment.objects.get(user=learner, course=guide_course).completed_at

    # Watching again and passing the quiz again changes nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        watch(signed_in, lessons[0], lessons[0].videos()[0], clock)
        pass_quiz(signed_in, lessons[2])
    assert callbacks == []
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_a_lesson_needs_its_quiz_passed(signed_in, clock, guide_course, learner):
    lesson = guide_course.lessons()[2]
    failed = pass_quiz(signed_in, lesson, {"1": "2", "2": "2", "3": "1"})
    assert failed.json() == {"score": 0.3333, "passed": False}
    watch(signed_in, lesson, lesson.videos()[0], clock)
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    assert pass_quiz(signed_in, lesson).json()["passed"] is True
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


@pytest.mark.django_db
def test_a_lesson_with_two_videos_needs_both(signed_in, clock, course_index, learner):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory(parent=course_index, kind="parents")
    first, second = VideoFactory(), VideoFactory()
    lesson = make_lesson(course, videos=[first, second])
    watch(signed_in, lesson, first, clock)
    state = signed_in.get(f"/api/v1/progress/lessons/{lesson.pk}").json()
    assert state["completed"] is False
    assert [v["completed"] for v in state["videos"]] == [True, False]
    watch(signed_in, lesson, second, clock)
    state = signed_in.get(f"/api/v1/progress/lessons/{lesson.pk}").json()
    assert state["completed"] is True
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
def test_lessons_published_later_do_not_take_the_completion_away(
    signed_in, clock, guide_course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in guide_course.lessons():
            watch(signed_in, lesson, lesson.videos()[0], clock)
        pass_quiz(signed_in, guide_course.lessons()[2])
    assert course_api(signed_in, guide_course)["completed"] is True

    make_lesson(guide_course, videos=[VideoFactory()], title="Жаңа сабақ")
    state = course_api(signed_in, guide_course)
    assert state["lessons_total"] == 4
    assert state["lessons_completed"] == 3
    assert state["completed"] is True
    assert CourseCompletion.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_the_guide_counts_once_whichever_language_it_was_watched_in(
    signed_in,
    clock,
    guide_course,
    learner,
    django_capture_on_commit_callbacks,
    run_tasks,
):
    lessons = guide_course.lessons()
    with django_capture_on_commit_callbacks(execute=True):
        watch(signed_in, lessons[0], lessons[0].videos()[0], clock, language="kk")
        watch(signed_in, lessons[1], lessons[1].videos()[0], clock, language="ru")
        watch(signed_in, lessons[2], lessons[2].videos()[0], clock, language="en")
        pass_quiz(signed_in, lessons[2])
        # And once more, entirely in Russian.
        for lesson in lessons:
            watch(signed_in, lesson, lesson.videos()[0], clock, language="ru")
    run_tasks()
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_a_course_without_lessons_is_never_complete(learner, course_index):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory(parent=course_index)
    assert services.check_course_completion(learner, course, "kk") is None
    assert not CourseCompletion.objects.exists()


@pytest.mark.django_db
def test_a_draft_lesson_does_not_count(signed_in, clock, guide_course, learner):
    draft = LessonPageFactory(parent=guide_course, live=False, title="Жоба")
    assert course_api(signed_in, guide_course)["lessons_total"] == 3
    assert draft.pk not in [
        row["id"] for row in course_api(signed_in, guide_course)["lessons"]
    ]


@pytest.mark.django_db
def test_queue_down_leaves_the_request_for_the_catch_up(
    signed_in,
    clock,
    guide_course,
    learner,
    monkeypatch,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    from certificates import tasks

    def queue_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    backend = type(tasks.issue_certificate.get_backend())
    monkeypatch.setattr(backend, "enqueue", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in guide_course.lessons():
            watch(signed_in, lesson, lesson.videos()[0], clock)
        pass_quiz(signed_in, guide_course.lessons()[2])
    completion = CourseCompletion.objects.get(user=learner)
    assert completion.certificate_requested_at is None
    assert not Certificate.objects.exists()

    # Still down: the catch-up tries, leaves it pending and fails, as cron
    # should see.
    with pytest.raises(
        CommandError, match="1 certificate request.*could not be queued"
    ):
        call_command("request_pending_certificates")
    completion.refresh_from_db()
    assert completion.certificate_requested_at is None

    monkeypatch.undo()
    call_command("request_pending_certificates")
    run_tasks()
    completion.refresh_from_db()
    assert completion.certificate_requested_at is not None
    assert Certificate.objects.filter(user=learner).count() == 1
    # Running it again requests nothing more.
    call_command("request_pending_certificates")
    run_tasks()
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_catch_up_re_requests_a_stale_request_without_certificate(
    learner, guide_course, run_tasks, clock
):
    from datetime import timedelta

    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    CourseCompletion.objects.filter(pk=completion.pk).update(
        certificate_requested_at=clock() - timedelta(hours=3)
    )
    assert services.request_pending_certificates(stale_after=None).enqueued == 0
    assert (
        services.request_pending_certificates(stale_after=timedelta(hours=1)).enqueued
        == 1
    )
    run_tasks()
    assert Certificate.objects.filter(user=learner).count() == 1
    assert (
        services.request_pending_certificates(stale_after=timedelta(hours=1)).enqueued
        == 0
    )


@pytest.mark.django_db
def test_video_progress_is_one_row_per_learner_and_video(
    signed_in, clock, guide_course, learner
):
    lesson = guide_course.lessons()[0]
    for _ in range(3):
        watch(signed_in, lesson, lesson.videos()[0], clock)
    assert VideoProgress.objects.filter(user=learner).count() == 1
