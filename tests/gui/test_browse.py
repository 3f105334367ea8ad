"""Browsing the groups as users of photo browsers expect (issue 13): the filter narrows the group
list too and counts what matches, the grid sorts by date, name, size or folder, a slider sizes
the thumbnails, and the status bar neither jumps nor keeps old messages."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.gui import app as app_module
from photoorg.gui.app import PAGE_GROUPS, PAGE_LIBRARY, PAGE_TIMELINE, MainWindow
from photoorg.gui.models import PathRole, PhotoRole
from tests.gui.conftest import TIMEOUT_MS, Dialogs, act_and_wait, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def grid_photos(window: MainWindow) -> list:
    model = window.groups_page.grid.model()
    return [model.index(r, 0).data(PhotoRole) for r in range(model.rowCount())]


def test_the_filter_narrows_the_groups_and_counts_what_matches_and_the_grid_sorts(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    state = scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_GROUPS)
    page = window.groups_page
    real = [g for g in state.groups if g.id is not None and g.id >= 0 and g.size >= 2]
    assert real, "the tiny model groups these photos"
    target = real[0]
    wanted = target.photos[-1]
    stem = Path(wanted.path).stem
    everything = page.groups.rowCount()

    page.filter.setFocus()
    qtbot.keyClicks(page.filter, stem)
    qtbot.waitUntil(lambda: page.groups.rowCount() == 1, timeout=TIMEOUT_MS)
    row = page.groups.index(0)
    assert page.groups.group(0).id == target.id
    assert f"1 of {target.size} photos" in row.data(Qt.ItemDataRole.DisplayRole)
    assert page.subheading.text().startswith(f"1 of {target.size} photos match")
    assert [p.path for p in grid_photos(window)] == [wanted.path]

    qtbot.keyClicks(page.filter, "-no-such-photo")
    qtbot.waitUntil(lambda: page.groups.rowCount() == 0, timeout=TIMEOUT_MS)
    assert "No group has a photo" in page.subheading.text() and grid_photos(window) == []
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)  # cleared: every group, counted as before
    qtbot.waitUntil(lambda: page.groups.rowCount() == everything, timeout=TIMEOUT_MS)
    assert " of " not in page.groups.index(0).data(Qt.ItemDataRole.DisplayRole)

    # The order of the grid, for the group shown.
    rows = page.groups.row_of(target.id)
    page.group_list.setCurrentIndex(page.groups.index(rows))
    typical = [p.path for p in grid_photos(window)]
    assert typical == [p.path for p in target.photos]  # as grouped: the most typical first
    for key, check in (
        (
            "name",
            lambda ps: [os.path.basename(p.path) for p in ps] == sorted(os.path.basename(p.path) for p in ps),
        ),
        ("size", lambda ps: [p.size for p in ps] == sorted((p.size for p in ps), reverse=True)),
        (
            "folder",
            lambda ps: [os.path.dirname(p.path) for p in ps] == sorted(os.path.dirname(p.path) for p in ps),
        ),
    ):
        page.order.setCurrentIndex(page.order.findData(key))
        shown = grid_photos(window)
        assert sorted(p.path for p in shown) == sorted(typical) and check(shown), key
    page.order.setCurrentIndex(page.order.findData("typical"))
    assert [p.path for p in grid_photos(window)] == typical


def test_find_by_name_or_folder_filters_all_photos_and_stays_on_groups_there(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path
) -> None:
    """An app review: Edit > Find by name or folder (Ctrl+F) always went to Groups, whose filter
    sees only the grouped photos; All photos had no filter at all."""
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    state = scan(qtbot, window)
    [find] = [a for a in window.undo_action.associatedObjects()[0].actions() if a.text().startswith("&Find")]
    window.nav.setCurrentRow(PAGE_TIMELINE)
    find.trigger()
    page = window.timeline_page
    assert window.nav.currentRow() == PAGE_TIMELINE and page.filter.hasFocus()
    wanted = sorted(p.path for p in state.timeline.photos)[3]
    stem = Path(wanted).stem
    qtbot.keyClicks(page.filter, stem)
    qtbot.waitUntil(lambda: page.photos.rowCount() == 1, timeout=TIMEOUT_MS)
    assert page.photos.index(0, 0).data(PhotoRole).path == wanted
    assert page.subheading.text().startswith(f"1 photo whose name or folder holds \u201c{stem}\u201d")
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)  # cleared: every photo again
    qtbot.waitUntil(lambda: page.photos.rowCount() == len(state.timeline.photos), timeout=TIMEOUT_MS)
    # The folders above the library folder are not matched (an app review: "anna" matched every
    # photo in /home/anna/Pictures); the library folder's own name is.
    qtbot.keyClicks(page.filter, grouped_library.parent.name)
    qtbot.waitUntil(lambda: page.photos.rowCount() == 0, timeout=TIMEOUT_MS)
    assert page.subheading.text().startswith("No photos whose name or folder holds")
    page.filter.setText(grouped_library.name)
    qtbot.waitUntil(lambda: page.photos.rowCount() == len(state.timeline.photos), timeout=TIMEOUT_MS)
    window.groups_page.filter.setText(grouped_library.parent.name)
    qtbot.waitUntil(lambda: window.groups_page.groups.rowCount() == 0, timeout=TIMEOUT_MS)
    window.groups_page.filter.clear()
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)
    # Filtered from further down, the photos found are shown from the first (an app review: the
    # view stayed scrolled to the bottom, its first row cut).
    page.grid.scrollToBottom()
    qtbot.keyClicks(page.filter, "2025")
    qtbot.waitUntil(lambda: page.photos.rowCount() == 10, timeout=TIMEOUT_MS)
    assert page.grid.verticalScrollBar().value() == 0
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.photos.rowCount() == len(state.timeline.photos), timeout=TIMEOUT_MS)
    window.nav.setCurrentRow(PAGE_GROUPS)
    find.trigger()
    assert window.nav.currentRow() == PAGE_GROUPS and window.groups_page.filter.hasFocus()
    # The status line after the first scan says how long embedding took; after a rescan that
    # embedded nothing (a copy's vector is its original's) it says nothing of it (an app review
    # read "0 embedded in 0:00").
    shutil.copy2(wanted, grouped_library / "a copy.jpg")
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as again:
        window.library.refresh(scan=True)
    assert (again.args[0].summary.embedded, again.args[0].summary.reused) == (0, 1)
    assert "embedded in" not in window.status.text() and "photos" in window.status.text()
    # The Library page says what the library is, not the status bar's line again (an app review).
    assert window.library_page.summary.text() == "1 folder · 21 photos"


def test_the_thumbnail_slider_and_a_status_bar_that_does_not_jump(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    grid, slider = window.timeline_page.grid, window.thumb_slider
    assert slider.isVisible() and slider.value() == grid.delegate.thumb
    before = grid.delegate.cell().width()
    slider.setValue(slider.value() + 60)
    assert grid.delegate.thumb == slider.value() and grid.delegate.cell().width() == before + 60
    grid.zoom(-1)  # Ctrl+wheel: the slider follows
    assert slider.value() == grid.delegate.thumb
    # The columns share the width: as much room left of the first photo as right of the last
    # (a review: two columns, and 110 pixels of nothing on the right).
    rects = [grid.visualRect(grid.model().index(i, 0)) for i in range(grid.model().rowCount())]
    row = [r for r in rects if r.top() == rects[0].top()]
    right = grid.viewport().width() - row[-1].right()
    assert abs(right - row[0].left()) <= grid.verticalScrollBar().sizeHint().width() + len(row)
    window.nav.setCurrentRow(PAGE_LIBRARY)
    assert not slider.isVisible()  # no thumbnails there

    bar = window.statusBar()
    height = bar.height()
    window.progress_line.set_busy(True)  # the progress bar and Cancel appear
    QApplication.processEvents()
    assert bar.height() == height
    monkeypatch.setattr(app_module, "MESSAGE_MS", 300)
    window.tell("Moved 1 photo to the trash.")
    QApplication.processEvents()
    assert bar.currentMessage() == "Moved 1 photo to the trash." and bar.height() == height
    window.progress_line.set_busy(False)
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=TIMEOUT_MS)  # it expires
    assert bar.height() == height


def test_a_start_shows_the_last_groups_at_once_before_the_scan_is_done(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path
) -> None:
    first = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    state = scan(qtbot, first)
    before = {g.id: sorted(p.path for p in g.photos) for g in state.groups}
    assert any(gid >= 0 for gid in before)
    first.close()

    again = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    seen: list[tuple[dict[int, list[str]], int, bool]] = []

    def shown(partial: object) -> None:  # the window has applied it when this runs
        groups = partial.groups  # type: ignore[attr-defined]
        seen.append(
            (
                {g.id: sorted(p.path for p in g.photos) for g in groups},
                again.groups_page.groups.rowCount(),
                bool(again.library.state.groups),
            )
        )

    again.library.partial_state.connect(shown)
    with qtbot.waitSignal(again.library.state_changed, timeout=TIMEOUT_MS):
        again.start()
    assert seen, "nothing was shown before the scan was done"
    groups, rows, finished = seen[0]
    assert not finished and groups == before and rows == len(before)  # the same groups, same ids
    assert again.nav.item(PAGE_GROUPS).text() != "Groups (0)"


def test_a_library_without_groups_says_why_over_its_unsorted_photos(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Found by a review: Groups (0) showed Unsorted alone, with no word on why."""
    from tests.conftest import make_photo

    root = tmp_path / "Pictures"
    for i in range(3):
        make_photo(root / f"p{i}.jpg", seed=i, size=(64, 48))
    window = open_window(settings_for(root, tiny_model))
    state = scan(qtbot, window)
    assert [g.id for g in state.groups] == [-1]  # three photos: Unsorted only
    window.nav.setCurrentRow(PAGE_GROUPS)
    said = window.groups_page.subheading.text()
    assert said.startswith("3 photos · no group yet: a group forms where several photos are alike"), said


