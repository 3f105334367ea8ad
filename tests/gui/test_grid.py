"""The thumbnail grid: cells share the window's width, captions use it, the checkbox stays on the photo."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap, QStandardItem, QStandardItemModel
from pytestqt.qtbot import QtBot

from photoorg.gui.views import PhotoGrid

NAME = "holiday_at_the_lake_2023_0042.jpg"


def grid_of(qtbot: QtBot, width: int, n: int = 3) -> tuple[PhotoGrid, QStandardItemModel]:
    grid = PhotoGrid(thumb=150)
    model = QStandardItemModel()
    for _ in range(n):
        item = QStandardItem(NAME)
        pm = QPixmap(150, 100)
        pm.fill(QColor("#3a7"))
        item.setData(pm, Qt.ItemDataRole.DecorationRole)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        model.appendRow(item)
    grid.setModel(model)
    qtbot.addWidget(grid)
    grid.resize(width, 400)
    grid.show()
    qtbot.waitExposed(grid)
    return grid, model


def test_a_caption_wider_than_the_photo_uses_the_room_of_its_widened_cell(qtbot: QtBot) -> None:
    """A review found captions cut at the photo's width in cells widened to share the spare
    width ("holiday_at_…" with room on either side)."""
    grid, model = grid_of(qtbot, 340)  # room for one 166-pixel cell and most of another
    cell = grid.visualRect(model.index(0, 0))
    assert cell.width() == grid.gridSize().width() > grid.delegate.cell().width() + 100
    fm = grid.fontMetrics()
    assert grid.delegate.thumb < fm.horizontalAdvance(NAME) < cell.width() - 8  # fits the cell, not the photo
    image = grid.viewport().grab().toImage()
    photo_left = cell.left() + (cell.width() - grid.delegate.thumb) // 2
    caption_y = range(cell.top() + grid.delegate.thumb + 10, cell.top() + grid.delegate.thumb + 24)
    text = grid.palette().color(grid.palette().ColorRole.Text)

    def inked(x: int) -> bool:  # a pixel of the caption's text colour (or near it)
        return any(abs(QColor(image.pixel(x, y)).lightness() - text.lightness()) < 80 for y in caption_y)

    # Text is drawn left of the photo's edge: the caption was not cut at the photo's width.
    assert any(inked(x) for x in range(cell.left() + 4, photo_left))


def test_the_keep_checkbox_stays_on_the_photo_in_a_widened_cell(qtbot: QtBot) -> None:
    grid, model = grid_of(qtbot, 340)
    index = model.index(0, 0)
    cell = grid.visualRect(index)
    check = grid.delegate._check_rect(cell.adjusted(3, 3, -3, -3))
    photo_left = cell.left() + (cell.width() - grid.delegate.thumb) // 2
    assert photo_left < check.left() and check.right() < photo_left + grid.delegate.thumb
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=check.center())
    assert model.item(0).checkState() == Qt.CheckState.Unchecked  # the click reached it
    qtbot.mouseClick(
        grid.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(cell.right() - 4, check.center().y())
    )
    assert model.item(0).checkState() == Qt.CheckState.Unchecked  # beside the photo: no toggle


def test_every_row_of_the_set_list_starts_its_text_at_the_same_place(qtbot: QtBot) -> None:
    """A review found the duplicate set list's text shifting from row to row: a view lays the
    text out after the icon's own size, smaller for a tall or a panoramic photo."""
    from PySide6.QtWidgets import QListView, QStyleOptionViewItem

    from photoorg.gui.set_models import SET_ICON, boxed

    view = QListView()
    qtbot.addWidget(view)
    view.setIconSize(SET_ICON)
    model = QStandardItemModel()
    for w, h in ((320, 240), (240, 320), (900, 120)):  # landscape, portrait, panorama
        pm = QPixmap(w, h)
        pm.fill(QColor("#a35"))
        model.appendRow(QStandardItem(QIcon(boxed(pm)), f"{w}x{h}.jpg"))
    view.setModel(model)
    sizes = set()
    for row in range(3):
        option = QStyleOptionViewItem()
        option.decorationSize = SET_ICON
        view.itemDelegate().initStyleOption(option, model.index(row, 0))
        sizes.add((option.icon.actualSize(SET_ICON).width(), option.icon.actualSize(SET_ICON).height()))
    assert sizes == {(SET_ICON.width(), SET_ICON.height())}


