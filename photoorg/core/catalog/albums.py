"""Albums taught by example: the albums and each change made to them."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable

from photoorg.core.catalog.base import CatalogBase

REMOVED = "removed"  # the role of a photo taken out of its album (photoorg.core.albums)


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

    def name_album(self, album_id: int, name: str | None, summary: str) -> int:
        """A new name for the album, or (``None``) the album deleted, as one undoable action
        (its photos and answers stay with it: undo brings the album back as it was)."""
        with self.transaction() as db:
            batch = self.add_batch(db, "album", summary)
            db.execute(
                "INSERT INTO album_names(batch, album_id, name) VALUES(?,?,?)", (batch, album_id, name)
            )
        return batch

    def later_changes_to_albums_made_by(self, batch: int) -> list[int]:
        """The actions after ``batch`` that only changed albums ``batch`` made (and are not
        undone): once the album is undone, they have nothing left to change."""
        rows = self._db.execute(
            "WITH made AS (SELECT id FROM albums WHERE batch=?),"
            " changes AS (SELECT batch, album_id FROM album_changes"
            "   UNION ALL SELECT batch, album_id FROM album_names)"
            " SELECT DISTINCT c.batch FROM changes c JOIN batches b ON b.id = c.batch"
            " WHERE c.album_id IN (SELECT id FROM made) AND c.batch > ? AND b.undone IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM changes d WHERE d.batch = c.batch"
            "   AND d.album_id NOT IN (SELECT id FROM made)) ORDER BY c.batch",
            (batch, batch),
        )
        return [r[0] for r in rows]

    def albums(self, without: Collection[int] = ()) -> list[tuple[int, str, dict[str, str]]]:
        """Every album in force: (id, name, fingerprint -> its role now), oldest first; as they
        would be with the actions ``without`` undone too."""
        skip = f" AND b.id NOT IN ({','.join('?' * len(without))})" if without else ""
        args = tuple(without)
        names = {
            aid: name
            for aid, name in self._db.execute(
                "SELECT a.id, a.name FROM albums a JOIN batches b ON b.id = a.batch"
                f" WHERE b.undone IS NULL{skip} ORDER BY a.id",
                args,
            )
        }
        for aid, name in self._db.execute(  # renamed (or deleted: NULL) since, the latest in force
            "SELECT n.album_id, n.name FROM album_names n JOIN batches b ON b.id = n.batch"
            f" WHERE b.undone IS NULL{skip} ORDER BY n.id",
            args,
        ):
            if aid in names:
                names[aid] = name
        roles: dict[int, dict[str, str]] = {aid: {} for aid, name in names.items() if name is not None}
        for aid, fp, role in self._db.execute(
            "SELECT c.album_id, c.fingerprint, c.role FROM album_changes c JOIN batches b ON b.id = c.batch"
            f" WHERE b.undone IS NULL{skip} ORDER BY c.id",
            args,
        ):
            if aid in roles:
                roles[aid][fp] = role
        self._follow_edits(roles)
        kept = {aid: {fp: r for fp, r in fps.items() if r != REMOVED} for aid, fps in roles.items()}
        return [(aid, names[aid], fps) for aid, fps in kept.items()]

    def _follow_edits(self, roles: dict[int, dict[str, str]]) -> None:
        """A photo edited in place (the same file, new content) keeps its role in each album;
        the earlier content keeps it too while a copy of it is still in the catalog. (Albums
        hold contents; an edit made a new one, and the photo left its albums.)"""
        edits = self._db.execute("SELECT old, new FROM content_edits ORDER BY id").fetchall()
        if not edits or not roles:
            return
        olds = sorted({old for old, _ in edits})
        present: set[str] = set()
        for start in range(0, len(olds), 500):
            part = olds[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT DISTINCT fingerprint FROM files WHERE fingerprint IN ({marks})"
            rows = self._db.execute(query, part)
            present.update(r[0] for r in rows)
        for fps in roles.values():
            for old, new in edits:
                if old in fps and new not in fps:
                    fps[new] = fps[old] if old in present else fps.pop(old)
