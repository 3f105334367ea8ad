"""Make a benchmark library: N distinct camera-sized JPEGs made from real photos.

Each output is a source photo, cropped a little differently and resized to a camera size
(default 4032x3024, 12 MP), saved as JPEG quality 90: the decode work of a real library, and
no two files share content (exact copies would be skipped by the scan).

    python tests/bench/make_library.py SRC_DIR OUT_DIR --count 1000 [--size 4032x3024]
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

EXTS = {".jpg", ".jpeg", ".png", ".webp"}


def _make(job: tuple[str, str, int, int, int]) -> None:
    src, out, i, w, h = job
    img = Image.open(src).convert("RGB")
    sw, sh = img.size
    k = 1 + i % 7  # a distinct crop per copy
    img = img.crop((k, k, sw - k, sh - k))
    if (sw > sh) != (w > h):
        w, h = h, w
    img.resize((w, h), Image.Resampling.BICUBIC).save(out, quality=90)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--size", default="4032x3024")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    sources = sorted(str(p) for p in Path(args.src).rglob("*") if p.suffix.lower() in EXTS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [
        (sources[i % len(sources)], str(out / f"photo_{i:05d}.jpg"), i // len(sources), w, h)
        for i in range(args.count)
    ]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_make, jobs, chunksize=8))
    print(f"{args.count} photos of {w}x{h} in {out}")


if __name__ == "__main__":
    main()
