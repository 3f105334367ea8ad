"""Photos, their files, the models and the vectors."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from photoorg.core.catalog.base import CatalogBase
from photoorg.core.catalog.rows import (
    FileRow,
    FileState,
    ModelInfo,
    PhotoInfo,
    hashes_to_blob,
    path_from_db,
    path_to_db,
    said,
    tone_from_blob,
    tone_to_blob,
    vector_matrix,
)
from photoorg.core.paths import under_test

#: ``sidecars_seen`` of a photo put at a new place: no listing has that value (with sidecars
#: there or none), so the next scan dates it again (a hostile review: a photo moved without its
#: sidecar kept the sidecar's date and "(from …)").
LOOK_AGAIN = -1


class FilesPart(CatalogBase):
    """Photos, their files and their vectors, by model."""

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

    def file_states(self) -> dict[str, FileState]:
        rows = self._db.execute(
            "SELECT path, id, size, mtime_ns, fingerprint, failure, sidecars_seen,"
            " taken IS NOT NULL AND taken_from IS NULL FROM files"
        )
        return {path_from_db(r[0]): FileState(*r[1:7], bool(r[7])) for r in rows}

    def fingerprints_with_vectors(self, model_id: int) -> set[str]:
        rows = self._db.execute("SELECT fingerprint FROM vectors WHERE model_id=?", (model_id,))
        return {r[0] for r in rows}

    def write_batch(
        self,
        rows: Sequence[FileRow],
        vectors: Iterable[tuple[str, np.ndarray]] = (),
        model_id: int | None = None,
        hashes: Iterable[tuple[Any, ...]] = (),  # (fingerprint, phash[, tone[, turns]])
        gone: Iterable[str] = (),
    ) -> None:
        """Record file rows, new vectors and perceptual hashes, and forget ``gone`` paths, in
        one transaction."""
        now = time.time()
        with self.transaction() as db:
            db.executemany(  # a file edited in place: its albums follow it (albums.py)
                "INSERT INTO content_edits(old, new, path, at) SELECT fingerprint, ?, path, ? FROM files"
                " WHERE path=? AND fingerprint IS NOT NULL AND fingerprint != ?",
                [(r.fingerprint, now, path_to_db(r.path), r.fingerprint) for r in rows if r.fingerprint],
            )
            db.executemany(
                "INSERT OR REPLACE INTO content_hashes(fingerprint, phash, tone, turns) VALUES(?,?,?,?)",
                [
                    (fp, ph, tone_to_blob(rest[0] if rest else None), hashes_to_blob(rest[1:]))
                    for fp, ph, *rest in hashes
                ],
            )
            db.executemany(
                "INSERT INTO files(path, size, mtime_ns, fingerprint, width, height, format, taken,"
                " camera, failure, taken_from, sidecars_seen, taken_known, updated_at)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,"
                " fingerprint=excluded.fingerprint, width=excluded.width, height=excluded.height,"
                " format=excluded.format, taken=excluded.taken, camera=excluded.camera,"
                " failure=excluded.failure, taken_from=excluded.taken_from,"
                " sidecars_seen=excluded.sidecars_seen, taken_known=excluded.taken_known,"
                " updated_at=excluded.updated_at",
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
                        None if r.taken_from is None else said(r.taken_from),  # a name, said
                        r.sidecars_seen,
                        r.taken_known,
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

    def set_sidecar_dates(
        self, dates: Iterable[tuple[str, int, int, str | None, str | None, int | None, str | None]]
    ) -> None:
        """Record what the date sidecars of unchanged photos say now: (path, size, mtime_ns of
        the photo as listed, date taken, the sidecar it is from, the sidecars' names and times
        hashed, how much of the date it says: "year", "month" or None). A photo with a date of
        its own keeps it; a photo changed since it was listed is left for the next scan."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE files SET sidecars_seen=?6,"
                " taken_known=CASE WHEN taken IS NOT NULL AND taken_from IS NULL THEN NULL ELSE ?7 END,"
                " taken=CASE WHEN taken IS NOT NULL AND taken_from IS NULL THEN taken ELSE ?4 END,"
                " taken_from=CASE WHEN taken IS NOT NULL AND taken_from IS NULL THEN NULL ELSE ?5 END"
                " WHERE path=?1 AND size=?2 AND mtime_ns=?3",
                # (the sidecar's name, for a person: a byte not UTF-8 would stop every scan)
                [
                    (path_to_db(p), size, mtime, taken, None if name is None else said(name), seen, known)
                    for p, size, mtime, taken, name, seen, known in dates
                ],
            )
        self._files_changed += 1

    def read_sidecars_again(self, paths: Iterable[str]) -> None:
        """The next scan reads the date sidecars of these photos again, whatever their names and
        times say (photoorg changed one within the time a file system can tell apart: FAT counts
        2 s)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE files SET sidecars_seen=-1 WHERE path=?", [(path_to_db(p),) for p in paths]
            )
        self._files_changed += 1

    def remove_paths(self, paths: Iterable[str]) -> int:
        """Forget these paths (the files are gone). Vectors stay: they are keyed by content."""
        with self.transaction() as db:
            cur = db.executemany("DELETE FROM files WHERE path=?", [(path_to_db(p),) for p in paths])
        self._files_changed += 1
        return cur.rowcount

    def file_row(self, path: str) -> FileRow | None:
        """The readable photo catalogued at ``path`` (None: not catalogued, or unreadable)."""
        r = self._db.execute(
            "SELECT path, size, mtime_ns, fingerprint, width, height, format, taken, camera,"
            " taken_from, sidecars_seen, taken_known FROM files WHERE path=? AND failure IS NULL",
            (path_to_db(path),),
        ).fetchone()
        if r is None:
            return None
        return FileRow(path_from_db(r[0]), *r[1:9], taken_from=r[9], sidecars_seen=r[10], taken_known=r[11])

    def unreadable_row(self, path: str) -> FileRow | None:
        """The file catalogued at ``path`` that the scan could not read, with why (``failure``);
        None when there is none. Its content was never fingerprinted."""
        r = self._db.execute(
            "SELECT path, size, mtime_ns, failure FROM files WHERE path=? AND failure IS NOT NULL",
            (path_to_db(path),),
        ).fetchone()
        return FileRow(path_from_db(r[0]), r[1], r[2], failure=r[3]) if r else None

    def paths_with_fingerprints(self, fingerprints: Iterable[str]) -> dict[str, list[str]]:
        """Every catalogued path of each of these contents."""
        out: dict[str, list[str]] = {}
        for fp in set(fingerprints):
            rows = self._db.execute("SELECT path FROM files WHERE fingerprint=? AND failure IS NULL", (fp,))
            out[fp] = sorted(path_from_db(r[0]) for r in rows)
        return out

    def follow_move(self, source: str, target: str) -> None:
        """The photo at ``source`` is now at ``target`` (a row already at ``target`` is replaced;
        its date sidecars, under the names they have there, are read again by the next scan)."""
        with self.transaction() as db:
            if source != target:
                db.execute("DELETE FROM files WHERE path=?", (path_to_db(target),))
            moved = (path_to_db(target), path_to_db(source))
            db.execute(f"UPDATE files SET path=?, sidecars_seen={LOOK_AGAIN} WHERE path=?", moved)
        self._files_changed += 1

    def put_row(self, row: FileRow) -> None:
        """Record one photo's row (a copy photoorg made, or a photo an undo put back). Its
        date sidecars, under the names they have there, are read again by the next scan."""
        self.write_batch([replace(row, sidecars_seen=LOOK_AGAIN)])

    def has_files_under(self, folder: str) -> bool:
        """Whether the catalog holds a file inside ``folder`` (an index range, not a scan)."""
        inside = folder.rstrip(os.sep) + os.sep
        after = inside[:-1] + chr(ord(os.sep) + 1)
        row = self._db.execute("SELECT 1 FROM files WHERE path >= ? AND path < ? LIMIT 1", (inside, after))
        return row.fetchone() is not None

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
        return paths, vector_matrix(blobs, info.dim)

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
            " f.camera, h.phash, h.tone, f.taken_from, f.taken_known FROM files f LEFT JOIN content_hashes h"
            " USING (fingerprint) WHERE f.failure IS NULL AND f.fingerprint IS NOT NULL ORDER BY f.path"
        )
        result = [PhotoInfo(path_from_db(r[0]), *r[1:10], tone_from_blob(r[10]), r[11], r[12]) for r in rows]
        inside = under_test(under) if under is not None else None
        found = [p for p in result if inside is None or inside(p.path)]
        self._photos_cache = (key, found)
        return list(found)

    def files_version(self) -> tuple[int, int]:
        """Changes when the files' rows may have: a write of this object, or any commit of
        another connection (another photoorg)."""
        return self._files_changed, self._db.execute("PRAGMA data_version").fetchone()[0]

    def set_tones(self, tones: Iterable[tuple[str, tuple[float, ...]]]) -> None:
        """Record the tone of contents catalogued before photoorg kept it."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE content_hashes SET tone=? WHERE fingerprint=?",
                [(tone_to_blob(t), fp) for fp, t in tones],
            )
        self._files_changed += 1

    def vectors_for(self, model_id: int, fingerprints: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The vectors of these contents that exist for a model: (fingerprints found, matrix).

        A vector that is not all numbers (NaN or infinite: stored before scans refused them)
        is left out, as if the photo had none: one of them made the duplicate search's every
        comparison of the library meaningless."""
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
        x = vector_matrix(blobs, info.dim)
        finite = np.isfinite(x).all(axis=1)
        if not finite.all():
            return [fp for fp, ok in zip(found, finite.tolist(), strict=True) if ok], x[finite]
        return found, x
