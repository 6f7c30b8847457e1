"""Caption files (WebVTT, read with webvtt-py): checking an upload and turning
captions into a transcript to read under the video."""

import html

import webvtt
from webvtt.errors import MalformedFileError

PARAGRAPH_PAUSE_MS = 2000  # a pause this long in speech starts a new paragraph
PARAGRAPH_CHARACTERS = 600  # past this, a sentence's end starts one too
SENTENCE_ENDS = (".", "!", "?", "…", "»", '"')


class CaptionError(ValueError):
    """The file is not WebVTT or holds no caption text."""


def _read(content: bytes | str) -> list[tuple]:
    """The cues that hold words, each with its words."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    try:
        cues = webvtt.from_string(content.lstrip("\ufeff"))
    except MalformedFileError as error:
        raise CaptionError(str(error)) from error
    return [(cue, text) for cue in cues if (text := _text(cue))]


def _text(cue) -> str:
    """A cue's words: markup removed, entities decoded, lines joined."""
    return " ".join(html.unescape(cue.text).split())


def check(content: bytes | str) -> None:
    """Raises ``CaptionError`` unless the file is WebVTT with some caption text."""
    if not _read(content):
        raise CaptionError("no captions")


def transcript(content: bytes | str) -> str:
    """The captions as running text, paragraphs separated by a blank line: a new
    paragraph where the speech pauses, or at a sentence's end once a paragraph is
    long."""
    paragraphs: list[list[str]] = []
    length, previous_end = 0, None
    for cue, text in _read(content):
        pause = previous_end is not None and (
            cue.start_time.in_milliseconds() - previous_end >= PARAGRAPH_PAUSE_MS
        )
        long_enough = length >= PARAGRAPH_CHARACTERS and paragraphs[-1][-1].endswith(
            SENTENCE_ENDS
        )
        if not paragraphs or pause or long_enough:
            paragraphs.append([])
            length = 0
        paragraphs[-1].append(text)
        length += len(text) + 1
        previous_end = cue.end_time.in_milliseconds()
    return "\n\n".join(" ".join(words) for words in paragraphs)


def transcript_of(file) -> str:
    """``transcript`` of a stored or uploaded caption file; empty when it cannot be
    read (a missing file, no caption text). An open file is left open at its
    start, for a storage about to save it; a closed one is closed again."""
    was_closed = getattr(file, "closed", False)
    try:
        file.open("rb")
        file.seek(0)
        content = file.read()
        file.seek(0)
    except (OSError, ValueError):
        return ""
    finally:
        if was_closed:
            file.close()
    try:
        return transcript(content)
    except CaptionError:
        return ""
