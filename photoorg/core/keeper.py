"""Which copy of a duplicate set to keep, and a sentence saying why.

An ordered chain of rules; the first rule that tells the best photo from the runner-up gives
the reason. Photos in protected (reference) folders always rank first and are always kept.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from photoorg.core.catalog import PhotoInfo
from photoorg.core.companions import FolderListing
from photoorg.core.humanize import human_bytes, iso_timestamp
from photoorg.core.paths import FolderSet, containing
from photoorg.core.raw import RAW_FORMATS
from photoorg.core.timeline import shown_date, taken_span

#: Lower is better: a camera RAW (its format is its extension: "CR2", "NEF", "DNG") before
#: HEIF before JPEG. A RAW beside its JPEG usually wins earlier, by resolution or file size.
FORMAT_RANK = {
    "RAW": 0,
    **dict.fromkeys(RAW_FORMATS, 0),
    "HEIF": 1,
    "HEIC": 1,
    "AVIF": 1,
    "JPEG": 2,
    "MPO": 2,
}
DEFAULT_RULES = (
    "protected",
    "resolution",
    "file_size",
    "format",
    "exif",
    "sidecars",
    "earliest_taken",
    "preferred_folder",
    "oldest_file",
)


@dataclass(frozen=True)
class KeeperPolicy:
    """The rule chain and the folders it looks at. Every field is a setting."""

    rules: tuple[str, ...] = DEFAULT_RULES
    protected: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()
    library: tuple[str, ...] = ()  # the library's folders (a folder of copies is one inside them)

    def __post_init__(self) -> None:
        unknown = set(self.rules) - set(_RULES)
        if unknown:
            raise ValueError(
                f"unknown keeper rules: {', '.join(sorted(unknown))}; known: {', '.join(_RULES)}"
            )
        if not self.rules:  # (a hostile review: "," left no rule, protected gone too)
            raise ValueError(f"the keeper needs at least one rule; known: {', '.join(_RULES)}")
        twice = sorted({r for r in self.rules if self.rules.count(r) > 1})
        if twice:
            raise ValueError(f"a keeper rule given twice: {', '.join(twice)}")

    def is_protected(self, photo: PhotoInfo) -> bool:
        return self._protected.holds(photo.path)

    def in_library(self, photo: PhotoInfo) -> bool:
        """Whether a copy is in the library's folders, not in one looked at ('duplicates CARD'):
        the library's copy is always the one kept of such copies (a hostile review: the card's,
        "oldest file", was kept and the library's trashed). True when no folders are known."""
        return not self.library or self._library.holds(photo.path)

    @functools.cached_property
    def _library(self) -> FolderSet:
        return FolderSet(self.library)

    def is_preferred(self, photo: PhotoInfo) -> bool:
        return self._preferred.holds(photo.path)

    @functools.cached_property
    def _protected(self) -> FolderSet:
        return FolderSet(self.protected)

    @functools.cached_property
    def _preferred(self) -> FolderSet:
        return FolderSet(self.preferred)

    def sidecars(self, photo: PhotoInfo) -> list[str]:
        """The photo's own sidecars (its edits and keywords for other programs), whose folder is
        listed once per policy (one duplicate search)."""
        return [c for c, why in self._listing.sidecars(photo.path, ()) if why is None]

    @functools.cached_property
    def _listing(self) -> FolderListing:
        return FolderListing()


#: The rules of photoorg 0.3 and before, saved in settings.json by everyone: read as the
#: defaults of now (a list that was never changed gains the rules added since).
EARLIER_DEFAULT_RULES = (
    (
        "protected", "resolution", "file_size", "format", "exif", "earliest_taken", "preferred_folder",
        "oldest_file",
    ),
)  # fmt: skip


def _taken_key(p: PhotoInfo) -> float:
    """When the photo was certainly taken by: a year or a month alone counts to its end (noticed
    last session: a print dated "1987" was "taken first" before the copy taken 3 May 1987)."""
    seconds = iso_timestamp(p.taken)
    return float("inf") if seconds is None else seconds + taken_span(p)


