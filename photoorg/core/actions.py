"""File actions that never lose a photo: trash, move and copy, journaled, undoable.

- There is no permanent delete. Removing means the operating system's trash.
- One writer per library: an action, an undo and crash recovery each hold the library lock
  (:mod:`photoorg.core.lock`) from start to end, and recovery (:mod:`photoorg.core.recovery`)
  only ever settles the steps of a process that is gone (the lock proves it: a running
  photoorg would hold it).
- Before acting, each file is checked against the catalog: still there, same size, mtime and
  content fingerprint. Anything else is skipped with the reason. Files in protected folders
  (compared with symbolic links resolved) are never trashed or moved, and the last copy of a
  photo is never trashed with all its other copies.
- Nothing is ever replaced or left half-written under a photo's name: moves on one file system
  are new names (hard link, or rename that refuses to replace), copies go through a verified
  temporary file (:mod:`photoorg.core.fileops`). Free space is checked before a copy starts.
- Every step is journaled before it happens (planned) with the content it moves, and after
  (done, or failed), with the temporary file and the file it placed, so recovery can prove
  what it wrote and removes nothing else.
- :func:`undo` checks each file's size and fingerprint against the journal before it moves
  anything back, journals each file as it goes, and an interrupted or partial undo goes on
  with the rest the next time, then with older actions.
- The catalog follows every move and copy, so vectors, decisions and groups stay attached.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from photoorg.core.catalog import Catalog, FileRow, JournalEntry
from photoorg.core.errors import CatalogError, PhotoorgError
from photoorg.core.fileops import (
    SourceChanged,
    device_of,
    fingerprint_and_size,
    free_space,
    inode_key,
    name_free,
    place,
    space_needed,
)
from photoorg.core.humanize import human_bytes, plural
from photoorg.core.paths import FolderSet, is_under, real
from photoorg.core.trash import Trashed, move_to_trash, restore

log = logging.getLogger(__name__)


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


@dataclass
class Outcome:
    """What an action or an undo did."""

    batch: int | None
    action: Action | None = None
    done: list[Step] = field(default_factory=list)
    skipped: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    note: str = ""  # what an undo of a change to the groups did (no file moves then)


#: The action name of a change to the groups (moved photos, excluded ones, merged groups).
GROUP_CHANGE = "group"
#: The action name of a change to the albums (made, taught, accepted, rejected).
ALBUM_CHANGE = "album"
#: The action name of keywords written into XMP sidecars (:mod:`photoorg.core.sidecars`).
KEYWORDS = "keywords"


class NotEnoughSpace(PhotoorgError):  # noqa: N818 - a state, like ModelUnavailable
    """A move or copy would not fit on the destination's disk."""


class NothingToUndo(PhotoorgError):  # noqa: N818 - a state
    """Every action is undone already (or there was none)."""


# -- the library lock ---------------------------------------------------------------------------
@contextlib.contextmanager
def exclusive(catalog: Catalog, notes: list[str] | None = None) -> Iterator[None]:
    """Hold the library lock; the first time it is taken, settle what a crash left behind."""
    from photoorg.core.recovery import reconcile  # recovery settles steps by this module's rules

    first = not catalog.lock.held
    with catalog.lock.holding():
        if first:
            found = reconcile(catalog)
            if notes is not None:
                notes.extend(found)
        yield


# -- planning -----------------------------------------------------------------------------------
def _distinct(catalog: Catalog, paths: Sequence[str]) -> list[str]:
    """The paths once each: the same file named twice (or through a link) is one step, by the
    name the catalog knows it by."""
    chosen: dict[object, str] = {}
    for raw in paths:
        path = os.path.abspath(raw)
        try:
            st = os.stat(path)
            key: object = (st.st_dev, st.st_ino)
        except OSError:
            key = path
        if key not in chosen or (
            catalog.file_row(chosen[key]) is None and catalog.file_row(path) is not None
        ):
            chosen[key] = path
    return list(chosen.values())


