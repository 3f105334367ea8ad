"""Opening the catalog: the connection, its checks and repairs, transactions and meta values;
moving a catalog written by photoorg 0.1."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from photoorg.core.catalog.rows import PhotoInfo, said
from photoorg.core.catalog.schema import (
    APPLICATION_ID,
    CACHE_TABLES,
    MIGRATIONS,
    PERSONS_TABLES,
    SCHEMA_VERSION,
    split_sql,
)
from photoorg.core.errors import CatalogError, CatalogTooNew
from photoorg.core.lock import LibraryLock
from photoorg.core.paths import set_aside
from photoorg.core.sessions import Sessions

log = logging.getLogger(__name__)


class CatalogBase:
    """A connection to the catalog. Use from one thread at a time.

    ``lock`` is the library's one-writer lock (see :mod:`photoorg.core.lock`): file actions,
    undo and recovery hold it; scans hold it while they commit.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = LibraryLock(self.path.with_name(self.path.name + ".lock"))
        self._lock = threading.RLock()
        self.set_aside_to: Path | None = None
        self.carried: list[str] = []  # what was carried over from a set-aside catalog
        self._photos_cache: tuple[object, list[PhotoInfo]] | None = None  # see photos()
        self._files_changed = 0  # writes to the files of this catalog object, see photos()
        # A full check of the file only when it may not be as the last photoorg left it.
        self._sessions = Sessions(self.path)
        self._needs_check = self._sessions.begin()
        self.checked_because: str | None = None  # why opening it ran a full check (None: none)
        #: Actions whose stopped undo the recovery finished in this process, newest last: the
        #: next plain undo reports that one as its work rather than going on to an older action
        #: (a hostile review: "disk full, try again" was followed by an unasked undo).
        self.finished_undos: list[int] = []
        try:
            try:
                self._db = self._open()
            except CatalogTooNew:
                raise
            except sqlite3.Error as exc:
                if not _damaged(exc):  # full disk, read-only, locked: nothing wrong with the catalog
                    raise CatalogError(
                        f"The catalog {self.path} cannot be opened now ({exc}). Nothing was changed; "
                        "free some disk space or check the folder's permissions, then try again."
                    ) from exc
                self._replace_damaged(str(exc))
            except CatalogError as exc:  # not a photoorg catalog, or SQLite found it damaged
                self._replace_damaged(str(exc))
        except BaseException:
            self._sessions.end(record=False)  # not opened: nothing to vouch for
            raise

    def _replace_damaged(self, reason: str) -> None:
        """Set the unusable catalog aside (renamed, never deleted), start a new one and carry
        into it what can still be read of the old one."""
        aside = self._set_aside(reason)
        log.error(
            "catalog %s was unusable (%s); moved it to %s and started a new one", self.path, reason, aside
        )
        self.set_aside_to = aside
        self._photos_cache = None  # another database now
        self._db = self._open()
        self.carried = self._carry_from(aside)

    def _open(self) -> sqlite3.Connection:
        # One thread at a time uses a Catalog, but not always the same one: the app's worker
        # pool may run consecutive tasks on different threads.
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if app_id == APPLICATION_ID and version > SCHEMA_VERSION:
                raise CatalogTooNew(
                    f"The catalog {self.path} was written by a newer version of photoorg (catalog "
                    f"format {version}; this photoorg reads up to {SCHEMA_VERSION}). Install the newer "
                    "photoorg again to use it; the catalog was left untouched."
                )
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id == 0 and version == 0 and tables == 0:
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            elif app_id != APPLICATION_ID:
                raise CatalogError("it is not a photoorg catalog")  # set aside as it is
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            if version > 0 and self._needs_check:
                self.checked_because = self._sessions.why_check
                log.info("checking the catalog %s: %s", self.path, self.checked_because)
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise CatalogError("SQLite reports it damaged")
                self._sessions.checked()
            for target in range(version + 1, SCHEMA_VERSION + 1):
                db.execute("BEGIN IMMEDIATE")
                try:
                    current = db.execute("PRAGMA user_version").fetchone()[0]
                    if current < target:  # another process may have migrated it meanwhile
                        for statement in split_sql(MIGRATIONS[target]):
                            db.execute(statement)
                        db.execute(f"PRAGMA user_version={target}")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                if version > 0:
                    log.info("catalog %s migrated to format %d", self.path, target)
            return db
        except BaseException:
            db.close()
            raise

    def _set_aside(self, reason: str) -> Path:
        return set_aside(
            self.path,
            reason + "; what could still be read was carried into a new catalog",
            companions=("-wal", "-shm"),
        )

    def _carry_from(self, aside: Path) -> list[str]:
        """Copy what can be read of a set-aside catalog into this new one, table by table and
        row by row (a damaged page ends a table's rows early, it does not lose the others).

        Returns the tables carried, with their row counts, for the log and the person.
        """
        try:
            old = sqlite3.connect(f"file:{aside}?mode=ro", uri=True, isolation_level=None)
        except sqlite3.Error:
            return []
        carried = []
        try:
            try:
                # Skip what cannot be parsed of a damaged schema rather than refuse it all.
                old.execute("PRAGMA writable_schema=ON")
                if old.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                    return []  # not ours: nothing to carry
            except sqlite3.Error:
                return []
            for table in (*PERSONS_TABLES, *CACHE_TABLES):
                n = self._carry_table(old, table)
                if n:
                    carried.append(f"{table} ({n})")
        finally:
            old.close()
        if carried:
            log.warning("carried from the unusable catalog %s: %s", aside, ", ".join(carried))
        return carried

    def _carry_table(self, old: sqlite3.Connection, table: str) -> int:
        try:
            old_columns = {r[1] for r in old.execute(f"PRAGMA table_info({table})")}
        except sqlite3.Error:
            return 0
        columns = [r[1] for r in self._db.execute(f"PRAGMA table_info({table})") if r[1] in old_columns]
        if not columns:
            return 0
        names = ", ".join(columns)
        insert = f"INSERT OR IGNORE INTO {table}({names}) VALUES({', '.join('?' * len(columns))})"
        count = 0
        self._db.execute("PRAGMA foreign_keys=OFF")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            rows = old.execute(f"SELECT {names} FROM {table}")
            while True:
                try:
                    row = rows.fetchone()
                except sqlite3.Error as exc:
                    log.warning("reading %s of the unusable catalog stopped: %s", table, exc)
                    break
                if row is None:
                    break
                try:
                    self._db.execute(insert, row)
                    count += 1
                except sqlite3.Error:
                    continue
        except sqlite3.Error as exc:
            log.warning("%s of the unusable catalog could not be read: %s", table, exc)
        self._db.execute("COMMIT")
        self._db.execute("PRAGMA foreign_keys=ON")
        return count

    def close(self) -> None:
        self._db.close()
        self._sessions.end()  # after the connection: the file as it is left

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def add_batch(db: sqlite3.Connection, action: str, summary: str) -> int:
        """A new action (a batch) in ``db``'s open transaction; returns its number. The summary
        is kept as words for a person (catalog.rows.said)."""
        cur = db.execute(
            "INSERT INTO batches(action, summary, created, owner) VALUES(?,?,?,?)",
            (action, said(summary), time.time(), os.getpid()),
        )
        return int(cur.lastrowid)

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction. ``durable``: on the disk when it returns, also through a
        power cut (the write-ahead log synced at the commit): what must be recorded before a
        file is touched. Others (synchronous=NORMAL) may be lost to a power cut, never to a
        crash of photoorg, and each later durable commit makes them durable too."""
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                yield from self._transaction()
            finally:
                if durable:  # (not while a failed rollback left the transaction open: it
                    # would hide the error; FULL then stays, only slower)
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("PRAGMA synchronous=NORMAL")

    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error:
            # A failed commit (a full disk) may leave the transaction open: every later
            # one would fail, also once space is freed (a hostile review, the app's engine).
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (before it is moved or copied)."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def delete_meta(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def move_catalog(old: Path, new: Path) -> bool:
    """Move a catalog (and its write-ahead log) to a new place, once: photoorg 0.1 kept it in
    the cache folder, where cleaners delete it. True when it was moved.

    The caller holds the library lock. The log is folded into the file first, and the file
    itself moves last, so a crash half-way leaves a catalog that opens in one place or the other.
    """
    if new.exists() or not old.exists():
        return False
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(old, isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    except sqlite3.Error as exc:  # a damaged one moves as it is; opening it sets it aside
        log.warning("could not checkpoint %s before moving it: %s", old, exc)
    for suffix in ("-wal", "-shm", ""):
        src, dst = old.with_name(old.name + suffix), new.with_name(new.name + suffix)
        if not src.exists():
            continue
        try:
            os.rename(src, dst)
        except OSError:  # another file system: copy, then swap in, then remove the original
            part = dst.with_name(dst.name + ".part")
            shutil.copy2(src, part)
            os.replace(part, dst)
            os.unlink(src)
    log.info("moved the catalog from %s to %s", old, new)
    return True


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is bad (not a database, or corrupt), rather than
    that it cannot be used right now (locked, read-only, disk full, I/O error)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text
