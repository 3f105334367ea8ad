"""What a scan's read threads do with one file: read it whole (and notice a change while it is
read), catalogue it (fingerprint and header) in the first pass, and make the model's input in
the second. Nothing here raises for a bad file: the result carries the failure."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import numpy as np

from photoorg.core import imaging, name_dates, pixel_hashes, scanner, sidecar_dates
from photoorg.core.catalog import FileRow, FileState, fingerprint, fingerprint_file
from photoorg.core.errors import DecodeError
from photoorg.core.gpu_jpeg import GpuJpeg
from photoorg.core.model_folder import Preprocess
from photoorg.core.paths import storable_ns
from photoorg.core.videos import is_video_name, video_format, video_taken

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Changed(Exception):  # noqa: N818 - a signal between threads, never shown
    """The file is not the content the first pass catalogued (it changed in between)."""


@dataclass(slots=True)
class Job:
    """A catalogued photo to embed."""

    path: str
    fingerprint: str
    # The size and modification time the fingerprint was read at: a file found with both is
    # that content (the rule a rescan trusts), so it is not hashed a second time (-1: it is).
    size: int = -1
    mtime_ns: int = -1


#: A file modified this close to a scan's start, or after it, is hashed again when embedded: it
#: may have changed in the same tick of its clock as it was catalogued (FAT counts 2 seconds).
RACY_NS = 3_000_000_000


def make_job(path: str, state: FileState, scan_started_ns: int) -> Job:
    """The job of a catalogued photo (``state``, with its fingerprint) in a scan started at
    ``scan_started_ns`` (wall clock): its size and time trusted unless they may be racy."""
    assert state.fingerprint is not None
    if state.mtime_ns >= scan_started_ns - RACY_NS:
        return Job(path, state.fingerprint)
    return Job(path, state.fingerprint, state.size, state.mtime_ns)


@dataclass(slots=True)
class Embeddable:
    job: Job
    crop: np.ndarray | None = None
    phash: int | None = None
    turns: tuple[int, ...] = ()  # the hash turned and mirrored (pixel_hashes.perceptual_hashes)
    tone: tuple[float, float, float, float] | None = None
    failure: str | None = None
    gone: bool = False
    changed: bool = False


def read_whole(path: str) -> tuple[bytes, os.stat_result]:
    with open(path, "rb") as f:
        before = os.fstat(f.fileno())
        data = f.read()
        after = os.fstat(f.fileno())
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise DecodeError(path, "the file changed while it was being read; it is read again next scan")
    return data, after


def describe_failure(path: str, exc: BaseException) -> str:
    if isinstance(exc, DecodeError):
        return exc.reason
    if isinstance(exc, OSError):
        return imaging._describe(exc)
    log.error("unexpected error reading %s", path, exc_info=exc)
    return f"unexpected error: {exc}"


def catalogue(rec: scanner.FileRecord) -> FileRow | None:
    """First pass, in a decode thread: the file's row (fingerprint, header); None when it is
    gone. Never raises for a bad file: the row carries the failure."""
    row = FileRow(rec.path, rec.size, rec.mtime_ns)
    if is_video_name(rec.path):
        return catalogue_video(rec, row)
    try:
        data, st = read_whole(rec.path)
        row.size, row.mtime_ns = st.st_size, storable_ns(st.st_mtime_ns)
        row.fingerprint = fingerprint(data)
        decoded = imaging.decode(data, path=rec.path, pixels=False)
        row.width, row.height = decoded.width, decoded.height
        row.format, row.taken, row.camera = decoded.format, decoded.taken, decoded.camera
        return dated(row, rec)
    except FileNotFoundError:
        return None
    except Exception as exc:  # per-file boundary: one bad file never stops a scan
        row.failure = describe_failure(rec.path, exc)
    row.fingerprint = None
    return row


def catalogue_video(rec: scanner.FileRecord, row: FileRow) -> FileRow | None:
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
        row.size, row.mtime_ns = after.st_size, storable_ns(after.st_mtime_ns)
        row.format, row.taken = video_format(rec.path), video_taken(rec.path)
        return dated(row, rec)
    except FileNotFoundError:
        return None
    except Exception as exc:  # per-file boundary
        row.failure, row.fingerprint = describe_failure(rec.path, exc), None
        return row


def dated(row: FileRow, rec: scanner.FileRecord) -> FileRow:
    """``row`` with the date of a sidecar beside it, or of its name, when it has none of its own."""
    row.sidecars_seen = rec.sidecars_seen
    if row.taken is None:
        row.taken, row.taken_from, row.taken_known = date_not_its_own(rec)
    return row


def date_not_its_own(rec: scanner.FileRecord) -> tuple[str | None, str | None, str | None]:
    """(date taken, where from, how much of it is known) for a photo without a date of its own:
    the first sidecar's that says one (``taken_from`` its name), else its own name's
    (``taken_from`` :data:`photoorg.core.name_dates.FROM_NAME`), else nothing. A sidecar wins
    over the name: it is what a person or a photo service wrote."""
    if rec.sidecars:
        found = sidecar_dates.date_known_from(os.path.dirname(rec.path), rec.sidecars)
        if found[0] is not None:
            return found
    taken = name_dates.date_in_name(rec.path)
    return (taken, name_dates.FROM_NAME, None) if taken is not None else (None, None, None)


def embed_input(
    job: Job, pp: Preprocess, gpu: GpuJpeg | None = None, cpu_turns: threading.Semaphore | None = None
) -> Embeddable:
    """Second pass, in a decode thread: the model's crop (prepared as ``pp`` says, JPEGs
    decoded by ``gpu`` when given) and the pixel hash of a catalogued photo, if it still is the
    content that was catalogued. ``cpu_turns``: taken while a photo the GPU does not decode
    (a PNG, HEIC, RAW) is decoded here, when the scan has more threads than cores to keep the
    GPU's batches full."""
    out = Embeddable(job)
    try:
        data, st = read_whole(job.path)
        catalogued = (st.st_size, storable_ns(st.st_mtime_ns)) == (job.size, job.mtime_ns)
        if not catalogued and fingerprint(data) != job.fingerprint:
            raise Changed()
        with cpu_turn(data, cpu_turns):
            out.crop, looks = model_picture(data, pp, job.path, gpu)
        out.phash, out.turns, out.tone = looks.phash, looks.turns, looks.tone
    except FileNotFoundError:
        out.gone = True
    except Changed:
        out.changed = True
    except Exception as exc:  # per-file boundary: one bad file never stops a scan
        out.failure = describe_failure(job.path, exc)
    return out


