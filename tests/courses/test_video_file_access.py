"""A video's local file and its captions go only to those who may open a lesson
showing it: anyone for a public course, those a view restriction accepts for a
private one, editors for every file. Everyone else gets the 404 of a missing video.
The files are kept in the private storage, which the web server does not serve,
and only video files and WebVTT captions are accepted."""

import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.models import PageViewRestriction

import pytest

from courses import services
from courses.factories import (
    CoursePageFactory,
    VideoCaptionFactory,
    VideoFactory,
    make_lesson,
)
from courses.models import Video, VideoCaption
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


def restrict_to_group(course, *members):
    group = Group.objects.create(name="Орталық қызметкерлері")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    for member in members:
        member.groups.add(group)
    return restriction


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, kind="parents", title="Жабық")


def test_a_public_lesson_s_video_is_anyone_s_and_may_be_cached(client, course):
    video = local_video()
    make_lesson(course, videos=[video])
    response = fetch(client, video)
    assert response.status_code == 206
    assert (
        response["Cache-Control"]
        == "public, max-age=3600, s-maxage=0, proxy-revalidate"
    )


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
    restriction = restrict_to_group(course, learner)

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
    assert (
        response["Cache-Control"]
        == "public, max-age=3600, s-maxage=0, proxy-revalidate"
    )


def captions_of(client, video, language="kk", query=""):
    return client.get(f"/videos/{video.pk}/captions/{language}.vtt{query}")


def test_files_are_served_so_that_no_browser_runs_them(client, course):
    video = local_video()
    VideoCaptionFactory(video=video, language="ru")
    make_lesson(course, videos=[video])

    response = fetch(client, video)
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"

    response = captions_of(client, video, "ru")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert (
        response["Cache-Control"]
        == "public, max-age=3600, s-maxage=0, proxy-revalidate"
    )
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")
    assert captions_of(client, video, "en").status_code == 404  # none in English


def test_files_are_kept_where_the_web_server_does_not_serve_them(course):
    video = local_video()
    caption = VideoCaptionFactory(video=video)
    for field in (video.file, caption.file):
        stored = Path(field.path)
        assert stored.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
        assert not stored.is_relative_to(settings.MEDIA_ROOT)
    # The player and Mux get the captions from the view that checks access.
    source = services.player_source(video)
    url = source["captions"][0]["url"]
    assert url.startswith(f"/videos/{video.pk}/captions/kk.vtt?v=")
    # A replaced file gets another address, which no browser has cached.
    caption.file.save("captions.vtt", caption.file.open("rb"))
    assert services.player_source(video)["captions"][0]["url"] != url


def test_a_private_course_s_captions_go_only_to_those_it_accepts(
    client, learner, partner, course
):
    video = local_video()
    VideoCaptionFactory(video=video)
    make_lesson(course, videos=[video])
    restrict_to_group(course, learner)

    assert captions_of(client, video).status_code == 404
    client.force_login(partner)
    assert captions_of(client, video).status_code == 404
    client.force_login(learner)
    response = captions_of(client, video)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"


def test_mux_fetches_a_private_course_s_captions_with_a_grant(client, course):
    video = local_video()
    caption = VideoCaptionFactory(video=video)
    make_lesson(course, videos=[video])
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    url = services.captions_url(caption, grant=True)
    assert url.startswith(f"/videos/{video.pk}/captions/kk.vtt?v=")
    assert "&grant=" in url
    assert client.get(url.split("?")[0]).status_code == 404
    assert client.get(url).status_code == 200

    other = VideoCaptionFactory(video=video, language="ru")
    wrong = url.replace("/kk.vtt", "/ru.vtt")  # a grant is for one file
    assert client.get(wrong).status_code == 404
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert client.get(forged).status_code == 404
    assert client.get(services.captions_url(other, grant=True)).status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("evil.html", b"<script>alert(1)</script>"),
        ("evil.mp4", b"<svg onload='alert(1)'/>" + bytes(16)),  # not an MP4 inside
        ("clip.webm", b"\x00\x00\x00\x18ftypmp42" + bytes(8)),  # MP4 called WebM
    ],
)
def test_only_video_files_are_accepted_as_videos(name, data):
    video = Video(title="Бейне", file=SimpleUploadedFile(name, data))
    with pytest.raises(ValidationError) as error:
        video.full_clean()
    assert "file" in error.value.message_dict


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("clip.mp4", b"\x00\x00\x00\x18ftypisom" + bytes(8)),
        ("clip.M4V", b"\x00\x00\x00\x20ftypM4V " + bytes(8)),
        ("clip.webm", b"\x1a\x45\xdf\xa3" + bytes(12)),
    ],
)
def test_mp4_and_webm_files_are_accepted(name, data):
    Video(title="Бейне", duration=12, file=SimpleUploadedFile(name, data)).full_clean()


