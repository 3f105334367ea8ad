"""Dates taken as a person gives them (``photoorg date --taken``, the app's *Set date taken…*)
and says them back: how much of the date is known (the day, the month, the year alone), its
checks, its words. Qt-free; no file is read or written here (:mod:`photoorg.core.date_edits`
writes the dates)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from photoorg.core.errors import PhotoorgError
from photoorg.core.imaging import plausible
from photoorg.core.xmp import KNOWN


def checked(when: datetime) -> datetime:
    """``when`` to the second, without a time zone (as cameras keep it).

    Raises:
        PhotoorgError: not a plausible date for a photo (before 1826, or after next year), which
            the timeline would not take from a sidecar either.
    """
    when = when.replace(tzinfo=None, microsecond=0)
    if when > datetime.now() + timedelta(days=1):  # (a day for time zones; a review: next year passed)
        raise PhotoorgError(f"{when:%Y-%m-%d} is in the future: no photo was taken then.")
    if plausible(when) is None:
        raise PhotoorgError(
            f"{when.year:04d}-{when.month:02d}-{when.day:02d} is not a date a photo can have been taken "
            "(before 1826, or after next year)."
        )
    return when


_PART_OF_A_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2}))?\s*$")
_A_DAY = re.compile(
    r"\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$"
)


def date_taken_of(text: str) -> tuple[datetime, str]:
    """A date taken as a person types it, and how much of it is known (``xmp.KNOWN``):
    ``2019-07-14``, ``2019-07-14 10:05`` or ``2019-07-14T10:05:30`` (the time of day there, no
    time zone, as cameras keep it): the day; ``2019-07`` the month, ``2019`` the year alone (a
    scanned print).

    Raises:
        PhotoorgError: not such a date, or not a plausible one for a photo (before photography,
            or in the future).
    """
    part = _PART_OF_A_DATE.match(text)
    try:
        if part:
            year, month = int(part[1]), int(part[2] or 1)
            return checked(datetime(year, month, 1)), "month" if part[2] else "year"
        if not _A_DAY.match(text):  # (a review: "1987-W28" was taken for a week's Monday)
            raise ValueError(text)
        return checked(datetime.fromisoformat(text.strip())), "day"
    except ValueError:
        if _A_DAY.match(text):  # written right, but no such day (a new-user review: 2020-02-30
            raise PhotoorgError(f"{text!r} is no day of the calendar.") from None  # "write it as")
        raise PhotoorgError(
            f"{text!r} is not a date photoorg reads: write it as 2019-07-14, 2019-07-14 10:05, "
            "or 2019-07 or 2019 when only the month or the year is known."
        ) from None


def when_words(when: datetime, known: str = "day") -> str:
    """The date in the words the history and the app use: "14 July 2019, 10:05", "July 2019",
    "2019"."""
    if known == "year":
        return f"{when:%Y}"
    if known == "month":
        return f"{when:%B %Y}"
    day = f"{when.day} {when:%B %Y}"
    return day if (when.hour, when.minute, when.second) == (0, 0, 0) else f"{day}, {when:%H:%M}"


def first_of(when: datetime, known: str) -> datetime:
    """The moment a date known to the month or the year stands for (its first day)."""
    if known == "year":
        return datetime(when.year, 1, 1)
    if known == "month":
        return datetime(when.year, when.month, 1)
    if known != "day":
        raise ValueError(f"known must be one of {', '.join(KNOWN)}")
    return when
