"""The mandatory guide is one course, and each of its lessons has video to watch:
the registration service accepts its certificates, so none may be earned from a
second guide or from a lesson with nothing to watch."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail.users.models import UserProfile

import pytest

from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    VideoCaptionFactory,
    VideoFactory,
)
from courses.models import CoursePage, LessonPage
from lms.factories import UserFactory
from tests.courses.test_publishing import lesson_form


def captioned_video(title="Бейне"):
    video = VideoFactory(title=title)
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    return video


def live_guide(course_index, title="Нұсқаулық"):
    course = CoursePageFactory(parent=course_index, kind="guide", title=title)
    lesson = LessonPageFactory(parent=course)
    lesson.body_kk = [{"type": "video", "value": {"video": captioned_video().pk}}]
    lesson.save_revision().publish()
    return course


def course_form(course, action="action-publish", kind="guide"):
    data = nested_form_data(
        {
            **{f"title_{code}": course.title for code in ("kk", "ru", "en")},
            **{f"slug_{code}": course.slug for code in ("kk", "ru", "en")},
            "kind": kind,
            "estimated_minutes": "10",
            "summary_kk": "Мазмұны",
            "comments": inline_formset([]),
        }
    )
    data[action] = "1"
    return data


@pytest.mark.django_db
def test_a_guide_lesson_with_no_video_is_not_published(client, editor, course_index):
    guide = live_guide(course_index)
    text_only = LessonPageFactory(parent=guide, live=False, title="Мәтін")
    text_only.body_kk = [{"type": "paragraph", "value": "<p>Мәтін</p>"}]
    revision = text_only.save_revision()

    with translation.override("en"), pytest.raises(ValidationError, match="no video"):
        revision.publish()
    client.force_login(editor)
    data = lesson_form(captioned_video(), action="action-publish")
    data["body_kk-count"] = "0"
    response = client.post(f"/admin/pages/{text_only.pk}/edit/", data)
    assert response.status_code == 200
    assert "each lesson of the mandatory guide shows at least one" in (
        response.content.decode()
    )
    assert not LessonPage.objects.get(pk=text_only.pk).live

    # An academy's lesson may be text only.
    academy = CoursePageFactory(parent=course_index, kind="parents")
    reading = LessonPageFactory(parent=academy, live=False)
    reading.save_revision().publish()
    assert LessonPage.objects.get(pk=reading.pk).live


@pytest.mark.django_db
def test_a_second_guide_is_not_published_while_one_is_live(
    client, editor, course_index
):
    first = live_guide(course_index, "Бірінші")
    second = CoursePageFactory(
        parent=course_index, kind="guide", title="Екінші", live=False
    )

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="«Бірінші» is the live mandatory guide"),
    ):
        second.save_revision().publish()

    client.force_login(editor)
    response = client.post(f"/admin/pages/{second.pk}/edit/", course_form(second))
    assert response.status_code == 200
    assert "is the live mandatory guide" in response.content.decode()
    # Bulk "Publish" refuses too, before publishing anything.
    url = f"/admin/bulk/wagtailcore/page/publish/?id={second.pk}&next=/admin/pages/"
    response = client.post(url, {}, follow=True)
    assert "is the live mandatory guide" in response.content.decode()
    assert not CoursePage.objects.get(pk=second.pk).live

    # A draft can be saved; once the first is unpublished, the second goes live.
    response = client.post(
        f"/admin/pages/{second.pk}/edit/", course_form(second, action="action-save")
    )
    assert response.status_code == 302
    first.unpublish()
    second.get_latest_revision().publish()
    assert CoursePage.objects.get(pk=second.pk).live


@pytest.mark.django_db
def test_a_copy_of_the_live_guide_is_kept_as_a_draft(client, editor, course_index):
    guide = live_guide(course_index)
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/{guide.pk}/copy/",
        {
            "new_title_kk": "Көшірме",
            "new_slug_kk": "koshirme",
            "new_title_ru": "Копия",
            "new_slug_ru": "kopiya",
            "new_title_en": "Copy",
            "new_slug_en": "copy",
            "new_parent_page": course_index.pk,
            "copy_subpages": "on",
            "publish_copies": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    copy = CoursePage.objects.get(slug_kk="koshirme")
    assert not copy.live
    assert "is kept as a draft" in response.content.decode()
    assert list(CoursePage.objects.live().filter(kind="guide")) == [guide]


@pytest.mark.django_db
def test_a_live_course_becomes_the_guide_only_if_its_lessons_keep_the_rule(
    client, editor, course_index
):
    academy = CoursePageFactory(parent=course_index, kind="couples", title="Жұптар")
    reading = LessonPageFactory(parent=academy, title="Оқу")
    reading.save_revision().publish()

    client.force_login(editor)
    response = client.post(f"/admin/pages/{academy.pk}/edit/", course_form(academy))
    assert response.status_code == 200
    assert "«Оқу»: It shows no video" in response.content.decode()
    assert CoursePage.objects.get(pk=academy.pk).kind == "couples"


@pytest.mark.django_db
def test_a_scheduled_publication_called_off_is_in_the_pages_history(course_index):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    guide = live_guide(course_index)
    video = VideoFactory(title="Жартылай")
    VideoCaptionFactory(video=video, language="kk")
    lesson = LessonPageFactory(parent=guide, live=False)
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    revision = lesson.save_revision(
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    call_command("publish_scheduled")

    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert not LessonPage.objects.get(pk=lesson.pk).live
    entry = PageLogEntry.objects.get(
        page=lesson, action="courses.publication_called_off"
    )
    # The history reads in each staff member's language.
    for language, said in (
        ("en", "The video «Жартылай» has no captions in: Russian, English."),
        ("ru", "У видео «Жартылай» нет субтитров на языках: Русский, Английский."),
    ):
        with translation.override(language):
            message = PageLogEntry.objects.get(pk=entry.pk).message
            assert str(message).endswith(said), str(message)


@pytest.mark.django_db
def test_who_scheduled_a_publication_called_off_is_told_by_e_mail(
    course_index, mailoutbox
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    guide = live_guide(course_index)
    video = VideoFactory(title="Жартылай & «B»")
    VideoCaptionFactory(video=video, language="kk")
    author, owner = UserFactory(email="author@example.kz"), UserFactory()
    UserProfile.objects.update_or_create(
        user=author, defaults={"preferred_language": "ru"}
    )
    lesson = LessonPageFactory(
        parent=guide, live=False, title="Сабақ", title_ru="Урок & «1»", owner=owner
    )
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save_revision(
        user=author,
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    call_command("publish_scheduled")

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [author.email, owner.email]
    )
    (to_author,) = [mail for mail in mailoutbox if mail.to == [author.email]]
    assert to_author.subject.endswith("Страница «Урок & «1»» не опубликована")
    assert (
        "У видео «Жартылай & «B»» нет субтитров на языках: Русский, Английский."
        in to_author.body
    )
    assert f"/admin/pages/{lesson.pk}/edit/" in to_author.body
    call_command("publish_scheduled")  # nothing left to call off: told once
    assert len(mailoutbox) == 2


def video_edit_data(client, video, **changes):
    form = client.get(f"/admin/snippets/courses/video/edit/{video.pk}/").context["form"]
    return {
        **{
            name: value
            for name, value in form.initial.items()
            if isinstance(value, str | int | float) and name != "file"
        },
        **nested_form_data(
            {
                "captions": inline_formset(
                    [
                        {"id": c.pk, "language": c.language, "ORDER": number}
                        for number, c in enumerate(
                            video.captions.order_by("sort_order", "pk"), start=1
                        )
                    ],
                    initial=video.captions.count(),
                )
            }
        ),
        **changes,
    }


def demo_editor_and_moderator():
    """A member of the demo's course editors and one of its moderators, each
    with the admin in English."""
    from django.contrib.auth.models import Group

    from courses import demo

    editor, moderator = UserFactory(), UserFactory()
    for person in (editor, moderator):
        profile = UserProfile.get_for_user(person)
        profile.preferred_language = "en"
        profile.save()
    editor.groups.add(Group.objects.get(name=demo.EDITORS))
    moderator.groups.add(Group.objects.get(name=demo.MODERATORS))
    return editor, moderator


@pytest.mark.django_db
def test_only_who_may_publish_its_lessons_changes_a_video_learners_watch(
    client, home_page
):
    """A video has no draft: an editor's change would reach learners without the
    review the lessons went through."""

    from courses import demo
    from courses.models import Video

    demo.load(home_page, None)
    shown = LessonPage.objects.live().first().videos()[0]
    editor, moderator = demo_editor_and_moderator()
    url = f"/admin/snippets/courses/video/edit/{shown.pk}/"

    client.force_login(editor)
    response = client.post(url, video_edit_data(client, shown, duration="600"))
    assert response.status_code == 200
    assert "only those who may publish those lessons can make it" in (
        response.content.decode()
    )
    assert Video.objects.get(pk=shown.pk).duration == shown.duration
    # Saving it unchanged, or changing a video no live lesson shows, is theirs.
    response = client.post(url, video_edit_data(client, shown))
    assert response.status_code == 302
    unused = VideoFactory(title="Жаңа")
    response = client.post(
        f"/admin/snippets/courses/video/edit/{unused.pk}/",
        video_edit_data(client, unused, duration="42"),
    )
    assert response.status_code == 302
    assert Video.objects.get(pk=unused.pk).duration == 42

    client.force_login(moderator)
    response = client.post(url, video_edit_data(client, shown, title_en="Renamed"))
    assert response.status_code == 302
    assert Video.objects.get(pk=shown.pk).title_en == "Renamed"


@pytest.mark.django_db
@pytest.mark.parametrize("on_its_way", ["scheduled", "in review"])
def test_a_video_of_a_lesson_on_its_way_to_learners_is_kept_as_reviewed(
    client, home_page, on_its_way
):
    """A lesson approved to go live later, or in moderation, goes live with the
    video as it is then: an editor's change would skip the review."""
    from datetime import timedelta

    from django.utils import timezone

    from wagtail.models import Workflow

    from courses import demo
    from courses.models import CoursePage, Video

    demo.load(home_page, None)
    academy = CoursePage.objects.get(kind="parents")
    video = VideoFactory(title="Жаңа бейне")
    lesson = LessonPageFactory(parent=academy, title="Кейінірек", live=False)
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    editor, moderator = demo_editor_and_moderator()
    url = f"/admin/snippets/courses/video/edit/{video.pk}/"
    client.force_login(editor)
    # A draft is the editor's to change along with its video.
    lesson.save_revision(user=editor)
    response = client.post(url, video_edit_data(client, video, duration="12"))
    assert response.status_code == 302

    if on_its_way == "scheduled":
        lesson.save_revision(
            user=moderator, approved_go_live_at=timezone.now() + timedelta(days=1)
        )
    else:
        lesson.save_revision(user=editor)
        Workflow.objects.get(name=demo.WORKFLOW_NAME).start(lesson, editor)

    response = client.post(url, video_edit_data(client, video, duration="600"))
    assert response.status_code == 200
    assert "«Кейінірек»" in response.content.decode()
    assert Video.objects.get(pk=video.pk).duration == 12
    client.force_login(moderator)
    response = client.post(url, video_edit_data(client, video, duration="14"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_live_lesson_whose_video_does_not_play_is_not_moved_into_a_course(
    client, editor, course_index
):
    from courses.models import Video, VideoStatus

    academy = CoursePageFactory(parent=course_index, kind="parents")
    other = CoursePageFactory(parent=course_index, kind="couples", title="Жұптар")
    video = VideoFactory(title="Ескі")
    lesson = LessonPageFactory(parent=academy, title="Бейне")
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save_revision().publish()
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.ERRORED)
    client.force_login(editor)

    url = f"/admin/pages/{lesson.pk}/move/{other.pk}/confirm/"
    response = client.post(url, follow=True)

    assert "«Бейне» cannot be moved into «Жұптар»" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.get_parent().pk == academy.pk
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.READY)
    client.post(url)
    lesson.refresh_from_db()
    assert lesson.get_parent().pk == other.pk


