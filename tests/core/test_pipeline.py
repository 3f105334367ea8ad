from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.paths import locations
from photoorg.core.pipeline import CPU_PROGRESS_STEP, STAGE_EMBED, Job, representative_order, run_scan
from photoorg.core.progress import Progress
from tests.conftest import DATA, make_photo


@pytest.fixture
def catalog(photoorg_home: Path):
    with Catalog(locations().catalog) as cat:
        yield cat


def scan(folder: Path, catalog: Catalog, model: Path, **kw):
    embedder = Embedder(str(model), device="cpu", batch_size=kw.pop("batch_size", 4))
    return run_scan([folder], catalog, embedder, **kw)


def vector_of(catalog: Catalog, path: Path) -> np.ndarray:
    [model] = catalog.models()
    paths, matrix = catalog.vectors(model.id)
    return matrix[paths.index(str(path))]


def test_first_scan_embeds_everything_second_scan_nothing(library, catalog, tiny_model) -> None:
    first = scan(library, catalog, tiny_model)
    assert (first.seen, first.embedded, first.failures) == (10, 10, [])
    second = scan(library, catalog, tiny_model)
    assert (second.seen, second.embedded, second.unchanged, second.reused) == (10, 0, 10, 0)


def test_a_photo_the_model_answers_with_nan_for_is_a_problem_not_a_vector(
    library, catalog, tiny_model, monkeypatch
) -> None:
    """A NaN vector (fp16 overflow) would stop grouping and duplicate search for the whole
    library: such a photo is reported with the reason and has no vector; the others do."""
    real = Embedder.embed

    def overflowing(self: Embedder, crops: np.ndarray) -> np.ndarray:
        out = real(self, crops)
        out[0] = np.nan  # the first photo of every call
        return out

    monkeypatch.setattr(Embedder, "embed", overflowing)
    summary = scan(library, catalog, tiny_model)
    assert summary.failures and all("not a number" in f.reason for f in summary.failures)
    assert summary.embedded + len(summary.failures) == 10 and summary.embedded > 0
    stored = catalog.vectors(catalog.models()[0].id)[1]
    assert len(stored) == summary.embedded and np.isfinite(stored).all()


def test_renamed_and_moved_photos_keep_their_vectors(library, catalog, tiny_model) -> None:
    scan(library, catalog, tiny_model)
    before = vector_of(catalog, library / "2023" / "img_000.jpg")
    moved = library / "elsewhere" / "renamed.jpg"
    moved.parent.mkdir()
    shutil.move(library / "2023" / "img_000.jpg", moved)
    summary = scan(library, catalog, tiny_model)
    assert (summary.embedded, summary.reused, summary.removed) == (0, 1, 1)
    assert np.array_equal(vector_of(catalog, moved), before)
    assert str(library / "2023" / "img_000.jpg") not in catalog.file_states()


def test_edited_photo_is_embedded_again(library, catalog, tiny_model) -> None:
    scan(library, catalog, tiny_model)
    target = library / "2024" / "img_007.png"
    before = vector_of(catalog, target)
    make_photo(target, seed=999)  # the photo was edited in place
    summary = scan(library, catalog, tiny_model)
    assert (summary.embedded, summary.unchanged) == (1, 9)
    assert not np.allclose(vector_of(catalog, target), before)


