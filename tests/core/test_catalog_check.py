"""Opening a large catalog checks the whole file only when it may not be as photoorg left it:
after a photoorg that had it open was killed, or when something else changed the file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np

from photoorg.core.catalog import Catalog, FileRow

ROOT = Path(__file__).resolve().parents[2]


def fill(path: Path, n: int = 3000) -> None:
    """A catalog with decisions the person made and enough vectors to span many pages."""
    rng = np.random.default_rng(0)
    with Catalog(path) as cat:
        cat.set_decisions([("a" * 32, "b" * 32)], "not_duplicates", "not duplicates: a, b")
        model = cat.model("m", "m", "r", "fp32", 64)
        rows = [FileRow(f"/lib/p{k:05d}.jpg", 1, k, f"{k:032x}", 4, 3, "JPEG") for k in range(n)]
        vectors = [(r.fingerprint, rng.standard_normal(64).astype(np.float32)) for r in rows]
        cat.write_batch(rows, vectors, model.id)


def damage_a_page(path: Path) -> None:
    """Garbage over a page in the middle of the file (vectors), as a bad disk or a bad copy
    leaves it; nothing that opening the catalog reads touches it."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek((size // 2) // 4096 * 4096 + 16)
        f.write(os.urandom(2048))


def test_a_cleanly_closed_catalog_opens_without_a_full_check(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fill(path)
    with Catalog(path) as cat:  # the first open since this photoorg: no clean close recorded
        assert cat.checked_because is not None
    with Catalog(path) as cat:
        assert cat.checked_because is None
        assert cat.decisions() == {("a" * 32, "b" * 32): "not_duplicates"}
    with Catalog(path) as cat:
        assert cat.checked_because is None


def test_a_catalog_damaged_while_closed_is_still_found_and_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fill(path)
    Catalog(path).close()
    damage_a_page(path)
    with Catalog(path) as cat:
        assert cat.checked_because == "the file changed since photoorg last closed it"
        assert cat.set_aside_to is not None and cat.set_aside_to.exists()
        assert cat.decisions() == {("a" * 32, "b" * 32): "not_duplicates"}  # carried over
    with Catalog(path) as cat:  # the new one, closed cleanly: trusted again
        assert cat.checked_because is None and cat.set_aside_to is None


def test_a_catalog_written_by_another_program_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fill(path, 10)
    Catalog(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE files SET size=2")
    db.commit()
    db.close()
    with Catalog(path) as cat:
        assert cat.checked_because is not None and cat.set_aside_to is None


_KILLED = """
import sys, time
sys.path.insert(0, sys.argv[2])
from photoorg.core.catalog import Catalog
c = Catalog(sys.argv[1])
c.set_meta("working", "yes")
print("open", flush=True)
time.sleep(60)
"""


def killed_while_open(path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(path), str(ROOT)], stdout=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"open"
        os.kill(proc.pid, signal.SIGKILL)


def test_after_a_photoorg_was_killed_the_next_open_checks_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fill(path, 10)
    Catalog(path).close()
    killed_while_open(path)
    with Catalog(path) as cat:
        assert cat.checked_because == "1 photoorg session(s) ended without closing it"
        assert cat.get_meta("working") == "yes"  # its committed work is there
    with Catalog(path) as cat:  # checked and closed cleanly since
        assert cat.checked_because is None


def test_a_photoorg_still_working_on_the_catalog_is_not_taken_for_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fill(path, 10)
    Catalog(path).close()
    app = Catalog(path)  # the app, open all along
    app.set_meta("k", "v")  # and writing: the file changes under the record of the last close
    with Catalog(path) as cli:
        assert cli.checked_because is None
        cli.set_meta("k", "w")
    app.set_meta("k", "x")
    app.close()
    with Catalog(path) as cat:
        assert cat.checked_because is None and cat.get_meta("k") == "x"
