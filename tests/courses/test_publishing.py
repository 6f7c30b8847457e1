"""A lesson of the mandatory guide is published only with ready, captioned videos;
the editor is told why, and drafts can always be saved."""

import re

from django.core.exceptions import ValidationError
from django.utils import translation

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail.users.models import UserProfile

import pytest

from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    VideoCaptionFactory,
    VideoFactory,
)
from courses.models import LessonPage, VideoStatus


@pytest.fixture
def guide(course_index):
    return CoursePageFactory(parent=course_index, kind="guide", title="Нұсқаулық")


def lesson_form(video, title="Сабақ", action=None):
    data = nested_form_data(
        {
            "title_kk": title,
            "slug_kk": "sabak",
            "summary_kk": "",
            "body_kk": streamfield([("video", {"video": video.pk})]),
            "body_ru": streamfield([]),
            "body_en": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    if action:
        data[action] = "1"
    return data


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def draft_lesson(course, video):
    lesson = LessonPageFactory(parent=course, title="Сабақ", slug="sabak", live=False)
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save_revision()
    return lesson


@pytest.mark.django_db
def test_publishing_an_uncaptioned_guide_lesson_is_refused_with_the_reason(
    client, editor, guide
):
    video = VideoFactory(title="Кіріспе")
    VideoCaptionFactory(video=video, language="kk")
    lesson = draft_lesson(guide, video)
    client.force_login(editor)

    response = client.post(
        edit_url(lesson), lesson_form(video, action="action-publish")
    )

    assert response.status_code == 200  # the edit form again, with errors
    html = response.content.decode()
    assert "cannot be published yet" in html
    assert "has no captions in: Russian, English" in html
    lesson.refresh_from_db()
    assert not lesson.live
    assert not LessonPage.objects.live().filter(pk=lesson.pk).exists()


@pytest.mark.django_db
def test_a_video_that_is_not_ready_blocks_publishing(client, editor, guide):
    video = VideoFactory(title="Дайын емес", status=VideoStatus.PREPARING)
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    lesson = draft_lesson(guide, video)
    client.force_login(editor)

    response = client.post(
        edit_url(lesson), lesson_form(video, action="action-publish")
    )

    assert "is not ready yet" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.live


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["couples", "parents"])
def test_an_academy_lesson_is_published_only_with_videos_that_play(
    client, editor, course_index, kind
):
    """Nobody could complete a lesson whose video never plays, nor its course."""
    course = CoursePageFactory(parent=course_index, kind=kind)
    waiting = VideoFactory(title="Файлсыз", status=VideoStatus.WAITING, file="")
    lesson = draft_lesson(course, waiting)
    client.force_login(editor)

    response = client.post(
        edit_url(lesson), lesson_form(waiting, action="action-publish")
    )

    html = response.content.decode()
    assert "This lesson cannot be published yet." in html
    assert "is not ready yet" in html
    assert not LessonPage.objects.live().filter(pk=lesson.pk).exists()
    with pytest.raises(ValidationError):
        lesson.get_latest_revision().publish()

    # Captions are the guide's rule only: a ready video without them will do.
    ready = VideoFactory(title="Дайын")
    response = client.post(
        edit_url(lesson), lesson_form(ready, action="action-publish")
    )
    assert response.status_code == 302
    assert LessonPage.objects.live().filter(pk=lesson.pk).exists()


@pytest.mark.django_db
def test_saving_a_draft_of_an_uncaptioned_lesson_is_allowed(client, editor, guide):
    video = VideoFactory()
    lesson = draft_lesson(guide, video)
    client.force_login(editor)

    response = client.post(edit_url(lesson), lesson_form(video, title="Жаңа атауы"))

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert not lesson.live
    assert lesson.get_latest_revision().content["title_kk"] == "Жаңа атауы"


@pytest.mark.django_db
def test_publishing_succeeds_once_captions_are_added(client, editor, guide):
    video = VideoFactory()
    lesson = draft_lesson(guide, video)
    client.force_login(editor)
    refused = client.post(edit_url(lesson), lesson_form(video, action="action-publish"))
    assert refused.status_code == 200

    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    response = client.post(
        edit_url(lesson), lesson_form(video, action="action-publish")
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live


@pytest.mark.django_db
def test_submitting_for_moderation_is_held_to_the_same_rule(client, editor, guide):
    video = VideoFactory()
    lesson = draft_lesson(guide, video)
    client.force_login(editor)

    response = client.post(edit_url(lesson), lesson_form(video, action="action-submit"))

    assert "cannot be published yet" in response.content.decode()
    assert Page.objects.get(pk=lesson.pk).current_workflow_state is None


@pytest.mark.django_db
def test_academy_lessons_are_not_held_to_the_caption_rule(client, editor, course_index):
    academy = CoursePageFactory(parent=course_index, kind="parents")
    video = VideoFactory()
    lesson = draft_lesson(academy, video)
    client.force_login(editor)

    response = client.post(
        edit_url(lesson), lesson_form(video, action="action-publish")
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live


@pytest.mark.django_db
def test_publish_problems_lists_each_missing_language(guide):
    video = VideoFactory(title="Бейне")
    VideoCaptionFactory(video=video, language="ru")
    lesson = draft_lesson(guide, video)

    with translation.override("en"):
        assert lesson.publish_problems() == [
            "The video «Бейне» has no captions in: Kazakh, English."
        ]


@pytest.mark.django_db
def test_moderators_cannot_approve_an_uncaptioned_guide_lesson(editor, guide):
    from courses.models import CourseReviewTask

    task = CourseReviewTask.objects.create(name="Course review")
    video = VideoFactory()
    lesson = draft_lesson(guide, video)

    actions = [name for name, _label, _modal in task.get_actions(lesson, editor)]
    assert actions == ["reject"]

    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    actions = [name for name, _label, _modal in task.get_actions(lesson, editor)]
    assert "approve" in actions


@pytest.mark.django_db
def test_demo_workflow_reviews_course_pages(home_page):
    from courses import demo
    from courses.models import CourseIndexPage, CourseReviewTask

    demo.load(home_page, None)
    index = CourseIndexPage.objects.get()
    lesson = LessonPage.objects.live().first()
    workflow = lesson.get_workflow()
    assert workflow.name == demo.WORKFLOW_NAME
    assert index.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert isinstance(task, CourseReviewTask)
    assert task.groups.filter(name=demo.MODERATORS).exists()


@pytest.mark.django_db
def test_an_editor_with_the_admin_in_english_creates_a_kazakh_page(
    client, editor, guide
):
    """Wagtail fills in the slug from the title and cleans the title through the
    columns of the active language; they must be the Kazakh ones, whatever the
    admin's language."""
    client.force_login(editor)  # the admin in English
    data = nested_form_data(
        {
            "title_kk": "Жаңа сабақ",
            "slug_kk": "",
            "summary_kk": "",
            "body_kk": streamfield([]),
            "body_ru": streamfield([]),
            "body_en": streamfield([]),
            "comments": inline_formset([]),
        }
    )

    response = client.post(f"/admin/pages/add/courses/lessonpage/{guide.pk}/", data)

    assert response.status_code == 302
    page = LessonPage.objects.get(title_kk="Жаңа сабақ")
    assert (page.slug_kk, page.title_en, page.slug_en) == ("жаңа-сабақ", None, None)
    with translation.override("en"):  # an English reader gets the Kazakh fallback
        assert page.title == "Жаңа сабақ"


@pytest.mark.django_db
def test_an_editor_previews_a_draft_in_each_language(client, editor, guide):
    """The admin is in English; each language is a preview mode of its own."""
    video = VideoFactory(title="Кіріспе")
    lesson = draft_lesson(guide, video)
    client.force_login(editor)
    data = lesson_form(video, title="Отбасы құндылықтары")
    data.update(title_ru="Семейные ценности", title_en="Family values")
    preview = f"/admin/pages/{lesson.pk}/edit/preview/"
    assert client.post(preview, data).json()["is_valid"]

    edit = client.get(edit_url(lesson)).content.decode()
    for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")):
        assert f'value="{code}"' in edit and name in edit  # the mode chooser

    titles = {"kk": "Отбасы құндылықтары", "ru": "Семейные ценности"}
    titles["en"] = "Family values"
    for code, title in titles.items():
        response = client.get(preview, {"mode": code})
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{code}"' in html
        assert f"<h1>{title}</h1>" in html or f">{title}<" in html
        others = set(titles.values()) - {title}
        assert not any(f"<h1>{other}</h1>" in html for other in others)

    default = client.get(preview).content.decode()  # no mode: the admin's language
    assert '<html lang="en"' in default
    assert translation.get_language() == "kk"  # the preview leaves no language behind


@pytest.mark.django_db
def test_the_admin_names_a_draft_by_its_kazakh_title_whatever_the_editors_language(
    client, editor, guide
):
    """The draft title and the revision's name show in other editors' page lists,
    dashboards and histories, whatever language their admin is in."""
    video = VideoFactory(title="Кіріспе")
    lesson = draft_lesson(guide, video)
    client.force_login(editor)  # the admin in English
    data = lesson_form(video, title="Отбасы құндылықтары")
    data.update(title_ru="Семейные ценности", title_en="Family values")

    response = client.post(edit_url(lesson), data)

    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.draft_title == "Отбасы құндылықтары"
    assert lesson.latest_revision.object_str == "Отбасы құндылықтары"
    draft = lesson.get_latest_revision_as_object()
    assert (draft.title_ru, draft.title_en) == ("Семейные ценности", "Family values")


@pytest.mark.django_db
def test_saving_a_revision_still_reports_problems_in_the_editors_language(guide):
    video = VideoFactory()
    lesson = draft_lesson(guide, video)
    lesson.body_ru = [{"type": "video", "value": {"video": VideoFactory().pk}}]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        lesson.save_revision()
    assert "The Russian body must show the same videos" in str(refused.value)


@pytest.mark.django_db
def test_the_video_chooser_speaks_each_editors_language(client, editor, guide):
    """Wagtail builds a block's chooser once per process; its buttons must still
    follow the admin language of each editor, in turn."""
    import json
    from html import unescape

    from tests.lms.i18n import tr

    video = VideoFactory(title="Кіріспе")
    lesson = draft_lesson(guide, video)
    client.force_login(editor)
    profile = UserProfile.get_for_user(editor)
    for language in ("kk", "en", "ru", "kk"):
        profile.preferred_language = language
        profile.save()
        html = unescape(client.get(edit_url(lesson)).content.decode())
        for message in ("Choose a video", "Choose another video", "Edit this video"):
            text = tr(message, language) if language != "en" else message
            assert json.dumps(text)[1:-1] in html, (language, message)
        if language != "en":
            assert json.dumps("Choose a video")[1:-1] not in html
        modal = client.get("/admin/snippets/choose/courses/video/").json()["html"]
        title = tr("Choose a video", language) if language != "en" else "Choose a video"
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", unescape(modal), re.S).group(1)
        assert re.sub(r"<[^>]+>|\s+", " ", heading).split() == title.split()


@pytest.mark.django_db
def test_bulk_publishing_keeps_the_caption_rule(client, editor, guide):
    video = VideoFactory(title="Кіріспе")
    VideoCaptionFactory(video=video, language="kk")
    lesson = draft_lesson(guide, video)
    client.force_login(editor)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={lesson.pk}&next=/admin/pages/"

    for data in ({}, {"include_descendants": "on"}):
        target = lesson if not data else guide
        url = f"/admin/bulk/wagtailcore/page/publish/?id={target.pk}"
        response = client.post(url + "&next=/admin/pages/", data, follow=True)
        html = response.content.decode()
        assert "«Сабақ» cannot be published yet" in html
        assert "no captions in: Russian, English" in html
        assert not LessonPage.objects.get(pk=lesson.pk).live

    with pytest.raises(ValidationError):  # any other way is refused too
        lesson.get_latest_revision().publish()
    assert not LessonPage.objects.get(pk=lesson.pk).live

    for language in ("ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={lesson.pk}&next=/admin/pages/"
    assert client.post(url, {}).status_code == 302
    assert LessonPage.objects.get(pk=lesson.pk).live


@pytest.mark.django_db
def test_a_local_video_without_a_duration_is_not_ready(client, editor, guide):
    video = VideoFactory(title="Кіріспе", duration=None)
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    assert not video.is_ready
    lesson = draft_lesson(guide, video)
    with translation.override("en"):
        problems = lesson.get_latest_revision_as_object().publish_problems()
    assert problems == ["The video «Кіріспе» has no duration: enter it on its page."]
    with pytest.raises(ValidationError) as error:
        video.full_clean()
    assert "duration" in error.value.message_dict


@pytest.mark.django_db
def test_a_video_live_guide_lessons_show_keeps_its_file_and_is_not_deleted(
    client, editor, guide
):
    video = VideoFactory(title="Кіріспе")
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    lesson = draft_lesson(guide, video)
    lesson.get_latest_revision().publish()
    client.force_login(editor)
    edit = f"/admin/snippets/courses/video/edit/{video.pk}/"
    form = client.get(edit).context["form"]
    data = {
        **{
            name: value
            for name, value in form.initial.items()
            if isinstance(value, str | int | float) and name != "file"
        },
        "file-clear": "on",
        **nested_form_data(
            {
                "captions": inline_formset(
                    [
                        {"id": c.pk, "language": c.language}
                        for c in video.captions.order_by("pk")
                    ],
                    initial=3,
                )
            }
        ),
    }
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "attach another file instead of removing it" in response.content.decode()
    video.refresh_from_db()
    assert video.file

    delete = f"/admin/snippets/courses/video/delete/{video.pk}/"
    for response in (client.get(delete, follow=True), client.post(delete, follow=True)):
        assert "take the video out of those lessons" in response.content.decode()
    assert type(video).objects.filter(pk=video.pk).exists()


@pytest.mark.django_db
def test_bulk_publishing_descendants_checks_only_what_it_publishes(
    client, editor, guide
):
    good = VideoFactory(title="Дайын")
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=good, language=language)
    live = LessonPageFactory(parent=guide, title="Жарияланған", slug="live")
    live.body_kk = [{"type": "video", "value": {"video": good.pk}}]
    live.save_revision().publish()
    live.body_kk = [{"type": "video", "value": {"video": VideoFactory().pk}}]
    live.save_revision()  # a pending draft that breaks the rule: not published here
    draft = draft_lesson(guide, good)
    client.force_login(editor)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={guide.pk}&next=/admin/pages/"
    response = client.post(url, {"include_descendants": "on"})
    assert response.status_code == 302
    assert LessonPage.objects.get(pk=draft.pk).live


@pytest.mark.django_db
def test_a_video_whose_file_went_missing_can_still_be_edited(client, editor):
    video = VideoFactory(title="Кіріспе")
    caption = VideoCaptionFactory(video=video, language="kk")
    video.file.storage.delete(video.file.name)
    caption.file.storage.delete(caption.file.name)
    client.force_login(editor)
    edit = f"/admin/snippets/courses/video/edit/{video.pk}/"
    data = {
        "title_kk": "Жаңа атау",
        "title_ru": "",
        "title_en": "",
        "duration": "12",
        "mux_asset_id": "",
        "mux_playback_id": "",
        **nested_form_data(
            {
                "captions": inline_formset(
                    [{"id": caption.pk, "language": "kk"}], initial=1
                )
            }
        ),
    }
    response = client.post(edit, data)
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.title_kk == "Жаңа атау"


@pytest.mark.django_db
def test_a_video_live_guide_lessons_show_keeps_its_duration(client, editor, guide):
    video = VideoFactory(title="Кіріспе", mux_playback_id="play-1", file="")
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    draft_lesson(guide, video).get_latest_revision().publish()
    client.force_login(editor)
    edit = f"/admin/snippets/courses/video/edit/{video.pk}/"
    captions = [
        {"id": c.pk, "language": c.language} for c in video.captions.order_by("pk")
    ]
    data = {
        "title_kk": "Кіріспе",
        "duration": "",
        "mux_asset_id": "",
        "mux_playback_id": "play-1",
        **nested_form_data({"captions": inline_formset(captions, initial=3)}),
    }
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "watching is counted against its duration" in response.content.decode()
    video.refresh_from_db()
    assert video.duration == 10.0


@pytest.mark.django_db
def test_a_copy_published_with_publish_copies_keeps_the_caption_rule(
    client, editor, guide
):
    video = VideoFactory(title="Кіріспе")
    VideoCaptionFactory(video=video, language="kk")
    lesson = LessonPageFactory(parent=guide, title="Сабақ", slug="sabak")
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save()  # live from before the rule
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/{lesson.pk}/copy/",
        {
            "new_title_kk": "Көшірме",
            "new_slug_kk": "koshirme",
            "new_title_ru": "Копия",
            "new_slug_ru": "kopiya",
            "new_title_en": "Copy",
            "new_slug_en": "copy",
            "new_parent_page": guide.pk,
            "publish_copies": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    copy = LessonPage.objects.exclude(pk=lesson.pk).get(slug_kk="koshirme")
    assert not copy.live
    assert "is kept as a draft" in response.content.decode()


@pytest.mark.django_db
def test_a_draft_quiz_without_its_pass_mark_can_be_previewed(client, editor, guide):
    """Wagtail saves a draft without the fields it requires only to publish."""
    from courses.factories import quiz_block

    lesson = LessonPageFactory(parent=guide, live=False)
    quiz = quiz_block()
    quiz["value"]["pass_mark"] = None
    lesson.body_kk = [quiz]
    lesson.save_revision()
    client.force_login(editor)

    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-quiz-form" in html and "To pass, answer" not in html
    draft = lesson.get_latest_revision_as_object()
    assert not draft.quiz("kk").passes(1.0)


@pytest.mark.django_db
def test_a_language_is_named_in_the_editors_language(guide):
    video = VideoFactory()
    lesson = draft_lesson(guide, video)
    lesson.body_en = [{"type": "video", "value": {"video": VideoFactory().pk}}]
    with translation.override("kk"), pytest.raises(ValidationError) as refused:
        lesson.save_revision()
    assert "Ағылшын мәтінінде" in str(refused.value)
    assert "English" not in str(refused.value)


@pytest.mark.django_db
def test_publishing_says_which_fields_are_not_translated(client, editor, course_index):
    academy = CoursePageFactory(parent=course_index, kind="parents")
    lesson = LessonPageFactory(parent=academy, live=False, title="Сабақ", slug="sabak")
    client.force_login(editor)
    data = lesson_form(VideoFactory(), action="action-publish")
    data.update(summary_kk="Қысқаша", title_ru="Урок", summary_ru="Кратко")

    response = client.post(edit_url(lesson), data, follow=True)

    assert LessonPage.objects.get(pk=lesson.pk).live
    html = response.content.decode()
    assert "readers in another language see the Kazakh text of" in html
    (said,) = re.findall(r"see the Kazakh text of: ([^<]*?)\.\s", html)
    assert set(said.split("; ")) == {"title (en)", "summary (en)", "body (ru, en)"}

    # Nothing said when everything is translated.
    data.update(title_en="Lesson", summary_en="In short")
    data.update(
        nested_form_data(
            {
                f"body_{code}": streamfield([("video", {"video": data_video})])
                for code, data_video in (("ru", video_id(data)), ("en", video_id(data)))
            }
        )
    )
    response = client.post(edit_url(lesson), data, follow=True)
    assert "readers in another language" not in response.content.decode()


def video_id(data) -> int:
    return int(data["body_kk-0-value-video"])


@pytest.mark.django_db
def test_a_page_above_a_course_learners_completed_is_not_deleted(
    client, editor, course_index
):
    """Wagtail checks what refers to the page deleted, not to the courses under
    it; the database would refuse (a 500). The editor is told why instead."""
    from lms.factories import UserFactory
    from progress.models import CourseCompletion

    course = CoursePageFactory(parent=course_index, kind="parents", title="Ата-ана")
    untouched = CoursePageFactory(parent=course_index, kind="couples", title="Жұп")
    CourseCompletion.objects.create(user=UserFactory(), course=course, language="kk")
    client.force_login(editor)
    url = f"/admin/pages/{course_index.pk}/delete/"

    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        html = response.content.decode()
        assert "Learners have completed «Ата-ана»" in html
        assert "«Жұп»" not in html
    bulk = (
        f"/admin/bulk/wagtailcore/page/delete/?id={course_index.pk}&next=/admin/pages/"
    )
    response = client.post(bulk, follow=True)
    assert "Learners have completed «Ата-ана»" in response.content.decode()
    assert Page.objects.filter(pk__in=[course_index.pk, untouched.pk]).count() == 2

    CourseCompletion.objects.all().delete()
    response = client.post(url)
    assert response.status_code == 302
    assert not Page.objects.filter(pk=course_index.pk).exists()
