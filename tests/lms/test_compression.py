"""Pages and JSON go out compressed when the browser accepts gzip; files that
are streamed (videos with byte ranges) go out as they are."""

import gzip
import json

from django.core.files.base import ContentFile

import pytest

from courses.factories import CoursePageFactory, VideoFactory, make_lesson

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.django_db
def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(client, home_page):
    plain = client.get("/kk/")
    packed = client.get("/kk/", headers=GZIP)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert html.startswith("<!DOCTYPE html>")
    assert 'rel="icon"' in html
    assert len(packed.content) < len(plain.content) / 2


@pytest.mark.django_db
def test_json_is_compressed_when_it_is_worth_it(client, course_index):
    for number in range(4):
        CoursePageFactory(parent=course_index, title=f"Курс {number}")
    listing = client.get("/api/v1/courses/", headers=GZIP)
    assert listing["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(listing.content))) == 4

    tiny = client.get("/api/v1/progress/ping", headers=GZIP)
    assert "Content-Encoding" not in tiny  # under 200 bytes: not worth it
    assert tiny.json()


@pytest.mark.django_db
def test_a_video_keeps_its_byte_ranges(client, course_index):
    data = bytes(range(256)) * 40
    video = VideoFactory()
    video.file.save("clip.mp4", ContentFile(data))
    make_lesson(CoursePageFactory(parent=course_index), videos=[video])

    part = client.get(
        f"/videos/{video.pk}/file", headers={**GZIP, "Range": "bytes=100-199"}
    )
    assert part.status_code == 206
    assert "Content-Encoding" not in part
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == data[100:200]
