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
- Undo (:mod:`photoorg.core.undo`) checks each file's size and fingerprint against the
  journal before it moves anything back, and journals each file as it goes.
- The catalog follows every move and copy, so vectors, decisions and groups stay attached.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from photoorg.core.action_plans import (
    NO_LONGER_THERE,
    PROTECTED,
    Action,
    NotEnoughSpace,
    Step,
    action_row,
    plan,
    plan_set_cleanup,
    unchanged,
)
from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.companions import SIDECAR_EXTENSIONS
from photoorg.core.errors import CatalogError
from photoorg.core.fileops import (
    SourceChanged,
    fingerprint_and_size,
    inode_key,
    missing_folders,
    place,
    remove_if_empty,
)
from photoorg.core.humanize import plural
from photoorg.core.paths import WatchedFolders, storable_ns
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
    #: An undo's files that an earlier undo of the action already put back (a retry's).
    earlier: int = 0
    #: An undo's photos that came back under a new name: (old, new, why: "its name a.jpg is
    #: taken", or its sidecar's name).
    renamed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def photos_done(self) -> int:
        """The photos done, not counting the sidecars (or RAWs, videos) that went with them."""
        return sum(1 for s in self.done if s.companion_of is None)

    def with_them(self) -> str:
        """ " (and 2 sidecars with them)" for the companions done, or ""."""
        return with_them([s.source for s in self.done if s.companion_of is not None], self.photos_done)

    def photos_and_them(self, one: str = "photo", many: str | None = None, after: str = "") -> str:
        """ "3 photos back (and 2 sidecars with them)" (``after`` " back"), or "2 sidecars back"
        when only the files that go with photos were done: a retry of an undo whose photos came
        back in an earlier one (a hostile review read "0 photos back (and 4 sidecars with them)")."""
        companions = [s.source for s in self.done if s.companion_of is not None]
        if companions and not self.photos_done:
            return plural(len(companions), _companion_word(companions)) + after
        return plural(self.photos_done, one, many) + after + self.with_them()


def _companion_word(companions: Sequence[str]) -> str:
    sidecars = all(os.path.splitext(c)[1].lower() in SIDECAR_EXTENSIONS for c in companions)
    return "sidecar" if sidecars else "sidecar, RAW or video file"


def with_them(companions: Sequence[str], photos: int = 2) -> str:
    """ " (and 2 sidecars with them)", " (and 1 sidecar, RAW or video file with it)", or ""."""
    if not companions:
        return ""
    word = _companion_word(companions)
    return f" (and {plural(len(companions), word)} with {'it' if photos == 1 else 'them'})"


#: The action name of a change to the groups (moved photos, excluded ones, merged groups).
GROUP_CHANGE = "group"
#: The action name of a change to the albums (made, taught, accepted, rejected).
ALBUM_CHANGE = "album"
#: The action name of a decision about a duplicate set ("not duplicates", "keep all", forgotten).
DECISION = "decision"
#: The action name of keywords written into XMP sidecars (:mod:`photoorg.core.sidecars`).
KEYWORDS = "keywords"


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
    protected: Sequence[str] | Callable[[], Sequence[str]] = (),
) -> Outcome:
    """Carry out a plan under the library lock, journaling each file before and after.

    An action in which nothing could be done is not kept in the history (it has nothing to
    undo). ``on_step`` is called after each file (progress). ``protected``: the protected
    folders; a photo in one (protected since the plan was made) stays, unless it is copied.
    As a function (:meth:`Library.protected_watch`) it is asked again before each file: a
    folder protected while the action runs keeps the photos still in it (a hostile review:
    "protected" was said while an organize went on emptying the folder).
    """
    guard = WatchedFolders(protected)
    with exclusive(catalog):
        # A plan made before the lock was taken may be out of date (a hostile review: a folder
        # protected while organize's plan waited for its "y" was emptied by it).
        for step in steps:
            if step.skip is None and action is not Action.COPY and guard.holds(step.source):
                step.skip = PROTECTED
            if step.skip is None:
                step.skip = _still_as_planned(catalog, step)
        todo = [s for s in steps if s.skip is None]
        outcome = Outcome(None, action, skipped=[s for s in steps if s.skip is not None])
        if not todo:
            return outcome
        outcome.batch = catalog.begin_batch(action.value, summary)
        left_behind: set[str] = {s.source for s in outcome.skipped if s.companion_of is None}
        companions: dict[str, list[Step]] = {}
        for s in todo:
            if s.companion_of is not None:
                companions.setdefault(s.companion_of, []).append(s)
        current: Step | None = None  # the file being done, when the catalog fails
        try:
            for step in todo:
                current = step
                if action is not Action.COPY and guard.holds(step.source):
                    step.skip = PROTECTED
                else:
                    step.skip = _content_changed(catalog, step, left_behind)
                if step.skip is None and action is Action.MOVE and step.companion_of is None:
                    step.skip = _linked_there(step)  # (its sidecars then stay with it)
                if step.skip is None and step.companion_of is None:
                    step.skip = _unreadable(companions.get(step.source, ()))
                if step.skip is not None:
                    left_behind.add(step.source)
                    outcome.skipped.append(step)
                else:
                    row = action_row(catalog, step.source) if step.companion_of is None else None
                    current = None  # not journaled, so not begun: it cannot have gone yet
                    entry = catalog.journal_add(
                        outcome.batch,
                        action.value,
                        step.source,
                        step.target,
                        row,
                        step.fingerprint,
                        step.size,
                    )
                    current = step
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
                current = None
                if on_step is not None:
                    on_step()
        except sqlite3.Error as exc:  # the catalog cannot be written (a full or read-only disk)
            if not outcome.done:  # an action with no file journaled is not kept (if it can be
                with contextlib.suppress(sqlite3.Error):  # written; else the next start drops it)
                    catalog.drop_batch_if_nothing_done(outcome.batch)
            # The file being done may have gone already (a hostile review: "stopped after 0
            # files" with the photo in the trash): said, and settled by the next start.
            midway = (
                f" {current.source} may have gone too, as the catalog failed: the next photoorg "
                "command settles it from the journal."
                if current is not None
                else ""
            )
            raise CatalogError(
                f"The catalog could not be written ({exc}), so the {action.value} stopped after "
                f"{plural(len(outcome.done), 'file')}.{midway} Every file done is journaled: once the "
                "catalog can be written again, 'photoorg undo' (Edit > Undo) puts them back."
            ) from exc
        if not outcome.done:
            made = catalog.made_folders(outcome.batch)
            if catalog.drop_batch_if_nothing_done(outcome.batch):
                remove_if_empty(made)
                outcome.batch = None
    return outcome


