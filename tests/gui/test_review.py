"""Reviewing in the main window: the Delete key and the decisions in a duplicate set, dropped
folders, find similar and the preview, protected folders, moving a group.

Each test drives a real window (and its engine process) on small generated photos.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.core.duplicates import Verdict
from photoorg.core.humanize import human_bytes
from photoorg.core.paths import Locations
from photoorg.core.settings import Settings, load_settings, settings_path
from photoorg.gui.app import PAGE_DUPLICATES, PAGE_GROUPS, PAGE_LIBRARY, MainWindow
from photoorg.gui.library import LibraryState
from photoorg.gui.models import BadgeRole, DetailRole, PathRole
from photoorg.gui.preview import PreviewDialog
from tests.conftest import make_photo
from tests.gui.conftest import (
    TIMEOUT_MS,
    Dialogs,
    act_and_wait,
    click,
    click_checkbox,
    scan,
    settings_for,
    trash_files,
)

OpenWindow = Callable[..., MainWindow]
SMALL = (160, 120)


# -- helpers ---------------------------------------------------------------------------------------
def photos(folder: Path, seeds: range, prefix: str = "img") -> list[Path]:
    """Distinct small JPEGs, ``img_<seed>.jpg``."""
    return [make_photo(folder / f"{prefix}_{s:03d}.jpg", seed=s, size=SMALL, quality=90) for s in seeds]


def copy_to(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return target


def exact_sets(state: LibraryState) -> list[list[str]]:
    return sorted(sorted(p.path for p in s.photos) for s in state.sets if s.verdict is Verdict.EXACT)


def protect(qtbot: QtBot, window: MainWindow, folder: Path, column: int = 2) -> None:
    """Tick "Protected" (column 3: "Preferred") for a folder on the Library page, as a person
    would, and wait for the regroup."""
    folders = window.library_page.folders
    [item] = [
        folders.topLevelItem(k)
        for k in range(folders.topLevelItemCount())
        if folders.topLevelItem(k).data(0, Qt.ItemDataRole.UserRole) == str(folder)
    ]
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        item.setCheckState(column, Qt.CheckState.Checked)


def show_exact_set(qtbot: QtBot, window: MainWindow, member: Path) -> list[str]:
    """Open Duplicates > Exact copies and click the set that holds ``member``; its paths, keeper first."""
    nav = window.nav
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(PAGE_DUPLICATES)).center()
    )
    page = window.duplicates_page
    assert window.stack.currentWidget() is page
    qtbot.mouseClick(page.tabs, Qt.MouseButton.LeftButton, pos=page.tabs.tabRect(0).center())
    assert page.tabs.tabData(page.tabs.currentIndex()) == "exact"
    [row] = [
        r
        for r in range(page.sets.rowCount())
        if str(member) in {p.path for p in page.sets.duplicate_set(r).photos}
    ]
    click(qtbot, page.set_list, page.sets.index(row))
    return [p.path for p in page.members.photos()]


def grid_paths(window: MainWindow) -> list[str]:
    model = window.groups_page.grid.model()
    return [model.index(r, 0).data(PathRole) for r in range(model.rowCount())]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- 1. reviewing exact copies: Delete, "Not duplicates", "Keep all" -------------------------------
def test_review_exact_copies_decisions_are_remembered_by_content(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    root = tmp_path / "Pictures"
    a, b, _ = photos(root / "2023", range(3))
    a_copy = copy_to(a, root / "backup" / "a copy.jpg")
    b_copies = [copy_to(b, root / "backup" / b.name), copy_to(b, root / "old" / "b copy.jpg")]
    before = snapshot(root)
    settings = settings_for(root, tiny_model)
    window = open_window(settings)
    state = scan(qtbot, window)
    a_set, b_set = sorted([str(a), str(a_copy)]), sorted(str(p) for p in [b, *b_copies])
    assert exact_sets(state) == sorted([a_set, b_set])
    page = window.duplicates_page
    grid, model = page.grid, page.members

    # The set of b: the keeper is checked, its two copies are not.
    members = show_exact_set(qtbot, window, b)
    assert len(members) == 3 and model.unchecked() == members[1:]
    # Side by side in this small window (800x600): the thumbnails shrink to fit two in a row.
    assert window.width() <= 800
    qtbot.wait(50)  # laid out
    first, second = grid.visualRect(model.index(0)), grid.visualRect(model.index(1))
    assert second.top() == first.top() and second.left() > first.left(), (first, second)
    assert second.right() < grid.viewport().width()
    # Keep the second copy too, then select it and press Delete: it is unchecked again.
    click_checkbox(qtbot, grid, model.index(1))
    assert model.unchecked() == members[2:]
    click(qtbot, grid, model.index(1))
    assert grid.selected_paths() == [members[1]]
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert model.unchecked() == members[1:]
    assert page.trash_button.isEnabled() and page.trash_button.text().startswith("Trash 2 unchecked")
    # The keeper can be unchecked too, but then every copy would go: Trash is disabled.
    click(qtbot, grid, model.index(0))
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert model.unchecked() == members
    assert not page.trash_button.isEnabled()
    assert not page.bulk_button.isEnabled()
    # ... and says why; nothing of the set counts as freed (an app review: greyed without a
    # word, while the totals counted the whole set).
    assert page.trash_button.text() == "Check a photo to keep"
    assert "a set never loses every copy" in page.trash_button.toolTip()
    assert page.to_free() == a_copy.stat().st_size  # only the other set's unchecked copy
    qtbot.mouseClick(page.trash_button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert dialogs.seen == [] and snapshot(root) == before

    # They are duplicates, but all of them stay: "Keep all".
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.keep_both_button, Qt.MouseButton.LeftButton)
    )
    assert said == "Keep all: remembered for 3 photos. Edit > Undo brings the set back."
    assert exact_sets(state) == [a_set]
    assert page.sets.rowCount() == 1 and page.tabs.tabText(0) == "Exact copies (1)"

    # The set of a: the same bytes are duplicates, so "Not duplicates" is not offered; "Keep both".
    show_exact_set(qtbot, window, a)
    assert not page.not_dup_button.isEnabled() and page.keep_both_button.text() == "Keep both"
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.keep_both_button, Qt.MouseButton.LeftButton)
    )
    assert said == "Keep both: remembered for 2 photos. Edit > Undo brings the set back."
    assert exact_sets(state) == []
    assert page.tabs.tabText(0) == "Exact copies (0)"
    # A decision made by mistake is taken back like any action: the set is proposed again.
    said, state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert re.match(r"Undid action \d+: the decision about a duplicate set \(keep both: ", said)
    assert exact_sets(state) == [a_set] and page.tabs.tabText(0) == "Exact copies (1)"
    show_exact_set(qtbot, window, a)
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.keep_both_button, Qt.MouseButton.LeftButton)
    )
    assert exact_sets(state) == []
    assert snapshot(root) == before  # a decision touches no file
    window.close()

    # A new window on the same home, after a copy was renamed: neither set is proposed again.
    a_renamed = a_copy.rename(a_copy.with_name("renamed.jpg"))
    again = open_window(settings)
    state = scan(qtbot, again)
    assert state.photo_count == 6
    assert exact_sets(state) == []
    # Counted: the copies and re-saves; similar shots (different photos, all kept) apart.
    similar = sum(1 for s in state.sets if s.verdict.value == "similar")
    assert again.nav.item(PAGE_DUPLICATES).text() == f"Duplicates ({len(state.sets) - similar})"
    assert again.duplicates_page.tabs.tabText(0) == "Exact copies (0)"
    assert a_renamed.read_bytes() == before[str(a)]
    assert dialogs.seen == []


# -- 2. dropping folders ---------------------------------------------------------------------------
def drop(window: MainWindow, path: Path) -> tuple[bool, bool]:
    """Drag ``path`` over the window and drop it there; (drag accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return enter.isAccepted(), event.isAccepted()


def test_dropping_a_folder_adds_and_scans_it_a_file_adds_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    tiny_model: Path,
    where: Locations,
    dialogs: Dialogs,
) -> None:
    root = tmp_path / "Dropped"
    [first, *_] = photos(root, range(4))
    window = open_window(Settings(model=str(tiny_model), device="cpu"))
    window.start()
    assert window.stack.currentWidget() is window.library_page
    busy: list[bool] = []
    window.library.busy_changed.connect(busy.append)
    saved = settings_path(where).read_text()

    # A file is not a folder of photos: nothing is added, nothing scans.
    drag_ok, _ = drop(window, first)
    qtbot.wait(200)
    assert not drag_ok
    assert window.library.settings.folders == []
    assert settings_path(where).read_text() == saved
    assert busy == [] and window.library_page.folders.topLevelItemCount() == 0

    # The folder is added, saved and scanned; its photos are shown.
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        drag_ok, _ = drop(window, root)
    assert drag_ok
    state: LibraryState = blocker.args[0]
    assert state.summary is not None  # a scan, not only a regroup
    assert state.photo_count == 4
    assert load_settings(where).folders == [str(root)]
    item = window.library_page.folders.topLevelItem(0)
    assert (item.text(0), item.text(1)) == (str(root), "4")
    assert sorted(p.path for g in state.groups for p in g.photos) == sorted(str(p) for p in root.iterdir())

    # The same folder again, or one inside it, is already in the library.
    busy.clear()
    (root / "inside").mkdir()
    drop(window, root)
    drop(window, root / "inside")
    qtbot.wait(200)
    assert busy == []
    assert load_settings(where).folders == [str(root)]
    assert dialogs.seen == []

    # Remove from library asks first (an app review: it went at once, with no undo); Cancel
    # keeps the folder, the action takes it out, its photos untouched.
    page = window.library_page
    window.library.change_settings(lambda s: s.set_protected(str(root / "inside"), True))
    page.folders.setCurrentItem(page.folders.topLevelItem(0))
    page.remove_button.click()
    assert dialogs.seen[-1].startswith(f"Remove from library: Take {root} out of the library? Its photos (4)")
    assert dialogs.seen[-1].endswith(
        f" {root / 'inside'} will no longer be protected, also once the folder is added again."
    )
    assert load_settings(where).folders == [str(root)]
    dialogs.accept_next()
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        page.remove_button.click()
    assert load_settings(where).folders == [] and len(list(root.glob("*.jpg"))) == 4


