"""Recovery: the file actions a crash, a kill or a power cut left unfinished, settled the next
time a photoorg opens the library (:func:`reconcile`). Each step is completed or rolled back by
what its journal entry proves; no photo is ever removed on a guess. Qt-free."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from photoorg.core.actions import SIDECAR_ACTIONS, Action, follow
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.fileops import fingerprint_and_size, inode_key, is_temp_name, name_candidates, same_inode
from photoorg.core.trash import discard_orphan_info, find_trashed
from photoorg.core.undo_places import follow_back

log = logging.getLogger(__name__)


def reconcile(catalog: Catalog) -> list[str]:
    """Settle journal steps a crash left unfinished; returns what was found, in words.

    Runs under the library lock, so the process that journaled those steps is gone. A step is
    completed when the file it placed is provably its own (the journaled inode, or the same
    inode as its temporary file or its source), rolled back otherwise; only temporary files
    it journaled, and second names of the very same file, are ever removed.
    """
    notes: list[str] = []
    with catalog.lock.holding():
        unsettled = list(reversed(catalog.journal_entries(states=("planned", "undoing"))))
        for entry in unsettled:
            try:
                if entry.action in SIDECAR_ACTIONS:
                    from photoorg.core.sidecar_undo import settle

                    note = settle(catalog, entry)
                elif entry.state == "planned":
                    note = _settle_forward(catalog, entry)
                else:
                    note = _settle_undo(catalog, entry)
            except Exception as exc:  # one unsettled step never stops the others
                log.exception("settling journal entry %s failed", entry.id)
                note = f"{entry.action} of {entry.source}: could not be settled ({exc})"
            if note:
                notes.append(note)
                log.info("recovery: %s", note)  # the notes are said to the person (twice, as a warning)
        # An action in which nothing happened goes, and one that no file was journaled in (a
        # hostile review: begun, then the catalog's disk was full; it blocked redo for ever).
        empty = catalog.file_batches_without_files([*(a.value for a in Action), *SIDECAR_ACTIONS])
        for batch in {e.batch for e in unsettled} | set(empty):
            catalog.drop_batch_if_nothing_done(batch)
    return notes


def _ours(entry: JournalEntry, wanted: str | None, also: Sequence[str | None] = ()) -> str | None:
    """The file at ``wanted`` or its " (n)" names that this step placed: the journaled inode,
    or the same inode as its temporary file or source (a hard link made before the crash).
    Only names up to the first free one are looked at, as the step took the first free one: a
    hard link of the photo made before, further on, is not the step's (a hostile review: it
    was settled as the moved photo, and undo took it away from its folder)."""
    if not wanted:
        return None
    for candidate in name_candidates(wanted, limit=200):
        if not os.path.lexists(candidate):
            break
        try:
            key = inode_key(candidate)
        except OSError:
            continue
        if entry.placed and key == entry.placed:
            return candidate
        if any(other and os.path.exists(other) and same_inode(other, candidate) for other in also):
            return candidate
    return None


def drop_temp(entry: JournalEntry) -> None:
    """Remove the temporary file a step journaled, and only a file named as photoorg names them."""
    if entry.temp and is_temp_name(entry.temp):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.temp)


def _settle_forward(catalog: Catalog, entry: JournalEntry) -> str:
    action = Action(entry.action)
    source, src_there = entry.source, os.path.exists(entry.source)
    if action is Action.TRASH:
        drop_temp(entry)
        copied = _ours(entry, entry.target) if entry.target else None  # a trash by copy, named
        if src_there and copied is not None:
            keep_both = not _safe_to_remove(source, copied, entry)
            if not keep_both:
                os.unlink(source)  # its verified copy is in the trash
            catalog.journal_update(entry.id, state="done", temp=None)
            follow(catalog, action, source, copied, entry.file_row)
            if keep_both:
                return (
                    f"trash of {source}: the photo there changed after it was copied to the trash; both "
                    f"versions are kept (the old one in the trash, {Path(copied).name})"
                )
            return f"trash of {source}: completed before photoorg stopped"
        if src_there:
            discard_orphan_info(source)
            catalog.journal_update(entry.id, state="failed", error="interrupted before it happened")
            return f"trash of {source}: interrupted before it happened; the photo is where it was"
        row = entry.file_row
        found = find_trashed(source, size=entry.size, mtime_ns=row.mtime_ns if row else None)
        if found is None:
            catalog.journal_update(entry.id, state="failed", error="not found in the trash")
            return (
                f"trash of {source}: the photo is gone from its folder but was not found in the "
                "trash; look for it there by hand"
            )
        catalog.journal_update(entry.id, state="done", target=found.location, trash_info=found.info)
        catalog.remove_paths([source])
        name = Path(found.location).name
        return f"trash of {source}: completed before photoorg stopped; found in the trash as {name}"

    # A copy is a new file: never the source's own inode (a hard link of it made before).
    linked = source if src_there and action is Action.MOVE else None
    placed = _ours(entry, entry.target, also=(entry.temp, linked))
    if (
        placed is not None
        and src_there
        and not same_inode(placed, source)
        and fingerprint_and_size(placed)[0] != entry.fingerprint
    ):
        placed = None  # not a complete copy: never count it as the photo
    drop_temp(entry)
    if placed is None:
        if not src_there:
            catalog.journal_update(entry.id, state="failed", error="interrupted; the photo was not found")
            return (
                f"{action.value} of {source}: interrupted, and the photo is not where it was; "
                f"check {entry.target}"
            )
        catalog.journal_update(entry.id, state="failed", error="interrupted before it happened")
        return (
            f"{action.value} of {source}: interrupted before it finished; left undone, the photo is "
            "where it was"
        )
    keep_both = action is Action.MOVE and src_there and not _safe_to_remove(source, placed, entry)
    if action is Action.MOVE and src_there and not keep_both:
        os.unlink(source)  # the photo is whole at its new place (same inode, or a verified copy)
    catalog.journal_update(entry.id, state="done", target=placed, placed=inode_key(placed), temp=None)
    follow(catalog, action, source, placed, entry.file_row)
    if keep_both:
        return (
            f"move of {source}: the photo there changed after it was copied to {placed}; both versions "
            "are kept"
        )
    return f"{action.value} of {source}: completed before photoorg stopped ({placed})"


def _safe_to_remove(path: str, placed: str, entry: JournalEntry) -> bool:
    """Whether the file at ``path`` may go because ``placed`` holds it: the same file (two
    names), or the same content as journaled. A file that changed since is never removed."""
    if same_inode(path, placed):
        return True
    try:
        fp, size = fingerprint_and_size(path)
    except OSError:
        return False
    return entry.fingerprint is not None and (fp, size) == (entry.fingerprint, entry.size)


def _settle_undo(catalog: Catalog, entry: JournalEntry) -> str:
    action = Action(entry.action)
    if action is Action.COPY:
        drop_temp(entry)
        if entry.target and os.path.exists(entry.target):
            catalog.journal_update(entry.id, state="done", temp=None)
            return f"undo of the copy {entry.target}: interrupted; the copy is still there, undo again"
        found = find_trashed(entry.target or "", size=entry.size)
        where = found.location if found else None
        catalog.journal_update(entry.id, state="undone", undo_target=where, temp=None)
        catalog.remove_paths([entry.target or ""])
        return f"undo of the copy {entry.target}: completed before photoorg stopped"
    held = entry.target if entry.target and os.path.exists(entry.target) else None
    back = _ours(entry, entry.undo_target, also=(entry.temp, held))
    if (
        back is not None
        and held
        and not same_inode(back, held)
        and fingerprint_and_size(back)[0] != entry.fingerprint
    ):
        back = None
    drop_temp(entry)
    if back is None:
        catalog.journal_update(entry.id, state="done", placed=None, temp=None)
        return (
            f"undo of {entry.source}: interrupted before it finished; the photo is still at "
            f"{entry.target}, undo again"
        )
    keep_both = bool(held) and not _safe_to_remove(held or "", back, entry)
    if held and not keep_both:
        os.unlink(held)  # the photo is back whole (same inode, or a verified copy)
    if action is Action.TRASH and entry.trash_info and not keep_both:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.trash_info)
    catalog.journal_update(entry.id, state="undone", undo_target=back, temp=None)
    follow_back(catalog, action, entry, back)
    if not catalog.journal_entries(entry.batch, ("done", "undoing")):
        catalog.mark_batch_undone(entry.batch)
        catalog.finished_undos.append(entry.batch)
    if keep_both:
        return (
            f"undo of {entry.source}: the photo at {held} changed after it was copied back to {back}; "
            "both versions are kept"
        )
    return f"undo of {entry.source}: completed before photoorg stopped ({back})"
