"""Start the real app on a folder of photos and save screenshots of its main views.

Run under a real X server, e.g. Xvfb (Debian package xvfb):

    xvfb-run -s "-screen 0 1280x800x24" python resources/screenshots/take_screenshots.py \\
        ../shared/photos/* --protect ../shared/photos/kphotoalbum --model /path/to/dinov2-folder

With a full-size model (dinov2-base) the first scan takes a minute on a CPU, long enough for
the "timeline during the first scan" shot. ``--size 800x600`` checks a small screen (saved
under other names); give Xvfb a screen of that size too (``-screen 0 800x600x24``), or the
dialogs are sized for the larger screen. It uses a throwaway photoorg home and trash (removed
at the end), so it never touches your own catalog, settings or trash. For the last shot it
moves one photo to the trash and back (undo); in a read-only folder that shot is skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    suffix = "" if (width, height) == (1280, 800) else f"-{width}x{height}"
    throwaway = Path(tempfile.mkdtemp(prefix="photoorg-shots-"))
    try:
        _take(args, throwaway, width, height, suffix)
    finally:
        shutil.rmtree(throwaway, ignore_errors=True)


def _take(args: argparse.Namespace, throwaway: Path, width: int, height: int, suffix: str) -> None:
    # Its home and its trash (a new-user review: the trash shot made the person's own trash,
    # and each run left its folders in /tmp).
    os.environ["PHOTOORG_HOME"] = str(throwaway / "home")
    os.environ["XDG_DATA_HOME"] = str(throwaway / "xdg-data")

    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication

    from photoorg.core.paths import locations
    from photoorg.core.settings import Settings
    from photoorg.gui.app import PAGE_DUPLICATES, PAGE_GROUPS, PAGE_LIBRARY, PAGE_TIMELINE, MainWindow

    app = QApplication(["photoorg"])
    settings = Settings(
        folders=sorted(os.path.abspath(f) for f in args.folders if os.path.isdir(f)),
        protected=sorted(os.path.abspath(f) for f in args.protect),
        model=args.model,
    )
    window = MainWindow(locations(), settings)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    states: list[object] = []
    partials: list[object] = []
    window.library.state_changed.connect(states.append)
    window.library.partial_state.connect(partials.append)
    window.start()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(name: str, widget: object = None, wait: float = 3.0) -> None:
        settle(wait)  # thumbnails arrive from the io pool
        target = widget or window
        image = target.screen().grabWindow(target.winId())  # type: ignore[attr-defined]
        image.save(str(out / f"{name}{suffix}.png"))
        print(f"saved {out / name}{suffix}.png ({image.width()}x{image.height()})")

    # The first partial state is the last groups, sent before the scan finds a photo: wait
    # for one with the photos found.
    while not states and not any(getattr(p, "photo_count", 0) for p in partials):
        settle(0.2)
    if partials and not states:
        window.nav.setCurrentRow(PAGE_TIMELINE)
        settle(6.0)  # a little embedding progress in the status bar
        shot("timeline-scanning", wait=2.0)
    while not states:
        settle(0.2)
    window.nav.setCurrentRow(PAGE_LIBRARY)
    shot("library")
    window.nav.setCurrentRow(PAGE_TIMELINE)
    shot("timeline")
    live = sorted(window.timeline_page.photos.timeline.live)
    if live:  # a Live Photo among them: its tile, marked, found by the folder it is in
        window.timeline_page.filter.setText(os.path.basename(os.path.dirname(live[0])))
        shot("timeline-live")
        window.timeline_page.filter.setText("")
    window.nav.setCurrentRow(PAGE_GROUPS)
    groups = window.groups_page
    biggest = max(range(groups.groups.rowCount() - 1), key=lambda r: groups.groups.group(r).size, default=0)
    groups.group_list.setCurrentIndex(groups.groups.index(biggest))
    shot("group")
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    dups = window.duplicates_page
    for tab in range(dups.tabs.count()):
        dups.tabs.setCurrentIndex(tab)
        if dups.sets.rowCount():
            break
    bigger = max(range(dups.sets.rowCount()), key=lambda r: len(dups.sets.duplicate_set(r).photos), default=0)
    dups.set_list.setCurrentIndex(dups.sets.index(bigger))
    shot("duplicates")

    # Compare: a "same image" set if there is one (different sizes show best), zoomed in twice.
    from photoorg.gui.compare import CompareDialog

    for tab in range(dups.tabs.count()):
        dups.tabs.setCurrentIndex(tab)
        if dups.tabs.tabData(tab) == "same" and dups.sets.rowCount():
            break
    dups.set_list.setCurrentIndex(dups.sets.index(0))
    settle(0.5)
    compare = CompareDialog(window.tasks, dups.members, range(dups.members.rowCount()), window)
    compare.resize(min(width, 1200), min(height, 800))
    compare.show()
    settle(2.0)
    compare.views[0].actual_size()
    compare.views[0].zoom_by(3)  # 1.25^3: about 200 %, and the other photo follows
    shot("compare", compare, wait=3.0)
    compare.reject()

    # The thresholds, judged on these photos: the histogram with the pairs at the red line.
    from photoorg.gui.calibration import ThresholdsDialog

    measured: list[object] = []
    window.library.calibrate(measured.append)
    while not measured:
        settle(0.2)
    judge = ThresholdsDialog(measured[0], window.thumbnails, window)
    judge.show()
    shot("thresholds", judge, wait=3.0)
    judge.reject()

    # An album taught by three photos of the biggest group, then two answers in the loop.
    page = window.albums_page
    views: list[object] = []
    examples = [p.path for p in groups.groups.group(biggest).photos[:3]]
    window.library.teach_album(
        "Like these three", examples, "example", lambda v: (page.show_view(v), views.append(v)), create=True
    )
    window.show_albums()
    while not views:
        settle(0.2)
    for role in ("member", "rejected"):
        page.grid.setCurrentIndex(page.photos.index(0))
        page.grid.selectionModel().select(
            page.photos.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        page.answer(role)
        while page._pending:
            settle(0.2)
    page.grid.setCurrentIndex(page.photos.index(0))
    shot("album")

    window.nav.setCurrentRow(PAGE_TIMELINE)
    dialog = window.actions.organize("the library")
    dialog.destination.setText(str(throwaway / "Pictures"))
    dialog.file_date.setChecked(False)
    dialog.show_plan.click()
    while dialog.plan is None:
        settle(0.2)
    for k in range(min(2, dialog.tree.topLevelItemCount())):
        dialog.tree.topLevelItem(k).setExpanded(True)
    shot("organize", dialog, wait=1.0)
    dialog.reject()

    # Set date taken… for three of the photos without one (All photos > Without a date taken).
    timeline = window.timeline_page
    timeline.show_only.setCurrentIndex(timeline.show_only.count() - 1)
    settle(0.5)
    undated = [p for p in timeline.photos.photos() if not p.taken][:3]
    if undated:
        asked = window.actions.set_date(undated)
        shot("set-date", asked, wait=1.0)
        asked.reject()
    timeline.show_only.setCurrentIndex(0)

    # Edit > History, after the album's answers: what photoorg did, and undo of any of it.
    from photoorg.gui.history import HistoryDialog

    window.dialogs.history()
    while not isinstance(app.activeModalWidget(), HistoryDialog):
        settle(0.2)
    shot("history", app.activeModalWidget(), wait=2.0)
    app.activeModalWidget().reject()

    # Edit > Undo and Redo name what they would do (the album's last answer, here).
    edit = window.undo_action.associatedObjects()[0]
    bar = window.menuBar()
    edit.popup(bar.mapToGlobal(bar.actionGeometry(edit.menuAction()).bottomLeft()))
    settle(1.0)
    image = window.screen().grabWindow(0)  # the whole screen: the menu is a window of its own
    image.save(str(out / f"edit-menu{suffix}.png"))
    print(f"saved {out / 'edit-menu'}{suffix}.png")
    edit.hide()

    # One of the album's photos trashed: the heading links to where it went, with its undo
    # (skipped where the photos cannot be moved, e.g. a read-only folder).
    from photoorg.gui.away import AwayDialog

    window.library.file_action("trash", examples[:1])
    window.show_albums()
    end = time.monotonic() + 60
    while "away" not in page.subheading.text() and time.monotonic() < end:
        settle(0.2)
    if "away" in page.subheading.text():
        away = AwayDialog(page.view, window)
        away.show()
        shot("album-away", away, wait=1.0)
        away.reject()
        said: list[str] = []
        window.library.action_finished.connect(said.append)
        window.library.undo()  # the photo comes back from the trash
        while not any(s.startswith("Undid") for s in said):
            settle(0.2)
    else:
        print("no album-away shot: the photo could not be trashed")
    window.close()


if __name__ == "__main__":
    main()