def test_a_group_mosaic_of_fewer_than_four_photos_fills_its_square(qapp) -> None:
    """An app review: a group narrowed by the filter to one photo showed it in one quarter of
    its square, beside three empty dark tiles."""
    from PySide6.QtGui import QColor, QPixmap

    from photoorg.gui.thumbnails import mosaic

    def plain(colour: str) -> QPixmap:
        pm = QPixmap(40, 30)
        pm.fill(QColor(colour))
        return pm

    def colour_at(pm: QPixmap, x: int, y: int) -> str:
        return pm.toImage().pixelColor(x, y).name()

    one = mosaic([plain("#ff0000")], 100)
    assert {colour_at(one, x, y) for x in (10, 90) for y in (10, 90)} == {"#ff0000"}
    two = mosaic([plain("#ff0000"), plain("#0000ff")], 100)
    assert [colour_at(two, 10, 90), colour_at(two, 90, 10), colour_at(two, 90, 90)] == [
        "#ff0000",
        "#0000ff",
        "#0000ff",
    ]
    three = mosaic([plain("#ff0000"), plain("#00ff00"), plain("#0000ff")], 100)
    assert [colour_at(three, 10, 90), colour_at(three, 90, 10), colour_at(three, 90, 90)] == [
        "#ff0000", "#00ff00", "#0000ff",
    ]  # fmt: skip
    four = mosaic([plain(c) for c in ("#ff0000", "#00ff00", "#0000ff", "#ffff00")], 100)
    assert [colour_at(four, x, y) for y in (10, 90) for x in (10, 90)] == [
        "#ff0000",
        "#00ff00",
        "#0000ff",
        "#ffff00",
    ]


