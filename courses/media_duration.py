"""How long a local MP4 or WebM file plays, read from its header: the movie
header box (``mvhd``) of an MP4, the segment's ``Info`` of a WebM. Only what the
header says is read (a few boxes or elements), never the video data."""

import struct

# Boxes (MP4) or elements (WebM) read at most, so that a damaged file cannot keep
# a request busy.
MAX_STEPS = 10_000


class Unreadable(Exception):
    """The header is not what its format says it must be."""


def file_duration(file) -> float | None:
    """Seconds the file plays, or None when its header cannot be read."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0, 2)
        length = file.tell()
        file.seek(0)
        head = file.read(8)
        file.seek(0)
        if head[4:8] == b"ftyp":
            return _mp4_duration(file, length)
        if head[:4] == b"\x1a\x45\xdf\xa3":
            return _webm_duration(file, length)
        return None
    except (Unreadable, OSError, ValueError, ArithmeticError, struct.error):
        return None
    finally:
        file.seek(position)


def _read(file, size: int, end: int) -> bytes:
    """``size`` bytes that the file really has before ``end``."""
    if size < 0 or file.tell() + size > end:
        raise Unreadable("beyond its end")
    data = file.read(size)
    if len(data) != size:
        raise Unreadable("cut short")
    return data


def _positive(seconds: float) -> float | None:
    return seconds if 0 < seconds < float("inf") else None


# MP4: boxes of a 32-bit size (1: a 64-bit size follows; 0: to the end) and a type.


def _boxes(file, end: int):
    """(type, start of content, end) of each box from the current position to
    ``end``; a box that claims to reach beyond ``end`` ends the reading."""
    for _step in range(MAX_STEPS):
        start = file.tell()
        if start + 8 > end:
            return
        size, kind = struct.unpack(">I4s", _read(file, 8, end))
        if size == 1:
            size = struct.unpack(">Q", _read(file, 8, end))[0]
        elif size == 0:
            size = end - start
        content = file.tell()
        if size < content - start or start + size > end:
            raise Unreadable("a box beyond its parent")
        yield kind, content, start + size
        file.seek(start + size)


def _mp4_duration(file, length: int) -> float | None:
    for kind, content, end in _boxes(file, length):
        if kind != b"moov":
            continue
        file.seek(content)
        for inner, inner_content, inner_end in _boxes(file, end):
            if inner != b"mvhd":
                continue
            file.seek(inner_content)
            version = _read(file, 4, inner_end)[0]
            if version == 1:
                timescale, duration = struct.unpack(
                    ">16xIQ", _read(file, 28, inner_end)
                )
            else:
                timescale, duration = struct.unpack(">8xII", _read(file, 16, inner_end))
            return _positive(duration / timescale) if timescale else None
        return None
    return None


# WebM (EBML): each element is an ID and a size, both of variable length.
SEGMENT, INFO = 0x18538067, 0x1549A966
TIMECODE_SCALE, DURATION = 0x2AD7B1, 0x4489
UNKNOWN_SIZE = object()


def _vint(file, keep_marker: bool, end: int):
    first = _read(file, 1, end)
    length = 8 - first[0].bit_length() + 1
    if length > 8:
        raise Unreadable("not an EBML number")
    data = first + _read(file, length - 1, end)
    value = int.from_bytes(data, "big")
    if keep_marker:
        return value
    value &= (1 << (7 * length)) - 1
    return UNKNOWN_SIZE if value == (1 << (7 * length)) - 1 else value


def _elements(file, end: int):
    """(ID, start of content, size) of each element to ``end``; only a segment
    may have an unknown size, and reading stops there."""
    for _step in range(MAX_STEPS):
        if file.tell() >= end:
            return
        element = _vint(file, keep_marker=True, end=end)
        size = _vint(file, keep_marker=False, end=end)
        content = file.tell()
        if size is not UNKNOWN_SIZE and content + size > end:
            raise Unreadable("an element beyond its parent")
        yield element, content, size
        if size is UNKNOWN_SIZE:
            return
        file.seek(content + size)


def _webm_duration(file, length: int) -> float | None:
    for element, content, size in _elements(file, length):
        if element != SEGMENT:
            continue
        segment_end = length if size is UNKNOWN_SIZE else content + size
        file.seek(content)
        for child, child_content, child_size in _elements(file, segment_end):
            if child != INFO:
                continue
            if child_size is UNKNOWN_SIZE:
                return None
            scale, duration = 1_000_000, None
            info_end = child_content + child_size
            file.seek(child_content)
            for field, field_content, field_size in _elements(file, info_end):
                if field not in (TIMECODE_SCALE, DURATION):
                    continue
                if field_size is UNKNOWN_SIZE or field_size > 8:
                    return None
                file.seek(field_content)
                data = _read(file, field_size, info_end)
                if field == TIMECODE_SCALE:
                    scale = int.from_bytes(data, "big")
                elif field == DURATION and field_size in (4, 8):
                    duration = struct.unpack(">f" if field_size == 4 else ">d", data)[0]
            if duration is None:
                return None
            return _positive(duration * scale / 1e9)
        return None
    return None
