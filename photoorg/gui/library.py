"""The app's one link to the library: every request goes to the engine process (which runs the
core's library service) from the heavy pool, and comes back to the window as plain objects.

This process never opens the catalog: scans, grouping, duplicate search, file actions, undo,
decisions and group names all run in the engine, one at a time, so the app is one writer of
the library like any command line. Settings are read and changed here through the core's
settings module (read-modify-write under a lock), and re-read when another photoorg changes
them. Nothing in this process imports torch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from photoorg.core.errors import Cancelled, PhotoorgError
from photoorg.core.humanize import plural
from photoorg.core.library import (
    Action,
    LibraryState,
    OrganizePlan,
    OrganizeRequest,
    Outcome,
)
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress
from photoorg.core.settings import Settings, load_settings, settings_stamp, update_settings
from photoorg.engine import (
    Calibrate,
    ChangeGroups,
    Engine,
    FileAction,
    FindSimilar,
    Mark,
    Organize,
    PlanOrganize,
    Refresh,
    RenameGroup,
    Request,
    SetDateTaken,
    TrashFromSets,
    UndoRedo,
)
from photoorg.gui.album_requests import AlbumRequests
from photoorg.gui.messages import STAGES, date_text, outcome_text, queued_words
from photoorg.gui.model_requests import ModelRequests
from photoorg.gui.tasks import TaskError, Tasks
from photoorg.gui.undo_requests import UndoRequests

log = logging.getLogger(__name__)

SETTINGS_CHECK_MS = 2000


class Library(ModelRequests, AlbumRequests, UndoRequests, QObject):
    """The library as the window sees it: its settings and the latest LibraryState."""

    state_changed = Signal(object)  # LibraryState
    partial_state = Signal(object)  # LibraryState(partial=True): what a running scan has so far
    settings_changed = Signal(object)  # Settings (changed here or by another photoorg)
    busy_changed = Signal(bool)
    task_failed = Signal(object)  # TaskError
    action_finished = Signal(str)  # a sentence for the status bar
    model_missing = Signal(object)  # the ModelUnavailable error: why the model cannot be used
    similar_found = Signal(str, object)  # path, list[(PhotoInfo, similarity)]
    # The "Queued until ..." message as it was, and as it is now that a task of it started or
    # was cancelled ("" when nothing waits any more).
    queue_started = Signal(str, str)
    _work_started = Signal(object)  # a queued task's token, emitted in the worker thread
    undo_redo_changed = Signal(object)  # UndoRedo: what Undo, Redo would do, or why Redo cannot

    def __init__(
        self, where: Locations, tasks: Tasks, parent: QObject | None = None, engine: Engine | None = None
    ):
        super().__init__(parent)
        self.where = where
        self.tasks = tasks
        self._settings = load_settings(where)
        self._stamp = settings_stamp(where)
        self.state = LibraryState()
        self.progress = Progress()
        self._busy = 0
        self._waiting: dict[object, str] = {}  # the queued tasks not started yet, by token
        self._work_started.connect(self._started)
        # An engine given from outside (the tests share one across windows) is kept running
        # when the window closes; the window's own engine stops with it.
        self._own_engine = engine is None
        self.engine = engine or Engine(where, str(where.logs / "photoorg.log"))
        # Emitted in a worker thread; Qt queues it to the window's.
        self.engine.on_undo_redo = self.undo_redo_changed.emit
        self.undo_names: UndoRedo | None = None  # the last ones heard
        self.undo_redo_changed.connect(lambda names: setattr(self, "undo_names", names))
        if engine is not None:
            engine.open(where)
        self.notes: list[str] = []
        self._progresses: set[Progress] = set()
        self.cancellable = False  # whether the running task stops on Cancel
        self._queued_refresh: bool | None = None  # scan flag of a refresh not started yet
        self._closing = False
        self._watch = QTimer(self)
        self._watch.setInterval(SETTINGS_CHECK_MS)
        self._watch.timeout.connect(self.check_settings)
        self._watch.start()

    # -- settings -------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    def change_settings(self, change: Callable[[Settings], object]) -> Settings:
        """Change the saved settings; ``change`` may raise (nothing is saved then)."""
        self._settings = update_settings(self.where, change)
        self._stamp = settings_stamp(self.where)
        self.settings_changed.emit(self._settings)
        return self._settings

    def check_settings(self) -> bool:
        """Re-read the settings when another photoorg changed them (a folder protected from a
        terminal shows as protected here); True when they changed."""
        stamp = settings_stamp(self.where)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        new = load_settings(self.where)
        if new == self._settings:
            return False
        old, self._settings = self._settings, new
        self.settings_changed.emit(new)
        shown = ("folders", "protected", "exclude", "preferred", "keeper_rules")  # what the sets follow
        if any(getattr(new, k) != getattr(old, k) for k in shown):
            self.refresh(scan=new.folders != old.folders or new.exclude != old.exclude)
        return True

    # -- running requests -----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        name: str,
        on_cancel: Callable[[], None] | None = None,
        on_error: Callable[[TaskError], bool] | None = None,
        cancel_text: str = "Cancelled. Everything done so far is kept.",
    ) -> None:
        """Queue ``fn`` in the heavy pool. ``on_error`` may handle an error (True) before it
        is reported as a failure."""
        token = object() if self._busy else None
        if token is not None:
            self._waiting[token] = name
            self.action_finished.emit(queued_words(self._waiting.values()))
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)

        def settle() -> None:
            self._busy -= 1
            if self._busy == 0:
                self.busy_changed.emit(False)

        def done(result: Any) -> None:
            settle()
            on_done(result)

        def failed(error: TaskError) -> None:
            settle()
            if on_error is None or not on_error(error):
                self.task_failed.emit(error)

        def cancelled() -> None:
            settle()
            self._started(token)  # (if it never started) it waits no more
            if on_cancel is not None:
                on_cancel()
            self.action_finished.emit(cancel_text)

        def started() -> Any:
            self._work_started.emit(token)
            return fn()

        self.tasks.run_heavy(started if token is not None else fn, done, failed, cancelled, name)

    def _started(self, token: object) -> None:
        """A queued task started (or was cancelled): the "Queued" message is not true any more
        (a review); the tasks still waiting are said instead (a review: two queued tasks of one
        name shared a message, taken back when the first started)."""
        if token not in self._waiting:
            return
        before = queued_words(self._waiting.values())
        del self._waiting[token]
        self.queue_started.emit(before, queued_words(self._waiting.values()))

    def _ask(self, request: Request, stage: str = "", cancellable: bool = True) -> Callable[[], Any]:
        """A heavy task that sends ``request`` to the engine and waits for the answer."""
        progress = Progress()
        if stage:
            progress.stage = stage
        if cancellable:  # a file action, once asked for, is carried out whole
            self._progresses.add(progress)

        def work() -> Any:
            self.progress, self.cancellable = progress, cancellable  # what the status bar shows
            try:
                # The signal is emitted in this worker thread; Qt queues it to the window's.
                return self.engine.call(request, progress, self.partial_state.emit)
            finally:
                self._progresses.discard(progress)

        return work

    def refresh(self, scan: bool = True) -> None:
        """Bring the catalog up to date (when ``scan``), then regroup and look for duplicates.

        A refresh that is queued and not started yet already covers a second request.
        """
        if self._queued_refresh is not None and (self._queued_refresh or not scan):
            return
        self._queued_refresh = scan
        ask = self._ask(Refresh(scan))

        def work() -> LibraryState:
            self._queued_refresh = None  # started: a later request needs a new run
            if self._closing:
                raise Cancelled()
            return ask()

        # A cancelled scan still shows what it embedded so far.
        after_cancel = (lambda: self.refresh(scan=False)) if scan else None
        self._run(work, self._apply, "scan" if scan else "regroup", after_cancel)

    def look_again(self) -> None:
        """Look at every photo again as the re-embed offer proposes (the best number format
        here, the newest preprocessing: the engine's library service decides), then show the
        library. Cancelled, it shows what was done; a new look later goes on from there."""
        work = self._ask(Refresh(scan=True, again=True))
        self._run(work, self._apply, "look at the library again", lambda: self.refresh(scan=False))

    def _apply(self, state: LibraryState) -> None:
        self.state = state
        self.notes.extend(state.notes)
        self.state_changed.emit(state)
        if state.model_error is not None and not self._settings.model_declined:
            self.model_missing.emit(state.model_error)

    def cancel(self) -> None:
        """Stop the scan or regrouping (or download) in progress and any that is queued."""
        for progress in list(self._progresses):
            progress.cancel()

    def close(self) -> None:
        """The window closes: scans stop and queued ones never start; a file action, an undo,
        a decision or a name already asked for is still carried out."""
        self._closing = True
        self._watch.stop()
        self.cancel()

    # -- changes to the library (in the engine, under the library lock) ------------------------
    def file_action(
        self, action: str, paths: Sequence[str], destination: str | None = None, members: Sequence[str] = ()
    ) -> None:
        """Trash, move or copy photos through the core's journal, then regroup."""
        request = FileAction(action, tuple(paths), destination, tuple(members) if members else None)
        work = self._ask(request, STAGES[Action(action)], cancellable=False)
        self._run(work, lambda outcome: self._action_done(outcome_text(outcome)), action)

    def trash_from_sets(self, plan: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
        """Trash the unchecked photos of several duplicate sets as one undoable action."""
        request = TrashFromSets(tuple((tuple(members), tuple(paths)) for members, paths in plan))
        work = self._ask(request, "Moving duplicates to the trash", cancellable=False)
        self._run(work, lambda outcome: self._action_done(outcome_text(outcome)), "trash duplicates")

    def _action_done(self, text: str) -> None:
        self.action_finished.emit(text)
        self.refresh(scan=False)

    def mark(self, duplicate_set: Any, decision: str) -> None:
        """Remember "not duplicates" / "keep both" for a set, then look again."""
        n = len(duplicate_set.photos)
        keep = "Keep both" if n == 2 else "Keep all"
        label = "Not duplicates" if decision == "not_duplicates" else keep
        work = self._ask(Mark(duplicate_set, decision), "Remembering your decision", cancellable=False)
        said = f"{label}: remembered for {n} photos. Edit > Undo brings the set back."
        self._run(work, lambda _: self._action_done(said), "mark")

    def set_date_taken(self, paths: Sequence[str], when: datetime, known: str = "day") -> None:
        """Write ``when`` (``known`` to the day, the month or the year) as the date taken into
        the XMP sidecars of these photos (those without a date of their own), one undoable
        action; the engine dates them in the catalog."""
        request = SetDateTaken(tuple(paths), when, known)
        work = self._ask(request, "Writing the date taken", cancellable=False)
        self._run(work, lambda result: self._action_done(date_text(when, result[1], known)), "set date taken")

    def rename_group(self, group_id: int, name: str) -> None:
        """Give a group a name (kept in the catalog with the group)."""
        work = self._ask(RenameGroup(group_id, name), "Renaming the group", cancellable=False)
        said = f"Named the group \u201c{name}\u201d." if name.strip() else "Took the group's name away."

        def refused(_error: TaskError) -> bool:  # the list shows the name it has, not the one refused
            self.refresh(scan=False)  # (a hostile review: a refused F2 name stayed in the list)
            return False  # and the reason is said

        self._run(
            work,
            lambda _: self.action_finished.emit(f"{said} Edit > Undo takes it back."),
            "rename group",
            on_error=refused,
        )

    def plan_organize(
        self,
        request: OrganizeRequest,
        on_plan: Callable[[OrganizePlan], None],
        paths: Sequence[str] | None = None,
        group_ids: Sequence[int] | None = None,
        on_error: Callable[[TaskError], bool] | None = None,
    ) -> None:
        """Plan an organize of the library (or these photos, or groups); nothing moves."""
        ask = PlanOrganize(request, tuple(paths) if paths else None, tuple(group_ids) if group_ids else None)
        self._run(self._ask(ask, "Planning", cancellable=True), on_plan, "plan organize", on_error=on_error)

    def organize(self, plan: OrganizePlan, folders: Sequence[str] | None) -> None:
        """Carry out a plan (the folders the person left ticked), one undoable action."""
        verb = "Copying" if plan.request.copy else "Moving"
        work = self._ask(
            Organize(plan, tuple(folders) if folders is not None else None), f"{verb} photos", False
        )

        def done(result: tuple[Outcome, list[str]]) -> None:
            outcome, pruned = result
            text = outcome_text(outcome)
            if pruned:
                text += f" Removed {plural(len(pruned), 'empty folder')}."
            self._action_done(text)

        self._run(work, done, "organize")

    def change_groups(
        self, kind: str, group_id: int, paths: Sequence[str] = (), other_id: int | None = None, what: str = ""
    ) -> None:
        """Move photos into a group, take them out of one, or merge two groups (undoable)."""
        work = self._ask(ChangeGroups(kind, group_id, tuple(paths), other_id), "Changing the groups", False)
        self._run(
            work,
            lambda _batch: self._action_done(f"{what} Edit > Undo takes it back."),
            "change groups",
            on_error=self._said_if_refused,
        )

    def _said_if_refused(self, error: TaskError) -> bool:
        """A change the library refused ("already in that group", "there is an album of that
        name"): said in the status line, not reported as a failure."""
        if isinstance(error.error, PhotoorgError):
            self.action_finished.emit(str(error.error))
            return True
        return False

    def calibrate(self, on_result: Callable[[Any], None]) -> None:
        """How similar each photo is to its nearest neighbour (a Calibration), to judge the
        duplicate thresholds."""
        work = self._ask(Calibrate(), "Measuring how alike the photos are", cancellable=True)
        self._run(work, on_result, "thresholds")

    def find_similar(self, path: str, k: int = 60) -> None:
        work = self._ask(FindSimilar(path, k), f"Looking for photos like {os.path.basename(path)}", False)
        self._run(work, lambda found: self.similar_found.emit(path, found), "find similar")

    def close_catalog(self) -> None:
        """Stop the engine (it closes the catalog); only once no heavy task runs (the window's
        close waits for that)."""
        self._watch.stop()
        if self._own_engine:
            self.engine.stop()
        else:
            self.engine.open(None)  # closes this library's catalog
