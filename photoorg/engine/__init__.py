"""The app's engine process: the library service (:class:`photoorg.core.library.Library`) in a
child process, so the app's own process never imports torch and never writes the catalog.

Why a process and not only a worker thread: importing torch and loading DINOv2 hold Python's
GIL for up to 0.4 s at a time (dlopen of libtorch, weight loading), and HDBSCAN holds it while
it clusters; during those the GUI thread cannot run a line of Python, so the window froze
(measured with tests/bench/bench_gui_stall.py). In a child process they cost the window
nothing, a crash or out-of-memory in the model cannot take the window down, and the model
stays loaded between scans because the child lives as long as the window.

Every catalog write of the app happens here, in one thread, one request at a time: scans,
file actions, undo, decisions and group names. Requests and replies are typed dataclasses.
Qt-free. The parent talks to it through :class:`Engine` from one thread at a time (the app's
heavy pool); progress comes back as messages and is copied into a local :class:`Progress`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import time
import traceback
from collections.abc import Callable
from typing import Any

from photoorg.core.errors import Cancelled, PhotoorgError, full_disk
from photoorg.core.paths import Locations
from photoorg.core.pipeline import STAGE_EMBED
from photoorg.core.progress import Progress
from photoorg.engine.messages import (
    AlbumKeywords,
    AskUndoRedo,
    Calibrate,
    ChangeGroups,
    Done,
    EstimateScan,
    Failed,
    FileAction,
    FindSimilar,
    History,
    Mark,
    NameAlbum,
    Open,
    Organize,
    Partial,
    PlanOrganize,
    ProgressReport,
    Redo,
    Refresh,
    RenameGroup,
    Request,
    SetDateTaken,
    ShowAlbum,
    Stop,
    TeachAlbum,
    TrashFromSets,
    Undo,
    UndoRedo,
    WasCancelled,
)

log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 0.05
SNAPSHOT_FIRST_S = 10.0  # then 20, 40, ... at most every SNAPSHOT_MAX_S
SNAPSHOT_MAX_S = 120.0
#: During a first scan, groups and duplicate sets are shown from the photos embedded so far
#: after this many photos, then every GROUPS_EVERY_S (grouping takes seconds at 10k photos).
GROUPS_AT = (200, 1000, 5000)
GROUPS_EVERY_S = 300.0


class EngineCrashedError(PhotoorgError):
    """The engine process stopped without answering."""


# -- the child's side -----------------------------------------------------------------------------
class _Reporter:
    """Sends progress to the app: every stage change, then at most every 50 ms; and, during a
    scan's long part (embedding), what the library holds so far (``snapshot``): the timeline
    and exact copies when it begins (every photo is catalogued by then), then at growing
    intervals; groups and all duplicate sets from what is embedded after GROUPS_AT photos,
    then every GROUPS_EVERY_S."""

    def __init__(self, conn: Any, snapshot: Callable[[bool], Any] | None = None) -> None:
        self._conn = conn
        self._last = 0.0
        self._stage = ""
        self._snapshot = snapshot
        self._next_snapshot = 0.0
        self._every = SNAPSHOT_FIRST_S
        self._milestones = list(GROUPS_AT)
        self._next_groups = float("inf")

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        changed = p.stage != self._stage
        if changed or now - self._last >= _PROGRESS_EVERY_S or p.done >= p.total > 0:
            self._stage, self._last = p.stage, now
            self._conn.send(ProgressReport(p.stage, p.done, p.total))
        if self._snapshot is None or p.stage != STAGE_EMBED or p.done >= p.total:
            return
        groups = False
        if self._milestones and p.done >= self._milestones[0]:
            while self._milestones and p.done >= self._milestones[0]:
                self._milestones.pop(0)
            groups = True
        elif not self._milestones and now >= self._next_groups:
            groups = True
        if groups:
            self._next_groups = now + GROUPS_EVERY_S
        if groups or changed or now >= self._next_snapshot:
            self._conn.send(Partial(self._snapshot(groups)))
            self._next_snapshot = now + self._every
            self._every = min(self._every * 2, SNAPSHOT_MAX_S)


def _handle(library: Any, request: Request, progress: Progress) -> Any:
    from photoorg.core.library import Action

    match request:
        case Refresh(scan=scan, again=again):
            return library.state(scan, progress, again)
        case FindSimilar(path=path, k=k):
            roots, _ = library.library_roots()
            return library.similar(path, k, roots, progress)
        case FileAction(action=action, paths=paths, destination=destination, members=members):
            return library.act(Action(action), list(paths), destination, members=members, progress=progress)
        case TrashFromSets(plan=plan):
            return library.trash_from_sets(plan, progress)
        case Undo(batch=batch, expect=expect):
            return library.undo(batch, progress, expect=expect)
        case Redo(expect=expect):
            return library.redo(progress, expect=expect)
        case EstimateScan(photos=photos):
            return library.estimate_first_scan(photos)
        case History(limit=limit, batch=None):
            return library.history(limit)
        case History(batch=batch) if batch is not None:
            return library.action_files(batch)
        case Mark(duplicate_set=duplicate_set, decision=decision):
            return library.mark(duplicate_set, decision)
        case RenameGroup(group_id=group_id, name=name):
            return library.rename_group(group_id, name)
        case ChangeGroups(kind="move", group_id=group_id, paths=paths):
            return library.move_to_group(paths, group_id)
        case ChangeGroups(kind="exclude", group_id=group_id, paths=paths):
            return library.remove_from_group(paths, group_id)
        case ChangeGroups(kind="merge", group_id=group_id, other_id=other_id) if other_id is not None:
            return library.merge_groups(group_id, other_id)
        case ShowAlbum(name=name, k=k):
            return library.album_view(name, k, progress)
        case TeachAlbum(name=name, paths=paths, role=role, create=create, k=k):
            if create:
                library.create_album(name, paths)
            else:
                library.teach(name, paths, role)
            return library.album_view(name, k, progress)
        case NameAlbum(name=name, new_name=None):
            return library.delete_album(name)
        case NameAlbum(name=name, new_name=str() as new_name):
            return library.rename_album(name, new_name)
        case AlbumKeywords(name=name, dry_run=dry_run, take_out=take_out):
            return library.album_keywords(name, dry_run=dry_run, progress=progress, take_out=take_out)
        case SetDateTaken(paths=paths, when=when, known=known, dry_run=dry_run):
            return library.set_date_taken(paths, when, known=known, dry_run=dry_run, progress=progress)
        case Calibrate():
            return library.calibration(progress)
        case AskUndoRedo():  # a catalog made earlier is opened (never made) to be read
            if not library.catalog_open and library.where.catalog.exists():
                _ = library.catalog
            return None
        case PlanOrganize(request=organize_request, paths=paths, group_ids=group_ids):
            if organize_request.by == "date" and "{group}" not in organize_request.template:
                library.scan(progress=progress, embed=False)  # dates, not vectors, are needed
            return library.organize_plan(
                organize_request, paths=paths, group_ids=group_ids, progress=progress
            )
        case Organize(plan=plan, folders=folders):
            return library.organize(plan, folders, progress)
    raise ValueError(f"unknown engine request {request!r}")


def _failure(exc: BaseException) -> Failed:
    try:
        pickle.dumps(exc)
        error: BaseException | None = exc
    except Exception:
        error = None
    return Failed(error, str(exc), traceback.format_exc())


def _serve(conn: Any, cancel: Any, where: Locations, log_to: str | None) -> None:
    """The engine process: answer requests until told to stop or the parent goes away."""
    if log_to:
        logging.basicConfig(
            filename=log_to,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s engine %(name)s: %(message)s",
        )
    from photoorg.core.library import Library

    library: Any = Library(where)
    try:
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                break
            if isinstance(request, Stop):
                break
            if isinstance(request, Open):  # another library (one engine, windows one after another)
                library.close()
                if request.environ is not None:
                    os.environ.clear()
                    os.environ.update(request.environ)
                library = Library(request.where) if request.where is not None else _NoLibrary()
                conn.send(Done(None))
                continue
            try:
                snapshot = library.snapshot if isinstance(request, Refresh) and request.scan else None
                if snapshot is not None:  # the last groups at once, while the scan looks for changes
                    conn.send(Partial(snapshot(True)))
                progress = Progress(on_change=_Reporter(conn, snapshot), cancel_event=cancel)
                reply: Any = Done(_handle(library, request, progress))
            except Cancelled:
                reply = WasCancelled()
            except Exception as exc:  # the process boundary: report it to the app
                log.exception("engine request %s failed", type(request).__name__)
                data = getattr(library, "where", where).catalog.parent  # (_NoLibrary has none)
                reply = _failure(full_disk(exc, str(data)) or exc)
            finally:
                cancel.clear()
            if (next_ones := _undo_redo(library)) is not None:
                conn.send(next_ones)
            conn.send(reply)
    finally:
        library.close()


def _undo_redo(library: Any) -> UndoRedo | None:
    """What Undo and Redo would do now; None when that cannot be read (no library open, or
    its catalog cannot be opened: the request's own answer says why)."""
    try:
        if not library.catalog_open:
            return None
        undo, redo = library.undoable(), library.redoable()
        refused = None if redo else library.redo_refused()
    except Exception:  # the menu keeps its last names
        log.debug("reading what undo and redo would do failed", exc_info=True)
        return None
    return UndoRedo(
        undo.summary if undo else None,
        redo.summary if redo else None,
        refused,
        undo.id if undo else None,
        redo.id if redo else None,
    )


class _NoLibrary:
    """What an engine works on between two libraries: nothing (every request is refused)."""

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise PhotoorgError("No library is open in the engine.")


# -- the parent's side ----------------------------------------------------------------------------
class Engine:
    """A handle on the engine process; started on first use, from one thread at a time."""

    def __init__(self, where: Locations, log_file: str | None = None) -> None:
        self.where = where
        self._log_file = log_file
        self._ctx = mp.get_context("spawn")  # never fork a process that runs Qt threads
        self._cancel = self._ctx.Event()
        self._process: Any = None
        self._conn: Any = None
        #: Told what Undo and Redo would do, after every request (in the calling thread).
        self.on_undo_redo: Callable[[UndoRedo], None] | None = None

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        parent, child = self._ctx.Pipe()
        self._process = self._ctx.Process(
            target=_serve,
            args=(child, self._cancel, self.where, self._log_file),
            name="photoorg-engine",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._conn = parent

    def call(
        self, request: Request, progress: Progress, on_partial: Callable[[Any], None] | None = None
    ) -> Any:
        """Send one request and wait for its answer, copying progress into ``progress``;
        ``on_partial`` is given what a scan has catalogued so far.

        Raises:
            Cancelled: the person cancelled (``progress.cancel()``) and the engine stopped.
            PhotoorgError (or the typed error the library raised): it failed.
            EngineCrashedError: the engine process died.
        """
        self._ensure()
        self._cancel.clear()
        self._conn.send(request)
        while True:
            if progress.cancelled:
                self._cancel.set()
            try:
                if not self._conn.poll(0.1):
                    continue
                message = self._conn.recv()
            except (EOFError, OSError):
                code = self._process.exitcode if self._process is not None else None
                self._process = None
                raise EngineCrashedError(
                    f"The scanning process stopped unexpectedly (exit code {code}). Everything it "
                    "finished is kept; start the scan again, and see the log if it happens again."
                ) from None
            match message:
                case ProgressReport(stage=stage, done=done, total=total):
                    if not progress.cancelled:  # the child stops at its next batch
                        if stage != progress.stage:
                            progress.start_stage(stage, total)
                        progress.total = total
                        progress.advance(done - progress.done)
                case Partial(state=state):
                    if on_partial is not None:
                        on_partial(state)
                case UndoRedo() if self.on_undo_redo is not None:
                    self.on_undo_redo(message)
                case Done(result=result):
                    return result
                case WasCancelled():
                    raise Cancelled()
                case Failed(error=error, text=text, details=details):
                    if isinstance(error, PhotoorgError):
                        raise error
                    raise RuntimeError(f"{text}\n\nIn the engine process:\n{details}")

    def open(self, where: Locations | None) -> None:
        """Work on the library at ``where`` (None: close the current one and keep the process,
        for the next window: the tests share one engine across many windows)."""
        self.where = where or self.where
        if self._process is None or not self._process.is_alive():
            return  # a new process starts with self.where
        self.call(Open(where, dict(os.environ)), Progress())

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the process to finish (it closes its catalog), then make sure it is gone."""
        if self._process is None:
            return
        self._cancel.set()
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(Stop())
        self._process.join(timeout)
        if self._process.is_alive():
            log.warning("the engine process did not stop in %.0f s; terminating it", timeout)
            self._process.terminate()
            self._process.join(5)
        self._conn.close()
        self._process = None


__all__ = [
    "AlbumKeywords",
    "AskUndoRedo",
    "Calibrate",
    "ChangeGroups",
    "Engine",
    "EngineCrashedError",
    "EstimateScan",
    "FileAction",
    "FindSimilar",
    "History",
    "Mark",
    "NameAlbum",
    "Open",
    "Organize",
    "PlanOrganize",
    "Redo",
    "Refresh",
    "RenameGroup",
    "Request",
    "SetDateTaken",
    "ShowAlbum",
    "TeachAlbum",
    "TrashFromSets",
    "Undo",
]
