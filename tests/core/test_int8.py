"""int8 on the CPU (issue 15): the model exported to ONNX once, quantized, kept, and run with the
same preprocessing as the torch path. Every test makes the int8 model of the tiny random DINOv2
for real (seconds): nothing here is a stand-in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from photoorg.core import int8
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.errors import Cancelled
from photoorg.core.pipeline import run_scan
from photoorg.core.progress import Progress
from tests.conftest import REAL_PHOTOS
from tests.core.test_embedder import embed_files

#: The issue's bar for dinov2-base on 213 photos is 0.998; the tiny model's products are 32 long
#: (base: 768 and 3072), so its rounding errors average out less, yet it measured 0.9999 on
#: these photos: 0.998 holds with room and still fails a broken export (a wrong layer, another
#: normalisation or an unquantized fallback gone wrong give cosines far below 0.99).
PARITY = 0.998


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_int8_vectors_match_fp32_on_real_photos(tiny_model: Path, tmp_path: Path) -> None:
    fp32 = Embedder(str(tiny_model), device="cpu", dtype="fp32")
    q = Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=tmp_path / "int8")
    a, b = embed_files(fp32, REAL_PHOTOS), embed_files(q, REAL_PHOTOS)
    assert b.shape == a.shape and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert (a * b).sum(axis=1).min() >= PARITY
    # Kept apart in the catalog: the number format is part of the vectors' key.
    assert q.key.endswith("/int8") and q.key.rsplit("/", 1)[0] == fp32.key.rsplit("/", 1)[0]
    assert q.describe().endswith("on cpu (int8)")
    # One batch or photo by photo: the same vectors (the batch size is free in the export).
    one = np.concatenate([embed_files(q, [p]) for p in REAL_PHOTOS[:3]])
    assert np.allclose(one, b[:3], atol=1e-4)


def test_the_int8_model_is_made_once_per_model_revision_and_kept(
    tiny_model: Path, other_tiny_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "int8"
    first = Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder).load()
    [made] = _files(folder)
    revision = first.resolve().revision
    assert made.startswith(f"dinov2-{revision[:16]}-int8-v{int8.EXPORT_VERSION}-torch")
    stamp = (folder / made).stat().st_mtime_ns
    Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder).load()
    assert _files(folder) == [made] and (folder / made).stat().st_mtime_ns == stamp  # not made again
    Embedder(str(other_tiny_model), device="cpu", dtype="int8", int8_dir=folder).load()
    assert len(_files(folder)) == 2  # another model (revision): its own file


def test_a_cancel_while_the_int8_model_is_made_leaves_nothing_and_the_next_run_makes_it(
    tiny_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "int8"
    stages: list[str] = []

    def cancel_once_preparing(p: Progress) -> None:
        stages.append(p.stage)
        if p.stage == int8.STAGE_PREPARE and not p.cancelled:
            p.cancel()

    progress = Progress(on_change=cancel_once_preparing)
    progress.start_stage("Looking at photos", 10)
    progress.advance(3)
    with pytest.raises(Cancelled):
        Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder).load(progress)
    assert int8.STAGE_PREPARE in stages
    assert _files(folder) == []  # no model file, no temporary folder
    # The scan's own stage and count are back as they were.
    assert (progress.stage, progress.done, progress.total) == ("Looking at photos", 3, 10)
    Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder).load()
    assert len(_files(folder)) == 1


def test_a_killed_export_never_leaves_a_file_that_is_loaded(tiny_model: Path, tmp_path: Path) -> None:
    """The process is killed while the model is made (SIGKILL: no clean-up runs): only its
    temporary folder is left, never a file under the model's name; the next run makes it."""
    folder = tmp_path / "int8"
    code = (
        "import sys; from photoorg.core.embedder import Embedder; "
        "Embedder(sys.argv[1], device='cpu', dtype='int8', int8_dir=sys.argv[2]).load()"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    child = subprocess.Popen([sys.executable, "-c", code, str(tiny_model), str(folder)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not any(n.startswith(".export-") for n in _files(folder)):
            assert child.poll() is None, "the export finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)  # in the middle of loading, exporting or quantizing
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert not [n for n in _files(folder) if n.endswith(".onnx")]
    q = Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder)
    assert embed_files(q, REAL_PHOTOS[:2]).shape == (2, 32)
    assert len([n for n in _files(folder) if n.endswith(".onnx")]) == 1


def test_a_damaged_int8_file_is_made_again(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "int8"
    q = Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=folder)
    path = int8.model_path(folder, q.resolve().revision)
    folder.mkdir()
    path.write_bytes(b"not a model: the disk lost it")
    vectors = embed_files(q, REAL_PHOTOS[:2])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert path.stat().st_size > 10_000


def test_a_scan_in_int8_keeps_its_vectors_apart_from_fp32_and_says_it_prepares_the_model(
    tiny_model: Path, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for p in REAL_PHOTOS[:4]:
        (photos / p.name).write_bytes(p.read_bytes())
    stages: list[str] = []
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:
        fp32 = run_scan([photos], catalog, Embedder(str(tiny_model), device="cpu", dtype="fp32"))
        assert fp32.embedded == 4
        progress = Progress(on_change=lambda p: stages.append(p.stage))
        q = Embedder(str(tiny_model), device="cpu", dtype="int8", int8_dir=tmp_path / "int8")
        done = run_scan([photos], catalog, q, progress=progress)
        assert done.embedded == 4 and done.model_key.endswith("/int8") and not done.failures
        assert int8.STAGE_PREPARE in stages
        keys = {m.key: m for m in catalog.models()}
        assert {fp32.model_key, done.model_key} <= set(keys)
        a = catalog.vectors(keys[fp32.model_key].id)[1]
        b = catalog.vectors(keys[done.model_key].id)[1]
        assert a.shape == b.shape == (4, 32) and not np.array_equal(a, b)
