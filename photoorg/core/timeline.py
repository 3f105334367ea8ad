"""The timeline: every photo of the library by the date it was taken, newest first, in months.

A photo without a date taken (its own EXIF, a sidecar's: core.sidecar_dates, or its name's:
core.name_dates) is placed by
its file's date and marked as such (the timeline must show every photo somewhere; organizing
never guesses silently and puts such photos in "undated" unless asked). A Live Photo is one
photo: its video is folded behind its still (core.pairs.live_photos), whose date it gives when
the still has none. Worked out in the core,
once per change of the library, so the app's models only look rows up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from photoorg.core.catalog import PhotoInfo
from photoorg.core.pairs import dated_by_their_video, live_photos

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def photo_date(photo: PhotoInfo, file_date: bool = True) -> tuple[datetime | None, str]:
    """When the photo was taken and how that is known: ("taken": EXIF, a sidecar or its name),
    ("file": its file's modification date, when ``file_date``), or (None, "none")."""
    if photo.taken:
        try:
            return datetime.fromisoformat(photo.taken), "taken"
        except ValueError:
            pass
    if file_date:
        return datetime.fromtimestamp(photo.mtime_ns / 1e9), "file"
    return None, "none"


@dataclass(frozen=True)
class Month:
    """One heading of the timeline: "May 2023", and where its photos are."""

    year: int
    month: int
    first: int  # row of its first photo
    count: int
    file_dated: int = 0  # of its photos, those without a date taken, placed by their file's date
    #: False for the photos of a year whose month nobody knows (a sidecar says the year alone:
    #: they come last in their year, on its first day), headed "1975, month unknown".
    month_known: bool = True

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month_known else f"{self.year}, month unknown"

    @property
    def name(self) -> str:
        """The month's name alone ("December"), under its year in a jump list."""
        return MONTHS[self.month - 1] if self.month_known else "Month unknown"


@dataclass
class Timeline:
    """Photos newest first, their months, and which ones are placed by their file's date."""

    photos: list[PhotoInfo] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # per row: "2023-05-01", the date shown
    file_dated: set[int] = field(default_factory=set)  # rows placed by the file's date
    #: A Live Photo's still -> its video, folded behind it (not a row of its own).
    live: dict[str, PhotoInfo] = field(default_factory=dict)

    def years(self) -> dict[int, int]:
        """Year -> photos, newest first (the jump list)."""
        out: dict[int, int] = {}
        for m in self.months:
            out[m.year] = out.get(m.year, 0) + m.count
        return out

    def years_file_dated(self) -> dict[int, int]:
        """Year -> its photos without a date taken (placed there by their file's date)."""
        out: dict[int, int] = {}
        for m in self.months:
            out[m.year] = out.get(m.year, 0) + m.file_dated
        return out

    def subset(self, rows: Iterable[int]) -> Timeline:
        """The timeline of these rows' photos (ascending rows), as they are placed here: no
        photo is dated or sorted again (a scale review: a filter that re-dated and re-sorted
        100k photos froze the window for 2 to 3 s each time typing paused)."""
        rows = list(rows)
        if len(rows) == len(self.photos):  # every row (distinct, ascending): this timeline
            return self
        t = Timeline(live=self.live)
        for row in rows:
            date, by_file = self.dates[row], row in self.file_dated
            year, month, known = int(date[:4]), int(date[5:7]), _month_known(self.photos[row], by_file)
            at = len(t.photos)
            t.photos.append(self.photos[row])
            t.dates.append(date)
            if by_file:
                t.file_dated.add(at)
            _count(t.months, year, month, known, at, by_file)
        return t

    def month_of(self, row: int) -> Month | None:
        """The month a row belongs to (binary search over the headings)."""
        lo, hi = 0, len(self.months) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            m = self.months[mid]
            if row < m.first:
                hi = mid - 1
            elif row >= m.first + m.count:
                lo = mid + 1
            else:
                return m
        return None


def shown_date(photo: PhotoInfo, date: str) -> str:
    """The date a listing shows for a photo (``date``: "1975-01-01", as the timeline keeps it):
    "1975" or "1975-07" when a sidecar says the year or the month alone (a scanned print), not a
    day nobody knows."""
    known = photo.taken_known if photo.taken else None
    if known is None and day_alone(photo):
        return date[:10]  # no "00:00:00" of a day given without a time
    return date[:4] if known == "year" else date[:7] if known == "month" else date


def day_alone(photo: PhotoInfo) -> bool:
    """Whether the photo's date taken is a day without a time of day: a sidecar's or its name's
    date at midnight (a scanned print dated "1987-07-14"; its own EXIF always has a time)."""
    if not photo.taken or photo.taken_known or photo.taken_from is None:
        return False
    return photo.taken.endswith("T00:00:00") or len(photo.taken) == 10


def timeline_of(photos: Sequence[PhotoInfo], live: Mapping[str, PhotoInfo] | None = None) -> Timeline:
    """The timeline of these photos, each Live Photo's video folded behind its still.
    ``live``: the Live Photos of a larger set these photos were chosen from (a find), whose
    videos are folded even where their still was not chosen."""
    live = live_photos(photos) if live is None else live
    folded = {v.path for v in live.values()}
    by_video = dated_by_their_video(photos, live) if live else {}
    keyed = []
    for p in photos:
        if p.path in folded:
            continue
        p = by_video.get(p.path, p)
        when, how = photo_date(p)
        assert when is not None
        keyed.append(
            (when, _PRECISION.get(p.taken_known if how == "taken" else None, 2), p.path, p, how == "file")
        )
    # Newest first; on one moment a day before a month alone before a year alone, so that a
    # year's photos whose month nobody knows come last in it (a review: they split January).
    keyed.sort(key=lambda k: (k[0], k[1], k[2]), reverse=True)
    t = Timeline(live={k[2]: live[k[2]] for k in keyed if k[2] in live})
    for row, (when, _, _, photo, by_file) in enumerate(keyed):
        t.photos.append(photo)
        t.dates.append(when.strftime("%Y-%m-%d"))
        if by_file:
            t.file_dated.add(row)
        _count(t.months, when.year, when.month, _month_known(photo, by_file), row, by_file)
    return t


_PRECISION = {"year": 0, "month": 1}  # a day: 2


def _month_known(photo: PhotoInfo, by_file: bool) -> bool:
    return by_file or photo.taken_known != "year"


def _count(months: list[Month], year: int, month: int, known: bool, row: int, by_file: bool) -> None:
    """Count the photo at ``row`` in its month: the last heading, or a new one."""
    last = months[-1] if months else None
    if last is not None and (last.year, last.month, last.month_known) == (year, month, known):
        months[-1] = Month(year, month, last.first, last.count + 1, last.file_dated + by_file, known)
    else:
        months.append(Month(year, month, row, 1, int(by_file), known))


def undated(photo: PhotoInfo) -> bool:
    """Whether the photo has no date taken (the timeline places it by its file's date)."""
    return photo_date(photo, file_date=False)[0] is None


def taken_span(photo: PhotoInfo) -> float:
    """Seconds from the photo's date taken to the end of what it says: 0 for a moment, the
    month or the year for a date a sidecar gives to the month or the year alone, the day for a
    day a sidecar or the name gives without a time of day (a hostile review: "1987-07-14" was
    "taken first" before the copy of 10:00 that day)."""
    if not photo.taken:
        return 0.0
    start = datetime.fromisoformat(photo.taken)
    if not photo.taken_known:
        return 86400.0 if day_alone(photo) else 0.0
    if photo.taken_known == "year":
        end = start.replace(year=start.year + 1)
    else:
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return (end - start).total_seconds()
