"""Undoing an album's keywords or a date taken in XMP sidecars, and settling a step a crash left unfinished:
each sidecar photoorg changed gets its earlier version back, each one it made goes to the
trash, only if it still is what photoorg wrote (:mod:`photoorg.core.sidecars` writes them)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Sequence

from photoorg.core.actions import DATES, Outcome, Step
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.fileops import fingerprint_and_size, temp_name
from photoorg.core.humanize import plural
from photoorg.core.noreplace import fsync_dir, rename_noreplace
from photoorg.core.recovery import drop_temp
from photoorg.core.sidecar_writes import (
    TRASHED,
    content_digest,
    keep_attributes,
    originals_folder,
    read_sidecar,
)
from photoorg.core.sidecars import TRASHED_WITH_UNDO, carried, where_now
from photoorg.core.trash import find_trashed, move_to_trash
from photoorg.core.undo_places import ChangedSinceError, put_back


def _thing(action: str) -> str:
    """What a sidecar action writes, in words: "keyword" or "date taken"."""
    return "date taken" if action == DATES else "keyword"


# -- undo -----------------------------------------------------------------------------------------
def undo_keywords(
    catalog: Catalog, batch: int, states: Sequence[str], on_step: Callable[[], None] | None = None
) -> Outcome:
    """Take the keyword out again: each sidecar photoorg changed gets its earlier version back,
    each one it made goes to the trash, if it is still what photoorg wrote. Runs under the
    library lock (the caller holds it)."""
    entries = catalog.journal_entries(batch, states)
    outcome = Outcome(batch, None)
    if not entries:
        info = catalog.batch_info(batch)
        unfinished = catalog.journal_entries(batch, ("done", "undoing"))
        if info is not None and info.undone is None and not unfinished:
            # Stopped after its last sidecar was put back (a hostile review: a plain undo then
            # went past it): the action is marked undone now.
            catalog.mark_batch_undone(batch)
            outcome.note = "undid the rest of it (its undo had stopped after its last sidecar was put back)"
        else:
            outcome.note = f"action {batch} was already undone"
        return outcome
    restored = trashed = 0
    for entry in entries:
        try:  # named where it is now (a review: a sidecar moved since was named where it was)
            now = where_now(catalog, entry)
        except ChangedSinceError:
            now = entry.source
        step = Step(now, companion_of=now)
        if put_back(catalog, entry, step, outcome, lambda e=entry: _undo_one(catalog, e)):
            restored += entry.fingerprint is not None
            trashed += entry.fingerprint is None
        if on_step is not None:
            on_step()
    if not catalog.journal_entries(batch, ("done", "undoing")):
        catalog.mark_batch_undone(batch, again=bool(outcome.done))
    parts = []
    if restored:
        parts.append(f"put back the earlier version of {plural(restored, 'sidecar')}")
    if trashed:
        parts.append(f"moved {plural(trashed, 'sidecar')} photoorg had made to the trash")
    # What was undone, in the action's words (a review: a re-written keyword's undo said only
    # "took the keyword out", not that the album's old name came back).
    info = catalog.batch_info(batch)
    change = "date change" if info is not None and info.action == DATES else "keyword change"
    what = f"undid the {change} ({info.summary})" if info is not None else f"undid the {change}"
    outcome.note = f"{what}: " + (" and ".join(parts) or "nothing could be undone")
    return outcome


def _undo_one(catalog: Catalog, entry: JournalEntry) -> str:
    if entry.wrote == TRASHED:
        return _bring_back(catalog, entry)
    sidecar, carriers = carried(catalog, entry)
    now = read_sidecar(sidecar)
    if now is None or content_digest(now) != entry.wrote:
        kept = f"; its earlier version is kept at {entry.target}" if entry.target else ""
        later = catalog.later_keywords_in(sidecar, entry.batch)
        if later is not None and now is not None and content_digest(now) == later.wrote:
            # (a review: it blamed "another program" for photoorg's own later keywords)
            raise ChangedSinceError(
                f"photoorg wrote {'a date taken' if later.action == DATES else 'keywords'} into "
                f"{os.path.basename(sidecar)} again in action "
                f"{later.batch}: undo action {later.batch} first, then this one"
            )
        raise ChangedSinceError(
            f"{os.path.basename(sidecar)} changed since photoorg wrote the {_thing(entry.action)} into it "
            f"(another program edited, moved or removed it); it was left as it is{kept}"
        )
    if entry.fingerprint is None:  # a sidecar photoorg made: to the trash, never deleted
        catalog.journal_update(entry.id, state="undoing")
        gone = move_to_trash(sidecar, on_temp=lambda t: catalog.journal_update(entry.id, temp=t))
        _nothing_to_carry(catalog, carriers, gone.location, entry.batch)
        catalog.journal_update(entry.id, state="undone", undo_target=gone.location, temp=None)
        return gone.location
    keeps = f"the sidecar keeps the {_thing(entry.action)}"
    backup = _verified_backup(entry, os.path.basename(sidecar), keeps)

    def swap(temp: str) -> None:
        if read_sidecar(sidecar) != now:
            raise OSError(f"{os.path.basename(sidecar)} changed while it was being put back")
        os.replace(temp, sidecar)

    return _put_earlier_back(catalog, entry, sidecar, backup, swap, mode_from=sidecar)


def _nothing_to_carry(catalog: Catalog, carriers: Sequence[JournalEntry], location: str, batch: int) -> None:
    """The later moves that took a sidecar photoorg made along with its photo have nothing
    left to put back for it once the keyword's undo sent it to the trash (a hostile review:
    such a move's undo then failed on it, again at every retry)."""
    for carrier in carriers:
        catalog.journal_update(
            carrier.id, state="undone", undo_target=location, undo_error=f"{TRASHED_WITH_UNDO}{batch}"
        )
        if not catalog.journal_entries(carrier.batch, ("done", "undoing")):
            catalog.mark_batch_undone(carrier.batch)