def plan(
    catalog: Catalog,
    action: Action,
    paths: Sequence[str],
    destination: str | None = None,
    protected: Sequence[str] = (),
    library: Sequence[str] | None = None,
) -> list[Step]:
    """Check every file and choose its target; nothing is touched. ``--dry-run`` prints this.

    ``library``: the library's folders. A copy elsewhere (on a memory card imported from, say)
    does not count as the copy that stays when the others go to the trash: it may be wiped next.

    Raises:
        PhotoorgError: no destination for a move or copy, every copy of a photo would go to
            the trash, or the files would not fit on the destination's disk.
    """
    if action is not Action.TRASH:
        if not destination:
            raise PhotoorgError(f"{action.value} needs a destination folder.")
        if os.path.exists(destination) and not os.path.isdir(destination):
            raise PhotoorgError(f"The destination {destination} is a file, not a folder.")
    folder = os.path.abspath(destination) if destination else None
    guarded = FolderSet(protected)
    taken: set[str] = set()
    steps: list[Step] = []
    for path in _distinct(catalog, paths):
        step = Step(path)
        steps.append(step)
        row = catalog.file_row(path)
        if action is not Action.COPY and guarded.holds(path):
            step.skip = "in a protected folder"
        elif os.path.islink(path):
            step.skip = f"a link to {os.path.realpath(path)}; name the photo itself"
        elif not os.path.isfile(path):
            step.skip = "no longer there" if row else "no such photo"
        elif row is None:
            step.skip = "not in the catalog; scan its folder first, so photoorg knows the file"
        else:
            step.skip = _unchanged(path, row, step)
        if step.skip is None and folder is not None:
            if action is Action.MOVE and real(os.path.dirname(path)) == real(folder):
                step.skip = "already in that folder"
            else:
                step.target = name_free(os.path.join(folder, os.path.basename(path)), taken)
    if action is Action.TRASH:
        _refuse_every_copy(catalog, steps, library)
    if folder is not None:
        _check_space(action, steps, folder)
    return steps


