"""Changing XMP sidecars in place, journaled and undoable like every file action
(:mod:`photoorg.core.actions`): the writer that album keywords (:mod:`photoorg.core.sidecars`)
and dates taken (:mod:`photoorg.core.date_edits`) share, and what it leaves alone.

- Only sidecars are written, never a photo; nothing in a protected folder, nor a sidecar that
  is a link, not a file, read-only or in a read-only folder (:func:`unwritable`).
- Before an existing sidecar changes, a verified copy of it goes to the catalog's folder
  (``sidecar-originals``); the new version is written to a temporary file beside it, flushed
  to the disk, and only then takes the sidecar's name (an atomic rename), so a crash leaves
  either the old or the new version, never half of one.
- The journal holds each sidecar's content before (``fingerprint``) and after (``wrote``):
  :mod:`photoorg.core.sidecar_undo` puts the earlier version back only where the sidecar still
  is what photoorg wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from photoorg.core.actions import Outcome, Step, exclusive, failure_reason
from photoorg.core.catalog import Catalog
from photoorg.core.errors import CatalogError
from photoorg.core.fileops import place, temp_name
from photoorg.core.humanize import plural
from photoorg.core.noreplace import fsync_dir, rename_noreplace
from photoorg.core.paths import FolderSet
from photoorg.core.trash import move_to_trash
from photoorg.core.xmp import NotXmp

log = logging.getLogger(__name__)

#: What the journal says a step wrote when it moved a sidecar left empty to the trash.
TRASHED = "trashed"


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


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
    try:
        st: os.stat_result | None = os.stat(sidecar)
    except OSError:
        st = None  # not there: it will be made
    # A new version is a new file under the sidecar's name (written whole, then renamed over it):
    # another name of it would keep the old version, and another user's would become ours
    # (a hostile review: a hard link parted, and a shared folder's sidecar changed owner).
    if st is not None and st.st_nlink > 1:
        return f"its sidecar {name} has another name too (a hard link); left as it is"
    if st is not None and _someone_elses(st):
        return f"its sidecar {name} belongs to another user; left as it is"
    if _read_only(sidecar):  # the person's say, whoever runs photoorg (root writes anyway)
        return f"its sidecar {name} is read-only; left as it is"
    if _read_only(os.path.dirname(sidecar) or "."):  # a sidecar is written by a rename there
        # (a review: a dry run planned sidecars in a read-only folder; a real run failed, or,
        # as root, wrote into the folder the person had made read-only)
        return f"its folder {os.path.dirname(sidecar)} is read-only; no sidecar is written there"
    return None


def _someone_elses(st: os.stat_result) -> bool:
    """Whether a file belongs to another user than the one running photoorg (root keeps the
    owner: :func:`keep_attributes`)."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    return me is not None and me != 0 and st.st_uid != me


def keep_attributes(src: str, dst: str) -> None:
    """Give ``dst``, a new version of ``src`` about to take its name, what a rename would lose
    besides the permissions: its owner and group (as far as this user may) and its extended
    attributes (macOS tags, ACLs, other programs' marks). Not its times: it is a new version."""
    st = os.stat(src)
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):
            os.chown(dst, st.st_uid, st.st_gid)
    if hasattr(os, "listxattr"):
        with contextlib.suppress(OSError):
            for key in os.listxattr(src):
                with contextlib.suppress(OSError):
                    os.setxattr(dst, key, os.getxattr(src, key))


def _read_only(path: str) -> bool:
    """Whether a sidecar (or its folder) that is there is marked read-only (a hostile review:
    one made read-only was replaced with the keyword in it, still marked read-only)."""
    try:
        return not os.stat(path).st_mode & stat.S_IWUSR
    except OSError:  # not there: it will be made
        return False


def write_sidecars(
    catalog: Catalog,
    steps: Sequence[Step],
    action: str,
    summary: str,
    edit: Callable[[Step, bytes | None], bytes | None],
    what: str,
    on_step: Callable[[], None] | None = None,
    journaled: Callable[[int, Step, bytes | None], None] | None = None,
    began: Callable[[int], None] | None = None,
    forget: Callable[[int], None] | None = None,
) -> Outcome:
    """Change the planned sidecars (each step's ``source``) as ``edit`` says, given the step
    and the sidecar's bytes (None: there is none), under the library lock, journaled file by
    file: one undoable ``action`` (none when nothing was written). ``edit`` returns None (with
    the step's ``skip`` said) when a sidecar needs nothing now. ``what`` is written, in words;
    ``journaled`` is told each step once it is in the journal, before its sidecar changes;
    ``began``, the action's number before any sidecar changes (what it raises stops it all);
    ``forget``, the number of an action dropped since nothing was done (what ``began`` kept)."""
    with exclusive(catalog):
        outcome = Outcome(None, None, skipped=[s for s in steps if s.skip is not None])
        todo = [s for s in steps if s.skip is None]
        if not todo:
            return outcome
        outcome.batch = catalog.begin_batch(action, summary)
        if began is not None:
            try:
                began(outcome.batch)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    if catalog.drop_batch_if_nothing_done(outcome.batch) and forget is not None:
                        forget(outcome.batch)
                raise
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
            if forget is not None:  # (its number may be another action's later: a hostile review)
                forget(outcome.batch)
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
    empties = getattr(step, "empties", False)  # a keyword step that leaves it as photoorg made it
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
                # journaled, so that a crash mid-copy leaves no temporary file in photoorg's data
                # folder for ever (a hostile review): the next start removes it
                on_temp=lambda t: catalog.journal_update(entry, temp=t),
                on_named=lambda final: catalog.journal_update(entry, target=final, temp=None),
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
            keep_attributes(sidecar, temp)
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
