"""All photos (the timeline) and Organize… in the window."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from photoorg.core.library import LibraryState
from photoorg.core.pipeline import STAGE_EMBED
from photoorg.gui.app import PAGE_DUPLICATES, PAGE_PROBLEMS, PAGE_TIMELINE, MainWindow
from photoorg.gui.models import BadgeRole, DetailRole, MarkRole, PathRole, PhotoGridModel
from photoorg.gui.organize import OrganizeDialog
from photoorg.gui.timeline import TimelinePage
from tests.core.test_organize import dated
from tests.core.test_videos import mp4
from tests.gui.conftest import TIMEOUT_MS, Dialogs, act_and_wait, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def dated_library(root: Path) -> list[Path]:
    """Photos over two years and three months, one without a date taken, a sidecar."""
    shots = [
        dated(root / "cam" / "a.jpg", 1, "2022:12:24 18:00:00"),
        dated(root / "cam" / "b.jpg", 2, "2023:05:01 10:00:00"),
        dated(root / "cam" / "c.jpg", 3, "2023:05:20 11:00:00"),
        dated(root / "phone" / "d.jpg", 4, "2023:07:04 12:00:00"),
        dated(root / "scans" / "e.jpg", 5, None),
    ]
    (root / "cam" / "b.xmp").write_text("<xmp>5 stars</xmp>")
    march_2021 = datetime(2021, 3, 1, 12).timestamp()
    os.utime(shots[-1], (march_2021, march_2021))  # the scan's file date
    return shots


def test_the_timeline_fills_in_before_the_first_scan_has_embedded_anything(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    root = tmp_path / "Pictures"
    dated_library(root)
    window = open_window(settings_for(root, tiny_model))
    seen: list[tuple[int, str, int]] = []

    duplicates_said: list[str] = []
    nav_said: list[tuple[str, str, bool]] = []
    photos_said: list[tuple[str, str]] = []

    def partial(state: LibraryState) -> None:  # as the window gets it, and what the scan does then
        seen.append((len(state.timeline.photos), window.library.progress.stage, state.photo_count))
        qtbot.wait(1)  # the window has shown it
        duplicates_said.append(window.duplicates_page.reason.text())
        item = window.nav.item(PAGE_DUPLICATES)
        nav_said.append((item.text(), item.toolTip(), window.nav.horizontalScrollBar().isVisible()))
        photos_said.append((window.nav.item(PAGE_TIMELINE).text(), window.nav.item(PAGE_PROBLEMS).text()))

    window.library.partial_state.connect(partial)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as final:
        window.start()
    assert seen, "no partial state reached the window during the scan"
    # First, before the scan: what the catalog had (nothing, the first time).
    assert (seen[0][0], seen[0][2]) == (0, 0) and seen[0][1] != STAGE_EMBED
    during = [s for s in seen if s[1] == STAGE_EMBED]
    assert during, "no partial state reached the window while the scan embedded"
    photos, stage, count = during[0]
    assert photos == count == 5 and stage == STAGE_EMBED  # all five, while embedding had just begun
    assert final.args[0].summary.embedded == 5  # ... and only the full state came after it
    # Meanwhile the duplicates page says the scan is still looking, not "Nothing to review here"
    # (a GUI review found it so during a first scan).
    assert any(t.startswith("The scan is still looking") for t in duplicates_said)
    assert "Nothing to review here." not in duplicates_said
    # ... and so does its count, in a few characters (an app review: "Duplicates (0 so far)"
    # was wider than the list, which scrolled sideways).
    assert ("Duplicates (0…)", "0 so far: the scan is still finding them", False) in nav_said
    # The photos and problems found so far too (a review: "All photos (0)" as the scan began).
    assert ("All photos (5…)", "Problems (0…)") in photos_said
    page = window.timeline_page
    assert window.stack.currentIndex() == PAGE_TIMELINE
    model = page.photos
    rows = [Path(model.index(r, 0).data(PathRole)).name for r in range(model.rowCount())]
    assert rows == ["d.jpg", "c.jpg", "b.jpg", "a.jpg", "e.jpg"]  # newest first; e by its file's date
    assert model.index(0, 0).data(BadgeRole) == "July 2023"  # each month's first photo is labelled
    assert model.index(rows.index("c.jpg"), 0).data(BadgeRole) == "May 2023"
    assert model.index(rows.index("b.jpg"), 0).data(BadgeRole) == ""
    assert model.index(rows.index("e.jpg"), 0).data(DetailRole) == "2021-03-01 · file date"
    assert model.index(rows.index("d.jpg"), 0).data(DetailRole) == "2023-07-04 · 96x72"  # fits a tile
    years = {page.jump.topLevelItem(k).text(0) for k in range(page.jump.topLevelItemCount())}
    assert {"2022", "2023"} <= years
    assert window.nav.item(PAGE_TIMELINE).text() == "All photos (5)"


def on_all_photos(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> tuple[Path, MainWindow, TimelinePage]:
    """The dated library scanned, its window on All photos: (its folder, the window, the page)."""
    root = tmp_path / "Pictures"
    dated_library(root)
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    return root, window, window.timeline_page


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.blake2b(p.read_bytes(), digest_size=8).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_organize_shows_a_plan_unticked_folders_stay_and_undo_puts_everything_back(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    root = tmp_path / "Pictures"
    dated_library(root)
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    before = tree(root)
    dialogs.drive(OrganizeDialog)
    dialog = window.actions.organize("the library")
    dialog.destination.setText(str(root))
    qtbot.mouseClick(dialog.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=TIMEOUT_MS)
    top = {dialog.tree.topLevelItem(k).text(0) for k in range(dialog.tree.topLevelItemCount())}
    # The photo without a date stays in its folder (a review: 149 of 213 photos were planned
    # into one undated/ folder, their folders' names lost), unless the person gathers them.
    assert top == {"2022", "2023"} and "4 photos to move" in dialog.summary.text()
    counts = {dialog.tree.topLevelItem(k).text(0): dialog.tree.topLevelItem(k).text(1) for k in range(2)}
    assert counts == {"2022": "1", "2023": "3"}  # a year counts its months' photos (an app review)
    assert "1 photo stays: without a date taken, where it is." in dialog.summary.text()
    dialog.gather.setChecked(True)
    assert dialog.plan is None and not dialog.go.isEnabled()
    qtbot.mouseClick(dialog.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=TIMEOUT_MS)
    top = {dialog.tree.topLevelItem(k).text(0) for k in range(dialog.tree.topLevelItemCount())}
    assert top == {"2022", "2023", "undated"}
    assert sorted(dialog.ticked_folders()) == ["2022/2022-12", "2023/2023-05", "2023/2023-07", "undated"]
    assert (
        "5 photos to move" in dialog.summary.text()
        and "with 1 sidecar;" in dialog.summary.text()
        and "leave the library" not in dialog.summary.text()
    )
    # Elsewhere, the plan says the photos leave the library (a GUI review found them gone from
    # the timeline, groups and duplicates without a word).
    dialog.destination.setText(str(tmp_path / "Elsewhere"))
    dialog.plan = None
    qtbot.mouseClick(dialog.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=TIMEOUT_MS)
    assert f"5 photos leave the library</b>: {tmp_path / 'Elsewhere'} is not one" in dialog.summary.text()
    assert dialog.go.text() == "Move 5 photos out of the library"  # the button says it too (a review)
    dialog.destination.setText(str(root))
    dialog.plan = None
    qtbot.mouseClick(dialog.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=TIMEOUT_MS)
    # The person leaves 2022 and the undated photo where they are.
    for k in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(k)
        if item.text(0) in ("2022", "undated"):
            item.setCheckState(0, Qt.CheckState.Unchecked)
    assert sorted(dialog.ticked_folders()) == ["2023/2023-05", "2023/2023-07"]
    # said once the ticks are all made (a year's tick changes its months: one summary after them)
    qtbot.waitUntil(lambda: dialog.go.text() == "Move 3 photos", timeout=TIMEOUT_MS)
    assert "2 photos in unticked folders stay where they are." in dialog.summary.text()
    # Asking for the emptied folders to go changes no photo's place: the plan and its ticks
    # stay (a review found the box threw them away), and the summary says they will go.
    assert "\u201cRemove folders the move leaves empty\u201d removes it." in dialog.summary.text()
    dialog.prune.setChecked(True)
    assert dialog.plan is not None and dialog.go.isEnabled() and dialog.go.text() == "Move 3 photos"
    assert sorted(dialog.ticked_folders()) == ["2023/2023-05", "2023/2023-07"]
    # Only phone/ ends empty: scans/ keeps the undated photo left unticked.
    # Named by the part of the path that tells it (an app review: full paths, broken mid-line).
    assert "1 folder is left empty: phone. It is removed afterwards." in dialog.summary.text()
    assert "scans" not in dialog.summary.text()
    said, _state = act_and_wait(qtbot, window, lambda: qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton))
    assert said.startswith("Moved 3 photos (and 1 sidecar with them)")
    assert not (root / "phone").exists()  # emptied by the move, and removed as asked
    after = tree(root)
    assert {"2023/2023-05/b.jpg", "2023/2023-05/b.xmp", "2023/2023-05/c.jpg", "2023/2023-07/d.jpg"} <= set(
        after
    )
    assert "cam/a.jpg" in after and "scans/e.jpg" in after  # unticked: stayed
    said, _state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert tree(root) == before and (root / "phone").is_dir()
    assert dialogs.seen == []


def test_groups_the_person_shapes_stay_shaped_and_undo_takes_it_back(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    state = scan(qtbot, window)
    real = [g for g in state.groups if g.id >= 0]
    assert len(real) >= 2
    a, b = real[0], real[1]
    photo = b.photos[0].path
    act = window.actions

    def members(state: LibraryState, gid: int) -> set[str]:
        return {p.path for g in state.groups if g.id == gid for p in g.photos}

    said, state = act_and_wait(qtbot, window, lambda: act.move_into_group([photo], a))
    assert photo in members(state, a.id) and photo not in members(state, b.id)
    assert said.startswith("Put 1 photo in") and "Edit > Undo" in said
    said, state = act_and_wait(qtbot, window, lambda: act.not_in_group([photo], a))
    assert photo in members(state, -1)  # Unsorted
    said, state = act_and_wait(
        qtbot, window, lambda: window.library.change_groups("merge", a.id, (), b.id, "Merged.")
    )
    assert b.id not in {g.id for g in state.groups} and members(state, a.id) >= {p.path for p in b.photos[1:]}
    # Three undos take the three changes back, newest first.
    for _ in range(3):
        said, state = act_and_wait(qtbot, window, window.undo_action.trigger)
        assert re.match(r"Undid action \d+: the change to the groups", said)
    assert photo in members(state, b.id) and b.id in {g.id for g in state.groups}
    assert dialogs.seen == []


def test_photos_without_a_date_taken_are_said_in_the_jump_list_and_shown_alone(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """A new-user review: 149 photos without a date taken, copied today, were the newest month
    with nothing saying why; months read "Dece…" at 800x600; and a jump to a month whose first
    photo was not in the grid's first column named the month before."""
    root, _window, page = on_all_photos(qtbot, open_window, tmp_path, tiny_model)
    years = {
        page.jump.topLevelItem(k).text(0): page.jump.topLevelItem(k)
        for k in range(page.jump.topLevelItemCount())
    }
    assert [years["2023"].child(k).text(0) for k in range(years["2023"].childCount())] == ["July", "May"]
    scans = years["2021"]  # the scan, by its file's date: said so, in italics
    assert scans.font(0).italic() and "no date taken" in scans.toolTip(0)
    assert not years["2023"].font(0).italic() and not years["2023"].toolTip(0)
    # A jump to May 2023: its first photo is in the top row, beside July's.
    may = years["2023"].child(1)
    page._jump(may, 0)
    assert page.photos.photo(page.grid.currentIndex().row()).path.endswith("c.jpg")
    assert page.heading.text() == "May 2023"
    page._jump(scans.child(0), 0)
    assert page.heading.text() == "March 2021 · by file date"
    # Only the photos without a date taken.
    box = page.show_only
    assert box.isVisible() and box.itemText(box.count() - 1) == "Without a date taken (1)"
    box.setCurrentIndex(box.count() - 1)
    assert [p.path for p in page.photos.photos()] == [str(root / "scans" / "e.jpg")]
    assert page.subheading.text().startswith(
        "1 photo without a date taken · newest first by their file's date"
    )
    assert page.subheading.text().endswith("right-click > Set date taken… gives them one")
    box.setCurrentIndex(0)
    assert page.photos.rowCount() == 5


