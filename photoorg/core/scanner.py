"""Walk photo folders and list the photo files in them, without opening any.

Rules: extensions are matched case-insensitively; hidden folders and OS trash folders are
skipped; directory symlinks are followed but every real folder is visited once, so links can
never make the walk loop; a file reached twice (through a link, or a hard link) is listed once;
unreadable folders are reported, not fatal.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from photoorg.core.paths import storable_ns
from photoorg.core.videos import VIDEO_EXTENSIONS

log = logging.getLogger(__name__)

#: Camera RAW files photoorg reads (their embedded preview, through LibRaw: core/raw.py).
RAW_EXTENSIONS = frozenset({".cr2", ".cr3", ".nef", ".arw", ".dng", ".raf", ".orf", ".rw2", ".pef", ".srw"})
PHOTO_EXTENSIONS = (
    frozenset(
        {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".avif", ".tif", ".tiff", ".bmp", ".gif"}
    )
    | RAW_EXTENSIONS
)

# Folder names that hold deleted files or OS metadata, never photos a person wants organised.
SKIPPED_FOLDERS = frozenset({"$recycle.bin", "recycler", "system volume information", "@eadir", "lost+found"})


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A photo file as found on disk."""

    path: str
    size: int
    mtime_ns: int
    #: The XMP and JSON sidecars beside it that may say when it was taken (names, its own
    #: first: photoorg.core.sidecar_dates), and what they are (their names and mtimes, hashed:
    #: a scan dates the photo again when this changes; None: it has none).
    sidecars: tuple[str, ...] = ()
    sidecars_seen: int | None = None


LIBRARY_EXTENSIONS = PHOTO_EXTENSIONS | VIDEO_EXTENSIONS

#: Sidecars that may hold a date taken: XMP (digiKam, darktable, Lightroom) and Google Takeout's JSON.
DATE_SIDECAR_EXTENSIONS = (".xmp", ".json")
# Google Takeout's JSON of IMG_1(1).jpg: IMG_1.jpg.supplemental-metadata(1).json, IMG_1.jpg(1).json;
# the photo's extension is a photo's or a video's (PXL_1.PORTRAIT(1).jpg: a dot in its name)
_TAKEOUT_NUMBERED = re.compile(
    r"^(?P<stem>.+?)(?P<ext>"
    + "|".join(re.escape(e) for e in sorted(LIBRARY_EXTENSIONS, key=len, reverse=True))
    + r")(?:\.[^()]*)?\((?P<n>\d+)\)\.json$",
    re.IGNORECASE,
)


def takeout_numbered_photo(name: str) -> str | None:
    """The photo a Google Takeout JSON of a numbered name is of: IMG_1(1).jpg for
    IMG_1.jpg.supplemental-metadata(1).json and IMG_1.jpg(1).json (Takeout puts the number
    after the photo's whole name); None for any other name."""
    m = _TAKEOUT_NUMBERED.match(name) if "(" in name else None  # (the walk asks it of every sidecar)
    return f"{m['stem']}({m['n']}){m['ext']}" if m else None


def _key(name: str) -> str:
    return name.split(".")[0].lower()


def _date_sidecars(entries: list[os.DirEntry[str]]) -> dict[str, list[os.DirEntry[str]]]:
    """A folder's XMP and JSON files by the name key of the photos they may be of ("img_1")."""
    out: dict[str, list[os.DirEntry[str]]] = {}
    for entry in entries:
        name = entry.name
        if name[-5:].lower().endswith(DATE_SIDECAR_EXTENSIONS):
            out.setdefault(_key(takeout_numbered_photo(name) or name), []).append(entry)
    return out


