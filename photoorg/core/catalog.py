"""The catalog: one SQLite file holding what photoorg knows about each photo, and the person's
decisions about them. Every SQL statement of photoorg lives in this module.

- ``files``: one row per photo path: size, mtime, content fingerprint, size in pixels, EXIF
  date taken and camera, or the reason it could not be read.
- ``vectors``: embeddings keyed by (fingerprint, model). A moved or renamed photo has the same
  fingerprint and so keeps its vector; a different model never mixes with another's vectors.
- ``models``: the model keys (model id + revision + preprocessing version + dtype).
- ``decisions``: "not duplicates" / "keep both", by content.
- ``groups`` and ``group_members``: groups of similar photos with a stable id and the name the
  person gave them; members by fingerprint.
- ``batches`` and ``journal``: every file action, file by file, for undo and crash recovery.

WAL journal, ``PRAGMA user_version`` as the schema version with forward migrations (tested
from a catalog the previous release wrote), one transaction per batch. A file that is not a
photoorg catalog, or is damaged, is renamed aside (never deleted), a fresh catalog is built,
and whatever can still be read of the old one is carried over. A catalog written by a newer
photoorg is refused and left as it is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from photoorg.core.errors import CatalogError, CatalogTooNew
from photoorg.core.lock import LibraryLock
from photoorg.core.paths import set_aside, under_test
from photoorg.core.sessions import Sessions
from photoorg.core.videos import VIDEO_FORMATS

log = logging.getLogger(__name__)

APPLICATION_ID = 0x70686F72  # "phor"
SCHEMA_VERSION = 7

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE files (
        id          INTEGER PRIMARY KEY,
        path        TEXT NOT NULL UNIQUE,  -- str; BLOB (raw bytes) for names that are not UTF-8
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        fingerprint TEXT,                  -- blake2b-128 of the content, hex
        width       INTEGER,
        height      INTEGER,
        format      TEXT,
        taken       TEXT,                  -- ISO 8601 from EXIF
        camera      TEXT,
        failure     TEXT,                  -- why it could not be read; NULL when fine
        updated_at  REAL NOT NULL
    );
    CREATE INDEX files_fingerprint ON files(fingerprint);
    CREATE TABLE models (
        id       INTEGER PRIMARY KEY,
        key      TEXT NOT NULL UNIQUE,
        name     TEXT NOT NULL,
        revision TEXT NOT NULL,
        dtype    TEXT NOT NULL,
        dim      INTEGER NOT NULL,
        created  REAL NOT NULL
    );
    CREATE TABLE content_hashes (
        fingerprint TEXT PRIMARY KEY,
        phash       INTEGER NOT NULL        -- 64-bit DCT perceptual hash of the upright picture
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
        fingerprint_a TEXT NOT NULL,        -- the smaller of the two fingerprints
        fingerprint_b TEXT NOT NULL,
        decision      TEXT NOT NULL,        -- 'not_duplicates' or 'keep_both'
        created       REAL NOT NULL,
        PRIMARY KEY (fingerprint_a, fingerprint_b)
    ) WITHOUT ROWID;
    CREATE TABLE batches (
        id       INTEGER PRIMARY KEY,
        action   TEXT NOT NULL,            -- trash, move or copy
        summary  TEXT NOT NULL,            -- what the person asked for, in words
        created  REAL NOT NULL,
        undone   REAL                      -- when it was undone
    );
    CREATE TABLE journal (
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),
        action      TEXT NOT NULL,
        state       TEXT NOT NULL,         -- planned, done, failed, undone
        source      TEXT NOT NULL,
        target      TEXT,                  -- destination, or the file's place in the trash
        trash_info  TEXT,                  -- freedesktop .trashinfo of a trashed file
        file_row    TEXT,                  -- the catalog row (JSON), to restore it on undo
        error       TEXT,
        updated     REAL NOT NULL
    );
    CREATE INDEX journal_batch ON journal(batch);
    CREATE TABLE vectors (
        fingerprint TEXT NOT NULL,
        model_id    INTEGER NOT NULL REFERENCES models(id),
        vector      BLOB NOT NULL,         -- float32, little endian, L2-normalised
        PRIMARY KEY (fingerprint, model_id)
    ) WITHOUT ROWID;
    """,
    # 2: groups with an identity and the person's names; a journal that can prove what it
    # wrote (content of each file, the temporary file of a copy, the file it placed) and that
    # undoes file by file.
    2: """
    CREATE TABLE groups (
        id        INTEGER PRIMARY KEY,
        name      TEXT,                    -- the person's name for it; NULL: none given
        active    INTEGER NOT NULL,        -- 1: in the latest grouping; 0: kept for its name
        coherence REAL NOT NULL DEFAULT 0, -- mean similarity of two members
        created   REAL NOT NULL,
        updated   REAL NOT NULL
    );
    CREATE TABLE group_members (
        group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rank        INTEGER NOT NULL,      -- 0: the photo closest to the group's centre
        PRIMARY KEY (group_id, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX group_members_fingerprint ON group_members(fingerprint);
    CREATE TABLE group_edits (            -- the person's changes to the groups, by content
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),  -- undone with it
        kind        TEXT NOT NULL,         -- move (a photo into group_id), exclude (a photo out of
                                           -- group_id), merge (group other_id into group_id)
        fingerprint TEXT,
        group_id    INTEGER NOT NULL,
        other_id    INTEGER
    );
    CREATE INDEX group_edits_batch ON group_edits(batch);
    CREATE TABLE albums (                  -- what the person means: "the dog", "receipts"
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL,
        batch   INTEGER NOT NULL REFERENCES batches(id),  -- made by; undone with it
        created REAL NOT NULL
    );
    CREATE TABLE album_changes (           -- photos taught, accepted, rejected, by content
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),
        album_id    INTEGER NOT NULL REFERENCES albums(id),
        fingerprint TEXT NOT NULL,
        role        TEXT NOT NULL          -- example, member (an accepted suggestion), rejected,
                                           -- removed (out of the album again)
    );
    CREATE INDEX album_changes_album ON album_changes(album_id);
    CREATE TABLE made_folders (            -- folders a move or copy created: its undo removes
        batch INTEGER NOT NULL REFERENCES batches(id),  -- them again once they are empty
        path  TEXT NOT NULL
    );
    CREATE TABLE pruned_folders (          -- folders an organize removed once it had emptied
        batch INTEGER NOT NULL REFERENCES batches(id),  -- them: its undo makes them again,
        path  TEXT NOT NULL,                            -- with their permissions
        mode  INTEGER NOT NULL
    );
    CREATE TABLE group_name_hints (       -- names from settings.json of photoorg 0.1, by the
        fingerprint TEXT PRIMARY KEY,      -- fingerprint of the named group's central photo;
        name        TEXT NOT NULL          -- given to the group that holds it, then dropped
    ) WITHOUT ROWID;
    ALTER TABLE batches ADD COLUMN owner INTEGER;      -- pid of the process that ran it
    ALTER TABLE journal ADD COLUMN fingerprint TEXT;   -- content of the file the step moves
    ALTER TABLE journal ADD COLUMN size INTEGER;
    ALTER TABLE journal ADD COLUMN temp TEXT;          -- temporary file a copy is written to
    ALTER TABLE journal ADD COLUMN placed TEXT;        -- "dev:ino" of the file photoorg placed
    ALTER TABLE journal ADD COLUMN undo_target TEXT;   -- where an undo puts the file back
    ALTER TABLE journal ADD COLUMN undo_error TEXT;    -- why the file could not be put back
    UPDATE journal SET fingerprint = json_extract(file_row, '$.fingerprint'),
                       size = json_extract(file_row, '$.size')
        WHERE file_row IS NOT NULL AND json_valid(file_row);
    CREATE INDEX journal_state ON journal(state);
    """,
    # 3: a step that writes a file in place (an album's keyword into an XMP sidecar) journals
    # the content it wrote, so undo can tell its own version from a later edit.
    3: """
    ALTER TABLE journal ADD COLUMN wrote TEXT;         -- content photoorg wrote at the source
    """,
    # 4: the colour and detail of each picture, which the perceptual hash cannot see (plain
    # colours, dark shots); filled by scans, and for older rows when a duplicate search needs it.
    4: """
    ALTER TABLE content_hashes ADD COLUMN tone BLOB;   -- 4 float32: mean R, G, B, detail (0..1)
    """,
    # 5: the similar pairs of the last duplicate search, kept while the photos, vectors and
    # thresholds stay the same: a start of an unchanged library needs no search (40 s at 20k).
    5: """
    CREATE TABLE similar_pairs (
        signature TEXT NOT NULL,           -- what the search was made from (duplicates.py)
        first     BLOB NOT NULL,           -- int32 row numbers, second > first
        second    BLOB NOT NULL,
        sims      BLOB NOT NULL            -- float32 cosine similarities
    );
    """,
    # 6: "same image" candidates compared pixel by pixel (pixelcheck.py), by content: each pair
    # is decoded and aligned once, not at every duplicate search.
    6: """
    CREATE TABLE pixel_checks (
        first   TEXT NOT NULL,             -- fingerprints, first < second
        second  TEXT NOT NULL,
        version INTEGER NOT NULL,          -- pixelcheck.VERSION that measured it
        change  REAL NOT NULL,             -- largest local difference, 0..1
        PRIMARY KEY (first, second)
    ) WITHOUT ROWID;
    """,
    # 7: which photos the kept pairs' row numbers stand for, so that the next search compares
    # only the photos added (and those that lost a partner) with the library (neighbours.py).
    7: """
    ALTER TABLE similar_pairs ADD COLUMN made TEXT;           -- what the search was made with
    ALTER TABLE similar_pairs ADD COLUMN fingerprints BLOB;   -- the rows' contents, one a line
    """,
}

