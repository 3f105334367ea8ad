"""What a start of the app costs on a fully embedded library: each phase of the library
service's start-up state (scan of unchanged files, model, groups, duplicate sets), timed.

    python tests/bench/bench_start.py MODEL_FOLDER [--count 20000] [--work DIR]

Makes COUNT small distinct pictures (once; kept in --work), scans and embeds them with the
model, then times a start as the app does it (Library.state(scan=True)) phase by phase, twice.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "photoorg-bench-start"))
    args = ap.parse_args()
    work = Path(args.work)
    os.environ["PHOTOORG_HOME"] = str(work / "home")
    from photoorg.core.library import Library
    from photoorg.core.paths import locations
    from photoorg.core.progress import Progress
    from photoorg.core.settings import Settings, save_settings
    from tests.conftest import make_photo

    lib = work / f"lib{args.count}"
    if not lib.exists():
        t = time.perf_counter()
        for i in range(args.count):
            make_photo(lib / f"d{i // 1000:03d}" / f"p{i:06d}.jpg", seed=i, size=(64, 48), quality=85)
        print(f"made {args.count} pictures in {time.perf_counter() - t:.1f} s")
    save_settings(locations(), Settings(folders=[str(lib)], model=args.model, device="cpu"))
    with Library(locations()) as library:
        t = time.perf_counter()
        library.state(scan=True)
        print(f"first scan + groups + sets: {time.perf_counter() - t:.1f} s")

    for attempt in (1, 2):
        stages = Stages()
        t0 = time.perf_counter()
        with Library(locations()) as library:
            opened = time.perf_counter() - t0
            state = library.state(scan=True, progress=Progress(stages.report))
        stages.report(None)
        total = time.perf_counter() - t0
        parts = ", ".join(f"{name or '(start)'} {s:.2f} s" for name, s in stages.times)
        print(
            f"start {attempt}: {total:.2f} s (open {opened:.2f} s; {parts}); "
            f"{state.photo_count} photos, {len(state.groups)} groups, {len(state.sets)} sets"
        )


class Stages:
    """How long each stage of a Progress lasted."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self._since = time.perf_counter()
        self._stage: str | None = None

    def report(self, p: object) -> None:
        stage = getattr(p, "stage", "") if p is not None else None
        if stage != self._stage:
            now = time.perf_counter()
            if self._stage is not None:
                self.times.append((self._stage, now - self._since))
            self._since, self._stage = now, stage


if __name__ == "__main__":
    main()
