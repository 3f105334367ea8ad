"""How responsive the app stays while it scans (prints numbers, asserts nothing).

    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_gui_stall FOLDER --model MODEL
    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_gui_stall --home HOME

Starts the main window on a throwaway photoorg home, scans FOLDER with MODEL (use the full
dinov2-base architecture: ``python tests/modelfactory.py /tmp/base base``), and meanwhile ticks
a 5 ms timer on the GUI thread. Prints the time until the window was shown, the scan's
duration, and the longest gaps between ticks (the event loop's stalls).

With ``--home``, it starts the app on that photoorg home as it is (its settings, folders and
model; e.g. the 100,000-photo library ``tests/bench/bench_rescan.py`` leaves in DIR/home), to
time a start of a large library that is already embedded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

STARTED = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?")
    parser.add_argument("--model")
    parser.add_argument("--home", help="start on this photoorg home as it is (no FOLDER, no --model)")
    args = parser.parse_args()
    if (args.home is None) == (args.folder is None) or (args.folder is None) != (args.model is None):
        parser.error("give FOLDER and --model, or --home")
    os.environ["PHOTOORG_HOME"] = args.home or tempfile.mkdtemp(prefix="photoorg-stall-")

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from photoorg.core.paths import locations
    from photoorg.core.settings import Settings
    from photoorg.gui.app import MainWindow

    app = QApplication([])
    settings = None  # --home: its own, as they are
    if args.folder:
        settings = Settings(folders=[os.path.abspath(args.folder)], model=args.model)
    window = MainWindow(locations(), settings)
    window.show()
    app.processEvents()
    shown = time.perf_counter() - STARTED
    torch_at_show = "torch" in sys.modules
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    long_ones: list[tuple[float, float, str]] = []

    def tick() -> None:
        now = clock.nsecsElapsed()
        gap = (now - last[0]) / 1e6
        gaps.append(gap)
        if gap > 50:
            stage = window.library.progress.stage or "starting"
            long_ones.append((now / 1e9, gap, f"{stage} {window.library.progress.done}"))
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    states: list[object] = []
    window.library.state_changed.connect(states.append)
    scan_started = time.perf_counter()
    window.start()
    while not states:
        app.processEvents()
        time.sleep(0.001)
    took = time.perf_counter() - scan_started
    timer.stop()
    window.close()
    gaps.sort()
    summary = window.library.state.summary
    print(f"window shown {shown:.2f} s after start; torch imported by then: {torch_at_show}")
    print(
        f"scan of {summary.seen} photos ({summary.embedded} embedded) plus grouping and duplicates: "
        f"{took:.1f} s"
    )
    p99 = gaps[int(len(gaps) * 0.99)]
    print(
        f"event loop during the scan: {len(gaps)} ticks of 5 ms; longest gap {gaps[-1]:.1f} ms, "
        f"99th percentile {p99:.1f} ms, median {gaps[len(gaps) // 2]:.1f} ms"
    )
    print("five longest gaps (ms):", ", ".join(f"{g:.0f}" for g in gaps[-5:]))
    for at, gap, where in long_ones:
        print(f"  {gap:.0f} ms at {at:.1f} s, after: {where}")


if __name__ == "__main__":
    main()
