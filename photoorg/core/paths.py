"""Where photoorg keeps its files, and how it compares paths.

platformdirs gives the per-OS locations. ``PHOTOORG_HOME`` (or ``--home``) moves every one of
them under a single folder, which tests and portable installs use.

- **data** (per-user data folder): the catalog. It holds the person's decisions, group names
  and the undo journal, so it is not cache: cleaners empty cache folders.
- **cache**: thumbnails, downloaded model weights (under an own home) and int8 models.
- **config**: settings.json. **logs**: the log files.
"""

from __future__ import annotations

import bisect
import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "PHOTOORG_HOME"
APP_NAME = "photoorg"
CATALOG_NAME = "catalog.sqlite3"


@dataclass(frozen=True)
class Locations:
    """The folders photoorg writes to."""

    cache: Path
    config: Path
    logs: Path
    data: Path
    own_home: bool = False  # chosen with --home / $PHOTOORG_HOME rather than the per-user folders

    @property
    def catalog(self) -> Path:
        return self.data / CATALOG_NAME

    @property
    def old_catalog(self) -> Path:
        """Where photoorg 0.1 kept the catalog (moved to :attr:`catalog` on first start)."""
        return self.cache / CATALOG_NAME

    @property
    def models(self) -> Path:
        """Hugging Face download cache for model weights."""
        return self.cache / "models"

    @property
    def model_cache(self) -> Path | None:
        """Where model weights are downloaded: under an own home, else Hugging Face's shared
        cache (None), so a model other tools downloaded is found."""
        return self.models if self.own_home else None

    @property
    def int8_models(self) -> Path:
        """photoorg's own int8 (ONNX) conversions of the models, one file per model revision
        (see photoorg.core.int8); made again when deleted."""
        return self.cache / "int8-models"

    @property
    def thumbnails(self) -> Path:
        return self.cache / "thumbnails"

    def ensure(self) -> Locations:
        for folder in (self.cache, self.config, self.logs, self.data):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def locations(home: str | os.PathLike[str] | None = None) -> Locations:
    """Return the folders to use: ``home`` argument, then $PHOTOORG_HOME, then platformdirs."""
    home = home or os.environ.get(ENV_HOME) or None
    if home:
        root = Path(home).expanduser().absolute()
        return Locations(
            cache=root / "cache",
            config=root / "config",
            logs=root / "logs",
            data=root / "data",
            own_home=True,
        )
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Locations(
        cache=Path(dirs.user_cache_dir),
        config=Path(dirs.user_config_dir),
        logs=Path(dirs.user_log_dir),
        data=Path(dirs.user_data_dir),
    )


def storable_ns(ns: int) -> int:
    """A file time in nanoseconds, as the catalog can store it (SQLite's 64 bits): a file dated
    past the year 2262 (a broken clock, a tool's mistake) made every scan of the library fail
    with OverflowError. Every comparison with the catalog's times goes through it too."""
    return max(-(2**63), min(2**63 - 1, ns))


def is_under(path: str, folders: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``folders`` or inside one of them (as written: no links are
    followed; see :func:`is_really_under`)."""
    return under_test(folders)(path)


def under_test(folders: Iterable[str]) -> Callable[[str], bool]:
    """:func:`is_under` for many paths and the same folders: one string test a path (75 us a
    path with 100 folders before, looping over them; most of the time of listing 100k photos)."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for folder in folders:
        folder = folder.rstrip(os.sep) or os.sep
        exact.add(folder)
        prefixes.append(folder if folder.endswith(os.sep) else folder + os.sep)
    starts = tuple(prefixes)
    return lambda path: path in exact or path.startswith(starts)


def count_under(paths: Iterable[str], folders: Iterable[str]) -> dict[str, int]:
    """How many of ``paths`` each folder holds (:func:`is_under`), from one sort of the paths:
    a test per path and folder took 18 s for 100k photos in 100 library folders."""
    ordered = sorted(paths)
    counts: dict[str, int] = {}
    for folder in folders:
        bare = folder.rstrip(os.sep) or os.sep
        prefix = bare if bare.endswith(os.sep) else bare + os.sep
        # Every path that starts with "a/b/" sorts between "a/b/" and "a/b0" ("0" follows "/").
        end = prefix[:-1] + chr(ord(os.sep) + 1)
        inside = bisect.bisect_left(ordered, end) - bisect.bisect_left(ordered, prefix)
        at = bisect.bisect_right(ordered, bare) - bisect.bisect_left(ordered, bare)
        counts[folder] = inside + (at if prefix != bare else 0)
    return counts


def real(path: str | os.PathLike[str]) -> str:
    """The path with every symbolic link resolved (as far as it exists)."""
    return os.path.realpath(os.path.abspath(path))


def as_in_library(path: str, roots: Sequence[str], whole: bool = True) -> str:
    """``path`` as the library names it: a path through a symbolic link into a library folder
    (/tmp/link/Denmark, with /tmp/link -> ~/Pictures/trips) is named through that folder
    (~/Pictures/trips/Denmark), so that the catalog never holds one file under two names
    (found by a review: a move "--to /tmp/link/Denmark" said the photo left the library, and
    the catalog kept it twice). Not ``whole``: only the folders are resolved, not a link that
    is the last part (a linked photo stays a link). Else the absolute path as given."""
    path = os.path.abspath(path)
    if not roots or is_under(path, roots):
        return path
    folder, name = (path, "") if whole else os.path.split(path)
    resolved = real(folder)
    for root in sorted(roots, key=len, reverse=True):  # the deepest library folder first
        inside = real(root)
        if is_under(resolved, [inside]):
            rest = os.path.relpath(resolved, inside)
            named = root if rest == "." else os.path.join(root, rest)
            return os.path.join(named, name) if name else named
    return path


class FolderSet:
    """Folders (protected ones, preferred ones) that a file is in or not, however it is
    reached: through a symbolic link, a bind mount, or with another case on a file system that
    ignores it. A folder is recognised by its path, its real path, and its identity on the disk
    (device and inode), looked up once per folder a file is in.
    """

    def __init__(self, folders: Iterable[str]) -> None:
        self.folders = [os.path.abspath(f) for f in folders]
        self._real = [real(f) for f in self.folders]
        self._ids: set[tuple[int, int]] = set()
        for f in self.folders:
            with contextlib.suppress(OSError):
                st = os.stat(f)
                self._ids.add((st.st_dev, st.st_ino))
        self._inside: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.folders)

    def holds(self, path: str) -> bool:
        """Whether the file at ``path`` is in one of the folders."""
        if not self.folders:
            return False
        if is_under(path, self.folders):
            return True
        return self._folder_inside(os.path.dirname(os.path.abspath(path)))

    def _folder_inside(self, folder: str) -> bool:
        known = self._inside.get(folder)
        if known is None:
            known = is_under(real(folder), self._real) or self._same_as_one(folder)
            if not known:
                parent = os.path.dirname(folder)
                known = parent != folder and self._folder_inside(parent)
            self._inside[folder] = known
        return known

    def _same_as_one(self, folder: str) -> bool:
        try:
            st = os.stat(folder)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) in self._ids