def test_only_webvtt_files_are_accepted_as_captions():
    video = VideoFactory()
    webvtt = b"WEBVTT\n\n00:00.000 --> 00:02.000\n<script>alert(1)</script>Hello\n"
    caption = VideoCaption(
        video=video, language="kk", file=SimpleUploadedFile("x.html", webvtt)
    )
    with pytest.raises(ValidationError) as error:
        caption.full_clean()
    assert "file" in error.value.message_dict
    caption.file = SimpleUploadedFile("x.vtt", webvtt)
    caption.full_clean()


def test_files_of_earlier_uploads_move_to_the_private_storage():
    public, private = storages["default"], storages["private"]
    video = VideoFactory()
    caption = VideoCaptionFactory(video=video)
    names = {}
    for row in (video, caption):
        # As an earlier release stored them: under MEDIA_ROOT.
        with private.open(row.file.name, "rb") as stored:
            names[row] = public.save(row.file.name, stored)
        private.delete(row.file.name)
        type(row).objects.filter(pk=row.pk).update(file=names[row])

    migration = importlib.import_module("courses.migrations.0006_local_files_private")
    migration.move_to_private_storage(apps, None)
    migration.move_to_private_storage(apps, None)  # safe to run again

    for row in (video, caption):
        row.refresh_from_db()
        assert private.exists(row.file.name)
        assert not public.exists(names[row])
    assert b"".join(captions_file(caption)).startswith(b"WEBVTT")


def captions_file(caption):
    with caption.file.open("rb") as handle:
        yield handle.read()


# --- A replaced file, and what a browser may keep -------------------------------------


def test_the_page_asks_for_the_video_at_an_address_that_changes_with_the_file(
    client, course
):
    """Served for an hour from the browser's cache, a file replaced under the
    same address would play on for up to that hour."""
    video = local_video()
    make_lesson(course, videos=[video])
    source = services.player_source(video)
    first = f"{source['src']}?v={source['version']}"
    assert first == video.served_url()
    assert fetch(client, video).status_code == 206
    assert client.get(first, HTTP_RANGE="bytes=0-9").status_code == 206

    video.file.save("clip.mp4", ContentFile(DATA + b"new"))
    source = services.player_source(video)
    again = f"{source['src']}?v={source['version']}"
    assert again != first
    assert again == video.served_url()


def test_a_shared_cache_asking_again_after_a_restriction_gets_no_file(client, course):
    video = local_video()
    make_lesson(course, videos=[video])
    first = client.get(video.served_url())
    assert "s-maxage=0" in first["Cache-Control"]
    assert "proxy-revalidate" in first["Cache-Control"]

    restrict_to_group(course)
    again = client.get(video.served_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 404


def test_a_kept_copy_is_checked_by_its_etag_or_date(client, course):
    video = local_video()
    VideoCaptionFactory(video=video, language="kk")
    make_lesson(course, videos=[video])

    for url in (
        video.served_url(),
        services.player_source(video)["captions"][0]["url"],
    ):
        first = client.get(url)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")

        unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == etag
        assert (
            unchanged["Cache-Control"]
            == "public, max-age=3600, s-maxage=0, proxy-revalidate"
        )
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200

    video.file.save("clip.mp4", ContentFile(DATA + b"new"))
    assert client.get(video.served_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_range_of_a_file_that_changed_since_is_the_whole_file(client, course):
    video = local_video()
    make_lesson(course, videos=[video])
    etag = client.get(video.served_url())["ETag"]

    same = client.get(video.served_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert same.status_code == 206
    changed = client.get(
        video.served_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"older"'
    )
    assert changed.status_code == 200
    assert b"".join(changed.streaming_content) == DATA


def test_head_asks_about_a_file_without_fetching_it(client, course):
    video = local_video()
    VideoCaptionFactory(video=video, language="kk")
    make_lesson(course, videos=[video])

    head = client.head(video.served_url())
    assert head.status_code == 200
    assert head["Content-Type"] == "video/mp4"
    assert head["Content-Length"] == str(len(DATA))
    assert head["Accept-Ranges"] == "bytes"
    assert head["ETag"]

    url = services.player_source(video)["captions"][0]["url"]
    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Type"] == "text/vtt; charset=utf-8"

    other = VideoFactory()
    assert client.head(f"/videos/{other.pk}/file").status_code == 404  # not shown
    assert client.post(video.served_url()).status_code == 405


def test_a_range_asked_with_a_later_date_than_the_files_is_the_whole_file(
    client, course
):
    """If-Range names the file by its exact date: a file put back with an older
    date is another file (RFC 9110 §13.1.5)."""
    from django.utils.http import http_date, parse_http_date

    video = local_video()
    make_lesson(course, videos=[video])
    modified = client.get(video.served_url())["Last-Modified"]
    same = client.get(
        video.served_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=modified
    )
    assert same.status_code == 206
    later = http_date(parse_http_date(modified) + 60)
    response = client.get(
        video.served_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=later
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/videos/99999999999999999999/file",
        "/videos/99999999999999999999/captions/kk.vtt",
        "/videos/9223372036854775808/captions/kk.vtt",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(client, path):
    # No address at all: on to the pages' catch-all, which has no such page.
    assert client.get(path, follow=True).status_code == 404