# -- 3. find similar, the preview of what it found, and back ---------------------------------------
def test_find_similar_lists_the_others_closest_first_the_preview_walks_them_then_back_to_the_group(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    root = tmp_path / "Pictures"
    every = photos(root, range(6))
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_LIBRARY)
    target = every[2]
    with qtbot.waitSignal(window.library.similar_found, timeout=TIMEOUT_MS):
        window.find_similar(str(target))
    page = window.groups_page
    assert window.stack.currentWidget() is page
    assert page.heading.text() == f"Similar to {target.name}"
    assert page.subheading.text() == "The 5 closest photos, most similar first"
    shown = grid_paths(window)
    assert sorted(shown) == sorted(str(p) for p in every if p != target)
    grid = page.grid
    details = [grid.model().index(r, 0).data(DetailRole) for r in range(len(shown))]
    scores = []
    for text in details:
        match = re.fullmatch(r"similarity (-?\d\.\d{3})", text)
        assert match, text
        scores.append(float(match.group(1)))
    assert scores == sorted(scores, reverse=True)
    assert all(-1 <= s <= 1 for s in scores)
    assert not page.rename_button.isEnabled()

    # The preview (what Space or a double click opens; shown here without its modal loop).
    dialog = PreviewDialog(window.tasks, grid, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.show_row(0)
    assert dialog.windowTitle() == f"{Path(shown[0]).name} (1 of 5)"
    assert not dialog.prev_button.isEnabled() and dialog.next_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.view.pixmap().isNull(), timeout=TIMEOUT_MS)
    first = dialog.view.pixmap().cacheKey()

    qtbot.keyClick(dialog, Qt.Key.Key_Right)
    assert dialog.windowTitle() == f"{Path(shown[1]).name} (2 of 5)"
    assert grid.currentIndex().row() == 1
    assert dialog.path == shown[1] and dialog.caption.text().startswith(shown[1])
    # The next photo replaces the first one once it is loaded.
    qtbot.waitUntil(lambda: dialog.view.pixmap().cacheKey() != first, timeout=TIMEOUT_MS)
    assert not dialog.view.pixmap().isNull()

    for _ in range(4):  # to the last photo, and one more: it stays there
        qtbot.keyClick(dialog, Qt.Key.Key_Right)
    assert dialog.windowTitle() == f"{Path(shown[4]).name} (5 of 5)"
    assert grid.currentIndex().row() == 4
    assert not dialog.next_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Left)
    assert grid.currentIndex().row() == 3
    dialog.close()
    assert dialogs.seen == []

    # Back to the group: a click on it in the list shows its photos again.
    assert page.groups.rowCount() == 1  # fewer photos than a group: one group, Unsorted
    click(qtbot, page.group_list, page.groups.index(0))
    assert page.heading.text() == "Unsorted"
    assert sorted(grid_paths(window)) == sorted(str(p) for p in every)


