"""One writer per library, across processes: an OS file lock beside the catalog.

File actions, undo and crash recovery hold it for their whole run; a scan holds it only while
it commits a batch, so a scan never writes a row for a photo an action is moving at that
moment. The lock is the operating system's (``flock`` on Unix, ``LockFileEx`` through
``msvcrt.locking`` on Windows), so a process that is killed releases it at once: there is no
stale lock to clean up. The holder writes its process id into the file, so a second photoorg
can say who it is waiting for.

Why not the ``filelock`` package: its current releases fall back to a marker-file lock where
``flock`` is missing, and a marker outlives a killed process, which is the one thing this lock
must never do. What is needed here is thirty lines of standard library.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from photoorg.core.errors import LibraryBusy

log = logging.getLogger(__name__)

_POLL_S = 0.1
_OWNER_AT = 16  # the holder's pid is written here; Windows locks byte 0 only, so it stays readable

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


#: For other locks on marker files (see photoorg.core.sessions).
try_lock, unlock = _try_lock, _unlock


class LibraryLock:
    """A re-entrant exclusive lock for one library, for one thread of one process at a time.

    Two ``LibraryLock`` objects on the same file exclude each other, also in one process (each
    has its own open file), which is what lets the tests run two "processes" as threads.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def owner(self) -> int | None:
        """The process id the current holder wrote, if any (None when unknown)."""
        try:
            with open(self.path, "rb") as f:
                f.seek(_OWNER_AT)
                text = f.read(32).decode("ascii", "replace").strip("\0 \n")
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this object holds it now."""
        if self._depth:
            self._depth += 1
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                os.close(fd)
                return False
            os.lseek(fd, _OWNER_AT, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".ljust(32, "\0").encode("ascii"))
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._depth = fd, 1
        return True

    def acquire(
        self,
        wait: bool = True,
        on_wait: Callable[[int | None], None] | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        """Take the lock, waiting for another photoorg to finish when ``wait``.

        Args:
            wait: False raises :class:`LibraryBusy` at once when another process holds it.
            on_wait: called once, with the holder's pid, when the lock has to be waited for.
            check: called while waiting; raising from it (``Progress.check`` raises Cancelled)
                stops the wait.
        """
        if self.try_acquire():
            return
        owner = self.owner()
        if not wait:
            raise LibraryBusy(owner)
        if on_wait is not None:
            on_wait(owner)
        log.info("waiting for another photoorg (pid %s) to finish with %s", owner, self.path)
        while not self.try_acquire():
            if check is not None:
                check()
            time.sleep(_POLL_S)

    def release(self) -> None:
        if self._depth == 0:
            raise RuntimeError("release of a library lock that is not held")
        self._depth -= 1
        if self._depth:
            return
        fd, self._fd = self._fd, None
        assert fd is not None
        try:
            os.lseek(fd, _OWNER_AT, os.SEEK_SET)
            os.write(fd, b"\0" * 32)
            _unlock(fd)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def holding(
        self,
        wait: bool = True,
        on_wait: Callable[[int | None], None] | None = None,
        check: Callable[[], None] | None = None,
    ) -> Iterator[None]:
        self.acquire(wait, on_wait, check)
        try:
            yield
        finally:
            self.release()
