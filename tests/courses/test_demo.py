"""courses.demo.load builds the three courses and is idempotent."""

from wagtail.models import Page, Revision, WorkflowPage

import pytest

from courses import demo
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    Video,
    VideoCaption,
)


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "videos": Video.objects.count(),
        "captions": VideoCaption.objects.count(),
        "workflow pages": WorkflowPage.objects.count(),
    }


@pytest.mark.django_db
def test_loading_twice_changes_nothing(home_page):
    demo.load(home_page, None)
    first = counts()
    demo.load(home_page, None)
    assert counts() == first


@pytest.mark.django_db
def test_demo_has_the_guide_and_both_academies(home_page):
    demo.load(home_page, None)

    index = CourseIndexPage.objects.get()
    courses = {course.kind: course for course in CoursePage.objects.live()}
    assert set(courses) == {"guide", "couples", "parents"}
    assert courses["parents"].title_kk == "Ата-аналар академиясы"
    assert courses["guide"].title_kk == "Бақытты қазақстандық отбасы"
    for course in courses.values():
        assert course.live and course.live_revision_id
        assert course.title_ru and course.title_en and course.summary_en

    guide_lessons = courses["guide"].lessons()
    assert len(guide_lessons) >= 3
    for lesson in guide_lessons:
        assert lesson.live_revision_id
        assert lesson.publish_problems() == []
        (video,) = lesson.videos()
        assert video.duration <= 15
        assert video.file.size < 150_000
        languages = {c.language for c in video.captions.all()}
        assert languages == {"kk", "ru", "en"}
        for caption in video.captions.all():
            assert caption.file.read().startswith(b"WEBVTT")
    quiz = guide_lessons[-1].quiz("kk")
    assert quiz is not None and len(quiz.questions) >= 3
    for language in ("ru", "en"):
        assert guide_lessons[-1].quiz(language).questions[0].text != (
            quiz.questions[0].text
        )
    assert len(courses["couples"].lessons()) >= 2
    assert len(courses["parents"].lessons()) >= 2
    assert LessonPage.objects.not_live().count() == 0

    assignment = WorkflowPage.objects.get(page=index)
    assert assignment.workflow.name == demo.WORKFLOW_NAME
    assert assignment.workflow.tasks.count() == 1


@pytest.mark.django_db
def test_demo_pages_are_served_in_each_language(client, home_page):
    from django.utils import translation

    demo.load(home_page, None)
    lesson = CoursePage.objects.get(kind="guide").lessons()[0]
    for language, caption in (("kk", "Нұсқаулық туралы"), ("en", "About the guide")):
        with translation.override(language):
            url = lesson.get_url()
        response = client.get(url)
        assert response.status_code == 200
        assert caption in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["couples", "parents"])
def test_a_learner_completes_each_demo_academy_by_reading_its_lessons(
    client, home_page, learner, kind, run_tasks, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate

    demo.load(home_page, None)
    client.force_login(learner)
    course = CoursePage.objects.get(kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.lessons():
            assert client.get(lesson.url).status_code == 200
    run_tasks()

    progress = client.get(f"/api/v1/progress/courses/{course.pk}").json()
    assert progress["completed"] is True
    assert progress["lessons_completed"] == progress["lessons_total"] >= 2
    certificate = Certificate.objects.get(user=learner, course=course)
    assert progress["certificate"]["number"] == certificate.number


@pytest.mark.django_db
def test_demo_course_editors_write_videos_and_pages_and_moderators_publish(
    client, home_page
):
    """Course editors keep the video library and submit course pages for review;
    only the moderators' group may publish them."""
    from django.contrib.auth.models import Group

    from lms.factories import UserFactory

    demo.load(home_page, None)
    index = CourseIndexPage.objects.get()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=demo.EDITORS))
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name=demo.MODERATORS))

    client.force_login(editor)
    assert client.get("/admin/snippets/courses/video/add/").status_code == 200
    course = CoursePage.objects.child_of(index).first()
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    editing = index.permissions_for_user(editor)
    assert editing.can_add_subpage() and not editing.can_publish_subpage()
    assert index.permissions_for_user(moderator).can_publish_subpage()
