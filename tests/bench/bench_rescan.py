"""Benchmark: a rescan of an unchanged library, and opening a large catalog (numbers, not a test).

    python tests/bench/bench_rescan.py 100000 --dir /tmp/rescan-bench [--repeat 5]
    python tests/bench/bench_rescan.py 100000 --dir /tmp/rescan-bench --open-only

The rescan part makes N tiny PNGs (8x8, each a different colour) in DIR/photos, 1000 to a
folder, and a library in DIR/home whose first scan embeds them with a tiny random DINOv2 (made
in DIR/model); both are kept in DIR and reused by later runs. It then times, each ``--repeat``
times in a new Library: opening the catalog, and ``Library.scan()`` of the unchanged library
(what the app does on every start, and ``photoorg scan``), with the model and catalogue-only.

The open part builds (once) a catalog of N photos with 768-d vectors, as dinov2-base makes
them (synthetic rows and random vectors: only the size of the file matters here), then times
opening it: after a clean close, and after a process that had it open was killed (SIGKILL).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

PER_FOLDER = 1000


def make_photos(root: Path, n: int) -> None:
    from PIL import Image

    done = root / f".made-{n}"
    if done.exists():
        return
    t = time.perf_counter()
    for i in range(n):
        folder = root / f"d{i // PER_FOLDER:04d}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        colour = (i % 251, (i // 251) % 251, (i // 63001) % 251)
        Image.new("RGB", (8, 8), colour).save(folder / f"p{i:06d}.png")
    done.touch()
    print(f"made {n} tiny PNGs in {time.perf_counter() - t:.0f} s")


def _stats(times: list[float]) -> str:
    return f"best {min(times):.3f} s, median {statistics.median(times):.3f} s over {len(times)}"


def bench_rescan(n: int, base: Path, repeat: int, model: Path | None) -> None:
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    photos = base / "photos"
    make_photos(photos, n)
    if model is None:
        model = base / "model"
        if not (model / "config.json").exists():
            from tests.modelfactory import make_random_dinov2

            make_random_dinov2(model, "tiny")
    where = locations(base / "home")
    overrides = {"model": str(model)}
    first = base / "home" / f".scanned-{n}"
    if not first.exists():
        t = time.perf_counter()
        with Library(where, overrides) as lib:
            lib.add_folders([str(photos)])
            s = lib.scan()
        print(f"first scan: {s.seen} photos, {s.embedded} embedded in {time.perf_counter() - t:.0f} s")
        first.touch()

    for embed in (True, False):
        opens, scans = [], []
        for _ in range(repeat):
            with Library(where, overrides) as lib:
                t = time.perf_counter()
                _ = lib.catalog
                opens.append(time.perf_counter() - t)
                t = time.perf_counter()
                s = lib.scan(embed=embed)
                scans.append(time.perf_counter() - t)
                # Catalogue only does not look at vectors: the photos count as not embedded.
                assert s.unchanged + s.not_embedded == n and not s.embedded and not s.failures, s
        what = "with the model" if embed else "catalogue only"
        print(f"{n} unchanged photos, rescan {what}: {_stats(scans)}  (open first: {_stats(opens)})")
    cli = []
    command = [sys.executable, "-m", "photoorg", "--home", str(base / "home"), "scan", str(photos)]
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*command, "--model", str(model), "--json"], check=True, capture_output=True)
        cli.append(time.perf_counter() - t)
    print(f"{n} unchanged photos, 'photoorg scan' as a command (start to exit): {_stats(cli)}")


def build_big_catalog(path: Path, n: int) -> None:
    from photoorg.core.catalog import Catalog, FileRow

    if path.exists():
        return
    t = time.perf_counter()
    rng = np.random.default_rng(0)
    with Catalog(path) as cat:
        model = cat.model("bench-base", "dinov2-base", "random", "fp32", 768)
        for start in range(0, n, 5000):
            rows, vectors = [], []
            for k in range(start, min(n, start + 5000)):
                fp = f"{k:032x}"
                rows.append(
                    FileRow(f"/lib/{k // 1000:03d}/IMG_{k:06d}.jpg", 2_000_000, k, fp, 4000, 3000, "JPEG")
                )
                v = rng.standard_normal(768).astype(np.float32)
                vectors.append((fp, v / np.linalg.norm(v)))
            cat.write_batch(rows, vectors, model.id)
    print(f"built a catalog of {n} photos with 768-d vectors ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - t:.0f} s")  # fmt: skip


_KILLED = """
import sys, time
sys.path.insert(0, sys.argv[2])
from photoorg.core.catalog import Catalog
c = Catalog(sys.argv[1])
c.get_meta("x")
print("open", flush=True)
time.sleep(60)
"""


def drop_from_memory(path: Path) -> None:
    """Ask the OS to forget the file's cached pages: the next read comes from the disk, as on
    the first start of the day (no root needed, unlike dropping all caches)."""
    for side in (path, path.with_name(path.name + "-wal")):
        if side.exists():
            fd = os.open(side, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def bench_open(n: int, base: Path, repeat: int) -> None:
    from photoorg.core.catalog import Catalog

    path = base / f"catalog-{n}.sqlite3"
    build_big_catalog(path, n)
    Catalog(path).close()  # the first open since the catalog was made
    for cold in (False, True):
        clean = []
        for _ in range(repeat):
            if cold:
                drop_from_memory(path)
            t = time.perf_counter()
            Catalog(path).close()
            clean.append(time.perf_counter() - t)
        how = "not in memory (first start of the day)" if cold else "in memory"
        print(f"open a {n}-photo catalog ({path.stat().st_size / 1e6:.0f} MB) after a clean close, {how}: "
              f"{_stats(clean)}")  # fmt: skip
    killed = []
    root = str(Path(__file__).resolve().parents[2])
    for _ in range(repeat):
        proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(path), root], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"open"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        drop_from_memory(path)
        t = time.perf_counter()
        Catalog(path).close()
        killed.append(time.perf_counter() - t)
    print(f"open it after a photoorg that had it open was killed, not in memory: {_stats(killed)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--dir", required=True, help="where the photos, library and catalog are kept")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--model", type=Path, help="a DINOv2 folder (default: a tiny random one)")
    ap.add_argument("--open-only", action="store_true")
    ap.add_argument("--rescan-only", action="store_true")
    args = ap.parse_args()
    base = Path(args.dir).absolute()
    base.mkdir(parents=True, exist_ok=True)
    if not args.open_only:
        bench_rescan(args.n, base, args.repeat, args.model)
    if not args.rescan_only:
        bench_open(args.n, base, args.repeat)


if __name__ == "__main__":
    main()