def whole_name_owner(sidecar: str, files: Iterable[str]) -> str | None:
    """The file of ``files`` whose whole name ``sidecar`` starts with (IMG_1.HEIC for
    IMG_1.HEIC.xmp), the longest such name (scan.png.jpg for scan.png.jpg.xmp, not scan.png),
    letter for letter before any match without regard to case; None when there is none (a
    sidecar of a stem only). The walk's date sidecars and the companions of a file action
    (photoorg.core.companions) are owned by this one rule."""
    files = list(files)
    for fold in (False, True):
        side = sidecar.lower() if fold else sidecar
        owners = [f for f in files if side.startswith((f.lower() if fold else f) + ".")]
        if owners:
            return max(owners, key=lambda f: (len(f), f))
    return None


def _sidecars_of(
    name: str, candidates: list[os.DirEntry[str]], photos: list[str]
) -> tuple[tuple[str, ...], int | None]:
    """(names, what they are) of the date sidecars among ``candidates`` that are the photo
    ``name``'s (``photos``: the library's files of its name key in the folder):
    IMG_1.jpg.xmp and Takeout's IMG_1.jpg.supplemental-metadata.json first, then IMG_1.xmp; XMP
    before JSON. A sidecar of another photo's whole name is not this one's (a hostile review:
    scan.png was dated by scan.png.jpg.xmp, img_2.JPG by IMG_2.jpg.json)."""
    stem = os.path.splitext(name)[0].lower()
    ranked: list[tuple[int, bool, str]] = []
    seen = hashlib.blake2b(digest_size=8)
    for entry in candidates:
        other = entry.name
        numbered = takeout_numbered_photo(other)
        if len(photos) == 1 and numbered is None and other.startswith(name + "."):
            rank = 0  # most sidecars: IMG_1.jpg.xmp beside IMG_1.jpg alone (a rescan's hot path)
        elif numbered is not None:
            owner = whole_name_owner(numbered + ".", photos)
            rank = 0 if owner == name else -1
        elif (owner := whole_name_owner(other, photos)) is not None:
            rank = 0 if owner == name else -1
        else:
            rank = 1 if os.path.splitext(other)[0].lower() == stem else -1
        if rank < 0:
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):  # a folder, a pipe, a device: no sidecar
            continue
        ranked.append((rank, other.lower().endswith(".json"), other))
        # Names and times, not the newest time alone (a hostile review: a sidecar taken away,
        # or one added with an older time, went unseen)
        seen.update(f"{other}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    if not ranked:
        return (), None
    return tuple(n for *_, n in sorted(ranked)), int.from_bytes(seen.digest()) >> 1  # never < 0


class _ToBeWritten:
    """A sidecar about to be written, ranked among those there as a scan would rank it."""

    def __init__(self, name: str, like: str) -> None:
        self.name, self._like = name, like

    def stat(self) -> os.stat_result:
        return os.stat(self._like)  # a regular file's (the photo's): only its kind is looked at


class Listings:
    """Folders listed once each, their entries by name key: for plans over many photos of a
    folder (a hostile review: listing it again for each photo, dating 3,000 photos of one
    folder took 28 s)."""

    def __init__(self) -> None:
        self._folders: dict[str, dict[str, list[Any]]] = {}

    def of_name(self, folder: str, name: str) -> list[Any]:
        """The entries of ``folder`` whose name key is the file ``name``'s (a sidecar's, as the
        photo's it may be of), sorted by name: the files that may go with it."""
        key = _key(name)
        by_key = self._folders.get(folder)
        if by_key is None:
            with os.scandir(folder or ".") as it:
                entries = sorted(it, key=lambda e: e.name)
            by_key = {}
            for e in entries:
                sidecar = e.name[-5:].lower().endswith(DATE_SIDECAR_EXTENSIONS)
                by_key.setdefault(_key((sidecar and takeout_numbered_photo(e.name)) or e.name), []).append(e)
            self._folders[folder] = by_key
        return list(by_key.get(key, ()))


def date_sidecars_of(
    photo: str, also: str | None = None, listings: Listings | None = None
) -> tuple[str, ...]:
    """The names of ``photo``'s date sidecars in the order a scan reads them (the first that
    says a date dates the photo), with ``also`` (a name in its folder) among them as if that
    file were there: where a sidecar about to be written would come. ``listings``: folders
    listed already (only the entries of the photo's name key count)."""
    folder, name = os.path.split(photo)
    entries: list[Any]
    if listings is not None:
        entries = listings.of_name(folder, name)
    else:
        with os.scandir(folder or ".") as it:
            entries = sorted(it, key=lambda e: e.name)
    if also is not None and all(e.name != also for e in entries):
        entries.append(_ToBeWritten(also, photo))
    beside = _date_sidecars(entries).get(_key(name))
    if not beside:
        return ()
    photos = [e.name for e in entries if _is_library_name(e.name) and _key(e.name) == _key(name)]
    return _sidecars_of(name, beside, photos)[0]


def is_photo_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in PHOTO_EXTENSIONS


def is_library_file(name: str) -> bool:
    """A photo, or a video (catalogued and organized with the photos, not embedded)."""
    return os.path.splitext(name)[1].lower() in LIBRARY_EXTENSIONS


def _is_library_name(name: str) -> bool:
    """:func:`is_library_file` for a bare file name (no folder), without splitext's generality:
    the walk asks it of every file."""
    dot = name.rfind(".")
    # splitext: no extension for a name that is all dots up to its last one (".jpg", "..jpg")
    return dot > 0 and name[:dot].strip(".") != "" and name[dot:].lower() in LIBRARY_EXTENSIONS


def _skipped_folder(name: str) -> bool:
    # ".Trash-1000", ".Trashes", ".thumbnails" and the like start with a dot.
    return name.startswith(".") or name.lower() in SKIPPED_FOLDERS


def _is_trash(path: str, name: str) -> bool:
    """A freedesktop trash (``~/.local/share/Trash``: ``files`` and ``info`` in it) inside a
    library folder: its photos were trashed, and listing them put them beside their originals
    as duplicates (found with ~/.local/share as a library folder)."""
    return (
        name == "Trash"
        and os.path.isdir(os.path.join(path, "files"))
        and os.path.isdir(os.path.join(path, "info"))
    )


def _excluded(path: str, name: str, patterns: tuple[str, ...], root: str) -> bool:
    """Whether a file or folder matches a pattern: by its name ("*.tmp"), its full path, or,
    for a pattern with a slash ("Thumbs/*"), the end of its path below ``root`` from any folder
    on (the README's own example matched nothing: a name has no slash, a full path starts
    with one)."""
    for p in patterns:
        if fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p):
            return True
        if "/" in p:
            below = path[len(root) :] if path.startswith(root) else path
            if _from_any_folder(p).search(below if os.sep == "/" else below.replace(os.sep, "/")):
                return True
    return False


