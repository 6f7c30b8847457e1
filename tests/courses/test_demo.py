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
    *reading, module = courses["parents"].lessons()
    assert len(reading) >= 2 and all(not lesson.videos() for lesson in reading)
    # The parents' last module has a video to stop in and resume, and a question.
    assert module.publish_problems() == []
    (video,) = module.videos()
    assert {c.language for c in video.captions.all()} == {"kk", "ru", "en"}
    questions = {code: module.quiz(code).questions for code in ("kk", "ru", "en")}
    assert [len(q) for q in questions.values()] == [1, 1, 1]
    assert len({q[0].text for q in questions.values()}) == 3
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
def test_a_learner_completes_the_demo_couples_academy_by_reading_and_answering(
    client, home_page, learner, run_tasks, django_capture_on_commit_callbacks
):
    """Reading both lessons is not enough: the last one asks its questions."""
    import json

    from certificates.models import Certificate

    demo.load(home_page, None)
    client.force_login(learner)
    course = CoursePage.objects.get(kind="couples")
    for lesson in course.lessons():
        assert client.get(lesson.url).status_code == 200
    progress = client.get(f"/api/v1/progress/courses/{course.pk}").json()
    assert progress["completed"] is False
    assert progress["lessons_completed"] == progress["lessons_total"] - 1

    last = course.lessons()[-1]
    quiz = last.quiz("en")
    assert [question.text for question in quiz.questions] == [
        "Is pre-marriage counselling at the family support centres paid for?",
        "In the «Бақытты отбасы» project, what share of cases ended in "
        "reconciliation in 2024?",
    ]
    answers = {question.id: question.correct for question in quiz.questions}
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            f"/api/v1/progress/lessons/{last.pk}/quiz",
            json.dumps({"answers": answers}),
            content_type="application/json",
        )
    assert answered.status_code == 200 and answered.json()["passed"] is True
    run_tasks()

    progress = client.get(f"/api/v1/progress/courses/{course.pk}").json()
    assert progress["completed"] is True
    assert progress["lessons_completed"] == progress["lessons_total"] >= 2
    certificate = Certificate.objects.get(user=learner, course=course)
    assert progress["certificate"]["number"] == certificate.number


@pytest.mark.django_db
def test_the_parents_academy_asks_for_its_video_and_question(
    client, home_page, learner
):
    """Reading completes the parents' text modules; the last one also needs its
    video watched and its question answered."""
    demo.load(home_page, None)
    client.force_login(learner)
    course = CoursePage.objects.get(kind="parents")
    for lesson in course.lessons():
        assert client.get(lesson.url).status_code == 200

    progress = client.get(f"/api/v1/progress/courses/{course.pk}").json()
    assert progress["completed"] is False
    assert progress["lessons_completed"] == progress["lessons_total"] - 1
    module = course.lessons()[-1]
    assert [lesson["completed"] for lesson in progress["lessons"]][-1] is False
    state = client.get(f"/api/v1/progress/lessons/{module.pk}").json()
    assert [v["completed"] for v in state["videos"]] == [False]
    assert state["quiz"]["passed"] is False


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
    # Moderators see and mend a video's captions, which can hold a lesson back.
    client.force_login(moderator)
    video = Video.objects.first()
    assert (
        client.get(f"/admin/snippets/courses/video/edit/{video.pk}/").status_code == 200
    )
    # Both see the results of what they publish (PRODUCT.md, journey 6).
    for person in (editor, moderator):
        client.force_login(person)
        assert client.get("/admin/figures/drop-off/").status_code == 200
