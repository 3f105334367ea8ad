"""What folding Live Photos costs each time the library's state is made: the timeline of N
catalogued photos (generated rows, no files), one in ten with a Live Photo video beside it, and
the same photos without videos; the fold alone (pairs.live_photos) and the whole timeline.

    python tests/bench/bench_timeline_fold.py [--count 100000]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    args = ap.parse_args()
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.pairs import live_photos
    from photoorg.core.timeline import timeline_of

    photos = []
    for k in range(args.count):
        folder = f"/home/u/Pictures/{k // 500}"
        t = 1_600_000_000_000_000_000 + k * 10**9
        photos.append(
            PhotoInfo(f"{folder}/IMG_{k}.JPG", f"p{k}", 1000, t, 100, 100, "JPEG", None, None, None)
        )
        if k % 10 == 0:
            photos.append(
                PhotoInfo(f"{folder}/IMG_{k}.MOV", f"v{k}", 1000, t, None, None, "MOV", None, None, None)
            )
    stills = [p for p in photos if not p.is_video]
    for name, rows in (("with 1 video in 10", photos), ("without videos", stills)):
        start = time.perf_counter()
        live = live_photos(rows)
        folded = time.perf_counter()
        timeline = timeline_of(rows)
        done = time.perf_counter()
        print(
            f"{len(rows):7d} rows {name:<19} fold {folded - start:6.3f} s ({len(live)} Live Photos)  "
            f"timeline {done - folded:6.3f} s ({len(timeline.photos)} shown)"
        )


if __name__ == "__main__":
    main()
