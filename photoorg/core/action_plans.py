"""Planning a file action: every file checked against the catalog and given its target, or the
reason it is skipped; nothing is touched (``--dry-run`` prints this). What planning refuses:
a destination that is a file, files that would not fit on its disk, and trashing every copy of
a photo. Carrying a plan out is :func:`photoorg.core.actions.execute`. Qt-free."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.companions import FolderListing, SharedStems, free_with, renamed
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import device_of, fingerprint_and_size, free_space, space_needed
from photoorg.core.humanize import human_bytes, plural
from photoorg.core.named_paths import distinct as named_once
from photoorg.core.named_paths import file_key, refuse_folder_named_like_a_photo
from photoorg.core.pairs import live_videos, shot_files
from photoorg.core.paths import FolderSet, as_in_library, is_under, real, storable_ns
from photoorg.core.scanner import LIBRARY_EXTENSIONS

#: Why a copy of a photo is not made: the destination has it (see _copied_already).
THERE = "already there:"
#: Why a photo the catalog knows is skipped when its file is gone (deleted or moved since the scan).
NO_LONGER_THERE = "no longer there"
PROTECTED = "in a protected folder"  # why a photo is skipped


class Action(StrEnum):
    TRASH = "trash"
    MOVE = "move"
    COPY = "copy"


@dataclass
class Step:
    """One file of a planned action: where it goes, or why it is skipped."""

    source: str
    target: str | None = None
    skip: str | None = None
    size: int = 0
    device: int = -1  # st_dev of the source when it was planned
    mtime_ns: int = 0
    #: A sidecar, RAW or Live Photo video that travels with the photo at this path: not
    #: catalogued, so its content is read (and journaled) right before it moves.
    companion_of: str | None = None
    #: False: the photo's content was not compared with the catalog when planned (a large
    #: organize plans without reading every file); it is, right before it moves.
    verified: bool = True
    fingerprint: str | None = None  # a companion's content, once read


class NotEnoughSpace(PhotoorgError):  # noqa: N818 - a state, like ModelUnavailable
    """A move or copy would not fit on the destination's disk."""


def plan(
    catalog: Catalog,
    action: Action,
    paths: Sequence[str],
    destination: str | None = None,
    protected: Sequence[str] = (),
    library: Sequence[str] | None = None,
    looked_at: Sequence[str] = (),
    live: bool = False,
) -> list[Step]:
    """Check every file and choose its target; nothing is touched. ``--dry-run`` prints this.

    ``live`` (a trash of the photos a person chose): each photo's Live Photo video goes with
    it, as the app shows them as one (:func:`photoorg.core.pairs.live_videos`).

    ``library``: the library's folders. A copy elsewhere (on a memory card imported from, say)
    does not count as the copy that stays when the others go to the trash: it may be wiped next;
    in ``looked_at`` (folders outside the library cleaned up: 'duplicates CARD --trash') it
    does, for copies all outside the library.

    Raises:
        PhotoorgError: no destination for a move or copy, every copy of a photo would go to
            the trash, or the files would not fit on the destination's disk.
    """
    if destination and action is not Action.TRASH:
        refuse_folder_named_like_a_photo(destination)
    if library:  # one name for each file: through the library folder that holds it
        paths = [as_in_library(p, library, whole=False) for p in paths]
        destination = as_in_library(destination, library) if destination else destination
    if action is not Action.TRASH:
        if not destination:
            raise PhotoorgError(f"{action.value} needs a destination folder.")
        if os.path.exists(destination) and not os.path.isdir(destination):
            raise PhotoorgError(f"The destination {destination} is a file, not a folder.")
    folder = os.path.abspath(destination) if destination else None
    guarded = FolderSet(protected)
    steps: list[Step] = []
    distinct, hard_links = named_once(catalog, paths)
    for path in distinct:
        steps.append(_checked(catalog, action, path, folder, guarded))
    if action is Action.COPY and folder is not None:  # a photo there already: not its whole shot
        listing, named = FolderListing(), set(distinct)  # (a hostile review: RAW, video not copied)
        there = [s.source for s in steps if (s.skip or "").startswith(THERE)]
        shots = shot_files(listing, there).values()
        steps += [_checked(catalog, action, f, folder, guarded) for fs in shots for f in fs if f not in named]
    name_of = {file_key(p): p for p in distinct}
    for path, key in hard_links.items():  # said, not dropped without a word
        other = os.path.basename(name_of[key])
        steps.append(Step(path, skip=f"another name of {other} (a hard link: one photo, done by that name)"))
    if action is Action.TRASH:
        _refuse_every_copy(catalog, steps, library, looked_at)
    videos = _live_videos(catalog, steps, library) if live and action is Action.TRASH else {}
    steps = _with_sidecars(steps, folder, videos)
    # A sidecar named with its photo goes with it: not also listed as a file that stays (a
    # hostile review: "skip X.jpg.xmp: not a photo ...; it stays", then it moved).
    going_with = {s.source for s in steps if s.companion_of is not None and s.skip is None}
    steps = [s for s in steps if s.companion_of is not None or s.skip is None or s.source not in going_with]
    if folder is not None:
        _check_space(action, steps, folder)
    return steps


