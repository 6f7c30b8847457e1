"""A private course (a view restriction set in the admin) keeps its lessons,
quizzes and progress to those who may open its pages."""

import json
import uuid

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

import pytest

from courses.factories import CoursePageFactory, VideoFactory, make_lesson, quiz_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_course(course_index):
    course = CoursePageFactory(parent=course_index, kind="parents", title="Жабық")
    lesson = make_lesson(
        course, videos=[VideoFactory(duration=30.0)], quiz=quiz_block(questions=3)
    )
    return course, lesson


def calls(client, course, lesson):
    """Status of each progress call about the course and its lesson."""
    video = lesson.video_ids()[0]
    heartbeat = {
        "lesson": lesson.pk,
        "video": video,
        "session": str(uuid.uuid4()),
        "position": 0,
        "rate": 1,
        "state": "playing",
    }
    post = {"content_type": "application/json"}
    return [
        client.get(f"/api/v1/progress/courses/{course.pk}").status_code,
        client.get(f"/api/v1/progress/lessons/{lesson.pk}").status_code,
        client.post(f"/api/v1/progress/lessons/{lesson.pk}/open").status_code,
        client.post(
            "/api/v1/progress/heartbeat", json.dumps(heartbeat), **post
        ).status_code,
        client.post(
            f"/api/v1/progress/lessons/{lesson.pk}/quiz",
            json.dumps({"answers": {"1": "1"}}),
            **post,
        ).status_code,
    ]


def test_a_password_course_answers_only_after_the_password(signed_in, private_course):
    course, lesson = private_course
    assert calls(signed_in, course, lesson) == [200] * 5  # cached as public

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="сыр"
    )
    assert calls(signed_in, course, lesson) == [404] * 5

    session = signed_in.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    assert calls(signed_in, course, lesson) == [200] * 5


def test_a_group_course_answers_its_members(client, learner, partner, private_course):
    course, lesson = private_course
    group = Group.objects.create(name="Орталық қызметкерлері")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    learner.groups.add(group)

    client.force_login(partner)
    assert calls(client, course, lesson) == [404] * 5
    client.force_login(learner)
    assert calls(client, course, lesson) == [200] * 5

    restriction.delete()
    client.force_login(partner)
    assert calls(client, course, lesson) == [200] * 5
