"""What a change to XMP sidecars (a date taken, an album's keyword) keeps for its redo, and
why one cannot be redone (out of redo.py, past its size).

A change keeps, in the catalog's meta table as it begins (before any sidecar changes), what it
does: a date change the date, how much of it is known and each sidecar with its photo and the
photo's content; a keyword change its album, the name it wrote, and each sidecar with how it
changes and its photo's content. Its redo
(:meth:`photoorg.core.date_edits.DateEdits.redo_dates`,
:meth:`photoorg.core.curation.Curation.redo_keywords`) does the same again to the sidecars its
undo put back beside the same content, and to no other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from photoorg.core.actions import DATES, DATES_SET, KEYWORDS, KEYWORDS_SET
from photoorg.core.catalog import BatchInfo, Catalog
from photoorg.core.humanize import quoted

_SET_BY = {DATES: DATES_SET, KEYWORDS: KEYWORDS_SET}


def sidecar_refusal(catalog: Catalog, info: BatchInfo) -> str | None:
    """Why change ``info`` to sidecars cannot be redone as it was kept (None: it can, as far
    as its record and album go)."""
    kept = kept_dates(catalog, info.id) if info.action == DATES else kept_keywords(catalog, info.id)
    if kept is None:
        return sidecars_refused(info)
    todo, why_not = again(catalog, info.id, kept)
    if not todo and why_not:  # (a hostile review: offered, then refused, for a photo moved)
        return f"Nothing of action {info.id} ({info.summary}) can be done again: {why_not[0]}."
    if isinstance(kept, KeptKeywords):  # (a hostile review: offered, then refused; and "Cats"
        # written where Redo named "Dogs")
        names = {album: name for album, name, _ in catalog.albums()}
        if kept.album not in names:
            return f"Action {info.id} ({info.summary}) was for an album that is gone."
        if names[kept.album] != kept.keyword:
            return (
                f"Action {info.id} ({info.summary}) wrote the name the album had then; it is "
                f"{quoted(names[kept.album])} now: write its keyword again from the album "
                "(Keywords… on the album, or 'photoorg album keywords NAME')."
            )
    return None


def content_of(catalog: Catalog, photo: str | None) -> str | None:
    """The content (fingerprint) the catalog knows at ``photo``, None when it knows none."""
    row = catalog.file_row(photo) if photo else None
    return None if row is None else row.fingerprint


def again(
    catalog: Catalog, batch: int, kept: tuple[datetime, str, dict[str, tuple[str, str | None]]] | KeptKeywords
) -> tuple[dict[str, str], list[str]]:
    """What the redo of change ``batch`` to sidecars (``kept``: what it kept) does again: each
    sidecar its undo put back whose photo is, as the catalog knows it, the content the change
    was made for (sidecar -> photo); and why each other one put back is left as it is (a
    hostile review: the album's keyword went into a stranger given a member's name, and a date
    to another photo)."""
    planned = kept[2] if isinstance(kept, tuple) else {s: (p, c) for s, (p, _, _, c) in kept.steps.items()}
    back = {e.source for e in catalog.journal_entries(batch, ("undone",))}
    todo: dict[str, str] = {}
    why_not: list[str] = []
    for sidecar, (photo, content) in planned.items():
        if sidecar not in back:
            continue
        if content is not None and content_of(catalog, photo) == content:
            todo[sidecar] = photo
        else:
            why_not.append(
                f"{os.path.basename(photo)} is not the photo action {batch} changed, where it was "
                "(moved, renamed or replaced since)"
            )
    return todo, why_not


def sidecars_refused(info: BatchInfo) -> str:
    """Why a change to sidecars made before photoorg kept what it set cannot be redone."""
    if info.action == DATES:
        return (
            f"Action {info.id} ({info.summary}) wrote a date taken into sidecars; set it again by hand "
            "(Set date taken… on the photos, or 'photoorg date PHOTO… --taken WHEN')."
        )
    return (
        f"Action {info.id} ({info.summary}) wrote keywords into sidecars; write them again by "
        "hand (Keywords… on the album, or 'photoorg album keywords NAME')."
    )


def keep_for_redo(catalog: Catalog, action: str, batch: int, kept: dict[str, object]) -> None:
    """What a change to sidecars (``action`` ``batch``) does, kept for its redo: written as it
    begins, before any sidecar changes (a catalog that cannot take it stops the action)."""
    catalog.set_meta(_SET_BY[action].format(batch), json.dumps(kept))


def forget(catalog: Catalog, action: str, batch: int) -> None:
    """What a change kept, forgotten when it is dropped with nothing done (its number may be
    another action's later)."""
    catalog.delete_meta(_SET_BY[action].format(batch))


def kept_dates(
    catalog: Catalog, batch: int
) -> tuple[datetime, str, dict[str, tuple[str, str | None]]] | None:
    """What date change ``batch`` set: the date, how much of it is known ("day", "month",
    "year"), and each sidecar it planned with its photo and the photo's content (fingerprint);
    None when photoorg kept none (an older photoorg) or what it kept cannot be read."""
    kept = _kept(catalog, DATES, batch)
    try:
        when, known = datetime.fromisoformat(kept["when"]), kept["known"]
        if known not in ("day", "month", "year"):
            return None
        return (
            when,
            known,
            {str(sidecar): (str(photo), content) for photo, sidecar, content in kept["photos"]},
        )
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class KeptKeywords:
    """What a keyword change did: its album, the album's name it wrote (``keyword``), whether
    it took the album's names out everywhere, and each sidecar it planned (sidecar -> the
    photo, whether the photo was in the album, the keywords it took out, the photo's content)."""

    album: int
    keyword: str
    take_out: bool
    steps: dict[str, tuple[str, bool, tuple[str, ...], str | None]]  # ..., the photo's content


def kept_keywords(catalog: Catalog, batch: int) -> KeptKeywords | None:
    """What keyword change ``batch`` did; None when photoorg kept none (an older photoorg) or
    it cannot be read."""
    kept = _kept(catalog, KEYWORDS, batch)
    try:
        steps = {
            str(sidecar): (str(photo), bool(member), tuple(str(w) for w in out), content)
            for photo, sidecar, member, out, content in kept["steps"]
        }
        album, keyword, take_out = kept["album"], kept["keyword"], kept["take_out"]
        if not (isinstance(album, int) and isinstance(keyword, str) and isinstance(take_out, bool)):
            return None
        return KeptKeywords(album, keyword, take_out, steps)
    except (KeyError, TypeError, ValueError):
        return None


def _kept(catalog: Catalog, action: str, batch: int) -> Any:
    try:
        return json.loads(catalog.get_meta(_SET_BY[action].format(batch)) or "null")
    except ValueError:
        return None