#: The tables that hold the person's own work, carried out of a damaged catalog first.
_PERSONS_TABLES = (
    "decisions",
    "groups",
    "group_members",
    "group_name_hints",
    "batches",
    "journal",
    "group_edits",
    "albums",
    "album_changes",
    "made_folders",
    "pruned_folders",
)
#: Then what can be rebuilt, but at the cost of an hour of embedding.
_CACHE_TABLES = ("meta", "models", "vectors", "content_hashes", "files")


def fingerprint(data: bytes) -> str:
    """Content fingerprint of a whole file's bytes: BLAKE2b-128, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint_file(path: str) -> str:
    """The same fingerprint, reading the file in 1 MB chunks."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def path_to_db(path: str) -> str | bytes:
    """Paths that cannot be UTF-8 encoded (undecodable names) are stored as their raw bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def path_from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _opt_path(value: str | bytes | None) -> str | None:
    return None if value is None else path_from_db(value)


@dataclass(slots=True)
class FileState:
    """What the catalog last recorded about a path."""

    id: int
    size: int
    mtime_ns: int
    fingerprint: str | None
    failure: str | None


@dataclass(slots=True)
class FileRow:
    """One photo's row, as written after a scan step."""

    path: str
    size: int
    mtime_ns: int
    fingerprint: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    taken: str | None = None
    camera: str | None = None
    failure: str | None = None

    def to_json(self) -> str:
        keys = ("path", "size", "mtime_ns", "fingerprint", "width", "height", "format", "taken", "camera")
        return json.dumps({k: getattr(self, k) for k in keys})

    @classmethod
    def from_json(cls, text: str) -> FileRow:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """A catalogued photo, as groups and duplicate sets describe it."""

    path: str
    fingerprint: str
    size: int
    mtime_ns: int
    width: int | None
    height: int | None
    format: str | None
    taken: str | None
    camera: str | None
    phash: int | None
    tone: tuple[float, ...] | None = None  # mean R, G, B and detail (imaging.tone)

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    @property
    def is_video(self) -> bool:
        return self.format in VIDEO_FORMATS


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: int
    key: str
    name: str
    revision: str
    dtype: str
    dim: int