def _bring_back(catalog: Catalog, entry: JournalEntry) -> str:
    """Undo a step that moved a sidecar left empty to the trash: its earlier version (kept)
    goes back under its name, never over a sidecar made there since."""
    sidecar, name = entry.source, os.path.basename(entry.source)
    kept = f"; its earlier version is kept at {entry.target}" if entry.target else ""
    if os.path.lexists(sidecar):
        raise ChangedSinceError(
            f"another {name} is there since photoorg moved the empty one to the trash; it was left "
            f"as it is{kept}"
        )
    backup = _verified_backup(entry, name, "nothing was put back")

    def make(temp: str) -> None:
        try:
            rename_noreplace(temp, sidecar)
        except FileExistsError:
            raise ChangedSinceError(
                f"another program made {name} meanwhile; it was left as it is{kept}"
            ) from None

    return _put_earlier_back(catalog, entry, sidecar, backup, make, mode_from=backup)


def _put_earlier_back(
    catalog: Catalog,
    entry: JournalEntry,
    sidecar: str,
    backup: str,
    place: Callable[[str], None],
    mode_from: str,
) -> str:
    """Write the kept earlier version to a temporary file beside ``sidecar``, flushed, and let
    ``place`` give it the sidecar's name; journaled, and settled if anything fails."""
    catalog.journal_update(entry.id, state="undoing")
    folder = os.path.dirname(sidecar)
    temp = temp_name(folder, f"undo{entry.id}")
    catalog.journal_update(entry.id, temp=temp)
    old = read_sidecar(backup) or b""
    try:
        with open(temp, "xb") as f:
            f.write(old)
            f.flush()
            os.fsync(f.fileno())
        # As it was: its times and extended attributes (the kept copy has them), its owner.
        shutil.copystat(backup, temp)
        shutil.copymode(mode_from, temp)
        keep_attributes(mode_from, temp)
        if content_digest(old) != entry.fingerprint:
            raise OSError(
                f"the earlier version of {os.path.basename(sidecar)} changed while it was being put back"
            )
        place(temp)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            if os.path.lexists(temp):
                os.unlink(temp)
        _settle_failed_undo(catalog, entry, sidecar, old)
        raise
    # The kept copy goes first: a crash between the two leaves the step "undoing", which the next
    # start settles as back (a hostile review: the other way round, the copy stayed for ever).
    _drop_backup(backup)
    catalog.journal_update(entry.id, state="undone", undo_target=sidecar, temp=None)
    return sidecar


