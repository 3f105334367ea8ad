"""Whether the catalog must be checked for damage when it is opened.

A full ``PRAGMA quick_check`` reads the whole file: seconds for a 100k-photo catalog (its
vectors are most of it), on every start. It is needed only when the catalog may not be as the
last photoorg left it, so a check runs when:

- a photoorg that had the catalog open ended without closing it (killed, crashed, or the
  computer lost power): each open catalog holds an OS lock on a marker file of its own beside
  the catalog, removed when it closes; a marker nobody holds is left by a session that ended
  uncleanly (the OS releases the lock of a dead process at once, as for the library lock);
- no photoorg has it open and the file is not the one the last clean close left (inode, size,
  modification and change time differ: restored from a backup, copied over, written by another
  program), or a write-ahead log is left beside it;
- the catalog has not been fully checked for 30 days (damage that changes none of the above,
  such as a failing disk, is found within that time);
- the state cannot be told (first open with this scheme, a read-only folder).

The markers live in the folder ``<catalog>.open`` beside the catalog; ``clean`` in it holds the
file's identity at the last clean close and the time of the last full check.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import sys
import time
from pathlib import Path

from photoorg.core.lock import try_lock, unlock

log = logging.getLogger(__name__)

CHECK_EVERY_S = 30 * 86400
_CLEAN = "clean"  # the record; written as "clean-<random>" first, then renamed
_TMP = "tmp-"  # a marker before it is locked and named
_MARKER = re.compile(r"^(tmp-)?\d+-[0-9a-f]{16}$")  # "<pid>-<16 hex>", see _register


def _identity(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


class Sessions:
    """This process's open session of one catalog file (one object per open Catalog)."""

    def __init__(self, catalog: Path) -> None:
        self.catalog = catalog
        self.folder = catalog.with_name(catalog.name + ".open")
        self._fd: int | None = None
        self._marker: Path | None = None
        self.checked_at: float | None = None  # time of the last full check
        self.why_check: str | None = None  # set by begin(): why a full check is needed

    def begin(self) -> bool:
        """Register this session; True when the catalog must be fully checked (the reason is in
        ``why_check``). Call before the catalog is opened."""
        try:
            self.folder.mkdir(exist_ok=True)
            clean = self._read_clean()
            stale, live = self._others()
            self._register()
        except OSError as exc:
            self.why_check = f"the state of the last session cannot be told ({exc})"
            return True
        self.checked_at = clean.get("checked") if clean else None
        if stale:
            self.why_check = f"{stale} photoorg session(s) ended without closing it"
        elif not clean:
            self.why_check = "no clean close is recorded"
        elif not live and clean.get("identity") != _identity(self.catalog):
            self.why_check = "the file changed since photoorg last closed it"
        elif not live and os.path.exists(str(self.catalog) + "-wal"):
            self.why_check = "a write-ahead log was left beside it"
        elif not isinstance(self.checked_at, (int, float)) or time.time() - self.checked_at > CHECK_EVERY_S:
            self.why_check = "it was not checked for 30 days"
        else:
            return False
        return True

    def checked(self) -> None:
        """A full check just passed."""
        self.checked_at = time.time()

    def end(self, record: bool = True) -> None:
        """End the session: with ``record``, a clean close of the file as it is now (call after
        the database connection is closed)."""
        if self._fd is None:
            return
        try:
            if record:
                state = {"identity": _identity(self.catalog), "checked": self.checked_at}
                tmp = self.folder / f"{_CLEAN}-{secrets.token_hex(8)}"
                tmp.write_text(json.dumps(state))
                os.replace(tmp, self.folder / _CLEAN)
        except OSError as exc:  # the next open checks the catalog: nothing is lost
            log.warning("could not record the clean close of %s: %s", self.catalog, exc)
        finally:
            fd, self._fd = self._fd, None
            assert self._marker is not None
            try:
                os.unlink(self._marker)  # before the lock goes: never seen unlocked, never stale
                gone = True
            except OSError:  # Windows removes no open file
                gone = False
            unlock(fd)
            os.close(fd)
            if not gone:
                with contextlib.suppress(OSError):
                    os.unlink(self._marker)

    # -- internals -------------------------------------------------------------------------
    def _read_clean(self) -> dict | None:
        try:
            data = json.loads((self.folder / _CLEAN).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _others(self) -> tuple[int, int]:
        """(sessions that ended uncleanly, sessions open now); the stale markers are removed."""
        stale = live = 0
        for entry in os.scandir(self.folder):
            # Only markers: a file of any other name is never removed (a hostile review: photos
            # organized into this folder by a template were unlinked at the next start).
            if entry.name.startswith(_CLEAN) or not _MARKER.match(entry.name) or not entry.is_file():
                continue
            try:
                fd = os.open(entry.path, os.O_RDWR)
            except FileNotFoundError:
                continue  # closed meanwhile
            try:
                if not try_lock(fd):
                    live += 1
                    continue
                try:
                    os.unlink(entry.path)
                    if not entry.name.startswith(_TMP):  # else a marker its process never named
                        stale += 1
                finally:
                    unlock(fd)
            finally:
                os.close(fd)
        return stale, live

    def _register(self) -> None:
        # Locked before it gets its name: a marker is never seen unlocked while its session lives.
        marker = self.folder / f"{os.getpid()}-{secrets.token_hex(8)}"
        first = marker if sys.platform == "win32" else marker.with_name(_TMP + marker.name)
        fd = os.open(first, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            if not try_lock(fd):
                raise OSError("could not lock a new session marker")
            if first != marker:  # Windows renames no open file
                os.rename(first, marker)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(first)
            raise
        self._fd, self._marker = fd, marker