@dataclass(frozen=True)
class BatchInfo:
    """One file action as ``history`` lists it."""

    id: int
    action: str
    summary: str
    created: float
    undone: float | None
    files: int  # files it moved, trashed or copied
    undone_files: int = 0
    not_undone: int = 0  # files an undo could not put back (see the journal's undo_error)
    changes: int = 0  # changes to the groups or albums (no file moves in such an action)


@dataclass
class JournalEntry:
    """One file of a file action, as the journal records it."""

    id: int
    batch: int
    action: str
    state: str  # planned, done, failed, undoing, undone, undo_failed
    source: str
    target: str | None
    trash_info: str | None
    file_row: FileRow | None
    error: str | None
    fingerprint: str | None
    size: int | None
    temp: str | None
    placed: str | None
    undo_target: str | None
    undo_error: str | None
    wrote: str | None = None  # content written in place (an XMP sidecar's new version)


@dataclass(frozen=True)
class StoredGroup:
    """A group as the catalog keeps it between groupings."""

    id: int
    name: str | None
    active: bool
    coherence: float
    members: list[str] = field(default_factory=list)  # fingerprints, closest to the centre first


_JOURNAL_COLUMNS = (
    "id, batch, action, state, source, target, trash_info, file_row, error, fingerprint, size, temp,"
    " placed, undo_target, undo_error, wrote"
)
_JOURNAL_UPDATABLE = frozenset(
    {"state", "target", "trash_info", "error", "temp", "placed", "undo_target", "undo_error", "wrote"}
)
_PATH_COLUMNS = frozenset({"source", "target", "trash_info", "temp", "undo_target"})


def _entry(row: Sequence) -> JournalEntry:
    return JournalEntry(
        id=row[0],
        batch=row[1],
        action=row[2],
        state=row[3],
        source=path_from_db(row[4]),
        target=_opt_path(row[5]),
        trash_info=_opt_path(row[6]),
        file_row=FileRow.from_json(row[7]) if row[7] else None,
        error=row[8],
        fingerprint=row[9],
        size=row[10],
        temp=_opt_path(row[11]),
        placed=row[12],
        undo_target=_opt_path(row[13]),
        undo_error=row[14],
        wrote=row[15],
    )


