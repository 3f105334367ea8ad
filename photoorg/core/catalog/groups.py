"""Groups of similar photos as stored, with ids and names that last, and the person's changes
to them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence

from photoorg.core.catalog.base import CatalogBase
from photoorg.core.catalog.rows import StoredGroup


class GroupsPart(CatalogBase):
    """Stored groups, their names and the person's changes to them."""

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
        made: str | None = None,
        grouped: Sequence[str] = (),
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
            made: the model and settings of the grouping, and ``grouped``: the contents it
                grouped (:meth:`grouped_contents`).

        Returns:
            The id of each group, in the order given.
        """
        now = time.time()
        ids: list[int] = []
        with self.transaction() as db:
            # A new group never takes the id of one gone: the person's changes to a group (and
            # an undone one's redo) name it by id (a hostile review: a redo renamed a group made
            # after the one it had renamed, under its id).
            row = db.execute("SELECT value FROM meta WHERE key='groups-next-id'").fetchone()
            top = db.execute("SELECT coalesce(max(id), 0) FROM groups").fetchone()[0]
            next_id = max(int(row[0]) if row else 0, int(top) + 1)
            db.execute("UPDATE groups SET active=0 WHERE active=1")
            for gid in retire:
                db.execute("DELETE FROM groups WHERE id=? AND name IS NULL", (gid,))
            for gid, members, coherence in groups:
                if gid is None:
                    gid, next_id = next_id, next_id + 1
                    db.execute(
                        "INSERT INTO groups(id, name, active, coherence, created, updated)"
                        " VALUES(?,NULL,1,?,?,?)",
                        (gid, coherence, now, now),
                    )
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
            for key, value in (
                ("groups-signature", signature),
                ("groups-made", made or ""),
                ("groups-contents", "\n".join(grouped) if made else ""),
                ("groups-saved", repr(now)),
                ("groups-next-id", str(next_id)),
            ):
                db.execute(
                    "INSERT INTO meta(key, value) VALUES(?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (key, value),
                )
        return ids

    def grouped_contents(self, made: str) -> list[str] | None:
        """The contents (fingerprints) the stored grouping was made from, if it was ``made``
        with the same model and settings."""
        if not made or self.get_meta("groups-made") != made:
            return None
        contents = self.get_meta("groups-contents")
        return contents.split("\n") if contents else None

    def groups_signature(self) -> str | None:
        return self.get_meta("groups-signature")

    def rename_group(self, group_id: int, name: str | None) -> bool:
        """Give a stored group a name (None or "" takes it away); False if there is no such group."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE groups SET name=?, updated=? WHERE id=?", (name or None, time.time(), group_id)
            )
            return cur.rowcount > 0

    def rename_group_as_action(self, group_id: int, name: str | None, summary: str) -> int | None:
        """Name a stored group (None or "" takes the name away) as one undoable action, which
        keeps the name it replaces; returns its number, None if there is no such group."""
        with self.transaction() as db:
            row = db.execute("SELECT name FROM groups WHERE id=?", (group_id,)).fetchone()
            if row is None:
                return None
            batch = self.add_batch(db, "group", summary)
            db.execute(  # a rename is no change to the members: apply_edits passes it by
                "INSERT INTO group_edits(batch, kind, fingerprint, group_id, other_id) VALUES(?,?,?,?,NULL)",
                (batch, "rename", json.dumps([row[0], name or None]), group_id),
            )
            db.execute(
                "UPDATE groups SET name=?, updated=? WHERE id=?", (name or None, time.time(), group_id)
            )
        return batch

    def undo_renames(self, batch: int) -> None:
        """Give the groups renamed by action ``batch`` their names back (a group renamed again
        since keeps its newer name)."""
        self._renames(batch, back=True)

    def redo_renames(self, batch: int) -> None:
        """Give the groups renamed by action ``batch`` (redone) its names again (a group named
        otherwise since keeps that name)."""
        self._renames(batch, back=False)

    def renames_in(self, batch: int, back: bool = False) -> list[tuple[int, str | None, str | None]]:
        """The names action ``batch`` changes, as (group id, name it finds, name it gives): the
        names it gave taken back (``back``), or given again, in the order that is done."""
        rows = self._db.execute(
            "SELECT fingerprint, group_id FROM group_edits WHERE batch=? AND kind='rename'"
            f" ORDER BY id {'DESC' if back else 'ASC'}",
            (batch,),
        ).fetchall()
        changes = []
        for names, group_id in rows:
            old, new = json.loads(names)
            changes.append((group_id, new, old) if back else (group_id, old, new))
        return changes

    def _renames(self, batch: int, back: bool) -> None:
        with self.transaction() as db:
            for group_id, was, now in self.renames_in(batch, back):
                sql = "UPDATE groups SET name=?, updated=? WHERE id=? AND name IS ?"
                db.execute(sql, (now, time.time(), group_id, was))

    def groups_saved(self) -> float:
        """When the groups were last made anew (0: never, or before this was kept)."""
        return float(self.get_meta("groups-saved") or 0)

    def later_renames(self, batch: int) -> list[int]:
        """The actions after ``batch``, in force, that renamed a group ``batch`` renamed."""
        rows = self._db.execute(
            "SELECT DISTINCT e.batch FROM group_edits e JOIN batches b ON b.id = e.batch"
            " WHERE e.kind='rename' AND e.batch > ? AND b.undone IS NULL AND e.group_id IN"
            " (SELECT group_id FROM group_edits WHERE batch=? AND kind='rename') ORDER BY e.batch",
            (batch, batch),
        )
        return [r[0] for r in rows]

    def group_name_hints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT fingerprint, name FROM group_name_hints"))

    def add_group_name_hints(self, names: dict[str, str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO group_name_hints(fingerprint, name) VALUES(?,?)", list(names.items())
            )

    def add_group_edits(self, summary: str, edits: Sequence[tuple[str, str | None, int, int | None]]) -> int:
        """Record group changes (kind, fingerprint, group id, other group id) as one undoable
        action; returns its number."""
        with self.transaction() as db:
            batch = self.add_batch(db, "group", summary)
            db.executemany(
                "INSERT INTO group_edits(batch, kind, fingerprint, group_id, other_id) VALUES(?,?,?,?,?)",
                [(batch, *edit) for edit in edits],
            )
        return batch

    def content_edits(self) -> dict[str, str]:
        """Each content a file was saved over in place (edited in another program) and the
        content it became at the end, through later edits: the groups follow their photos."""
        follow: dict[str, str] = {}
        for old, new in self._db.execute("SELECT old, new FROM content_edits ORDER BY id"):
            if old != new:
                follow[old] = new
        for old in list(follow):  # a -> b -> c: a -> c (an edit back to where it was ends there)
            seen = {old}
            while follow[old] in follow and follow[old] not in seen:
                seen.add(follow[old])
                follow[old] = follow[follow[old]]
        return follow

    def group_edits(self) -> list[tuple[str, str | None, int, int | None]]:
        """The group changes in force (not undone), oldest first."""
        rows = self._db.execute(
            "SELECT e.kind, e.fingerprint, e.group_id, e.other_id FROM group_edits e"
            " JOIN batches b ON b.id = e.batch WHERE b.undone IS NULL ORDER BY e.id"
        )
        return [tuple(r) for r in rows]