def is_really_under(path: str, folders: Sequence[str]) -> bool:
    """Whether the file at ``path`` is in one of ``folders``, however it is reached (see
    :class:`FolderSet`; keep one FolderSet for many paths)."""
    return FolderSet(folders).holds(path)


def containing(path: str, folders: Iterable[str]) -> str | None:
    """The folder of ``folders`` that holds ``path`` (the deepest one), or None."""
    best = None
    for folder in folders:
        if is_under(path, [folder]) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def from_library_folder(folders: Iterable[str]) -> Callable[[str], str]:
    """A path as it reads from the library folder that holds it, that folder's name first
    ("Pictures/2019/a.jpg" for ~/Pictures/2019/a.jpg in the library folder ~/Pictures; the
    deepest library folder when they nest); a path in none of them as it is. What a filter
    "by name or folder" matches: an app review found "anna" matching every photo in
    /home/anna/Pictures."""
    prefixes = []
    for folder in sorted(folders, key=len, reverse=True):
        bare = folder.rstrip(os.sep) or os.sep
        cut = len(os.path.dirname(bare).rstrip(os.sep)) + 1 if bare != os.sep else 1
        prefixes.append((bare if bare.endswith(os.sep) else bare + os.sep, bare, cut))

    def named(path: str) -> str:
        for prefix, bare, cut in prefixes:
            if path.startswith(prefix) or path == bare:
                return path[cut:]
        return path

    return named


def set_aside(path: Path, reason: str, companions: Sequence[str] = ()) -> Path:
    """Rename an unusable file to ``<name>.unusable-<time>`` beside it (never deleting it), with
    a note saying why; ``companions`` are suffixes of files that go with it ("-wal")."""
    import time

    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unusable-{stamp}")
    n = 1
    while aside.exists():  # never replace an earlier one
        aside = path.with_name(f"{path.name}.unusable-{stamp}-{n}")
        n += 1
    os.rename(path, aside)
    for suffix in companions:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.rename(side, aside.with_name(aside.name + suffix))
    with contextlib.suppress(OSError):  # the note is a courtesy: a full disk must not stop what follows
        aside.with_name(aside.name + ".txt").write_text(
            f"photoorg could not use {path.name}: {reason}\nIt was set aside on {stamp}.\n", encoding="utf-8"
        )
    return aside


def mount_point(path: Path) -> Path:
    """The folder the file system holding ``path`` is mounted on."""
    path = path.resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


class WatchedFolders:
    """Whether a file is in one of some folders (a :class:`FolderSet`), the folders asked again
    at each look when they are given as a function: the protected folders during a long action,
    which another photoorg may change (a new FolderSet only when the list does)."""

    def __init__(self, folders: Sequence[str] | Callable[[], Sequence[str]]) -> None:
        self._ask = folders if callable(folders) else None
        self._list = self._ask() if self._ask is not None else folders
        self._set = FolderSet(self._list)

    def holds(self, path: str) -> bool:
        return self.now().holds(path)

    def now(self) -> FolderSet:
        """The folders as they are at this moment."""
        if self._ask is not None:
            now = self._ask()
            if now is not self._list:
                self._list, self._set = now, FolderSet(now)
        return self._set