# Each rule: (sort key, lower is better; reason given the keeper and the runner-up).
_Rule = tuple[
    Callable[[PhotoInfo, KeeperPolicy], object], Callable[[PhotoInfo, PhotoInfo, KeeperPolicy], str]
]
_RULES: dict[str, _Rule] = {
    "protected": (
        lambda p, pol: 0 if pol.is_protected(p) else 1,
        lambda k, o, pol: f"in a protected folder ({os.path.dirname(k.path)})",
    ),
    "resolution": (
        lambda p, pol: -p.pixels,
        lambda k, o, pol: (
            f"largest resolution {k.width}x{k.height}; the others have fewer pixels (next: "
            f"{o.width}x{o.height})"
        ),
    ),
    "file_size": (
        lambda p, pol: -p.size,
        lambda k, o, pol: (  # (an app review: "same resolution" of a set of 512² and 256²)
            f"as many pixels as the next best ({k.width}x{k.height}) and a larger file "
            f"({human_bytes(k.size)}; next: {_smaller(k.size, o.size)})"
            if k.pixels == o.pixels
            else f"largest file ({human_bytes(k.size)}); the others are smaller "
            f"(next: {_smaller(k.size, o.size)})"
        ),
    ),
    "format": (
        lambda p, pol: FORMAT_RANK.get((p.format or "").upper(), 3),
        lambda k, o, pol: f"better format ({k.format} over {o.format})",
    ),
    "exif": (
        lambda p, pol: -(p.own_date + bool(p.camera)),  # (not a sidecar's or its name's date)
        lambda k, o, pol: "most complete camera data (date taken" + (" and camera)" if k.camera else ")"),
    ),
    # Found by a review: of two identical copies, the one with the sidecar (darktable's edits,
    # Lightroom's keywords) could be the one proposed for the trash, the edits with it.
    "sidecars": (
        lambda p, pol: -len(pol.sidecars(p)),
        lambda k, o, pol: (
            f"has its sidecar{'s' if len(pol.sidecars(k)) > 1 else ''} "
            f"({', '.join(os.path.basename(c) for c in pol.sidecars(k))}: edits, keywords)"
            + ("; the others have none" if not pol.sidecars(o) else "; the others have fewer")
        ),
    ),
    "earliest_taken": (
        lambda p, pol: _taken_key(p),
        lambda k, o, pol: f"taken first ({shown_date(k, (k.taken or '').replace('T', ' '))})",
    ),
    "preferred_folder": (
        lambda p, pol: 0 if pol.is_preferred(p) else 1,
        lambda k, o, pol: f"in a preferred folder ({os.path.dirname(k.path)})",
    ),
    "oldest_file": (
        lambda p, pol: p.mtime_ns,
        lambda k, o, pol: f"identical copies; kept the oldest file, {_older(k.mtime_ns, o.mtime_ns)}",
    ),
}


def _older(kept_ns: int, next_ns: int) -> str:
    """When the kept file was last modified, as precisely as it takes to tell it from the next
    one (a new-user review: "modified 18:44" of copies all made in that minute)."""
    kept, other = (datetime.fromtimestamp(ns / 1e9) for ns in (kept_ns, next_ns))
    for shape in ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        if f"{kept:{shape}}" != f"{other:{shape}}":
            return f"modified {kept:{shape}} (the next {other:{shape}})"
    return f"modified {kept:%Y-%m-%d %H:%M:%S} (the next a moment later)"


def _smaller(size: int, other: int) -> str:
    shown = human_bytes(other)
    return shown if shown != human_bytes(size) else f"{shown}, {size - other:,} bytes smaller"


#: Names a copy gets from file managers, cameras and photoorg itself: "IMG_1 (1).jpg",
#: "IMG_1 copy.jpg", "IMG_1 - Copy.jpg", "Copy of IMG_1.jpg", "IMG_1 (copy 2).jpg".
_COPY_NAME = re.compile(
    r"(\s\(\d{1,3}\)|[\s_-]+(-\s)?copy(\s?\d+)?|\s\(copy(\s\d+)?\))$|^copy of\s", re.IGNORECASE
)


def copy_marks(path: str) -> int:
    """How many times the file's name says it is a copy: "IMG_1 (1) - Copy.jpg" twice."""
    stem, marks = os.path.splitext(os.path.basename(path))[0], 0
    while (found := _COPY_NAME.search(stem)) is not None and found.group(0) != stem:
        stem, marks = stem[: found.start()] + stem[found.end() :], marks + 1
    return marks


#: A folder whose name says it holds copies ("copies", "Backup", "old backups", "Duplicates",
#: "Copy of Pictures", "Pictures - Copy").
_COPY_FOLDER = re.compile(
    r"^(copies|copy|backups?|duplicates?|dupes?)$|^copy of\s|\s-\scopy$|^backups?[\s_-]|[\s_-]backups?$",
    re.IGNORECASE,
)


def folder_of_copies(path: str, library: Sequence[str] = ()) -> str | None:
    """The folder above the file, inside its library folder, whose name says it holds copies or
    backups, or None (an app review: of two identical copies, the one in extras/copies was kept
    "first by folder and name"; a hostile review: not the folders above the library's, as a
    drive called "Backup Drive")."""
    folder = os.path.dirname(path)
    root = containing(folder, library) if library else None
    below = os.path.relpath(folder, root) if root else folder
    return next((part for part in below.split(os.sep) if part and _COPY_FOLDER.search(part)), None)


