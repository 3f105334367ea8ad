"""The macOS trash, read: where send2trash (Finder) put a file, so that an undo can bring it back
(see :mod:`photoorg.core.trash`).

``~/.Trash`` holds files of the home volume, ``<volume>/.Trashes/<uid>`` those of other
volumes. Finder keeps no readable record of the original path and renames on collisions, so the
file is recognised by its size and modification time among the names that start with its stem.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from photoorg.core.paths import mount_point


def mac_trashes(path: Path) -> list[Path]:
    """The trash folders Finder may put ``path`` in (``path`` must still exist)."""
    home = Path.home()
    try:
        same_volume = os.stat(path).st_dev == os.stat(home).st_dev
    except OSError:
        same_volume = True
    if same_volume:
        return [home / ".Trash"]
    top = mount_point(path if path.is_dir() else path.parent)
    return [top / ".Trashes" / str(os.getuid()), home / ".Trash"]


def find_in_mac_trash(path: Path, size: int, mtime_ns: int, trashes: list[Path]) -> str | None:
    """The file in ``trashes`` that was ``path``: same size and mtime, named after it.

    Finder renames on collisions ("name 2.jpg", "name 12.34.56.jpg"), so any name starting with
    the stem and ending with the suffix is a candidate; the most recently changed one wins.
    """
    stem, suffix = (unicodedata.normalize("NFC", part) for part in os.path.splitext(path.name))
    best: tuple[int, str] | None = None
    for trash in trashes:
        try:
            entries = list(os.scandir(trash))
        except OSError:  # missing, or not readable without Full Disk Access
            continue
        for entry in entries:
            name = unicodedata.normalize("NFC", entry.name)  # HFS+ hands names back decomposed
            if not (name.startswith(stem) and name.endswith(suffix)):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not entry.is_file(follow_symlinks=False) or st.st_size != size or st.st_mtime_ns != mtime_ns:
                continue
            if best is None or st.st_ctime_ns > best[0]:
                best = (st.st_ctime_ns, entry.path)
        if best is not None:
            return best[1]
    return None