@pytest.mark.django_db
def test_a_live_lesson_without_video_is_not_moved_into_the_guide(
    client, editor, course_index
):
    guide = live_guide(course_index)
    academy = CoursePageFactory(parent=course_index, kind="parents")
    reading = LessonPageFactory(parent=academy, title="Оқу")
    reading.save_revision().publish()
    client.force_login(editor)

    url = f"/admin/pages/{reading.pk}/move/{guide.pk}/confirm/"
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert "cannot be moved into the mandatory guide" in response.content.decode()
    reading.refresh_from_db()
    assert reading.get_parent().pk == academy.pk

    # A lesson with ready, captioned video may go there.
    watched = LessonPageFactory(parent=academy, title="Бейне", slug="beine")
    watched.body_kk = [{"type": "video", "value": {"video": captioned_video().pk}}]
    watched.save_revision().publish()
    client.post(f"/admin/pages/{watched.pk}/move/{guide.pk}/confirm/")
    watched.refresh_from_db()
    assert watched.get_parent().pk == guide.pk


@pytest.mark.django_db
def test_bulk_publishing_a_guide_lesson_without_video_is_refused(
    client, editor, course_index
):
    guide = live_guide(course_index)
    text_only = LessonPageFactory(parent=guide, live=False, title="Мәтін")
    text_only.save_revision()
    client.force_login(editor)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={text_only.pk}&next=/admin/"
    response = client.post(url, {}, follow=True)
    assert "«Мәтін» cannot be published yet: It shows no video" in (
        response.content.decode()
    )
    assert not LessonPage.objects.get(pk=text_only.pk).live


