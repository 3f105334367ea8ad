"""Videos in a photo library: catalogued (fingerprint, size, date) and organized by date with
the photos, never embedded or grouped.

The date is read where it is cheap: the creation time of an MP4 / QuickTime / 3GP file's
``mvhd`` box (seconds since 1904, UTC, as cameras and phones write it). The boxes are walked by
their sizes, so only a few hundred bytes of the file are read, wherever the ``moov`` box is.
Other videos (AVI) have no date photoorg reads: they are "undated" unless the person asks for
the file's date.
"""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime, timedelta

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".avi", ".3gp"})
VIDEO_FORMATS = frozenset({"MP4", "MOV", "M4V", "AVI", "3GP"})
_EPOCH_1904 = datetime(1904, 1, 1, tzinfo=UTC)
_MAX_BOXES = 10_000


def is_video_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS


def video_format(path: str) -> str:
    return os.path.splitext(path)[1].lstrip(".").upper()


def _boxes(f, start: int, end: int):
    """(type, payload offset, payload end) of the boxes between ``start`` and ``end``."""
    pos = start
    for _ in range(_MAX_BOXES):
        if pos + 8 > end:
            return
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        payload = pos + 8
        if size == 1:  # a 64-bit size follows
            big = f.read(8)
            if len(big) < 8:
                return
            (size,) = struct.unpack(">Q", big)
            payload = pos + 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < payload - pos:
            return  # damaged
        yield kind, payload, min(pos + size, end)
        pos += size


def video_taken(path: str) -> str | None:
    """The recording's date and time (local, ISO 8601) from an MP4/QuickTime file, or None."""
    try:
        with open(path, "rb") as f:
            end = os.fstat(f.fileno()).st_size
            for kind, start, stop in _boxes(f, 0, end):
                if kind != b"moov":
                    continue
                for inner, payload, _ in _boxes(f, start, stop):
                    if inner != b"mvhd":
                        continue
                    f.seek(payload)
                    head = f.read(20)
                    if len(head) < 12:
                        return None
                    version = head[0]
                    seconds = (
                        struct.unpack(">Q", head[4:12])[0]
                        if version == 1
                        else struct.unpack(">I", head[4:8])[0]
                    )
                    if seconds == 0:
                        return None
                    when = _EPOCH_1904 + timedelta(seconds=seconds)
                    if not 1970 <= when.year <= 2100:
                        return None
                    return when.astimezone().replace(tzinfo=None).isoformat(timespec="seconds")
    except (OSError, struct.error, OverflowError, ValueError):
        return None
    return None