def test_a_badge_stays_in_its_cell_and_off_the_keep_box_at_the_smallest_thumbnails(qtbot: QtBot) -> None:
    """An app review at 80-pixel thumbnails: "Keeper" read "Keepe" under the keep box, and a
    month's name ran past its cell, where the next cell painted over it."""
    grid, model = grid_of(qtbot, 270)  # two columns, with room beside the photos
    grid.set_thumb(80)
    cell = grid.visualRect(model.index(0, 0)).adjusted(3, 3, -3, -3)
    fm = grid.fontMetrics()
    delegate = grid.delegate
    for badge in ("Keeper", "To trash", "Protected"):
        b = delegate.badge_rect(cell, QSize(fm.horizontalAdvance(badge) + 14, fm.height() + 6), True)
        assert not b.intersects(delegate._check_rect(cell).adjusted(-3, -3, 3, 3)), badge
        assert cell.contains(b), badge
    wide = QSize(fm.horizontalAdvance("December 2026") + 14, fm.height() + 6)
    assert delegate.thumb - 4 < wide.width() <= cell.width() - 4  # wider than the photo, not the cell
    assert cell.contains(delegate.badge_rect(cell, wide, False))  # so all of it is shown


def test_zooming_out_and_back_in_returns_to_the_size_one_started_at(qtbot: QtBot) -> None:
    grid, _model = grid_of(qtbot, 900)
    start = grid.delegate.thumb
    for _ in range(5):
        grid.zoom(-1)
    assert grid.delegate.thumb == 80  # the smallest
    for _ in range(5):
        grid.zoom(1)
        if grid.delegate.thumb == start:
            break
    assert grid.delegate.thumb == start == 150


def test_a_selected_photo_alone_in_its_row_is_highlighted_around_itself_not_across_the_grid(
    qtbot: QtBot,
) -> None:
    """An app review at 800x600: zoomed in to one column, the selection was a bar across the
    window with the photo in its middle."""
    grid, model = grid_of(qtbot, 320, n=2)  # one 150-pixel photo a row, 130 pixels to spare
    grid.setCurrentIndex(model.index(0, 0))
    cell = grid.visualRect(model.index(0, 0))
    assert cell.width() > grid.delegate.cell().width() + 100  # the widened cell
    image = grid.viewport().grab().toImage()
    highlight = grid.palette().color(grid.palette().ColorRole.Highlight)
    y = cell.top() + 8

    def lit(x: int) -> bool:
        return QColor(image.pixel(x, y)).rgb() == highlight.rgb()

    photo_left = cell.left() + (cell.width() - grid.delegate.thumb) // 2
    assert lit(photo_left)  # beside the photo: selected
    assert not lit(cell.left() + 10) and not lit(cell.right() - 10)  # the cell's far ends: not


def test_a_small_window_starts_with_more_smaller_photos_and_keeps_the_size_one_picks(qtbot: QtBot) -> None:
    """An app review at 800x600: All photos and Groups showed two columns of photos. Until the
    person picks a size, a grid starts a step or two smaller where three would not fit; a size
    picked is kept, and the first step from the smaller start goes the way it was asked."""
    grid, model = grid_of(qtbot, 440, n=9)
    grid.start_with_columns(3)
    assert grid.delegate.thumb == 120  # 150 left room for two
    assert grid.visualRect(model.index(2, 0)).top() == grid.visualRect(model.index(0, 0)).top()
    grid.resize(1000, 400)
    qtbot.waitUntil(lambda: grid.delegate.thumb == 150)  # room enough: the usual size
    grid.resize(330, 400)
    qtbot.waitUntil(lambda: grid.delegate.thumb == 90)  # never smaller than that unasked
    grid.zoom(1)  # larger than shown, not than the usual size
    assert grid.delegate.thumb == 120
    grid.resize(1000, 400)
    grid.resize(440, 400)
    qtbot.waitUntil(lambda: grid.width() == 440)
    assert grid.delegate.thumb == 120  # the person's size, whatever the window
    grid.zoom(1)
    assert grid.delegate.thumb == 150  # one column fewer: what was asked