@pytest.mark.django_db
def test_an_editor_cannot_upload_over_a_video_learners_watch(
    client, home_page, settings
):
    """A new Mux upload takes the current one off the lessons at once."""
    from django.contrib.auth.models import Group

    from courses import demo
    from courses.models import Video

    settings.MUX_TOKEN_ID, settings.MUX_TOKEN_SECRET = "id", "secret"
    demo.load(home_page, None)
    shown = LessonPage.objects.live().first().videos()[0]
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=demo.EDITORS))
    client.force_login(editor)

    response = client.post(f"/admin/courses/videos/{shown.pk}/mux-upload/")

    assert response.status_code == 403
    assert "«Нұсқаулық туралы»" in response.json()["detail"]
    assert Video.objects.get(pk=shown.pk).is_ready


@pytest.mark.django_db
def test_a_moderator_replaces_a_guide_videos_file_and_its_duration_follows(
    client, home_page
):
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses import demo
    from courses.models import Video
    from tests.courses.test_video_duration import mp4

    demo.load(home_page, None)
    shown = LessonPage.objects.live().first().videos()[0]
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name=demo.MODERATORS))
    client.force_login(moderator)
    data = video_edit_data(client, shown, duration="")
    data["file"] = SimpleUploadedFile("fixed.mp4", mp4(5.0), "video/mp4")

    response = client.post(f"/admin/snippets/courses/video/edit/{shown.pk}/", data)

    assert response.status_code == 302
    assert Video.objects.get(pk=shown.pk).duration == 5.0


