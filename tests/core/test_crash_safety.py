"""Kill a scanning process at random moments: the catalog stays sound and the work resumes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from photoorg.core.catalog import Catalog
from tests.conftest import make_photo


def vectors_in(catalog_path: Path, check: bool = True) -> set[str]:
    db = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True, timeout=30)
    try:
        if check:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in db.execute("SELECT fingerprint FROM vectors")}
    finally:
        db.close()


def test_sigkill_during_scans_loses_nothing_committed(tmp_path, tiny_model) -> None:
    library = tmp_path / "lib"
    for i in range(400):
        make_photo(library / f"{i // 50:02d}" / f"p{i:03d}.jpg", seed=1000 + i, size=(96, 72))
    home = tmp_path / "home"
    command = [
        sys.executable,
        "-m",
        "photoorg",
        "--home",
        str(home),
        "scan",
        str(library),
        "--model",
        str(tiny_model),
        "--batch-size",
        "4",
        "--workers",
        "2",
    ]
    catalog_path = home / "data" / "catalog.sqlite3"
    rng = random.Random(20261127)
    committed: set[str] = set()
    for _ in range(4):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until this run has committed something new, then kill it a moment later,
        # so every kill lands in the middle of embedding.
        started = time.monotonic()
        while proc.poll() is None and time.monotonic() - started < 120:
            try:
                if len(vectors_in(catalog_path, check=False)) > len(committed):
                    break
            except sqlite3.OperationalError:  # not created yet
                pass
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.6))
        killed_at = time.monotonic() - started
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        print(
            f"killed after {killed_at:.1f} s" if proc.returncode == -signal.SIGKILL else "finished", end=": "
        )
        if catalog_path.exists():
            now = vectors_in(catalog_path)
            assert committed <= now, "a vector committed before a kill was lost"
            committed = now
        print(f"{len(committed)} vectors committed")

    final = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert committed <= vectors_in(catalog_path)
    with Catalog(catalog_path) as catalog:
        assert catalog.integrity_ok()
        paths = [p.path for p in catalog.photos()]
        assert len(paths) == len(set(paths)) == 400  # nothing catalogued twice
        assert len(catalog.vectors(catalog.models()[0].id)[0]) == 400
