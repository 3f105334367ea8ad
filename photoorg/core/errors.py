"""Errors a person can act on. ``str()`` of each is a full sentence.

Every error crosses the engine's process boundary by pickling, so each one pickles with the
arguments it was made with (``__reduce__`` where ``__init__`` takes more than the message).
"""

from __future__ import annotations

import os


class PhotoorgError(Exception):
    """Base of every error photoorg raises on purpose."""


class DecodeError(PhotoorgError):
    """A file could not be read as a photo. Recorded per file; never stops a scan."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.path, self.reason)


class ModelUnavailable(PhotoorgError):  # noqa: N818 - reads as a state, like Cancelled
    """The embedding model is neither cached nor downloadable, or is not usable."""


class ModelNotCached(ModelUnavailable):
    """A hub model that is not on this computer (yet). ``offline``: it cannot be downloaded now
    either (no connection, or downloads turned off); otherwise a download would fetch it."""

    def __init__(
        self, name: str, message: str, offline: bool, scanned_with: str = "", vectors: int = 0
    ) -> None:
        super().__init__(message)
        self.name = name
        self.offline = offline
        #: A model folder on this computer whose vectors the catalog holds (``vectors`` photos'):
        #: the library was looked at with it (a command's --model), so it can be used again.
        self.scanned_with = scanned_with
        self.vectors = vectors

    def __reduce__(self) -> tuple[type, tuple[str, str, bool, str, int]]:
        return type(self), (self.name, str(self), self.offline, self.scanned_with, self.vectors)


class UnsafeModel(ModelUnavailable):
    """A model folder that only offers pickle weights or asks for remote code."""


class CatalogError(PhotoorgError):
    """The catalog database could not be opened or written."""


class DiskFull(CatalogError):  # noqa: N818 - a state, like LibraryBusy
    """The disk under photoorg's own data (catalog, settings, logs) is full."""


def full_disk(exc: BaseException, folder: str) -> DiskFull | None:
    """A full (or over-quota) disk, in words, for an error that reached the top of a command
    or an engine request (a hostile review: the catalog's disk at 32 KB free printed SQLite's
    traceback); None for any other error. ``folder``: photoorg's data folder."""
    import errno
    import shutil
    import sqlite3

    from photoorg.core.humanize import human_bytes

    if isinstance(exc, sqlite3.OperationalError):
        full = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
        where = folder
    elif isinstance(exc, OSError):
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        where = str(exc.filename or folder)
    else:
        return None
    if not full:
        return None
    try:
        disk = where if os.path.isdir(where) else os.path.dirname(where)
        free = f"; {human_bytes(shutil.disk_usage(disk).free)} free"
    except OSError:
        free = ""
    return DiskFull(
        f"The disk is full where photoorg writes ({where}{free}). Free some space on it, then try again: "
        "what was left half-done is settled the next time photoorg starts, and no photo is lost."
    )


class CatalogTooNew(CatalogError):  # noqa: N818 - a state
    """The catalog was written by a newer photoorg. It is left exactly as it is."""


class LibraryBusy(PhotoorgError):  # noqa: N818 - a state, like ModelUnavailable
    """Another photoorg process is changing this library (``--no-wait`` was given)."""

    def __init__(self, owner: int | None) -> None:
        who = f" (pid {owner})" if owner else ""
        super().__init__(
            f"Another photoorg is working on this library{who}. Wait for it to finish, or run "
            "the command again without --no-wait to wait for it."
        )
        self.owner = owner

    def __reduce__(self) -> tuple[type, tuple[int | None]]:
        return type(self), (self.owner,)


class NotInLibrary(PhotoorgError):  # noqa: N818 - a state
    """A folder that is not one of the library's folders (nor inside one)."""


class Cancelled(Exception):  # noqa: N818 - not an error: the person asked for it
    """Raised by Progress.advance once the cancel token is set. Not an error."""
