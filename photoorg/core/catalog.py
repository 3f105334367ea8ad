"""The catalog: one SQLite file holding what photoorg knows about each photo.

- ``files``: one row per photo path: size, mtime, content fingerprint, size in pixels, EXIF
  date taken and camera, or the reason it could not be read.
- ``vectors``: embeddings keyed by (fingerprint, model). A moved or renamed photo has the same
  fingerprint and so keeps its vector; a different model never mixes with another's vectors.
- ``models``: the model keys (model id + revision + preprocessing version + dtype).

WAL journal, ``PRAGMA user_version`` as the schema version with forward migrations, one
transaction per batch, one writer. A file that is not a photoorg catalog, or is damaged, is
renamed aside (never deleted) and a fresh catalog is built.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photoorg.core.errors import CatalogError

log = logging.getLogger(__name__)

APPLICATION_ID = 0x70686F72  # "phor"
SCHEMA_VERSION = 1

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
}


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

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: int
    key: str
    name: str
    revision: str
    dtype: str
    dim: int


class Catalog:
    """A connection to the catalog. Use from one thread at a time; one writer at a time."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, CatalogError) as exc:
            aside = self._set_aside(str(exc))
            log.error(
                "catalog %s was unusable (%s); moved it to %s and started a new one", self.path, exc, aside
            )
            self.set_aside_to: Path | None = aside
            self._db = self._open()
        else:
            self.set_aside_to = None

    # -- opening ---------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        # One thread at a time uses a Catalog, but not always the same one: the app's worker
        # pool may run consecutive tasks on different threads.
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id == 0 and version == 0 and tables == 0:
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            elif app_id != APPLICATION_ID:
                raise CatalogError("it is not a photoorg catalog")
            if version > SCHEMA_VERSION:
                raise CatalogError(
                    f"it was written by a newer photoorg (schema {version} > {SCHEMA_VERSION})"
                )
            if version > 0 and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CatalogError("SQLite reports it damaged")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                db.execute("BEGIN IMMEDIATE")
                for statement in _split_sql(_MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={target}")
                db.execute("COMMIT")
            return db
        except BaseException:
            db.close()
            raise

    def _set_aside(self, reason: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.unusable-{stamp}")
        n = 1
        while aside.exists():
            aside = self.path.with_name(f"{self.path.name}.unusable-{stamp}-{n}")
            n += 1
        self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        (aside.with_name(aside.name + ".txt")).write_text(
            f"photoorg could not use this catalog: {reason}\nIt was set aside on {stamp}.\n"
        )
        return aside

    def close(self) -> None:
        self._db.close()

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
        hashes: Iterable[tuple[str, int]] = (),
    ) -> None:
        """Record file rows, new vectors and perceptual hashes in one transaction."""
        now = time.time()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO content_hashes(fingerprint, phash) VALUES(?,?)", list(hashes)
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

    def remove_paths(self, paths: Iterable[str]) -> int:
        """Forget these paths (the files are gone). Vectors stay: they are keyed by content."""
        with self.transaction() as db:
            cur = db.executemany("DELETE FROM files WHERE path=?", [(path_to_db(p),) for p in paths])
            return cur.rowcount

    def failures(self, under: Sequence[str] | None = None) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT path, failure FROM files WHERE failure IS NOT NULL ORDER BY path")
        result = [(path_from_db(p), f) for p, f in rows]
        return [r for r in result if under is None or is_under(r[0], under)]

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
        for p, blob in rows:
            path = path_from_db(p)
            if under is None or is_under(path, under):
                paths.append(path)
                blobs.append(blob)
        return paths, _matrix(blobs, info.dim)

    def photos(self, under: Sequence[str] | None = None) -> list[PhotoInfo]:
        """Every readable, fingerprinted photo (optionally under folders), ordered by path."""
        rows = self._db.execute(
            "SELECT f.path, f.fingerprint, f.size, f.mtime_ns, f.width, f.height, f.format, f.taken,"
            " f.camera, h.phash FROM files f LEFT JOIN content_hashes h USING (fingerprint)"
            " WHERE f.failure IS NULL AND f.fingerprint IS NOT NULL ORDER BY f.path"
        )
        result = [PhotoInfo(path_from_db(r[0]), *r[1:]) for r in rows]
        return [p for p in result if under is None or is_under(p.path, under)]

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
        a, b = sorted((fingerprint_a, fingerprint_b))
        with self.transaction() as db:
            if decision is None:
                db.execute("DELETE FROM decisions WHERE fingerprint_a=? AND fingerprint_b=?", (a, b))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO decisions(fingerprint_a, fingerprint_b, decision, created)"
                    " VALUES(?,?,?,?)",
                    (a, b, decision, time.time()),
                )

    def decisions(self) -> dict[tuple[str, str], str]:
        rows = self._db.execute("SELECT fingerprint_a, fingerprint_b, decision FROM decisions")
        return {(a, b): d for a, b, d in rows}

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def is_under(path: str, folders: Sequence[str]) -> bool:
    """Whether ``path`` is one of ``folders`` or inside one of them."""
    for folder in folders:
        folder = folder.rstrip(os.sep) or os.sep
        if path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep):
            return True
    return False


def _matrix(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stack float32 vector blobs into a writable (n, dim) array without an extra copy."""
    out = np.empty((len(blobs), dim), dtype=np.float32)
    for row, blob in zip(out, blobs, strict=True):
        row[:] = np.frombuffer(blob, dtype="<f4")
    return out


def _split_sql(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
