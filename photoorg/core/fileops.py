"""Putting a file's bytes somewhere without ever replacing, truncating or half-writing a photo.

- A file is given a name with :func:`~photoorg.core.noreplace.link_noreplace` /
  :func:`~photoorg.core.noreplace.rename_noreplace` (:mod:`photoorg.core.noreplace`), never
  replacing what has that name.
- A copy is written to a temporary name in the target folder, flushed to the disk, verified
  against the fingerprint it must have, and only then named (:func:`copy_verified`). A full disk
  or a crash leaves at most that temporary file, which is removed.
- A name that is taken gets " (1)", " (2)", ... (:func:`name_free`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import math
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from photoorg.core.noreplace import fsync_dir, link_noreplace, rename_noreplace

log = logging.getLogger(__name__)

TEMP_PREFIX = ".photoorg-"
TEMP_SUFFIX = ".part"
_BLOCK = 4096


class SourceChanged(OSError):  # noqa: N818 - a state: what happened to the file
    """The file at the source path was replaced while it was being moved (an editor saving a
    new version, a sync client). The version that was moved is at ``placed``; the new one stays
    at the source: both are kept, nothing is removed."""

    def __init__(self, source: str, placed: str) -> None:
        super().__init__(
            errno.EBUSY,
            f"{os.path.basename(source)} was replaced by a new version while it was being moved; the new "
            f"version stays at {source}, the one that was moved is at {placed}",
        )
        self.source = source
        self.placed = placed


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def inode_key(path: str) -> str:
    st = os.stat(path, follow_symlinks=False)
    return f"{st.st_dev}:{st.st_ino}"


def same_inode(a: str, b: str) -> bool:
    try:
        return inode_key(a) == inode_key(b)
    except OSError:
        return False


def fingerprint_and_size(path: str) -> tuple[str, int]:
    h = hashlib.blake2b(digest_size=16)
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


#: The longest file name most file systems take, in bytes (ext4, APFS, NTFS in UTF-16 units).
NAME_MAX = 255


def numbered(path: str, n: int, room: int = 0) -> str:
    """``path`` itself for 0 (when it fits), else "name (n).ext" beside it, the name shortened
    to fit :data:`NAME_MAX` bytes (a 254-byte name and " (1)" would not be a name), less ``room``:
    the bytes a sidecar named after it adds (IMG.jpg.xmp; a hostile review: a 251-byte photo
    was numbered and moved, and its sidecar's name was too long to follow it)."""
    folder, name = os.path.split(path)
    if n == 0 and len(os.fsencode(name)) + room <= NAME_MAX:
        return path
    stem, ext = os.path.splitext(name)  # (a name a template made may be too long unnumbered)
    mark = f" ({n})" if n else ""
    while stem and len(os.fsencode(stem + mark + ext)) + room > NAME_MAX:
        stem = stem[:-1]
    return os.path.join(folder, f"{stem}{mark}{ext}")


def name_candidates(path: str, limit: int = 10_000, room: int = 0) -> Iterator[str]:
    for n in range(limit):
        yield numbered(path, n, room)


def name_free(path: str, taken: set[str] | None = None) -> str:
    """``path``, or the first "name (n).ext" that is neither on disk nor in ``taken``."""
    for candidate in name_candidates(path):
        if not os.path.lexists(candidate) and (taken is None or candidate not in taken):
            if taken is not None:
                taken.add(candidate)
            return candidate
    raise OSError(errno.EEXIST, f"no free name for {path}")


def name_into(src: str, wanted: str, keep_src: bool, on_named: Callable[[str], None] | None = None) -> str:
    """Give the file at ``src`` the name ``wanted`` (or "wanted (n)" when taken), never
    replacing anything; same file system only. Returns the name it got.

    With ``keep_src`` the file keeps its old name too (a hard link; OSError where the file
    system has none). Otherwise the old name goes. ``on_named`` is called with the new name as
    soon as it exists and before the old name is removed, so a journal can record it.
    """
    names = os.stat(src).st_nlink if not keep_src else 0  # its names before ours (see below)
    for candidate in name_candidates(wanted):
        try:
            linked = link_noreplace(src, candidate)
            if not linked:
                if keep_src:
                    raise OSError(errno.ENOTSUP, "this file system has no hard links", candidate)
                rename_noreplace(src, candidate)
        except FileExistsError:
            continue
        if on_named is not None:
            try:
                on_named(candidate)
            except BaseException:
                if linked:
                    os.unlink(candidate)  # our own second name of src: nothing is lost
                raise
        if linked and not keep_src:
            if not os.path.lexists(src):
                if os.stat(candidate).st_nlink > names:
                    # Moved away meanwhile by another program (a second photoorg of another
                    # library over the same folder, a hostile review): it is there, under its
                    # new name; the second name given here goes, not said "replaced" and kept.
                    os.unlink(candidate)
                    raise FileNotFoundError(errno.ENOENT, "moved away by another program meanwhile", src)
                # Deleted meanwhile (the file has the names it had, less that one and plus
                # ours; a second hostile review: a photo with a backup's hard link was counted
                # moved and left the library): the move is done.
                fsync_dir(os.path.dirname(candidate))
                return candidate
            if not same_inode(src, candidate):  # replaced since it was linked: keep both
                fsync_dir(os.path.dirname(candidate))
                raise SourceChanged(src, candidate)
            try:
                os.unlink(src)
            except OSError:
                os.unlink(candidate)  # the old name could not go: take the new one back
                raise
        fsync_dir(os.path.dirname(candidate))
        return candidate
    raise OSError(errno.EEXIST, f"no free name for {wanted}")


# -- copying ----------------------------------------------------------------------------------
def space_needed(size: int) -> int:
    """Bytes a file of ``size`` takes on a disk (whole blocks)."""
    return math.ceil(size / _BLOCK) * _BLOCK


def free_space(folder: str) -> int:
    """Free bytes for the (nearest existing) ``folder``."""
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def temp_name(folder: str, tag: str) -> str:
    return os.path.join(folder, f"{TEMP_PREFIX}{tag}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_name(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def copy_verified(
    src: str,
    wanted: str,
    fingerprint: str | None,
    tag: str,
    on_temp: Callable[[str], None] | None = None,
    on_named: Callable[[str], None] | None = None,
) -> str:
    """Copy ``src`` to ``wanted`` (or "wanted (n)"), never replacing, never leaving a partial
    file under a real name; returns the name the copy got.

    The bytes go to a temporary file in the target folder (``on_temp`` is told its name before
    it is created), are flushed to the disk, and are checked against ``fingerprint`` (the
    content the journal says the source has; None: the source's own, read during the copy).
    Modification time and permissions are kept. On any failure the temporary file is removed
    and the source is untouched.
    """
    folder = os.path.dirname(wanted)
    os.makedirs(folder, exist_ok=True)
    temp = temp_name(folder, tag)
    if on_temp is not None:
        on_temp(temp)
    try:
        h = hashlib.blake2b(digest_size=16)
        with open(src, "rb") as fin, open(temp, "xb") as fout:
            while chunk := fin.read(1 << 20):
                h.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, temp)
        read = h.hexdigest()
        if fingerprint is not None and read != fingerprint:
            raise OSError(errno.EIO, f"{os.path.basename(src)} changed while it was being copied")
        written, _ = fingerprint_and_size(temp)
        if written != read:
            raise OSError(errno.EIO, f"the copy of {os.path.basename(src)} does not match the original")
        final = name_into(temp, wanted, keep_src=True, on_named=on_named) if _links_ok(folder) else None
        if final is None:
            final = name_into(temp, wanted, keep_src=False, on_named=on_named)
        return final
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _links_ok(folder: str) -> bool:
    """Whether hard links work in ``folder`` (cached per device)."""
    try:
        dev = os.stat(folder).st_dev
    except OSError:
        return False
    cached = _LINKS.get(dev)
    if cached is None:
        _clear_old_probes(folder)
        probe = temp_name(folder, "probe")
        try:
            with open(probe, "xb"):
                pass
            cached = link_noreplace(probe, probe + ".link")
            if cached:
                os.unlink(probe + ".link")
        except OSError:
            cached = False
        finally:
            with contextlib.suppress(OSError):
                os.unlink(probe)
        _LINKS[dev] = cached
    return cached


