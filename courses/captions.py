"""Caption files (WebVTT, read with webvtt-py): checking an upload and turning
captions into a transcript to read under the video."""

import codecs
import html
import re

import webvtt
from webvtt.errors import MalformedFileError

PARAGRAPH_PAUSE_MS = 2000  # a pause this long in speech starts a new paragraph
PARAGRAPH_CHARACTERS = 600  # past this, a sentence's end starts one too
SENTENCE_ENDS = (".", "!", "?", "…", "»", '"')

# The largest caption file taken. Captions are a few dozen bytes a second of
# speech: a 2-hour film's are 100–250 KB even in Cyrillic (two bytes a letter in
# UTF-8), so 512 KiB holds several hours, the longest videos a lesson shows. Every
# caption's transcript is written into its lesson's page, which this keeps light.
MAX_BYTES = 512 * 1024

# The first line: "WEBVTT" alone, or followed by a space or a tab and a title
# (the WebVTT standard; browsers show no cue of a file that starts "WEBVTTX").
_HEADER = re.compile(r"WEBVTT(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n|$)")
# A SubRip (.srt) file: a cue number, then times with commas before milliseconds.
_SRT = re.compile(r"\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{3}\s*-->")
# Elements whose contents are code, not words: dropped with their tags.
_CODE = re.compile(
    r"<(script|style|template|noscript|iframe|object|textarea|title)\b[^>]*>"
    r".*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
# The tags of WebVTT cue text (class, italics, bold, underline, ruby, voice,
# language, and timestamps): they mark words within a line, so they go without
# a trace, as in "<i>дос</i>тар". Any other tag is taken to part words.
_CUE_TAG = re.compile(
    r"</?(?:c|i|b|u|ruby|rt|v|lang)(?:[.\s][^>]*)?>|<[\d:.]+>", re.IGNORECASE
)
_OTHER_TAG = re.compile(r"<[^>]*>")


class CaptionError(ValueError):
    """The file is not WebVTT or holds no caption text."""


class NotUtf8(CaptionError):
    """The file's bytes are not UTF-8 text; ``encoding`` names what they are
    when that is clear (UTF-16 or UTF-32, by their byte order mark or zero
    bytes), and is empty otherwise (Windows-1251 looks like any other bytes)."""

    def __init__(self, encoding: str = ""):
        super().__init__(f"not UTF-8{f' but {encoding}' if encoding else ''}")
        self.encoding = encoding


class NotWebVTT(CaptionError):
    """The first line is not ``WEBVTT`` (alone or with a title)."""


class SubRip(NotWebVTT):
    """A SubRip (.srt) file, which needs converting to WebVTT."""


def decode(content: bytes | str) -> str:
    """The file's text without its byte order mark; ``NotUtf8`` unless it is
    UTF-8, as WebVTT must be."""
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if content.startswith(bom):
            raise NotUtf8(name)
    if b"\x00" in content[:64]:  # "W\0E\0B\0…": UTF-16 without its mark
        raise NotUtf8("UTF-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotUtf8() from None


def check_header(text: str) -> None:
    if not _HEADER.match(text):
        raise SubRip("SubRip") if _SRT.match(text) else NotWebVTT("no WEBVTT line")


def _read(content: bytes | str) -> list[tuple]:
    """The cues that hold words, each with its words."""
    text = decode(content)
    check_header(text)
    try:
        cues = webvtt.from_string(text)
    except MalformedFileError as error:
        raise CaptionError(str(error)) from error
    return [(cue, words) for cue in cues if (words := _text(cue))]


def _text(cue) -> str:
    """A cue's words: code dropped, markup removed (a tag that is not WebVTT's
    parts words), entities decoded, lines joined."""
    raw = _CODE.sub(" ", cue.raw_text)
    raw = _OTHER_TAG.sub(" ", _CUE_TAG.sub("", raw))
    return " ".join(html.unescape(raw).split())


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
