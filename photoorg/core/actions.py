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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from photoorg.core.action_plans import (
    PROTECTED,
    Action,
    NotEnoughSpace,
    Step,
    action_row,
    plan,
)
from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.companions import kinds_said, renamed
from photoorg.core.errors import CatalogError
from photoorg.core.fileops import (
    SourceChanged,
    inode_key,
    missing_folders,
    place,
    remove_if_empty,
)
from photoorg.core.humanize import plural
from photoorg.core.paths import WatchedFolders, storable_ns
from photoorg.core.set_cleanup import plan_set_cleanup
from photoorg.core.step_checks import (
    content_changed,
    failure_reason,
    linked_there,
    still_as_planned,
    unreadable,
)
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
    #: taken", or its sidecar's name); an action's photos numbered where they went, their
    #: planned name taken meanwhile: (planned, new, why).
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    #: A redo's folders removed again, as the action's first run removed them (left empty).
    pruned: list[str] = field(default_factory=list)
    #: What the files done are called: "file" when none could be read as a photo (the Problems
    #: page's; an app review: "Moved 1 photo to the trash" of an empty .jpg).
    noun: str = "photo"

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
            return kinds_said(companions) + after
        one, many = (self.noun, None) if one == "photo" else (one, many)
        return plural(self.photos_done, one, many) + after + self.with_them()


def with_them(companions: Sequence[str], photos: int = 2) -> str:
    """ " (and 2 sidecars with them)", " (and 1 RAW file and 1 sidecar with it)", or ""."""
    if not companions:
        return ""
    return f" (and {kinds_said(companions)} with {'it' if photos == 1 else 'them'})"


#: The action name of a change to the groups (moved photos, excluded ones, merged groups).
GROUP_CHANGE = "group"
#: The action name of a change to the albums (made, taught, accepted, rejected).
ALBUM_CHANGE = "album"
#: The action name of a decision about a duplicate set ("not duplicates", "keep all", forgotten).
DECISION = "decision"
#: The action name of keywords written into XMP sidecars (:mod:`photoorg.core.sidecars`).
KEYWORDS = "keywords"
#: The action name of a date taken written into XMP sidecars (:mod:`photoorg.core.date_edits`).
DATES = "dates"
#: The catalog's meta key under which a date change keeps what it set (the date, how much of it
#: is known, the photos dated), so that its redo sets it again (photoorg.core.date_edits).
DATES_SET = "dates-set-by-action:{}"
#: ... and under which a keyword change keeps its album and whether it took the album's keywords
#: out everywhere (photoorg.core.curation).
KEYWORDS_SET = "keywords-set-by-action:{}"
#: The actions that change XMP sidecars in place (:mod:`photoorg.core.sidecars`): undone by
#: putting each sidecar's earlier version back (:mod:`photoorg.core.sidecar_undo`).
SIDECAR_ACTIONS = (KEYWORDS, DATES)


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
                step.skip = still_as_planned(catalog, step)
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
                    step.skip = content_changed(catalog, step, left_behind)
                if step.skip is None and action is Action.MOVE and step.companion_of is None:
                    step.skip = linked_there(step)  # (its sidecars then stay with it)
                if step.skip is None and step.companion_of is None:
                    step.skip = unreadable(companions.get(step.source, ()))
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
                    planned = step.target
                    try:
                        _do(catalog, action, step, entry, row)
                    except SourceChanged as exc:  # done, and both versions kept: say so
                        outcome.failed.append((step, str(exc)))
                        _companions_follow(step, planned, companions)
                    except sqlite3.Error:
                        raise  # the journal cannot be written: stop (below)
                    except Exception as exc:  # per-file boundary: the others still happen
                        log.info("%s of %s failed", action.value, step.source, exc_info=True)
                        catalog.journal_update(entry, state="failed", error=str(exc))
                        outcome.failed.append((step, failure_reason(exc)))
                        left_behind.add(step.source)
                    else:
                        outcome.done.append(step)
                        _companions_follow(step, planned, companions)
                        if step.companion_of is None and planned and step.target not in (None, planned):
                            # numbered, its name taken after the plan (a hostile review: unsaid)
                            why = f"{os.path.basename(planned)} was taken after the plan was made"
                            outcome.renamed.append((planned, step.target or "", why))
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


def _companions_follow(step: Step, planned: str | None, companions: dict[str, list[Step]]) -> None:
    """A photo numbered where it went (its planned name was taken after the plan: "X (1).jpg")
    takes its sidecars' names with it, "X (1).jpg.xmp", not the planned "X.jpg.xmp" beside the
    file that took its name (a hostile review: that file was then dated by our photo's sidecar)."""
    if step.companion_of is not None or planned is None or step.target in (None, planned):
        return  # (a trash has no planned target: the trash names its files)
    for companion in companions.get(step.source, ()):
        if companion.target is not None:
            name = renamed(companion.target, os.path.basename(planned), os.path.basename(step.target))
            companion.target = os.path.join(os.path.dirname(step.target), name)


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
