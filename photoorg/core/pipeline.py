"""The one orchestrator of a scan: scan -> fingerprint -> decode -> embed -> catalog.

1. List the photo files under the folders (no file is opened).
2. A file whose path, size and mtime are as the catalog recorded, and whose content already has
   a vector for the current model, is unchanged: it is not opened at all.
3. Every other file is read once by a decode thread: the bytes are fingerprinted; if a vector
   for that content exists (a moved, renamed or copied photo) only the header is read for its
   size and EXIF; otherwise it is decoded at reduced size and cropped for the model. A bounded
   window of decode jobs keeps the model fed without holding the library in memory.
4. The calling thread embeds full batches and commits each batch (rows + vectors) in one
   transaction, then reports progress, which is where a cancel takes effect: all committed
   work stays, and the next scan resumes from there.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

import numpy as np

from photoorg.core import imaging, scanner
from photoorg.core.catalog import Catalog, FileRow, ModelInfo, fingerprint
from photoorg.core.embedder import Embedder
from photoorg.core.errors import Cancelled, DecodeError, ModelUnavailable
from photoorg.core.paths import is_under
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

STAGE_FIND = "Looking for photos"
STAGE_EMBED = "Reading and embedding photos"
_ROWS_PER_COMMIT = 256

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Failure:
    """A photo (or folder) that could not be read, and why."""

    path: str
    reason: str


@dataclass
class ScanSummary:
    """What a scan did, for the CLI's summary and the GUI's status bar."""

    roots: list[str]
    seen: int = 0
    unchanged: int = 0
    embedded: int = 0
    reused: int = 0
    not_embedded: int = 0  # catalogued, but no model to embed with
    removed: int = 0
    vanished: int = 0  # listed, then moved or trashed (by photoorg or the person) during the scan
    failures: list[Failure] = field(default_factory=list)
    model: str = ""
    model_key: str | None = None
    model_error: str | None = None
    model_problem: ModelUnavailable | None = None  # the same, typed (ModelNotCached: offer a download)
    cancelled: bool = False
    elapsed: float = 0.0
    work_elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """False when the run failed as a whole (no usable model), not for single bad files."""
        return self.model_error is None

    @property
    def photos_per_second(self) -> float:
        return self.embedded / self.work_elapsed if self.work_elapsed > 0 and self.embedded else 0.0


@dataclass(slots=True)
class _Result:
    row: FileRow
    crop: np.ndarray | None = None
    phash: int | None = None


class _SharedState:
    """What the decode threads read; only the scanning thread writes it."""

    def __init__(self, have: set[str], resize_short: int, crop: int, embedding: bool) -> None:
        self.have = have
        self.resize_short = resize_short
        self.crop = crop
        self.embedding = embedding


def _read(path: str) -> tuple[bytes, os.stat_result]:
    with open(path, "rb") as f:
        before = os.fstat(f.fileno())
        data = f.read()
        after = os.fstat(f.fileno())
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise DecodeError(path, "the file changed while it was being read; it is read again next scan")
    return data, after


def _process(rec: scanner.FileRecord, state: _SharedState) -> _Result:
    """Runs in a decode thread. Never raises for a bad file: the row carries the failure."""
    row = FileRow(rec.path, rec.size, rec.mtime_ns)
    try:
        data, st = _read(rec.path)
        row.size, row.mtime_ns = st.st_size, st.st_mtime_ns
        row.fingerprint = fingerprint(data)
        pixels = state.embedding and row.fingerprint not in state.have
        decoded = imaging.decode(data, state.resize_short, path=rec.path, pixels=pixels)
        row.width, row.height = decoded.width, decoded.height
        row.format, row.taken, row.camera = decoded.format, decoded.taken, decoded.camera
        if not pixels:
            return _Result(row)
        crop = imaging.model_input(decoded, state.resize_short, state.crop)
        return _Result(row, crop, imaging.perceptual_hash(decoded.image))  # type: ignore[arg-type]
    except DecodeError as exc:
        row.failure = exc.reason
    except OSError as exc:
        row.failure = imaging._describe(exc)
    except Exception as exc:  # per-file boundary: one bad file never stops a scan
        log.exception("unexpected error reading %s", rec.path)
        row.failure = f"unexpected error: {exc}"
    row.fingerprint = None
    return _Result(row)


def _bounded_map(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], items: Iterable[T], window: int
) -> Iterator[R]:
    """Like pool.map, in order, but with at most ``window`` jobs submitted ahead."""
    it = iter(items)
    queue: deque[Future[R]] = deque(pool.submit(fn, item) for item in islice(it, window))
    try:
        while queue:
            result = queue.popleft().result()
            for item in islice(it, 1):
                queue.append(pool.submit(fn, item))
            yield result
    finally:
        for fut in queue:
            fut.cancel()


def default_decode_workers() -> int:
    return max(2, min(16, (os.cpu_count() or 2) - 1))


def _dtype_meta_key(embedder: Embedder) -> str:
    return f"dtype-for:{embedder.requested_device}|{embedder.requested_dtype}"


class _Scan:
    """State of one scan run; :func:`run_scan` is the public entry point."""

    def __init__(
        self, catalog: Catalog, embedder: Embedder, progress: Progress, summary: ScanSummary
    ) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self.progress = progress
        self.summary = summary
        self.model_info: ModelInfo | None = None
        self.key: str | None = None
        self.state = _SharedState(set(), 256, 224, embedding=False)
        self.on_wait: Callable[[int | None], None] | None = None
        self.rows: list[FileRow] = []
        self.crops: list[tuple[str, np.ndarray]] = []
        self.hashes: list[tuple[str, int]] = []

    def choose_model(self) -> None:
        """Resolve the model (no torch) and find the vectors it already has."""
        try:
            resolved = self.embedder.resolve()
        except ModelUnavailable as exc:
            self.summary.model_error, self.summary.model_problem = str(exc), exc
            self.summary.model = self.embedder.model_name
            return
        if self.embedder.loaded:
            self.key = self.embedder.key
        else:
            # The dtype that "auto" picks needs torch; remember it so an unchanged library
            # can be checked without importing torch at all.
            dtype = self.catalog.get_meta(_dtype_meta_key(self.embedder))
            if dtype is None:
                self._load_embedder()
                if self.summary.model_error:
                    return
            else:
                self.key = resolved.key(dtype)
        self._use_key()
        p = resolved.preprocess
        self.state.resize_short, self.state.crop = p.resize_short, p.crop
        self.state.embedding = True
        self.summary.model = self.embedder.describe()

    def _use_key(self) -> None:
        assert self.key is not None
        self.model_info = self.catalog.find_model(self.key)
        have = self.catalog.fingerprints_with_vectors(self.model_info.id) if self.model_info else set()
        self.state.have = have
        self.summary.model_key = self.key

    def _load_embedder(self) -> None:
        try:
            self.embedder.load()
        except ModelUnavailable as exc:
            self.summary.model_error, self.summary.model_problem = str(exc), exc
            self.state.embedding = False
            return
        real = self.embedder.key
        self.catalog.set_meta(_dtype_meta_key(self.embedder), self.embedder.dtype)
        if real != self.key:
            if self.key is not None:
                log.info(
                    "model key is %s, not %s as remembered; unchanged photos are re-checked on the next scan",
                    real,
                    self.key,
                )
            self.key = real
            self._use_key()
        self.summary.model = self.embedder.describe()

    def add(self, result: _Result) -> None:
        row = result.row
        s = self.summary
        if row.failure is not None:
            s.failures.append(Failure(row.path, row.failure))
        elif row.fingerprint in self.state.have or any(fp == row.fingerprint for fp, _ in self.crops):
            s.reused += 1
        elif result.crop is not None and self.state.embedding:
            self.crops.append((row.fingerprint, result.crop))  # type: ignore[arg-type]
        else:
            s.not_embedded += 1
        if result.phash is not None and row.fingerprint is not None:
            self.hashes.append((row.fingerprint, result.phash))
        self.rows.append(row)
        if len(self.crops) >= self.embedder.batch_size or len(self.rows) >= _ROWS_PER_COMMIT:
            self.flush()

    def flush(self) -> None:
        rows, crops, hashes = self.rows, self.crops, self.hashes
        self.rows, self.crops, self.hashes = [], [], []
        if not rows:
            return
        vectors: list[tuple[str, np.ndarray]] = []
        if crops and not self.embedder.loaded and self.state.embedding:
            self._load_embedder()
        if crops and self.state.embedding:
            matrix = self.embedder.embed(np.stack([c for _, c in crops]))
            vectors = [(fp, v) for (fp, _), v in zip(crops, matrix, strict=True)]
            if self.model_info is None:
                r = self.embedder.resolve()
                self.model_info = self.catalog.model(
                    self.key,
                    r.name,
                    r.revision,  # type: ignore[arg-type]
                    self.embedder.dtype,
                    self.embedder.dim,
                )
            self.summary.embedded += len(vectors)
        else:
            self.summary.not_embedded += len(crops)
        model_id = self.model_info.id if self.model_info else None
        with self.writing():
            # A photoorg file action may have moved or trashed some of these photos since
            # they were listed (it holds the lock while it works): a row for a file that is
            # no longer there would be a phantom, and its read error a false problem.
            present = [r for r in rows if os.path.lexists(r.path)]
            if len(present) < len(rows):
                vanished = {r.path for r in rows} - {r.path for r in present}
                self.summary.failures = [f for f in self.summary.failures if f.path not in vanished]
                self.summary.vanished += len(vanished)
            self.catalog.write_batch(present, vectors, model_id, hashes)
        self.state.have.update(fp for fp, _ in vectors)
        self.progress.advance(len(rows))

    def writing(self) -> AbstractContextManager[None]:
        """The library lock, held while a batch is committed (see photoorg.core.lock)."""
        return self.catalog.lock.holding(on_wait=self.on_wait, check=self.progress.check)


def run_scan(
    roots: Sequence[str | os.PathLike[str]],
    catalog: Catalog,
    embedder: Embedder,
    *,
    exclude: Iterable[str] = (),
    progress: Progress = NULL_PROGRESS,
    decode_workers: int | None = None,
    on_wait: Callable[[int | None], None] | None = None,
    embed: bool = True,
) -> ScanSummary:
    """Bring the catalog up to date for ``roots`` and embed every readable photo.

    Returns a summary; a cancel returns early with ``cancelled=True`` and everything committed
    so far kept. Single unreadable files are listed in ``failures``; a missing model sets
    ``model_error`` but photos are still catalogued (fingerprints, sizes, dates). With ``embed``
    False nothing is embedded (and a changed photo loses no vector: vectors are by content).
    """
    started = time.monotonic()
    abs_roots = [os.path.abspath(os.fspath(r)) for r in roots]
    summary = ScanSummary(roots=abs_roots)
    scan = _Scan(catalog, embedder, progress, summary)
    scan.on_wait = on_wait
    unreadable: list[str] = []
    work_started: float | None = None

    def on_error(path: str, reason: str) -> None:
        unreadable.append(path)
        summary.failures.append(Failure(path, reason))

    try:
        progress.start_stage(STAGE_FIND, 0)
        records: list[scanner.FileRecord] = []
        for rec in scanner.scan(abs_roots, exclude, on_error=on_error):
            records.append(rec)
            if len(records) % 500 == 0:
                progress.advance(500)
        progress.advance(len(records) % 500)
        summary.seen = len(records)

        if embed:  # else catalogue only: fingerprints, sizes, dates (what organizing needs)
            scan.choose_model()
        known = catalog.file_states()
        work = []
        for rec in records:
            st = known.get(rec.path)
            if (
                st is not None
                and st.size == rec.size
                and st.mtime_ns == rec.mtime_ns
                and st.failure is None
                and st.fingerprint is not None
                and (not scan.state.embedding or st.fingerprint in scan.state.have)
            ):
                summary.unchanged += 1
            else:
                work.append(rec)

        seen = {r.path for r in records}
        gone = [p for p in known if p not in seen and is_under(p, abs_roots) and not is_under(p, unreadable)]
        if gone:
            with scan.writing():  # a path a file action filled meanwhile is not gone
                gone = [p for p in gone if not os.path.lexists(p)]
                summary.removed = catalog.remove_paths(gone)

        progress.start_stage(STAGE_EMBED, len(work))
        work_started = time.monotonic()
        if work:
            workers = decode_workers or default_decode_workers()
            window = max(2 * workers, 3 * embedder.batch_size)
            with ThreadPoolExecutor(workers, thread_name_prefix="photoorg-decode") as pool:
                try:
                    for result in _bounded_map(pool, lambda r: _process(r, scan.state), work, window):
                        scan.add(result)
                    scan.flush()
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
    except Cancelled:
        summary.cancelled = True
        log.info("scan cancelled; committed work is kept")
    if work_started is not None:
        summary.work_elapsed = time.monotonic() - work_started
    summary.elapsed = time.monotonic() - started
    return summary