# -- 4. protected folders --------------------------------------------------------------------------
def test_a_copy_in_a_folder_ticked_preferred_is_the_keeper(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """A review: the keeper's preferred folders could be set only from a terminal."""
    pictures, archive = tmp_path / "Pictures", tmp_path / "Archive"
    [original, *_] = photos(pictures / "2023", range(3))
    newer = copy_to(original, archive / "archived.jpg")
    os.utime(newer, (2_000_000_000, 2_000_000_000))  # newer: the original is kept as the oldest file
    window = open_window(Settings(folders=[str(archive), str(pictures)], model=str(tiny_model), device="cpu"))
    scan(qtbot, window)
    assert show_exact_set(qtbot, window, original)[0] == str(original)
    protect(qtbot, window, archive, column=3)  # "Preferred"
    assert window.library.settings.preferred == [str(archive)] and window.library.settings.protected == []
    assert window.library_page.summary.text().startswith("2 folders · 1 preferred folder · ")
    assert show_exact_set(qtbot, window, original)[0] == str(newer)
    assert f"in a preferred folder ({archive})" in window.duplicates_page.reason.text()


def test_photos_in_a_protected_folder_are_never_trashed(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    pictures, archive = tmp_path / "Pictures", tmp_path / "Archive"
    [original, *_] = photos(pictures / "2023", range(3))
    backup = copy_to(original, pictures / "backup" / original.name)
    kept = copy_to(original, archive / "archived.jpg")
    content = original.read_bytes()
    window = open_window(Settings(folders=[str(archive), str(pictures)], model=str(tiny_model), device="cpu"))
    state = scan(qtbot, window)
    assert sorted([str(original), str(backup), str(kept)]) in exact_sets(state)

    # Library page: tick "Protected" for the archive.
    protect(qtbot, window, archive)
    assert window.library.settings.protected == [str(archive)]

    members = show_exact_set(qtbot, window, original)
    page = window.duplicates_page
    grid, model = page.grid, page.members
    assert members[0] == str(kept)  # the protected copy is the keeper ...
    row = members.index(str(kept))
    ix = model.index(row)
    assert ix.data(BadgeRole) == "Protected"
    assert not ix.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert ix.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # ... and cannot be unchecked: not by its checkbox, not with Delete.
    click_checkbox(qtbot, grid, ix)
    assert ix.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    grid.setFocus()
    grid.selectAll()
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert sorted(model.unchecked()) == sorted([str(original), str(backup)])
    assert page.trash_button.isEnabled()

    dialogs.accept_next()
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.trash_button, Qt.MouseButton.LeftButton)
    )
    assert said.startswith("Moved 2 photos to the trash")
    assert not original.exists() and not backup.exists()
    assert kept.read_bytes() == content
    assert len(trash_files(tmp_path)) == 2

    # Trashing the protected photo itself (as the Groups page's Delete does) skips it.
    said, state = act_and_wait(qtbot, window, lambda: window.library.file_action("trash", [str(kept)]))
    assert said == "Moved 0 photos to the trash, skipped 1 (in a protected folder)."
    assert kept.read_bytes() == content
    assert len(trash_files(tmp_path)) == 2
    assert str(kept) in {p.path for g in state.groups for p in g.photos}


