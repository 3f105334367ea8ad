"""File actions that never lose a photo: trash, move and copy, journaled, undoable.

- There is no permanent delete. Removing means the operating system's trash.
- Before acting, each file is checked against the catalog: still there, same size, mtime and
  content fingerprint. Anything else is skipped with the reason.
- Files in protected folders are never trashed or moved.
- Moves and copies never overwrite: a name that is taken gets " (1)", " (2)", ... A move
  across file systems copies, verifies the copy's content, and only then removes the source.
- Every step is written to the journal before it happens (planned) and after (done or
  failed), so a crash leaves a record that :func:`reconcile` settles on the next start.
- :func:`undo` reverses a whole batch (the last one by default), also after a restart.
- The catalog follows every move and copy, so vectors and decisions stay attached.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from photoorg.core.catalog import (
    Catalog,
    FileRow,
    fingerprint_file,
    is_under,
    path_from_db,
    path_to_db,
)
from photoorg.core.errors import PhotoorgError
from photoorg.core.trash import Trashed, find_trashed, move_to_trash, restore

log = logging.getLogger(__name__)


class Action(StrEnum):
    TRASH = "trash"
    MOVE = "move"
    COPY = "copy"


@dataclass
class Step:
    """One file of a planned action: where it goes, or why it is skipped."""

    source: str
    target: str | None = None
    skip: str | None = None


@dataclass
class Outcome:
    """What an action or an undo did."""

    batch: int | None
    done: list[Step] = field(default_factory=list)
    skipped: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)


@dataclass(frozen=True)
class BatchInfo:
    id: int
    action: str
    summary: str
    created: float
    undone: float | None
    files: int


def _free_name(folder: Path, name: str, taken: set[str]) -> Path:
    stem, ext = os.path.splitext(name)
    candidate = folder / name
    n = 0
    while candidate.exists() or str(candidate) in taken:
        n += 1
        candidate = folder / f"{stem} ({n}){ext}"
    taken.add(str(candidate))
    return candidate


def plan(
    catalog: Catalog,
    action: Action,
    paths: Sequence[str],
    destination: str | None = None,
    protected: Sequence[str] = (),
) -> list[Step]:
    """Check every file and choose its target; nothing is touched. ``--dry-run`` prints this."""
    if action is not Action.TRASH:
        if not destination:
            raise PhotoorgError(f"{action.value} needs a destination folder.")
        if os.path.exists(destination) and not os.path.isdir(destination):
            raise PhotoorgError(f"The destination {destination} is a file, not a folder.")
    rows = {r[0]: r for r in _catalog_rows(catalog, paths)}
    taken: set[str] = set()
    steps: list[Step] = []
    for raw in paths:
        path = os.path.abspath(raw)
        step = Step(path)
        steps.append(step)
        row = rows.get(path)
        if action is not Action.COPY and protected and is_under(path, protected):
            step.skip = "in a protected folder"
        elif not os.path.isfile(path):
            step.skip = "no longer there" if row else "no such photo"
        elif row is None:
            step.skip = "not in the catalog; scan its folder first, so photoorg knows the file"
        else:
            st = os.stat(path)
            if (st.st_size, st.st_mtime_ns) != (row[1], row[2]):
                step.skip = "changed since it was scanned; scan again to look at it first"
            elif fingerprint_file(path) != row[3]:
                step.skip = "its content changed since it was scanned; scan again first"
        if step.skip is None and destination is not None and action is not Action.TRASH:
            folder = Path(os.path.abspath(destination))
            if action is Action.MOVE and os.path.dirname(path) == str(folder):
                step.skip = "already in that folder"
            else:
                step.target = str(_free_name(folder, os.path.basename(path), taken))
    return steps


def plan_set_cleanup(
    catalog: Catalog, members: Sequence[str], remove: Sequence[str], protected: Sequence[str] = ()
) -> list[Step]:
    """Plan trashing ``remove`` from a duplicate set of ``members``; at least one stays.

    Raises:
        PhotoorgError: every member would go, or a path is not a member of the set.
    """
    strangers = set(remove) - set(members)
    if strangers:
        raise PhotoorgError(f"{sorted(strangers)[0]} is not in this duplicate set.")
    kept = [m for m in members if m not in set(remove)]
    if not kept:
        raise PhotoorgError(
            "That would remove every copy in the set; photoorg always keeps at least one. "
            "Uncheck the photo you want to keep."
        )
    steps = plan(catalog, Action.TRASH, list(remove), protected=protected)
    if not any(os.path.exists(k) for k in kept):
        raise PhotoorgError("The photos to keep are no longer there; scan again before cleaning up.")
    return steps


def _catalog_rows(catalog: Catalog, paths: Sequence[str]) -> list[tuple]:
    db = catalog._db
    out = []
    for p in paths:
        r = db.execute(
            "SELECT path, size, mtime_ns, fingerprint, width, height, format, taken, camera"
            " FROM files WHERE path=? AND failure IS NULL",
            (path_to_db(os.path.abspath(p)),),
        ).fetchone()
        if r:
            out.append((path_from_db(r[0]), *r[1:]))
    return out


def _row_json(catalog: Catalog, path: str) -> str | None:
    rows = _catalog_rows(catalog, [path])
    if not rows:
        return None
    keys = ("path", "size", "mtime_ns", "fingerprint", "width", "height", "format", "taken", "camera")
    return json.dumps(dict(zip(keys, rows[0], strict=True)))


def _journal(catalog: Catalog, entry: int | None, **fields: object) -> int:
    now = time.time()
    with catalog.transaction() as db:
        if entry is None:
            cur = db.execute(
                "INSERT INTO journal(batch, action, state, source, target, file_row, updated)"
                " VALUES(?,?,?,?,?,?,?)",
                (
                    fields["batch"],
                    fields["action"],
                    "planned",
                    path_to_db(str(fields["source"])),
                    path_to_db(str(fields["target"])) if fields.get("target") else None,
                    fields.get("file_row"),
                    now,
                ),
            )
            return int(cur.lastrowid)
        sets = ", ".join(f"{k}=?" for k in fields)
        values = [path_to_db(v) if k == "target" and isinstance(v, str) else v for k, v in fields.items()]
        db.execute(f"UPDATE journal SET {sets}, updated=? WHERE id=?", (*values, now, entry))
        return entry


def _move_file(source: str, target: str) -> None:
    """Rename, or across file systems: copy, verify, then remove the source."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)  # fails rather than overwrite, unlike rename
        os.unlink(source)
        return
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
    _copy_file(source, target)
    os.unlink(source)  # the verified copy is the photo now


