"""The operating system's trash, with a record of where each file went so it can come back.

On Linux and other freedesktop systems photoorg writes the trash itself, following the
freedesktop.org Trash specification (``$XDG_DATA_HOME/Trash`` for files on the home device,
``$topdir/.Trash-$uid`` elsewhere), so the exact place of every trashed file is known and an
undo can put it back. Elsewhere send2trash moves the file and photoorg looks for it in the
user's trash folder afterwards (macOS ``~/.Trash``); when it cannot be found, undo says so and
the file is still in the trash, to be restored from there.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

FREEDESKTOP = not sys.platform.startswith(("darwin", "win"))


@dataclass(frozen=True)
class Trashed:
    """Where a trashed file now is ("" when the platform does not tell)."""

    original: str
    location: str
    info: str = ""  # the freedesktop .trashinfo file, removed on restore


def _home_trash() -> Path:
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data) / "Trash"


def _mount_point(path: Path) -> Path:
    path = path.resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _trash_dir_for(path: Path) -> tuple[Path, Path | None]:
    """(trash folder, top folder its .trashinfo paths are relative to, or None: absolute)."""
    home = _home_trash()
    home_anchor = home if home.exists() else home.parent
    while not home_anchor.exists():
        home_anchor = home_anchor.parent
    if os.stat(path).st_dev == os.stat(home_anchor).st_dev:
        return home, None
    top = _mount_point(path.parent)
    return top / f".Trash-{os.getuid()}", top


def _freedesktop_trash(path: Path) -> Trashed:
    trash, top = _trash_dir_for(path)
    files, info = trash / "files", trash / "info"
    for folder in (trash, files, info):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem, ext = os.path.splitext(path.name)
    original = str(path) if top is None else os.path.relpath(path, top)
    for n in range(10_000):
        name = path.name if n == 0 else f"{stem} {n}{ext}"
        info_file = info / f"{name}.trashinfo"
        try:  # reserving the name by creating its info file atomically, as the spec asks
            fd = os.open(info_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        if (files / name).exists():
            os.close(fd)
            os.unlink(info_file)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(
                f"[Trash Info]\nPath={quote(original)}\nDeletionDate={datetime.now():%Y-%m-%dT%H:%M:%S}\n"
            )
        try:
            os.rename(path, files / name)
        except BaseException:
            os.unlink(info_file)
            raise
        return Trashed(str(path), str(files / name), str(info_file))
    raise OSError(errno.EEXIST, f"no free name in the trash for {path.name}")


def move_to_trash(path: str | os.PathLike[str]) -> Trashed:
    """Move one file to the trash; returns where it went."""
    path = Path(path).absolute()
    if FREEDESKTOP:
        return _freedesktop_trash(path)
    from send2trash import send2trash

    st = path.stat()
    send2trash(str(path))
    return Trashed(str(path), _find_in_mac_trash(path, st) or "")


def _find_in_mac_trash(path: Path, st: os.stat_result) -> str | None:
    trash = Path.home() / ".Trash"
    if not trash.is_dir():
        return None
    stem = path.stem
    for candidate in trash.glob(f"{stem}*{path.suffix}"):
        try:
            cs = candidate.stat()
        except OSError:
            continue
        if cs.st_size == st.st_size and cs.st_mtime_ns == st.st_mtime_ns:
            return str(candidate)
    return None


def find_trashed(original: str | os.PathLike[str]) -> Trashed | None:
    """Look a file up in the freedesktop trash by its original path (newest first).

    For a trash step a crash cut short between the move and its journal record.
    """
    if not FREEDESKTOP:
        return None
    original = Path(original).absolute()
    folder = original.parent
    while not folder.exists():
        folder = folder.parent
    try:
        trash, top = _trash_dir_for(folder)
    except OSError:
        return None
    recorded = quote(str(original) if top is None else os.path.relpath(original, top))
    best: tuple[str, Path] | None = None
    for info in (trash / "info").glob("*.trashinfo"):
        try:
            text = info.read_text(encoding="utf-8")
        except OSError:
            continue
        fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        if fields.get("Path") == recorded:
            stamp = fields.get("DeletionDate", "")
            if best is None or stamp > best[0]:
                best = (stamp, info)
    if best is None:
        return None
    name = best[1].name[: -len(".trashinfo")]
    location = trash / "files" / name
    return Trashed(str(original), str(location), str(best[1])) if location.exists() else None


def restore(trashed: Trashed, to: str | os.PathLike[str]) -> None:
    """Move a trashed file back to ``to`` (which must not exist) and drop its trash record."""
    if not trashed.location or not os.path.exists(trashed.location):
        raise FileNotFoundError(
            f"{os.path.basename(trashed.original)} is no longer where it was put in the trash "
            f"({trashed.location or 'unknown place'}); restore it from the trash by hand."
        )
    to = Path(to)
    if to.exists():
        raise FileExistsError(str(to))
    to.parent.mkdir(parents=True, exist_ok=True)
    os.rename(trashed.location, to)
    if trashed.info:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(trashed.info)
