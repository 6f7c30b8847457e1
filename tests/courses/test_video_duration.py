"""A local video's duration comes from its file: watching is counted against it,
so a wrong one makes the video impossible or trivial to complete."""

import io
import struct
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from courses.media_duration import file_duration
from courses.models import Video
from tests.courses.test_admin import LIST_URL, video_form

DEMO_CLIP = Path(__file__).parents[2] / "courses" / "demo_media" / "guide-1.mp4"


def box(kind: bytes, content: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(content), kind) + content


def mp4(seconds: float, *, version: int = 0, moov_last: bool = False) -> bytes:
    timescale = 600
    if version == 1:
        header = bytes([1, 0, 0, 0]) + struct.pack(
            ">QQIQ", 0, 0, timescale, round(seconds * timescale)
        )
    else:
        header = bytes(4) + struct.pack(">III", 0, 0, timescale)
        header += struct.pack(">I", round(seconds * timescale))
    moov = box(b"moov", box(b"mvhd", header + bytes(80)))
    parts = [box(b"ftyp", b"isom\x00\x00\x02\x00"), box(b"mdat", bytes(5000))]
    return b"".join(
        [parts[0], parts[1], moov] if moov_last else [parts[0], moov, parts[1]]
    )


def ebml(element: int, content: bytes) -> bytes:
    width = (element.bit_length() + 7) // 8
    return element.to_bytes(width, "big") + bytes([0x80 | len(content)]) + content


def webm(seconds: float) -> bytes:
    info = ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")) + ebml(
        0x4489, struct.pack(">d", seconds * 1000)
    )
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
    # A live-recorded WebM's segment has an unknown size: all ones.
    segment = bytes.fromhex("18538067") + bytes.fromhex("01ffffffffffffff")
    return header + segment + ebml(0x1549A966, info) + ebml(0x1F43B675, bytes(40))


def webm_info(content: bytes) -> bytes:
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
    info = bytes.fromhex("1549a966") + bytes([0x80 | len(content)]) + content
    return header + bytes.fromhex("18538067") + bytes.fromhex("01ffffffffffffff") + info


@pytest.mark.parametrize(
    ("data", "seconds"),
    [
        (mp4(12.5), 12.5),
        (mp4(7200.25, version=1), 7200.25),
        (mp4(3, moov_last=True), 3.0),  # not "fast start": the header comes last
        (webm(3.2), 3.2),
    ],
)
def test_the_header_says_how_long_a_file_plays(data, seconds):
    file = io.BytesIO(data)
    file.seek(5)
    assert file_duration(file) == pytest.approx(seconds)
    assert file.tell() == 5  # left where it was


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x00\x00\x18ftypmp42" + bytes(8),  # no movie header
        mp4(0),
        b"\x1a\x45\xdf\xa3\x9f",  # a damaged WebM
        b"\x00\x00\x00\x01ftyp" + bytes(8),  # a box that claims no size
        b"<svg></svg>",
        # Hostile or damaged: sizes beyond the file, an empty movie header,
        # unknown or huge sizes inside the segment's Info.
        box(b"ftyp", b"isom") + struct.pack(">I4sQ", 1, b"moov", 2**64 - 1),
        box(b"ftyp", b"isom") + box(b"moov", box(b"mvhd", b"")),
        box(b"ftyp", b"isom") + box(b"moov", box(b"mvhd", bytes(10))),
        webm_info(bytes.fromhex("4489") + b"\xff" + bytes(8)),
        webm_info(ebml(0x2AD7B1, b"\xff" * 100) + ebml(0x4489, bytes(8))),
        webm_info(bytes.fromhex("4489") + bytes.fromhex("0100010000000000")),
    ],
)
def test_a_header_that_cannot_be_read_says_nothing(data):
    assert file_duration(io.BytesIO(data)) is None


def test_a_file_that_claims_to_be_huge_is_not_read_whole(tmp_path):
    """A size is believed only as far as the file really goes."""
    path = tmp_path / "huge.webm"
    path.write_bytes(
        webm_info(bytes.fromhex("4489") + bytes.fromhex("01ffffff00000000"))
    )
    with path.open("rb") as file:
        assert file_duration(file) is None


def test_the_demo_clip():
    with DEMO_CLIP.open("rb") as file:
        assert file_duration(file) == pytest.approx(12.0)


@pytest.mark.django_db
def test_an_empty_duration_is_taken_from_the_file(client, editor):
    client.force_login(editor)
    data = video_form([])
    data["duration"] = ""
    data["file"] = SimpleUploadedFile("clip.mp4", DEMO_CLIP.read_bytes(), "video/mp4")
    response = client.post(f"{LIST_URL}add/", data)
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.duration == 12.0 and video.is_ready
    with video.file.open("rb") as stored:
        assert stored.read() == DEMO_CLIP.read_bytes()  # saved whole


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("600", "The file lasts 12.00 seconds"),
        ("-5", "more than 0 and at most 24 hours"),
        ("0", "more than 0 and at most 24 hours"),
        ("100000", "more than 0 and at most 24 hours"),
    ],
)
def test_a_duration_the_file_contradicts_is_refused(client, editor, typed, message):
    client.force_login(editor)
    data = video_form([])
    data["duration"] = typed
    data["file"] = SimpleUploadedFile("clip.mp4", DEMO_CLIP.read_bytes(), "video/mp4")
    response = client.post(f"{LIST_URL}add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_a_typed_duration_within_a_second_of_the_file_is_kept(client, editor):
    client.force_login(editor)
    data = video_form([])
    data["duration"] = "12.5"
    data["file"] = SimpleUploadedFile("clip.mp4", DEMO_CLIP.read_bytes(), "video/mp4")
    assert client.post(f"{LIST_URL}add/", data).status_code == 302
    assert Video.objects.get().duration == 12.5
