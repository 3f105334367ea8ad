"""How the files that went with a photo (sidecars, RAWs, videos: :mod:`photoorg.core.companions`)
come back with it when an action is undone (:mod:`photoorg.core.undo`): under the name the photo
gets back, beside it, and only once it is back, so the two are never parted.

Found by reviews: a photo numbered "IMG_1 (1).jpg" on its way back (a new photo had taken its
name) left its IMG_1.jpg.xmp to the stranger; a stray IMG_1.jpg.xmp at the old place made the
photo's own come back as "IMG_1.jpg (1).xmp", a name of no photo. Qt-free.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from photoorg.core.catalog import JournalEntry
from photoorg.core.companions import (
    SIDECAR_EXTENSIONS,
    FolderListing,
    SharedStems,
    brings_stem_sidecar,
    free_with,
    renamed,
)


def is_companion(entry: JournalEntry) -> bool:
    """A file that went with a photo: not catalogued, its content journaled."""
    return entry.file_row is None and entry.fingerprint is not None


@dataclass(frozen=True)
class Return:
    """Where a companion comes back: ``stays`` says why it does not (its photo is not back)."""

    beside: str | None = None  # its new name beside its photo (None: its old name)
    edited_is_fine: bool = False  # a sidecar edited since still goes back with its photo
    stays: str | None = None


class Companions:
    """Which photo each companion of one action went with, and where each photo came back."""

    def __init__(self, batch_entries: Sequence[JournalEntry], todo: Sequence[JournalEntry]) -> None:
        # Each companion's photo: the photo journaled last before it (a plan lists a photo,
        # then the files that go with it).
        self._photo_of: dict[int, JournalEntry] = {}
        photo = None
        #: photo entry -> its companions that never left (failed, or cut short by a crash): of
        #: its shot, no strangers where it comes back (a hostile review: its own Live video).
        self._stayed: dict[int, list[str]] = {}
        for e in sorted(batch_entries, key=lambda e: e.id):
            if not is_companion(e):
                photo = e
            elif photo is not None:
                self._photo_of[e.id] = photo
                if e.state not in ("done", "undoing", "undone"):
                    self._stayed.setdefault(photo.id, []).append(e.source)
        self._going: dict[int, list[str]] = {}  # photo entry -> its companions still to undo
        for e in todo:
            if e.id in self._photo_of:
                self._going.setdefault(self._photo_of[e.id].id, []).append(e.source)
        self._back_at: dict[int, str | None] = {}  # photo entry -> where it came back (None: not)

    @staticmethod
    def in_order(todo: Sequence[JournalEntry]) -> list[JournalEntry]:
        """The photos first (newest first), then what went with them, which follows them."""
        return sorted(todo, key=lambda e: (is_companion(e), -e.id))

    def photo_back_name(self, photo: JournalEntry) -> str | None:
        """Where a photo goes back so that its companions come back beside it under names of
        their own: its old name, unless one of theirs is taken or a stray sidecar waits there
        (None: its old name, as for a photo that went alone)."""
        going = self._going.get(photo.id)
        if not going:
            return None
        # Never beside a stranger of its stem that would share the sidecar named after it (a
        # hostile review: X.jpg and X.xmp came back beside an X.png put there since); the photos
        # of the same shot this undo put back already are no strangers.
        folder = os.path.dirname(photo.source)
        ours = {os.path.basename(w) for w in self._back_at.values() if w and os.path.dirname(w) == folder}
        ours |= {os.path.basename(s) for s in self._stayed.get(photo.id, ()) if os.path.dirname(s) == folder}
        name = os.path.basename(photo.source)
        # Only a photo bringing such a sidecar is checked: the RAW that stayed beside a JPEG
        # (and the RAW's own sidecar) is the same shot, not a stranger.
        stems = SharedStems() if brings_stem_sidecar(name, going) else None
        try:
            here = photo.target or ""
            return free_with(photo.source, going, name, set(), FolderListing(), stems, here, ours)
        except OSError:
            return None

    def came_back(self, photo: JournalEntry, where: str | None) -> None:
        self._back_at[photo.id] = where

    def return_of(self, companion: JournalEntry, copy: bool = False) -> Return | None:
        """How a companion comes back (None: on its own, its photo unknown); of a ``copy``,
        whether it goes to the trash with its photo's copy."""
        photo = self._photo_of.get(companion.id)
        if photo is None:
            return None
        back = self._back_at.get(photo.id, photo.undo_target if photo.state == "undone" else None)
        if back is None:
            name = os.path.basename(photo.source)
            if copy:
                return Return(stays=f"the copy of its photo {name} stays, so it stays with it")
            return Return(stays=f"its photo {name} could not be put back, so it stays with it")
        beside = None
        if back != photo.source and os.path.dirname(companion.source) == os.path.dirname(photo.source):
            name = renamed(companion.source, os.path.basename(photo.source), os.path.basename(back))
            beside = os.path.join(os.path.dirname(back), name)
        sidecar = os.path.splitext(companion.source)[1].lower() in SIDECAR_EXTENSIONS
        return Return(beside, sidecar)