def test_the_confirmation_names_the_sidecar_that_goes_with_the_photo_and_undo_brings_both(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """Noticed in a review: *Trash unchecked* asked about photos and bytes only, while the
    photo's sidecar (its edits and keywords) went to the trash with it."""
    root = tmp_path / "Pictures"
    [a] = photos(root / "2023", range(1))
    a_copy = copy_to(a, root / "backup" / "a copy.jpg")
    for photo in (a, a_copy):
        Path(f"{photo}.xmp").write_text(f"<x:xmpmeta>{photo.name}</x:xmpmeta>")
    before = snapshot(root)
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    members = show_exact_set(qtbot, window, a)
    [gone] = window.duplicates_page.members.unchecked()
    kept = members[0]
    size = human_bytes(Path(gone).stat().st_size)

    dialogs.accept_next()
    said, _ = act_and_wait(qtbot, window, window.duplicates_page.trash_button.click)
    name = f"{Path(gone).parent.name}/{Path(gone).name}"  # with its folder (a new-user review)
    assert dialogs.seen == [
        f"Trash duplicates: Move 1 photo ({size}) to the trash? The 1 checked photo stays. Its sidecar "
        f"(edits, keywords) goes with it. Edit > Undo brings it back.\n\n{name}\n{name}.xmp"
    ]
    assert said == "Moved 1 photo to the trash (and 1 sidecar with it). Edit > Undo puts them back."
    assert not Path(gone).exists() and not Path(f"{gone}.xmp").exists()
    assert Path(f"{kept}.xmp").exists()
    assert len(trash_files(tmp_path)) == 2

    said, _ = act_and_wait(qtbot, window, window.library.undo)
    assert snapshot(root) == before, said


def test_a_set_whose_photos_are_all_protected_says_they_all_stay(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Found by a review: such a set said "unchecked ones go to the trash" over two checked
    photos that cannot be unchecked, beside a disabled Trash button."""
    pictures = tmp_path / "Pictures"
    [photo] = photos(pictures / "2023", range(1))
    copy_to(photo, pictures / "backup" / photo.name)
    window = open_window(settings_for(pictures, tiny_model))
    scan(qtbot, window)
    protect(qtbot, window, pictures)
    show_exact_set(qtbot, window, photo)
    page = window.duplicates_page
    assert page.reason.text().startswith("Every photo of this set is in a protected folder: they all stay.")
    assert not page.trash_button.isEnabled() and page.keep_both_button.isEnabled()
    # ... naming the button as it reads (a new-user review: "Keep all" beside "Keep both")
    assert (
        page.keep_both_button.text() == "Keep both"
        and "Not duplicates or Keep both takes" in page.reason.text()
    )


def test_the_copies_a_person_chose_to_keep_stay_chosen_after_protecting_a_folder(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Ticks made while reviewing a set belong to photos, not to places in the set: protecting a
    folder puts its copy first, and the copy the person ticked must still be the one kept."""
    pictures, reference = tmp_path / "Pictures", tmp_path / "Reference"
    [original, *_] = photos(pictures / "2023", range(2))
    backup = copy_to(original, pictures / "backup" / original.name)
    archived = copy_to(original, reference / "archived.jpg")
    window = open_window(
        Settings(folders=[str(pictures), str(reference)], model=str(tiny_model), device="cpu")
    )
    scan(qtbot, window)
    members = show_exact_set(qtbot, window, original)
    # Nothing else differs: the one in a folder of backups last
    assert members == [str(original), str(archived), str(backup)]
    page = window.duplicates_page
    click_checkbox(qtbot, page.grid, page.members.index(2))  # keep the backup too
    assert page.members.unchecked() == [str(archived)]

    protect(qtbot, window, reference)
    members = show_exact_set(qtbot, window, original)
    assert members[0] == str(archived)  # the protected copy is the keeper now
    model = page.members
    checked = {
        path: model.index(r).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for r, path in enumerate(members)
    }
    # Every copy is kept: the protected one always, the other two as the person chose.
    assert checked == {str(archived): True, str(original): True, str(backup): True}
    assert model.unchecked() == []
    assert not page.trash_button.isEnabled()


# -- 5. moving a group -----------------------------------------------------------------------------
def test_a_move_names_and_takes_a_live_photo_s_video_with_its_still(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by a review: a move left a Live Photo's video behind, the shot split in two."""
    root = tmp_path / "Pictures"
    still, other = photos(root / "2023", range(2))
    video = still.with_suffix(".MOV")
    video.write_bytes(b"\x00\x00\x00\x14ftypqt  " + bytes(100))
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    there = root / "sorted"
    monkeypatch.setattr("photoorg.gui.photo_actions.open_folder_dialog", lambda *_: str(there))
    dialogs.accept_next()
    page = window.groups_page
    said, _ = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.move_button, Qt.MouseButton.LeftButton)
    )
    assert "Move 2 photos (" in dialogs.seen[0] and "1 Live Photo video goes with them." in dialogs.seen[0]
    assert dialogs.seen[0].endswith(f"2023/{video.name}")  # listed with the photos
    assert said.startswith("Moved 2 photos (and 1 Live Photo video with them).")
    assert sorted(p.name for p in there.iterdir()) == sorted([still.name, other.name, video.name])


def test_move_a_group_to_a_folder_then_undo(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "Pictures"
    originals = photos(root / "2023", range(4))  # fewer than a group: all of them in Unsorted
    contents = {p.name: p.read_bytes() for p in originals}
    window = open_window(settings_for(root, tiny_model))
    state = scan(qtbot, window)
    page = window.groups_page
    assert [g.label for g in state.groups] == ["Unsorted"]
    assert sorted(grid_paths(window)) == sorted(str(p) for p in originals)

    # The destination, in the library, already has a file by one of the names.
    sorted_dir = root / "sorted"
    sorted_dir.mkdir()
    taken = sorted_dir / originals[1].name
    taken.write_bytes(b"someone else's file")
    asked: list[str] = []

    def choose_folder(_parent: object, title: str, _start: str = "") -> str:
        asked.append(title)
        return str(sorted_dir)

    monkeypatch.setattr("photoorg.gui.photo_actions.open_folder_dialog", choose_folder)
    dialogs.accept_next()
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.move_button, Qt.MouseButton.LeftButton)
    )
    assert asked == ["Move 4 photos to…"]
    assert (
        len(dialogs.seen) == 1 and "Move 4 photos (" in dialogs.seen[0] and str(sorted_dir) in dialogs.seen[0]
    )
    assert said.startswith("Moved 4 photos.")
    expected = {p.name if p != originals[1] else f"{p.stem} (1){p.suffix}": p.name for p in originals}
    assert sorted(p.name for p in sorted_dir.iterdir()) == sorted([*expected, taken.name])
    for new, old in expected.items():
        assert (sorted_dir / new).read_bytes() == contents[old]
    assert taken.read_bytes() == b"someone else's file"  # not overwritten
    assert not any(p.exists() for p in originals)
    # The group shows the photos where they are now.
    assert sorted(grid_paths(window)) == sorted(str(sorted_dir / n) for n in expected)
    assert state.photo_count == 4

    # Edit > Undo moves them back.
    said, state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert re.match(r"Undid action \d+: put 4 photos back", said)
    for p in originals:
        assert p.read_bytes() == contents[p.name]
    assert [p.name for p in sorted_dir.iterdir()] == [taken.name]
    assert taken.read_bytes() == b"someone else's file"
    assert sorted(grid_paths(window)) == sorted(str(p) for p in originals)
    assert len(dialogs.seen) == 1  # undo asks nothing

    # Copy the group: the messages say what a copy and its undo do (issue 13, bug 4: "Edit >
    # Undo puts them back" after a copy, "restored 4 photos" when the undo trashed the copies).
    dialogs.accept_next()
    said, state = act_and_wait(
        qtbot, window, lambda: qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    )
    assert said == "Copied 4 photos. Edit > Undo moves the copies to the trash."
    assert "Copy 4 photos (" in dialogs.seen[-1] and originals[0].name in dialogs.seen[-1]
    said, state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert re.fullmatch(r"Undid action \d+: moved 4 copies to the trash\.", said)
    assert [p.name for p in sorted_dir.iterdir()] == [taken.name]
    assert all(p.read_bytes() == contents[p.name] for p in originals)  # the originals stay


