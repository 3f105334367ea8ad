"""An album as the app and `photoorg album show` present it: its photos in the library now,
its suggestions, and each of its photos that is away, with where it went (from the catalog
and the journal)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace

from photoorg.core.actions import Action
from photoorg.core.albums import Album
from photoorg.core.catalog import Catalog, JournalEntry, PhotoInfo
from photoorg.core.fileops import fingerprint_and_size, inode_key
from photoorg.core.paths import containing, is_under

#: Why an album's photo is away when neither the catalog nor the journal knows where it went.
NOT_FOUND = (
    "no longer found as it was added: changed in another program, removed outside photoorg, "
    "or left out by an exclude pattern"
)


@dataclass(frozen=True)
class AwayPhoto:
    """One photo of an album that is not in the library as it was added."""

    path: str  # where it was last known ("" when nothing knows)
    why: str  # a phrase: "moved to the trash (action 12)"
    #: The action whose undo brings it back (still in the trash, or moved outside the
    #: library and still there); None when no undo would.
    undo: int | None = None
    undo_summary: str = ""  # that action, as the history names it ("trash 1 photo")
    #: The older actions to undo after ``undo``, newest first, when the photo left the library
    #: by more than one (moved out, then moved or trashed from there): each undo brings it one
    #: step back (a review: only the newest was offered, which left it outside the library).
    then: tuple[int, ...] = ()

    @property
    def undos(self) -> tuple[int, ...]:
        """Every action to undo, in order, to bring the photo back into the library."""
        return () if self.undo is None else (self.undo, *self.then)


@dataclass
class AlbumView:
    """An album as the app shows it: its photos, and the suggestions to answer."""

    album: Album
    members: list[PhotoInfo] = field(default_factory=list)  # examples and accepted, present now
    suggestions: list[tuple[PhotoInfo, float]] = field(default_factory=list)  # best first
    likely: int = 0  # unanswered photos above the decision boundary
    problem: str = ""  # why there are no suggestions (no model, nothing embedded yet)
    #: The album's photos not in the library now, each with where it went (a review: "2 more
    #: photos are not in the library" said neither which nor why).
    away_photos: list[AwayPhoto] = field(default_factory=list)

    @property
    def away(self) -> int:
        """Photos of the album not in the library as they were added: trashed, changed, left
        out by an exclude pattern, or on a drive not connected (a hostile review: the album
        showed fewer photos without a word)."""
        return len(set(self.album.positives)) - len(self.members)


def away_photos(
    catalog: Catalog, album: Album, members: list[PhotoInfo], roots: list[str], missing_roots: list[str]
) -> list[AwayPhoto]:
    """Each of the album's photos that is not among ``members`` (the library's now), and where
    it went: still catalogued in a library folder that is not there (``missing_roots``) or
    outside the library, trashed or moved away by photoorg, or not found."""
    present = {p.fingerprint for p in members}
    gone = [fp for fp in dict.fromkeys(album.positives) if fp not in present]
    if not gone:
        return []
    where = catalog.paths_with_fingerprints(gone)
    library = [*roots, *missing_roots]
    history = catalog.moves_of(gone)
    moves = {fp: steps[0] for fp, steps in history.items()}
    out = []
    for fp in gone:
        chain = _way_out(history.get(fp, []), library)
        then = tuple(s.batch for s in chain[1:])
        by = f", after {_actions(then)} moved it out of the library from {chain[-1].source}" if then else ""
        path = (where.get(fp) or [""])[0]
        step = moves.get(fp)
        if path:
            root = containing(path, missing_roots)
            if root:
                why = f"its library folder {root} is not there now (a drive not connected?)"
                out.append(AwayPhoto(path, why))
                continue
            # Checked there (a hostile review: undos promised for a file gone or replaced): by
            # the inode photoorg placed, a stat, when it moved it there (asked at every answer);
            # read whole otherwise, which is rare.
            if _holds(step, fp) if step and step.target == path else _content_at(path, fp):
                undo = None
                if step and (step.target == path or path in catalog.renamed_back(step)):
                    undo = step.batch  # photoorg moved it there (or a later undo, to a new name)
                    why = f"moved there by action {undo}, outside the library's folders{by}"
                else:
                    why = "outside the library's folders"
                out.append(AwayPhoto(path, why, undo, then=then if undo is not None else ()))
                continue
            # Not where the catalog last saw it (a hostile review: a full disk kept the catalog
            # from following an undo): the journal says where it went, as below.
            if step is None:
                out.append(AwayPhoto(path, "outside the library's folders, and no longer found there"))
                continue
        if step is not None:
            there = _holds(step, fp)
            undo = None
            if step.action == Action.TRASH.value:  # (a hostile review: promised after the trash was emptied)
                why = (
                    f"moved to the trash by action {step.batch}{by}"
                    if there
                    else f"moved to the trash by action {step.batch}, and no longer in the trash"
                )
                undo = step.batch if there else None
            elif there and not is_under(step.target or "", library):
                why = f"moved to {step.target} by action {step.batch}, outside the library{by}"
                undo = step.batch
            else:  # moved within the library (or out of it), and gone from there since
                why = f"moved to {step.target} by action {step.batch}, and no longer found there"
            out.append(AwayPhoto(step.source, why, undo, then=then if undo is not None else ()))
        else:
            out.append(AwayPhoto("", NOT_FOUND))
    named: dict[int, str] = {}
    for a in out:
        if a.undo is not None and a.undo not in named:
            info = catalog.batch_info(a.undo)
            named[a.undo] = info.summary if info is not None else ""
    out = [replace(a, undo_summary=named[a.undo]) if a.undo is not None else a for a in out]
    return sorted(out, key=lambda a: (a.path == "", a.path))


def _way_out(steps: list[JournalEntry], library: list[str]) -> list[JournalEntry]:
    """The moves (newest first, from ``steps``, every move and trash in force of one content,
    newest first) that took a photo from a library folder to where it is: each one's source
    the target of the next. Just the newest when it left from the library, or when the way
    back is not known (then no older undo is offered)."""
    if not steps:
        return []
    chain = [steps[0]]
    while not is_under(chain[-1].source, library):
        older = next((s for s in steps if s.id < chain[-1].id and s.target == chain[-1].source), None)
        if older is None:
            return chain[:1]
        chain.append(older)
    return chain


def _actions(batches: tuple[int, ...]) -> str:
    """ "action 4", "actions 3 and 4" (oldest first, as they were done)."""
    done = sorted(batches)
    if len(done) == 1:
        return f"action {done[0]}"
    return f"actions {', '.join(map(str, done[:-1]))} and {done[-1]}"


def _content_at(path: str, fingerprint: str) -> bool:
    """Whether the file at ``path`` is the photo of ``fingerprint`` (read whole: only for photos
    catalogued outside the library, which are few)."""
    try:
        return fingerprint_and_size(path)[0] == fingerprint
    except OSError:
        return False


def _holds(step: JournalEntry, fingerprint: str) -> bool:
    """Whether the file where the step put the photo is still it (a hostile review: the undo of
    a trash was offered for a trash slot another file had taken since; the undo then refused).
    The file photoorg placed there, by inode and size, costs a stat (an album's view is asked
    for at every answer); the content is read only for a step journaled without its inode."""
    path = step.target
    try:
        st = os.stat(path or "", follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode) or (step.size is not None and st.st_size != step.size):
            return False
        if step.placed:
            return inode_key(path or "") == step.placed
        return fingerprint_and_size(path or "")[0] == fingerprint
    except OSError:
        return False
