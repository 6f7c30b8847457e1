"""How long a local MP4 or WebM file plays, read from its header: the movie
header box (``mvhd``) of an MP4, the segment's ``Info`` of a WebM. Only what the
header says is read (a few boxes or elements), never the video data."""

import struct

# Boxes (MP4) or elements (WebM) read at most, so that a damaged file cannot keep
# a request busy.
MAX_STEPS = 10_000


def file_duration(file) -> float | None:
    """Seconds the file plays, or None when its header cannot be read."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8)
        file.seek(0)
        if head[4:8] == b"ftyp":
            return _mp4_duration(file)
        if head[:4] == b"\x1a\x45\xdf\xa3":
            return _webm_duration(file)
        return None
    except (OSError, ValueError, struct.error):
        return None
    finally:
        file.seek(position)


def _positive(seconds: float) -> float | None:
    return seconds if 0 < seconds < float("inf") else None


# MP4: boxes of a 32-bit size (1: a 64-bit size follows; 0: to the end) and a type.


def _boxes(file, end: int | None):
    """(type, start of content, end) of each box from the current position."""
    for _step in range(MAX_STEPS):
        start = file.tell()
        if end is not None and start + 8 > end:
            return
        header = file.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        if size == 1:
            size = struct.unpack(">Q", file.read(8))[0]
        elif size == 0:
            file.seek(0, 2)
            size = file.tell() - start
            file.seek(start + 8)
        content = file.tell()
        if size < content - start:
            return
        yield kind, content, start + size
        file.seek(start + size)


def _mp4_duration(file) -> float | None:
    for kind, content, end in _boxes(file, None):
        if kind != b"moov":
            continue
        file.seek(content)
        for inner, inner_content, _inner_end in _boxes(file, end):
            if inner != b"mvhd":
                continue
            file.seek(inner_content)
            version = file.read(4)[0]
            if version == 1:
                timescale, duration = struct.unpack(">16xIQ", file.read(28))
            else:
                timescale, duration = struct.unpack(">8xII", file.read(16))
            return _positive(duration / timescale) if timescale else None
        return None
    return None


# WebM (EBML): each element is an ID and a size, both of variable length.
SEGMENT, INFO = 0x18538067, 0x1549A966
TIMECODE_SCALE, DURATION = 0x2AD7B1, 0x4489
UNKNOWN_SIZE = object()


def _vint(file, keep_marker: bool):
    first = file.read(1)
    if not first:
        raise ValueError("end of file")
    length = 8 - first[0].bit_length() + 1
    if length > 8:
        raise ValueError("not an EBML number")
    data = first + file.read(length - 1)
    value = int.from_bytes(data, "big")
    if keep_marker:
        return value
    value &= (1 << (7 * length)) - 1
    return UNKNOWN_SIZE if value == (1 << (7 * length)) - 1 else value


def _elements(file, end: int | None):
    for _step in range(MAX_STEPS):
        if end is not None and file.tell() >= end:
            return
        element = _vint(file, keep_marker=True)
        size = _vint(file, keep_marker=False)
        content = file.tell()
        yield element, content, size
        if size is UNKNOWN_SIZE:
            return
        file.seek(content + size)


def _webm_duration(file) -> float | None:
    for element, content, size in _elements(file, None):
        if element != SEGMENT:
            continue
        segment_end = None if size is UNKNOWN_SIZE else content + size
        file.seek(content)
        for child, child_content, child_size in _elements(file, segment_end):
            if child != INFO or child_size is UNKNOWN_SIZE:
                continue
            scale, duration = 1_000_000, None
            file.seek(child_content)
            for field, field_content, field_size in _elements(
                file, child_content + child_size
            ):
                file.seek(field_content)
                data = file.read(field_size)
                if field == TIMECODE_SCALE:
                    scale = int.from_bytes(data, "big")
                elif field == DURATION and field_size in (4, 8):
                    duration = struct.unpack(">f" if field_size == 4 else ">d", data)[0]
            if duration is None:
                return None
            return _positive(duration * scale / 1e9)
        return None
    return None