def _checked(catalog: Catalog, action: Action, path: str, folder: str | None, guarded: FolderSet) -> Step:
    """The step of one photo chosen: checked against the catalog, skipped with why, or to do."""
    step = Step(path)
    row = action_row(catalog, path)
    if action is not Action.COPY and guarded.holds(path):
        step.skip = PROTECTED
    elif os.path.islink(path):
        step.skip = f"a link to {os.path.realpath(path)}; name the photo itself"
    elif not os.path.isfile(path):
        step.skip = NO_LONGER_THERE if row else "no such photo"
    elif row is None:
        bad = catalog.unreadable_row(path)
        if bad is not None:
            step.skip = f"cannot be read ({bad.failure}), so its content cannot be checked: it stays"
        elif os.path.splitext(path)[1].lower() not in LIBRARY_EXTENSIONS:  # (a review: "scan
            step.skip = "not a photo or video photoorg catalogs; it stays"  # its folder first")
        else:
            step.skip = "not in the catalog; scan its folder first, so photoorg knows the file"
    else:
        step.skip = unchanged(path, row, step)
    moving_here = action is Action.MOVE and folder is not None and step.skip is None
    if moving_here and real(os.path.dirname(path)) == real(folder or ""):
        step.skip = "already in that folder"
    if action is Action.COPY and folder is not None and step.skip is None and row is not None:
        step.skip = _copied_already(os.path.join(folder, os.path.basename(path)), step, row)
    return step


def _live_videos(
    catalog: Catalog, steps: Sequence[Step], library: Sequence[str] | None
) -> dict[str, list[str]]:
    """The Live Photo video (:func:`photoorg.core.pairs.live_videos`) that goes with each photo
    a trash takes, of the photos the scan read (a damaged still's video is what is left of the
    shot): catalogued, not named itself, and not the last copy of its video in the library
    (its other copies named too: a hostile review, all went to the trash)."""
    named = {s.source for s in steps}
    read = [s.source for s in steps if s.skip is None and catalog.file_row(s.source) is not None]
    found = live_videos(FolderListing(), read, lambda f: catalog.file_row(f) is not None)
    found = {p: vs for p, vs in found.items() if vs[0] not in named}  # (one named goes as named)
    going = {s.source for s in steps if s.skip is None} | {f for fs in found.values() for f in fs}
    out = {}
    for photo, [video] in found.items():
        row = catalog.file_row(video)
        fingerprint = row.fingerprint if row is not None else None
        copies = catalog.paths_with_fingerprints([fingerprint])[fingerprint] if fingerprint else [video]
        present = [p for p in copies if p in going or still_a_copy(catalog, p)]
        inside = library is None or any(is_under(p, library) for p in present if p not in going)
        if len({file_key(p) for p in present}) < 2 or inside:
            out[photo] = [video]
    return out