class Catalog:
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

    # -- opening ---------------------------------------------------------------------------
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
                        for statement in _split_sql(_MIGRATIONS[target]):
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
            for table in (*_PERSONS_TABLES, *_CACHE_TABLES):
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

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (before it is moved or copied)."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    # -- models ----------------------------------------------------------------------------
    def model(self, key: str, name: str, revision: str, dtype: str, dim: int) -> ModelInfo:
        """The model row for ``key``, created on first use."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO models(key, name, revision, dtype, dim, created) VALUES(?,?,?,?,?,?) "
                "ON CONFLICT(key) DO NOTHING",
                (key, name, revision, dtype, dim, time.time()),
            )
        found = self.find_model(key)
        assert found is not None
        return found

    def find_model(self, key: str) -> ModelInfo | None:
        row = self._db.execute(
            "SELECT id, key, name, revision, dtype, dim FROM models WHERE key=?", (key,)
        ).fetchone()
        return ModelInfo(*row) if row else None

    def models(self) -> list[ModelInfo]:
        rows = self._db.execute("SELECT id, key, name, revision, dtype, dim FROM models ORDER BY id")
        return [ModelInfo(*r) for r in rows]

    def vector_counts(self) -> dict[int, int]:
        """How many contents each model has vectors for."""
        rows = self._db.execute("SELECT model_id, count(*) FROM vectors GROUP BY model_id")
        return {int(m): int(n) for m, n in rows}

    # -- files -----------------------------------------------------------------------------
    def file_states(self) -> dict[str, FileState]:
        rows = self._db.execute("SELECT path, id, size, mtime_ns, fingerprint, failure FROM files")
        return {path_from_db(r[0]): FileState(*r[1:]) for r in rows}

    def fingerprints_with_vectors(self, model_id: int) -> set[str]:
        rows = self._db.execute("SELECT fingerprint FROM vectors WHERE model_id=?", (model_id,))
        return {r[0] for r in rows}

    def write_batch(
        self,
        rows: Sequence[FileRow],
        vectors: Iterable[tuple[str, np.ndarray]] = (),
        model_id: int | None = None,
        hashes: Iterable[tuple[Any, ...]] = (),  # (fingerprint, phash[, tone])
        gone: Iterable[str] = (),
    ) -> None:
        """Record file rows, new vectors and perceptual hashes, and forget ``gone`` paths, in
        one transaction."""
        now = time.time()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO content_hashes(fingerprint, phash, tone) VALUES(?,?,?)",
                [(fp, ph, *([_tone_blob(rest[0])] if rest else [None])) for fp, ph, *rest in hashes],
            )
            db.executemany(
                "INSERT INTO files(path, size, mtime_ns, fingerprint, width, height, format, taken,"
                " camera, failure, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,"
                " fingerprint=excluded.fingerprint, width=excluded.width, height=excluded.height,"
                " format=excluded.format, taken=excluded.taken, camera=excluded.camera,"
                " failure=excluded.failure, updated_at=excluded.updated_at",
                [
                    (
                        path_to_db(r.path),
                        r.size,
                        r.mtime_ns,
                        r.fingerprint,
                        r.width,
                        r.height,
                        r.format,
                        r.taken,
                        r.camera,
                        r.failure,
                        now,
                    )
                    for r in rows
                ],
            )
            if model_id is not None:
                db.executemany(
                    "INSERT OR REPLACE INTO vectors(fingerprint, model_id, vector) VALUES(?,?,?)",
                    [(fp, model_id, np.asarray(v, dtype="<f4").tobytes()) for fp, v in vectors],
                )
            db.executemany("DELETE FROM files WHERE path=?", [(path_to_db(p),) for p in gone])
        self._files_changed += 1  # after the commit: see photos()

    def remove_paths(self, paths: Iterable[str]) -> int:
        """Forget these paths (the files are gone). Vectors stay: they are keyed by content."""
        with self.transaction() as db:
            cur = db.executemany("DELETE FROM files WHERE path=?", [(path_to_db(p),) for p in paths])
        self._files_changed += 1
        return cur.rowcount

    def file_row(self, path: str) -> FileRow | None:
        """The readable photo catalogued at ``path`` (None: not catalogued, or unreadable)."""
        r = self._db.execute(
            "SELECT path, size, mtime_ns, fingerprint, width, height, format, taken, camera"
            " FROM files WHERE path=? AND failure IS NULL",
            (path_to_db(path),),
        ).fetchone()
        return FileRow(path_from_db(r[0]), *r[1:]) if r else None

    def paths_with_fingerprints(self, fingerprints: Iterable[str]) -> dict[str, list[str]]:
        """Every catalogued path of each of these contents."""
        out: dict[str, list[str]] = {}
        for fp in set(fingerprints):
            rows = self._db.execute("SELECT path FROM files WHERE fingerprint=? AND failure IS NULL", (fp,))
            out[fp] = sorted(path_from_db(r[0]) for r in rows)
        return out

    def follow_move(self, source: str, target: str) -> None:
        """The photo at ``source`` is now at ``target`` (a row already at ``target`` is replaced)."""
        with self.transaction() as db:
            if source != target:
                db.execute("DELETE FROM files WHERE path=?", (path_to_db(target),))
            db.execute("UPDATE files SET path=? WHERE path=?", (path_to_db(target), path_to_db(source)))
        self._files_changed += 1

    def put_row(self, row: FileRow) -> None:
        """Record one photo's row (a copy photoorg made, or a photo an undo put back)."""
        self.write_batch([row])

    def failures(self, under: Sequence[str] | None = None) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT path, failure FROM files WHERE failure IS NOT NULL ORDER BY path")
        result = [(path_from_db(p), f) for p, f in rows]
        inside = under_test(under) if under is not None else None
        return [r for r in result if inside is None or inside(r[0])]

    def count_files(self) -> int:
        return self._db.execute("SELECT count(*) FROM files").fetchone()[0]

    def vectors(self, model_id: int, under: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
        """Paths and their (N, dim) float32 vectors for one model, optionally under folders."""
        info = next(m for m in self.models() if m.id == model_id)
        rows = self._db.execute(
            "SELECT f.path, v.vector FROM files f JOIN vectors v"
            " ON v.fingerprint = f.fingerprint AND v.model_id = ? ORDER BY f.path",
            (model_id,),
        )
        paths: list[str] = []
        blobs: list[bytes] = []
        inside = under_test(under) if under is not None else None
        for p, blob in rows:
            path = path_from_db(p)
            if inside is None or inside(path):
                paths.append(path)
                blobs.append(blob)
        return paths, _matrix(blobs, info.dim)

    def photos(self, under: Sequence[str] | None = None) -> list[PhotoInfo]:
        """Every readable, fingerprinted photo (optionally under folders), ordered by path.

        The last answer is kept until the photos change (a change of this catalog object to
        its files, counted after each commit by the only three methods that write them, or any
        commit of another connection: another photoorg), so that reading a 100k-photo library
        again costs nothing (0.65 s otherwise: an album's answer loop reads it each time).
        """
        key = (
            None if under is None else tuple(under),
            self._files_changed,
            self._db.execute("PRAGMA data_version").fetchone()[0],
        )
        cached = self._photos_cache
        if cached is not None and cached[0] == key:
            return list(cached[1])
        rows = self._db.execute(
            "SELECT f.path, f.fingerprint, f.size, f.mtime_ns, f.width, f.height, f.format, f.taken,"
            " f.camera, h.phash, h.tone FROM files f LEFT JOIN content_hashes h USING (fingerprint)"
            " WHERE f.failure IS NULL AND f.fingerprint IS NOT NULL ORDER BY f.path"
        )
        result = [PhotoInfo(path_from_db(r[0]), *r[1:10], _tone(r[10])) for r in rows]
        inside = under_test(under) if under is not None else None
        found = [p for p in result if inside is None or inside(p.path)]
        self._photos_cache = (key, found)
        return list(found)

    def set_tones(self, tones: Iterable[tuple[str, tuple[float, ...]]]) -> None:
        """Record the tone of contents catalogued before photoorg kept it."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE content_hashes SET tone=? WHERE fingerprint=?",
                [(_tone_blob(t), fp) for fp, t in tones],
            )
        self._files_changed += 1

    def vectors_for(self, model_id: int, fingerprints: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The vectors of these contents that exist for a model: (fingerprints found, matrix)."""
        info = next(m for m in self.models() if m.id == model_id)
        wanted = set(fingerprints)
        found: list[str] = []
        blobs: list[bytes] = []
        for fp, blob in self._db.execute(
            "SELECT fingerprint, vector FROM vectors WHERE model_id=? ORDER BY fingerprint", (model_id,)
        ):
            if fp in wanted:
                found.append(fp)
                blobs.append(blob)
        return found, _matrix(blobs, info.dim)

    # -- decisions -------------------------------------------------------------------------
    def set_decision(self, fingerprint_a: str, fingerprint_b: str, decision: str | None) -> None:
        """Remember (or with None, forget) a person's decision about two contents."""
        self.set_decisions([(fingerprint_a, fingerprint_b)], decision)

    def set_decisions(self, pairs: Iterable[tuple[str, str]], decision: str | None) -> None:
        """The same for many pairs, in one transaction."""
        ordered = [tuple(sorted(p)) for p in pairs]
        with self.transaction() as db:
            if decision is None:
                db.executemany("DELETE FROM decisions WHERE fingerprint_a=? AND fingerprint_b=?", ordered)
            else:
                now = time.time()
                db.executemany(
                    "INSERT OR REPLACE INTO decisions(fingerprint_a, fingerprint_b, decision, created)"
                    " VALUES(?,?,?,?)",
                    [(a, b, decision, now) for a, b in ordered],
                )

    def decisions(self) -> dict[tuple[str, str], str]:
        rows = self._db.execute("SELECT fingerprint_a, fingerprint_b, decision FROM decisions")
        return {(a, b): d for a, b, d in rows}

    # -- groups ----------------------------------------------------------------------------
    def stored_groups(self) -> list[StoredGroup]:
        """Every stored group, active ones first, each with its members (closest first)."""
        members: dict[int, list[str]] = {}
        for gid, fp in self._db.execute(
            "SELECT group_id, fingerprint FROM group_members ORDER BY group_id, rank"
        ):
            members.setdefault(gid, []).append(fp)
        rows = self._db.execute("SELECT id, name, active, coherence FROM groups ORDER BY active DESC, id")
        return [
            StoredGroup(gid, name, bool(active), coh, members.get(gid, [])) for gid, name, active, coh in rows
        ]

    def save_groups(
        self,
        groups: Sequence[tuple[int | None, Sequence[str], float]],
        retire: Iterable[int],
        signature: str,
        name_hints_used: Iterable[tuple[int | None, str, str]] = (),
    ) -> list[int]:
        """Store a new grouping in one transaction.

        Args:
            groups: (stored id or None for a new group, member fingerprints closest first,
                coherence), one per group of the new grouping.
            retire: stored groups the new grouping did not find. Named ones are kept inactive
                with their last members (a later grouping may find them again); the others go.
            signature: what the grouping was computed from (see ``groups_signature``).
            name_hints_used: (index into ``groups``, hinted fingerprint, name): names carried
                from photoorg 0.1's settings, given to new groups and then dropped.

        Returns:
            The id of each group, in the order given.
        """
        now = time.time()
        ids: list[int] = []
        with self.transaction() as db:
            db.execute("UPDATE groups SET active=0 WHERE active=1")
            for gid in retire:
                db.execute("DELETE FROM groups WHERE id=? AND name IS NULL", (gid,))
            for gid, members, coherence in groups:
                if gid is None:
                    cur = db.execute(
                        "INSERT INTO groups(name, active, coherence, created, updated) VALUES(NULL,1,?,?,?)",
                        (coherence, now, now),
                    )
                    gid = int(cur.lastrowid)
                else:
                    db.execute(
                        "UPDATE groups SET active=1, coherence=?, updated=? WHERE id=?", (coherence, now, gid)
                    )
                db.execute("DELETE FROM group_members WHERE group_id=?", (gid,))
                db.executemany(
                    "INSERT INTO group_members(group_id, fingerprint, rank) VALUES(?,?,?)",
                    [(gid, fp, rank) for rank, fp in enumerate(members)],
                )
                ids.append(gid)
            for index, fp, name in name_hints_used:
                if index is not None:
                    db.execute("UPDATE groups SET name=? WHERE id=? AND name IS NULL", (name, ids[index]))
                db.execute("DELETE FROM group_name_hints WHERE fingerprint=?", (fp,))
            db.execute(
                "INSERT INTO meta(key, value) VALUES('groups-signature', ?)"
                " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (signature,),
            )
        return ids

    def groups_signature(self) -> str | None:
        return self.get_meta("groups-signature")

    def similar_pairs(self, signature: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The pairs the last duplicate search found, if it was made from ``signature``."""
        row = self._db.execute(
            "SELECT first, second, sims FROM similar_pairs WHERE signature=?", (signature,)
        ).fetchone()
        if row is None:
            return None
        ii, jj, sims = (np.frombuffer(b, dtype=t) for b, t in zip(row, ("<i4", "<i4", "<f4"), strict=True))
        return ii.astype(np.int64), jj.astype(np.int64), sims.astype(np.float32)

    def pixel_checks(self, pairs: Iterable[tuple[str, str]], version: int) -> dict[tuple[str, str], float]:
        """The kept local changes of these pairs of contents (each ``(first, second)`` with
        first < second), measured by ``version`` of the check."""
        found: dict[tuple[str, str], float] = {}
        wanted = list(pairs)
        for k in range(0, len(wanted), 400):
            chunk = wanted[k : k + 400]
            clause = " OR ".join(["(first=? AND second=?)"] * len(chunk))
            for first, second, change in self._db.execute(
                f"SELECT first, second, change FROM pixel_checks WHERE version=? AND ({clause})",
                (version, *(fp for pair in chunk for fp in pair)),
            ):
                found[(first, second)] = change
        return found

    def keep_pixel_checks(self, rows: Iterable[tuple[str, str, float]], version: int) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pixel_checks(first, second, version, change) VALUES(?,?,?,?)",
                [(a, b, version, change) for a, b, change in rows],
            )

    def keep_similar_pairs(
        self,
        signature: str,
        ii: np.ndarray,
        jj: np.ndarray,
        sims: np.ndarray,
        made: str | None = None,
        fingerprints: Sequence[str] = (),
    ) -> None:
        """Keep a search's pairs (only the last search's: they are a cache), with what they
        were ``made`` with and the ``fingerprints`` of their rows (:meth:`last_similar_pairs`)."""
        with self.transaction() as db:
            db.execute("DELETE FROM similar_pairs")
            db.execute(
                "INSERT INTO similar_pairs(signature, first, second, sims, made, fingerprints)"
                " VALUES(?,?,?,?,?,?)",
                (
                    signature,
                    ii.astype("<i4").tobytes(),
                    jj.astype("<i4").tobytes(),
                    sims.astype("<f4").tobytes(),
                    made,
                    "\n".join(fingerprints).encode() if made else None,
                ),
            )

    def last_similar_pairs(self, made: str) -> tuple[list[str], tuple[np.ndarray, ...]] | None:
        """The last search's pairs and the fingerprints of their rows, if it was ``made`` with
        the same model and thresholds (photos may have come and gone since)."""
        row = self._db.execute(
            "SELECT first, second, sims, fingerprints FROM similar_pairs WHERE made=?", (made,)
        ).fetchone()
        if row is None or row[3] is None:
            return None
        ii, jj, sims = (
            np.frombuffer(b, dtype=t) for b, t in zip(row[:3], ("<i4", "<i4", "<f4"), strict=True)
        )
        fingerprints = bytes(row[3]).decode().split("\n") if row[3] else []
        return fingerprints, (ii.astype(np.int64), jj.astype(np.int64), sims.astype(np.float32))

    def forget_similar_pairs(self) -> None:
        """Drop the last search's pairs, so that the next duplicate search searches afresh."""
        with self.transaction() as db:
            db.execute("DELETE FROM similar_pairs")

    def rename_group(self, group_id: int, name: str | None) -> bool:
        """Give a stored group a name (None or "" takes it away); False if there is no such group."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE groups SET name=?, updated=? WHERE id=?", (name or None, time.time(), group_id)
            )
            return cur.rowcount > 0

    def group_name_hints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT fingerprint, name FROM group_name_hints"))

    def add_group_name_hints(self, names: dict[str, str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO group_name_hints(fingerprint, name) VALUES(?,?)", list(names.items())
            )

    # -- the journal -----------------------------------------------------------------------
    def begin_batch(self, action: str, summary: str) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO batches(action, summary, created, owner) VALUES(?,?,?,?)",
                (action, summary, time.time(), os.getpid()),
            )
            return int(cur.lastrowid)

    def journal_add(
        self,
        batch: int,
        action: str,
        source: str,
        target: str | None,
        file_row: FileRow | None,
        fingerprint: str | None = None,
        size: int | None = None,
    ) -> int:
        """Journal one file as planned, before anything happens to it: its catalog row (a
        photo), or its content (a sidecar that travels with one)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO journal(batch, action, state, source, target, file_row, fingerprint, size,"
                " updated) VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    batch,
                    action,
                    "planned",
                    path_to_db(source),
                    path_to_db(target) if target else None,
                    file_row.to_json() if file_row else None,
                    file_row.fingerprint if file_row else fingerprint,
                    file_row.size if file_row else size,
                    time.time(),
                ),
            )
            return int(cur.lastrowid)

    def journal_update(self, entry: int, **fields: object) -> None:
        """Record a step's progress: state, target, trash_info, temp, placed, errors."""
        unknown = set(fields) - _JOURNAL_UPDATABLE
        if unknown:
            raise ValueError(f"not journal fields: {sorted(unknown)}")
        names = sorted(fields)
        values = [
            path_to_db(fields[k]) if k in _PATH_COLUMNS and isinstance(fields[k], str) else fields[k]
            for k in names
        ]
        sets = ", ".join(f"{k}=?" for k in names)
        with self.transaction() as db:
            db.execute(f"UPDATE journal SET {sets}, updated=? WHERE id=?", (*values, time.time(), entry))

    def drop_batch_if_nothing_done(self, batch: int) -> bool:
        """Forget an action in which no file was moved, trashed or copied: there is nothing to
        undo, so it must not take up the next undo. True when it was dropped."""
        with self.transaction() as db:
            n = db.execute(
                "SELECT count(*) FROM journal WHERE batch=? AND state NOT IN ('failed')", (batch,)
            ).fetchone()[0]
            if n:
                return False
            db.execute("DELETE FROM journal WHERE batch=?", (batch,))
            db.execute("DELETE FROM made_folders WHERE batch=?", (batch,))
            db.execute("DELETE FROM pruned_folders WHERE batch=?", (batch,))
            db.execute("DELETE FROM batches WHERE id=?", (batch,))
            return True

    def batch_action(self, batch: int) -> str | None:
        row = self._db.execute("SELECT action FROM batches WHERE id=?", (batch,)).fetchone()
        return row[0] if row else None

    def latest_undoable_batch(self) -> int | None:
        """The newest action with files still to put back (an interrupted undo continues), or
        group change not undone yet."""
        row = self._db.execute(
            "SELECT max(b) FROM (SELECT max(batch) AS b FROM journal WHERE state IN ('done', 'undoing')"
            " UNION ALL SELECT max(id) FROM batches WHERE action IN ('group', 'album') AND undone IS NULL)"
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def files_left_behind(self, after: int = 0) -> list[tuple[int, int]]:
        """(action, files) of the actions after ``after`` with files an undo could not put
        back, newest first: a plain undo goes on with older actions, so it says so."""
        rows = self._db.execute(
            "SELECT batch, count(*) FROM journal WHERE state='undo_failed' AND batch > ?"
            " GROUP BY batch ORDER BY batch DESC",
            (after,),
        )
        return [(int(b), int(n)) for b, n in rows]

    # -- changes the person made to the groups --------------------------------------------------
    def add_group_edits(self, summary: str, edits: Sequence[tuple[str, str | None, int, int | None]]) -> int:
        """Record group changes (kind, fingerprint, group id, other group id) as one undoable
        action; returns its number."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO batches(action, summary, created, owner) VALUES('group',?,?,?)",
                (summary, time.time(), os.getpid()),
            )
            batch = int(cur.lastrowid)
            db.executemany(
                "INSERT INTO group_edits(batch, kind, fingerprint, group_id, other_id) VALUES(?,?,?,?,?)",
                [(batch, *edit) for edit in edits],
            )
        return batch

    # -- albums ------------------------------------------------------------------------------
    def create_album(self, name: str, summary: str) -> tuple[int, int]:
        """A new album (undoable); returns (its id, the action's number)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO batches(action, summary, created, owner) VALUES('album',?,?,?)",
                (summary, time.time(), os.getpid()),
            )
            batch = int(cur.lastrowid)
            cur = db.execute(
                "INSERT INTO albums(name, batch, created) VALUES(?,?,?)", (name, batch, time.time())
            )
            return int(cur.lastrowid), batch

    def change_album(
        self, album_id: int, fingerprints: Iterable[str], role: str, summary: str, batch: int | None = None
    ) -> int:
        """Photos taught to an album (example), accepted (member), rejected or taken out
        (removed), by content, as one undoable action (or as part of ``batch``)."""
        with self.transaction() as db:
            if batch is None:
                cur = db.execute(
                    "INSERT INTO batches(action, summary, created, owner) VALUES('album',?,?,?)",
                    (summary, time.time(), os.getpid()),
                )
                batch = int(cur.lastrowid)
            db.executemany(
                "INSERT INTO album_changes(batch, album_id, fingerprint, role) VALUES(?,?,?,?)",
                [(batch, album_id, fp, role) for fp in fingerprints],
            )
        return batch

    def later_changes_to_albums_made_by(self, batch: int) -> list[int]:
        """The actions after ``batch`` that only changed albums ``batch`` made (and are not
        undone): once the album is undone, they have nothing left to change."""
        made = "SELECT id FROM albums WHERE batch=?"
        rows = self._db.execute(
            "SELECT DISTINCT c.batch FROM album_changes c JOIN batches b ON b.id = c.batch"
            f" WHERE c.album_id IN ({made}) AND c.batch > ? AND b.undone IS NULL"
            f" AND NOT EXISTS (SELECT 1 FROM album_changes d WHERE d.batch = c.batch"
            f"   AND d.album_id NOT IN ({made})) ORDER BY c.batch",
            (batch, batch, batch),
        )
        return [r[0] for r in rows]

    def albums(self) -> list[tuple[int, str, dict[str, str]]]:
        """Every album in force: (id, name, fingerprint -> its role now), oldest first."""
        albums = self._db.execute(
            "SELECT a.id, a.name FROM albums a JOIN batches b ON b.id = a.batch"
            " WHERE b.undone IS NULL ORDER BY a.id"
        ).fetchall()
        roles: dict[int, dict[str, str]] = {aid: {} for aid, _ in albums}
        for aid, fp, role in self._db.execute(
            "SELECT c.album_id, c.fingerprint, c.role FROM album_changes c JOIN batches b ON b.id = c.batch"
            " WHERE b.undone IS NULL ORDER BY c.id"
        ):
            if aid in roles:
                roles[aid][fp] = role
        return [
            (aid, name, {fp: r for fp, r in roles[aid].items() if r != "removed"}) for aid, name in albums
        ]

    def group_edits(self) -> list[tuple[str, str | None, int, int | None]]:
        """The group changes in force (not undone), oldest first."""
        rows = self._db.execute(
            "SELECT e.kind, e.fingerprint, e.group_id, e.other_id FROM group_edits e"
            " JOIN batches b ON b.id = e.batch WHERE b.undone IS NULL ORDER BY e.id"
        )
        return [tuple(r) for r in rows]

    def journal_entries(self, batch: int | None = None, states: Sequence[str] = ()) -> list[JournalEntry]:
        """Journal entries of one batch (or all), newest first, optionally in these states."""
        where, args = [], []
        if batch is not None:
            where.append("batch=?")
            args.append(batch)
        if states:
            where.append(f"state IN ({', '.join('?' * len(states))})")
            args.extend(states)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(f"SELECT {_JOURNAL_COLUMNS} FROM journal{clause} ORDER BY id DESC", args)
        return [_entry(r) for r in rows]

    def add_made_folders(self, batch: int, folders: Sequence[str]) -> None:
        """Remember folders an action is about to create (before: a kill in between leaves
        at worst an empty folder to remove that another program made meanwhile)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO made_folders(batch, path) VALUES(?,?)", [(batch, f) for f in folders])

    def add_pruned_folders(self, batch: int, folders: Sequence[tuple[str, int]]) -> None:
        """Remember the folders (and their permission bits) an organize removed when empty."""
        with self.transaction() as db:
            db.executemany("INSERT INTO pruned_folders(batch, path, mode) VALUES(?,?,?)",
                           [(batch, f, mode) for f, mode in folders])  # fmt: skip

    def pruned_folders(self, batch: int) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT path, mode FROM pruned_folders WHERE batch=? ORDER BY rowid", (batch,)
        )
        return [(r[0], int(r[1])) for r in rows]

    def made_folders(self, batch: int) -> list[str]:
        rows = self._db.execute("SELECT path FROM made_folders WHERE batch=? ORDER BY rowid", (batch,))
        return [r[0] for r in rows]

    def mark_batch_undone(self, batch: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE batches SET undone=? WHERE id=? AND undone IS NULL", (time.time(), batch))

    def last_undone_batch(self) -> BatchInfo | None:
        """The action undone last, if nothing was done since its undo (what Redo does again)."""
        row = self._db.execute(
            "SELECT id, undone FROM batches WHERE undone IS NOT NULL ORDER BY undone DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        later = self._db.execute("SELECT 1 FROM batches WHERE created > ? LIMIT 1", (row[1],)).fetchone()
        return None if later else self.batch_info(int(row[0]))

    def batch_info(self, batch: int) -> BatchInfo | None:
        found = self._batches("WHERE b.id=?", (batch,))
        return found[0] if found else None

    def batches(self, limit: int | None = 50) -> tuple[list[BatchInfo], int]:
        """The newest file actions (all with ``limit`` None), and how many there are in all."""
        total = self._db.execute("SELECT count(*) FROM batches").fetchone()[0]
        clause, args = ("LIMIT ?", (limit,)) if limit is not None else ("", ())
        return self._batches(f"ORDER BY b.id DESC {clause}", args), int(total)

    def _batches(self, clause: str, args: Sequence[object]) -> list[BatchInfo]:
        rows = self._db.execute(
            "SELECT b.id, b.action, b.summary, b.created, b.undone,"
            " (SELECT count(*) FROM journal j WHERE j.batch=b.id"
            "   AND j.state IN ('done','undoing','undone','undo_failed')),"
            " (SELECT count(*) FROM journal j WHERE j.batch=b.id AND j.state='undone'),"
            " (SELECT count(*) FROM journal j WHERE j.batch=b.id AND j.state='undo_failed'),"
            " (SELECT count(*) FROM group_edits e WHERE e.batch=b.id)"
            " + (SELECT count(*) FROM album_changes c WHERE c.batch=b.id)"
            f" FROM batches b {clause}",
            args,
        )
        return [BatchInfo(*r) for r in rows]

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


def _tone_blob(tone: tuple[float, ...] | None) -> bytes | None:
    return None if tone is None else np.asarray(tone, dtype="<f4").tobytes()


def _tone(blob: bytes | None) -> tuple[float, ...] | None:
    return None if blob is None else tuple(float(v) for v in np.frombuffer(blob, dtype="<f4"))


def _matrix(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stack float32 vector blobs into a writable (n, dim) array without an extra copy."""
    out = np.empty((len(blobs), dim), dtype=np.float32)
    for row, blob in zip(out, blobs, strict=True):
        row[:] = np.frombuffer(blob, dtype="<f4")
    return out


def _split_sql(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
