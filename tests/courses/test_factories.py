"""Each factory builds, and the shared course fixture has the shape tests expect."""

import pytest

from courses.models import CoursePage


@pytest.mark.django_db
def test_guide_course_fixture_builds_three_lessons_with_a_quiz(guide_course):
    course = CoursePage.objects.get(pk=guide_course.pk)
    lessons = course.lessons()
    assert [lesson.title for lesson in lessons] == ["Сабақ 1", "Сабақ 2", "Сабақ 3"]
    assert all(len(lesson.videos()) == 1 for lesson in lessons)
    quiz = lessons[2].quiz("ru")
    assert quiz is not None and len(quiz.questions) == 3
    assert quiz.questions[0].correct == "1"
    assert quiz.pass_mark == pytest.approx(0.7)
    assert lessons[0].quiz() is None


@pytest.mark.django_db
def test_learner_fixture_keeps_iin_only_hashed_and_encrypted(learner):
    assert learner.iin == "791028302728"
    assert learner.iin_masked == "79********28"
    assert "791028302728" not in (learner.iin_hash + learner.iin_encrypted)


@pytest.mark.django_db
def test_each_courses_factory_builds(home_page):
    from courses.factories import (
        CourseIndexPageFactory,
        CoursePageFactory,
        LessonPageFactory,
        VideoCaptionFactory,
        VideoFactory,
    )
    from courses.models import CourseIndexPage, LessonPage, VideoStatus

    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index)
    lesson = LessonPageFactory(parent=course)
    caption = VideoCaptionFactory()

    assert isinstance(CourseIndexPage.objects.get(pk=index.pk), CourseIndexPage)
    assert course.get_parent().pk == index.pk
    assert LessonPage.objects.child_of(course).get().pk == lesson.pk
    assert caption.video.status == VideoStatus.READY and caption.video.is_ready
    assert caption.file.read().startswith(b"WEBVTT")
    assert VideoFactory().file.name.endswith(".mp4")