def model_picture(
    data: bytes, pp: Preprocess, path: str, gpu: GpuJpeg | None = None
) -> tuple[np.ndarray, pixel_hashes.Looks]:
    """A photo's crop for the model (prepared as ``pp`` says) and its pixel hashes, as a scan
    makes them: by ``gpu`` for a JPEG it decodes, else on the CPU.

    Raises:
        DecodeError: the photo cannot be decoded.
    """
    decoded = imaging.decode(data, pp.resize_short, path=path, pixels=True, preprocess=pp.version, gpu=gpu)
    crop = imaging.model_input(decoded, pp.resize_short, pp.crop)
    if decoded.looks is not None:  # the GPU's, made with its batch
        return crop, decoded.looks
    return crop, pixel_hashes.looks([decoded.image if decoded.image is not None else decoded.array()])[0]


_JPEG = b"\xff\xd8\xff"  # how every JPEG (and MPO) file begins


#: The threads of a scan's second pass with a GPU decoder; None: its GpuJpeg.askers (a batch).
#: Other numbers are tried by tests/bench/bench_scan.py --threads.
GPU_DECODE_THREADS: int | None = None


def decode_threads(workers: int, gpu: GpuJpeg | None) -> tuple[int, threading.Semaphore | None]:
    """The threads of a scan's second pass, and the turns for the cores (see :func:`cpu_turn`):
    ``workers`` without a GPU decoder; with one, enough to fill its batches, since they mostly
    wait for it, and ``workers`` turns for the photos it does not decode."""
    threads = (GPU_DECODE_THREADS or gpu.askers) if gpu is not None else workers
    if threads <= workers:
        return workers, None
    return threads, threading.BoundedSemaphore(workers)


def cpu_turn(data: bytes, turns: threading.Semaphore | None) -> AbstractContextManager[object]:
    """Held while a photo the GPU does not decode (a PNG, HEIC, RAW) is decoded on the CPU."""
    return turns if turns is not None and not data.startswith(_JPEG) else contextlib.nullcontext()


def bounded_map(
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
