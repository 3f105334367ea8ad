"""Numbers, dates and names as a person reads them; one place for the app and the CLI."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime

#: What each duplicate verdict is called, in a sentence and as a heading.
VERDICT_WORDS = {"exact": "exact copies", "same": "same image", "similar": "similar shots"}
VERDICT_TITLES = {k: v[0].upper() + v[1:] for k, v in VERDICT_WORDS.items()}


def human_bytes(n: int) -> str:
    """A file size as a person reads it: 812 B, 3.4 MB."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError  # pragma: no cover


def format_duration(seconds: float) -> str:
    """A duration as a person reads it on a progress line: 0:42, 12:05, 1:02:03."""
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def rough_duration(seconds: float) -> str:
    """A duration to plan by: "under a minute", "25 min", "1 h 35 min", "2 days 3 h"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes and hours < 10 else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")


def about_duration(seconds: float) -> str:
    """:func:`rough_duration` as a sentence says it: "about 25 min", "under a minute" (an app
    review read "about under a minute")."""
    said = rough_duration(seconds)
    return said if said.startswith("under") else f"about {said}"


def years_or_days(dates: tuple[str, str]) -> str:
    """A span of dates short enough for a list's line: "2002 – 2009", "2019-05 – 2019-08",
    "2019-05-01 – 2019-05-09", "2019-05-01"."""
    first, last = dates[0][:10], dates[1][:10]
    if first == last:
        return first
    for grain in (4, 7):
        if first[:grain] != last[:grain]:
            return f"{first[:grain]} – {last[:grain]}"
    return f"{first} – {last}"


def date_span(dates: tuple[str, str] | None, separator: str = " to ") -> str:
    """ "2023-05-01", or "2023-05-01 to 2023-06-02", from the first and last ISO dates."""
    if not dates:
        return ""
    first, last = dates[0][:10], dates[1][:10]
    return first if first == last else f"{first}{separator}{last}"


def iso_timestamp(text: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 date (EXIF dates as the catalog keeps them), or
    None when there is none or it cannot be read."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 photo", "2 photos"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def some_of(names: Sequence[str], shown: int = 3) -> str:
    """The first ``shown`` names and how many more: "a, b, c and 36 more" (all of them when
    naming the last costs no more than "and 1 more")."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"


def agree(n: int, one: str, many: str) -> str:
    """The words that go with ``n`` things: agree(1, "goes", "go") is "goes"."""
    return one if n == 1 else many


def printable(text: object) -> str:
    """``text`` (or ``str(text)``: a Path, a number) with its control characters (a newline, a
    tab, an escape that would drive the terminal) written as backslash escapes, for one line of
    a listing: a file may be named anything but "/" and NUL."""
    text = text if isinstance(text, str) else str(text)
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or _raw_byte(c) else c.encode("unicode_escape").decode() for c in text
    )


def _raw_byte(c: str) -> bool:
    """A byte of a name that is not valid in the file system's encoding (os.fsdecode keeps it as
    a lone surrogate): printed as that byte (the CLI's stdout uses surrogateescape)."""
    return "\udc80" <= c <= "\udcff"


def quoted(name: str) -> str:
    """A name as the history and messages quote it: “Beach week” (a review: "reject 1 photo
    for Like these three" read as one sentence)."""
    return f"\u201c{name}\u201d"


def similarity(value: float) -> str:
    """A cosine similarity to three places, never rounded up: 0.99996 between a photo and its
    smaller re-save is "0.999", not "1.000", which read as "identical" (a review)."""
    return f"{math.floor(min(value, 1.0) * 1000 + 1e-6) / 1000:.3f}"


def how_alike(n: int, weakest: float) -> str:
    """How alike the ``n`` photos of a duplicate set are, in words that hold for the set: a pair
    has one similarity; a bigger set is linked by pairs at ``weakest`` or more (a review:
    "weakest similarity" was jargon)."""
    return f"similarity {similarity(weakest)}" if n == 2 else f"linked at {similarity(weakest)} or more"


def name_key(name: str) -> str:
    """What two names a person gives (an album, a keyword, a group) must share to be one: no
    case, no spaces around, accents composed ("Café" typed as one character or as e and a
    combining accent look the same)."""
    return unicodedata.normalize("NFC", name.strip()).casefold()