def test_a_menu_of_many_groups_lists_the_largest_and_finds_any_other(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new-user review: "Put in the group" and "Merge into" listed every group in one flat
    submenu, unusable with hundreds of groups."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

    from photoorg.gui.photo_actions import LISTED, choices

    parent = QWidget()
    qtbot.addWidget(parent)
    groups = [SimpleNamespace(label=f"Group {k}", photos=[None] * (50 - k)) for k in range(40)]
    picked: list[object] = []
    menu = QMenu("Merge into", parent)
    choices(menu, groups, picked.append, parent)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    entries = [f"Group {k} · {50 - k} photos" for k in range(40)]  # with their sizes (a review)
    assert texts[:LISTED] == entries[:LISTED] and len(texts) == LISTED + 1
    assert texts[-1] == f"Another group… ({40 - LISTED} more)"
    asked: list[list[str]] = []

    def answer(_parent, _title, _label, labels, *_a):  # type: ignore[no-untyped-def]
        asked.append(labels)
        return "Group 33 · 17 photos", True

    monkeypatch.setattr(QInputDialog, "getItem", answer)
    menu.actions()[-1].trigger()
    assert picked == [groups[33]] and asked == [entries]
    few = QMenu("Merge into", parent)
    choices(few, groups[:3], picked.append, parent)
    assert [a.text() for a in few.actions()] == entries[:3]
    # A name with "&" reads as it is, not as a shortcut key (a review: "Cats _Dogs").
    named = QMenu("Merge into", parent)
    choices(named, [SimpleNamespace(label="Cats & Dogs", photos=[None] * 3)], picked.append, parent)
    assert [a.iconText() for a in named.actions()] == ["Cats & Dogs · 3 photos"]


def test_after_a_trash_in_a_group_the_photo_after_it_is_current_and_chosen(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """As in All photos (a new-user review: after Delete, the place in the grid was lost)."""
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_GROUPS)
    page = window.groups_page
    biggest = max(range(page.groups.rowCount()), key=lambda r: page.groups.group(r).size)
    page.group_list.setCurrentIndex(page.groups.index(biggest))
    grid = page.grid
    assert grid.model().rowCount() >= 3
    paths = [grid.model().index(r, 0).data(PathRole) for r in range(grid.model().rowCount())]
    grid.setCurrentIndex(grid.model().index(1, 0))
    dialogs.accept_next()
    act_and_wait(qtbot, window, lambda: window.actions.trash_selected(grid))
    now = [grid.model().index(r, 0).data(PathRole) for r in range(grid.model().rowCount())]
    assert paths[1] not in now and grid.currentIndex().data(PathRole) == paths[2]
    assert [p.path for p in window.actions.selected_photos(grid)] == [paths[2]]
    # A filter that hides the current photo chooses none in its place (a hostile review)
    grid.selectionModel().clearSelection()
    page.filter.setText(os.path.basename(paths[0]))
    qtbot.waitUntil(lambda: grid.model().rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.actions.selected_photos(grid) == []


def test_in_a_find_similar_view_a_trash_keeps_the_place_and_a_filter_chooses_nothing(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """A hostile review: after a trash in a "find similar" view no photo was current; and
    typing a filter that hid the current photo chose another one the person never chose."""
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    scan(qtbot, window)
    target = sorted(grouped_library.rglob("*.jpg"))[0]
    with qtbot.waitSignal(window.library.similar_found, timeout=TIMEOUT_MS):
        window.find_similar(str(target))
    page, grid = window.groups_page, window.groups_page.grid
    paths = [grid.model().index(r, 0).data(PathRole) for r in range(grid.model().rowCount())]
    grid.setCurrentIndex(grid.model().index(1, 0))
    dialogs.accept_next()
    act_and_wait(qtbot, window, lambda: window.actions.trash_selected(grid))
    assert grid.currentIndex().data(PathRole) == paths[2]
    assert [p.path for p in window.actions.selected_photos(grid)] == [paths[2]]
    grid.selectionModel().clearSelection()
    page.filter.setText(os.path.basename(paths[3]))  # hides the current photo
    qtbot.waitUntil(lambda: grid.model().rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.actions.selected_photos(grid) == []
