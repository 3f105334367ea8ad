"""The one orchestrator of a scan: list -> catalogue -> decode -> embed -> catalog.

1. List the photo files under the folders (no file is opened).
2. A file whose path, size and mtime are as the catalog recorded is unchanged: it is not
   opened in the first pass at all.
3. **Catalogue** every new or changed file: read it once, fingerprint its bytes, read its
   header (size in pixels, EXIF date and camera). Rows are committed every few hundred files,
   so the timeline fills in long before the slow part ends. A moved, renamed or copied photo
   whose content already has a vector is complete here.
4. **Embed** the catalogued photos whose content has no vector for the current model yet: a
   decode thread reads the file again (and checks it is still the catalogued content), decodes
   it at reduced size (JPEG draft mode), crops it for the model and hashes its pixels; the
   calling thread embeds full batches and commits each batch (vectors, pixel hashes) in one
   transaction. A bounded window of decode jobs keeps the model fed without holding the library
   in memory.
5. Progress is reported after each commit, which is where a cancel takes effect: all
   committed work stays, and the next scan resumes from there (a photo catalogued but not yet
   embedded goes straight to step 4).

Every commit holds the library lock (photoorg.core.lock) and leaves out files a photoorg file
action moved away meanwhile, so a scan beside an action writes no phantom rows.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

import numpy as np

from photoorg.core import imaging, scanner
from photoorg.core.catalog import Catalog, FileRow, FileState, ModelInfo, fingerprint, fingerprint_file
from photoorg.core.embedder import Embedder, Preprocess
from photoorg.core.errors import Cancelled, DecodeError, ModelUnavailable
from photoorg.core.paths import containing, is_under
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.videos import is_video_name, video_format, video_taken

log = logging.getLogger(__name__)

STAGE_FIND = "Looking for photos"
STAGE_CATALOGUE = "Cataloguing new photos"
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
    work_elapsed: float = 0.0  # cataloguing and embedding
    embed_elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """False when the run failed as a whole (no usable model), not for single bad files."""
        return self.model_error is None

    @property
    def photos_per_second(self) -> float:
        """Photos embedded per second of embedding (reading, decoding and the model)."""
        return self.embedded / self.embed_elapsed if self.embed_elapsed > 0 and self.embedded else 0.0


class _Changed(Exception):  # noqa: N818 - a signal between threads, never shown
    """The file is not the content the first pass catalogued (it changed in between)."""


@dataclass(slots=True)
class _Job:
    """A catalogued photo to embed."""

    path: str
    fingerprint: str


@dataclass(slots=True)
class _Embeddable:
    job: _Job
    crop: np.ndarray | None = None
    phash: int | None = None
    tone: tuple[float, float, float, float] | None = None
    failure: str | None = None
    gone: bool = False
    changed: bool = False


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


def _describe_failure(path: str, exc: BaseException) -> str:
    if isinstance(exc, DecodeError):
        return exc.reason
    if isinstance(exc, OSError):
        return imaging._describe(exc)
    log.error("unexpected error reading %s", path, exc_info=exc)
    return f"unexpected error: {exc}"


def _now_excluded(path: str, roots: Sequence[str], exclude: Iterable[str]) -> bool:
    """... but one the person chose to skip since it was catalogued leaves the catalog (a GUI
    review found photos skipped by a new pattern still shown everywhere)."""
    root = containing(path, roots)
    return root is not None and scanner.excluded(path, root, exclude)


def _catalogue(rec: scanner.FileRecord) -> FileRow | None:
    """First pass, in a decode thread: the file's row (fingerprint, header); None when it is
    gone. Never raises for a bad file: the row carries the failure."""
    row = FileRow(rec.path, rec.size, rec.mtime_ns)
    if is_video_name(rec.path):
        return _catalogue_video(rec, row)
    try:
        data, st = _read(rec.path)
        row.size, row.mtime_ns = st.st_size, st.st_mtime_ns
        row.fingerprint = fingerprint(data)
        decoded = imaging.decode(data, path=rec.path, pixels=False)
        row.width, row.height = decoded.width, decoded.height
        row.format, row.taken, row.camera = decoded.format, decoded.taken, decoded.camera
        return row
    except FileNotFoundError:
        return None
    except Exception as exc:  # per-file boundary: one bad file never stops a scan
        row.failure = _describe_failure(rec.path, exc)
    row.fingerprint = None
    return row


def _catalogue_video(rec: scanner.FileRecord, row: FileRow) -> FileRow | None:
    """A video's row: its fingerprint (read in chunks, never whole into memory) and the date in
    its metadata; no pixels."""
    try:
        before = os.stat(rec.path)
        row.fingerprint = fingerprint_file(rec.path)
        after = os.stat(rec.path)
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
            raise DecodeError(
                rec.path, "the file changed while it was being read; it is read again next scan"
            )
        row.size, row.mtime_ns = after.st_size, after.st_mtime_ns
        row.format, row.taken = video_format(rec.path), video_taken(rec.path)
        return row
    except FileNotFoundError:
        return None
    except Exception as exc:  # per-file boundary
        row.failure, row.fingerprint = _describe_failure(rec.path, exc), None
        return row


def _embed_input(job: _Job, pp: Preprocess) -> _Embeddable:
    """Second pass, in a decode thread: the model's crop (prepared as ``pp`` says) and the
    pixel hash of a catalogued photo, if it still is the content that was catalogued."""
    out = _Embeddable(job)
    try:
        data, _ = _read(job.path)
        if fingerprint(data) != job.fingerprint:
            raise _Changed()
        decoded = imaging.decode(data, pp.resize_short, path=job.path, pixels=True, preprocess=pp.version)
        out.crop = imaging.model_input(decoded, pp.resize_short, pp.crop)
        out.phash = imaging.perceptual_hash(decoded.image)  # type: ignore[arg-type]
        out.tone = imaging.tone(decoded.image)  # type: ignore[arg-type]
    except FileNotFoundError:
        out.gone = True
    except _Changed:
        out.changed = True
    except Exception as exc:  # per-file boundary: one bad file never stops a scan
        out.failure = _describe_failure(job.path, exc)
    return out


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
        self.have: set[str] = set()
        self.embedding = False
        self.preprocess: Preprocess | None = None  # the model's, once it is resolved
        self.on_wait: Callable[[int | None], None] | None = None

    # -- the model -------------------------------------------------------------------------
    def choose_model(self) -> None:
        """Resolve the model (no torch) and find the vectors it already has."""
        try:
            resolved = self.embedder.resolve(self.progress)  # may download it (the CLI's scan)
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
        self.preprocess = resolved.preprocess
        self.embedding = True
        self.summary.model = self.embedder.describe()

    def _use_key(self) -> None:
        assert self.key is not None
        self.model_info = self.catalog.find_model(self.key)
        self.have = self.catalog.fingerprints_with_vectors(self.model_info.id) if self.model_info else set()
        self.summary.model_key = self.key

    def _load_embedder(self) -> None:
        try:
            self.embedder.load(self.progress)  # int8 the first time: the model is made first
        except ModelUnavailable as exc:
            self.summary.model_error, self.summary.model_problem = str(exc), exc
            self.embedding = False
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

    # -- committing ------------------------------------------------------------------------
    def writing(self) -> AbstractContextManager[None]:
        """The library lock, held while a batch is committed (see photoorg.core.lock)."""
        return self.catalog.lock.holding(on_wait=self.on_wait, check=self.progress.check)

    def commit_rows(self, rows: list[FileRow]) -> None:
        """First pass: a batch of rows, less those of files moved away meanwhile."""
        with self.writing():
            present = [r for r in rows if os.path.lexists(r.path)]
            self.summary.vanished += len(rows) - len(present)
            self.catalog.write_batch(present)
        for r in present:
            if r.failure is not None:
                self.summary.failures.append(Failure(r.path, r.failure))
            elif r.fingerprint in self.have:
                self.summary.reused += 1
        self.progress.advance(len(rows))

    def commit_vectors(self, done: list[_Embeddable]) -> None:
        """Second pass: embed a batch of crops and commit vectors, pixel hashes and failures."""
        ready = [d for d in done if d.crop is not None]
        vectors: list[tuple[str, np.ndarray]] = []
        counted = 0  # photos the progress was told of already
        if ready:
            if not self.embedder.loaded:
                self._load_embedder()
            if self.embedding:
                # On a CPU a batch of 16 takes seconds: the model runs on a few photos at a time
                # (the same speed there) and the progress moves photo by photo, not by batches.
                step = len(ready) if self.embedder.device != "cpu" else CPU_PROGRESS_STEP
                parts = []
                for start in range(0, len(ready), step):
                    parts.append(self.embedder.embed(np.stack([d.crop for d in ready[start : start + step]])))
                    took = len(ready[start : start + step])
                    self.progress.advance(took, check=False)  # a Cancel waits for the commit
                    counted += took
                matrix = np.concatenate(parts)
                usable = np.isfinite(matrix).all(axis=1)  # fp16 overflow on a GPU gives NaN
                for d in (d for d, ok in zip(ready, usable, strict=True) if not ok):
                    d.failure = NO_VECTOR
                vectors = [
                    (d.job.fingerprint, v) for d, v, ok in zip(ready, matrix, usable, strict=True) if ok
                ]
                if self.model_info is None:
                    r = self.embedder.resolve()
                    self.model_info = self.catalog.model(
                        self.key,  # type: ignore[arg-type]
                        r.name,
                        r.revision,
                        self.embedder.dtype,
                        self.embedder.dim,
                    )
        hashes = [(d.job.fingerprint, d.phash, d.tone) for d in ready if d.phash is not None]
        failed = [d for d in done if d.failure is not None]
        with self.writing():
            rows = []
            for d in failed:
                row = self.catalog.file_row(d.job.path)
                if row is not None:
                    row.failure, row.fingerprint = d.failure, None
                    rows.append(row)
            gone = [d.job.path for d in done if d.gone and not os.path.lexists(d.job.path)]
            model_id = self.model_info.id if self.model_info else None
            self.catalog.write_batch(rows, vectors, model_id, hashes, gone=gone)
        self.summary.failures.extend(Failure(d.job.path, d.failure or "") for d in failed)
        self.summary.vanished += sum(1 for d in done if d.gone)
        self.summary.embedded += len(vectors)
        self.summary.not_embedded += sum(1 for d in ready if d.failure is None) - len(vectors)
        self.have.update(fp for fp, _ in vectors)
        self.progress.advance(len(done) - counted)


#: Why a photo the model looked at has no vector: the model's answer was not a number (NaN or
#: infinity), which would stop grouping and duplicate search for the whole library.
NO_VECTOR = (
    "the model's answer for this photo was not a number (16-bit floats can overflow on a GPU); "
    "it is left out of groups and duplicates"
)

#: Photos the model looks at in one go on a CPU, so the progress moves every second or so.
CPU_PROGRESS_STEP = 4


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
    kept_excluded: Iterable[str] = (),
) -> ScanSummary:
    """Bring the catalog up to date for ``roots`` and embed every readable photo.

    Photos catalogued before that the ``exclude`` patterns skip now leave the catalog, but for
    those only ``kept_excluded`` patterns skip (skipped in this run only: ``scan --exclude``).

    Returns a summary; a cancel returns early with ``cancelled=True`` and everything committed
    so far kept. Single unreadable files are listed in ``failures``; a missing model sets
    ``model_error`` but photos are still catalogued (fingerprints, sizes, dates). With ``embed``
    False nothing is embedded (and a changed photo loses no vector: vectors are by content).
    """
    started = time.monotonic()
    abs_roots = [os.path.abspath(os.fspath(r)) for r in roots]
    exclude = tuple(exclude)
    for_good = tuple(e for e in exclude if e not in set(kept_excluded))
    summary = ScanSummary(roots=abs_roots)
    scan = _Scan(catalog, embedder, progress, summary)
    scan.on_wait = on_wait
    unreadable: list[str] = []
    work_started: float | None = None
    workers = decode_workers or default_decode_workers()

    def on_error(path: str, reason: str) -> None:
        unreadable.append(path)
        summary.failures.append(Failure(path, reason))

    try:
        progress.start_stage(STAGE_FIND, 0)
        records: list[scanner.FileRecord] = []
        # Listed under the library lock: a move or undo by another photoorg is seen before or
        # after, never half done (its photos seen twice, or missing as "No such file").
        with scan.writing():
            for rec in scanner.scan(abs_roots, exclude, on_error=on_error):
                records.append(rec)
                if len(records) % 500 == 0:
                    progress.advance(500)
        progress.advance(len(records) % 500)
        summary.seen = len(records)

        if embed:  # else catalogue only: fingerprints, sizes, dates (what organizing needs)
            scan.choose_model()
        known = catalog.file_states()
        new = []
        for rec in records:
            st = known.get(rec.path)
            if (
                st is None
                or st.size != rec.size
                or st.mtime_ns != rec.mtime_ns
                or st.failure is not None
                or st.fingerprint is None
            ):
                new.append(rec)

        seen = {r.path for r in records}
        gone = [p for p in known if p not in seen and is_under(p, abs_roots) and not is_under(p, unreadable)]
        if gone:
            with scan.writing():  # a path a file action filled meanwhile is not gone...
                gone = [p for p in gone if not os.path.lexists(p) or _now_excluded(p, abs_roots, for_good)]
                summary.removed = catalog.remove_paths(gone)

        work_started = time.monotonic()
        progress.start_stage(STAGE_CATALOGUE, len(new))
        if new:
            with ThreadPoolExecutor(workers, thread_name_prefix="photoorg-read") as pool:
                try:
                    batch: list[FileRow] = []
                    for row in _bounded_map(pool, _catalogue, new, 4 * workers):
                        if row is None:
                            summary.vanished += 1
                            progress.advance(1)
                            continue
                        batch.append(row)
                        if len(batch) >= _ROWS_PER_COMMIT:
                            scan.commit_rows(batch)
                            batch = []
                    if batch:
                        scan.commit_rows(batch)
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)

        # Nothing new or changed: the catalog's rows are the ones just read (a second read of
        # 100k rows was a quarter of an unchanged rescan).
        jobs, waiting = _to_embed(catalog, records, scan, known if not new else None)
        new_paths = {r.path for r in new}
        summary.unchanged = sum(1 for r in records if r.path not in new_paths and r.path not in waiting)
        if not scan.embedding:  # catalogued for exact copies, dates and organizing only
            summary.not_embedded = len(waiting)
            jobs = []
        summary.reused += len(waiting) - len(jobs) if jobs else 0  # copies share one embedding
        progress.start_stage(STAGE_EMBED, len(jobs))
        embed_started = time.monotonic()
        if jobs:
            window = max(2 * workers, 3 * embedder.batch_size)
            with ThreadPoolExecutor(workers, thread_name_prefix="photoorg-decode") as pool:
                try:
                    done: list[_Embeddable] = []
                    ready = 0
                    pp = scan.preprocess
                    assert pp is not None  # jobs only when the model was chosen
                    step = lambda j: _embed_input(j, pp)  # noqa: E731
                    for item in _bounded_map(pool, step, jobs, window):
                        done.append(item)
                        ready += item.crop is not None
                        if ready >= embedder.batch_size or len(done) >= _ROWS_PER_COMMIT:
                            scan.commit_vectors(done)
                            done, ready = [], 0
                    if done:
                        scan.commit_vectors(done)
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
        summary.embed_elapsed = time.monotonic() - embed_started
    except Cancelled:
        summary.cancelled = True
        log.info("scan cancelled; committed work is kept")
    if work_started is not None:
        summary.work_elapsed = time.monotonic() - work_started
    summary.elapsed = time.monotonic() - started
    return summary


def _to_embed(
    catalog: Catalog,
    records: Sequence[scanner.FileRecord],
    scan: _Scan,
    states: dict[str, FileState] | None = None,
) -> tuple[list[_Job], set[str]]:
    """The photos among ``records`` whose content has no vector yet (one job per content), and
    the paths of all of them. ``states``: the catalog's rows, when known to be current."""
    if states is None:
        states = catalog.file_states()
    have = scan.have
    jobs: dict[str, _Job] = {}
    waiting: set[str] = set()
    for rec in records:
        st = states.get(rec.path)
        if st is None or st.failure is not None or st.fingerprint is None or st.fingerprint in have:
            continue
        if is_video_name(rec.path):  # catalogued for the timeline and organizing, not embedded
            continue
        waiting.add(rec.path)
        jobs.setdefault(st.fingerprint, _Job(rec.path, st.fingerprint))
    mtimes = {rec.path: rec.mtime_ns for rec in records}
    return representative_order(list(jobs.values()), lambda job: mtimes.get(job.path, 0)), waiting


def representative_order(jobs: Sequence[_Job], mtime: Callable[[_Job], int]) -> list[_Job]:
    """The order to embed in, so that what is embedded early stands for the whole library
    (groups and duplicate sets are shown from it while the first scan runs): one photo from
    each folder in turn, newest folders first, and the newest photos of each folder first."""
    folders: dict[str, list[_Job]] = defaultdict(list)
    for job in jobs:
        folders[os.path.dirname(job.path)].append(job)
    queues = sorted(
        (sorted(js, key=mtime, reverse=True) for js in folders.values()),
        key=lambda js: mtime(js[0]),
        reverse=True,
    )
    ranked = [(k, f, job) for f, q in enumerate(queues) for k, job in enumerate(q)]
    ranked.sort(key=lambda kfj: (kfj[0], kfj[1]))  # the k-th photo of every folder, in folder order
    return [job for _, _, job in ranked]