def _copy_file(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(source, "rb") as src, open(target, "xb") as dst:  # "x": never overwrite
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    shutil.copystat(source, target)  # mtime, permissions
    if fingerprint_file(source) != fingerprint_file(target):
        raise OSError(errno.EIO, f"the copy at {target} does not match the original")


def _catalog_follow(catalog: Catalog, action: Action, source: str, target: str | None) -> None:
    with catalog.transaction() as db:
        if action is Action.MOVE:
            db.execute("UPDATE files SET path=? WHERE path=?", (path_to_db(target or ""), path_to_db(source)))
        elif action is Action.TRASH:
            db.execute("DELETE FROM files WHERE path=?", (path_to_db(source),))
    if action is Action.COPY and target is not None:
        row = json.loads(_row_json(catalog, source) or "null")
        if row:
            st = os.stat(target)
            row.update(path=target, size=st.st_size, mtime_ns=st.st_mtime_ns)
            catalog.write_batch([FileRow(**row)])


def execute(catalog: Catalog, action: Action, steps: Sequence[Step], summary: str) -> Outcome:
    """Carry out a plan, journaling each file before and after."""
    todo = [s for s in steps if s.skip is None]
    outcome = Outcome(None, skipped=[s for s in steps if s.skip is not None])
    if not todo:
        return outcome
    with catalog.transaction() as db:
        cur = db.execute(
            "INSERT INTO batches(action, summary, created) VALUES(?,?,?)",
            (action.value, summary, time.time()),
        )
        outcome.batch = int(cur.lastrowid)
    for step in todo:
        entry = _journal(
            catalog,
            None,
            batch=outcome.batch,
            action=action.value,
            source=step.source,
            target=step.target,
            file_row=_row_json(catalog, step.source),
        )
        try:
            if action is Action.TRASH:
                trashed = move_to_trash(step.source)
                step.target = trashed.location
                _journal(catalog, entry, target=trashed.location, trash_info=trashed.info)
            elif action is Action.MOVE:
                _move_file(step.source, step.target or "")
            else:
                _copy_file(step.source, step.target or "")
        except Exception as exc:  # per-file boundary: the others still happen
            log.warning("%s of %s failed", action.value, step.source, exc_info=True)
            _journal(catalog, entry, state="failed", error=str(exc))
            outcome.failed.append((step, str(exc)))
            continue
        _journal(catalog, entry, state="done")
        _catalog_follow(catalog, action, step.source, step.target)
        outcome.done.append(step)
    return outcome


def history(catalog: Catalog, limit: int = 50) -> list[BatchInfo]:
    rows = catalog._db.execute(
        "SELECT b.id, b.action, b.summary, b.created, b.undone,"
        " (SELECT count(*) FROM journal j WHERE j.batch=b.id AND j.state IN ('done','undone'))"
        " FROM batches b ORDER BY b.id DESC LIMIT ?",
        (limit,),
    )
    return [BatchInfo(*r) for r in rows]


def undo(catalog: Catalog, batch: int | None = None) -> Outcome:
    """Reverse a batch (the latest not yet undone when None): files go back where they were."""
    if batch is None:
        row = catalog._db.execute(
            "SELECT id FROM batches WHERE undone IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise PhotoorgError("There is nothing to undo.")
        batch = int(row[0])
    info = catalog._db.execute("SELECT action, undone FROM batches WHERE id=?", (batch,)).fetchone()
    if info is None:
        raise PhotoorgError(f"There is no action number {batch}; 'photoorg history' lists them.")
    if info[1] is not None:
        raise PhotoorgError(f"Action {batch} was already undone.")
    action = Action(info[0])
    outcome = Outcome(batch)
    entries = catalog._db.execute(
        "SELECT id, source, target, trash_info, file_row FROM journal"
        " WHERE batch=? AND state='done' ORDER BY id DESC",
        (batch,),
    ).fetchall()
    for entry, source_db, target_db, trash_info, file_row in entries:
        source, target = path_from_db(source_db), path_from_db(target_db) if target_db else None
        step = Step(target or "", source)
        try:
            back = (
                source
                if not os.path.exists(source)
                else str(_free_name(Path(source).parent, Path(source).name, set()))
            )
            if action is Action.TRASH:
                restore(Trashed(source, target or "", trash_info or ""), back)
                if file_row:
                    row = json.loads(file_row)
                    row["path"] = back
                    catalog.write_batch([FileRow(**row)])
            elif action is Action.MOVE:
                _move_file(target or "", back)
                _catalog_follow(catalog, Action.MOVE, target or "", back)
            else:  # undoing a copy: the copy goes to the trash, never deleted
                if target and os.path.exists(target):
                    move_to_trash(target)
                    _catalog_follow(catalog, Action.TRASH, target, None)
                back = target or ""
            step.target = back
        except Exception as exc:
            log.warning("undo of %s failed", source, exc_info=True)
            outcome.failed.append((step, str(exc)))
            continue
        _journal(catalog, entry, state="undone")
        outcome.done.append(step)
    if not outcome.failed:
        with catalog.transaction() as db:
            db.execute("UPDATE batches SET undone=? WHERE id=?", (time.time(), batch))
    return outcome


def reconcile(catalog: Catalog) -> list[str]:
    """Settle journal entries a crash left 'planned'; returns what was found, in words."""
    notes = []
    rows = catalog._db.execute(
        "SELECT id, action, source, target, file_row FROM journal WHERE state='planned'"
    ).fetchall()
    for entry, action, source_db, target_db, file_row in rows:
        source = path_from_db(source_db)
        target = path_from_db(target_db) if target_db else None
        src_there = os.path.exists(source)
        dst_there = bool(target) and os.path.exists(target or "")
        complete_copy = src_there and dst_there and fingerprint_file(source) == fingerprint_file(target or "")
        if action == Action.TRASH:
            state = "failed" if src_there else "done"
        elif action == Action.MOVE:
            state = "done" if dst_there and not src_there else "failed"
        else:
            state = "done" if complete_copy else "failed"
        extra = ""
        if action == Action.TRASH and state == "done" and not target:
            # Trashed, but the crash came before the record. The catalog row saved with the
            # plan gives size and date, which the macOS trash lookup needs.
            row = json.loads(file_row) if file_row else {}
            found = find_trashed(source, size=row.get("size"), mtime_ns=row.get("mtime_ns"))
            if found is not None:
                _journal(catalog, entry, target=found.location, trash_info=found.info)
                extra = f"; found in the trash as {os.path.basename(found.location)}"
        if state == "failed" and src_there and dst_there and not complete_copy:
            # A copy cut short: the original is intact; the incomplete copy goes to the trash.
            move_to_trash(target or "")
            extra = "; its incomplete copy was put in the trash"
        _journal(
            catalog,
            entry,
            state=state,
            error=None if state == "done" else "interrupted; the file was left where it was",
        )
        notes.append(
            f"{action} of {source}: {'completed' if state == 'done' else 'left undone'}"
            f" before photoorg stopped{extra}"
        )
    return notes
