"""The one place in the app that creates threads.

Two pools: "heavy" has a single thread for everything that touches the model or the catalog
(scanning, grouping, duplicate search, file actions), so catalog writes never overlap; "io"
has a few threads for thumbnails and previews. A task is a plain function; its result or
exception comes back on the GUI thread through a relay QObject that lives there.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from photoorg.core.errors import Cancelled

log = logging.getLogger(__name__)


class TaskError(Exception):
    """What a failed task raised, with the traceback text from the worker thread."""

    def __init__(self, error: BaseException, details: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.details = details


class _Relay(QObject):
    """Created on the GUI thread, so its signals are delivered there."""

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, name: str) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay
        self._name = name

    def run(self) -> None:
        try:
            result = self._fn()
        except Cancelled:
            self._relay.cancelled.emit()
        except Exception as exc:  # the task boundary: log it, report it to the GUI thread
            log.exception("task %s failed", self._name)
            self._relay.failed.emit(TaskError(exc, traceback.format_exc()))
        else:
            self._relay.succeeded.emit(result)


class Tasks(QObject):
    """Runs functions off the GUI thread and calls back on it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.heavy = QThreadPool(self)
        self.heavy.setMaxThreadCount(1)
        self.io = QThreadPool(self)
        self.io.setMaxThreadCount(max(2, min(4, (os.cpu_count() or 2) - 1)))
        self._pending: set[_Relay] = set()
        self._io_priority = 0

    def _submit(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[TaskError], None] | None,
        on_cancel: Callable[[], None] | None,
        name: str,
        priority: int = 0,
    ) -> None:
        relay = _Relay()
        self._pending.add(relay)  # keep it alive until it has fired

        def finish() -> None:
            self._pending.discard(relay)
            relay.deleteLater()

        def done(result: Any) -> None:
            finish()
            if on_done is not None:
                on_done(result)

        def failed(error: TaskError) -> None:
            finish()
            if on_error is not None:
                on_error(error)
            else:
                log.error("background task %s failed: %s", name, error)

        def cancelled() -> None:
            finish()
            if on_cancel is not None:
                on_cancel()

        relay.succeeded.connect(done)
        relay.failed.connect(failed)
        relay.cancelled.connect(cancelled)
        pool.start(_Runnable(fn, relay, name), priority)

    def run_heavy(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[TaskError], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        name: str = "task",
    ) -> None:
        """Queue ``fn`` behind the other heavy tasks (one at a time, in order)."""
        self._submit(self.heavy, fn, on_done, on_error, on_cancel, name)

    def run_io(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[TaskError], None] | None = None,
    ) -> None:
        """Run a short file read; the newest request goes first (what is on screen now)."""
        self._io_priority += 1
        self._submit(self.io, fn, on_done, on_error, None, "io", self._io_priority)

    @property
    def busy(self) -> bool:
        return self.heavy.activeThreadCount() > 0

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued work and wait for running work; True when every thread has stopped."""
        self.io.clear()
        self.heavy.clear()
        ok = self.io.waitForDone(timeout_ms) and self.heavy.waitForDone(timeout_ms)
        self._pending.clear()
        return ok