def _with_sidecars(steps: list[Step], folder: str | None, videos: dict[str, list[str]]) -> list[Step]:
    """Each photo that goes, then its companions (:mod:`photoorg.core.companions`): its
    sidecars, and for a move or copy (which names each photo in ``folder``) its RAW and Live
    Photo video with their sidecars; each with it, under the name that follows the photo's
    (``IMG_1 (1).jpg.xmp`` for a numbered ``IMG_1 (1).jpg``), or skipped with why it stays.
    ``videos``: for a trash, the Live Photo videos that go with their photos."""
    listing = FolderListing()
    going = {s.source for s in steps if s.skip is None}
    shots: dict[str, list[str]] = videos
    going.update(f for files in videos.values() for f in files)
    if folder is not None:  # (a review: `photoorg move IMG_1.JPG` left IMG_1.CR2 and IMG_1.MOV
        named = {s.source for s in steps}  # behind, the shot split in two; organize takes them)
        photos = [s.source for s in steps if s.skip is None]  # in order: a video goes with the first
        shots = {p: [f for f in files if f not in named] for p, files in shot_files(listing, photos).items()}
        going.update(f for files in shots.values() for f in files)
    claimed: set[str] = set()  # IMG_1.xmp goes once, with IMG_1.jpg or IMG_1.png
    # A copy's photos there already are no strangers to their RAW and video that come
    there = {os.path.basename(s.source) for s in steps if (s.skip or "").startswith(THERE)}
    taken: set[str] = set()
    stems = SharedStems()
    out: list[Step] = []
    for step in steps:
        out.append(step)
        if step.skip is not None or step.companion_of is not None:
            continue
        companions: list[tuple[str, str | None]] = []
        for owner in (step.source, *shots.get(step.source, ())):
            if owner != step.source:
                companions.append((owner, None))
            for c, why in listing.sidecars(owner, going):
                if c not in claimed:  # (the still's and its video's IMG_1.xmp: once, a hostile review)
                    claimed.add(c)
                    companions.append((c, why))
        name = os.path.basename(step.source)
        if folder is not None:
            travelling = [c for c, why in companions if why is None]
            step.target = free_with(
                os.path.join(folder, name), travelling, name, taken, listing, stems, step.source, there
            )
        for source, why in companions:
            companion = Step(source, skip=why, companion_of=step.source)
            if why is None:
                try:
                    st = os.stat(source)
                except OSError:
                    companion.skip = "no longer there"
                else:
                    companion.size, companion.mtime_ns = st.st_size, st.st_mtime_ns
                    companion.device = st.st_dev
                if folder is not None and step.target is not None:
                    new_name = renamed(source, name, os.path.basename(step.target))
                    companion.target = os.path.join(folder, new_name)
            out.append(companion)
    return out


def _copied_already(there: str, step: Step, row: FileRow) -> str | None:
    """Why a copy is not made again: the file of its name in the destination has its content
    (a review: a second 'photoorg copy' to the same folder made "apple (1).jpg", a silent exact
    duplicate, where organize --copy leaves out what the library has)."""
    try:
        st = os.lstat(there)
        if not stat.S_ISREG(st.st_mode) or st.st_size != step.size:
            return None
        if fingerprint_and_size(there)[0] != row.fingerprint:
            return None
    except OSError:
        return None
    return f"{THERE} {there} is the same photo"


