"""Start the real app on a folder of photos and save screenshots of its three main views.

Run under a real X server, e.g. Xvfb (Debian package xvfb):

    xvfb-run -s "-screen 0 1280x800x24" python resources/screenshots/take_screenshots.py \
        ../shared/photos/* --protect ../shared/photos/kphotoalbum --model /path/to/dinov2-folder

It uses a throwaway photoorg home, so it never touches your own catalog or settings.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--protect", nargs="*", default=[], help="folders to mark protected")
    parser.add_argument("--model", required=True, help="a DINOv2 model folder or hub id")
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args()
    os.environ["PHOTOORG_HOME"] = tempfile.mkdtemp(prefix="photoorg-shots-")

    from PySide6.QtWidgets import QApplication

    from photoorg.core.paths import locations
    from photoorg.core.settings import Settings
    from photoorg.gui.app import MainWindow

    app = QApplication(["photoorg"])
    settings = Settings(
        folders=sorted(os.path.abspath(f) for f in args.folders),
        protected=sorted(os.path.abspath(f) for f in args.protect),
        model=args.model,
    )
    window = MainWindow(locations(), settings)
    window.move(0, 0)
    window.resize(1280, 800)
    window.show()
    states: list[object] = []
    window.library.state_changed.connect(states.append)
    window.start()

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    while not states:
        settle(0.2)
    out = Path(args.out)

    def shot(name: str) -> None:
        settle(3.0)  # thumbnails arrive from the io pool
        image = window.screen().grabWindow(window.winId())
        image.save(str(out / f"{name}.png"))
        print(f"saved {out / name}.png ({image.width()}x{image.height()})")

    window.nav.setCurrentRow(0)
    shot("library")
    window.nav.setCurrentRow(1)
    groups = window.groups_page
    biggest = max(range(groups.groups.rowCount() - 1), key=lambda r: groups.groups.group(r).size, default=0)
    groups.group_list.setCurrentIndex(groups.groups.index(biggest))
    shot("group")
    window.nav.setCurrentRow(2)
    dups = window.duplicates_page
    for tab in range(dups.tabs.count()):
        dups.tabs.setCurrentIndex(tab)
        if dups.sets.rowCount():
            break
    bigger = max(range(dups.sets.rowCount()), key=lambda r: len(dups.sets.duplicate_set(r).photos), default=0)
    dups.set_list.setCurrentIndex(dups.sets.index(bigger))
    shot("duplicates")
    window.close()


if __name__ == "__main__":
    main()
