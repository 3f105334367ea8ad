"""The one place in the app that creates threads.

Two pools: "heavy" has a single thread that talks to the engine process (scans, grouping,
duplicate search, file actions, undo: every catalog write of the app, one at a time, in order)
and downloads the model; "io" has a few threads for thumbnails and previews. A task is a plain
function; its result or exception comes back on the GUI thread through a relay QObject that
lives there.
"""

from __future__ import annotations

import itertools
import logging
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from photoorg.core.errors import Cancelled, PhotoorgError

log = logging.getLogger(__name__)


class TaskError(Exception):
    """What a failed task raised, with the traceback text from the worker thread."""

    def __init__(self, error: BaseException, details: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.details = details


class _Relay(QObject):
    """Lives on the GUI thread; workers emit on it, so the handler runs there."""

    finished = Signal(object)  # (token, outcome, payload)


_DONE, _FAILED, _CANCELLED = "done", "failed", "cancelled"


def _runner(fn: Callable[[], Any], relay: _Relay, token: int, name: str) -> Callable[[], None]:
    """What a pool thread runs: ``fn``, with its outcome sent to the relay."""

    def run() -> None:
        try:
            outcome = (token, _DONE, fn())
        except Cancelled:
            outcome = (token, _CANCELLED, None)
        except Exception as exc:  # the task boundary: log it, report it to the GUI thread
            if isinstance(exc, PhotoorgError):  # an answer for the person ("nothing to redo")
                log.info("task %s: %s", name, exc)
            else:
                log.exception("task %s failed", name)
            outcome = (token, _FAILED, TaskError(exc, traceback.format_exc()))
        relay.finished.emit(outcome)

    return run


@dataclass
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[TaskError], None] | None
    on_cancel: Callable[[], None] | None
    name: str


class Tasks(QObject):
    """Runs functions off the GUI thread and calls back on it.

    One relay object carries every outcome back (one queued signal per task, no QObject per
    task: thumbnails are requested by the hundred while scrolling).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.heavy = QThreadPool(self)
        self.heavy.setMaxThreadCount(1)
        self.io = QThreadPool(self)
        self.io.setMaxThreadCount(max(2, min(4, (os.cpu_count() or 2) - 1)))
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._pending: dict[int, _Callbacks] = {}
        self._tokens = itertools.count(1)
        self._io_priority = 0

    def _submit(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        callbacks: _Callbacks,
        priority: int = 0,
    ) -> None:
        token = next(self._tokens)
        self._pending[token] = callbacks
        pool.start(_runner(fn, self._relay, token, callbacks.name), priority)

    def _finished(self, outcome: tuple[int, str, Any]) -> None:
        token, kind, payload = outcome
        cb = self._pending.pop(token, None)
        if cb is None:  # shut down meanwhile
            return
        if kind == _DONE:
            if cb.on_done is not None:
                cb.on_done(payload)
        elif kind == _FAILED:
            if cb.on_error is not None:
                cb.on_error(payload)
            else:
                log.error("background task %s failed: %s", cb.name, payload)
        elif cb.on_cancel is not None:
            cb.on_cancel()

    def run_heavy(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[TaskError], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        name: str = "task",
    ) -> None:
        """Queue ``fn`` behind the other heavy tasks (one at a time, in order)."""
        self._submit(self.heavy, fn, _Callbacks(on_done, on_error, on_cancel, name))

    def run_io(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[TaskError], None] | None = None,
    ) -> None:
        """Run a short file read; the newest request goes first (what is on screen now)."""
        self._io_priority += 1
        self._submit(self.io, fn, _Callbacks(on_done, on_error, None, "io"), self._io_priority)

    @property
    def busy(self) -> bool:
        return self.heavy.activeThreadCount() > 0

    def shutdown(self, timeout_ms: int = 30_000, keep_heavy: bool = False) -> bool:
        """Drop queued work and wait for running work; True when every thread has stopped.

        ``keep_heavy``: queued heavy tasks still run (a name or a decision the person gave
        must reach the catalog; scans stop themselves once cancelled)."""
        self.io.clear()
        if not keep_heavy:
            self.heavy.clear()
        # io tasks are single file reads: a few seconds is plenty.
        ok = self.io.waitForDone(min(timeout_ms, 5_000)) and self.heavy.waitForDone(timeout_ms)
        self._pending.clear()
        return ok