@pytest.mark.django_db
def test_moderators_are_not_offered_to_approve_a_second_guide(course_index, editor):
    from courses.models import CourseReviewTask

    live_guide(course_index, "Бірінші")
    second = CoursePageFactory(parent=course_index, kind="guide", live=False)
    second.save_revision()
    task = CourseReviewTask.objects.create(name="Review")

    actions = [name for name, *_rest in task.get_actions(second, editor)]

    assert "approve" not in actions and "reject" in actions


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's transactions"
)
def test_two_guides_published_at_the_same_moment_leave_one_live():
    from django.conf import settings

    from wagtail.models import Locale, Page, Site

    from courses.factories import CourseIndexPageFactory
    from home.factories import HomePageFactory
    from tests.progress.test_concurrency import run_at_once

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        title="Root", slug="root", locale=locale
    )
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    index = CourseIndexPageFactory(parent=home)
    drafts = [
        CoursePageFactory(
            parent=index, kind="guide", title=f"Нұсқаулық {n}", live=False
        )
        for n in (1, 2)
    ]
    revisions = [draft.save_revision() for draft in drafts]
    refused = []

    def publish(index):
        try:
            revisions[index].publish()
        except ValidationError:
            refused.append(index)

    run_at_once(2, publish)

    assert CoursePage.objects.live().filter(kind="guide").count() == 1
    assert len(refused) == 1
