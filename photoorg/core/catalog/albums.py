"""Albums taught by example: the albums and each change made to them."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable

from photoorg.core.catalog.base import CatalogBase
from photoorg.core.catalog.rows import hashes_from_blob

REMOVED = "removed"
#: A photo saved over with a picture this close (perceptual hash bits, of 64) was edited, and
#: keeps its albums. Measured: brightness +15 % and a 4 % crop changed 10 bits; other pictures
#: 26 to 36 (tests/core/test_albums.py). A heavier edit leaves the albums, as before.
EDIT_MAX_HASH_BITS = 20  # the role of a photo taken out of its album (photoorg.core.albums)
#: A photo saved over with its picture turned or mirrored, within this many bits of the hash
#: turned back. Measured on ../shared/photos: a turned and re-saved photo came within 2 bits;
#: of 22,578 pairs of other photos, none came within 8 (5 within 12, 966 within 20: with
#: seven more tries, a looser gate would take other pictures for edits).
EDIT_TURNED_MAX_HASH_BITS = 8


def _bits(a: int, b: int) -> int:
    """Bits that differ between two 64-bit perceptual hashes (as pixel_hashes.hash_distance)."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def _alike(before: int, after: int, after_turned: bytes | None) -> bool:
    """Whether a picture saved over another is the same picture edited: alike as it stands,
    or turned or mirrored."""
    if _bits(before, after) <= EDIT_MAX_HASH_BITS:
        return True
    return any(_bits(before, h) <= EDIT_TURNED_MAX_HASH_BITS for h in hashes_from_blob(after_turned))


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
        changes = self._db.execute(
            "SELECT c.album_id, c.fingerprint, c.role, b.created FROM album_changes c"
            f" JOIN batches b ON b.id = c.batch WHERE b.undone IS NULL{skip} ORDER BY c.id",
            args,
        ).fetchall()
        edits = self._edits()
        e = 0
        for aid, fp, role, when in changes:
            while e < len(edits) and edits[e][2] <= when:  # the edits made before this change
                self._follow(roles, *edits[e][:2])
                e += 1
            if aid in roles:
                roles[aid][fp] = role
        for old, new, _ in edits[e:]:
            self._follow(roles, old, new)
        kept = {aid: {fp: r for fp, r in fps.items() if r != REMOVED} for aid, fps in roles.items()}
        return [(aid, names[aid], fps) for aid, fps in kept.items()]

    def _edits(self) -> list[tuple[str, str, float]]:
        """The photos edited in place, (content before, after, when), oldest first: only those
        whose two pictures are alike (perceptual hashes within EDIT_MAX_HASH_BITS), so another
        photo saved under the name (a swap, a camera's reused IMG_0001.jpg) is no edit."""
        rows = self._db.execute(
            "SELECT e.old, e.new, e.at, a.phash, b.phash, b.turns FROM content_edits e"
            " JOIN content_hashes a ON a.fingerprint = e.old JOIN content_hashes b ON b.fingerprint = e.new"
            " ORDER BY e.id"
        ).fetchall()
        alike = [(old, new, at) for old, new, at, *hashes in rows if _alike(*hashes)]
        olds = sorted({old for old, _, _ in alike})
        self._present_now: set[str] = set()  # contents a file still has: they keep their roles
        for start in range(0, len(olds), 500):
            part = olds[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT DISTINCT fingerprint FROM files WHERE fingerprint IN ({marks})"
            self._present_now.update(r[0] for r in self._db.execute(query, part))
        return alike

    def _follow(self, roles: dict[int, dict[str, str]], old: str, new: str) -> None:
        """A photo edited in place keeps what the person last said of it in each album (an
        example, accepted, rejected, taken out); the earlier content keeps it too while a file
        still has it. (Albums hold contents; an edit made a new one, and the photo left.)"""
        for fps in roles.values():
            if old in fps:
                fps[new] = fps[old] if old in self._present_now else fps.pop(old)