def _unchanged(path: str, row: FileRow, step: Step) -> str | None:
    """Why the photo at ``path`` is not what the catalog says it is (None: it is)."""
    try:
        st = os.stat(path)
        step.size, step.device = st.st_size, st.st_dev
        if (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
            return "changed since it was scanned; scan again to look at it first"
        if fingerprint_and_size(path)[0] != row.fingerprint:
            return "its content changed since it was scanned; scan again first"
    except OSError:  # moved or trashed meanwhile (by another photoorg, or the person)
        return "no longer there"
    return None


def _file_key(path: str) -> object:
    """What makes two names one file (a link, a linked folder): its device and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return path
    return (st.st_dev, st.st_ino)


def _refuse_every_copy(catalog: Catalog, steps: Sequence[Step], library: Sequence[str] | None) -> None:
    """The last copy of a photo in the library never goes with all the others: that is
    deleting the photo. A copy outside the library folders does not count, nor another name
    of a file that goes (a link to it, or the same file through a linked folder)."""
    going = {s.source for s in steps if s.skip is None}
    going_files = {_file_key(p) for p in going}
    rows = {s.source: catalog.file_row(s.source) for s in steps if s.skip is None}
    by_fp: dict[str, list[str]] = defaultdict(list)
    for path, row in rows.items():
        if row is not None and row.fingerprint:
            by_fp[row.fingerprint].append(path)
    everywhere = catalog.paths_with_fingerprints(fp for fp, ps in by_fp.items() if len(ps) > 1)
    for copies in everywhere.values():
        present = [p for p in copies if p in going or _still_a_copy(catalog, p)]
        files = {_file_key(p) for p in present}
        inside = [
            p
            for p in present
            if p in going or ((library is None or is_under(p, library)) and _file_key(p) not in going_files)
        ]
        if len(files) > 1 and set(inside) <= going:
            names = ", ".join(os.path.basename(p) for p in inside[:3])
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


def _still_a_copy(catalog: Catalog, path: str) -> bool:
    """Whether the file at ``path`` still is the content the catalog says (a copy that stays
    must really be one: an edited "copy" is another photo)."""
    row = catalog.file_row(path)
    return row is not None and os.path.isfile(path) and _unchanged(path, row, Step(path)) is None


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
            f"{len(copies)} photo(s) need {human_bytes(need)} at {folder}, but only {human_bytes(free)} "
            "is free there. Nothing was changed; free some space or choose another folder."
        )


def plan_set_cleanup(
    catalog: Catalog,
    sets: Sequence[tuple[Sequence[str], Sequence[str]]],
    protected: Sequence[str] = (),
    library: Sequence[str] | None = None,
) -> list[Step]:
    """Plan trashing photos of duplicate sets: ``sets`` holds (every member of a set, the
    members to trash). Every set keeps at least one photo that stays, counting what the other
    sets trash (one set's keeper may be unchecked in another).

    Raises:
        PhotoorgError: a set would lose every photo, or a path is not a member of its set.
    """
    going = {p for _, remove in sets for p in remove}
    going_files = {_file_key(p) for p in going}
    for members, remove in sets:
        strangers = set(remove) - set(members)
        if strangers:
            raise PhotoorgError(f"{sorted(strangers)[0]} is not in this duplicate set.")
        # A member that is another name of a file that goes (a link) is not a photo that stays.
        kept = [m for m in members if m not in going and _file_key(m) not in going_files]
        if not kept:
            names = ", ".join(os.path.basename(m) for m in members[:3])
            also = "" if set(members) <= set(remove) else " (another set you cleaned unchecks the rest)"
            raise PhotoorgError(
                f"That would remove every copy in the set ({names}){also}; photoorg always keeps at "
                "least one. Check the photo you want to keep."
            )
        if not any(os.path.exists(k) for k in kept):
            raise PhotoorgError("The photos to keep are no longer there; scan again before cleaning up.")
    return plan(catalog, Action.TRASH, sorted(going), protected=protected, library=library)


# -- doing ----------------------------------------------------------------------------------------
def execute(
    catalog: Catalog,
    action: Action,
    steps: Sequence[Step],
    summary: str,
    on_step: Callable[[], None] | None = None,
) -> Outcome:
    """Carry out a plan under the library lock, journaling each file before and after.

    An action in which nothing could be done is not kept in the history (it has nothing to
    undo). ``on_step`` is called after each file (progress).
    """
    with exclusive(catalog):
        for step in steps:  # a plan made before the lock was taken may be out of date
            if step.skip is None:
                step.skip = _still_as_planned(catalog, step)
        todo = [s for s in steps if s.skip is None]
        outcome = Outcome(None, action, skipped=[s for s in steps if s.skip is not None])
        if not todo:
            return outcome
        outcome.batch = catalog.begin_batch(action.value, summary)
        left_behind: set[str] = {s.source for s in outcome.skipped if s.companion_of is None}
        try:
            for step in todo:
                step.skip = _content_changed(catalog, step, left_behind)
                if step.skip is not None:
                    left_behind.add(step.source)
                    outcome.skipped.append(step)
                else:
                    row = catalog.file_row(step.source) if step.companion_of is None else None
                    entry = catalog.journal_add(
                        outcome.batch,
                        action.value,
                        step.source,
                        step.target,
                        row,
                        step.fingerprint,
                        step.size,
                    )
                    if step.target is not None and action is not Action.TRASH:
                        made = missing_folders(os.path.dirname(step.target))
                        if made:
                            catalog.add_made_folders(outcome.batch, made)
                    try:
                        _do(catalog, action, step, entry, row)
                    except SourceChanged as exc:  # done, and both versions kept: say so
                        outcome.failed.append((step, str(exc)))
                    except sqlite3.Error:
                        raise  # the journal cannot be written: stop (below)
                    except Exception as exc:  # per-file boundary: the others still happen
                        log.info("%s of %s failed", action.value, step.source, exc_info=True)
                        catalog.journal_update(entry, state="failed", error=str(exc))
                        outcome.failed.append((step, failure_reason(exc)))
                        left_behind.add(step.source)
                    else:
                        outcome.done.append(step)
                if on_step is not None:
                    on_step()
        except sqlite3.Error as exc:  # the catalog cannot be written (a full or read-only disk)
            raise CatalogError(
                f"The catalog could not be written ({exc}), so the {action.value} stopped after "
                f"{plural(len(outcome.done), 'file')}. Every file done is journaled: once the catalog can "
                "be written again, 'photoorg undo' (Edit > Undo) puts them back."
            ) from exc
        if not outcome.done:
            made = catalog.made_folders(outcome.batch)
            if catalog.drop_batch_if_nothing_done(outcome.batch):
                remove_if_empty(made)
                outcome.batch = None
    return outcome


def _still_as_planned(catalog: Catalog, step: Step) -> str | None:
    """Why a planned step can no longer be done (another photoorg got there first), or None."""
    try:
        st = os.stat(step.source)
    except OSError:
        return "no longer there"
    if step.companion_of is not None:
        if (st.st_size, st.st_mtime_ns) != (step.size, step.mtime_ns):
            return "changed since the plan was made"
        return None
    row = catalog.file_row(step.source)
    if row is None or (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
        return "changed since it was scanned; scan again to look at it first"
    return None


def _content_changed(catalog: Catalog, step: Step, left_behind: set[str]) -> str | None:
    """Right before a file moves: its photo moved too (for a companion), and its content is
    what was planned. Reads the file when that was not done when planning."""
    if step.companion_of is not None:
        if step.companion_of in left_behind:
            return "its photo stays where it is, so it stays too"
        try:
            step.fingerprint, _ = fingerprint_and_size(step.source)
        except OSError:
            return "no longer there"
        return None
    if step.verified:
        return None
    row = catalog.file_row(step.source)
    return _unchanged(step.source, row, step) if row is not None else "not in the catalog"


def failure_reason(exc: BaseException) -> str:
    """Why a file step failed, in words: the system's message and the file, or the error's."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc)


def _do(catalog: Catalog, action: Action, step: Step, entry: int, row: FileRow | None) -> None:
    """Carry out one step, journaled. Raises SourceChanged (after journaling the step done)
    when the file at the source was replaced meanwhile: both versions are kept."""
    fp = row.fingerprint if row else step.fingerprint

    def temp(path: str) -> None:
        catalog.journal_update(entry, temp=path)

    if action is Action.TRASH:

        def in_trash(location: str, info: str) -> None:
            catalog.journal_update(entry, target=location, trash_info=info, placed=inode_key(location))

        try:
            trashed = move_to_trash(step.source, on_temp=temp, on_named=in_trash)
        except SourceChanged as exc:
            step.target = exc.placed
            catalog.journal_update(entry, state="done", temp=None)
            raise
        step.target = trashed.location
        catalog.journal_update(
            entry, state="done", target=trashed.location, trash_info=trashed.info, temp=None
        )
        follow(catalog, action, step.source, trashed.location, row)
        return

    def named(final: str) -> None:
        catalog.journal_update(entry, target=final, placed=inode_key(final))

    try:
        final = place(
            step.source,
            step.target or "",
            keep_src=action is Action.COPY,
            fingerprint=fp,
            tag=str(entry),
            on_temp=temp,
            on_named=named,
        )
    except SourceChanged as exc:  # the version that was moved is at its target: journal it
        step.target = exc.placed
        catalog.journal_update(entry, state="done", temp=None)
        follow(catalog, action, step.source, exc.placed, row)
        raise
    step.target = final
    catalog.journal_update(entry, state="done", temp=None)
    follow(catalog, action, step.source, final, row)


def follow(catalog: Catalog, action: Action, source: str, target: str, row: FileRow | None) -> None:
    """The catalog follows a file that moved. The file action has happened whatever this does:
    a failure here is logged (the next scan puts the catalog right), never reported as the
    action failing."""
    try:
        if action is Action.MOVE:
            catalog.follow_move(source, target)
        elif action is Action.COPY and row is not None:
            st = os.stat(target)
            catalog.put_row(replace(row, path=target, size=st.st_size, mtime_ns=st.st_mtime_ns))
        elif action is Action.TRASH:
            catalog.remove_paths([source])
    except Exception:
        log.exception("the catalog could not follow the %s of %s to %s", action.value, source, target)


# -- undo -----------------------------------------------------------------------------------------
def undo(
    catalog: Catalog,
    batch: int | None = None,
    on_step: Callable[[], None] | None = None,
    keep: Sequence[str] = (),
) -> Outcome:
    """Reverse an action, file by file: the newest one with files still to put back when
    ``batch`` is None (an interrupted or partial undo goes on where it stopped), else that one
    (its files an earlier undo could not put back are tried again).

    Each file is put back only if it still is what the action left (size and fingerprint as
    journaled); anything else is reported with the reason and left where it is. The folders
    the action made are removed once empty, except those in ``keep`` (the library's folders
    and protected folders: one of them may have become one since).
    """
    with exclusive(catalog):
        if batch is None:
            batch = catalog.latest_undoable_batch()
            if batch is None:
                raise NothingToUndo("There is nothing to undo.")
            states: tuple[str, ...] = ("done",)
        else:
            states = ("done", "undo_failed")
        name = catalog.batch_action(batch)
        if name is None:
            raise PhotoorgError(f"There is no action number {batch}; 'photoorg history' lists them.")
        if name in (GROUP_CHANGE, ALBUM_CHANGE):  # no file moved: the change is taken back
            info = catalog.batch_info(batch)
            if info is None or info.undone is not None:
                raise PhotoorgError(f"Action {batch} was already undone.")
            later = catalog.later_changes_to_albums_made_by(batch) if name == ALBUM_CHANGE else []
            for each in [batch, *later]:  # an album's later changes go with it (they say so)
                catalog.mark_batch_undone(each)
            what = "the groups" if name == GROUP_CHANGE else "the albums"
            also = f" (and the {plural(len(later), 'later change')} to it)" if later else ""
            return Outcome(batch, None, note=f"undid the change to {what}: {info.summary}{also}")
        if name == KEYWORDS:  # keywords written into sidecars
            from photoorg.core.sidecars import undo_keywords

            return undo_keywords(catalog, batch, states, on_step)
        action = Action(name)
        entries = catalog.journal_entries(batch, states)
        if not entries:
            raise PhotoorgError(f"Action {batch} was already undone.")
        outcome = Outcome(batch, action)
        # Folders an organize removed when empty come back with the permissions they had
        # (the files' return makes them with the defaults).
        regone = [(f, mode) for f, mode in catalog.pruned_folders(batch) if not os.path.isdir(f)]
        for entry in entries:
            step = Step(entry.target or "", entry.source)
            if entry.file_row is None and entry.fingerprint is not None:
                step.companion_of = entry.source  # a sidecar that traveled with its photo
            try:
                step.target = _undo_one(catalog, action, entry)
            except Exception as exc:
                log.info("undo of %s failed", entry.source, exc_info=True)
                reason = failure_reason(exc)
                catalog.journal_update(entry.id, state="undo_failed", undo_error=reason, temp=None)
                outcome.failed.append((step, reason))
            else:
                outcome.done.append(step)
            if on_step is not None:
                on_step()
        for folder, mode in sorted(regone, key=lambda fm: len(fm[0]), reverse=True):
            if os.path.isdir(folder):
                with contextlib.suppress(OSError):
                    os.chmod(folder, mode)
        if not catalog.journal_entries(batch, ("done", "undoing")):
            catalog.mark_batch_undone(batch)
            kept = {real(k) for k in keep}
            made = [f for f in catalog.made_folders(batch) if real(f) not in kept]
            remove_if_empty(made)  # the folders it made, now empty
    return outcome


def missing_folders(folder: str) -> list[str]:
    """``folder`` and those of its parents that do not exist yet (outermost first)."""
    missing: list[str] = []
    folder = os.path.abspath(folder)
    while not os.path.isdir(folder):
        missing.insert(0, folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return missing


def remove_if_empty(folders: Iterable[str]) -> list[str]:
    """Remove the folders that are empty (innermost first; ``os.rmdir`` refuses any that is
    not, so nothing but an empty folder ever goes); returns the ones removed."""
    removed = []
    for folder in sorted(set(folders), key=len, reverse=True):
        try:
            os.rmdir(folder)
        except OSError:
            continue
        removed.append(folder)
    return removed


class ChangedSinceError(PhotoorgError):
    """The file is no longer what the action left; undo leaves it alone."""


def _check_content(path: str | None, entry: JournalEntry, what: str) -> None:
    if not path or not os.path.isfile(path):
        raise ChangedSinceError(
            f"{what} is no longer at {path or 'a known place'}; it was moved or deleted since"
        )
    if entry.fingerprint is None:
        return  # journaled by photoorg 0.1 without the content: the size and name must do
    fp, size = fingerprint_and_size(path)
    if (fp, size) != (entry.fingerprint, entry.size if entry.size is not None else size):
        raise ChangedSinceError(
            f"the file at {path} is not the photo this action {what.split()[0]} (its content "
            "changed, or another file took its name); it was left where it is"
        )


def _undo_one(catalog: Catalog, action: Action, entry: JournalEntry) -> str:
    """Put one file back; returns where it is now (for a copy: where the copy went)."""
    if action is Action.COPY:
        _check_content(entry.target, entry, "copied photo")
        assert entry.target is not None
        if entry.placed and inode_key(entry.target) != entry.placed:
            # The same content, but not the file photoorg wrote (the original moved there, say):
            # undoing a copy must never trash a photo that is not that copy.
            raise ChangedSinceError(
                f"the file at {entry.target} is not the copy this action made (the same picture, but "
                "another file); it was left where it is"
            )
        catalog.journal_update(entry.id, state="undoing", undo_target=None)
        trashed = move_to_trash(entry.target, on_temp=lambda t: catalog.journal_update(entry.id, temp=t))
        catalog.journal_update(entry.id, state="undone", undo_target=trashed.location, temp=None)
        follow(catalog, Action.TRASH, entry.target, trashed.location, None)
        return trashed.location
    what = "trashed photo" if action is Action.TRASH else "moved photo"
    _check_content(entry.target, entry, what)
    assert entry.target is not None
    back = name_free(entry.source)
    catalog.journal_update(entry.id, state="undoing", undo_target=back, placed=None, temp=None)

    def named(final: str) -> None:
        catalog.journal_update(entry.id, undo_target=final, placed=inode_key(final))

    def temp(path: str) -> None:
        catalog.journal_update(entry.id, temp=path)

    placed_at = place(
        entry.target,
        back,
        keep_src=False,
        fingerprint=entry.fingerprint,
        tag=f"undo{entry.id}",
        on_temp=temp,
        on_named=named,
    )
    if action is Action.TRASH and entry.trash_info:  # out of the trash: its record goes too
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.trash_info)
    catalog.journal_update(entry.id, state="undone", undo_target=placed_at, temp=None)
    follow_back(catalog, action, entry, placed_at)
    return placed_at


def follow_back(catalog: Catalog, action: Action, entry: JournalEntry, back: str) -> None:
    """The catalog follows a photo an undo put back (a failure is logged, as in follow)."""
    try:
        if action is Action.MOVE and entry.target:
            catalog.follow_move(entry.target, back)
        elif entry.file_row is not None:  # a trashed photo is catalogued again as it was
            catalog.put_row(replace(entry.file_row, path=back))
    except Exception:
        log.exception("the catalog could not follow %s back to %s", entry.source, back)


def history(catalog: Catalog, limit: int | None = 50):
    """The newest file actions and how many there are in all."""
    return catalog.batches(limit)


__all__ = [
    "Action",
    "NotEnoughSpace",
    "NothingToUndo",
    "Outcome",
    "Step",
    "Trashed",
    "exclusive",
    "execute",
    "history",
    "plan",
    "plan_set_cleanup",
    "restore",
    "undo",
]