def test_reviewed_sets_that_would_trash_every_copy_are_said_before_the_question(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """An app review: "Trash unchecked in all reviewed sets" asked, "every set keeps its checked
    photos", then refused (a photo one set keeps was unchecked in another) and trashed none."""
    from types import SimpleNamespace

    lib = tmp_path / "lib"
    a, b, c = photos(lib / "a", range(3))
    a2, c2 = copy_to(a, lib / "b" / a.name), copy_to(c, lib / "b" / c.name)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)

    def one(*members: Path) -> Any:
        return SimpleNamespace(photos=[SimpleNamespace(path=str(m), size=m.stat().st_size) for m in members])

    # a is kept in its set of copies and unchecked in a set of similar shots with b; c's set is fine.
    plan = [(one(a, a2), [str(a2)]), (one(a, b), [str(a)]), (one(c, c2), [str(c2)])]
    dialogs.accept_next()  # "Clean the other set…", then the usual question, answered no
    window.actions.trash_reviewed(plan)
    qtbot.waitUntil(lambda: len(dialogs.seen) == 2, timeout=5000)
    assert dialogs.seen[0].startswith(
        f"Trash duplicates: a/{a.name} is checked to keep in one reviewed set and unchecked in another"
    )
    asked = dialogs.seen[1]
    assert "Move 1 unchecked photo from 1 reviewed set" in asked and f"b/{c2.name}" in asked
    # Only conflicting sets: said, nothing asked.
    window.actions.trash_reviewed(plan[:2])
    qtbot.waitUntil(lambda: len(dialogs.seen) == 3, timeout=5000)
    assert "cleaning both would trash every copy of it" in dialogs.seen[2] and "Move" not in dialogs.seen[2]
    assert all(p.exists() for p in (a, a2, b, c, c2))