def test_photos_in_a_library_folder_not_there_are_said_in_all_photos(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """A new-user review: a library folder unplugged took its photos out of every view, said
    only as "1 folder not found" in the status bar."""
    from photoorg.core.settings import Settings

    root = tmp_path / "Pictures"
    dated_library(root)
    folders = [str(root / f) for f in ("cam", "phone", "scans")]
    window = open_window(Settings(folders=folders, model=str(tiny_model), device="cpu"))
    scan(qtbot, window)
    (root / "cam").rename(tmp_path / "cam, on a drive")
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.library.refresh(scan=False)
    assert blocker.args[0].photos_away == 3
    page = window.timeline_page
    assert page.photos.rowCount() == 2
    said = page.subheading.text()
    assert "3 photos in a library folder not connected now, not shown until it is back" in said


def test_set_date_taken_places_a_scan_on_its_date_and_undo_takes_it_back(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """A scanned print without a date taken, given one from the grid's menu: written into its
    XMP sidecar (the photo untouched), the timeline places it there, Edit > Undo takes it back
    and Edit > Redo sets it again."""
    from photoorg.gui.date_dialog import SetDateDialog

    root = tmp_path / "Pictures"
    shots = dated_library(root)
    scan_bytes = shots[-1].read_bytes()
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    page = window.timeline_page
    photos = {os.path.basename(p.path): p for p in page.photos.photos()}
    dialog = window.actions.set_date([photos["e.jpg"], photos["d.jpg"]])  # d.jpg has its own date
    assert isinstance(dialog, SetDateDialog) and dialog.undated == [str(root / "scans" / "e.jpg")]
    intro = dialog.intro.text()
    assert intro.startswith("1 photo without a date taken will be placed on the date you choose")
    assert "The photo itself is not changed" in intro
    assert not dialog.ok.isEnabled()  # it starts from the file's date: only a date chosen is set
    assert intro.endswith("1 photo with a date of its own stays as it is.")
    assert dialog.date.date().year() == 2021  # it starts from where the photo is now (its file's date)
    dialog.known.setCurrentIndex(dialog.known.findData("month"))  # a print known to the month
    assert dialog.date.displayFormat() == "MMMM yyyy" and not dialog.with_time.isEnabled()
    assert dialog.when() == datetime(2021, 3, 1) and dialog.known_to() == "month"
    dialog.known.setCurrentIndex(dialog.known.findData("day"))
    assert dialog.date.maximumDate() == dialog.date.maximumDate().currentDate()  # no date taken to come
    dialog.date.setDate(dialog.date.date().fromString("1987-07-14", "yyyy-MM-dd"))
    dialog.with_time.setChecked(True)
    dialog.time.setTime(dialog.time.time().fromString("10:05", "HH:mm"))
    said, state = act_and_wait(qtbot, window, dialog.ok.click)
    assert said == "Dated 1 photo 14 July 1987, 10:05 (in its XMP sidecar). Edit > Undo takes it back."
    scanned = next(p for p in state.timeline.photos if p.path.endswith("e.jpg"))
    assert scanned.taken == "1987-07-14T10:05:00" and scanned.taken_from == "e.jpg.xmp"
    assert shots[-1].read_bytes() == scan_bytes and (root / "scans" / "e.jpg.xmp").exists()
    years = [page.jump.topLevelItem(k).text(0) for k in range(page.jump.topLevelItemCount())]
    assert "1987" in years and "2021" not in years
    said, state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert said.startswith("Undid action 1: the date change (set the date taken to 14 July 1987, 10:05)")
    scanned = next(p for p in state.timeline.photos if p.path.endswith("e.jpg"))
    assert scanned.taken is None and not (root / "scans" / "e.jpg.xmp").exists()
    # Edit > Redo sets it again (it said "set it again by hand"), as a new action.
    assert window.redo_action.isEnabled()
    assert window.redo_action.text() == "&Redo: set the date taken to 14 July 1987, 10:05"
    said, state = act_and_wait(qtbot, window, window.redo_action.trigger)
    assert said == "Set the date taken to 14 July 1987, 10:05 again (1 photo): action 2.", said
    scanned = next(p for p in state.timeline.photos if p.path.endswith("e.jpg"))
    assert scanned.taken == "1987-07-14T10:05:00" and (root / "scans" / "e.jpg.xmp").exists()


def test_the_date_dialog_counts_the_photos_it_leaves_alone(qtbot: QtBot, tmp_path: Path) -> None:
    """Found by a new-user review: a photo in a protected folder was promised the date, then
    left alone ("Left 1 photo alone (in a protected folder…)")."""
    from types import SimpleNamespace

    from photoorg.gui.date_dialog import SetDateDialog

    def photo(path: Path, taken: str | None = None, source: str | None = None, known: str | None = None):
        return SimpleNamespace(path=str(path), taken=taken, taken_from=source, taken_known=known, mtime_ns=0)

    archive = tmp_path / "archive"
    photos = [
        photo(tmp_path / "scan.jpg"),
        photo(archive / "old.jpg"),
        photo(tmp_path / "cam.jpg", "2019-01-01T10:00:00"),
    ]
    dialog = SetDateDialog(None, photos, [str(archive)])
    qtbot.addWidget(dialog)
    assert dialog.undated == [str(tmp_path / "scan.jpg")]
    assert dialog.intro.text().endswith(
        "1 photo with a date of its own and 1 photo in a protected folder stay as they are."
    )
    only_kept = SetDateDialog(None, photos[1:], [str(archive)])
    qtbot.addWidget(only_kept)
    assert only_kept.intro.text().startswith("Nothing to date:") and only_kept.undated == []
    only_kept.date.setDate(only_kept.date.date().addDays(-1))
    assert not only_kept.ok.isEnabled()
    # A print dated to the year alone starts at its year, "the year only" chosen (a review).
    year_only = SetDateDialog(
        None, [photo(tmp_path / "print.jpg", "1975-01-01T00:00:00", "print.jpg.xmp", "year")]
    )
    qtbot.addWidget(year_only)
    assert year_only.known_to() == "year" and year_only.date.displayFormat() == "yyyy"
    assert year_only.when() == datetime(1975, 1, 1)


def test_the_date_dialog_keeps_a_time_of_day_given_and_none_of_a_copy(qtbot: QtBot, tmp_path: Path) -> None:
    """A review: a photo dated 14:30 in its sidecar, dated again, lost its time (the box started
    unticked); a photo placed by its copy's date offered the minute of the copy as the time."""
    from types import SimpleNamespace

    from photoorg.gui.date_dialog import SetDateDialog
    from photoorg.gui.models import photo_tooltip

    def photo(name: str, taken: str | None, source: str | None, mtime: datetime):
        return SimpleNamespace(
            path=str(tmp_path / name), taken=taken, taken_from=source, taken_known=None,
            mtime_ns=int(mtime.timestamp() * 1e9), width=10, height=10, size=100, camera=None,
        )  # fmt: skip

    copied = datetime(2024, 5, 3, 18, 44)
    timed = SetDateDialog(None, [photo("a.jpg", "1999-08-01T14:30:00", "a.jpg.xmp", copied)])
    qtbot.addWidget(timed)
    assert timed.with_time.isChecked() and timed.time.time().toString("HH:mm") == "14:30"
    assert timed.when() == datetime(1999, 8, 1, 14, 30)
    day = photo("b.jpg", "1987-07-14T00:00:00", "b.jpg.xmp", copied)  # a day, no time of day
    day_only = SetDateDialog(None, [day])
    qtbot.addWidget(day_only)
    assert not day_only.with_time.isChecked() and day_only.when() == datetime(1987, 7, 14)
    assert "taken 1987-07-14 (from b.jpg.xmp)" in photo_tooltip(day).splitlines()  # no "00:00:00"
    by_copy = SetDateDialog(None, [photo("c.jpg", None, None, copied)])
    qtbot.addWidget(by_copy)
    assert not by_copy.with_time.isChecked()
    by_copy.with_time.setChecked(True)
    assert by_copy.time.time().toString("HH:mm") == "12:00" and by_copy.ok.isEnabled()


def test_organize_takes_what_all_photos_shows_and_says_so(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """An app review: a year clicked in the jump list selected a photo, and Organize… then
    planned for that one; narrowed to the photos without a date, it planned for the whole
    library; only the window title said which."""
    from photoorg.gui.timeline import UNDATED

    root, window, page = on_all_photos(qtbot, open_window, tmp_path, tiny_model)
    assert page.organize_button.text() == "Organize…" and page.organize_scope() == ("the library", None)
    page._jump(page.jump.topLevelItem(0), 0)  # a year clicked: the view goes there, nothing selected
    assert not page.grid.selectedIndexes() and page.organize_scope()[1] is None
    page.show_only.setCurrentIndex(page.show_only.findData(UNDATED))
    qtbot.waitUntil(lambda: page.photos.rowCount() == 1, timeout=TIMEOUT_MS)
    assert page.organize_button.text() == "Organize the 1 shown…"
    dialogs.drive(OrganizeDialog)
    page.organize_button.click()
    dialog = window.findChild(OrganizeDialog)
    assert dialog is not None and dialog.windowTitle() == "Organize the 1 photo shown"
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "The 1 photo shown" in labels  # said in the dialog, not the title bar alone
    dialog.gather.setChecked(True)
    qtbot.mouseClick(dialog.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=TIMEOUT_MS)
    assert [p.photo.path for p in dialog.plan.moving()] == [str(root / "scans" / "e.jpg")]
    dialog.reject()
    page.grid.selectAll()
    assert page.organize_button.text() == "Organize 1 selected…"
    # Copy into the library (the destination it offers): every copy a duplicate, said; the
    # rest gathered, as the box now shows (it was unticked and greyed).
    whole = window.actions.organize("the library")
    whole.destination.setText(str(root))
    whole.copy.setChecked(True)
    assert whole.gather.isChecked() and not whole.gather.isEnabled()
    qtbot.mouseClick(whole.show_plan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: whole.plan is not None, timeout=TIMEOUT_MS)
    assert "5 photos will be in the library twice</b>" in whole.summary.text()
    whole.copy.setChecked(False)
    assert not whole.gather.isChecked() and whole.gather.isEnabled()  # the person's choice back
    whole.reject()


def test_a_live_photo_is_one_tile_marked_live_and_its_trash_takes_the_video_back_with_undo(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """A review: a phone's Live Photo was two tiles in All photos (its video placed apart, by its
    own date), and trashing the photo left the video behind as a tile of its own."""
    root, window, page = on_all_photos(qtbot, open_window, tmp_path, tiny_model)
    still = root / "phone" / "d.jpg"
    mp4(root / "phone" / "d.MOV", None)  # no date of its own: by its file's date, today
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        window.library.refresh()
    model = page.photos
    paths = [p.path for p in model.photos()]
    assert len(paths) == 5 and str(root / "phone" / "d.MOV") not in paths
    assert window.nav.item(PAGE_TIMELINE).text().startswith("All photos (5)")
    row = paths.index(str(still))
    assert model.index(row, 0).data(MarkRole) == "LIVE"
    assert model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole).endswith("Live Photo, with its video d.MOV")
    assert model.index(paths.index(str(root / "cam" / "a.jpg")), 0).data(MarkRole) == ""
    # Marked in any grid: an album's suggestions, a group (a new-user review: All photos only)
    other = PhotoGridModel(window.thumbnails)
    other.set_photos([model.photo(row), model.photo(paths.index(str(root / "cam" / "a.jpg")))])
    assert [other.index(k, 0).data(MarkRole) for k in range(2)] == ["LIVE", ""]
    page.filter.setText("d.mov")  # the video's name finds its photo
    qtbot.waitUntil(lambda: [p.path for p in model.photos()] == [str(still)], timeout=TIMEOUT_MS)
    page.filter.setText("")
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=TIMEOUT_MS)
    row = [p.path for p in model.photos()].index(str(still))

    dialogs.accept_next()
    said, state = act_and_wait(qtbot, window, lambda: window.actions.trash_photos([model.photo(row)]))
    assert dialogs.seen[-1].startswith("Trash photos: Move 1 photo (")
    assert "Its Live Photo video goes with it. Edit > Undo brings it back." in dialogs.seen[-1]
    assert said == "Moved 1 photo to the trash (and 1 Live Photo video with it). Edit > Undo puts them back."
    assert not still.exists() and not (root / "phone" / "d.MOV").exists() and state.photo_count == 4
    said, state = act_and_wait(qtbot, window, window.library.undo)
    assert still.exists() and (root / "phone" / "d.MOV").exists() and state.photo_count == 5
    assert state.timeline.live[str(still)].path == str(root / "phone" / "d.MOV")


def test_after_a_trash_the_photo_in_its_place_is_current_and_chosen(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """A new-user review: after Delete in All photos no photo was current, and the arrow keys
    began again at the newest photo, the place lost in a culling session."""
    _root, window, page = on_all_photos(qtbot, open_window, tmp_path, tiny_model)
    grid, model = page.grid, page.photos
    paths = [p.path for p in model.photos()]
    grid.setCurrentIndex(model.index(2, 0))
    dialogs.accept_next()
    act_and_wait(qtbot, window, lambda: window.actions.trash_selected(grid))
    assert [p.path for p in model.photos()] == paths[:2] + paths[3:]
    assert grid.currentIndex().row() == 2 and window.actions.selected_photos(grid)[0].path == paths[3]
    # A block trashed, the current photo last in it: the photo after the block (a hostile review:
    # the one two rows further, in the old row's place)
    selection = grid.selectionModel()
    selection.select(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    selection.select(model.index(1, 0), QItemSelectionModel.SelectionFlag.Select)
    selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.Select)
    dialogs.accept_next()
    act_and_wait(qtbot, window, lambda: window.actions.trash_selected(grid))
    assert [p.path for p in model.photos()] == paths[3:]
    assert grid.currentIndex().row() == 0 and window.actions.selected_photos(grid)[0].path == paths[3]
