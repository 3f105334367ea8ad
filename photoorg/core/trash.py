"""The operating system's trash, with a record of where each file went so it can come back.

On Linux and other freedesktop systems photoorg writes the trash itself, following the
freedesktop.org Trash specification (``$XDG_DATA_HOME/Trash`` for files on the home device,
``$topdir/.Trash-$uid`` elsewhere), so the exact place of every trashed file is known and an
undo can put it back.

On Windows and macOS send2trash moves the file and photoorg looks for it afterwards:

- Windows: the Recycle Bin of the file's volume (``<volume>\\$Recycle.Bin\\<user SID>``) holds a
  ``$I…`` metadata file (original path, size, deletion time) and a ``$R…`` data file per item;
  the newest ``$I`` with the file's original path and size names the ``$R`` file
  (:mod:`photoorg.core.recycle_bin`).
- macOS: ``~/.Trash`` for files on the home volume, ``<volume>/.Trashes/<uid>`` for other
  volumes. Finder keeps no readable record of the original path and renames on collisions
  ("name 2.jpg", "name 12.34.56.jpg"), so the file is recognised by its size and modification
  time among the names that start with its stem, most recently changed first
  (:mod:`photoorg.core.mac_trash`).

When the file cannot be found, undo says so and the file is still in the trash, to be restored
from there by hand.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from photoorg.core.fileops import SourceChanged, copy_verified, place, remove_if_unchanged
from photoorg.core.mac_trash import find_in_mac_trash, mac_trashes
from photoorg.core.noreplace import fsync_dir, rename_noreplace
from photoorg.core.paths import is_under, mount_point, real
from photoorg.core.recycle_bin import find_in_recycle_bin, recycle_bin_covers

log = logging.getLogger(__name__)

FREEDESKTOP = not sys.platform.startswith(("darwin", "win"))
WINDOWS = sys.platform.startswith("win")


@dataclass(frozen=True)
class Trashed:
    """Where a trashed file now is ("" when the platform does not tell)."""

    original: str
    location: str
    info: str = ""  # the freedesktop .trashinfo file, removed on restore


def home_trash() -> Path:
    """The trash of the home folder's file system (freedesktop)."""
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data) / "Trash"


#: Folders of trashes (freedesktop's .Trash-1000 and .Trash, macOS's .Trashes, Windows's).
_TRASH_PART = re.compile(r"^(\.Trash(-\d+)?|\.Trashes|\$RECYCLE\.BIN)$", re.IGNORECASE)


def inside_a_trash(folder: str) -> bool:
    """Whether ``folder`` is in a trash, where what is put would be lost when it is emptied,
    links followed (a link to the trash, put where a folder was, is the trash)."""
    dest = real(os.path.abspath(folder))
    return any(_TRASH_PART.match(part) for part in dest.split(os.sep)) or is_under(
        dest, [real(str(home_trash()))]
    )


def _trash_dir_for(path: Path) -> tuple[Path, Path | None]:
    """(trash folder, top folder its .trashinfo paths are relative to, or None: absolute)."""
    home = home_trash()
    home_anchor = home if home.exists() else home.parent
    while not home_anchor.exists():
        home_anchor = home_anchor.parent
    if os.stat(path).st_dev == os.stat(home_anchor).st_dev:
        return home, None
    top = mount_point(path.parent)
    return top / f".Trash-{os.getuid()}", top


def _info_text(original: str) -> bytes:
    # The spec's Path is percent-encoded bytes: names that are not UTF-8 stay exact.
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    return f"[Trash Info]\nPath={quote(os.fsencode(original))}\nDeletionDate={stamp}\n".encode("ascii")