_LINKS: dict[int, bool] = {}
_PROBE_AGE_S = 600  # older than any probe a running photoorg is making


def _clear_old_probes(folder: str) -> None:
    """Remove the empty probe files a photoorg killed while probing left in ``folder`` (a hostile
    review found ``.photoorg-probe-….part`` and its ``.link`` there after a kill): only ours by
    name, empty, and older than any probe still being made."""
    start = f"{TEMP_PREFIX}probe-"
    now = time.time()
    try:
        names = [n for n in os.listdir(folder) if n.startswith(start)]
    except OSError:
        return
    for name in names:
        if not (name.endswith(TEMP_SUFFIX) or name.endswith(TEMP_SUFFIX + ".link")):
            continue
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_size == 0 and now - st.st_mtime > _PROBE_AGE_S:
                os.unlink(path)


def device_of(folder: str) -> int:
    """The file system (st_dev) of ``folder``, or of its nearest existing parent."""
    target = Path(folder)
    while not target.exists() and target != target.parent:
        target = target.parent
    return os.stat(target).st_dev


def same_device(path: str, folder: str) -> bool:
    """Whether ``path`` and the (nearest existing) ``folder`` are on one file system."""
    return os.stat(path).st_dev == device_of(folder)


class InsideATrash(OSError):  # noqa: N818 - said to the person as the step's failure
    """A file was to be put where emptying a trash would delete it."""


