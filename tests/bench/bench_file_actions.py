"""Benchmark: a move of N small photos and its undo, through the library (numbers, not a test).

    python tests/bench/bench_file_actions.py [--photos 500]

Each photo's journal row is synced to the disk before the photo is touched (a power cut must
not lose it), and each new name's folder is synced after: this prints what that costs on the
disk under the temporary folder (/var/tmp), per photo.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image

from photoorg.core.library import Action, Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings


def main(n: int) -> None:
    root = Path(tempfile.mkdtemp(dir="/var/tmp" if os.path.isdir("/var/tmp") else None))
    try:
        os.environ["PHOTOORG_HOME"] = str(root / "home")
        lib = root / "lib"
        (lib / "a").mkdir(parents=True)
        img = Image.new("RGB", (32, 32))
        for k in range(n):
            img.putpixel((0, 0), (k % 256, k // 256 % 256, 0))
            img.save(lib / "a" / f"p{k}.jpg")
        save_settings(locations(), Settings(folders=[str(lib)]))
        with Library(locations()) as library:
            library.scan(embed=False)
            photos = sorted(str(p) for p in (lib / "a").iterdir())
            t = time.perf_counter()
            library.act(Action.MOVE, photos, str(lib / "b"))
            moved = time.perf_counter() - t
            t = time.perf_counter()
            library.undo()
            undone = time.perf_counter() - t
        print(f"move of {n} photos: {moved:.2f} s ({1000 * moved / n:.2f} ms a photo)")
        print(f"its undo:          {undone:.2f} s ({1000 * undone / n:.2f} ms a photo)")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=500)
    main(parser.parse_args().photos)
