"""Looking at photos large (issue 13): the preview's 1:1 zoom and Delete, and Compare, two or
more photos side by side at the same zoom and place.

Each test drives a real window (and the shared engine process) on generated photos.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.gui.app import PAGE_DUPLICATES, PAGE_TIMELINE, MainWindow
from photoorg.gui.compare import CompareDialog
from photoorg.gui.models import BadgeRole, PathRole, PhotoRole
from photoorg.gui.preview import PreviewDialog
from tests.conftest import make_photo
from tests.core.test_videos import mp4
from tests.gui.conftest import TIMEOUT_MS, Dialogs, scan, settings_for, trash_files

OpenWindow = Callable[..., MainWindow]


def row_of(model: QAbstractItemModel, path: Path) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data(PathRole) == str(path))


def test_the_preview_shows_real_pixels_at_1_1_and_trashes_with_delete_then_undo(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    lib = tmp_path / "lib"
    big = make_photo(lib / "big.jpg", seed=1, size=(2400, 1600), quality=90)
    others = [make_photo(lib / f"other_{k}.jpg", seed=10 + k, size=(320, 240)) for k in range(3)]
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    grid = window.timeline_page.grid
    model = grid.model()

    # 1:1: the preview first decodes the photo for the window, then all of it when asked.
    dialog = PreviewDialog(window.tasks, grid, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_row(row_of(model, big))
    view = dialog.view
    qtbot.waitUntil(lambda: not view.pixmap().isNull(), timeout=TIMEOUT_MS)
    assert view.pixmap().width() < 2400 and not view.full  # fitted: fewer pixels are enough
    assert view.fitting and view.zoom() < 1
    qtbot.keyClick(dialog, Qt.Key.Key_Z)
    assert view.zoom() == 1.0 and not view.fitting
    qtbot.waitUntil(lambda: view.full, timeout=TIMEOUT_MS)
    assert (view.pixmap().width(), view.pixmap().height()) == (2400, 1600)  # the photo's own pixels
    assert view.zoom() == 1.0  # the sharper pixels arrived where the person was
    view.zoom_by(2)
    assert view.zoom() > 1.0
    qtbot.keyClick(dialog, Qt.Key.Key_0)
    assert view.fitting and view.zoom() < 1
    # Enter is no button's (an app review: it did "Find similar", closing the preview).
    similar: list[str] = []
    dialog.find_similar.connect(similar.append)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and not similar
    dialog.close()

    # Delete in the preview of All photos: asked, to the trash, the preview goes on to the next
    # photo, and Edit > Undo brings the photo back.
    shown: list[str] = []
    dialogs.drive(PreviewDialog)

    def delete_in_preview() -> None:
        preview = QApplication.activeModalWidget()
        assert isinstance(preview, PreviewDialog) and preview.path == str(big)
        assert preview.trash_button.isVisible()
        dialogs.accept_next()
        qtbot.keyClick(preview, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: preview.path != str(big) and preview.path != "", timeout=TIMEOUT_MS)
        shown.append(preview.path)
        preview.accept()

    QTimer.singleShot(200, delete_in_preview)
    window.actions.preview(grid, model.index(row_of(model, big), 0))
    assert any("Move 1 photo" in s and "big.jpg" in s for s in dialogs.seen)
    assert not big.exists() and [p.name for p in trash_files(tmp_path)] == ["big.jpg"]
    assert shown and shown[0] in {str(p) for p in others}
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert big.exists() and trash_files(tmp_path) == []


def test_a_photo_deleted_outside_photoorg_says_so_and_leaves_the_library_when_trashed(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """Found by a review: the preview of a photo deleted on disk said "cannot be shown (see
    Problems)" with no problem listed, and trashing it said "skipped 1 (no longer there)" at
    every try while it stayed in every grid until a rescan."""
    lib = tmp_path / "lib"
    photos = [make_photo(lib / f"p_{k}.jpg", seed=k, size=(320, 240)) for k in range(3)]
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    grid = window.timeline_page.grid
    model = grid.model()
    gone = photos[1]
    gone.unlink()  # deleted in a file manager

    dialog = PreviewDialog(window.tasks, grid, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_row(row_of(model, gone))
    qtbot.waitUntil(lambda: bool(dialog.view.message), timeout=TIMEOUT_MS)
    assert dialog.view.message == "This photo is no longer there: it was deleted or moved outside photoorg."
    dialog.close()

    said: list[str] = []
    window.library.action_finished.connect(said.append)
    dialogs.accept_next()
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.actions.trash_photos([model.index(row_of(model, gone), 0).data(PhotoRole)])
    assert said == ["Moved 0 photos to the trash, skipped 1 (no longer there)."]
    state = blocker.args[0]
    assert state.photo_count == 2 and str(gone) not in {p.path for g in state.groups for p in g.photos}
    assert any("1 photo was no longer there (deleted or moved outside photoorg)" in n for n in state.notes)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=TIMEOUT_MS)
    assert all(p.exists() for p in (photos[0], photos[2])) and trash_files(tmp_path) == []


def test_a_video_in_the_preview_says_so_and_a_small_photo_is_not_blown_up(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path
) -> None:
    """A new-user review: a video's preview said "This photo cannot be read … not a photo", and
    offered Find similar and Album, which look at photos only."""
    lib = tmp_path / "lib"
    make_photo(lib / "p_0.jpg", seed=0, size=(320, 240))
    clip = mp4(lib / "VID_1.mp4", None)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    grid = window.timeline_page.grid
    dialog = PreviewDialog(window.tasks, grid, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_row(row_of(grid.model(), clip))
    qtbot.waitUntil(lambda: bool(dialog.view.message), timeout=TIMEOUT_MS)
    assert dialog.view.message.startswith("A video: photoorg catalogs and organizes videos")
    assert not dialog.similar_button.isEnabled() and not dialog.album_button.isEnabled()
    dialog.show_row(row_of(grid.model(), lib / "p_0.jpg"))
    assert dialog.similar_button.isEnabled() and dialog.album_button.isEnabled()
    # A photo smaller than the window is shown at its own size, not blown up (two reviews: a
    # 320x214 picture at 2x was only blur).
    qtbot.waitUntil(lambda: not dialog.view.pixmap().isNull(), timeout=TIMEOUT_MS)
    assert dialog.view.width() > 400 and dialog.view.fitting and dialog.view.zoom() == 1.0
    dialog.close()


def test_compare_moves_every_photo_with_the_one_the_person_zooms(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    lib = tmp_path / "lib"
    original = make_photo(lib / "a" / "shot.jpg", seed=3, size=(1600, 1200), quality=95)
    (lib / "b").mkdir()
    (lib / "b" / "shot.jpg").write_bytes(original.read_bytes())  # an exact copy: a set to review
    small = lib / "a" / "shot_small.jpg"
    Image.open(original).resize((800, 600)).save(small, quality=80)
    window = open_window(settings_for(lib, tiny_model))
    scan(qtbot, window)

    # From All photos: the original and its smaller re-save, selected.
    window.nav.setCurrentRow(PAGE_TIMELINE)
    model = window.timeline_page.grid.model()
    rows = [row_of(model, original), row_of(model, small)]
    dialog = CompareDialog(window.tasks, model, rows, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    big_view, small_view = dialog.views
    qtbot.waitUntil(
        lambda: not big_view.pixmap().isNull() and not small_view.pixmap().isNull(), timeout=TIMEOUT_MS
    )
    assert dialog.checks == [None, None]  # not from a duplicate set: nothing to keep or trash
    # Named alike, without the month the timeline heads its first photo with (a review).
    assert [c.text().split("<br>")[0] for c in dialog.captions] == [
        "<b>shot.jpg</b>",
        "<b>shot_small.jpg</b>",
    ]
    # The smaller re-save is shown at the size of the original, so its lost detail shows.
    assert small_view.sceneRect().size() == big_view.sceneRect().size()
    qtbot.keyClick(dialog, Qt.Key.Key_Z)  # 1:1 of the original; the other follows
    assert big_view.zoom() == small_view.zoom() == 1.0
    big_view.horizontalScrollBar().setValue(big_view.horizontalScrollBar().maximum())
    big_view.verticalScrollBar().setValue(0)
    _, _, fx, fy = big_view.view_state()
    _, _, gx, gy = small_view.view_state()
    assert fx > 0.6 and abs(fx - gx) < 0.01 and abs(fy - gy) < 0.01  # the same place in both
    small_view.zoom_by(2)  # zooming the other moves the first along
    assert big_view.zoom() == small_view.zoom() > 1.0
    qtbot.waitUntil(lambda: big_view.full and small_view.full, timeout=TIMEOUT_MS)
    assert big_view.pixmap().width() == 1600 and small_view.pixmap().width() == 800
    dialog.close()

    # From a duplicate set: C opens Compare, and each photo has its Keep check, the set's own.
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    page = window.duplicates_page
    page.tabs.setCurrentIndex(0)
    members = page.members
    assert members.rowCount() == 2 and page.compare_button.isEnabled()
    dialogs.drive(CompareDialog)
    seen: list[tuple[int, list[bool]]] = []

    def keep_both_in_compare() -> None:
        compare = QApplication.activeModalWidget()
        assert isinstance(compare, CompareDialog)
        checks = [c for c in compare.checks if c is not None]
        seen.append((len(compare.views), [c.isChecked() for c in checks]))
        checks[1].click()  # keep the copy too
        assert members.unchecked() == []
        assert [members.index(r, 0).data(BadgeRole) for r in range(2)] == ["", ""]  # both stay
        checks[0].click()  # and send the first one instead: the Keeper badge moves
        assert "Keeper" in compare.captions[1].text() and "To trash" in compare.captions[0].text()
        compare.accept()

    page.grid.setFocus()
    page.grid.selectionModel().select(members.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QTimer.singleShot(200, keep_both_in_compare)
    qtbot.keyClick(page.grid, Qt.Key.Key_C)
    assert seen == [(2, [True, False])]  # the whole set (one photo selected), keeper checked
    assert members.unchecked() == [members.index(0, 0).data(PathRole)]
    assert page.trash_button.isEnabled()