def place(
    src: str,
    wanted: str,
    *,
    keep_src: bool,
    fingerprint: str | None,
    tag: str,
    on_temp: Callable[[str], None] | None = None,
    on_named: Callable[[str], None] | None = None,
) -> str:
    """Move (``keep_src`` False) or copy a file to ``wanted`` or the next free "name (n)";
    returns where it is now. On one file system a move is a new name and no copy; across file
    systems it is :func:`copy_verified`, then the source goes (and if it cannot, the copy goes
    again, so a failed move leaves no second file behind).

    Raises InsideATrash when ``wanted``'s folder is in a trash now, looked at file by file: a
    hostile review swapped a destination folder for a link to the trash while an organize ran
    (checked only before it), and 148 photos went into the trash with no record there; an undo
    did the same through a source folder replaced by such a link."""
    from photoorg.core.trash import inside_a_trash  # (trash uses this module)

    folder = os.path.dirname(wanted)
    if inside_a_trash(folder):
        raise InsideATrash(f"{folder} is inside a trash now (a link to it?): nothing was put there")
    os.makedirs(folder, exist_ok=True)
    if not keep_src and same_device(src, os.path.dirname(wanted)):
        try:
            return name_into(src, wanted, keep_src=False, on_named=on_named)
        except OSError as exc:
            if exc.errno != errno.EXDEV:  # one file system, two mounts (a bind mount): copy
                raise
    before = _identity(os.stat(src))
    final = copy_verified(src, wanted, fingerprint, tag, on_temp=on_temp, on_named=on_named)
    if not keep_src:
        remove_if_unchanged(src, before, final)
    return final


def remove_if_unchanged(src: str, before: tuple[int, int, int, int], placed: str) -> None:
    """Remove the source of a verified copy at ``placed``, unless the file at ``src`` is no
    longer the one copied (``before``: its identity then): then both stay (SourceChanged). If
    it cannot be removed, the copy goes again, so a failed move leaves no second file."""
    try:
        now = _identity(os.stat(src))
    except FileNotFoundError:
        now = None
    if now != before:
        raise SourceChanged(src, placed)
    try:
        os.unlink(src)
    except OSError:
        os.unlink(placed)  # our verified copy: the original is still where it was
        raise


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


def file_where_folder_was(path: str) -> str | None:
    """The nearest folder above ``path`` that is a file (or anything else) now, if any."""
    folder = os.path.dirname(path)
    while folder and not os.path.isdir(folder):
        if os.path.lexists(folder):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


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
