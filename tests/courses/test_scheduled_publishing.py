"""Scheduled publishing: a lesson published in the admin with a go-live date goes
live when ``publish_scheduled`` (run from cron, docs/deployment.md) passes that
date, and learners then see it; an expiry date takes it down the same way."""

import datetime

from django.core.management import call_command
from django.utils import timezone, translation

import pytest
from freezegun import freeze_time

from courses.factories import VideoCaptionFactory, VideoFactory
from courses.models import LessonPage
from lms.factories import UserFactory
from tests.courses.test_publishing import draft_lesson, edit_url, lesson_form

pytestmark = pytest.mark.django_db


def in_days(days: int) -> datetime.datetime:
    """A whole minute ``days`` from now, as the admin's fields can say it."""
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(second=0, microsecond=0)


def at(moment: datetime.datetime) -> str:
    """A date and time as the admin's schedule fields take them."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def editor(db):
    return UserFactory(is_staff=True, is_superuser=True, email="editor@example.kz")


@pytest.fixture
def captioned_video(db):
    video = VideoFactory()
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    return video


def lesson_seen_by(client, lesson) -> int:
    with translation.override("kk"):
        return client.get(lesson.get_url()).status_code


def test_a_lesson_goes_live_at_its_scheduled_time(
    client, editor, guide_course, captioned_video
):
    lesson = draft_lesson(guide_course, captioned_video)
    client.force_login(editor)
    go_live = in_days(2)
    form = lesson_form(captioned_video, action="action-publish")
    form["go_live_at"] = at(go_live)

    response = client.post(edit_url(lesson), form)

    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    assert lesson.scheduled_revision.approved_go_live_at == go_live
    assert lesson not in guide_course.lessons()

    with freeze_time(go_live - datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    assert not LessonPage.objects.get(pk=lesson.pk).live

    with freeze_time(go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live
    assert lesson in guide_course.lessons()
    client.logout()
    assert lesson_seen_by(client, lesson) == 200


def test_a_lesson_comes_down_at_its_expiry_time(
    client, editor, guide_course, captioned_video
):
    lesson = draft_lesson(guide_course, captioned_video)
    client.force_login(editor)
    expire = in_days(30)
    form = lesson_form(captioned_video, action="action-publish")
    form["expire_at"] = at(expire)
    assert client.post(edit_url(lesson), form).status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live
    client.logout()
    assert lesson_seen_by(client, lesson) == 200

    with freeze_time(expire + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")

    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live and lesson.expired
    assert lesson not in guide_course.lessons()
    assert lesson_seen_by(client, lesson) == 404


def test_a_scheduled_lesson_whose_video_lost_captions_is_called_off(
    client, editor, guide_course, captioned_video, caplog
):
    lesson = draft_lesson(guide_course, captioned_video)
    client.force_login(editor)
    go_live = in_days(1)
    form = lesson_form(captioned_video, action="action-publish")
    form["go_live_at"] = at(go_live)
    assert client.post(edit_url(lesson), form).status_code == 302
    # Meanwhile (the lesson is not live yet, so the video's form allows it):
    captioned_video.captions.filter(language="en").delete()

    with freeze_time(go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
        call_command("publish_scheduled")  # nothing left to try

    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    assert lesson.scheduled_revision is None
    assert "called off" in caplog.text
