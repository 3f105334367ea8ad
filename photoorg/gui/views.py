"""The thumbnail grid and its painting delegate."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)

from photoorg.gui.models import BadgeRole, DetailRole, MarkRole, PathRole
from photoorg.gui.painting import paint_badge, paint_mark

_CHECK = 20


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a thumbnail, its name, one or two detail lines, a badge and a keep checkbox."""

    def __init__(self, thumb: int, detail_lines: int = 1, parent: Any = None) -> None:
        super().__init__(parent)
        self.thumb = thumb
        self.detail_lines = detail_lines
        #: Width added to each cell so the columns share the spare width (PhotoGrid sets it):
        #: the photo is centred in it and the captions use all of it.
        self.spread = 0
        self._scaled: OrderedDict[tuple[int, int, int], QPixmap] = OrderedDict()
        self._metrics: tuple[str, QFontMetrics, QFontMetrics] | None = None  # font key, name, details

    def cell(self) -> QSize:
        return QSize(self.thumb + 16, self.thumb + 30 + 16 * self.detail_lines)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return self.cell() + QSize(self.spread, 0)

    def _fit(self, pm: QPixmap, size: QSize) -> QPixmap:
        """The thumbnail scaled into the cell, smoothly, once (scrolling repaints reuse it)."""
        key = (pm.cacheKey(), size.width(), size.height())
        scaled = self._scaled.get(key)
        if scaled is None:
            scaled = pm.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self._scaled[key] = scaled
            if len(self._scaled) > 600:  # a few screens' worth
                self._scaled.popitem(last=False)
        else:
            self._scaled.move_to_end(key)
        return scaled

    def _photo_area(self, rect: QRect) -> QRect:
        """The part of a (widened) cell the photo is drawn in, centred."""
        width = self.thumb + 10
        return QRect(rect.left() + (rect.width() - width) // 2, rect.top(), width, rect.height())

    def badge_rect(self, rect: QRect, size: QSize, checkable: bool) -> QRect:
        """Where a badge of ``size`` goes in the cell ``rect``: at the photo's top left, kept
        inside the cell (a neighbour painted over a month's name that ran past it), and off the
        keep box: at the photo's foot when small thumbnails leave no room beside the box (a
        review read "Keepe" under it)."""
        area = self._photo_area(rect)
        box = QRect(area.left() + 5, area.top() + 5, self.thumb, self.thumb)
        b = QRect(QPoint(box.left() + 4, box.top() + 4), size)
        b.moveLeft(max(rect.left() + 2, min(b.left(), rect.right() - b.width() - 2)))
        if checkable and b.right() >= self._check_rect(rect).left() - 3:
            b.moveBottom(box.bottom() - 4)
        return b

    def _check_rect(self, rect: QRect) -> QRect:
        """The keep checkbox, at the photo's top right corner."""
        area = self._photo_area(rect)
        return QRect(area.right() - _CHECK - 8, area.top() + 8, _CHECK, _CHECK)

    def _hug(self, rect: QRect, font: QFont, index: QModelIndex) -> QRect:
        """The part of a (widened) cell its photo and captions take, centred: what the selection,
        the hover and the focus frame cover (an app review: one column at 800x600 was selected
        as a bar across the window, the photo in its middle)."""
        key = font.key()
        if self._metrics is None or self._metrics[0] != key:  # made once, not at every paint
            small = QFont(font)
            small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
            self._metrics = (key, QFontMetrics(font), QFontMetrics(small))
        _key, big, little = self._metrics
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        details = str(index.data(DetailRole) or "").split("\n")[: self.detail_lines]
        widths = [big.horizontalAdvance(name), *(little.horizontalAdvance(text) for text in details)]
        width = min(rect.width(), max(self.thumb + 10, max(widths) + 12))
        return QRect(rect.left() + (rect.width() - width) // 2, rect.top(), width, rect.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        rect = self._hug(option.rect.adjusted(3, 3, -3, -3), option.font, index)
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
        area = self._photo_area(rect)
        box = QRect(area.left() + 5, area.top() + 5, self.thumb, self.thumb)
        pm = index.data(Qt.ItemDataRole.DecorationRole)
        drawn = box.adjusted(8, 8, -8, -8)
        if isinstance(pm, QPixmap) and not pm.isNull():
            scaled = self._fit(pm, box.size())
            x = box.left() + (box.width() - scaled.width()) // 2
            y = box.top() + (box.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
            drawn = QRect(x, y, scaled.width(), scaled.height())
        else:
            painter.fillRect(drawn, QColor(128, 128, 128, 60))
        mark = index.data(MarkRole)
        if mark:
            paint_mark(painter, option.font, drawn, mark)
        check = index.data(Qt.ItemDataRole.CheckStateRole)
        keep = _is_checked(check)
        if check is not None and not keep:  # marked for the trash: dimmed, in a red frame
            painter.fillRect(drawn, QColor(20, 20, 20, 110))
            painter.setPen(QPen(QColor("#c62828"), 3))
            painter.drawRect(drawn.adjusted(1, 1, -2, -2))
        text_pen = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.setPen(text_pen)
        line = QRect(rect.left() + 4, box.bottom() + 4, rect.width() - 8, 18)
        name = painter.fontMetrics().elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""), Qt.TextElideMode.ElideMiddle, line.width()
        )
        painter.drawText(line, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, name)
        detail = str(index.data(DetailRole) or "")
        if detail:
            small = QFont(painter.font())
            small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
            painter.setFont(small)
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText) if not selected else text_pen)
            for k, text in enumerate(detail.split("\n")[: self.detail_lines]):
                r = QRect(line.left(), line.bottom() + 1 + 16 * k, line.width(), 16)
                text = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, r.width())
                painter.drawText(r, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, text)
        badge = index.data(BadgeRole)
        if badge:
            painter.setFont(option.font)
            fm = painter.fontMetrics()
            b = self.badge_rect(
                rect, QSize(fm.horizontalAdvance(badge) + 14, fm.height() + 6), check is not None
            )
            paint_badge(painter, b, badge)
        if option.state & QStyle.StateFlag.State_HasFocus:  # where the keys act, visibly
            painter.setPen(
                QPen(
                    pal.color(QPalette.ColorRole.Highlight if not selected else QPalette.ColorRole.Text),
                    2,
                    Qt.PenStyle.DashLine,
                )
            )
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if check is not None:
            opt = QStyleOptionButton()
            opt.rect = self._check_rect(rect)
            opt.state = QStyle.StateFlag.State_Enabled | (
                QStyle.StateFlag.State_On if keep else QStyle.StateFlag.State_Off
            )
            if not index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                opt.state &= ~QStyle.StateFlag.State_Enabled
            painter.fillRect(opt.rect.adjusted(-3, -3, 3, 3), QColor(255, 255, 255, 200))
            widget = option.widget
            style = widget.style() if widget is not None else None
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, opt, painter, widget)
        painter.restore()

    def editorEvent(
        self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: QModelIndex
    ) -> bool:
        """A click on the checkbox toggles keep / trash."""
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and index.flags() & Qt.ItemFlag.ItemIsUserCheckable
            and self._check_rect(option.rect.adjusted(3, 3, -3, -3))
            .adjusted(-4, -4, 4, 4)
            .contains(event.position().toPoint())
        ):
            keep = _is_checked(index.data(Qt.ItemDataRole.CheckStateRole))
            new = Qt.CheckState.Unchecked if keep else Qt.CheckState.Checked
            return model.setData(index, new, Qt.ItemDataRole.CheckStateRole)
        return False