@functools.lru_cache(maxsize=256)
def _from_any_folder(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|/)" + fnmatch.translate(pattern.lstrip("/")))


def excluded(path: str, root: str, exclude: Iterable[str]) -> bool:
    """Whether :func:`scan` of ``root`` skips the file ``path`` by the ``exclude`` patterns: the
    file, or one of its folders below ``root``, matches one."""
    patterns = tuple(exclude)
    while patterns and path != root and os.path.dirname(path) != path:
        if _excluded(path, os.path.basename(path), patterns, root):
            return True
        path = os.path.dirname(path)
    return False


def _link_problem(path: str) -> str | None:
    """Why a link that cannot be followed is no photo, in words ("No such file or directory"
    named the link, which is there)."""
    try:
        target = os.readlink(path)
    except OSError:
        return None
    return f"a broken link: it points to {target}, which is not there"


def scan(
    roots: Iterable[str | os.PathLike[str]],
    exclude: Iterable[str] = (),
    on_error: Callable[[str, str], None] | None = None,
) -> Iterator[FileRecord]:
    """Yield every photo file under ``roots``, in a stable (sorted) order.

    Args:
        roots: folders (or single photo files) to walk.
        exclude: glob patterns matched against a file or folder name and its full path.
        on_error: called with (path, reason) for folders or files that cannot be read.
    """
    patterns = tuple(exclude)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    # A photo reached by its own name and by a symbolic link is catalogued by its own name
    # (moving the link would move a link, not the photo); links come last, for photos that
    # cannot be reached otherwise.
    linked: list[tuple[str, os.stat_result]] = []
    linked_dirs: list[tuple[str, str]] = []  # (folder, its root), walked after the others

    def report(path: str, reason: str) -> None:
        log.info("cannot read %s: %s", path, reason)
        if on_error is not None:
            on_error(path, reason)

    def record(path: str, st: os.stat_result) -> FileRecord | None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return None
        seen_files.add(key)
        return FileRecord(path, st.st_size, storable_ns(st.st_mtime_ns))

    def walk(folder: str, root: str) -> Iterator[FileRecord]:
        try:
            st = os.stat(folder)
        except OSError as exc:
            if not (isinstance(exc, FileNotFoundError) and not os.path.lexists(folder)):
                report(folder, exc.strerror or str(exc))  # (a folder removed since: nothing)
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            return
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report(folder, exc.strerror or str(exc))
            return
        subfolders = []
        sidecars = _date_sidecars(entries)
        photos_of: dict[str, list[str]] = {}  # the library's files by name key, where sidecars are
        if sidecars:
            for e in entries:
                if _is_library_name(e.name) and (key := _key(e.name)) in sidecars:
                    photos_of.setdefault(key, []).append(e.name)
        # The loop runs once per file of the library: a rescan of 100k unchanged photos is
        # mostly this, so it avoids the calls it can (measured in tests/bench/bench_rescan.py).
        for entry in entries:
            name = entry.name
            if patterns and _excluded(entry.path, name, patterns, root):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                if not _skipped_folder(name) and not _is_trash(entry.path, name):
                    # A linked folder last, as a linked file: what it shares with the library's
                    # own folders is catalogued by its real name (a hostile review: "L" -> "a"
                    # sorted first, and every photo of "a" was known by the link's name).
                    if entry.is_symlink():
                        linked_dirs.append((entry.path, root))
                    else:
                        subfolders.append(entry.path)
                continue
            if not _is_library_name(name):
                continue
            try:
                est = entry.stat(follow_symlinks=True)
            except OSError as exc:  # a dangling link; or removed since listing: nothing to say
                if not (isinstance(exc, FileNotFoundError) and not os.path.lexists(entry.path)):
                    report(entry.path, _link_problem(entry.path) or exc.strerror or str(exc))
                continue
            if not stat.S_ISREG(est.st_mode):
                continue
            if entry.is_symlink():
                linked.append((entry.path, est))
                continue
            key = (est.st_dev, est.st_ino)
            if key in seen_files:
                continue
            seen_files.add(key)
            beside = sidecars.get(_key(name)) if sidecars else None
            if beside:
                names, seen = _sidecars_of(name, beside, photos_of.get(_key(name), []))
                if names:
                    yield FileRecord(entry.path, est.st_size, storable_ns(est.st_mtime_ns), names, seen)
                    continue
            yield FileRecord(entry.path, est.st_size, storable_ns(est.st_mtime_ns))
        for sub in subfolders:
            yield from walk(sub, root)

    for root in roots:
        root = os.path.abspath(os.fspath(root))
        try:
            st = os.stat(root)
        except OSError as exc:
            report(root, exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from walk(root, root)
        elif stat.S_ISREG(st.st_mode) and is_library_file(root):
            rec = record(root, st)
            if rec is not None:
                yield rec
        else:
            report(root, "not a folder or a photo file")
    k = 0
    while k < len(linked_dirs):  # (walking one may find more)
        folder, root = linked_dirs[k]
        k += 1
        yield from walk(folder, root)
    for path, st in sorted(linked, key=lambda item: item[0]):
        rec = record(path, st)
        if rec is not None:
            yield rec
