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
- Photos in protected folders are left alone: photoorg writes no sidecar there (it moves no
  photo out of one either; a move or copy into one is allowed: an archive is filled so).
- Writing the album's keyword again takes out what photoorg itself added earlier and no
  longer holds (:func:`written_by_photoorg`): the album's old name after a rename, and its
  name from the sidecars of photos that left it. A keyword the sidecar had before photoorg
  added it stays, and so does the name of another album the photo is in.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from photoorg.core.actions import KEYWORDS, Outcome, Step, exclusive, failure_reason
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.errors import CatalogError
from photoorg.core.fileops import place, temp_name
from photoorg.core.humanize import plural
from photoorg.core.noreplace import fsync_dir, rename_noreplace
from photoorg.core.paths import FolderSet
from photoorg.core.trash import move_to_trash
from photoorg.core.undo_places import ChangedSinceError
from photoorg.core.xmp import NotXmp, add_keywords, keywords, same_keyword, sidecar_for

log = logging.getLogger(__name__)


def originals_folder(catalog: Catalog) -> Path:
    """Where the earlier versions of changed sidecars are kept until their action is undone."""
    return catalog.path.parent / "sidecar-originals"


def read_sidecar(path: str) -> bytes | None:
    """A sidecar's bytes (None: there is none). Opened without waiting, and read only when it
    is a regular file (a hostile review: a sidecar that was a named pipe hung the keywords'
    plan for ever)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotXmp(f"{os.path.basename(path)} is not a file (a pipe, a folder or a device)")
        return f.read()


#: How the history says that a sidecar photoorg made, which a later move took with its photo,
#: went to the trash when the keyword's action was undone (kept as that move step's undo_error,
#: followed by the keyword's action number).
TRASHED_WITH_UNDO = "the sidecar photoorg had made went to the trash when it undid action "


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class KeywordStep(Step):
    """One sidecar of an album's keywords: the album's name goes in when its photo is in the
    album (``member``), and the keywords in ``takes_out`` go out."""

    member: bool = True
    adds: bool = True  # the sidecar lacks the album's name (planned)
    takes_out: tuple[str, ...] = ()
    empties: bool = False  # left as photoorg makes an empty one: it goes to the trash


#: What the journal says a step wrote when it moved a sidecar left empty to the trash.
TRASHED = "trashed"


@functools.cache
def _empty_sidecar() -> bytes:
    """A sidecar photoorg made, with its keyword taken out again: nothing in it anyone wrote."""
    made = add_keywords(None, ["-"])
    assert made is not None
    return add_keywords(made, [], ["-"]) or made


def written_by_photoorg(catalog: Catalog, album_id: int) -> dict[str, list[str]]:
    """The album's names that photoorg added as keywords to sidecars that did not have them,
    by the sidecar they are in (where it is now, after photoorg's own moves)."""
    out: dict[str, list[str]] = {}
    for entry, word in catalog.keywords_written(album_id):
        try:
            where = where_now(catalog, entry)
        except ChangedSinceError:  # in the trash with its photo
            continue
        words = out.setdefault(where, [])
        if not any(same_keyword(word, w) for w in words):
            words.append(word)
    return out


def plan_keywords(
    photos: Sequence[str],
    keyword: str,
    protected: Sequence[str] = (),
    written: Mapping[str, Sequence[str]] | None = None,
    keep: Mapping[str, Collection[str]] | None = None,
    leaving: Sequence[str] = (),
) -> list[KeywordStep]:
    """One step per photo of the album (``photos``): its sidecar (``source``; the photo is
    ``companion_of``), or why it is skipped. ``written`` (:func:`written_by_photoorg`): the
    album's names photoorg added to each sidecar; its earlier names go out of the sidecars of
    its photos, and every name out of those of the photos ``leaving`` it, except the names
    ``keep`` holds for a photo (the other albums it is in). A photo leaving whose sidecar has
    nothing to take out has no step. Nothing is written."""
    guarded = FolderSet(protected)
    steps: list[KeywordStep] = []
    members = dict.fromkeys(os.path.abspath(p) for p in photos)
    for photo in [*members, *(os.path.abspath(p) for p in leaving if os.path.abspath(p) not in members)]:
        sidecar = sidecar_for(photo)
        member = photo in members
        kept = [*(keep or {}).get(photo, ()), *([keyword] if member else [])]
        drop = [w for w in (written or {}).get(sidecar, ()) if not any(same_keyword(w, k) for k in kept)]
        step = KeywordStep(sidecar, companion_of=photo, member=member)
        step.skip = unwritable(photo, sidecar, guarded) or _why_not(step, keyword, drop)
        if member or step.skip is None or (drop and step.skip != _NOTHING_TO_TAKE_OUT):
            steps.append(step)
    return steps


def unwritable(photo: str, sidecar: str, protected: FolderSet) -> str | None:
    """Why photoorg leaves the ``sidecar`` of ``photo`` as it is (None: it may write it)."""
    name = os.path.basename(sidecar)
    if protected.holds(photo):
        return "in a protected folder; photoorg writes no sidecar there"
    if not os.path.isfile(photo):
        return "the photo is no longer there"
    if os.path.islink(sidecar):
        return f"its sidecar {name} is a link; left as it is"
    if os.path.lexists(sidecar) and not os.path.isfile(sidecar):
        return f"its sidecar {name} is not a file (a pipe, a folder or a device); left as it is"
    if _read_only(sidecar):  # the person's say, whoever runs photoorg (root writes anyway)
        return f"its sidecar {name} is read-only; left as it is"
    if _read_only(os.path.dirname(sidecar) or "."):  # a sidecar is written by a rename there
        # (a review: a dry run planned sidecars in a read-only folder; a real run failed, or,
        # as root, wrote into the folder the person had made read-only)
        return f"its folder {os.path.dirname(sidecar)} is read-only; no sidecar is written there"
    return None


_NOTHING_TO_TAKE_OUT = "its sidecar has no keyword of the album to take out"
_ALREADY = "its sidecar has the keyword already"


def left_alone(steps: Sequence[KeywordStep]) -> int:
    """How many of the steps were skipped for a reason (protected, a link, read-only, not XMP),
    not because their sidecar needs nothing."""
    return sum(1 for s in steps if s.skip is not None and s.skip not in (_ALREADY, _NOTHING_TO_TAKE_OUT))


def _read_only(path: str) -> bool:
    """Whether a sidecar (or its folder) that is there is marked read-only (a hostile review:
    one made read-only was replaced with the keyword in it, still marked read-only)."""
    try:
        return not os.stat(path).st_mode & stat.S_IWUSR
    except OSError:  # not there: it will be made
        return False


def _why_not(step: KeywordStep, keyword: str, drop: Sequence[str]) -> str | None:
    try:
        data = read_sidecar(step.source)
        have = keywords(data) if data is not None else []
        step.adds = step.member and not any(same_keyword(keyword, h) for h in have)
        step.takes_out = tuple(w for w in drop if any(same_keyword(w, h) for h in have))
        if not step.adds and not step.takes_out:
            return "its sidecar has the keyword already" if step.member else _NOTHING_TO_TAKE_OUT
        after = add_keywords(data, [keyword] if step.member else [], drop)  # can it be changed safely?
        # Only a sidecar photoorg made and nothing else wrote is left so (a review: such empty
        # files stayed beside the photos after the keyword was taken out).
        step.empties = after == _empty_sidecar()
    except NotXmp as exc:
        return f"its sidecar {os.path.basename(step.source)} is {exc}; left as it is"
    except OSError as exc:
        return f"its sidecar cannot be read ({exc.strerror or exc})"
    return None


def write_keywords(
    catalog: Catalog,
    steps: Sequence[KeywordStep],
    keyword: str,
    summary: str,
    on_step: Callable[[], None] | None = None,
    album_id: int | None = None,
) -> Outcome:
    """Write ``keyword`` (the name of the album ``album_id``) into the planned sidecars of its
    photos and take out what each step ``takes_out``, under the library lock, journaled file
    by file; one undoable action (none when nothing was written)."""

    def edit(step: Step, before: bytes | None) -> bytes | None:
        assert isinstance(step, KeywordStep)
        after = add_keywords(before, [keyword] if step.member else [], step.takes_out)
        if after is None:
            step.skip = _ALREADY if step.member else _NOTHING_TO_TAKE_OUT
        step.empties = before is not None and after == _empty_sidecar()
        return after

    def journaled(entry: int, step: Step, before: bytes | None) -> None:
        had = keywords(before) if before is not None else []
        member = isinstance(step, KeywordStep) and step.member
        if member and album_id is not None and not any(same_keyword(keyword, h) for h in had):
            catalog.add_keyword_write(entry, album_id, keyword)  # photoorg's: a later rename takes it out

    return write_sidecars(catalog, steps, KEYWORDS, summary, edit, "the keyword", on_step, journaled)


def write_sidecars(
    catalog: Catalog,
    steps: Sequence[Step],
    action: str,
    summary: str,
    edit: Callable[[Step, bytes | None], bytes | None],
    what: str,
    on_step: Callable[[], None] | None = None,
    journaled: Callable[[int, Step, bytes | None], None] | None = None,
) -> Outcome:
    """Change the planned sidecars (each step's ``source``) as ``edit`` says, given the step
    and the sidecar's bytes (None: there is none), under the library lock, journaled file by
    file: one undoable ``action`` (none when nothing was written). ``edit`` returns None (with
    the step's ``skip`` said) when a sidecar needs nothing now. ``what`` is written, in words;
    ``journaled`` is told each step once it is in the journal, before its sidecar changes."""
    with exclusive(catalog):
        outcome = Outcome(None, None, skipped=[s for s in steps if s.skip is not None])
        todo = [s for s in steps if s.skip is None]
        if not todo:
            return outcome
        outcome.batch = catalog.begin_batch(action, summary)
        try:
            for step in todo:
                try:
                    if _write_one(catalog, outcome.batch, step, action, edit, journaled):
                        outcome.done.append(step)
                    else:
                        outcome.skipped.append(step)
                except sqlite3.Error:
                    raise
                except Exception as exc:  # one sidecar never stops the others
                    log.info("writing %s into %s failed", what, step.source, exc_info=True)
                    outcome.failed.append((step, failure_reason(exc)))
                if on_step is not None:
                    on_step()
        except sqlite3.Error as exc:
            raise CatalogError(
                f"The catalog could not be written ({exc}), so writing {what} stopped after "
                f"{plural(len(outcome.done), 'sidecar')}. Each one written is journaled: 'photoorg undo' "
                "(Edit > Undo) takes them back once the catalog can be written again."
            ) from exc
        if not outcome.done and catalog.drop_batch_if_nothing_done(outcome.batch):
            outcome.batch = None
    return outcome


def _write_one(
    catalog: Catalog,
    batch: int,
    step: Step,
    action: str,
    edit: Callable[[Step, bytes | None], bytes | None],
    journaled: Callable[[int, Step, bytes | None], None] | None,
) -> bool:
    """Write one sidecar; False (with ``step.skip``) when it needs nothing now."""
    sidecar = step.source
    before = read_sidecar(sidecar)
    try:
        after = edit(step, before)
    except NotXmp as exc:
        step.skip = f"its sidecar {os.path.basename(sidecar)} is {exc}; left as it is"
        return False
    if after is None:
        return False
    empties = isinstance(step, KeywordStep) and step.empties
    old_fp = content_digest(before) if before is not None else None
    entry = catalog.journal_add(
        batch, action, sidecar, None, None, old_fp, len(before) if before is not None else None
    )
    catalog.journal_update(entry, wrote=TRASHED if empties else content_digest(after))
    if journaled is not None:
        journaled(entry, step, before)
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
        if empties:  # nothing left in it anyone wrote: to the trash, never deleted
            if read_sidecar(sidecar) != before:  # another program wrote it meanwhile: it stays
                raise OSError(f"{os.path.basename(sidecar)} changed while the keyword was being taken out")
            move_to_trash(sidecar, on_temp=lambda t: catalog.journal_update(entry, temp=t))
            catalog.journal_update(entry, state="done", temp=None)
            return True
        temp = temp_name(folder, f"xmp{entry}")
        catalog.journal_update(entry, temp=temp)
        with open(temp, "xb") as f:
            f.write(after)
            f.flush()
            os.fsync(f.fileno())
        if before is not None:
            shutil.copymode(sidecar, temp)
            if read_sidecar(sidecar) != before:  # another program wrote it meanwhile: its version stays
                raise OSError(f"{os.path.basename(sidecar)} changed while photoorg was writing into it")
            os.replace(temp, sidecar)
        else:
            try:
                rename_noreplace(temp, sidecar)  # never over a sidecar made meanwhile
            except FileExistsError:
                raise FileExistsError(f"another program made {os.path.basename(sidecar)} meanwhile") from None
        fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            if temp and os.path.lexists(temp):
                os.unlink(temp)
        now = read_sidecar(sidecar)
        if (now is None) if empties else (now == after):
            # It happened (what failed came after: the folder's fsync): done, and the kept
            # earlier version stays for undo (it was deleted, and undo could not give it back).
            log.warning("the %s step on %s is done, then failed: %s", action, sidecar, exc)
            catalog.journal_update(entry, state="done", temp=None)
            if isinstance(exc, Exception):
                return True
            raise
        if step.target:  # the kept copy of a sidecar this step did not change
            with contextlib.suppress(OSError):
                os.unlink(step.target)
        catalog.journal_update(entry, state="failed", error=str(exc), temp=None)
        raise
    catalog.journal_update(entry, state="done", temp=None)
    return True


def where_now(catalog: Catalog, entry: JournalEntry) -> str:
    """Where the sidecar is now, following photoorg's own later moves of it (it went with its
    photo: found by a review, undo then said another program had moved it)."""
    return carried(catalog, entry)[0]


def carried(catalog: Catalog, entry: JournalEntry) -> tuple[str, list[JournalEntry]]:
    """:func:`where_now`, and the later moves, still in force, that took the sidecar there, in
    order (none when it is where the keyword step found it, or undos brought it back there)."""
    path, after, carriers = entry.source, entry.batch, []
    for _ in range(1000):
        moved = catalog.later_move_of(path, after)
        if moved is None or not moved.target:
            break
        if moved.state == "undone":  # back, perhaps under another name (its old one was taken)
            path, after = moved.undo_target or path, moved.batch  # (never a carrier: not in force)
            continue
        if moved.action == "trash":
            raise ChangedSinceError(
                f"{os.path.basename(path)} went to the trash with its photo (action {moved.batch}); "
                f"undo that action first, then this one"
            )
        path, after = moved.target, moved.batch
        carriers.append(moved)
    return path, carriers
