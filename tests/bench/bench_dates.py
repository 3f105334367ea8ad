"""Time *Set date taken* over N photos of one folder: the plan, the writing, its undo and its
redo (a hostile review: the plan listed the folder once per photo, 3,000 photos took 28 s).

    python tests/bench/bench_dates.py 3000 --model M

Generated 32x24 JPEGs without a date in a fresh library (PHOTOORG_HOME is a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("count", type=int)
    ap.add_argument("--model", required=True, help="a model folder (the scan catalogues only)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PHOTOORG_HOME"] = str(Path(tmp, "home"))
        from PIL import Image

        from photoorg.core.library import Library
        from photoorg.core.paths import locations
        from photoorg.core.settings import Settings, save_settings

        folder = Path(tmp, "Pictures", "scans")
        folder.mkdir(parents=True)
        picture = Image.new("RGB", (32, 24))
        for i in range(args.count):
            picture.putpixel((0, 0), (i % 256, i // 256 % 256, 7))  # each file its own content
            picture.save(folder / f"s{i:05d}.jpg")
        save_settings(locations(), Settings(folders=[str(folder.parent)], model=args.model, device="cpu"))
        with Library(locations()) as library:
            library.scan(embed=False)
            photos = [str(p) for p in sorted(folder.glob("*.jpg"))]
            t = time.perf_counter()
            library.set_date_taken(photos, datetime(1987, 1, 1), dry_run=True)
            plan = time.perf_counter() - t
            t = time.perf_counter()
            _, outcome = library.set_date_taken(photos, datetime(1987, 1, 1))
            written = time.perf_counter() - t
            t = time.perf_counter()
            library.undo()
            undo = time.perf_counter() - t
            t = time.perf_counter()
            again = library.redo()
            redo = time.perf_counter() - t
        done = len(outcome.done) if outcome else 0
        print(
            f"{args.count} photos in one folder: plan {plan:.2f} s, date {written:.2f} s ({done} sidecars), "
            f"undo {undo:.2f} s, redo {redo:.2f} s ({len(again.done)} sidecars)"
        )


if __name__ == "__main__":
    main()