def test_only_sets_the_person_looked_at_count_as_reviewed(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """Issue 13, bug 1: the set the program shows first (after a scan, a tab switch, a trash)
    and sets passed over with the arrow keys were ticked as reviewed and offered to "Trash
    unchecked in all reviewed sets"."""
    lib = tmp_path / "lib"
    originals = photos(lib / "a", range(4))
    for p in originals:
        copy_to(p, lib / "b" / p.name)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    page = window.duplicates_page
    page.tabs.setCurrentIndex(0)
    assert page.sets.rowCount() == 4 and page.set_list.currentIndex().row() == 0
    qtbot.wait(1500)  # shown by the program, however long: not looked at
    assert page.sets.reviewed == set() and not page.bulk_button.isEnabled()
    # Down, Down, Down: passing over sets is not reviewing them; the one the person stops at is.
    page.set_list.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.set_list, Qt.Key.Key_Down)
    assert page.set_list.currentIndex().row() == 3
    last = page.sets.duplicate_set(3).id
    qtbot.waitUntil(lambda: page.sets.reviewed == {last}, timeout=5000)
    assert page.bulk_button.isEnabled()
    # A tab switch and back shows a set again: still only the one looked at.
    page.tabs.setCurrentIndex(1)
    page.tabs.setCurrentIndex(0)
    qtbot.wait(1500)
    assert page.sets.reviewed == {last}
    # Trashing the set shown: the next one is shown by the program, not reviewed.
    click(qtbot, page.set_list, page.sets.index(1))
    qtbot.waitUntil(lambda: len(page.sets.reviewed) == 2, timeout=5000)
    shown = page.sets.duplicate_set(1).id
    page.members.set_keep(1, False)
    dialogs.accept_next()
    act_and_wait(qtbot, window, page.trash_button.click)
    qtbot.wait(1500)
    assert shown not in {s.id for s in page._all} and page.sets.reviewed == {last}
    # The set shown now, clicked: the person chose it.
    now = page.sets.duplicate_set(page.set_list.currentIndex().row()).id
    click(qtbot, page.set_list, page.set_list.currentIndex())
    qtbot.waitUntil(lambda: page.sets.reviewed == {last, now}, timeout=5000)


