"""An album's name written as a keyword into its photos' XMP sidecars: journaled and undoable,
like every file action (:mod:`photoorg.core.actions`).

- Only sidecars are written, never a photo. A sidecar that does not exist is made; one that
  exists gets the keyword added and keeps everything else (:mod:`photoorg.core.xmp`); one that
  is not XMP photoorg can read is left as it is, with the reason.
- Before an existing sidecar changes, a verified copy of it goes to the catalog's folder
  (``sidecar-originals``); the new version is written to a temporary file beside it, flushed
  to the disk, and only then takes the sidecar's name (an atomic rename), so a crash leaves
  either the old or the new version, never half of one.
- The journal holds each sidecar's content before (``fingerprint``) and after (``wrote``).
  Undo puts the earlier version back, or moves a sidecar photoorg made to the trash, only if
  the sidecar still is what photoorg wrote: a later edit by another program is never undone.
- Photos in protected folders are left alone: photoorg changes nothing there.
- After the album is renamed, writing its keyword again takes the old name out of each
  sidecar photoorg wrote it into (:func:`written_before`); a keyword the sidecar had before
  photoorg came, or that another album is named, stays.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from photoorg.core.actions import KEYWORDS, Outcome, Step, exclusive, failure_reason
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.errors import CatalogError
from photoorg.core.fileops import fingerprint_and_size, fsync_dir, place, rename_noreplace, temp_name
from photoorg.core.humanize import plural
from photoorg.core.paths import FolderSet
from photoorg.core.recovery import drop_temp
from photoorg.core.trash import find_trashed, move_to_trash
from photoorg.core.undo import ChangedSinceError, put_back
from photoorg.core.xmp import NotXmp, add_keywords, keywords, same_keyword, sidecar_for

log = logging.getLogger(__name__)


def originals_folder(catalog: Catalog) -> Path:
    """Where the earlier versions of changed sidecars are kept until their action is undone."""
    return catalog.path.parent / "sidecar-originals"


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def written_before(catalog: Catalog, album_id: int, keyword: str) -> dict[str, list[str]]:
    """The album's earlier names that photoorg wrote as keywords, by the sidecar they are in
    (where it is now, after photoorg's own moves): what writing ``keyword`` takes out."""
    out: dict[str, list[str]] = {}
    for entry, word in catalog.keywords_written(album_id):
        if same_keyword(word, keyword):
            continue
        try:
            where = _where_now(catalog, entry)
        except ChangedSinceError:  # in the trash with its photo
            continue
        words = out.setdefault(where, [])
        if not any(same_keyword(word, w) for w in words):
            words.append(word)
    return out


def in_place_of(steps: Sequence[Step]) -> str:
    """ ", in place of “Dogs” in 3": which earlier names of the album the steps take out, and
    from how many sidecars; "" when none."""
    words = sorted({w for s in steps for w in s.replaces})
    if not words:
        return ""
    n = sum(1 for s in steps if s.replaces)
    return f", in place of {' and '.join(chr(0x201C) + w + chr(0x201D) for w in words)} in {n}"


def plan_keywords(
    photos: Sequence[str],
    keyword: str,
    protected: Sequence[str] = (),
    replacing: Mapping[str, Sequence[str]] | None = None,
    keep: Mapping[str, Collection[str]] | None = None,
) -> list[Step]:
    """One step per photo: its sidecar (``source``; the photo is ``companion_of``), or why it
    is skipped; ``replacing``: the keywords to take out of each sidecar that has them
    (:func:`written_before`), which the step's ``replaces`` names, except those ``keep`` holds
    for its photo (the names of the other albums it is in). Nothing is written."""
    guarded = FolderSet(protected)
    steps = []
    for photo in dict.fromkeys(os.path.abspath(p) for p in photos):
        sidecar = sidecar_for(photo)
        step = Step(sidecar, companion_of=photo)
        steps.append(step)
        if guarded.holds(photo):
            step.skip = "in a protected folder; photoorg changes nothing there"
        elif not os.path.isfile(photo):
            step.skip = "the photo is no longer there"
        elif os.path.islink(sidecar):
            step.skip = f"its sidecar {os.path.basename(sidecar)} is a link; left as it is"
        else:
            kept = (keep or {}).get(photo, ())
            drop = [
                w for w in (replacing or {}).get(sidecar, ()) if not any(same_keyword(w, k) for k in kept)
            ]
            step.skip = _why_not(step, keyword, drop)
    return steps


def _why_not(step: Step, keyword: str, drop: Sequence[str]) -> str | None:
    try:
        data = _read(step.source)
        if add_keywords(data, [keyword], drop) is None:
            return "its sidecar has the keyword already"
        if data is not None:
            have = keywords(data)
            step.replaces = tuple(w for w in drop if any(same_keyword(w, h) for h in have))
    except NotXmp as exc:
        return f"its sidecar {os.path.basename(step.source)} is {exc}; left as it is"
    except OSError as exc:
        return f"its sidecar cannot be read ({exc.strerror or exc})"
    return None


def write_keywords(
    catalog: Catalog,
    steps: Sequence[Step],
    keyword: str,
    summary: str,
    on_step: Callable[[], None] | None = None,
    album_id: int | None = None,
) -> Outcome:
    """Write ``keyword`` (the name of the album ``album_id``) into the planned sidecars, taking
    out what each step ``replaces``, under the library lock, journaled file by file; one
    undoable action (none when nothing was written)."""
    with exclusive(catalog):
        outcome = Outcome(None, None, skipped=[s for s in steps if s.skip is not None])
        todo = [s for s in steps if s.skip is None]
        if not todo:
            return outcome
        outcome.batch = catalog.begin_batch(
            KEYWORDS, summary, None if album_id is None else (album_id, keyword)
        )
        try:
            for step in todo:
                try:
                    if _write_one(catalog, outcome.batch, step, keyword):
                        outcome.done.append(step)
                    else:
                        outcome.skipped.append(step)
                except sqlite3.Error:
                    raise
                except Exception as exc:  # one sidecar never stops the others
                    log.info("writing the keyword into %s failed", step.source, exc_info=True)
                    outcome.failed.append((step, failure_reason(exc)))
                if on_step is not None:
                    on_step()
        except sqlite3.Error as exc:
            raise CatalogError(
                f"The catalog could not be written ({exc}), so writing the keyword stopped after "
                f"{plural(len(outcome.done), 'sidecar')}. Each one written is journaled: 'photoorg undo' "
                "(Edit > Undo) takes them back once the catalog can be written again."
            ) from exc
        if not outcome.done and catalog.drop_batch_if_nothing_done(outcome.batch):
            outcome.batch = None
    return outcome


def _write_one(catalog: Catalog, batch: int, step: Step, keyword: str) -> bool:
    """Write one sidecar; False (with ``step.skip``) when it needs nothing now."""
    sidecar = step.source
    before = _read(sidecar)
    try:
        after = add_keywords(before, [keyword], step.replaces)
    except NotXmp as exc:
        step.skip = f"its sidecar {os.path.basename(sidecar)} is {exc}; left as it is"
        return False
    if after is None:
        step.skip = "its sidecar has the keyword already"
        return False
    old_fp = _digest(before) if before is not None else None
    entry = catalog.journal_add(
        batch, KEYWORDS, sidecar, None, None, old_fp, len(before) if before is not None else None
    )
    catalog.journal_update(entry, wrote=_digest(after))
    temp = None
    try:
        if before is not None:  # the earlier version, verified, kept for undo
            step.target = place(
                sidecar,
                str(originals_folder(catalog) / str(batch) / os.path.basename(sidecar)),
                keep_src=True,
                fingerprint=old_fp,
                tag=f"xmp{entry}",
                on_named=lambda final: catalog.journal_update(entry, target=final),
            )
        folder = os.path.dirname(sidecar)
        temp = temp_name(folder, f"xmp{entry}")
        catalog.journal_update(entry, temp=temp)
        with open(temp, "xb") as f:
            f.write(after)
            f.flush()
            os.fsync(f.fileno())
        if before is not None:
            shutil.copymode(sidecar, temp)
            if _read(sidecar) != before:  # another program wrote it meanwhile: its version stays
                raise OSError(f"{os.path.basename(sidecar)} changed while the keyword was being written")
            os.replace(temp, sidecar)
        else:
            try:
                rename_noreplace(temp, sidecar)  # never over a sidecar made meanwhile
            except FileExistsError:
                raise FileExistsError(f"another program made {os.path.basename(sidecar)} meanwhile") from None
        fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            if temp:
                os.unlink(temp)
        if step.target:  # the kept copy of a sidecar that did not change
            with contextlib.suppress(OSError):
                os.unlink(step.target)
        catalog.journal_update(entry, state="failed", error=str(exc), temp=None)
        raise
    catalog.journal_update(entry, state="done", temp=None)
    return True


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
        outcome.note = f"action {batch} was already undone"
        return outcome
    restored = trashed = 0
    for entry in entries:
        step = Step(entry.source, companion_of=entry.source)
        if put_back(catalog, entry, step, outcome, lambda e=entry: _undo_one(catalog, e)):
            restored += entry.fingerprint is not None
            trashed += entry.fingerprint is None
        if on_step is not None:
            on_step()
    if not catalog.journal_entries(batch, ("done", "undoing")):
        catalog.mark_batch_undone(batch)
    parts = []
    if restored:
        parts.append(f"put back the earlier version of {plural(restored, 'sidecar')}")
    if trashed:
        parts.append(f"moved {plural(trashed, 'sidecar')} photoorg had made to the trash")
    outcome.note = "took the keyword out: " + (" and ".join(parts) or "nothing could be undone")
    return outcome


def _where_now(catalog: Catalog, entry: JournalEntry) -> str:
    """Where the sidecar is now, following photoorg's own later moves of it (it went with its
    photo: found by a review, undo then said another program had moved it)."""
    path, after = entry.source, entry.batch
    for _ in range(1000):
        moved = catalog.later_move_of(path, after)
        if moved is None or not moved.target:
            break
        if moved.state == "undone":  # back, perhaps under another name (its old one was taken)
            path, after = moved.undo_target or path, moved.batch
            continue
        if moved.action == "trash":
            raise ChangedSinceError(
                f"{os.path.basename(path)} went to the trash with its photo (action {moved.batch}); "
                f"undo that action first, then this one"
            )
        path, after = moved.target, moved.batch
    return path


def _undo_one(catalog: Catalog, entry: JournalEntry) -> str:
    sidecar = _where_now(catalog, entry)
    now = _read(sidecar)
    if now is None or _digest(now) != entry.wrote:
        kept = f"; its earlier version is kept at {entry.target}" if entry.target else ""
        raise ChangedSinceError(
            f"{os.path.basename(sidecar)} changed since photoorg wrote the keyword into it (another "
            f"program edited, moved or removed it); it was left as it is{kept}"
        )
    if entry.fingerprint is None:  # a sidecar photoorg made: to the trash, never deleted
        catalog.journal_update(entry.id, state="undoing")
        gone = move_to_trash(sidecar, on_temp=lambda t: catalog.journal_update(entry.id, temp=t))
        catalog.journal_update(entry.id, state="undone", undo_target=gone.location, temp=None)
        return gone.location
    backup = entry.target
    if not backup or not os.path.isfile(backup) or fingerprint_and_size(backup)[0] != entry.fingerprint:
        raise ChangedSinceError(
            f"the earlier version of {os.path.basename(sidecar)} is no longer at {backup}; the sidecar "
            "keeps the keyword"
        )
    catalog.journal_update(entry.id, state="undoing")
    folder = os.path.dirname(sidecar)
    temp = temp_name(folder, f"undo{entry.id}")
    catalog.journal_update(entry.id, temp=temp)
    try:
        old = _read(backup) or b""
        with open(temp, "xb") as f:
            f.write(old)
            f.flush()
            os.fsync(f.fileno())
        shutil.copymode(sidecar, temp)
        if _digest(old) != entry.fingerprint or _read(sidecar) != now:
            raise OSError(f"{os.path.basename(sidecar)} changed while it was being put back")
        os.replace(temp, sidecar)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        catalog.journal_update(entry.id, state="done", temp=None)
        raise
    catalog.journal_update(entry.id, state="undone", undo_target=sidecar, temp=None)
    _drop_backup(backup)
    return sidecar


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
    now = _read(entry.source)
    now_fp = _digest(now) if now is not None else None
    name = os.path.basename(entry.source)
    if entry.state == "planned":
        if now_fp is not None and now_fp == entry.wrote:
            catalog.journal_update(entry.id, state="done", temp=None)
            return f"keyword in {entry.source}: written before photoorg stopped"
        catalog.journal_update(entry.id, state="failed", error="interrupted before it happened", temp=None)
        if (
            entry.target
            and now_fp is not None
            and now_fp == entry.fingerprint
            and os.path.isfile(entry.target)
            and fingerprint_and_size(entry.target)[0] == now_fp
        ):
            _drop_backup(entry.target)  # a copy of the version still in place
        return f"keyword in {entry.source}: interrupted before it was written; {name} is as it was"
    back = now_fp == entry.fingerprint if entry.fingerprint is not None else now is None
    if back:
        where = entry.source
        if entry.fingerprint is None:
            found = find_trashed(entry.source, size=None)
            where = found.location if found else ""
        elif entry.target:
            _drop_backup(entry.target)
        catalog.journal_update(entry.id, state="undone", undo_target=where, temp=None)
        if not catalog.journal_entries(entry.batch, ("done", "undoing")):
            catalog.mark_batch_undone(entry.batch)
        return f"undo of the keyword in {entry.source}: completed before photoorg stopped"
    catalog.journal_update(entry.id, state="done", temp=None)
    return f"undo of the keyword in {entry.source}: interrupted; {name} still has it, undo again"
