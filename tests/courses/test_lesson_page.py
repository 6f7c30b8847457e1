"""What learners and visitors see on course and lesson pages."""

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest
from wagtail_factories import ImageFactory

from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    VideoCaptionFactory,
    VideoFactory,
    make_lesson,
    quiz_block,
)
from tests.lms.i18n import tr


def captioned_video(**kwargs):
    video = VideoFactory(**kwargs)
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    return video


@pytest.fixture
def lesson(guide_course):
    lesson = guide_course.lessons()[2]
    video = captioned_video(title="Көмек")
    lesson.body_kk = [
        {"type": "video", "value": {"video": video.pk}},
        quiz_block(),
    ]
    lesson.save_revision().publish()
    return lesson


@pytest.mark.django_db
def test_lesson_page_has_a_player_with_captions_in_the_page_language(
    client, learner, lesson
):
    client.force_login(learner)
    html = client.get(lesson.get_url()).content.decode()

    assert "<video" in html and "controls" in html
    tracks = re.findall(r"<track [^>]*>", html)
    assert [re.search(r'srclang="(\w+)"', t).group(1) for t in tracks] == [
        "kk",
        "ru",
        "en",
    ]
    assert "default" in tracks[0] and "default" not in tracks[1]
    assert f'data-lesson-id="{lesson.pk}"' in html
    assert "js/player.js" in html
    assert "data-sign-in-prompt" not in html
    # The figure is named by the video's title alone, not its progress figures.
    (figure,) = re.findall(r"<figure [^>]*>", html)
    (labelled_by,) = re.findall(r'aria-labelledby="([^"]+)"', figure)
    assert re.search(rf'<span class="video-block__title" id="{labelled_by}">', html)


@pytest.mark.django_db
def test_russian_page_shows_russian_captions_by_default(client, lesson):
    from django.utils import translation

    with translation.override("ru"):
        url = lesson.get_url()
    assert url.startswith("/ru/")
    html = client.get(url).content.decode()
    default = re.search(r"<track [^>]*default[^>]*>", html).group(0)
    assert 'srclang="ru"' in default


@pytest.mark.django_db
def test_visitors_can_watch_and_are_asked_to_sign_in_for_progress(client, lesson):
    html = client.get(lesson.get_url()).content.decode()
    assert "<video" in html
    assert "data-sign-in-prompt" in html
    links = re.findall(r'href="/accounts/login/\?([^"]*next=[^"]+)"', unescape(html))
    assert links
    assert {parse_qs(query)["next"][0] for query in links} == {lesson.get_url()}
    assert "data-lesson-progress" not in html


