"""The app's one link to the core: runs scans, grouping, duplicate search and file actions in
the heavy pool and hands the results to the window as plain objects.

Scanning, grouping and duplicate search run in the engine process (photoorg.engine), driven
from a heavy task; file actions, undo and decisions run in the heavy task itself, on this
process's catalog connection. Nothing in this process imports torch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress
from photoorg.core.settings import Settings, save_settings
from photoorg.engine import Engine, LibraryState
from photoorg.gui.tasks import TaskError, Tasks

log = logging.getLogger(__name__)


class Library(QObject):
    """Owns the settings, the catalog (through heavy tasks) and the latest LibraryState."""

    state_changed = Signal(object)  # LibraryState
    busy_changed = Signal(bool)
    task_failed = Signal(object)  # TaskError
    action_finished = Signal(str)  # a sentence for the status bar
    model_missing = Signal(str)  # why the model cannot be used (not cached, offline...)
    similar_found = Signal(str, object)  # path, list[(PhotoInfo, similarity)]

    def __init__(self, where: Locations, settings: Settings, tasks: Tasks, parent: QObject | None = None):
        super().__init__(parent)
        self.where = where
        self.settings = settings
        self.tasks = tasks
        self.state = LibraryState()
        self.progress = Progress()
        self._busy = 0
        self._catalog: Any = None  # opened in the heavy thread, for file actions
        self.engine = Engine(where, str(where.logs / "photoorg.log"))
        self.catalog_notes: list[str] = []
        self._progresses: set[Progress] = set()
        self.cancellable = False  # whether the running task stops on Cancel
        self._queued_refresh: bool | None = None  # scan flag of a refresh not started yet

    # -- helpers that run in the heavy thread -------------------------------------------------
    def _open(self):
        if self._catalog is None:
            from photoorg.core.actions import reconcile
            from photoorg.core.catalog import Catalog

            self._catalog = Catalog(self.where.catalog)
            if self._catalog.set_aside_to is not None:
                self.catalog_notes.append(
                    f"The old catalog was unusable and was kept as {self._catalog.set_aside_to}; "
                    "a new one was started."
                )
            self.catalog_notes.extend(reconcile(self._catalog))
        return self._catalog

    # -- GUI-thread API -----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        name: str,
        on_cancel: Callable[[], None] | None = None,
        stage: str = "",
    ) -> None:
        """Queue ``fn`` in the heavy pool. With ``stage``, the status bar says that while it
        runs and Cancel is off (the task cannot stop half-way); scans set their own progress."""
        if self._busy:
            self.action_finished.emit(f"Queued until the current work ends: {stage or name}.")
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)
        if stage:
            inner = fn

            def fn() -> Any:
                progress = Progress()
                progress.stage = stage
                self.cancellable = False
                self.progress = progress
                return inner()

        def settle() -> None:
            self._busy -= 1
            if self._busy == 0:
                self.busy_changed.emit(False)

        def done(result: Any) -> None:
            settle()
            on_done(result)

        def failed(error: TaskError) -> None:
            settle()
            self.task_failed.emit(error)

        def cancelled() -> None:
            settle()
            if on_cancel is not None:
                on_cancel()
            self.action_finished.emit("Cancelled. Everything done so far is kept.")

        self.tasks.run_heavy(fn, done, failed, cancelled, name)

    def refresh(self, scan: bool = True) -> None:
        """Bring the catalog up to date (when ``scan``), then regroup and look for duplicates.

        A refresh that is queued and not started yet already covers a second request.
        """
        if self._queued_refresh is not None and (self._queued_refresh or not scan):
            return
        progress = Progress()
        self._queued_refresh = scan
        self._progresses.add(progress)

        def work() -> LibraryState:
            self._queued_refresh = None  # started: a later request needs a new run
            self.progress = progress  # what the status bar shows from now on
            self.cancellable = True
            try:
                self._open()  # reconciles the journal before anything reads the catalog
                return self.engine.compute(self.settings, scan, progress)
            finally:
                self._progresses.discard(progress)

        # A cancelled scan still shows what it embedded so far.
        after_cancel = (lambda: self.refresh(scan=False)) if scan else None
        self._run(work, self._apply, "scan" if scan else "regroup", after_cancel)

    def _apply(self, state: LibraryState) -> None:
        self.state = state
        self.state_changed.emit(state)
        if state.model_error and not self.settings.model_declined:
            self.model_missing.emit(state.model_error)

    def cancel(self) -> None:
        """Stop the scan or regrouping in progress and any that is queued."""
        self.progress.cancel()
        for progress in list(self._progresses):
            progress.cancel()

    def save_settings(self) -> None:
        save_settings(self.where, self.settings)

    def check_model(self, on_result: Callable[[str | None], None]) -> None:
        """Whether the chosen model is on this computer: None, or why not (never downloads)."""
        from photoorg.core.embedder import resolve_model

        def probe() -> str | None:
            try:
                resolve_model(self.settings.model, cache_dir=self.where.model_cache, allow_download=False)
            except PhotoorgError as exc:
                return str(exc)
            return None

        self._run(probe, on_result, "check model", stage="Checking the model")

    def download_model(self, on_result: Callable[[str | None], None]) -> None:
        """Download the chosen hub model (the only network access photoorg makes)."""
        from photoorg.core.embedder import download_progress_class, resolve_model

        progress = Progress()
        self._progresses.add(progress)
        progress.start_stage("Downloading the model (MB)", 0)

        def report(done: int, total: int) -> None:
            # Called in huggingface_hub's download threads; a cancel there stops the transfer
            # (a partial file is resumed by the next download).
            progress.total = max(progress.total, total // 1_000_000)
            progress.advance(max(0, done // 1_000_000 - progress.done))

        def fetch() -> str | None:
            self.progress, self.cancellable = progress, True
            try:
                resolve_model(
                    self.settings.model,
                    cache_dir=self.where.model_cache,
                    allow_download=True,
                    download_progress=download_progress_class(report),
                )
            except PhotoorgError as exc:
                progress.check()  # a cancelled download is not a failure to report
                return str(exc)
            finally:
                self._progresses.discard(progress)
            return None

        self._run(fetch, on_result, "download model")

    def file_action(
        self, action: str, paths: Sequence[str], destination: str | None = None, members: Sequence[str] = ()
    ) -> None:
        """Trash, move or copy photos through the core's journal, then regroup."""
        from photoorg.core import actions

        verb = {"trash": "Moved to the trash", "move": "Moved", "copy": "Copied"}[action]

        def act() -> str:
            catalog = self._open()
            protected = self.settings.protected
            if members:
                steps = actions.plan_set_cleanup(catalog, members, paths, protected=protected)
            else:
                steps = actions.plan(catalog, actions.Action(action), paths, destination, protected)
            todo = [s for s in steps if s.skip is None]
            outcome = actions.execute(
                catalog, actions.Action(action), steps, f"{action} {len(todo)} photo(s)"
            )
            return _outcome_text(verb, outcome)

        stage = {"trash": "Moving to the trash", "move": "Moving photos", "copy": "Copying photos"}[action]
        self._run(act, self._action_done, action, stage=stage)

    def trash_from_sets(self, plan: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
        """Trash the unchecked photos of several duplicate sets as one undoable action.

        ``plan`` holds (every member of a set, the members to trash); each set keeps one.
        """
        from photoorg.core import actions

        def act() -> str:
            catalog = self._open()
            steps = [
                step
                for members, paths in plan
                for step in actions.plan_set_cleanup(catalog, members, paths, self.settings.protected)
            ]
            todo = [s for s in steps if s.skip is None]
            outcome = actions.execute(
                catalog, actions.Action.TRASH, steps, f"trash {len(todo)} duplicate(s) from {len(plan)} sets"
            )
            return _outcome_text("Moved to the trash", outcome)

        self._run(act, self._action_done, "trash duplicates", stage="Moving duplicates to the trash")

    def undo(self) -> None:
        """Undo the newest file action that is not undone yet (works across restarts)."""
        from photoorg.core import actions

        def act() -> str:
            catalog = self._open()
            if not any(b.undone is None for b in actions.history(catalog)):
                return "Nothing to undo."
            return _outcome_text("Undone: restored", actions.undo(catalog))

        self._run(act, self._action_done, "undo", stage="Undoing")

    def _action_done(self, text: str) -> None:
        self.action_finished.emit(text)
        self.refresh(scan=False)

    def mark(self, duplicate_set: Any, decision: str) -> None:
        """Remember "not duplicates" / "keep both" for a set, then look again."""
        from photoorg.core.duplicates import mark

        def act() -> str:
            mark(self._open(), duplicate_set, decision)
            n = len(duplicate_set.photos)
            keep = "Keep both" if n == 2 else "Keep all"
            label = "Not duplicates" if decision == "not_duplicates" else keep
            return f"{label}: remembered for {len(duplicate_set.photos)} photos."

        self._run(act, self._action_done, "mark", stage="Remembering your decision")

    def find_similar(self, path: str, k: int = 60) -> None:
        progress = Progress()
        progress.stage = f"Looking for photos like {os.path.basename(path)}"

        def act() -> tuple[str, Any]:
            self.progress, self.cancellable = progress, False
            return path, self.engine.similar(path, k, self.settings.folders, progress)

        self._run(act, lambda r: self.similar_found.emit(*r), "find similar")

    def close_catalog(self) -> None:
        """Stop the engine and close the catalog; only once no heavy task runs (the window's
        close waits for that)."""
        self.engine.stop()
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None


def _outcome_text(verb: str, outcome: Any) -> str:
    parts = [f"{verb} {len(outcome.done)} photo(s)"]
    if outcome.skipped:
        reasons = sorted({s.skip or "" for s in outcome.skipped})
        parts.append(f"skipped {len(outcome.skipped)} ({'; '.join(reasons)})")
    if outcome.failed:
        parts.append(f"{len(outcome.failed)} failed ({outcome.failed[0][1]})")
    text = ", ".join(parts) + "."
    if outcome.done and outcome.batch is not None and not verb.startswith("Undone"):
        text += " Edit > Undo puts them back."
    return text
