"""Albums taught by example: the albums and each change made to them."""

from __future__ import annotations

import time
from collections.abc import Iterable

from photoorg.core.catalog.base import CatalogBase


class AlbumsPart(CatalogBase):
    """Albums and the changes made to them."""

    def create_album(self, name: str, summary: str) -> tuple[int, int]:
        """A new album (undoable); returns (its id, the action's number)."""
        with self.transaction() as db:
            batch = self.add_batch(db, "album", summary)
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
                batch = self.add_batch(db, "album", summary)
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
