"""Where an undo finds the file it puts back, and whether that file is still the one the
action left there: its content as journaled, under the name a later undo gave it when its own
was taken, put back by hand already, or (for a copy) not the last one of its photo. Out of
undo.py, which had grown past 400 lines. Also whether the file is in a folder protected
since, and :func:`put_back`, which undoes one file and journals why it could not."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import replace

from photoorg.core.action_plans import Action
from photoorg.core.actions import Outcome, Step, failure_reason
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.companions import is_sidecar
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import fingerprint_and_size, missing_folders
from photoorg.core.paths import WatchedFolders, containing, is_under, storable_ns
from photoorg.core.pipeline.reading import catalogue
from photoorg.core.scanner import FileRecord, date_sidecars_of
from photoorg.core.videos import is_video_name

log = logging.getLogger(__name__)


class ChangedSinceError(PhotoorgError):
    """The file is no longer what the action left; undo leaves it alone."""


def check_content(path: str | None, entry: JournalEntry, what: str) -> None:
    try:
        st = os.lstat(path) if path else None
    except OSError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        # A hostile review: a link left where the photo was (to the photo, moved on by the
        # person) passed the content check through the link, and undo put the link back, "1
        # photo back", with the photo itself still outside the library.
        raise ChangedSinceError(
            f"the file at {path} is a link now (to {os.path.realpath(path or '')}), not the photo "
            f"this action {what.split()[0]}; it was left where it is"
        )
    if st is None or not stat.S_ISREG(st.st_mode):
        raise ChangedSinceError(
            f"{what} is no longer at {path or 'a known place'}; it was moved or deleted since"
            + _folder_not_there(path)
        )
    if entry.fingerprint is None:
        return  # journaled by photoorg 0.1 without the content: the size and name must do
    fp, size = fingerprint_and_size(path)
    if (fp, size) != (entry.fingerprint, entry.size if entry.size is not None else size):
        raise ChangedSinceError(
            f"the file at {path} is not the photo this action {what.split()[0]} (its content "
            "changed, or another file took its name); it was left where it is"
        )


def _folder_not_there(path: str | None) -> str:
    """Words for a file whose very folder is not there: a drive not connected, most likely (a
    hostile review: "moved or deleted since" for a photo in the trash of an unplugged drive)."""
    folder = os.path.dirname(path or "")
    if not folder or os.path.isdir(folder):
        return ""
    return (
        f", or its folder {folder} is not there now (on a drive that is not connected? connect it "
        "and undo again)"
    )


def folder_not_there(
    source: str, present: Sequence[str], missing: Sequence[str], remade: set[str]
) -> str | None:
    """Why a photo cannot come back to ``source`` (None: it can): a library folder that is not
    there (``missing``: not there, or empty where photos were, the mount point of a drive not
    connected), or a folder outside the library's folders that are there (``present``) that is
    gone and that the action did not remove itself (``remade``: it removed it when it left it
    empty). A hostile review: undo made the folders again on the disk under the mount point of
    an unplugged drive, said "2 photos back", and the photos were hidden once it was back."""
    folder = os.path.dirname(source)
    for root in missing:
        if is_under(source, [root]):
            if os.path.isdir(root) and os.path.isdir(folder):
                # Emptied, but the photo's own folder is there (a second hostile review: the
                # person deleted a photo by hand, then moved the rest out with photoorg).
                continue
            return (
                f"the library folder {root} is not there, or empty where photos were (a drive that "
                f"is not connected? if you emptied it yourself, 'photoorg scan {root}' first)"
            )
    if os.path.isdir(folder) or is_under(source, present):
        return None  # a folder inside the library the person removed is made again
    gone = missing_folders(folder)
    if gone and all(f in remade for f in gone):
        return None
    return f"the folder {gone[0] if gone else folder} is not there (a drive or card that is not connected?)"


def followed(catalog: Catalog, entry: JournalEntry) -> JournalEntry:
    """``entry`` with its target where its file is now, when the undo of a later action brought
    that file back under a new name (its name was taken by another file; a hostile review: this
    undo then looked only at the taken name, and the photo was stranded outside the library);
    journaled first, so that recovery knows the file this undo moves. Its target None when the
    file is not found there either."""
    for found in catalog.renamed_back(entry):
        if holds_content(found, entry):
            catalog.journal_update(entry.id, target=found)
            return replace(entry, target=found)
    return replace(entry, target=None)


def moved_on_by(catalog: Catalog, entry: JournalEntry, kind: str) -> ChangedSinceError | None:
    """Why the file is not where this action left it, when a later action of photoorg's, still
    in force, took it on: that action, to undo first (a review: "no longer at ...; it was moved
    or deleted since" for a photo that photoorg itself had moved again in the next action)."""
    if not entry.target:
        return None
    later = catalog.later_move_in_force(entry.target, entry.batch)  # (a hostile review: the first
    if later is None:  # later move, undone, hid the redo that moved the photo on again)
        return None
    if later.fingerprint and entry.fingerprint and later.fingerprint != entry.fingerprint:
        return None  # another file that took its name
    where = "went to the trash" if later.action == "trash" else f"was moved on to {later.target}"
    return ChangedSinceError(
        f"the {kind} {where} in action {later.batch}: undo action {later.batch} first, then this one"
    )


def holds_content(path: str | None, entry: JournalEntry) -> bool:
    try:
        check_content(path, entry, "file")
    except (ChangedSinceError, OSError):
        return False
    return True


def put_back_by_hand(entry: JournalEntry) -> bool:
    """Whether the photo an action took away is back where it was and no longer where the
    action left it (the person restored it from the trash, or moved it back): then undo has
    nothing left to do. It said "no longer at ...; moved or deleted since" before, failed, and
    reminded of the action at every later undo. Another file at the place the action left it
    (the person restored the photo, then trashed another of that name) does not hide that the
    photo is back (a hostile review: "could not be put back" for a photo back in place)."""
    if entry.fingerprint is None or not entry.target:
        return False
    if os.path.lexists(entry.target) and holds_content(entry.target, entry):
        return False  # still where the action left it: undo moves it
    try:
        st = os.lstat(entry.source)
        if not stat.S_ISREG(st.st_mode) or (entry.size is not None and st.st_size != entry.size):
            return False
        return fingerprint_and_size(entry.source)[0] == entry.fingerprint
    except OSError:
        return False


def drop_trash_record(entry: JournalEntry) -> None:
    """The trash's record (.trashinfo) of a photo put back by hand, removed when no file is
    left where it points; else it is another file's, trashed since under that name: kept."""
    if entry.trash_info and entry.target and not os.path.lexists(entry.target):
        with contextlib.suppress(OSError):
            os.unlink(entry.trash_info)


def another_copy_left(catalog: Catalog, entry: JournalEntry) -> bool:
    """Whether a file with the content of the copy ``entry`` made is left besides the copy: its
    original, or another catalogued copy (content-checked; a link to the copy is no copy)."""
    if entry.fingerprint is None or entry.target is None:
        return True  # journaled by photoorg 0.1 without the content: as it was undone then
    if entry.file_row is None and os.path.isfile(entry.source) and not os.path.islink(entry.source):
        return True  # a sidecar's copy: its original is there (edited since, as sidecars are)
    copy = os.path.realpath(entry.target)
    catalogued = catalog.paths_with_fingerprints([entry.fingerprint])[entry.fingerprint]
    for path in dict.fromkeys([entry.source, *catalogued]):
        if os.path.realpath(path) == copy:
            continue
        try:  # a file of another size is another content: not read whole to tell
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or (entry.size is not None and st.st_size != entry.size):
                continue
            if fingerprint_and_size(path)[0] == entry.fingerprint:
                return True
        except OSError:
            continue
    return False


def follow_back(catalog: Catalog, action: Action, entry: JournalEntry, back: str) -> None:
    """The catalog follows a photo an undo put back (a failure is logged, as in follow)."""
    try:
        lost = entry.target and not (catalog.file_row(entry.target) or catalog.unreadable_row(entry.target))
        if action is Action.MOVE and entry.target and not (lost and entry.file_row is not None):
            catalog.follow_move(entry.target, back)
        elif entry.file_row is not None:  # a trashed photo is catalogued again as it was; so is a
            # moved one the catalog lost track of (a hostile review: a full disk kept it from
            # following an earlier undo, and the photo stayed out of its album until a scan)
            catalog.put_row(replace(entry.file_row, path=back))
        elif action is Action.TRASH and is_video_name(back) and catalog.file_row(back) is None:
            catalogued_again(catalog, back)  # a Live Photo's video the trash took with its still
    except Exception:
        log.exception("the catalog could not follow %s back to %s", entry.source, back)


def catalogued_again(catalog: Catalog, path: str) -> None:
    """Catalog a video that went with its photo, back where it was, as a scan would (the
    journal keeps a companion's content, not its row): else the photo came back alone, its
    Live Photo's video unseen until the next scan."""
    st = os.stat(path)
    row = catalogue(FileRecord(path, st.st_size, storable_ns(st.st_mtime_ns), date_sidecars_of(path)))
    if row is not None and row.failure is None:
        catalog.put_row(row)


def regular_file(path: str | None) -> bool:
    try:
        return path is not None and stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def stem_shared(path: str) -> str | None:
    """Why a photo came back numbered when another file of its stem is at its place, which
    would share the sidecar named after the stem: "another X.* is there: they would share
    X.xmp"; None when none is."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    try:
        others = [n for n in os.listdir(folder) if os.path.splitext(n)[0].lower() == stem.lower()]
    except OSError:
        return None
    if not any(n.lower() != name.lower() and not is_sidecar(n) for n in others):
        return None
    return f"another {stem}.* is there: they would share {stem}.xmp"


def protected_since(entry: JournalEntry, protected: WatchedFolders) -> Callable[[], str] | None:
    """An undo that refuses, when the file the action left is in a folder protected now (asked
    again for each file: another photoorg may protect one while the undo runs): it stays there
    (None: it is not)."""
    target = entry.target
    if not target or not os.path.lexists(target):
        return None
    folders = protected.now()
    if not folders.holds(target):
        return None
    folder = containing(target, folders.folders) or "a protected folder"

    def refuse() -> str:
        raise ChangedSinceError(
            f"{os.path.basename(target)} is in {folder}, which is protected now; it was left there "
            "(take the folder's protection off to undo this)"
        )

    return refuse


def put_back(
    catalog: Catalog, entry: JournalEntry, step: Step, outcome: Outcome, undo_one: Callable[[], str]
) -> bool:
    """Undo one journaled file (``undo_one`` returns where it is now); a failure is journaled
    and reported with its reason, and the undo goes on with the next file."""
    try:
        step.target = undo_one()
    except Exception as exc:
        log.info("undo of %s failed", entry.source, exc_info=True)
        reason = failure_reason(exc)
        catalog.journal_update(entry.id, state="undo_failed", undo_error=reason, temp=None)
        outcome.failed.append((step, reason))
        return False
    outcome.done.append(step)
    return True


def only_the_photos_undone(catalog: Catalog, steps: list[Step], undone: dict[str, JournalEntry]) -> None:
    """For a redo: a photo the person put in the place of the one the undo put back (another
    content, catalogued since), or saved again since, is left alone, with its companions (a
    hostile review: a redo of a trash trashed the other picture put under the old name; a
    second one: an edited photo was called "another photo")."""
    other = set()
    for step in steps:
        entry = undone.get(step.source)
        if step.skip is not None or step.companion_of is not None or entry is None or entry.file_row is None:
            continue
        row = catalog.file_row(step.source)
        if row is not None and row.fingerprint and row.fingerprint != entry.file_row.fingerprint:
            # (one saved over in place and one put in its place look the same from here)
            step.skip = (
                f"the photo there changed since action {entry.batch} (edited, or another put in its place)"
            )
            other.add(step.source)
    for step in steps:
        if step.skip is None and step.companion_of in other:
            step.skip = "its photo was changed or replaced since"


def the_videos_undone(steps: list[Step], videos: dict[str, JournalEntry]) -> list[Step]:
    """For a redo of a trash: the Live Photo videos it takes along are those the trash took,
    where the undo put them, with the content they had (hostile reviews: a redo took a video
    that came after the undo, and one put in the place of the video that had gone)."""
    out = []
    for step in steps:
        if step.companion_of is not None and is_video_name(step.source):
            entry = videos.get(step.source)
            if entry is None:
                continue  # not one the action took: it stays, as it is no part of what is redone
            try:
                same = fingerprint_and_size(step.source)[0] == entry.fingerprint
            except OSError:
                same = False
            if step.skip is None and not same:
                step.skip = f"changed since the undo of action {entry.batch} put it back"
        out.append(step)
    return out
