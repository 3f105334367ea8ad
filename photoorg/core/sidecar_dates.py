"""When a photo was taken, from a sidecar beside it, for a photo whose own metadata says nothing.

A photo without EXIF (a scan, a screenshot, a picture saved from a chat) is placed by its file's
date, which is the day it was copied. Other programs often know better and write it beside the
photo:

- **Google Takeout** (a Google Photos export) puts ``photoTakenTime`` in a JSON file named after
  the photo (``IMG_1.jpg.supplemental-metadata.json``, ``IMG_1.jpg.json``, cut short to
  ``IMG_1.jpg.supplemental-met.json`` for long names, ``IMG_1.jpg.supplemental-metadata(1).json``
  for ``IMG_1(1).jpg``), as seconds since 1970 in UTC: it is shown in this computer's time zone.
- **XMP sidecars** of digiKam, darktable, Lightroom and Bridge: ``exif:DateTimeOriginal``,
  ``photoshop:DateCreated`` (a year alone for a scanned print) or ``xmp:CreateDate``
  (:func:`photoorg.core.xmp.date_taken`).

The photo's own date always wins; of several sidecars, the one named with the photo's whole name
first (the scanner lists them so: :attr:`photoorg.core.scanner.FileRecord.sidecars`), XMP before
JSON. Qt-free; reads only.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Sequence
from datetime import datetime

from photoorg.core import imaging, xmp

log = logging.getLogger(__name__)

_A_YEAR = 365 * 24 * 3600

#: A sidecar larger than this is no date's (an XMP with a preview in it is a few hundred KB).
MAX_SIDECAR_BYTES = 4 << 20


def takeout_date(data: bytes) -> datetime | None:
    """The ``photoTakenTime`` of a Google Takeout JSON, in this computer's time zone; None
    when it has none (0 is Takeout's "unknown")."""
    try:
        meta = json.loads(data.decode("utf-8-sig"))
        stamp = meta["photoTakenTime"]["timestamp"]
        if isinstance(stamp, bool) or not isinstance(stamp, (str, int)):  # (true read as 1970)
            return None
        seconds = int(stamp)
        # 0 is Takeout's "unknown"; a few seconds after 1970 is no photo's date either
        return datetime.fromtimestamp(seconds) if seconds >= _A_YEAR else None
    except (ValueError, TypeError, KeyError, OverflowError, OSError, RecursionError):
        return None  # (a hostile review: "[[[[…" 100k deep stopped the scan)


def _read_file(path: str) -> bytes | None:
    """The first bytes of a regular file (one byte past the limit), or None for anything else;
    opened without waiting, so that a named pipe put in a sidecar's place cannot stop a scan."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_SIDECAR_BYTES + 1)
    finally:
        os.close(fd)


def date_from(folder: str, names: Sequence[str]) -> tuple[str | None, str | None]:
    """(date taken as ISO text, the sidecar's name) from the first of ``names`` in ``folder``
    that gives a plausible one; (None, None) when none does."""
    taken, source, _ = date_known_from(folder, names)
    return taken, source


def date_known_from(folder: str, names: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    """:func:`date_from`, and how much of the date the sidecar says: "year" or "month" for a
    year or a month alone (the date is its first day), None for a day."""
    for name in names:
        try:
            data = _read_file(os.path.join(folder, name))
        except OSError as exc:  # gone since the listing, unreadable: the photo's file date then
            log.debug("cannot read sidecar %s: %s", name, exc)
            continue
        if data is None:  # a pipe, a device, a folder: never read (a pipe would never end)
            continue
        if len(data) > MAX_SIDECAR_BYTES:
            continue
        try:
            if name.lower().endswith(".json"):
                when, known = takeout_date(data), None
            else:
                when, known = xmp.date_taken_known(data) or (None, None)
        except Exception:  # per-file boundary: a sidecar never stops a scan
            log.info("cannot read a date in %s", name, exc_info=True)
            continue
        taken = imaging.plausible(when) if when is not None else None
        if taken is not None:
            return taken, name, known
    return None, None, None
