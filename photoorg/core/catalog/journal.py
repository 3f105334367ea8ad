"""The journal: every file action, file by file, for undo, redo, history and crash recovery."""

from __future__ import annotations

import time
from collections.abc import Sequence

from photoorg.core.catalog.base import CatalogBase
from photoorg.core.catalog.rows import (
    FileRow,
    JournalEntry,
    opt_path_from_db,
    path_from_db,
    path_to_db,
)

#: How a later move's entry for a sidecar begins when an older action's undo sent that sidecar
#: (one photoorg had made) to the trash: marked undone, the move itself kept (sidecars.py).
CARRIED_SIDECAR_TRASHED = "the sidecar photoorg had made went to the trash when it undid action "

_JOURNAL_COLUMNS = (
    "id, batch, action, state, source, target, trash_info, file_row, error, fingerprint, size, temp,"
    " placed, undo_target, undo_error, wrote"
)

_JOURNAL_UPDATABLE = frozenset(
    {"state", "target", "trash_info", "error", "temp", "placed", "undo_target", "undo_error", "wrote"}
    | {"fingerprint", "size"}  # a sidecar edited since it moved goes back as it is now
)

_PATH_COLUMNS = frozenset({"source", "target", "trash_info", "temp", "undo_target"})
#: What a step records right before its file changes: written durably (see journal_update).
_BEFORE_THE_FILE = frozenset({"target", "placed", "trash_info", "undo_target", "wrote"})


def _entry(row: Sequence) -> JournalEntry:
    return JournalEntry(
        id=row[0],
        batch=row[1],
        action=row[2],
        state=row[3],
        source=path_from_db(row[4]),
        target=opt_path_from_db(row[5]),
        trash_info=opt_path_from_db(row[6]),
        file_row=FileRow.from_json(row[7]) if row[7] else None,
        error=row[8],
        fingerprint=row[9],
        size=row[10],
        temp=opt_path_from_db(row[11]),
        placed=row[12],
        undo_target=opt_path_from_db(row[13]),
        undo_error=row[14],
        wrote=row[15],
    )


