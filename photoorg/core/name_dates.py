"""When a photo was taken, from its file's name, for a photo with no date of its own and none in
a sidecar beside it.

Phones and chat apps name their pictures by the moment they were taken, and many of those
pictures carry no EXIF (a chat app strips it; a screenshot never had any). Copied to another
disk, they would sit in the timeline under the day of the copy. Their names say better:

- ``IMG_20190714_103000.jpg``, ``VID_20190714_103000.mp4``, ``PXL_20210714_103000123.jpg``,
  ``20190714_103000.jpg`` (Android cameras, Pixel, Samsung);
- ``IMG-20190714-WA0003.jpg`` (WhatsApp: the day only);
- ``Screenshot_20190714-103000.png``, ``Screenshot_2019-07-14-10-30-00.png``,
  ``Screenshot 2019-07-14 at 10.30.00.png`` (Android, macOS);
- ``2019-07-14 10.30.00.jpg`` (Dropbox's camera upload), ``signal-2021-07-14-103000.jpg``;
- ``1987-07-14 Grandma.jpg`` (a scan a person named by its day).

Only a whole date is taken: eight digits (or ``YYYY-MM-DD``) standing apart from other digits
and from the letters a to f (a hash or an id in hex: ``a3f2e19870512bc4``), making a real day
of a plausible year, with a time of day when one follows at once (``IMG20190714103000``: Oppo,
OnePlus). A year or a month alone in a name ("Room 2001", "1987-07") is no date taken here, and
neither are a scanner's eight digits (``Scan_20240315.jpg``: the day of the scan, not of the
print). The time has no zone, as a camera's. Such a date is said to be the name's wherever it is
shown (the catalog's ``taken_from`` is :data:`FROM_NAME`). Qt-free; reads no file.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

from photoorg.core import imaging
from photoorg.core.catalog.rows import FROM_NAME

__all__ = ["FROM_NAME", "date_in_name"]

#: A day, as eight digits or YYYY-MM-DD (the separator the same twice), then perhaps the time of
#: day: HHMMSS or HH.MM.SS (":" or "-" too), after " ", "_", "-", "T" or " at ", perhaps with
#: milliseconds (Pixel). Digits either side of the whole are not a date's.
_DATE = re.compile(
    r"(?<![\da-f])(?P<y>\d{4})(?P<sep>-?)(?P<mo>\d{2})(?P=sep)(?P<d>\d{2})"
    r"(?:(?:[ _T-]|\ at\ |(?<=\d{8}))(?P<h>\d{2})(?P<tsep>[.:-]?)(?P<mi>\d{2})(?P=tsep)(?P<s>\d{2})"
    r"(?:[.:-]?\d{1,3})?)?"
    r"(?![\da-f])",
    re.IGNORECASE,
)

_SCANNED = re.compile(r"scan", re.IGNORECASE)

#: Eight digits from before this year are more often a number than a date (a receipt, an id).
_FIRST_COMPACT_YEAR = 1900


def date_in_name(path: str) -> str | None:
    """The date taken a file's name says (ISO text, no time zone), or None when it says none."""
    stem = os.path.splitext(os.path.basename(path))[0]
    scanned = _SCANNED.search(stem) is not None
    for m in _DATE.finditer(stem):
        if not m["sep"] and (int(m["y"]) < _FIRST_COMPACT_YEAR or scanned):
            continue
        try:
            when = datetime(int(m["y"]), int(m["mo"]), int(m["d"]))
            if m["h"] is not None:
                when = when.replace(hour=int(m["h"]), minute=int(m["mi"]), second=int(m["s"]))
        except ValueError:  # 2019-02-30, 25:00: not a moment; a day alone, if that is one
            try:
                when = datetime(int(m["y"]), int(m["mo"]), int(m["d"]))
            except ValueError:
                continue
        taken = imaging.plausible(when)
        if taken is not None:
            return taken
    return None