def _verified_backup(entry: JournalEntry, name: str, so: str) -> str:
    """The kept earlier version of a sidecar, if it still is what it was."""
    backup = entry.target
    if not backup or not os.path.isfile(backup) or fingerprint_and_size(backup)[0] != entry.fingerprint:
        raise ChangedSinceError(f"the earlier version of {name} is no longer at {backup}; {so}")
    return backup


def _settle_failed_undo(catalog: Catalog, entry: JournalEntry, sidecar: str, old: bytes) -> None:
    """After an undo step failed: undone if the earlier version is in place all the same (what
    failed came after, the folder's fsync), else still done."""
    if read_sidecar(sidecar) == old:
        catalog.journal_update(entry.id, state="undone", undo_target=sidecar, temp=None)
        if entry.target:
            _drop_backup(entry.target)
    else:
        catalog.journal_update(entry.id, state="done", temp=None)


def _drop_backup(backup: str) -> None:
    """The kept copy of a sidecar that is back in place (verified) is not needed any more."""
    with contextlib.suppress(OSError):
        os.unlink(backup)
    with contextlib.suppress(OSError):
        os.rmdir(os.path.dirname(backup))  # the action's folder, once empty


# -- recovery ---------------------------------------------------------------------------------------
def settle(catalog: Catalog, entry: JournalEntry) -> str:
    """Settle a sidecar step a crash left unfinished (under the lock; see recovery.reconcile)."""
    drop_temp(entry)
    if entry.temp and os.path.dirname(os.path.dirname(entry.temp)) == str(originals_folder(catalog)):
        with contextlib.suppress(OSError):  # the earlier version's copy, cut short: its folder
            os.rmdir(os.path.dirname(entry.temp))  # in photoorg's data goes too, once empty
    now = read_sidecar(entry.source)
    now_fp = content_digest(now) if now is not None else None
    name = os.path.basename(entry.source)
    thing = _thing(entry.action)
    if entry.state == "planned":
        if now_fp is not None and now_fp == entry.wrote:
            catalog.journal_update(entry.id, state="done", temp=None)
            return f"{thing} in {entry.source}: written before photoorg stopped"
        if entry.wrote == TRASHED and now is None:
            catalog.journal_update(entry.id, state="done", temp=None)
            return f"keyword taken out of {entry.source}: left empty, to the trash before photoorg stopped"
        catalog.journal_update(entry.id, state="failed", error="interrupted before it happened", temp=None)
        if (
            entry.target
            and now_fp is not None
            and now_fp == entry.fingerprint
            and os.path.isfile(entry.target)
            and fingerprint_and_size(entry.target)[0] == now_fp
        ):
            _drop_backup(entry.target)  # a copy of the version still in place
        return f"{thing} in {entry.source}: interrupted before it was written; {name} is as it was"
    # An undo looks where the sidecar is now, as the undo did (a hostile review: a kill during
    # the undo of a sidecar a later move had taken along was "completed", the keyword still in it).
    try:
        sidecar, carriers = carried(catalog, entry)
    except ChangedSinceError:
        sidecar, carriers = entry.source, []
    now = read_sidecar(sidecar)
    now_fp = content_digest(now) if now is not None else None
    back = now_fp == entry.fingerprint if entry.fingerprint is not None else now is None
    if back:
        where = sidecar
        if entry.fingerprint is None:
            found = find_trashed(sidecar, size=None)
            where = found.location if found else ""
            _nothing_to_carry(catalog, carriers, where, entry.batch)
        elif entry.target:
            _drop_backup(entry.target)
        catalog.journal_update(entry.id, state="undone", undo_target=where, temp=None)
        if not catalog.journal_entries(entry.batch, ("done", "undoing")):
            catalog.mark_batch_undone(entry.batch)
        return f"undo of the {thing} in {sidecar}: completed before photoorg stopped"
    catalog.journal_update(entry.id, state="done", temp=None)
    return f"undo of the {thing} in {sidecar}: interrupted; {name} still has it, undo again"
