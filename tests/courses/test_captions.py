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