def _is_checked(value: Any) -> bool:
    """A check state as models give it: the enum from Python models, a plain int from C++
    ones (QStandardItemModel)."""
    return value == Qt.CheckState.Checked or value == Qt.CheckState.Checked.value


THUMB_MIN, THUMB_MAX, THUMB_STEP = 80, 256, 30  # thumbnail sizes Ctrl+wheel and Ctrl +/- choose
ZOOM_ANCHOR = 150  # the size the grids start at; zoom steps are counted from it
START_MIN = 90  # the smallest a grid starts at to show more columns in a small window


class PhotoGrid(QListView):
    """A thumbnail grid that stays smooth at 100k photos (uniform sizes, batched layout)."""

    preview_requested = Signal(QModelIndex)
    delete_requested = Signal()
    enter_requested = Signal()  # Enter on a selection (an album's suggestions: accept)
    compare_requested = Signal()  # C: the selected photos side by side
    zoomed = Signal(int)  # the thumbnails' new size in pixels

    def __init__(self, thumb: int = 150, detail_lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = ThumbnailDelegate(thumb, detail_lines, self)
        self._preferred = thumb  # the size chosen (zoom); smaller where it must fit (fit_columns)
        self._columns = 0
        self._least = 0  # columns the size first shown leaves room for (start_with_columns)
        self._chosen = False  # the person picked a size (zoom, the slider)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(True)
        self.setGridSize(self.delegate.cell())
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setSpacing(0)
        self.doubleClicked.connect(self.preview_requested)

    def zoom(self, steps: int) -> None:
        """Larger (steps > 0) or smaller thumbnails, THUMB_STEP pixels a step, within limits, on
        steps from the starting size (a review: down to the smallest and back up gave 140, and
        the 150 one started with could not be had again from the keyboard)."""
        shown = self.delegate.thumb if self._starting() else self._preferred  # from what is seen
        wanted = shown + steps * THUMB_STEP
        self.set_thumb(ZOOM_ANCHOR + round((wanted - ZOOM_ANCHOR) / THUMB_STEP) * THUMB_STEP)

    def set_thumb(self, size: int) -> None:
        """Thumbnails of ``size`` pixels (within THUMB_MIN..THUMB_MAX), the current photo kept in view."""
        size = max(THUMB_MIN, min(THUMB_MAX, size))
        if size != self._preferred or (self._starting() and size != self.delegate.thumb):
            self._preferred, self._chosen = size, True
            self._show_thumbs(self._fitted(size))
            self.zoomed.emit(size)

    def start_with_columns(self, columns: int) -> None:
        """Until the person picks a size, start a step or two smaller (not under START_MIN)
        where fewer than ``columns`` would fit side by side (a review: two columns of photos at
        800x600). Unlike :meth:`fit_columns`, a size the person picks is kept as it is."""
        self._least = columns
        self._show_thumbs(self._fitted(self._preferred))

    def _starting(self) -> bool:
        return bool(self._least) and not self._chosen

    def fit_columns(self, columns: int) -> None:
        """Make thumbnails smaller than chosen when ``columns`` of them would not fit side by side
        (a duplicate pair in a small window showed one photo at a time)."""
        self._columns = columns
        self._show_thumbs(self._fitted(self._preferred))

    def _fitted(self, size: int) -> int:
        if self._starting():
            margin = self.delegate.cell().width() - self.delegate.thumb
            while size - THUMB_STEP >= START_MIN and self._room() // (size + margin) < self._least:
                size -= THUMB_STEP
            return size
        if not self._columns:
            return size
        cell_margin = self.delegate.cell().width() - self.delegate.thumb
        return max(THUMB_MIN, min(size, self._room() // self._columns - cell_margin))

    def _room(self) -> int:
        """The width the cells have, with a scroll bar, shown or not: a bar that comes and goes
        with the layout would change the layout again."""
        return self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width() - 1

    def _spread(self) -> QSize:
        """The grid's cell: the photo's, made wider so the columns share the spare width (a
        review: two columns and 110 pixels of nothing on the right; Qt centres each photo)."""
        cell = self.delegate.cell()
        columns = max(1, self._room() // cell.width())
        return QSize(max(cell.width(), self._room() // columns), cell.height())

    def _show_thumbs(self, size: int) -> None:
        changed = size != self.delegate.thumb
        current = self.currentIndex()
        self.delegate.thumb = size
        grid = self._spread()
        if grid != self.gridSize():
            # The cells as wide as the grid's: captions are cut at the cell's width, not the
            # photo's (a review: "IMG_2023…" under a photo with room on either side).
            self.delegate.spread = grid.width() - self.delegate.cell().width()
            self.setGridSize(grid)
            changed = True
        if changed:
            self.doItemsLayout()
            if current.isValid():
                self.scrollTo(current)  # the person's place stays in view

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        was = self.delegate.thumb
        self._show_thumbs(self._fitted(self._preferred) if self._columns or self._least else was)
        if self.delegate.thumb != was and self._starting():
            self.zoomed.emit(self.delegate.thumb)  # the slider shows it

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.angleDelta().y():
            self.zoom(1 if event.angleDelta().y() > 0 else -1)  # Ctrl+wheel, as in photo viewers
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() == Qt.Key.Key_Equal
        ):
            self.zoom(1)
            return
        if event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom(-1)
            return
        if event.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            self.preview_requested.emit(self.currentIndex())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedIndexes():
            self.delete_requested.emit()
            return
        if event.key() == Qt.Key.Key_C and not event.modifiers() and self.model() is not None:
            self.compare_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selectedIndexes():
            self.enter_requested.emit()
            return
        super().keyPressEvent(event)

    def selected_paths(self) -> list[str]:
        rows = sorted(i.row() for i in self.selectedIndexes())
        model = self.model()
        return [model.index(r, 0).data(PathRole) for r in rows]