def test_what_the_checks_free_is_counted_and_every_number_is_labelled(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Issue 13, bug 5: "N MB to free" counted every set as it started, whatever the person
    checked, and a set's row showed a size and a similarity with no word saying what they are."""
    lib = tmp_path / "lib"
    [a, b] = photos(lib / "a", range(2))
    copy_to(a, lib / "b" / a.name)
    copy_to(b, lib / "b" / b.name)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    both = a.stat().st_size + b.stat().st_size
    assert f"({human_bytes(both)} to free as checked)" in window.status.text()
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    page = window.duplicates_page
    page.tabs.setCurrentIndex(0)
    row = page.set_list.currentIndex().row()
    shown = page.sets.duplicate_set(row)
    size = shown.photos[0].size
    assert page.sets.index(row).data(DetailRole) == f"2 photos · {human_bytes(size)} to free"
    # The person checks the other copy too: that set frees nothing, and the total says so.
    unchecked = next(k for k in range(2) if not page.members.keep_flags()[page.members.photos()[k].path])
    page.members.set_keep(unchecked, True)
    assert page.sets.index(row).data(DetailRole) == "2 photos"
    assert f"({human_bytes(both - size)} to free as checked)" in window.status.text()
    # However narrow the list, a row fits in it: the text is elided, never scrolled sideways,
    # and the tooltip says it all.
    view = page.set_list
    view.setFixedWidth(150)
    QApplication.processEvents()
    assert view.visualRect(page.sets.index(row)).width() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
    assert page.sets.index(row).data(Qt.ItemDataRole.ToolTipRole).startswith("2 photos\n")


def test_reviewing_with_the_keys_and_badges_that_follow_the_checks(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Issue 13, expected by users: a photo that will go to the trash says so, the Keeper
    badge follows the checks, keys keep (K), trash (T, Delete) and go to the next set (N, P)."""
    lib = tmp_path / "lib"
    for p in photos(lib / "a", range(2)):
        copy_to(p, lib / "b" / p.name)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    page = window.duplicates_page
    page.tabs.setCurrentIndex(0)
    grid, members = page.grid, page.members

    def badges() -> list[str]:
        return [members.index(r, 0).data(BadgeRole) for r in range(members.rowCount())]

    assert badges() == ["Keeper", "To trash"]
    # The keys are said on the page (an app review found them nowhere on screen).
    assert "Keys: K keeps the selected photos, T or Delete unchecks them, N and P go to the next" in (
        page.reason.text()
    )
    grid.setFocus()
    grid.setCurrentIndex(members.index(1, 0))
    qtbot.keyClick(grid, Qt.Key.Key_K)  # keep the copy too
    assert badges() == ["", ""] and members.unchecked() == []  # both stay: neither is kept instead
    grid.setCurrentIndex(members.index(0, 0))
    qtbot.keyClick(grid, Qt.Key.Key_T)  # the suggested keeper goes: the other one keeps it
    assert badges() == ["To trash", "Keeper"]
    first = page.set_list.currentIndex().row()
    qtbot.keyClick(grid, Qt.Key.Key_N)
    assert page.set_list.currentIndex().row() == first + 1
    qtbot.keyClick(grid, Qt.Key.Key_P)
    assert page.set_list.currentIndex().row() == first
    assert badges() == ["To trash", "Keeper"]  # the checks made in a set stay with it
    # Escape clears the filter of the groups.
    window.nav.setCurrentRow(PAGE_GROUPS)
    f = window.groups_page.filter
    f.setFocus()
    qtbot.keyClicks(f, "zzz")
    qtbot.keyClick(f, Qt.Key.Key_Escape)
    assert f.text() == ""


def test_copy_and_move_act_on_the_selection_when_there_is_one(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs, monkeypatch
) -> None:
    """Issue 13, expected by users: the Groups page's Move and Copy acted on the whole group
    even with photos selected."""
    root = tmp_path / "Pictures"
    originals = photos(root / "2023", range(4))
    window = open_window(settings_for(root, tiny_model))
    scan(qtbot, window)
    page = window.groups_page
    window.nav.setCurrentRow(PAGE_GROUPS)
    assert page.copy_button.text() == "Copy to folder…"
    grid = page.grid
    chosen = grid.model().index(2, 0).data(PathRole)
    grid.selectionModel().select(grid.model().index(2, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert page.copy_button.text() == "Copy 1 selected…" and page.move_button.text() == "Move 1 selected…"
    target = tmp_path / "picked"
    monkeypatch.setattr("photoorg.gui.photo_actions.open_folder_dialog", lambda *_a, **_k: str(target))
    dialogs.accept_next()
    said, _state = act_and_wait(qtbot, window, page.copy_button.click)
    assert said.startswith("Copied 1 photo.")
    assert [p.name for p in target.iterdir()] == [Path(chosen).name]
    assert all(p.exists() for p in originals)
    grid.selectionModel().clearSelection()
    assert page.copy_button.text() == "Copy to folder…"


def test_video_frames_are_reviewed_as_similar_shots_and_a_thumbnail_as_the_same_image(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """Issue 13, bug 7: two consecutive video frames (a few objects moved by a pixel or two)
    were offered under "Same image" with one of them to the trash. With the similarity bar
    set low, so that only the pixel checks decide, the Same image tab holds the photo and its
    thumbnail; the frames are similar shots, both kept."""
    from tests.conftest import DATA

    lib = tmp_path / "lib"
    for name in ("rubberwhale1.png", "rubberwhale2.png", "spiff.jpg", "People-Spiff.jpg"):
        copy_to(DATA / "pairs" / name, lib / name)
    window = open_window(settings_for(lib, tiny_model, same_threshold=0.5, similar_threshold=0.5))
    state = scan(qtbot, window)
    by_verdict = {
        v: [sorted(Path(p.path).name for p in s.photos) for s in state.sets if s.verdict is v]
        for v in Verdict
    }
    assert by_verdict[Verdict.SAME] == [["People-Spiff.jpg", "spiff.jpg"]]
    frames = ["rubberwhale1.png", "rubberwhale2.png"]
    assert any(set(frames) <= set(names) for names in by_verdict[Verdict.SIMILAR])
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    page = window.duplicates_page
    page.tabs.setCurrentIndex(1)  # Same image
    assert page.sets.rowCount() == 1 and page.sets.duplicate_set(0).verdict is Verdict.SAME
    # Its similarity in words that hold for a pair (a review: "weakest similarity" was jargon).
    assert re.fullmatch(r"Same image: 2 photos, similarity 0\.\d{3}|Same image: 2 photos, similarity 1\.000",
                        page.heading.text()), page.heading.text()  # fmt: skip
    page.tabs.setCurrentIndex(2)  # Similar shots: every photo starts kept
    with_frames = next(
        r for r in range(page.sets.rowCount())
        if set(frames) <= {Path(p.path).name for p in page.sets.duplicate_set(r).photos}
    )  # fmt: skip
    page.set_list.setCurrentIndex(page.sets.index(with_frames))
    assert all(page.members.keep_flags().values())