class JournalPart(CatalogBase):
    """Every file action, file by file, for undo, redo and crash recovery."""

    def begin_batch(self, action: str, summary: str) -> int:
        self.finished_undos.clear()  # a new action: a plain undo takes that one back
        with self.transaction() as db:
            return self.add_batch(db, action, summary)

    def add_keyword_write(self, entry: int, album_id: int, keyword: str) -> None:
        """Journal entry ``entry`` adds the album's keyword to a sidecar that did not have it."""
        with self.transaction() as db:
            query = "INSERT INTO keyword_writes(entry, album_id, keyword) VALUES(?,?,?)"
            db.execute(query, (entry, album_id, keyword))

    def keywords_written(self, album_id: int) -> list[tuple[JournalEntry, str]]:
        """The sidecars photoorg added a keyword of the album to, and which (the album's name
        then), in writes done and not undone, oldest first."""
        rows = self._db.execute(
            f"SELECT {', '.join('j.' + c for c in _JOURNAL_COLUMNS.split(', '))}, k.keyword FROM journal j"
            " JOIN keyword_writes k ON k.entry = j.id JOIN batches b ON b.id = j.batch"
            " WHERE k.album_id=? AND j.state='done' AND b.undone IS NULL ORDER BY j.id",
            (album_id,),
        )
        return [(_entry(r), r[-1]) for r in rows]

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
        photo), or its content (a sidecar that travels with one); on the disk before the file
        is touched, also through a power cut (a hostile review: the journal's row could be lost
        with the move done, and undo would not know of it)."""
        with self.transaction(durable=True) as db:
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
        # Where the file now is (its new name and inode), and a sidecar's earlier version, are
        # recorded before its old name goes or it is written over: on the disk through a power
        # cut too (a second hostile review: the row planned survived, the place did not, and
        # the recovery could not tell the photo at its new name was the one moved).
        durable = not _BEFORE_THE_FILE.isdisjoint(fields)
        with self.transaction(durable=durable) as db:
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
            gone = "SELECT id FROM journal WHERE batch=?"
            db.execute(f"DELETE FROM keyword_writes WHERE entry IN ({gone})", (batch,))
            db.execute("DELETE FROM journal WHERE batch=?", (batch,))
            db.execute("DELETE FROM made_folders WHERE batch=?", (batch,))
            db.execute("DELETE FROM pruned_folders WHERE batch=?", (batch,))
            db.execute("DELETE FROM batches WHERE id=?", (batch,))
            return True

    def file_batches_without_files(self, actions: Sequence[str]) -> list[int]:
        """Actions of these kinds with no file journaled at all: a catalog that failed right
        after the action was begun (a full disk) left them, nothing to undo or redo."""
        marks = ", ".join("?" * len(actions))
        rows = self._db.execute(
            f"SELECT id FROM batches WHERE action IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM journal WHERE journal.batch=batches.id)",
            list(actions),
        )
        return [int(r[0]) for r in rows]

    def batch_action(self, batch: int) -> str | None:
        row = self._db.execute("SELECT action FROM batches WHERE id=?", (batch,)).fetchone()
        return row[0] if row else None

    def latest_undoable_batch(self) -> int | None:
        """The newest action with files still to put back or whose undo was stopped (an
        interrupted undo continues), or change to the groups, albums or duplicate decisions not
        undone yet."""
        row = self._db.execute(
            # The newest action's entries first (journal_batch, backwards), not every entry done
            # (journal_state): 41 ms for 200,000 files done, this 0.02 ms; the engine asks often.
            "SELECT max(b) FROM (SELECT * FROM (SELECT batch AS b FROM journal INDEXED BY journal_batch"
            " WHERE state IN ('done', 'undoing') ORDER BY batch DESC LIMIT 1)"
            " UNION ALL SELECT max(id) FROM batches WHERE action IN ('group', 'album', 'decision')"
            " AND undone IS NULL"
            # An undo stopped after its last file came back (a hostile review: a plain undo went
            # past it to the action before): every file undone, the action not marked so yet.
            " UNION ALL SELECT max(b.id) FROM batches b WHERE b.undone IS NULL"
            " AND b.id IN (SELECT batch FROM journal WHERE state='undone')"  # as stopped_undo
            " AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.batch=b.id"
            " AND j.state IN ('planned', 'done', 'undoing')))"
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def stopped_undo(self) -> int | None:
        """The newest action whose undo stopped before it finished (photoorg killed, a full
        disk): some of its files undone, the action not marked undone."""
        # From the entries an undo touched (index journal_state), not each action's entries: the
        # engine asks before every answer, and 'EXISTS' per action read the whole journal (79 ms
        # for 200,000 files done; this 0.05 ms, 29 ms with 100,000 of them undone).
        # Not a move whose carried sidecar an older action's undo sent to the trash (marked
        # undone then, its move kept: a hostile review saw Redo refused for good, naming it).
        row = self._db.execute(
            "SELECT max(b.id) FROM batches b WHERE b.undone IS NULL AND b.id IN"
            " (SELECT batch FROM journal WHERE state IN ('undone', 'undoing', 'undo_failed')"
            " AND NOT (state = 'undone' AND coalesce(undo_error, '') LIKE ? || '%'))",
            (CARRIED_SIDECAR_TRASHED,),
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

    def later_move_of(self, path: str, after: int) -> JournalEntry | None:
        """The first move or trash of the file at ``path`` by an action after ``after``, done
        or undone: where photoorg itself took a file since (a sidecar that went with its photo),
        and, when undone, where the undo put it back."""
        states = ("done", "undo_failed", "undone")
        return self._later(path, after, "IN ('move', 'trash')", states, newest=False)

    def later_move_in_force(self, path: str, after: int) -> JournalEntry | None:
        """The newest move or trash, still in force, of the file at ``path`` by an action after
        ``after`` (one undone and done again by a redo: the redo's)."""
        return self._later(path, after, "IN ('move', 'trash')", ("done", "undo_failed"), newest=True)

    def later_keywords_in(self, path: str, after: int) -> JournalEntry | None:
        """The newest keyword or date write, still in force, into the sidecar at ``path`` by an
        action after ``after``: photoorg itself changed the sidecar since."""
        return self._later(path, after, "IN ('keywords', 'dates')", ("done", "undo_failed"), newest=True)

    def _later(
        self, path: str, after: int, actions: str, states: Sequence[str], newest: bool
    ) -> JournalEntry | None:
        """The first (``newest``: the last) journal entry of ``path`` by an action after
        ``after``, of these ``actions`` (an SQL condition) and ``states``."""
        row = self._db.execute(
            f"SELECT {_JOURNAL_COLUMNS} FROM journal WHERE source=? AND batch > ? AND action {actions}"
            f" AND state IN ({', '.join('?' * len(states))})"
            f" ORDER BY id {'DESC' if newest else 'ASC'} LIMIT 1",
            (path_to_db(path), after, *states),
        ).fetchone()
        return _entry(row) if row else None

    def last_moves_of(self, fingerprints: Sequence[str]) -> dict[str, JournalEntry]:
        """The newest trash or move, still in force, of a file with each of these contents
        (where an album's photo went, when it is no longer in the library)."""
        return {fp: steps[0] for fp, steps in self.moves_of(fingerprints).items()}

    def renamed_back(self, entry: JournalEntry) -> list[str]:
        """Where the undo of a later action put ``entry``'s file under a new name, newest first:
        the file this action left at ``entry.target`` was moved on, then brought back while
        another file had taken that name (a hostile review: the earlier undo then looked only at
        the taken name, and the photo was stranded outside the library)."""
        if entry.fingerprint is None or not entry.target:
            return []
        rows = self._db.execute(
            "SELECT undo_target FROM journal WHERE source=? AND fingerprint=? AND id>? AND state='undone'"
            " AND undo_target IS NOT NULL AND undo_target != source ORDER BY id DESC",
            (path_to_db(entry.target), entry.fingerprint, entry.id),
        )
        return [path_from_db(r[0]) for r in rows]

    def moves_of(self, fingerprints: Sequence[str]) -> dict[str, list[JournalEntry]]:
        """Every trash and move still in force of a file with each of these contents, the
        newest first (the way an album's photo went, one move after another)."""
        out: dict[str, list[JournalEntry]] = {}
        wanted = list(dict.fromkeys(fingerprints))
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                f"SELECT {_JOURNAL_COLUMNS} FROM journal WHERE fingerprint IN ({', '.join('?' * len(chunk))})"
                " AND +action IN ('move', 'trash') AND +state IN ('done', 'undo_failed')",
                chunk,
            )  # found by fingerprint: no ORDER BY, and "+" keeps SQLite off the state index,
            # which it chose over this one, reading every file ever done: 5,000 away photos in a
            # journal of 300k files took 1.2 s, and take 66 ms (/tmp-made catalog, schema 13).
            for r in rows:
                out.setdefault(r[9], []).append(_entry(r))
        for steps in out.values():
            steps.sort(key=lambda e: e.id, reverse=True)
        return out

    def add_made_folders(self, batch: int, folders: Sequence[str]) -> None:
        """Remember folders an action is about to create (before: a kill in between leaves
        at worst an empty folder to remove that another program made meanwhile)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO made_folders(batch, path) VALUES(?,?)", [(batch, f) for f in folders])

    def add_pruned_folders(self, batch: int, folders: Sequence[tuple[str, int]]) -> None:
        """Remember the folders (and their permission bits) an organize removes when empty
        (before: a kill in between leaves a record of a folder still there, which undo passes)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO pruned_folders(batch, path, mode) VALUES(?,?,?)",
                           [(batch, f, mode) for f, mode in folders])  # fmt: skip

    def forget_pruned_folders(self, batch: int, folders: Sequence[str]) -> None:
        """Forget folders recorded as about to be removed that stayed (they held something)."""
        with self.transaction() as db:
            db.executemany(
                "DELETE FROM pruned_folders WHERE batch=? AND path=?", [(batch, f) for f in folders]
            )

    def pruned_folders(self, batch: int) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT path, mode FROM pruned_folders WHERE batch=? ORDER BY rowid", (batch,)
        )
        return [(r[0], int(r[1])) for r in rows]

    def made_folders(self, batch: int) -> list[str]:
        rows = self._db.execute("SELECT path FROM made_folders WHERE batch=? ORDER BY rowid", (batch,))
        return [r[0] for r in rows]
