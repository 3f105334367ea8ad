"""Progress reporting and cancellation for long core operations, without Qt.

A core function takes ``progress=NULL_PROGRESS`` and calls ``progress.advance(n)`` per batch.
The GUI reads the object on a timer; the CLI draws a bar from it. Setting the cancel token
makes the next ``advance`` (or ``check``) raise :class:`Cancelled`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from photoorg.core.errors import Cancelled

__all__ = ["NULL_PROGRESS", "Cancelled", "Progress"]


class Progress:
    """Counts done/total for the current stage and estimates rate and ETA.

    Writes come from one worker thread; readers on other threads only read plain attributes,
    which is safe under the GIL.
    """

    RATE_WINDOW_S = 10.0

    def __init__(self, on_change: Callable[[Progress], None] | None = None, cancel_event: Any = None) -> None:
        # Anything with set() / is_set(): a threading.Event, or a multiprocessing one when the
        # work runs in another process.
        self._cancel = cancel_event if cancel_event is not None else threading.Event()
        self._on_change = on_change
        self.stage = ""
        self.done = 0
        self.total = 0
        self.unit = ""  # "B": done and total are bytes (shown as MB); "": photos or steps
        self._samples: deque[tuple[float, int]] = deque()
        self.started = time.monotonic()

    def start_stage(self, stage: str, total: int, unit: str = "") -> None:
        """Begin a new stage of ``total`` units (0 when unknown); ``unit`` "B" counts bytes."""
        self.check()
        self.stage = stage
        self.done = 0
        self.total = total
        self.unit = unit
        self.started = time.monotonic()
        self._samples = deque([(self.started, 0)])
        self._changed()

    @contextlib.contextmanager
    def interlude(self, stage: str) -> Iterator[None]:
        """Show ``stage`` (no count) for a step inside the current stage (the model being
        prepared in the middle of a scan), then the stage as it was, counts and all."""
        saved = (self.stage, self.done, self.total, self.unit, self.started, deque(self._samples))
        self.start_stage(stage, 0)
        try:
            yield
        finally:
            self.stage, self.done, self.total, self.unit, self.started, self._samples = saved
            self._changed()

    def advance(self, n: int = 1, check: bool = True) -> None:
        """Count ``n`` more units done; raise Cancelled if the person cancelled (``check``
        False: not yet, in the middle of a batch that must be committed first)."""
        self.done += n
        now = time.monotonic()
        self._samples.append((now, self.done))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.RATE_WINDOW_S:
            self._samples.popleft()
        self._changed()
        if check:
            self.check()

    def cancel(self) -> None:
        """Ask the running operation to stop at its next batch boundary."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Units per second over the last few seconds (0.0 until measurable)."""
        if len(self._samples) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, or None when unknown."""
        rate = self.rate
        if not self.total or rate <= 0:
            return None
        return max(0.0, (self.total - self.done) / rate)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)


class _NullProgress(Progress):
    """A Progress nobody watches and nobody can cancel."""

    def cancel(self) -> None:  # pragma: no cover - nobody holds the token
        raise RuntimeError("NULL_PROGRESS cannot be cancelled; pass a Progress of your own")


NULL_PROGRESS: Progress = _NullProgress()