def test_a_rescan_trusts_only_an_unchanged_size_and_modification_time(library, catalog, tiny_model) -> None:
    """Unchanged path, size and mtime (to the nanosecond): the file is not opened. A change of
    either one and the file is read and fingerprinted again, even when the other is kept."""
    scan(library, catalog, tiny_model)
    same_size = library / "2023" / "img_001.jpg"
    old = same_size.stat()
    data = bytearray(same_size.read_bytes())
    data[-3] ^= 0xFF  # other content, same length (the JPEG end marker stays)
    same_size.write_bytes(bytes(data))
    os.utime(same_size, ns=(old.st_atime_ns, old.st_mtime_ns + 1))
    same_time = library / "2024" / "img_008.png"
    old = same_time.stat()
    make_photo(same_time, seed=4242)  # edited, then given its old date back by a sync tool
    os.utime(same_time, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert same_time.stat().st_size != old.st_size
    before = {p: catalog.file_row(str(p)).fingerprint for p in (same_size, same_time)}
    summary = scan(library, catalog, tiny_model)
    assert (summary.unchanged, summary.embedded) == (8, 2)
    for path, fp in before.items():
        assert catalog.file_row(str(path)).fingerprint != fp


def test_exact_copies_are_embedded_once(library, catalog, tiny_model) -> None:
    shutil.copy(library / "2023" / "img_001.jpg", library / "copy_of_img_001.jpg")
    summary = scan(library, catalog, tiny_model)
    assert (summary.seen, summary.embedded, summary.reused) == (11, 10, 1)


def test_switching_model_keeps_both_sets_of_vectors_apart(
    library, catalog, tiny_model, other_tiny_model
) -> None:
    scan(library, catalog, tiny_model)
    other = scan(library, catalog, other_tiny_model)
    assert other.embedded == 10  # nothing taken from the first model
    models = catalog.models()
    assert len(models) == 2
    a = catalog.vectors(models[0].id)[1]
    b = catalog.vectors(models[1].id)[1]
    assert a.shape == b.shape == (10, 32) and not np.allclose(a, b)
    back = scan(library, catalog, tiny_model)
    assert (back.embedded, back.unchanged) == (0, 10)


def test_bad_files_are_reported_and_the_scan_finishes(library, catalog, tiny_model) -> None:
    (library / "empty.jpg").write_bytes(b"")
    (library / "notes.jpg").write_text("dear diary\n")
    rocket = (DATA / "rocket.jpg").read_bytes()
    (library / "truncated.jpg").write_bytes(rocket[: len(rocket) // 3])
    summary = scan(library, catalog, tiny_model)
    assert summary.embedded == 10
    reasons = {Path(f.path).name: f.reason for f in summary.failures}
    assert set(reasons) == {"empty.jpg", "notes.jpg", "truncated.jpg"}
    assert "empty" in reasons["empty.jpg"]
    assert "not a photo" in reasons["notes.jpg"]
    assert "truncated" in reasons["truncated.jpg"]
    assert {Path(p).name for p, _ in catalog.failures()} == set(reasons)
    again = scan(library, catalog, tiny_model)  # failures are retried, and still fail
    assert again.embedded == 0 and len(again.failures) == 3


def test_cancel_keeps_committed_work_and_the_next_scan_resumes(library, catalog, tiny_model) -> None:
    def cancel_after_first_batch(p: Progress) -> None:
        if p.stage == STAGE_EMBED and p.done >= 4:
            p.cancel()

    progress = Progress(on_change=cancel_after_first_batch)
    first = scan(library, catalog, tiny_model, progress=progress, batch_size=4)
    assert first.cancelled and first.embedded == 4
    [model] = catalog.models()
    assert len(catalog.vectors(model.id)[0]) == 4
    resumed = scan(library, catalog, tiny_model, batch_size=4)
    assert not resumed.cancelled
    assert (resumed.embedded, resumed.unchanged) == (6, 4)


def test_catalog_records_size_dimensions_and_exif(tmp_path, catalog, tiny_model) -> None:
    folder = tmp_path / "trip"
    folder.mkdir()
    shutil.copy(DATA / "grand_canyon_2.jpg", folder)
    scan(folder, catalog, tiny_model)
    row = catalog._db.execute(
        "SELECT size, width, height, format, taken, camera, fingerprint FROM files"
    ).fetchone()
    assert row[:5] == ((DATA / "grand_canyon_2.jpg").stat().st_size, 800, 600, "JPEG", "2003-01-02T06:48:54")
    assert "JD4100" in row[5] and len(row[6]) == 32


def test_missing_model_still_catalogues_photos(library, catalog, tmp_path) -> None:
    embedder = Embedder(str(tmp_path / "no-model"), device="cpu")
    summary = run_scan([library], catalog, embedder)
    assert summary.model_error and "neither a model folder" in summary.model_error
    assert not summary.ok
    assert summary.not_embedded == 10 and summary.embedded == 0
    assert all(s.fingerprint for s in catalog.file_states().values())


RESCAN_WITHOUT_TORCH = """
import sys
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.paths import locations
from photoorg.core.pipeline import run_scan
embedder = Embedder(sys.argv[2], device="cpu", dtype=sys.argv[3])
summary = run_scan([sys.argv[1]], Catalog(locations().catalog), embedder)
assert summary.unchanged == 10 and summary.embedded == 0, summary
print("torch imported:", "torch" in sys.modules)
"""


@pytest.mark.parametrize("asked", ["auto", "the one auto chose"])
def test_unchanged_library_is_rescanned_without_loading_torch(library, catalog, tiny_model, asked) -> None:
    """Also when the number format is asked for, as every command but scan asks for the one the
    library's vectors have (the first of them after a scan loaded the model for nothing: 8 s)."""
    first = Embedder(str(tiny_model), device="cpu")
    run_scan([library], catalog, first)
    dtype = "auto" if asked == "auto" else first.dtype
    out = subprocess.run(
        [sys.executable, "-c", RESCAN_WITHOUT_TORCH, str(library), str(tiny_model), dtype],
        capture_output=True,
        text=True,
        env=os.environ,
        check=True,
    ).stdout
    assert "torch imported: False" in out


def test_on_a_cpu_the_progress_moves_by_a_few_photos_not_by_batches(library, catalog, tiny_model) -> None:
    """Issue 13, bug 8: the bar moved in steps of a batch (16), still for 20 s on a slow CPU."""
    steps: list[int] = []
    last = [0]

    def seen(p: Progress) -> None:
        if p.stage == STAGE_EMBED and p.done != last[0]:
            steps.append(p.done - last[0])
            last[0] = p.done

    progress = Progress(on_change=seen)
    summary = scan(library, catalog, tiny_model, progress=progress, batch_size=16)
    assert summary.embedded == 10 and sum(steps) == 10
    assert max(steps) <= CPU_PROGRESS_STEP


def test_a_first_scan_embeds_one_photo_of_each_folder_in_turn_newest_first(tmp_path) -> None:
    """Groups and sets are shown from what is embedded so far while a first scan runs, so the
    first photos embedded stand for the whole library: every folder early, newest first."""
    stamp = 1_700_000_000_000_000_000
    ages = {"old": 3000, "mid": 2000, "new": 1000}  # seconds before the stamp; higher i: newer
    jobs = [
        Job(str(tmp_path / folder / f"{folder}{i}.jpg"), f"{folder}{i}")
        for folder, count in (("old", 6), ("new", 2), ("mid", 3))
        for i in range(count)
    ]

    def mtime(job: Job) -> int:
        folder = Path(job.path).parent.name
        return stamp - (ages[folder] - int(job.fingerprint[-1]) * 10) * 10**9

    order = [Path(j.path).name for j in representative_order(jobs, mtime)]
    assert order[:3] == ["new1.jpg", "mid2.jpg", "old5.jpg"]  # the newest of each folder
    assert order[3:6] == ["new0.jpg", "mid1.jpg", "old4.jpg"]
    assert order[6:] == ["mid0.jpg", "old3.jpg", "old2.jpg", "old1.jpg", "old0.jpg"]


def test_a_scan_lists_the_library_before_or_after_a_file_action_never_halfway(library, catalog) -> None:
    """Another photoorg moves photos within the library: the scan waits for it before it lists
    the folders, so it sees every photo once, where the move put it (a hostile review saw
    photos counted twice and false "No such file" failures)."""
    import threading

    from photoorg.core.lock import LibraryLock

    other = LibraryLock(catalog.lock.path)  # the other photoorg, in the middle of its move
    other.acquire()
    waiting = threading.Event()
    result: list = []
    scanning = threading.Thread(
        target=lambda: result.append(
            run_scan(
                [library],
                catalog,
                Embedder(str(library / "none")),
                embed=False,
                on_wait=lambda _: waiting.set(),
            )
        )
    )
    scanning.start()
    try:
        assert waiting.wait(30), "the scan did not wait for the other photoorg"
        moved = library / "moved"
        moved.mkdir()
        for photo in sorted((library / "2023").iterdir()):
            photo.rename(moved / photo.name)
    finally:
        other.release()
    scanning.join(60)
    summary = result[0]
    assert (summary.seen, summary.failures, summary.vanished) == (10, [], 0)
    paths = set(catalog.file_states())
    assert len(paths) == 10 and all(os.path.exists(p) for p in paths)
    assert sum(Path(p).parent.name == "moved" for p in paths) == 6


@pytest.mark.parametrize("pattern", ["*/2024/*", "2024", "*.png", "2024/*"])
def test_photos_skipped_by_a_new_pattern_leave_the_catalog_not_the_disk(library, catalog, pattern) -> None:
    """Found by a GUI review: a "skip files matching" pattern added in Settings left the photos
    it matches in the timeline, the groups and the duplicates, whatever the rescan said."""
    none = Embedder(str(library / "none"))
    run_scan([library], catalog, none, embed=False)
    assert len(catalog.file_states()) == 10
    summary = run_scan([library], catalog, none, exclude=iter([pattern]), embed=False)  # any iterable
    # Said as left out, not "gone from disk" (they are there).
    assert (summary.seen, summary.removed, summary.excluded) == (6, 0, 4)
    assert sorted(Path(p).parent.name for p in catalog.file_states()) == ["2023"] * 6
    assert len(list((library / "2024").iterdir())) == 4  # the files themselves stay
    run_scan([library], catalog, none, embed=False)  # the pattern taken away: they are back
    assert len(catalog.file_states()) == 10
    # Skipped for one run only (scan --exclude): skipped, but still the library's photos.
    once = run_scan([library], catalog, none, exclude=[pattern], kept_excluded=[pattern], embed=False)
    assert (once.seen, once.removed, once.excluded, len(catalog.file_states())) == (6, 0, 0, 10)


def test_a_photo_changed_after_it_was_catalogued_is_not_embedded_as_its_old_content(tmp_path) -> None:
    """The second pass trusts an unchanged size and modification time, as a rescan does (a
    camera JPEG is not hashed twice); any other change is checked against the content."""
    from photoorg.core.catalog import fingerprint
    from photoorg.core.model_folder import Preprocess
    from photoorg.core.paths import storable_ns
    from photoorg.core.pipeline.reading import embed_input

    pp = Preprocess(resize_short=32, crop=32, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    photo = tmp_path / "a.jpg"
    shutil.copyfile(DATA / "rocket.jpg", photo)
    st = photo.stat()
    job = Job(str(photo), fingerprint(photo.read_bytes()), st.st_size, storable_ns(st.st_mtime_ns))
    first = embed_input(job, pp)
    assert first.crop is not None and first.phash is not None and not first.changed

    shutil.copyfile(DATA / "retina.jpg", photo)  # another photo in its place
    changed = embed_input(job, pp)
    assert changed.changed and changed.crop is None and changed.phash is None

    shutil.copyfile(DATA / "rocket.jpg", photo)  # back, with a new modification time
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    again = embed_input(job, pp)
    assert not again.changed and again.phash == first.phash


def test_a_photo_rewritten_in_the_tick_it_was_catalogued_in_is_hashed_again(tmp_path) -> None:
    """A file changed in place, same size, in the same tick of its clock as it was read (FAT
    counts 2 seconds) looks unchanged: near a scan's start its time is not trusted."""
    import time

    from photoorg.core.catalog import FileState, fingerprint
    from photoorg.core.model_folder import Preprocess
    from photoorg.core.paths import storable_ns
    from photoorg.core.pipeline.reading import RACY_NS, embed_input, make_job

    pp = Preprocess(resize_short=32, crop=32, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    photo = tmp_path / "a.jpg"
    shutil.copyfile(DATA / "rocket.jpg", photo)
    data, st = photo.read_bytes(), photo.stat()
    state = FileState(1, st.st_size, storable_ns(st.st_mtime_ns), fingerprint(data), None)
    racy = make_job(str(photo), state, time.time_ns())
    rewritten = bytearray(data)
    rewritten[len(data) // 2] ^= 0xFF
    photo.write_bytes(bytes(rewritten))
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size and time
    assert embed_input(racy, pp).changed
    # Catalogued well after its last change, its size and time are what a rescan trusts.
    settled = make_job(str(photo), state, state.mtime_ns + RACY_NS + 1)
    assert (settled.size, settled.mtime_ns) == (state.size, state.mtime_ns)
