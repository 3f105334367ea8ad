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
   it at reduced size (JPEG draft mode; on an NVIDIA GPU nvJPEG decodes JPEGs, in batches,
   while the threads wait), crops it for the model and hashes its pixels; the
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
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from photoorg.core import scanner
from photoorg.core.catalog import Catalog, FileRow, FileState
from photoorg.core.embedder import Embedder
from photoorg.core.errors import Cancelled
from photoorg.core.pairs import live_video_count
from photoorg.core.paths import containing, is_under
from photoorg.core.pipeline.batches import CPU_PROGRESS_STEP, NO_VECTOR, Failure, ScanState, ScanSummary
from photoorg.core.pipeline.reading import (
    Embeddable,
    Job,
    bounded_map,
    catalogue,
    date_not_its_own,
    decode_threads,
    default_decode_workers,
    embed_input,
    make_job,
)
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.videos import is_video_name

__all__ = [
    "CPU_PROGRESS_STEP",
    "NO_VECTOR",
    "STAGE_CATALOGUE",
    "STAGE_EMBED",
    "STAGE_FIND",
    "Failure",
    "Job",
    "ScanSummary",
    "default_decode_workers",
    "representative_order",
    "run_scan",
]

log = logging.getLogger(__name__)

STAGE_FIND = "Looking for photos"
STAGE_CATALOGUE = "Cataloguing new photos"
STAGE_EMBED = "Reading and embedding photos"
_ROWS_PER_COMMIT = 256


def _now_excluded(path: str, roots: Sequence[str], exclude: Iterable[str]) -> bool:
    """... but one the person chose to skip since it was catalogued leaves the catalog (a GUI
    review found photos skipped by a new pattern still shown everywhere)."""
    root = containing(path, roots)
    return root is not None and scanner.excluded(path, root, exclude)


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
    scan = ScanState(catalog, embedder, progress, summary)
    scan.on_wait = on_wait
    unreadable: list[str] = []
    work_started: float | None = None
    workers = decode_workers or default_decode_workers()

    def on_error(path: str, reason: str) -> None:
        unreadable.append(path)
        summary.failures.append(Failure(path, reason))
        summary.unlisted.append(Failure(path, reason))

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
        summary.videos = sum(1 for r in records if is_video_name(r.path))

        if embed:  # else catalogue only: fingerprints, sizes, dates (what organizing needs)
            scan.choose_model()
        known = catalog.file_states()
        new = []
        resided = []  # unchanged photos whose date sidecars came, went or changed
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
            elif st.sidecars_seen != rec.sidecars_seen:
                resided.append((rec, st.dated_in_file))
        if resided:
            _date_again(catalog, scan, resided)

        seen = {r.path for r in records}
        unseen = [p for p in known if p not in seen and is_under(p, abs_roots)]
        unseen = [p for p in unseen if not is_under(p, unreadable)]
        if unseen:
            with scan.writing():  # a path a file action filled meanwhile is not gone...
                left_out = [p for p in unseen if os.path.lexists(p) and _now_excluded(p, abs_roots, for_good)]
                gone = [p for p in unseen if not os.path.lexists(p)]
                summary.removed = catalog.remove_paths(gone) if gone else 0
                summary.excluded = catalog.remove_paths(left_out) if left_out else 0
            if kept_excluded:  # said (a new-user review: 122 photos passed over without a word)
                kept_out = tuple(kept_excluded)
                summary.passed_over = sum(
                    1 for p in unseen if os.path.lexists(p) and _now_excluded(p, abs_roots, kept_out)
                )

        work_started = time.monotonic()
        progress.start_stage(STAGE_CATALOGUE, len(new))
        if new:
            with ThreadPoolExecutor(workers, thread_name_prefix="photoorg-read") as pool:
                try:
                    batch: list[FileRow] = []
                    for row in bounded_map(pool, catalogue, new, 4 * workers):
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
        if summary.videos:  # (a library without videos reads no rows for it)
            failed = {f.path for f in summary.failures}
            summary.live_videos = live_video_count((r.path for r in records), failed)
        summary.unchanged = sum(1 for r in records if r.path not in new_paths and r.path not in waiting)
        if not scan.embedding:  # catalogued for exact copies, dates and organizing only
            summary.not_embedded = len(waiting)
            jobs = []
        summary.reused += len(waiting) - len(jobs) if jobs else 0  # copies share one embedding
        progress.start_stage(STAGE_EMBED, len(jobs))
        embed_started = time.monotonic()
        if jobs:
            gpu = scan.jpeg_decoder()
            summary.decoder = gpu.name if gpu is not None else "Pillow"
            threads, cpu_turns = decode_threads(workers, gpu)
            window = max(2 * threads, 3 * embedder.batch_size)
            with ThreadPoolExecutor(threads, thread_name_prefix="photoorg-decode") as pool:
                try:
                    done: list[Embeddable] = []
                    ready = 0
                    pp = scan.preprocess
                    assert pp is not None  # jobs only when the model was chosen
                    step = lambda j: embed_input(j, pp, gpu, cpu_turns)  # noqa: E731
                    for item in bounded_map(pool, step, jobs, window):
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


def _date_again(catalog: Catalog, scan: ScanState, photos: list[tuple[scanner.FileRecord, bool]]) -> None:
    """Date unchanged photos again by their sidecars (added, edited or gone since; else by
    their names), reading only the sidecars; a photo with a date of its own keeps it."""
    dates = []
    for rec, dated_in_file in photos:
        taken, source, known = (None, None, None) if dated_in_file else date_not_its_own(rec)
        dates.append((rec.path, rec.size, rec.mtime_ns, taken, source, rec.sidecars_seen, known))
    with scan.writing():
        catalog.set_sidecar_dates(dates)


def _to_embed(
    catalog: Catalog,
    records: Sequence[scanner.FileRecord],
    scan: ScanState,
    states: dict[str, FileState] | None = None,
) -> tuple[list[Job], set[str]]:
    """The photos among ``records`` whose content has no vector yet (one job per content), and
    the paths of all of them. ``states``: the catalog's rows, when known to be current."""
    if states is None:
        states = catalog.file_states()
    have = scan.have
    jobs: dict[str, Job] = {}
    waiting: set[str] = set()
    for rec in records:
        st = states.get(rec.path)
        if st is None or st.failure is not None or st.fingerprint is None or st.fingerprint in have:
            continue
        if is_video_name(rec.path):  # catalogued for the timeline and organizing, not embedded
            continue
        waiting.add(rec.path)
        if st.fingerprint not in jobs:
            jobs[st.fingerprint] = make_job(rec.path, st, scan.started_ns)
    mtimes = {rec.path: rec.mtime_ns for rec in records}
    return representative_order(list(jobs.values()), lambda job: mtimes.get(job.path, 0)), waiting


def representative_order(jobs: Sequence[Job], mtime: Callable[[Job], int]) -> list[Job]:
    """The order to embed in, so that what is embedded early stands for the whole library
    (groups and duplicate sets are shown from it while the first scan runs): one photo from
    each folder in turn, newest folders first, and the newest photos of each folder first."""
    folders: dict[str, list[Job]] = defaultdict(list)
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