def _reserve(trash: Path, path: Path, original: str) -> tuple[str, Path]:
    """Reserve a free name in ``trash``: its .trashinfo, written whole before the file moves."""
    files, info = trash / "files", trash / "info"
    for folder in (trash, files, info):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem, ext = os.path.splitext(path.name)
    # "<name>.trashinfo" must fit a file system's 255 bytes: a very long name is shortened.
    while len(os.fsencode(stem + ext + " 9999.trashinfo")) > 255 and stem:
        stem = stem[:-1]
    text = _info_text(original)
    for n in range(10_000):
        name = path.name if n == 0 and stem == os.path.splitext(path.name)[0] else f"{stem} {n}{ext}"
        info_file = info / f"{name}.trashinfo"
        if os.path.lexists(files / name):
            continue
        try:  # reserving the name by creating its info file atomically, as the spec asks
            fd = os.open(info_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            os.write(fd, text)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(info_file)
            raise
        os.close(fd)
        return name, info_file
    raise OSError(errno.EEXIST, f"no free name in the trash for {path.name}")


def _freedesktop_trash(
    path: Path,
    on_temp: Callable[[str], None] | None = None,
    on_named: Callable[[str, str], None] | None = None,
) -> Trashed:
    """Trash by renaming into the trash of the file's own file system; where that cannot be
    (a bind mount says EXDEV, a full disk cannot take the .trashinfo, no rights on the top
    folder), into the home trash by a verified copy, as the spec allows."""
    trash, top = _trash_dir_for(path)
    original = str(path) if top is None else os.path.relpath(path, top)
    try:
        name, info_file = _reserve(trash, path, original)
    except OSError as exc:
        if top is None:
            raise
        log.info("the trash %s cannot be used (%s); using the home trash", trash, exc)
        return _home_trash_by_copy(path, on_temp, on_named)
    try:
        rename_noreplace(str(path), str(trash / "files" / name))
    except OSError as exc:
        os.unlink(info_file)
        if exc.errno != errno.EXDEV:
            raise
        log.info("%s cannot be renamed into %s (bind mount?); using the home trash", path, trash)
        return _home_trash_by_copy(path, on_temp, on_named)
    fsync_dir(str(trash / "files"))
    return Trashed(str(path), str(trash / "files" / name), str(info_file))


def _home_trash_by_copy(
    path: Path, on_temp: Callable[[str], None] | None, on_named: Callable[[str, str], None] | None
) -> Trashed:
    trash = home_trash()
    name, info_file = _reserve(trash, path, str(path))
    before = os.stat(path)
    identity = (before.st_dev, before.st_ino, before.st_size, before.st_mtime_ns)

    placed: list[str] = []

    def named(final: str) -> None:
        # Journaled as soon as the copy has its name, before the original goes: recovery finds
        # it (a hostile review: killed between the two, the copy stayed in the trash, unknown).
        placed.append(final)
        if on_named is not None:
            on_named(final, str(info_file))

    try:
        final = copy_verified(
            str(path), str(trash / "files" / name), None, "trash", on_temp=on_temp, on_named=named
        )
    except BaseException:
        if not placed:  # no copy in the trash: its reserved record goes
            os.unlink(info_file)
        raise
    if final != str(trash / "files" / name):  # another program took the name meanwhile
        os.rename(info_file, trash / "info" / (os.path.basename(final) + ".trashinfo"))
        info_file = trash / "info" / (os.path.basename(final) + ".trashinfo")
        named(final)
    try:
        remove_if_unchanged(str(path), identity, final)
    except SourceChanged:
        raise
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(info_file)
        raise
    return Trashed(str(path), final, str(info_file))


def discard_orphan_info(original: str | os.PathLike[str]) -> int:
    """Remove .trashinfo files that name ``original`` but have no file in the trash, and empty
    ones beside its name (left by a crash between reserving a name and moving the file): in
    the trash of its drive and in the home trash, where a trash by copy reserves its name (a
    hostile review found such a record there after a kill)."""
    if not FREEDESKTOP:
        return 0
    original = Path(original).absolute()
    try:
        places = [_trash_dir_for(_existing_parent(original))]
    except OSError:
        places = []
    if all(top is not None for _, top in places):
        places.append((home_trash(), None))
    return sum(_discard_orphans(trash, original, top) for trash, top in places)


def _discard_orphans(trash: Path, original: Path, top: Path | None) -> int:
    recorded = quote(os.fsencode(str(original) if top is None else os.path.relpath(original, top)))
    stem = os.path.splitext(original.name)[0]
    removed = 0
    for info in list((trash / "info").glob("*.trashinfo")) if (trash / "info").is_dir() else []:
        name = info.name[: -len(".trashinfo")]
        if (trash / "files" / name).exists() or not name.startswith(stem):
            continue
        try:
            text = info.read_bytes().decode("ascii", "replace")
        except OSError:
            continue
        fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        if not text.strip() or fields.get("Path") == recorded:
            with contextlib.suppress(OSError):
                info.unlink()
                removed += 1
    return removed


def move_to_trash(
    path: str | os.PathLike[str],
    on_temp: Callable[[str], None] | None = None,
    on_named: Callable[[str, str], None] | None = None,
) -> Trashed:
    """Move one file to the trash; returns where it went. A trash by copy (another file system)
    tells ``on_temp`` the temporary file it writes, and ``on_named`` (place, .trashinfo) the
    copy's place before the original goes, so a journal can record both first."""
    path = Path(path).absolute()
    if FREEDESKTOP:
        return _freedesktop_trash(path, on_temp, on_named)
    from send2trash import send2trash

    if WINDOWS and not recycle_bin_covers(str(path)):
        # Windows deletes such files for good instead of recycling them: never let that happen.
        raise OSError(
            errno.EXDEV,
            f"{path.name} is on a network drive, which has no Recycle Bin; Windows would delete it "
            "for good. Move it to a folder on this computer instead",
        )
    st = path.stat()
    trashes = [] if WINDOWS else mac_trashes(path)  # asked before the file leaves its volume
    send2trash(str(path))
    where = "the Recycle Bin" if WINDOWS else "the trash"
    try:  # the file is in the trash now: a failed lookup must not make the step look undone
        if WINDOWS:
            found = _in_recycle_bin(str(path), st.st_size)
        else:
            location = find_in_mac_trash(path, st.st_size, st.st_mtime_ns, trashes)
            found = Trashed(str(path), location) if location is not None else None
    except Exception:
        log.warning("looking for %s in %s failed", path, where, exc_info=True)
        found = None
    if found is not None:
        return found
    log.warning(
        "%s went to %s but could not be found there afterwards; an undo cannot bring it back, "
        "restore it from %s by hand if needed",
        path,
        where,
        where,
    )
    return Trashed(str(path), "")


def find_trashed(
    original: str | os.PathLike[str], *, size: int | None = None, mtime_ns: int | None = None
) -> Trashed | None:
    """Look a file up in the trash by its original path (newest first).

    For a trash step a crash cut short between the move and its journal record.

    Args:
        original: where the file was before it was trashed.
        size: its size in bytes, when known; narrows the match (required on macOS).
        mtime_ns: its modification time, when known (required on macOS).

    Returns:
        Where it is, or None when it is not found. On macOS the trash keeps no readable record
        of a file's original path (Finder stores it in a private ``.DS_Store`` format), so the
        file can only be recognised by name, size and modification time; without size and
        mtime_ns a match by name alone could pick another file that happened to share the name,
        and None is returned instead.
    """
    if WINDOWS:
        return _in_recycle_bin(str(Path(original).absolute()), size)
    if not FREEDESKTOP:
        if size is None or mtime_ns is None:
            return None
        path = Path(original).absolute()
        location = find_in_mac_trash(path, size, mtime_ns, mac_trashes(_existing_parent(path)))
        return Trashed(str(path), location) if location is not None else None
    original = Path(original).absolute()
    candidates = []
    with contextlib.suppress(OSError):
        candidates.append(_trash_dir_for(_existing_parent(original)))
    if not candidates or candidates[0][1] is not None:
        candidates.append((home_trash(), None))  # a trash by copy goes to the home trash
    best: tuple[str, Path, Path] | None = None
    for trash, top in candidates:
        recorded = quote(os.fsencode(str(original) if top is None else os.path.relpath(original, top)))
        folder = trash / "info"
        for info in folder.glob("*.trashinfo") if folder.is_dir() else []:
            location = trash / "files" / info.name[: -len(".trashinfo")]
            try:
                text = info.read_bytes().decode("ascii", "replace")
                fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
                if fields.get("Path") != recorded or not location.is_file():
                    continue  # not it, or an orphan record a crash left without its file
                if size is not None and location.stat().st_size != size:
                    continue
            except OSError:
                continue
            stamp = fields.get("DeletionDate", "")
            if best is None or stamp > best[0]:
                best = (stamp, info, location)
    if best is None:
        return None
    return Trashed(str(original), str(best[2]), str(best[1]))


def _in_recycle_bin(original: str, size: int | None) -> Trashed | None:
    found = find_in_recycle_bin(original, size)
    return Trashed(original, *found) if found is not None else None


def _existing_parent(path: Path) -> Path:
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    return folder


def restore(trashed: Trashed, to: str | os.PathLike[str], fingerprint: str | None = None) -> str:
    """Move a trashed file back to ``to`` (or "to (n)" when that name is taken meanwhile) and
    drop its trash record; returns where it went. Never replaces a file."""
    if not trashed.location or not os.path.exists(trashed.location):
        raise FileNotFoundError(
            f"{os.path.basename(trashed.original)} is no longer where it was put in the trash "
            f"({trashed.location or 'unknown place'}); restore it from the trash by hand."
        )
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    back = place(trashed.location, str(to), keep_src=False, fingerprint=fingerprint, tag="restore")
    if trashed.info:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(trashed.info)
    return back
