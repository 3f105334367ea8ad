"""How responsive the app stays while it scans (prints numbers, asserts nothing).

    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_gui_stall FOLDER --model MODEL

Starts the main window on a throwaway photoorg home, scans FOLDER with MODEL (use the full
dinov2-base architecture: ``python tests/modelfactory.py /tmp/base base``), and meanwhile ticks
a 5 ms timer on the GUI thread. Prints the time until the window was shown, the scan's
duration, and the longest gaps between ticks (the event loop's stalls).
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
    parser.add_argument("folder")
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    os.environ["PHOTOORG_HOME"] = tempfile.mkdtemp(prefix="photoorg-stall-")

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from photoorg.core.paths import locations
    from photoorg.core.settings import Settings
    from photoorg.gui.app import MainWindow

    app = QApplication([])
    window = MainWindow(locations(), Settings(folders=[os.path.abspath(args.folder)], model=args.model))
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
