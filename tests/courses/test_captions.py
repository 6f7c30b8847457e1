"""Caption files: what an upload must hold, and the transcript read from it."""

import importlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

import pytest

from courses import captions
from courses.factories import VideoCaptionFactory, VideoFactory
from courses.models import VideoCaption
from tests.lms.i18n import tr

SPOKEN = """\ufeffWEBVTT

NOTE not shown to anyone

intro
00:00.000 --> 00:02.500
<v Айгерім>Сәлем, <i>достар</i>!</v>
Бүгін отбасы туралы.

00:02.600 --> 00:04.000 align:start
Сұрақ &amp; жауап.

00:06.500 --> 00:08.000
Кідірістен кейін жаңа абзац.
"""


def test_a_transcript_is_the_words_of_the_captions_in_paragraphs():
    assert captions.transcript(SPOKEN.encode()) == (
        "Сәлем, достар! Бүгін отбасы туралы. Сұрақ & жауап.\n\n"
        "Кідірістен кейін жаңа абзац."
    )


def test_a_long_stretch_of_speech_is_split_at_a_sentence_end():
    words = "Сөз " * 20
    cues = "\n\n".join(
        f"00:{i:02d}.000 --> 00:{i:02d}.900\n{words}сөйлем{'.' if i % 3 == 2 else ','}"
        for i in range(30)
    )
    text = captions.transcript("WEBVTT\n\n" + cues + "\n")
    paragraphs = text.split("\n\n")
    assert len(paragraphs) > 1
    assert all(paragraph.endswith(".") for paragraph in paragraphs[:-1])
    assert all(len(paragraph) < 1000 for paragraph in paragraphs)


@pytest.mark.parametrize(
    "content", ["WEBVTT\n", "WEBVTT\n\n00:00.000 --> 00:01.000\n\n", "<html>"]
)
def test_a_file_without_caption_text_is_no_caption_file(content):
    with pytest.raises(captions.CaptionError):
        captions.check(content)


@pytest.mark.django_db
def test_an_upload_without_caption_text_is_refused_in_its_language():
    caption = VideoCaption(
        video=VideoFactory(),
        language="kk",
        file=ContentFile(b"WEBVTT\n\nNOTE only a note\n", name="empty.vtt"),
    )
    with pytest.raises(ValidationError) as refused:
        caption.full_clean()
    assert refused.value.message_dict["file"] == [
        tr("This WebVTT file has no caption text that can be read.", "kk")
    ]


@pytest.mark.django_db
def test_the_transcript_is_kept_when_the_file_is_saved_or_replaced():
    caption = VideoCaptionFactory(language="kk")
    assert caption.transcript == "Сәлем"

    caption.mux_track_id = "track-1"
    caption.save(update_fields=["mux_track_id"])  # the file did not change
    caption.refresh_from_db()
    assert caption.transcript == "Сәлем"

    caption.file = ContentFile(SPOKEN.encode(), name="new.vtt")
    caption.save()
    caption.refresh_from_db()
    assert caption.transcript.startswith("Сәлем, достар!")
    assert caption.file.read().startswith("\ufeffWEBVTT".encode())


@pytest.mark.django_db
def test_the_migration_fills_transcripts_of_earlier_uploads():
    caption = VideoCaptionFactory(language="ru")
    VideoCaption.objects.filter(pk=caption.pk).update(transcript="")
    migration = importlib.import_module(
        "courses.migrations.0004_videocaption_transcript"
    )
    migration.fill_transcripts(apps, None)
    caption.refresh_from_db()
    assert caption.transcript == "Сәлем"


# --- What an upload must be, and what an editor is told ------------------------------

RUSSIAN = "WEBVTT\n\n00:00.000 --> 00:02.000\nПривет, друзья!\n"


