"""The app's engine process: scanning, embedding, grouping and duplicate search, in a child
process, so the app's own process never imports torch.

Why a process and not only a worker thread: importing torch and loading DINOv2 hold Python's
GIL for up to 0.4 s at a time (dlopen of libtorch, weight loading), and HDBSCAN holds it while
it clusters; during those the GUI thread cannot run a line of Python, so the window froze
(measured with tests/bench/bench_gui_stall.py). In a child process they cost the window
nothing, a crash or out-of-memory in the model cannot take the window down, and the model
stays loaded between scans because the child lives as long as the window.

Qt-free. The parent talks to it through :class:`Engine` from one thread at a time (the app's
heavy pool); progress comes back as messages and is copied into a local :class:`Progress`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from photoorg.core.errors import Cancelled, PhotoorgError
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress
from photoorg.core.settings import Settings

log = logging.getLogger(__name__)

STAGE_GROUPING = "Grouping similar photos"
STAGE_DUPLICATES = "Looking for duplicates"
_PROGRESS_EVERY_S = 0.05
_MISSING = "folder not found (a disconnected drive?); its photos stay in the catalog until it is back"


@dataclass
class LibraryState:
    """Everything the window shows, computed off the GUI thread."""

    groups: list[Any] = field(default_factory=list)  # grouping.Group, Unsorted last
    sets: list[Any] = field(default_factory=list)  # duplicates.DuplicateSet
    failures: list[tuple[str, str]] = field(default_factory=list)
    photo_count: int = 0
    per_folder: dict[str, int] = field(default_factory=dict)
    model_error: str | None = None
    summary: Any = None  # pipeline.ScanSummary of the scan that led here, if any
    missing: list[str] = field(default_factory=list)  # library folders that are not there


class EngineCrashedError(PhotoorgError):
    """The engine process stopped without answering."""


# -- the child's side ---------------------------------------------------------------------------
class _Library:
    """What the engine process keeps between requests: catalog, loaded model, model id."""

    def __init__(self, where: Locations) -> None:
        from photoorg.core.catalog import Catalog

        self.where = where
        self.catalog = Catalog(where.catalog)
        self.embedder: Any = None
        self.embedder_for: tuple[str, str] | None = None
        self.model_id: int | None = None
        self.model_error: str | None = None

    def embedder_for_settings(self, settings: Settings) -> Any:
        from photoorg.core.embedder import Embedder

        wanted = (settings.model, settings.device)
        if self.embedder is None or self.embedder_for != wanted:
            self.embedder = Embedder(
                settings.model, device=settings.device, cache_dir=self.where.model_cache, allow_download=False
            )
            self.embedder_for = wanted
            self.model_id = None
        return self.embedder

    def compute(self, settings: Settings, scan: bool, progress: Progress) -> LibraryState:
        """Scan (when asked, or when the model's vectors are not known yet), group, find duplicates."""
        from photoorg.core.duplicates import Verdict, find_duplicates
        from photoorg.core.grouping import group_photos
        from photoorg.core.pipeline import run_scan

        catalog = self.catalog
        state = LibraryState()
        # A folder that is not there (an unplugged drive) keeps its photos in the catalog, but
        # they are not offered for anything until it is back.
        state.missing = [f for f in settings.folders if not os.path.isdir(f)]
        roots = [f for f in settings.folders if f not in state.missing]
        if not roots:
            state.failures = [(f, _MISSING) for f in state.missing]
            return state
        self.embedder_for_settings(settings)
        if scan or (self.model_id is None and self.model_error is None):
            # Cheap when nothing changed: unchanged files are not opened and torch is not loaded.
            summary = run_scan(roots, catalog, self.embedder, exclude=settings.exclude, progress=progress)
            state.summary = summary
            self.model_error = summary.model_error
            model = catalog.find_model(summary.model_key) if summary.model_key else None
            self.model_id = model.id if model else None
            if summary.cancelled:
                progress.check()
        state.model_error = self.model_error
        photos = catalog.photos(under=roots)
        state.photo_count = len(photos)
        for folder in roots:
            prefix = folder.rstrip(os.sep) + os.sep
            state.per_folder[folder] = sum(1 for p in photos if p.path.startswith(prefix))
        state.failures = [(f, _MISSING) for f in state.missing] + catalog.failures(under=roots)
        if self.model_id is not None:
            progress.start_stage(STAGE_GROUPING, 0)
            state.groups = group_photos(
                catalog, self.model_id, roots, settings=settings.group_settings(), progress=progress
            )
            names = settings.group_names
            for g in state.groups:
                g.name = next((names[p.fingerprint] for p in g.photos[:20] if p.fingerprint in names), "")
        progress.start_stage(STAGE_DUPLICATES, 0)
        state.sets = find_duplicates(
            catalog,
            self.model_id,
            roots,
            settings=settings.duplicate_settings(),
            policy=settings.keeper_policy(),
            verdicts=tuple(Verdict) if self.model_id is not None else (Verdict.EXACT,),
            progress=progress,
        )
        return state

    def similar(self, path: str, k: int, roots: Sequence[str]) -> list[tuple[Any, float]]:
        from photoorg.core.grouping import find_similar

        if self.model_id is None:
            raise PhotoorgError("Finding similar photos needs the model; it is not available yet.")
        try:
            return find_similar(self.catalog, self.model_id, path, k, roots=roots)
        except KeyError:
            raise PhotoorgError(
                f"{os.path.basename(path)} has not been embedded yet; wait for the scan to finish."
            ) from None


class _Reporter:
    """Sends progress to the app: every stage change, then at most every 50 ms."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._last = 0.0
        self._stage = ""

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if p.stage != self._stage or now - self._last >= _PROGRESS_EVERY_S or p.done >= p.total > 0:
            self._stage, self._last = p.stage, now
            self._conn.send(("progress", p.stage, p.done, p.total))


def _serve(conn: Any, cancel: Any, where: Locations, log_to: str | None) -> None:
    """The engine process: answer requests until told to stop or the parent goes away."""
    if log_to:
        logging.basicConfig(
            filename=log_to,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s engine %(name)s: %(message)s",
        )
    library = _Library(where)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        kind, args = request[0], request[1:]
        if kind == "stop":
            break
        progress = Progress(on_change=_Reporter(conn), cancel_event=cancel)
        try:
            if kind == "compute":
                result: Any = library.compute(args[0], args[1], progress)
            elif kind == "similar":
                result = library.similar(*args)
            else:
                raise ValueError(f"unknown engine request {kind!r}")
        except Cancelled:
            conn.send(("cancelled",))
        except Exception as exc:  # the process boundary: report it to the app
            log.exception("engine request %s failed", kind)
            conn.send(("error", isinstance(exc, PhotoorgError), str(exc), traceback.format_exc()))
        else:
            conn.send(("done", result))
        finally:
            cancel.clear()
    library.catalog.close()


# -- the parent's side --------------------------------------------------------------------------
class Engine:
    """A handle on the engine process; started on first use, from one thread at a time."""

    def __init__(self, where: Locations, log_file: str | None = None) -> None:
        self.where = where
        self._log_file = log_file
        self._ctx = mp.get_context("spawn")  # never fork a process that runs Qt threads
        self._cancel = self._ctx.Event()
        self._process: Any = None
        self._conn: Any = None

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

    def _call(self, request: tuple[Any, ...], progress: Progress) -> Any:
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
            kind = message[0]
            if kind == "progress":
                _, stage, done, total = message
                if not progress.cancelled:  # the child stops at its next batch; no need to raise here
                    if stage != progress.stage:
                        progress.start_stage(stage, total)
                    progress.total = total
                    progress.advance(done - progress.done)
            elif kind == "done":
                return message[1]
            elif kind == "cancelled":
                raise Cancelled()
            else:
                _, is_photoorg, text, details = message
                if is_photoorg:
                    raise PhotoorgError(text)
                raise RuntimeError(f"{text}\n\nIn the engine process:\n{details}")

    def compute(self, settings: Settings, scan: bool, progress: Progress) -> LibraryState:
        return self._call(("compute", settings, scan), progress)

    def similar(self, path: str, k: int, roots: Sequence[str], progress: Progress) -> list[tuple[Any, float]]:
        return self._call(("similar", path, k, list(roots)), progress)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the process to finish (it closes its catalog), then make sure it is gone."""
        if self._process is None:
            return
        self._cancel.set()
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(("stop",))
        self._process.join(timeout)
        if self._process.is_alive():
            log.warning("the engine process did not stop in %.0f s; terminating it", timeout)
            self._process.terminate()
            self._process.join(5)
        self._conn.close()
        self._process = None
