"""A video's local file goes only to those who may open a lesson showing it: anyone
for a public course, those a view restriction accepts for a private one, editors
for every file. Everyone else gets the 404 of a missing video."""

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile

from wagtail.models import PageViewRestriction

import pytest

from courses.factories import CoursePageFactory, VideoFactory, make_lesson
from lms.factories import UserFactory
from tests.conftest import forget_cache_keys

pytestmark = pytest.mark.django_db

DATA = b"\x00\x00\x00\x18ftypmp42" + bytes(200)


@pytest.fixture(autouse=True)
def fresh_map():
    forget_cache_keys("*courses:lessons-by-video*")
    yield
    forget_cache_keys("*courses:lessons-by-video*")


def local_video():
    video = VideoFactory()
    video.file.save("clip.mp4", ContentFile(DATA))
    return video


def fetch(client, video):
    response = client.get(f"/videos/{video.pk}/file", HTTP_RANGE="bytes=0-9")
    if response.status_code == 206:
        assert b"".join(response.streaming_content) == DATA[:10]
    return response


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, kind="parents", title="Жабық")


def test_a_public_lesson_s_video_is_anyone_s_and_may_be_cached(client, course):
    video = local_video()
    make_lesson(course, videos=[video])
    response = fetch(client, video)
    assert response.status_code == 206
    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_video_no_live_lesson_shows_is_for_editors_only(client, learner, course):
    video = local_video()
    draft = make_lesson(course, videos=[])
    draft.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    draft.save_revision()  # a draft: not yet shown to anyone

    assert fetch(client, video).status_code == 404
    client.force_login(learner)
    assert fetch(client, video).status_code == 404

    editor = UserFactory(iin="")
    editor.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    client.force_login(editor)
    response = fetch(client, video)
    assert response.status_code == 206
    assert response["Cache-Control"] == "private, max-age=3600"

    draft.get_latest_revision().publish()
    client.logout()
    assert fetch(client, video).status_code == 206  # published: public at once


def test_a_lesson_taken_down_takes_its_video_with_it(client, course):
    video = local_video()
    lesson = make_lesson(course, videos=[video])
    assert fetch(client, video).status_code == 206
    lesson.unpublish()
    assert fetch(client, video).status_code == 404

    lesson.save_revision().publish()
    assert fetch(client, video).status_code == 206
    course.unpublish()  # its lessons stay live
    assert fetch(client, video).status_code == 404  # its course is not live


def test_a_password_course_s_video_only_after_the_password(client, learner, course):
    video = local_video()
    make_lesson(course, videos=[video])
    assert fetch(client, video).status_code == 206  # the map now says public

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="сыр"
    )
    client.force_login(learner)
    assert fetch(client, video).status_code == 404

    session = client.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    response = fetch(client, video)
    assert response.status_code == 206
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_group_course_s_video_goes_to_its_members(client, learner, partner, course):
    video = local_video()
    make_lesson(course, videos=[video])
    group = Group.objects.create(name="Орталық қызметкерлері")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    learner.groups.add(group)

    client.force_login(partner)
    assert fetch(client, video).status_code == 404
    client.force_login(learner)
    assert fetch(client, video).status_code == 206

    restriction.delete()
    client.force_login(partner)
    assert fetch(client, video).status_code == 206


def test_a_video_also_shown_by_a_public_lesson_stays_public(
    client, course, course_index
):
    video = local_video()
    make_lesson(course, videos=[video])
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    assert fetch(client, video).status_code == 404
    make_lesson(CoursePageFactory(parent=course_index), videos=[video])
    response = fetch(client, video)
    assert response.status_code == 206
    assert response["Cache-Control"] == "public, max-age=3600"
