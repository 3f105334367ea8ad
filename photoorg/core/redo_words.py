"""How a redo names what it does again, and how a clean-up of duplicate sets is named (redo
recognises that name: such a clean-up is not redone)."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence

from photoorg.core.catalog import BatchInfo
from photoorg.core.humanize import plural, some_of

#: A clean-up's name, whatever the names of the photos kept in it hold (a hostile review: a
#: name with a new line made a clean-up look like a plain trash, and redo trashed a last copy).
SET_CLEANUP = re.compile(r"\Atrash \d+ duplicates? from \d+ sets?(?: \(.*\))?\Z", re.DOTALL)


def what_is_redone(summary: str) -> str:
    """An action's summary without its "redo of action 26: " (what a redo does again)."""
    first = _REDONE.match(summary)
    return summary[first.end() if first else 0 :]


def set_cleanup_summary(photos: int, sets: int, kept: Sequence[str] = ()) -> str:
    """How a clean-up of duplicate sets is named in the history (and known by redo), with the
    name of a photo each set keeps (a review: "trash 3 duplicates from 1 set" said not which)."""
    names = f" ({some_of(list(dict.fromkeys(kept)), 2)} kept)" if kept else ""
    return f"trash {plural(photos, 'duplicate')} from {plural(sets, 'set')}{names}"


def kept_names(plan: Sequence[tuple[Sequence[str], Sequence[str]]], going: Collection[str]) -> list[str]:
    """The name of the first photo each set of a clean-up ``plan`` (members, those to trash)
    keeps, of the sets a file of which goes."""
    return [
        os.path.basename(next((m for m in members if m not in remove), members[0]))
        for members, remove in plan
        if any(r in going for r in remove)
    ]


_REDONE = re.compile(r"redo of action \d+: ")
_PHOTOS = re.compile(r"\b\d+ photos?\b")


def redo_summary(info: BatchInfo, photos: int | None = None) -> str:
    """The summary of a redo: "redo of action 26: trash 1 photo", not "redo of action 26: redo
    of action 25: trash 1 photo" when action 26 was itself a redo; with the count of the
    ``photos`` it does again (an undo that put back part of "trash 2 photos" redoes 1)."""
    what = what_is_redone(info.summary)
    if photos is not None:
        what = _PHOTOS.sub(plural(photos, "photo"), what, count=1)
    return f"redo of action {info.id}: {what}"