def action_row(catalog: Catalog, path: str) -> FileRow | None:
    """The catalog's row of a file an action may trash, move or copy: a photo's, or, for a file
    the scan could not read (the Problems page), its row with the content read now, so that
    the journal can check it on undo as it does a photo's (a review: a damaged file could not
    be trashed: "not in the catalog; scan its folder first", after a scan had listed it)."""
    row = catalog.file_row(path)
    if row is not None:
        return row
    row = catalog.unreadable_row(path)
    if row is None:
        return None
    try:
        row.fingerprint = fingerprint_and_size(path)[0]
    except OSError:
        return None  # unreadable as a file too: said as not catalogued (nothing can be checked)
    return row


def unchanged(path: str, row: FileRow, step: Step) -> str | None:
    """Why the photo at ``path`` is not what the catalog says it is (None: it is)."""
    try:
        st = os.stat(path)
        step.size, step.device = st.st_size, st.st_dev
        if (st.st_size, storable_ns(st.st_mtime_ns)) != (row.size, row.mtime_ns):
            return "changed since it was scanned; scan again to look at it first"
        if fingerprint_and_size(path)[0] != row.fingerprint:
            return "its content changed since it was scanned; scan again first"
    except OSError:  # moved or trashed meanwhile (by another photoorg, or the person)
        return NO_LONGER_THERE
    return None


def _refuse_every_copy(
    catalog: Catalog, steps: Sequence[Step], library: Sequence[str] | None, looked_at: Sequence[str] = ()
) -> None:
    """The last copy of a photo in the library never goes with all the others: that is
    deleting the photo. A copy outside the library folders does not count, nor another name
    of a file that goes (a link to it, or the same file through a linked folder)."""
    going = {s.source for s in steps if s.skip is None}
    going_files = {file_key(p) for p in going}
    rows = {s.source: catalog.file_row(s.source) for s in steps if s.skip is None}
    by_fp: dict[str, list[str]] = defaultdict(list)
    for path, row in rows.items():
        if row is not None and row.fingerprint:
            by_fp[row.fingerprint].append(path)
    everywhere = catalog.paths_with_fingerprints(fp for fp, ps in by_fp.items() if len(ps) > 1)
    for copies in everywhere.values():
        present = [p for p in copies if p in going or still_a_copy(catalog, p)]
        files = {file_key(p) for p in present}
        # A copy in a folder looked at counts only where the library has none (a hostile
        # review: the card's copy stayed, the library's went to the trash).
        counted = library
        if looked_at and library is not None and not any(is_under(p, library) for p in present):
            counted = [*library, *looked_at]
        inside = [
            p
            for p in present
            if p in going or ((counted is None or is_under(p, counted)) and file_key(p) not in going_files)
        ]
        if len(files) > 1 and set(inside) <= going:
            names = ", ".join(inside[:3])  # whole paths (a review: "g.jpg, g.jpg" told nothing)
            outside = [p for p in present if p not in inside]
            where = (
                f"; the copy at {outside[0]} is outside the library's folders and does not count"
                if outside
                else ""
            )
            raise PhotoorgError(
                f"That would trash every copy of the same photo in the library ({len(inside)} "
                f"copies: {names}){where}. photoorg always keeps at least one. Leave the copy you "
                "want to keep out."
            )


def still_a_copy(catalog: Catalog, path: str) -> bool:
    """Whether the file at ``path`` still is the content the catalog says (a copy that stays
    must really be one: an edited "copy" is another photo)."""
    row = catalog.file_row(path)
    return row is not None and os.path.isfile(path) and unchanged(path, row, Step(path)) is None


def _check_space(action: Action, steps: Sequence[Step], folder: str) -> None:
    todo = [s for s in steps if s.skip is None]
    here = device_of(folder)
    copies = [s for s in todo if action is Action.COPY or s.device != here]
    if not copies:
        return
    need = sum(space_needed(s.size) for s in copies) + (1 << 20)  # and room for new folders
    free = free_space(folder)
    if need > free:
        raise NotEnoughSpace(
            f"{plural(len(copies), 'file')} take {human_bytes(need)} at {folder}, but only "
            f"{human_bytes(free)} is free there. Nothing was changed; free some space or choose "
            "another folder."
        )
