"""The actions as the history lists them: when each was undone (or done again by a redo),
which one Undo and Redo take, and how many files and changes each holds (out of journal.py,
past 18 KB)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from photoorg.core.catalog.base import CatalogBase
from photoorg.core.catalog.rows import BatchInfo


class BatchesPart(CatalogBase):
    """The actions (batches) of the history, and their undone state."""

    def mark_batch_undone(self, batch: int, again: bool = False) -> None:
        """Mark an action undone now; ``again``: also one undone before, whose undo put back
        more files now (a retry), so that redo takes the action whose undo ran last (a hostile
        review: a redo after 'undo 1' retried did again action 2, undone in between)."""
        with self.transaction() as db:
            sql = "UPDATE batches SET undone=? WHERE id=? AND (undone IS NULL OR ?)"
            db.execute(sql, (time.time(), batch, again))

    def mark_batches_undone(self, batches: Sequence[int]) -> None:
        """Mark actions undone by one undo, at one time (a redo does them again together)."""
        with self.transaction() as db:
            now = time.time()
            sql = "UPDATE batches SET undone=? WHERE id=? AND undone IS NULL"
            db.executemany(sql, [(now, b) for b in batches])

    def undone_together(self, batch: int) -> list[int]:
        """The actions one undo undid with ``batch`` (itself included), oldest first."""
        rows = self._db.execute(
            "SELECT id FROM batches WHERE undone = (SELECT undone FROM batches WHERE id=?) ORDER BY id",
            (batch,),
        )
        return [r[0] for r in rows]

    def mark_batches_done(self, batches: Sequence[int]) -> None:
        """A redo of changes that moved no file (groups, albums): in force again."""
        with self.transaction() as db:
            db.executemany("UPDATE batches SET undone=NULL WHERE id=?", [(b,) for b in batches])

    def last_undone_batch(self, even_with_later: bool = False) -> BatchInfo | None:
        """The action undone last, if nothing was done since its undo (what Redo does again);
        ``even_with_later``: also when something was (to say why Redo does not)."""
        row = self._db.execute(
            "SELECT id, undone FROM batches WHERE undone IS NOT NULL ORDER BY undone DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        later = self._db.execute("SELECT 1 FROM batches WHERE created > ? LIMIT 1", (row[1],)).fetchone()
        return None if later and not even_with_later else self.batch_info(int(row[0]))

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
            " + (SELECT count(*) FROM album_names n WHERE n.batch=b.id)"
            " + (SELECT count(*) FROM decision_changes c WHERE c.batch=b.id)"
            f" FROM batches b {clause}",
            args,
        )
        return [BatchInfo(*r) for r in rows]

    def files_history_mark(self) -> tuple[int, float]:
        """Where the history of file actions stands: it moves whenever any photoorg moves,
        trashes, copies or writes a file, or undoes such a change (a plan made before it may no
        longer be what would happen)."""
        row = self._db.execute(
            "SELECT coalesce(max(id), 0), coalesce(max(updated), 0) FROM journal"
        ).fetchone()
        return int(row[0]), float(row[1])

    def actions_since(self, mark: tuple[int, float]) -> list[BatchInfo]:
        """The actions whose files changed after ``mark`` (:meth:`files_history_mark`)."""
        ids = self._db.execute(
            "SELECT DISTINCT batch FROM journal WHERE id > ? OR updated > ? ORDER BY batch", mark
        ).fetchall()
        return [b for (i,) in ids if (b := self.batch_info(int(i))) is not None]
