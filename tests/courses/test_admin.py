"""The video library in the Wagtail admin."""

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail.users.models import UserProfile

import pytest

from courses.factories import VideoCaptionFactory, VideoFactory
from courses.models import Video, VideoCaption

LIST_URL = "/admin/snippets/courses/video/"
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(24)  # how an MP4 file begins


@pytest.mark.django_db
def test_video_list_shows_status_and_caption_languages(client, editor):
    video = VideoFactory(title="Кіріспе")
    VideoCaptionFactory(video=video, language="kk")
    VideoCaptionFactory(video=video, language="en")
    client.force_login(editor)

    html = client.get(LIST_URL).content.decode()

    assert "Кіріспе" in html
    assert "en, kk" in html


@pytest.mark.django_db
def test_edit_page_offers_mux_upload_only_with_credentials(client, editor, settings):
    video = VideoFactory()
    client.force_login(editor)
    url = f"{LIST_URL}edit/{video.pk}/"

    without = client.get(url).content.decode()
    settings.MUX_TOKEN_ID, settings.MUX_TOKEN_SECRET = "id", "secret"
    with_mux = client.get(url).content.decode()

    assert "data-mux-uploader" not in without
    assert "attach a local MP4 file" in without
    assert "data-mux-uploader" in with_mux
    assert f"/admin/courses/videos/{video.pk}/mux-upload/" in with_mux
    assert "js/courses_mux_upload.js" in with_mux
    for language in ("kk", "ru", "en"):
        assert f'name="title_{language}"' in with_mux


def video_form(captions):
    return {
        **nested_form_data(
            {
                "title_kk": "Бейне",
                "title_ru": "Видео",
                "title_en": "Video",
                "duration": "12",
                "mux_asset_id": "",
                "mux_playback_id": "",
                "captions": inline_formset(captions),
            }
        ),
    }


@pytest.mark.django_db
def test_a_caption_that_is_not_webvtt_is_refused_with_a_form_error(client, editor):
    client.force_login(editor)
    data = video_form([{"language": "kk"}])
    data["captions-0-file"] = SimpleUploadedFile("subs.vtt", b"<html>captions")

    response = client.post(f"{LIST_URL}add/", data)

    assert response.status_code == 200
    assert "This is not a WebVTT file" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_an_editor_adds_a_video_with_captions(client, editor):
    client.force_login(editor)
    data = video_form([{"language": "kk"}, {"language": "ru"}])
    data["file"] = SimpleUploadedFile("clip.mp4", MP4, "video/mp4")
    for index, (language, words) in enumerate((("kk", "Сәлем"), ("ru", "Привет"))):
        data[f"captions-{index}-file"] = SimpleUploadedFile(
            f"{language}.vtt",
            f"WEBVTT\n\n00:00.000 --> 00:02.000\n{words}\n".encode(),
        )

    response = client.post(f"{LIST_URL}add/", data)

    assert response.status_code == 302
    video = Video.objects.get()
    assert video.title_en == "Video"
    assert video.is_ready  # a local file plays at once
    assert dict(VideoCaption.objects.values_list("language", "transcript")) == {
        "kk": "Сәлем",
        "ru": "Привет",
    }
    kk = VideoCaption.objects.get(language="kk")
    assert kk.file.read() == "WEBVTT\n\n00:00.000 --> 00:02.000\nСәлем\n".encode()