@pytest.mark.django_db
def test_quiz_form_uses_position_ids_and_hides_correct_answers(client, learner, lesson):
    client.force_login(learner)
    html = client.get(lesson.get_url()).content.decode()
    quiz = lesson.quiz("kk")
    for question in quiz.questions:
        for choice in question.choices:
            assert f'name="{question.id}" value="{choice.id}"' in html
    quiz_form = html.split("data-quiz-form")[1].split("</form>")[0]
    inputs = re.findall(r"<input [^>]*>", quiz_form)
    assert inputs and all(
        re.fullmatch(r'<input type="radio" name="\d+" value="\d+" required>', tag)
        for tag in inputs
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_visitors_sign_in_links_keep_the_pages_language(
    client, guide_course, language
):
    """The account pages have no language prefix; without JavaScript, which
    otherwise sets the language cookie, the link itself names the language."""
    text_only = make_lesson(guide_course, title="Оқу")
    quiz = make_lesson(guide_course, title="Тест", quiz=quiz_block(questions=1))
    for page in (guide_course, guide_course.lessons()[0], text_only, quiz):
        with translation.override(language):
            url = page.get_url()
        html = unescape(client.get(url).content.decode())
        assert f'href="/accounts/login/?lang={language}"' in html
        assert f'href="/accounts/signup/?lang={language}"' in html
        assert f"/accounts/login/?next={quote(url)}&lang={language}" in html
        # Every sign-in link, the quiz's and the video's too.
        for link in re.findall(r'href="(/accounts/login/\?[^"]*)"', html):
            assert parse_qs(urlsplit(link).query)["lang"] == [language], link
    for kind, page in (("watch", guide_course.lessons()[0]), ("read", text_only)):
        with translation.override(language):
            url = page.get_url()
        prompt = tr(
            f'You can {kind} this lesson now. <a href="%(login_url)s?next=%(next)s'
            '&amp;lang=%(language)s">Sign in</a> to have your progress counted.',
            language,
        ) % {"login_url": "/accounts/login/", "next": quote(url), "language": language}
        assert unescape(prompt) in unescape(client.get(url).content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_course_page_comes_with_the_learners_progress_drawn_in(
    client, learner, guide_course, language
):
    """On a weak connection the page shows no other state first, and without
    JavaScript it still shows it."""
    from progress.models import LessonCompletion

    first, second, third = guide_course.lessons()
    client.force_login(learner)
    with translation.override(language):
        url = guide_course.get_url()
        second_url = second.get_url()

    def marked(html):
        return [
            lesson.pk
            for lesson in (first, second, third)
            if re.search(
                rf'data-lesson-id="{lesson.pk}">.*?<span class="lesson-list__done" '
                r"data-done>",
                html,
                re.S,
            )
        ]

    html = unescape(client.get(url).content.decode())
    assert marked(html) == []
    assert re.search(
        r"data-course-next>\s*" + re.escape(tr("Start the course", language)), html
    )

    LessonCompletion.objects.create(user=learner, lesson=first, course=guide_course)
    html = unescape(client.get(url).content.decode())
    assert marked(html) == [first.pk]
    assert '<progress max="100" value="33"' in html
    assert (
        tr("Lessons completed: {done} of {total}", language).format(done=1, total=3)
        in html
    )
    next_link = re.search(r'<a [^>]*href="([^"]+)" data-course-next>([^<]*)<', html)
    assert next_link.groups() == (second_url, tr("Continue the course", language))
    assert "<noscript>" not in html


@pytest.mark.django_db
def test_course_page_lists_live_lessons_in_order(client, guide_course):
    html = client.get(guide_course.get_url()).content.decode()
    positions = [html.index(lesson.title) for lesson in guide_course.lessons()]
    assert positions == sorted(positions)
    assert "js/courses.js" in html


def lesson_page_queries(client, course_index, lessons: int) -> int:
    course = CoursePageFactory(parent=course_index, kind="guide")
    created = [
        make_lesson(course, videos=[captioned_video()], title=f"Сабақ {n}")
        for n in range(lessons)
    ]
    target = created[len(created) // 2]
    target.body_kk = [
        {"type": "video", "value": {"video": target.videos()[0].pk}},
        {"type": "video", "value": {"video": captioned_video().pk}},
        quiz_block(),
    ]
    target.save()
    url = target.get_url()
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<video") == 2
    return len(queries)


@pytest.mark.django_db
def test_lesson_page_queries_do_not_grow_with_the_number_of_lessons(
    client, learner, course_index
):
    client.force_login(learner)
    with_3 = lesson_page_queries(client, course_index, 3)
    with_30 = lesson_page_queries(client, course_index, 30)
    assert with_3 == with_30
    assert with_30 < 40


@pytest.mark.django_db
def test_a_local_video_is_served_with_byte_ranges(client, guide_course):
    """Browsers seek (and resume a learner) only in a file served with ranges."""
    from django.core.files.base import ContentFile

    data = bytes(range(256)) * 40  # 10,240 bytes
    video = VideoFactory()
    video.file.save("clip.mp4", ContentFile(data))
    make_lesson(guide_course, videos=[video])
    url = f"/videos/{video.pk}/file"

    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == data

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 100-199/10240"
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == data[100:200]

    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == data[-10:]
    open_ended = client.get(url, HTTP_RANGE="bytes=10000-")
    assert b"".join(open_ended.streaming_content) == data[10000:]

    beyond = client.get(url, HTTP_RANGE="bytes=20000-20010")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == "bytes */10240"
    assert client.get("/videos/999999/file").status_code == 404


@pytest.mark.django_db
def test_with_data_saver_a_lesson_loads_no_video_or_poster_before_play(
    client, learner, guide_course
):
    lesson = guide_course.lessons()[0]
    video = captioned_video(poster=ImageFactory())
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save_revision().publish()
    client.force_login(learner)

    normal = client.get(lesson.get_url()).content.decode()
    assert 'preload="metadata"' in normal
    assert 'poster="/media/images/' in normal
    assert 'data-heartbeat-seconds="5"' in normal
    assert 'data-data-saver="false"' in normal
    assert "data-saver--compact" in normal  # the switch above the videos

    client.cookies["data_saver"] = "on"
    saving = client.get(lesson.get_url()).content.decode()
    assert 'preload="none"' in saving
    assert "poster=" not in saving
    assert 'data-heartbeat-seconds="10"' in saving
    assert 'data-data-saver="true"' in saving
    # still plays, at an address that changes with the file
    assert f'src="/videos/{video.pk}/file?v={video.file_version()}"' in saving


@pytest.mark.django_db
def test_with_data_saver_course_pictures_are_left_out(client, course_index):
    course = CoursePageFactory(parent=course_index, cover_image=ImageFactory())
    for url in (course.get_url(), course_index.get_url()):
        assert "/media/images/" in client.get(url).content.decode()
        saving = client.get(url, headers={"Save-Data": "on"}).content.decode()
        assert "/media/images/" not in saving
        assert course.title in saving


@pytest.mark.django_db
def test_a_lesson_without_videos_has_no_data_saver_line(client, course_index):
    academy = CoursePageFactory(parent=course_index, kind="parents")
    lesson = LessonPageFactory(parent=academy)
    lesson.body_kk = [quiz_block()]
    lesson.save_revision().publish()
    assert "data-saver--compact" not in client.get(lesson.get_url()).content.decode()


@pytest.mark.django_db
def test_the_transcript_in_the_page_language_is_under_the_video(client, course_index):
    from django.core.files.base import ContentFile
    from django.utils import translation

    # A parents' academy lesson: its video may lack captions in a language.
    course = CoursePageFactory(parent=course_index, kind="parents")
    video = VideoFactory()
    for language, words in (("kk", "Отбасы — қоғамның негізі."), ("ru", "Семья.")):
        VideoCaptionFactory(
            video=video,
            language=language,
            file=ContentFile(
                f"WEBVTT\n\n00:00.000 --> 00:02.000\n{words}\n\n"
                "00:09.000 --> 00:10.000\n&lt;script&gt;alert(1)&lt;/script&gt;\n",
                name=f"{language}.vtt",
            ),
        )
    lesson = make_lesson(course, videos=[video])

    kk = client.get(lesson.get_url()).content.decode()
    assert tr("Read the transcript", "kk") in kk
    text = '<div class="video-transcript__text" lang="{}"><p>{}</p>'
    assert text.format("kk", "Отбасы — қоғамның негізі.") in kk
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in kk  # text, never markup
    assert "Семья." not in kk

    with translation.override("ru"):
        url = lesson.get_url()
    ru = client.get(url).content.decode()
    assert text.format("ru", "Семья.") in ru
    assert tr("Read the transcript", "ru") in ru

    with translation.override("en"):
        url = lesson.get_url()
    assert "video-transcript" not in client.get(url).content.decode()  # no en captions
