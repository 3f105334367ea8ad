"""How fast the thumbnail grid shows and scrolls with many photos (prints numbers, asserts nothing).

    QT_QPA_PLATFORM=offscreen python tests/bench/bench_grid.py 20000 100000

For each size: the time from handing the model its photos to the first paint of the grid,
the time to jump to the end and paint there, and the mean time of a repaint while scrolling
page by page. Thumbnails are generated photos on disk (a few hundred, reused by many items),
so the io pool and the disk cache take part as they do in the app.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from photoorg.core.catalog import PhotoInfo
from photoorg.gui.models import PhotoGridModel
from photoorg.gui.tasks import Tasks
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid
from tests.conftest import make_photo


def paint_time(app: QApplication, grid: PhotoGrid) -> float:
    start = time.perf_counter()
    grid.viewport().repaint()
    app.processEvents()
    return time.perf_counter() - start


def main(sizes: list[int]) -> None:
    app = QApplication.instance() or QApplication([])
    work = Path(tempfile.mkdtemp(prefix="photoorg-grid-"))
    files = [make_photo(work / f"p{k:03d}.jpg", k, (640, 480)) for k in range(300)]
    tasks = Tasks()
    for n in sizes:
        thumbs = Thumbnails(tasks, work / f"thumbs-{n}")
        photos = [
            PhotoInfo(
                str(files[k % len(files)]).replace(".jpg", f".jpg#{k}"),
                f"{k:032x}",
                1000,
                0,
                640,
                480,
                "JPEG",
                None,
                None,
                None,
            )
            for k in range(n)
        ]
        # The paths above do not exist, so each item's thumbnail fails fast: this measures the
        # view and the model. The second run below uses real files for the io pool.
        model = PhotoGridModel(thumbs)
        grid = PhotoGrid()
        grid.resize(1100, 700)
        grid.show()
        start = time.perf_counter()
        model.set_photos(photos)
        grid.setModel(model)
        app.processEvents()
        grid.viewport().repaint()
        first = time.perf_counter() - start
        start = time.perf_counter()
        grid.scrollToBottom()
        app.processEvents()
        grid.viewport().repaint()
        to_end = time.perf_counter() - start
        grid.scrollToTop()
        bar = grid.verticalScrollBar()
        samples = []
        for _ in range(40):
            bar.setValue(bar.value() + bar.pageStep())
            samples.append(paint_time(app, grid))
        print(
            f"{n:>7} photos: first paint {first * 1000:.0f} ms, jump to end {to_end * 1000:.0f} ms, "
            f"scroll repaint mean {sum(samples) / len(samples) * 1000:.1f} ms, "
            f"max {max(samples) * 1000:.1f} ms"
        )
        grid.close()
        tasks.io.waitForDone()
    real = Thumbnails(tasks, work / "thumbs-real")
    model = PhotoGridModel(real)
    model.set_photos(
        [
            PhotoInfo(str(f), f"{k:032x}", 1, 0, 640, 480, "JPEG", None, None, None)
            for k, f in enumerate(files)
        ]
    )
    grid = PhotoGrid()
    grid.setModel(model)
    grid.resize(1100, 700)
    grid.show()
    for label in ("cold (decode + write cache)", "warm (from the disk cache)"):
        real._pixmaps.clear()
        start = time.perf_counter()
        for k in range(len(files)):
            real.get(str(files[k]), f"{k:032x}")
        while len(real._pixmaps) + len(real._failed) < len(files):
            app.processEvents()
            time.sleep(0.001)
        took = time.perf_counter() - start
        print(f"thumbnails of 300 640x480 JPEGs, {label}: {took:.2f} s ({len(files) / took:.0f}/s)")
    grid.close()
    tasks.shutdown()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20000, 100000])
