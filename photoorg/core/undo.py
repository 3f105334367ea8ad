"""Undo of file actions, file by file: each file is put back only if it still is what the
action left (size and content fingerprint as journaled), never over another file, and a copy
is never undone when it is the last one of its photo. An interrupted or partial undo goes on
with the rest the next time; a plain undo then goes on with older actions and says which
action still has files left. Changes to the groups, to albums and keywords written into
sidecars are taken back too."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Sequence

from photoorg.core.action_plans import Action, Step
from photoorg.core.actions import (
    ALBUM_CHANGE,
    DECISION,
    GROUP_CHANGE,
    SIDECAR_ACTIONS,
    Outcome,
    exclusive,
    follow,
)
from photoorg.core.albums import refuse_two_albums_of_one_name
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import (
    file_where_folder_was,
    fingerprint_and_size,
    inode_key,
    name_free,
    place,
    remove_if_empty,
)
from photoorg.core.group_edits import refuse_undo_of_renames
from photoorg.core.humanize import plural
from photoorg.core.paths import WatchedFolders, real
from photoorg.core.trash import move_to_trash
from photoorg.core.undo_companions import Companions, Return, is_companion
from photoorg.core.undo_places import (
    ChangedSinceError,
    another_copy_left,
    check_content,
    drop_trash_record,
    folder_not_there,
    follow_back,
    followed,
    moved_on_by,
    protected_since,
    put_back,
    put_back_by_hand,
    regular_file,
    stem_shared,
)
from photoorg.core.undo_words import albums_gone, already_undone, left_behind_text, not_put_back

log = logging.getLogger(__name__)


class NothingToUndo(PhotoorgError):  # noqa: N818 - a state
    """Every action is undone already (or there was none), but for the files in
    ``left_behind`` ((action, files), newest first) that an undo could not put back."""

    def __init__(self, left_behind: Sequence[tuple[int, int]] = ()) -> None:
        self.left_behind = list(left_behind)
        text = "There is nothing to undo."
        if self.left_behind:
            text = f"There is nothing more to undo. {left_behind_text(self.left_behind)}"
        super().__init__(text)

    def __reduce__(self) -> tuple[type, tuple[list[tuple[int, int]]]]:
        return (NothingToUndo, (self.left_behind,))  # as the engine sends it to the app


def undo(
    catalog: Catalog,
    batch: int | None = None,
    on_step: Callable[[], None] | None = None,
    keep: Sequence[str] = (),
    roots: tuple[Sequence[str], Sequence[str]] | None = None,
    protected: Sequence[str] | Callable[[], Sequence[str]] = (),
) -> Outcome:
    """Reverse an action, file by file: the newest one with files still to put back when
    ``batch`` is None (an interrupted or partial undo goes on where it stopped), else that one
    (its files an earlier undo could not put back are tried again).

    Each file is put back only if it still is what the action left (size and fingerprint as
    journaled); anything else is reported with the reason and left where it is. The folders
    the action made are removed once empty, except those in ``keep`` (the library's folders
    and protected folders: one of them may have become one since). ``roots``: the library's
    folders that are there and those that are not (:func:`folder_not_there`): a photo whose
    folder is not there stays where it is, rather than coming back to a folder made anew on
    the disk under a drive's mount point. A file the action put in a folder that is
    ``protected`` now stays there, and is said (a hostile review: undo moved photos out of an
    archive protected since, and trashed the copies in it); as a function it is asked again for
    each file (:meth:`Library.protected_watch`).
    """
    with exclusive(catalog):
        left: list[tuple[int, int]] = []
        if batch is None and catalog.finished_undos:  # finished by the recovery just now
            done = catalog.finished_undos.pop()
            catalog.finished_undos.clear()
            return Outcome(
                done,
                Action(catalog.batch_action(done) or Action.MOVE.value),
                failed=not_put_back(catalog.journal_entries(done, ("undo_failed",))),
                note="its undo had stopped before it was recorded (photoorg was stopped, or its disk "
                "was full), and photoorg finished it as it started. The next undo takes back the action "
                "before",
                left_behind=catalog.files_left_behind(after=done),
            )
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
        if name in (GROUP_CHANGE, ALBUM_CHANGE, DECISION):  # no file moved: the change is taken back
            info = catalog.batch_info(batch)
            if info is None or info.undone is not None:
                raise PhotoorgError(already_undone(catalog, batch))
            later = catalog.later_changes_to_albums_made_by(batch) if name == ALBUM_CHANGE else []
            if name == ALBUM_CHANGE:
                refuse_two_albums_of_one_name(catalog, info.summary, [batch, *later])
            if name == GROUP_CHANGE:
                refuse_undo_of_renames(catalog, batch, info.summary)
                catalog.undo_renames(batch)  # names are no overlay: the old one is given back
            gone = albums_gone(catalog, [batch, *later], info.summary) if name == ALBUM_CHANGE else ""
            catalog.mark_batches_undone([batch, *later])  # an album's later changes go with it (they
            # say so), at the same time, so that a redo does them again together
            also = (f" (and the {plural(len(later), 'later change')} to it)" if later else "") + gone
            if name == DECISION:
                note = f"undid the decision about a duplicate set ({info.summary})"
            else:
                what = "the groups" if name == GROUP_CHANGE else "the albums"
                note = f"undid the change to {what} ({info.summary}){also}"  # as the others say it
            return Outcome(batch, None, note=note, left_behind=left)
        # Files an undo stopped by a kill could not put back (a hostile review: the plain undo
        # that finished it said "undid the rest of it" with a photo still in the trash, and the
        # killed one had never said so): said again by the undo that goes on with it.
        before = catalog.journal_entries(batch, ("undo_failed",)) if "undo_failed" not in states else []
        if name in SIDECAR_ACTIONS:  # keywords or dates written into sidecars
            from photoorg.core.sidecar_undo import undo_keywords

            taken_out = undo_keywords(catalog, batch, states, on_step)
            taken_out.left_behind = left
            taken_out.failed.extend(not_put_back(before))
            return taken_out
        action = Action(name)
        entries = catalog.journal_entries(batch, states)
        if not entries:
            finished = _finish_interrupted(catalog, batch, keep)
            if finished is None:
                raise PhotoorgError(already_undone(catalog, batch))
            return Outcome(batch, action, failed=not_put_back(before), note=finished, left_behind=left)
        everything = catalog.journal_entries(batch)
        earlier = sum(1 for e in everything if e.state == "undone")
        outcome = Outcome(batch, action, left_behind=left, earlier=earlier)
        if all(e.file_row is None or e.file_row.failure for e in entries if not is_companion(e)):
            outcome.noun = "file"  # none was catalogued as a photo: the Problems page's files
        # Folders an organize removed when empty come back with the permissions they had
        # (the files' return makes them with the defaults).
        regone = [(f, mode) for f, mode in catalog.pruned_folders(batch) if not os.path.isdir(f)]
        remade = {f for f, _ in regone}

        def why_not_back(source: str) -> str | None:
            return None if roots is None else folder_not_there(source, *roots, remade)

        companions, watched = Companions(everything, entries), WatchedFolders(protected)
        for entry in Companions.in_order(entries):
            step = Step(entry.target or "", entry.source)
            guard = protected_since(entry, watched) if action is not Action.TRASH else None
            if is_companion(entry):
                step.companion_of = entry.source  # a sidecar (RAW, video) that traveled with its photo
                how = companions.return_of(entry, copy=action is Action.COPY)
                if action is Action.COPY and how is not None and how.stays is None:
                    # A copy's sidecar goes to the trash with its photo's copy, edited or not;
                    # it stays while the copy does (a hostile review: undo trashed the sidecars
                    # of a copy the person had edited, or left an edited one without its photo).
                    how = Return(edited_is_fine=how.edited_is_fine)
                undo_one = guard or functools.partial(
                    _undo_companion, catalog, action, entry, how, why_not_back
                )
                put_back(catalog, entry, step, outcome, undo_one)
            else:
                back = None if action is Action.COPY else companions.photo_back_name(entry)
                undo_one = guard or functools.partial(
                    _undo_one, catalog, action, entry, back, why_not_back=why_not_back
                )
                done = put_back(catalog, entry, step, outcome, undo_one)
                companions.came_back(entry, step.target if done else None)
                if done and action is not Action.COPY and step.target != entry.source:
                    # Said, and why (reviews: not a word; then "its name is taken" where only the
                    # name of the sidecar that comes back with it was).
                    name = os.path.basename(entry.source)
                    taken = (
                        f"its name {name} is taken"
                        if os.path.lexists(entry.source)
                        else stem_shared(entry.source) or f"the name of {name}'s sidecar is taken"
                    )
                    outcome.renamed.append((entry.source, step.target or "", taken))
            if on_step is not None:
                on_step()
        outcome.failed.extend(not_put_back(before))
        for folder, mode in sorted(regone, key=lambda fm: len(fm[0]), reverse=True):
            if os.path.isdir(folder):
                with contextlib.suppress(OSError):
                    os.chmod(folder, mode)
        if not catalog.journal_entries(batch, ("done", "undoing")):
            catalog.mark_batch_undone(batch, again=bool(outcome.done))
            kept = {real(k) for k in keep}
            made = [f for f in catalog.made_folders(batch) if real(f) not in kept]
            remove_if_empty(made)  # the folders it made, now empty
    return outcome


def _finish_interrupted(catalog: Catalog, batch: int, keep: Sequence[str]) -> str | None:
    """The end of an undo that was stopped after its last file came back: the action marked
    undone and the folders it made removed once empty (a hostile review: a kill there left the
    folders, and a retry said only that the action was already undone). What was done, in
    words; None when there was nothing left to do."""
    info = catalog.batch_info(batch)
    if info is None or info.undone is not None:
        return None
    if catalog.journal_entries(batch, ("planned", "done", "undoing")):
        return None
    catalog.mark_batch_undone(batch)
    kept = {real(k) for k in keep}
    made = [f for f in catalog.made_folders(batch) if real(f) not in kept and os.path.isdir(f)]
    remove_if_empty(made)
    gone = sum(1 for f in made if not os.path.isdir(f))
    also = f"; {plural(gone, 'empty folder')} it had made removed" if gone else ""
    return f"undid the rest of it (its undo had stopped after its last file came back){also}"


def _undo_companion(
    catalog: Catalog,
    action: Action,
    entry: JournalEntry,
    how: Return | None,
    why_not_back: Callable[[str], str | None],
) -> str:
    """A file that went with a photo comes back with it, beside it (edited since is no reason
    to part a sidecar from its photo: it is meant to change), or stays while its photo does."""
    if how is None:
        return _undo_one(catalog, action, entry, why_not_back=why_not_back)
    if how.stays:
        raise ChangedSinceError(how.stays)
    return _undo_one(catalog, action, entry, how.beside, how.edited_is_fine, why_not_back)


def _undo_one(
    catalog: Catalog,
    action: Action,
    entry: JournalEntry,
    back_at: str | None = None,
    edited: bool = False,
    why_not_back: Callable[[str], str | None] | None = None,
) -> str:
    """Put one file back (a sidecar ``back_at``, beside its photo, when the photo came back
    under another name; ``edited``: also when its content changed since); returns where it is
    now (for a copy: where the copy went). ``why_not_back``: why its folder cannot take it
    (None: it can)."""
    if action is Action.COPY:
        if edited and regular_file(entry.target):  # its photo's copy goes: so does it, as it is now
            assert entry.target is not None
            fingerprint, size = fingerprint_and_size(entry.target)
            if fingerprint != entry.fingerprint:  # journaled first: recovery knows what it trashes
                catalog.journal_update(entry.id, fingerprint=fingerprint, size=size)
        else:
            kind = "photo" if entry.file_row is not None else "file"
            check_content(entry.target, entry, f"copied {kind}")
        assert entry.target is not None
        if entry.placed and not edited and inode_key(entry.target) != entry.placed:
            # The same content, but not the file photoorg wrote (the original moved there, say):
            # undoing a copy must never trash a photo that is not that copy.
            raise ChangedSinceError(
                f"the file at {entry.target} is not the copy this action made (the same picture, but "
                "another file); it was left where it is"
            )
        if not another_copy_left(catalog, entry):
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
    kind = "photo" if entry.file_row is not None else "file"  # a sidecar is no photo (a review)
    what = f"trashed {kind}" if action is Action.TRASH else f"moved {kind}"
    if put_back_by_hand(entry):  # restored from the trash, or moved back, by the person
        if action is Action.TRASH:
            drop_trash_record(entry)
        catalog.journal_update(entry.id, state="undone", undo_target=entry.source, temp=None)
        follow_back(catalog, action, entry, entry.source)
        return entry.source
    fingerprint = entry.fingerprint
    if edited and entry.target and os.path.isfile(entry.target) and not os.path.islink(entry.target):
        fingerprint, size = fingerprint_and_size(entry.target)  # its photo's sidecar, as it is now
        if fingerprint != entry.fingerprint:  # journaled first: recovery knows the file it moves
            catalog.journal_update(entry.id, fingerprint=fingerprint, size=size)
    else:
        try:
            check_content(entry.target, entry, what)
        except ChangedSinceError as exc:
            found = followed(catalog, entry)  # or, not found there either, the error stands
            if found.target is None:
                raise moved_on_by(catalog, entry, kind) or exc from None
            entry = found
    assert entry.target is not None
    why = why_not_back(back_at or entry.source) if why_not_back is not None else None
    if why is not None:
        raise ChangedSinceError(f"{why}; the {kind} stays at {entry.target} until it is there again")
    folder = file_where_folder_was(entry.source)
    if folder is not None:  # said as "File exists (folder)" before
        raise ChangedSinceError(
            f"{folder} is a file now, not the folder the photo was in; the photo was left where it is"
        )
    back = name_free(back_at or entry.source)
    catalog.journal_update(entry.id, state="undoing", undo_target=back, placed=None, temp=None)

    def named(final: str) -> None:
        catalog.journal_update(entry.id, undo_target=final, placed=inode_key(final))

    def temp(path: str) -> None:
        catalog.journal_update(entry.id, temp=path)

    placed_at = place(
        entry.target,
        back,
        keep_src=False,
        fingerprint=fingerprint,
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