def named_as_a_copy(path: str) -> bool:
    """Whether the file's name says it is a copy of another ("IMG_1 (1).jpg")."""
    return copy_marks(path) > 0


def rank(photos: Sequence[PhotoInfo], policy: KeeperPolicy) -> list[PhotoInfo]:
    """Photos best first by the policy's rule chain; then the name that says "copy" the
    fewest times ("IMG_1.jpg" before "IMG_1 (1).jpg", "Screenshot (12).png" before photoorg's
    "Screenshot (12) (1).png"), not in a folder of copies or backups, the shorter name, and the
    path break the last ties."""
    rules = [_RULES[name][0] for name in policy.rules]

    def key(p: PhotoInfo) -> tuple[object, ...]:
        name = os.path.basename(p.path)
        return (not policy.in_library(p), *[rule(p, policy) for rule in rules], copy_marks(p.path),
                folder_of_copies(p.path, policy.library) is not None, len(name), p.path)  # fmt: skip

    return sorted(photos, key=key)


#: The rules that judge the picture itself: a copy better by one of these is never proposed for
#: the trash in favour of a protected one.
PICTURE_RULES = ("resolution", "file_size", "format")


def better_than_protected(ranked: Sequence[PhotoInfo], policy: KeeperPolicy) -> tuple[PhotoInfo, str] | None:
    """The copy outside the protected folders that is a better picture than the protected keeper
    (``ranked[0]``), and why; None when there is none (the keeper is not protected, or no such
    copy is better by the picture's own rules before another rule decides). An app review: a
    protected half-size re-save was the keeper, and the full-size original was to go."""
    keeper = ranked[0] if ranked else None
    if keeper is None or not policy.is_protected(keeper):
        return None
    others = [p for p in ranked if not policy.is_protected(p)]
    if not others:
        return None
    without = KeeperPolicy(
        tuple(r for r in policy.rules if r != "protected") or ("resolution",), (), policy.preferred
    )
    best = rank(others, without)[0]
    for name in without.rules:
        key, _ = _RULES[name]
        a, b = key(best, without), key(keeper, without)
        if a != b:  # said against the protected copy alone (a hostile review: "the others have
            # fewer pixels" of a set whose others had as many)
            return (best, _BETTER[name](best, keeper)) if name in PICTURE_RULES and a < b else None
    return None


_BETTER: dict[str, Callable[[PhotoInfo, PhotoInfo], str]] = {
    "resolution": lambda p, k: (
        f"{p.width}x{p.height}, more pixels than the protected copy's {k.width}x{k.height}"
    ),
    "file_size": lambda p, k: (
        f"{human_bytes(p.size)}, a larger file than the protected copy's {human_bytes(k.size)}"
    ),
    "format": lambda p, k: f"{p.format}, a better format than the protected copy's {k.format}",
}


def choose_keeper(photos: Sequence[PhotoInfo], policy: KeeperPolicy) -> tuple[list[PhotoInfo], str]:
    """(photos best first, the reason the first one is the keeper)."""
    if len(photos) < 2:  # most contents of a library have one copy: no rule to run
        return list(photos), "the only photo"
    ranked = rank(photos, policy)
    keeper, runner_up = ranked[0], ranked[1]
    if policy.in_library(keeper) and not policy.in_library(runner_up):
        return ranked, f"in the library ({os.path.dirname(keeper.path)}); the others are outside it"
    for name in policy.rules:
        key, reason = _RULES[name]
        if key(keeper, policy) != key(runner_up, policy):
            return ranked, reason(keeper, runner_up, policy)
    if copy_marks(runner_up.path) > copy_marks(keeper.path):
        return ranked, f"identical by every rule; {os.path.basename(runner_up.path)} is named as a copy of it"
    where = folder_of_copies(runner_up.path, policy.library)
    if where is not None and folder_of_copies(keeper.path, policy.library) is None:
        other = "the other is" if len(photos) == 2 else "the next best is"  # (a review: "the other" of 3)
        return ranked, f"identical by every rule; {other} in a folder of copies ({where})"
    if len(os.path.basename(keeper.path)) < len(os.path.basename(runner_up.path)):
        return ranked, "identical by every rule; kept the one with the shorter name"
    # (a new-user review: "the first by name" of three copies all named skagen.jpg)
    where = os.path.basename(os.path.dirname(keeper.path)) or keeper.path
    return ranked, f"identical by every rule; kept the first by folder and name (the one in {where})"
