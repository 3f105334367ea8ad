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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from photoorg.core.action_plans import Action, NotEnoughSpace, Step, plan, plan_set_cleanup, unchanged
from photoorg.core.catalog import Catalog, FileRow, JournalEntry
from photoorg.core.errors import CatalogError, PhotoorgError
from photoorg.core.fileops import (
    SourceChanged,
    fingerprint_and_size,
    inode_key,
    missing_folders,
    name_free,
    place,
    remove_if_empty,
)
from photoorg.core.humanize import plural
from photoorg.core.paths import real
from photoorg.core.trash import Trashed, move_to_trash, restore

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What an action or an undo did."""

    batch: int | None
    action: Action | None = None
    done: list[Step] = field(default_factory=list)
    skipped: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    note: str = ""  # what an undo of a change to the groups did (no file moves then)
    #: Newer actions with files an undo could not put back, (action, files), when a plain undo
    #: went on with an older one: ``undo(N)`` tries them again.
    left_behind: list[tuple[int, int]] = field(default_factory=list)


#: The action name of a change to the groups (moved photos, excluded ones, merged groups).
GROUP_CHANGE = "group"
#: The action name of a change to the albums (made, taught, accepted, rejected).
ALBUM_CHANGE = "album"
#: The action name of keywords written into XMP sidecars (:mod:`photoorg.core.sidecars`).
KEYWORDS = "keywords"


class NothingToUndo(PhotoorgError):  # noqa: N818 - a state
    """Every action is undone already (or there was none), but for the files in
    ``left_behind`` ((action, files), newest first) that an undo could not put back."""

    def __init__(self, left_behind: Sequence[tuple[int, int]] = ()) -> None:
        self.left_behind = list(left_behind)
        text = "There is nothing to undo."
        if self.left_behind:
            text = f"There is nothing more to undo. {left_behind_text(self.left_behind)}"
        super().__init__(text)


def left_behind_text(left: Sequence[tuple[int, int]], command: str | None = None) -> str:
    """A sentence on the files undo could not put back, and how to try them again (with
    ``command``, e.g. "photoorg undo": that command and the action's number)."""
    batch, files = left[0]
    also = f" (and {plural(len(left) - 1, 'older action')} too)" if len(left) > 1 else ""
    them = "it" if files == 1 else "them"
    how = (
        f"'{command} {batch}' tries {them} again" if command else f"undoing action {batch} again tries {them}"
    )
    return f"Action {batch} still has {plural(files, 'file')} that could not be put back{also}; {how}."


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
    return unchanged(step.source, row, step) if row is not None else "not in the catalog"


def failure_reason(exc: BaseException) -> str:
    """Why a file step failed, in words: the system's message and the file, or the error's."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.filename and exc.filename2:  # a rename: the cause may be either folder
            where = f" (renaming {exc.filename} to {exc.filename2})"
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
        left: list[tuple[int, int]] = []
        if batch is None:
            batch = catalog.latest_undoable_batch()
            left = catalog.files_left_behind(after=batch or 0)
            if batch is None:
                raise NothingToUndo(left)
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
            note = f"undid the change to {what}: {info.summary}{also}"
            return Outcome(batch, None, note=note, left_behind=left)
        if name == KEYWORDS:  # keywords written into sidecars
            from photoorg.core.sidecars import undo_keywords

            taken_out = undo_keywords(catalog, batch, states, on_step)
            taken_out.left_behind = left
            return taken_out
        action = Action(name)
        entries = catalog.journal_entries(batch, states)
        if not entries:
            raise PhotoorgError(f"Action {batch} was already undone.")
        outcome = Outcome(batch, action, left_behind=left)
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


def _another_copy_left(catalog: Catalog, entry: JournalEntry) -> bool:
    """Whether a file with the content of the copy ``entry`` made is left besides the copy: its
    original, or another catalogued copy (content-checked; a link to the copy is no copy)."""
    if entry.fingerprint is None or entry.target is None:
        return True  # journaled by photoorg 0.1 without the content: as it was undone then
    copy = os.path.realpath(entry.target)
    catalogued = catalog.paths_with_fingerprints([entry.fingerprint])[entry.fingerprint]
    for path in dict.fromkeys([entry.source, *catalogued]):
        if os.path.realpath(path) == copy or not os.path.isfile(path):
            continue
        try:
            if fingerprint_and_size(path)[0] == entry.fingerprint:
                return True
        except OSError:
            continue
    return False


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
        if not _another_copy_left(catalog, entry):
            # The original went since (trashed, or a memory card cleared): the copy is all that
            # is left of the photo, and undoing the copy would leave none in the library.
            raise ChangedSinceError(
                f"the copy at {entry.target} is now the only one of this photo (its original at "
                f"{entry.source} is gone); it was left where it is"
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