def refusal(name: str, content: bytes) -> list[str]:
    """The messages a caption upload gets, in English."""
    from django.utils import translation

    caption = VideoCaption(
        video=VideoFactory(), language="ru", file=ContentFile(content, name=name)
    )
    with translation.override("en"):
        try:
            caption.full_clean()
        except ValidationError as error:
            return error.message_dict.get("file", [])
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        RUSSIAN.encode("utf-8"),
        b"\xef\xbb\xbf" + RUSSIAN.encode("utf-8"),  # with a byte order mark
        RUSSIAN.replace("WEBVTT", "WEBVTT - Сабақ 1").encode(),
        RUSSIAN.replace("WEBVTT", "WEBVTT\tTitle").encode(),
        RUSSIAN.replace("\n", "\r\n").encode(),
    ],
    ids=["utf-8", "utf-8-bom", "title", "tab-title", "crlf"],
)
def test_webvtt_in_utf_8_is_taken(content):
    assert refusal("ru.vtt", content) == []


@pytest.mark.django_db
def test_captions_in_windows_1251_are_refused_not_shown_garbled():
    (message,) = refusal("ru.vtt", RUSSIAN.encode("cp1251"))
    assert "not in UTF-8" in message
    assert "Save the file as UTF-8" in message
    with pytest.raises(captions.NotUtf8):
        captions.transcript(RUSSIAN.encode("cp1251"))


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_captions_in_utf_16_are_refused_for_their_encoding(encoding):
    (message,) = refusal("ru.vtt", RUSSIAN.encode(encoding))
    assert "saved as UTF-" in message
    assert "Save the file as UTF-8" in message
    assert "first line" not in message


@pytest.mark.django_db
@pytest.mark.parametrize("first_line", ["WEBVTTX", "WEBVTT-1", "webvtt", "WEBVT"])
def test_the_first_line_must_be_webvtt_alone_or_with_a_title(first_line):
    content = RUSSIAN.replace("WEBVTT", first_line, 1).encode()
    (message,) = refusal("ru.vtt", content)
    assert message.startswith("This is not a WebVTT file")
    with pytest.raises(captions.NotWebVTT):
        captions.check(content)


@pytest.mark.django_db
def test_a_caption_file_is_at_most_512_kib():
    cue = "00:00.000 --> 00:02.000\nҰзақ сөйлем, бірнеше сағаттық сөз.\n\n"
    just = "WEBVTT\n\n" + cue * (captions.MAX_BYTES // len(cue.encode()) - 1)
    assert len(just.encode()) <= captions.MAX_BYTES
    assert refusal("kk.vtt", just.encode()) == []

    (message,) = refusal("kk.vtt", (just + cue * 10).encode())
    assert "a caption file may be at most 512 KB" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("subs.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHello\n"),
        ("subs.SRT", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"),
        # An SRT file renamed .vtt is still one to convert.
        ("subs.vtt", b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n"),
    ],
)
def test_a_subrip_file_gets_one_message_that_says_to_convert_it(name, content):
    (message,) = refusal(name, content)
    assert "SubRip (.srt)" in message
    assert "convert the file to WebVTT (.vtt)" in message


@pytest.mark.django_db
def test_another_kind_of_file_is_refused_by_its_extension_alone():
    (message,) = refusal("subs.txt", b"not captions")
    assert message.startswith("File extension “txt” is not allowed.")


# --- Transcripts of cues with markup --------------------------------------------------


@pytest.mark.parametrize(
    ("cue", "words"),
    [
        ("<script>alert(1)</script><b>Bold</b>", "Bold"),
        ("<style>p { color: red }</style>Сөз", "Сөз"),
        ("<SCRIPT type=x>var a = 1;</SCRIPT >Бір <b>екі</b>", "Бір екі"),
        ("Бір<br>екі<p>үш</p>төрт", "Бір екі үш төрт"),
        ("<i>дос</i>тар, <c.yellow>сәлем</c>!", "достар, сәлем!"),
        ("<v.loud Айгерім>Иә</v> <00:00:01.000>жоқ", "Иә жоқ"),
        ("&lt;script&gt; — мәтін", "<script> — мәтін"),
        ("Соңы <script>ашық қалған", "Соңы"),
    ],
)
def test_a_transcript_drops_code_and_keeps_words_apart(cue, words):
    content = f"WEBVTT\n\n00:00.000 --> 00:02.000\n{cue}\n"
    assert captions.transcript(content) == words
