"""The state of one scan: the model it embeds with (chosen without torch when the library is
unchanged) and the commits of its batches, each under the library lock."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import numpy as np

from photoorg.core import gpu_jpeg
from photoorg.core.catalog import Catalog, FileRow, ModelInfo
from photoorg.core.embedder import Embedder
from photoorg.core.errors import ModelUnavailable
from photoorg.core.gpu_jpeg import GpuJpeg
from photoorg.core.model_folder import Preprocess
from photoorg.core.pipeline.reading import Embeddable
from photoorg.core.progress import Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    """A photo (or folder) that could not be read, and why."""

    path: str
    reason: str


@dataclass
class ScanSummary:
    """What a scan did, for the CLI's summary and the GUI's status bar."""

    roots: list[str]
    seen: int = 0  # photos and videos
    videos: int = 0  # of those seen: catalogued for the timeline and organizing, not embedded
    live_videos: int = 0  # of the videos: Live Photos', shown as one photo with their still
    unchanged: int = 0
    embedded: int = 0
    reused: int = 0
    not_embedded: int = 0  # catalogued, but no model to embed with
    removed: int = 0  # gone from the disk
    excluded: int = 0  # still there, and left out by a pattern (Settings, exclude) since
    passed_over: int = 0  # catalogued, still there, skipped in this run only (scan --exclude)
    vanished: int = 0  # listed, then moved or trashed (by photoorg or the person) during the scan
    failures: list[Failure] = field(default_factory=list)
    #: Those of ``failures`` met while listing the folders (a folder that cannot be read, a
    #: broken link): they have no row in the catalog, so the library keeps them apart.
    unlisted: list[Failure] = field(default_factory=list)
    model: str = ""
    decoder: str = ""  # what decoded the JPEGs it embedded: "Pillow", or nvJPEG on the GPU
    model_key: str | None = None
    model_error: str | None = None
    model_problem: ModelUnavailable | None = None  # the same, typed (ModelNotCached: offer a download)
    cancelled: bool = False
    elapsed: float = 0.0
    work_elapsed: float = 0.0  # cataloguing and embedding
    embed_elapsed: float = 0.0
    load_elapsed: float = 0.0  # of embed_elapsed, loading the model (not the photos' rate)

    @property
    def ok(self) -> bool:
        """False when the run failed as a whole (no usable model), not for single bad files."""
        return self.model_error is None

    @property
    def photos_per_second(self) -> float:
        """Photos embedded per second of embedding (reading, decoding and the model), the
        model's loading aside (a review: 116 photos/s of a tiny library read as 0.3 s a photo
        on a first scan, most of it the model loading)."""
        seconds = self.embed_elapsed - self.load_elapsed
        return self.embedded / seconds if seconds > 0 and self.embedded else 0.0


#: Why a photo the model looked at has no vector: the model's answer was not a number (NaN or
#: infinity), which would stop grouping and duplicate search for the whole library.
NO_VECTOR = (
    "the model's answer for this photo was not a number (16-bit floats can overflow on a GPU); "
    "it is left out of groups and duplicates"
)

#: Photos the model looks at in one go on a CPU, so the progress moves every second or so.
CPU_PROGRESS_STEP = 4


def dtype_meta_key(embedder: Embedder) -> str:
    return f"dtype-for:{embedder.requested_device}|{embedder.requested_dtype}"


class ScanState:
    """State of one scan run; :func:`run_scan` is the public entry point."""

    def __init__(
        self, catalog: Catalog, embedder: Embedder, progress: Progress, summary: ScanSummary
    ) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self.progress = progress
        self.summary = summary
        self.started_ns = time.time_ns()  # the wall clock, as files' times are
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
            # can be checked without importing torch at all. One asked for is the one used
            # (the CLI asks for the library's: loading the model for nothing took 8 s).
            asked = self.embedder.requested_dtype
            dtype = asked if asked != "auto" else self.catalog.get_meta(dtype_meta_key(self.embedder))
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
        self.catalog.set_meta(dtype_meta_key(self.embedder), self.embedder.dtype)
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

    def jpeg_decoder(self) -> GpuJpeg | None:
        """nvJPEG when the model runs on an NVIDIA GPU, decided before the model loads so
        that every photo of the scan is decoded the same way (see photoorg.core.gpu_jpeg)."""
        embedder = self.embedder
        if embedder.loaded:
            return gpu_jpeg.for_device(embedder.device)
        if embedder.requested_dtype == "int8":  # runs on the CPU
            return None
        asked = embedder.requested_device
        return gpu_jpeg.for_device("cuda" if asked == "auto" else asked)

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

    def commit_vectors(self, done: list[Embeddable]) -> None:
        """Second pass: embed a batch of crops and commit vectors, pixel hashes and failures."""
        ready = [d for d in done if d.crop is not None]
        vectors: list[tuple[str, np.ndarray]] = []
        counted = 0  # photos the progress was told of already
        if ready:
            if not self.embedder.loaded:  # (loaded with the first photos to embed)
                started = time.monotonic()
                self._load_embedder()
                self.summary.load_elapsed += time.monotonic() - started
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
        hashes = [(d.job.fingerprint, d.phash, d.tone, d.turns) for d in ready if d.phash is not None]
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