def _linked_there(step: Step) -> str | None:
    """Why a move's file stays: its target folder holds it already under another name (a hard
    link, as dedupe tools leave them). The move would leave two names of it there, and its
    undo would take away the one the folder had (a hostile review). Only a file with a second
    name is looked for, in its target folder alone."""
    try:
        st = os.stat(step.source)
        if st.st_nlink < 2 or step.target is None:
            return None
        folder = os.path.dirname(step.target)
        here = os.path.samefile(folder, os.path.dirname(step.source))  # renamed in its own folder
        with os.scandir(folder) as entries:
            for e in entries:
                if (
                    e.inode() == st.st_ino
                    and e.stat(follow_symlinks=False).st_dev == st.st_dev
                    and not (here and e.name == os.path.basename(step.source))  # the file itself
                ):
                    return (
                        f"it is in {folder} already as {e.name} (the same file under a second name, "
                        "a hard link); it stays as it is"
                    )
    except OSError:  # no folder yet, or gone: nothing there
        return None
    return None


def _still_as_planned(catalog: Catalog, step: Step) -> str | None:
    """Why a planned step can no longer be done (another photoorg got there first), or None."""
    try:
        st = os.lstat(step.source)
    except OSError:
        return NO_LONGER_THERE
    if not stat.S_ISREG(st.st_mode):
        return _not_a_file(step.source)
    if step.companion_of is not None:
        if (st.st_size, st.st_mtime_ns) != (step.size, step.mtime_ns):
            return "changed since the plan was made"
        return None
    row = catalog.file_row(step.source) or catalog.unreadable_row(step.source)
    if row is None or (st.st_size, storable_ns(st.st_mtime_ns)) != (row.size, row.mtime_ns):
        return "changed since it was scanned; scan again to look at it first"
    return None


def _content_changed(catalog: Catalog, step: Step, left_behind: set[str]) -> str | None:
    """Right before a file moves: its photo moved too (for a companion), and its content is
    what was planned. Reads the file when that was not done when planning."""
    if os.path.islink(step.source):  # its content read through the link is no reason to move it
        return _not_a_file(step.source)
    if step.companion_of is not None:
        if step.companion_of in left_behind:
            return "its photo stays where it is, so it stays too"
        try:
            step.fingerprint, _ = fingerprint_and_size(step.source)
        except FileNotFoundError:
            return "no longer there"
        except OSError as exc:
            return f"cannot be read: {failure_reason(exc)}"
        return None
    if step.verified:
        return None
    row = action_row(catalog, step.source)
    return unchanged(step.source, row, step) if row is not None else "not in the catalog"


def _not_a_file(path: str) -> str:
    """A photo replaced by a link (or anything but a file) since it was planned: a hostile
    review, organize moved the link and said "moved", the photo itself left where it was."""
    if os.path.islink(path):
        return f"a link to {os.path.realpath(path)} now; it stays (name the photo itself)"
    return "no longer a file; it stays"


def _unreadable(companions: Sequence[Step]) -> str | None:
    """Why a photo stays because a file that goes with it cannot be read (found by a review: the
    photo moved and its sidecar, unreadable, stayed behind "no longer there", exit 0)."""
    for c in companions:
        try:
            fingerprint_and_size(c.source)
        except FileNotFoundError:
            continue  # gone: nothing of it to keep together
        except OSError as exc:
            name = os.path.basename(c.source)
            return f"its sidecar {name} cannot be read ({failure_reason(exc)}); both stay"
    return None


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
            catalog.put_row(replace(row, path=target, size=st.st_size, mtime_ns=storable_ns(st.st_mtime_ns)))
        elif action is Action.TRASH:
            catalog.remove_paths([source])
    except Exception:
        log.exception("the catalog could not follow the %s of %s to %s", action.value, source, target)


def history(catalog: Catalog, limit: int | None = 50):
    """The newest file actions and how many there are in all."""
    return catalog.batches(limit)


__all__ = [
    "Action",
    "NotEnoughSpace",
    "Outcome",
    "Step",
    "Trashed",
    "exclusive",
    "execute",
    "history",
    "plan",
    "plan_set_cleanup",
    "restore",
]