@pytest.mark.django_db
def test_captions_without_text_are_refused_in_the_admin(client, editor):
    client.force_login(editor)
    data = video_form([{"language": "kk"}])
    data["file"] = SimpleUploadedFile("clip.mp4", MP4, "video/mp4")
    data["captions-0-file"] = SimpleUploadedFile("kk.vtt", b"WEBVTT\n\n")

    response = client.post(f"{LIST_URL}add/", data)

    assert response.status_code == 200
    assert "no caption text" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_a_live_guide_lessons_video_keeps_captions_in_every_language(
    client, editor, course_index
):
    from courses.factories import CoursePageFactory, make_lesson

    video = VideoFactory(title="Бейне", title_ru="Видео", title_en="Video")
    captions = [
        VideoCaptionFactory(video=video, language=code) for code in ("kk", "ru", "en")
    ]
    guide = CoursePageFactory(parent=course_index, kind="guide")
    make_lesson(guide, videos=[video], title="Сабақ")
    client.force_login(editor)

    def edit(delete_en):
        rows = [
            {
                "id": caption.pk,
                "language": caption.language,
                "DELETE": delete_en and caption.language == "en",
            }
            for caption in captions
        ]
        data = video_form(rows)
        data["title_kk"], data["title_ru"], data["title_en"] = "Бейне", "Видео", "Video"
        data["captions-INITIAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            if not row["DELETE"]:
                data.pop(f"captions-{index}-DELETE", None)
        return client.post(f"{LIST_URL}edit/{video.pk}/", data)

    response = edit(delete_en=True)
    assert response.status_code == 200
    assert "so it keeps its captions in every language; missing: English" in (
        response.content.decode()
    )
    assert VideoCaption.objects.filter(video=video, language="en").exists()

    # The same edit is fine once no live guide lesson shows the video.
    for lesson in guide.lessons():
        lesson.unpublish()
    assert edit(delete_en=True).status_code == 302
    assert not VideoCaption.objects.filter(video=video, language="en").exists()


@pytest.mark.django_db
def test_the_edit_page_links_files_to_where_they_are_served(client, editor):
    import re

    video = VideoFactory(title="Кіріспе")
    VideoCaptionFactory(video=video, language="kk")
    client.force_login(editor)
    html = client.get(f"{LIST_URL}edit/{video.pk}/").content.decode()
    links = dict(re.findall(r'<a href="([^"]*)"[^>]*>([^<]*\.(?:mp4|vtt))</a>', html))
    video_link = next(
        url for url in links if url.endswith(f"?v={video.file_version()}")
    )
    assert video_link == f"/videos/{video.pk}/file?v={video.file_version()}"
    caption_link = next(url for url in links if "/captions/" in url)
    assert caption_link.startswith(f"/videos/{video.pk}/captions/kk.vtt?v=")
    assert "/media/" not in " ".join(links)
    for url in links:
        assert client.get(url.replace("&amp;", "&")).status_code in (200, 206)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_two_caption_tracks_in_one_language_are_refused_in_words(
    client, editor, language
):
    from tests.lms.i18n import tr

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)
    data = video_form([{"language": "ru"}, {"language": "ru"}])
    data["file"] = SimpleUploadedFile("clip.mp4", MP4, "video/mp4")
    for index in range(2):
        data[f"captions-{index}-file"] = SimpleUploadedFile(
            f"ru{index}.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nПривет\n".encode()
        )

    response = client.post(f"{LIST_URL}add/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert tr("A video has one caption track per language.", language) in html
    assert "duplicate data for language" not in html
    assert not Video.objects.exists()


def admin_in(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_srt_caption_gets_one_message_that_says_to_convert_it(
    client, editor, language
):
    """Not Django's "File extension “srt” is not allowed" (in English in the
    Kazakh admin) beside "not a WebVTT file": one message, in the editor's
    language, that says what to do."""
    from django.utils import translation

    from courses.models import SUBRIP_REFUSAL

    admin_in(editor, language)
    client.force_login(editor)
    data = video_form([{"language": "kk"}])
    data["captions-0-file"] = SimpleUploadedFile(
        "subs.srt", "1\n00:00:01,000 --> 00:00:02,000\nСәлем\n".encode()
    )

    html = client.post(f"{LIST_URL}add/", data).content.decode()

    with translation.override(language):
        expected = str(SUBRIP_REFUSAL)
        django_refusal = translation.gettext(
            "File extension “%(extension)s” is not allowed. Allowed extensions are: "
            "%(allowed_extensions)s."
        ).split("“")[0]
        not_webvtt = translation.gettext(
            "This is not a WebVTT file: its first line must be WEBVTT, alone or "
            "followed by a space and a title."
        ).split(":")[0]
    assert html.count(expected.replace("'", "&#x27;")) == 1
    assert "File extension" not in html
    assert django_refusal not in html
    assert not_webvtt not in html
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_a_local_file_makes_a_video_whose_mux_upload_failed_ready(client, editor):
    """Mux refused the upload (the video is Errored): the editor attaches a local
    file instead, and the video plays from it."""
    from courses import services
    from courses.models import VideoStatus
    from tests.courses.test_video_duration import DEMO_CLIP

    video = VideoFactory(
        file=None,
        duration=None,
        status=VideoStatus.ERRORED,
        mux_upload_id="upload-1",
        mux_asset_id="asset-bad",
        mux_playback_id="play-bad",
        error_message="Not a video file",
    )
    client.force_login(editor)
    data = video_form([])
    data.update(duration="", mux_asset_id="asset-bad", mux_playback_id="play-bad")
    data["file"] = SimpleUploadedFile("clip.mp4", DEMO_CLIP.read_bytes(), "video/mp4")

    response = client.post(f"{LIST_URL}edit/{video.pk}/", data)

    assert response.status_code == 302
    video.refresh_from_db()
    assert video.status == VideoStatus.READY
    assert video.duration == 12.0 and video.is_ready
    assert (video.mux_asset_id, video.mux_playback_id, video.error_message) == (
        "",
        "",
        "",
    )
    assert services.player_source(video)["kind"] == "file"


@pytest.mark.django_db
def test_saving_an_errored_video_without_a_file_keeps_it_errored(client, editor):
    from courses.models import VideoStatus

    video = VideoFactory(file=None, duration=None, status=VideoStatus.ERRORED)
    client.force_login(editor)
    data = video_form([])
    data["duration"] = ""
    assert client.post(f"{LIST_URL}edit/{video.pk}/", data).status_code == 302
    video.refresh_from_db()
    assert video.status == VideoStatus.ERRORED


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_video_chooser_shows_each_video_s_status(client, editor, language):
    from django.utils import translation

    from courses.models import VideoStatus

    VideoFactory(title="Alpha clip")
    VideoFactory(title="Beta clip", file=None, status=VideoStatus.WAITING)
    VideoFactory(title="Gamma clip", file=None, status=VideoStatus.ERRORED)
    admin_in(editor, language)
    client.force_login(editor)

    chooser = client.get(
        "/admin/snippets/choose/courses/video/",
        headers={"x-requested-with": "XMLHttpRequest"},
    ).json()["html"]
    results = client.get("/admin/snippets/choose/courses/video/results/").content
    with translation.override(language):
        labels = [str(label) for label in VideoStatus.labels]
        heading = translation.gettext("Status")
    for html in (chooser, results.decode()):
        rows = html.split("<tr")[2:]
        assert len(rows) == 3
        by_title = {
            title: row
            for row in rows
            for title in ("Alpha clip", "Beta clip", "Gamma clip")
            if title in row
        }
        assert labels[2] in by_title["Alpha clip"]
        assert "w-status--primary" in by_title["Alpha clip"]
        assert "w-status--primary" not in by_title["Gamma clip"]
        assert labels[0] in by_title["Beta clip"]
        assert labels[3] in by_title["Gamma clip"]
        assert heading in html


@pytest.mark.django_db
def test_a_caption_of_another_kind_is_refused_in_kazakh_once(client, editor):
    from tests.lms.i18n import tr

    admin_in(editor, "kk")
    client.force_login(editor)
    data = video_form([{"language": "kk"}])
    data["captions-0-file"] = SimpleUploadedFile("subs.txt", b"not captions")

    html = client.post(f"{LIST_URL}add/", data).content.decode()

    refusal = tr(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s.",
        "kk",
    ) % {"extension": "txt", "allowed_extensions": "vtt"}
    assert html.count(refusal) == 1
    assert "File extension" not in html
    assert "WebVTT файлы емес" not in html  # not also "This is not a WebVTT file"
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_an_edit_page_opened_before_a_new_upload_took_over_does_not_undo_it(
    client, editor
):
    """Mux's webhook switched the video to its new asset while the editor's page
    was open: saving that page (a title fixed) keeps what Mux set."""
    video = VideoFactory(
        file=None,
        duration=30.0,
        mux_upload_id="upload-new",
        mux_asset_id="asset-new",
        mux_playback_id="play-new",
    )
    client.force_login(editor)
    data = video_form([])  # as the page was drawn, before the switch
    data.update(duration="12", mux_asset_id="asset-old", mux_playback_id="play-old")
    data["title_en"] = "Video, title fixed"

    assert client.post(f"{LIST_URL}edit/{video.pk}/", data).status_code == 302

    video.refresh_from_db()
    assert video.title_en == "Video, title fixed"
    assert (video.mux_asset_id, video.mux_playback_id, video.duration) == (
        "asset-new",
        "play-new",
        30.0,
    )
