"""The aligned pixel check's figures (numbers, not a test): the largest local change
(pixelcheck.local_change) and the time of one comparison, for the re-saves, resizes, crops,
WebP copies and EXIF rotations of the test photos, the photo-and-thumbnail pairs and the video
frames of tests/data/pairs, and the look-alike pairs.

    python tests/bench/bench_pixelcheck.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    from photoorg.core import imaging, pixelcheck
    from photoorg.core.duplicates import DuplicateSettings
    from tests.conftest import DATA, LOOKALIKE_PAIRS, REAL_PHOTOS
    from tests.core.test_duplicates import VARIANTS
    from tests.core.test_pixelcheck import PAIRS, THUMBNAILS, VIDEO_FRAMES, picture, png

    rows: list[tuple[str, str, float, float]] = []

    def measure(kind: str, name: str, a: bytes, b: bytes) -> None:
        pa, pb = picture(a), picture(b)
        t = time.perf_counter()
        change = pixelcheck.local_change(*pa, *pb)
        rows.append((kind, name, change, time.perf_counter() - t))

    for photo in REAL_PHOTOS:
        original = imaging.decode(photo.read_bytes()).image
        for variant, make in VARIANTS.items():
            measure("same image", f"{photo.name}, {variant}", photo.read_bytes(), png(make(original)))
    for a, b in THUMBNAILS:
        measure("same image", f"{a} and its thumbnail", (PAIRS / a).read_bytes(), (PAIRS / b).read_bytes())
    for a, b in VIDEO_FRAMES:
        measure(
            "not the same", f"{a} and {b} (video frames)", (PAIRS / a).read_bytes(), (PAIRS / b).read_bytes()
        )
    for a, b in LOOKALIKE_PAIRS:
        measure(
            "not the same", f"{a} and {b} (look-alikes)", (DATA / a).read_bytes(), (DATA / b).read_bytes()
        )

    limit = DuplicateSettings().same_max_local_change
    print(f"grid {pixelcheck.GRID} px, limit same_max_local_change = {limit}")
    print(f"{'kind':13s} {'pair':62s} {'change':>7s} {'ms':>6s}")
    for kind, name, change, seconds in rows:
        print(f"{kind:13s} {name[:62]:62s} {change:7.4f} {seconds * 1000:6.0f}")
    for kind in ("same image", "not the same"):
        changes = [c for k, _, c, _ in rows if k == kind]
        print(f"{kind}: {min(changes):.4f} to {max(changes):.4f}")
    times = sorted(s for *_, s in rows)
    print(f"one comparison: median {times[len(times) // 2] * 1000:.0f} ms, slowest {times[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
