"""The duplicate search's part of the catalog: the person's decisions about pairs, the last
search's pairs (a cache) and the pixel checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from photoorg.core.catalog.base import CatalogBase


class SetsPart(CatalogBase):
    """What duplicate searches keep: the person's decisions, the last search's pairs and the pixel checks."""

    def set_decisions(self, pairs: Iterable[tuple[str, str]], decision: str | None, summary: str) -> int:
        """Remember (None: forget) a decision about pairs of contents as one undoable action;
        returns its number."""
        ordered = [tuple(sorted(p)) for p in pairs]
        with self.transaction() as db:
            batch = self.add_batch(db, "decision", summary)
            db.executemany(
                "INSERT INTO decision_changes(batch, fingerprint_a, fingerprint_b, decision) VALUES(?,?,?,?)",
                [(batch, a, b, decision) for a, b in ordered],
            )
        return batch

    def redo_decisions(self, batch: int, summary: str) -> int:
        """The decisions of action ``batch`` (undone) made again, as a new undoable action;
        returns its number."""
        with self.transaction() as db:
            again = self.add_batch(db, "decision", summary)
            db.execute(
                "INSERT INTO decision_changes(batch, fingerprint_a, fingerprint_b, decision)"
                " SELECT ?, fingerprint_a, fingerprint_b, decision FROM decision_changes"
                " WHERE batch=? ORDER BY id",
                (again, batch),
            )
        return again

    def decisions(self) -> dict[tuple[str, str], str]:
        """The decisions in force: those of catalogs before version 8, then every change whose
        action is not undone, oldest first (a forgotten one is taken out)."""
        kept = self._db.execute("SELECT fingerprint_a, fingerprint_b, decision FROM decisions")
        found = {(a, b): d for a, b, d in kept}
        rows = self._db.execute(
            "SELECT c.fingerprint_a, c.fingerprint_b, c.decision FROM decision_changes c"
            " JOIN batches b ON b.id = c.batch WHERE b.undone IS NULL ORDER BY c.id"
        )
        for a, b, d in rows:
            if d is None:
                found.pop((a, b), None)
            else:
                found[(a, b)] = d
        return found

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
