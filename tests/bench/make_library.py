"""Make a benchmark library: N distinct camera-sized JPEGs made from real photos.

Each output is a source photo, cropped a little differently and resized to a camera size
(default 4032x3024, 12 MP), saved as JPEG quality 90: the decode work of a real library, and
no two files share content (exact copies would be skipped by the scan).

A smooth upscale compresses to some 0.8 MB; ``--grain`` adds a sensor's noise (that many levels
of 255, per pixel), which makes the files of a camera's size (3 to 5 MB at 12 MP for 6 to 8)
and costs a JPEG decoder what a camera's photo costs it.

    python tests/bench/make_library.py SRC_DIR OUT_DIR --count 1000 [--size 4032x3024] [--grain 7]
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

EXTS = {".jpg", ".jpeg", ".png", ".webp"}


def _make(job: tuple[str, str, int, int, int, float]) -> None:
    src, out, i, w, h, grain = job
    img = Image.open(src).convert("RGB")
    sw, sh = img.size
    k = 1 + i % 7  # a distinct crop per copy
    img = img.crop((k, k, sw - k, sh - k))
    if (sw > sh) != (w > h):
        w, h = h, w
    img = img.resize((w, h), Image.Resampling.BICUBIC)
    if grain:
        noise = np.random.default_rng(i).normal(0.0, grain, (h, w, 1)).astype(np.float32)
        img = Image.fromarray(np.clip(np.asarray(img, np.float32) + noise, 0, 255).astype(np.uint8))
    img.save(out, quality=90)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--size", default="4032x3024")
    ap.add_argument("--grain", type=float, default=0.0, help="sensor noise, in levels of 255")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    sources = sorted(str(p) for p in Path(args.src).rglob("*") if p.suffix.lower() in EXTS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [
        (sources[i % len(sources)], str(out / f"photo_{i:05d}.jpg"), i // len(sources), w, h, args.grain)
        for i in range(args.count)
    ]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_make, jobs, chunksize=8))
    print(f"{args.count} photos of {w}x{h} in {out}")


if __name__ == "__main__":
    main()
