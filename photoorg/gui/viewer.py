"""A photo shown large: fitted to the window, or zoomed (wheel, +/-, 1:1) and panned (drag).

The preview (gui/preview.py) and compare (gui/compare.py) show photos in :class:`PhotoView`.
A photo is first decoded at the window's size; zooming past those pixels loads the full photo
once, in the io pool, so 1:1 shows its real pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QDialog, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from photoorg.gui.thumbnails import Shown

ZOOM_STEP = 1.25  # one wheel notch or one +/-
ZOOM_MAX = 8.0  # 800 %: beyond that a pixel is a tile
#: Fitting never blows a small photo up: a 320x214 picture at 2x was only blur (two reviews);
#: it is shown at its own size, centred, and the wheel or +/- zoom in when asked.
FIT_BLOW_UP = 1.0


class PhotoView(QGraphicsView):
    """One photo: fitted to the view, or zoomed and panned; 1:1 shows the photo's pixels."""

    moved = Signal()  # the person zoomed or panned (compare moves the other photos with it)
    detail_wanted = Signal()  # zoomed past the pixels loaded: the full photo is needed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self._natural = QSizeF()
        self._full = False
        self._syncing = False
        self.fitting = True
        self.message = ""
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QColor("#111"))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setMinimumSize(160, 120)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self._scrolled)

    # -- the photo ------------------------------------------------------------------------------
    def set_photo(self, shown: Shown | str | None, natural: QSizeF | None = None) -> None:
        """Show ``shown`` as a photo of ``natural`` size (default: its own full size), or why
        it cannot be shown."""
        if not isinstance(shown, Shown):
            self._item.setPixmap(QPixmap())
            self._natural = QSizeF()
            self.message = shown or "This photo cannot be shown."
            self.scene().setSceneRect(QRectF())
            self.viewport().update()
            return
        self.message = ""
        state = None if self.fitting or self._item.pixmap().isNull() else self.view_state()
        pm = QPixmap.fromImage(shown.image)
        self._item.setPixmap(pm)
        self._natural = natural or QSizeF(shown.natural)
        self._item.setScale(self._natural.width() / max(1, pm.width()))
        self._full = shown.full
        self.scene().setSceneRect(QRectF(QPointF(0, 0), self._natural))
        if state is None:
            self.fit()
        else:  # more pixels of the photo shown: the same place at the same zoom
            self.follow(state)

    def pixmap(self) -> QPixmap:
        return self._item.pixmap()

    @property
    def full(self) -> bool:
        """The pixels shown are all of the photo's (what 1:1 needs)."""
        return self._full

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.message:  # in view coordinates, whatever the zoom
            painter.save()
            painter.resetTransform()
            painter.setPen(QColor("#ddd"))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            painter.restore()

    # -- zoom -----------------------------------------------------------------------------------
    def zoom(self) -> float:
        """View pixels per pixel of the photo's natural size (1.0 is 1:1)."""
        return self.transform().m11()

    def fit_zoom(self) -> float:
        if self._natural.isEmpty():
            return 1.0
        area = self.viewport().size()
        return min(area.width() / self._natural.width(), area.height() / self._natural.height(), FIT_BLOW_UP)

    def fit(self) -> None:
        self.fitting = True
        self._set_zoom(self.fit_zoom())

    def actual_size(self, under_mouse: bool = False) -> None:
        self.fitting = False
        self._set_zoom(1.0, under_mouse)

    def toggle_actual_size(self, under_mouse: bool = False) -> None:
        """1:1, or back to fitting the window (double click: at the point clicked; Z)."""
        if self.fitting or not math.isclose(self.zoom(), 1.0, rel_tol=1e-3):
            self.actual_size(under_mouse)
        else:
            self.fit()

    def zoom_by(self, steps: float, under_mouse: bool = False) -> None:
        """Zoom in (steps > 0) or out, down to the fitted size at most; around the point under
        the mouse (the wheel) or the middle of the view (keys and buttons)."""
        if self._natural.isEmpty():
            return
        smallest = min(self.fit_zoom(), 1.0)
        target = max(smallest, min(ZOOM_MAX, self.zoom() * ZOOM_STEP**steps))
        self.fitting = math.isclose(target, self.fit_zoom(), rel_tol=1e-3)
        self._set_zoom(target, under_mouse)

    def _set_zoom(self, zoom: float, under_mouse: bool = False) -> None:
        factor = zoom / max(self.zoom(), 1e-9)
        anchor = QGraphicsView.ViewportAnchor
        self.setTransformationAnchor(anchor.AnchorUnderMouse if under_mouse else anchor.AnchorViewCenter)
        self.scale(factor, factor)
        if self.fitting:
            self.centerOn(self._item.sceneBoundingRect().center())
        shown = self._natural.width() / max(1, self._item.pixmap().width())  # natural px per loaded px
        if not self._full and zoom * shown > 1.01:
            self.detail_wanted.emit()
        self._moved()

    # -- where the view is (compare moves the others along) ------------------------------------
    def view_state(self) -> tuple[bool, float, float, float]:
        """Fitting, zoom, and the point in the middle of the view as a fraction of the photo."""
        centre = self.mapToScene(self.viewport().rect().center())
        w, h = max(1.0, self._natural.width()), max(1.0, self._natural.height())
        return self.fitting, self.zoom(), centre.x() / w, centre.y() / h

    def follow(self, state: tuple[bool, float, float, float]) -> None:
        """Show the same zoom and place as another view's :meth:`view_state`."""
        fitting, zoom, fx, fy = state
        self._syncing = True
        try:
            if fitting:
                self.fit()
            else:
                self.fitting = False
                self.setTransform(QTransform.fromScale(zoom, zoom))
                shown = self._natural.width() / max(1, self._item.pixmap().width())
                if not self._full and zoom * shown > 1.01:
                    self.detail_wanted.emit()
                self.centerOn(fx * self._natural.width(), fy * self._natural.height())
        finally:
            self._syncing = False

    def _moved(self) -> None:
        if not self._syncing:
            self.moved.emit()

    def _scrolled(self, _value: int) -> None:
        self._moved()

    # -- the person's hands ---------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.angleDelta().y():
            self.zoom_by(event.angleDelta().y() / 120, under_mouse=True)  # as photo viewers do
            event.accept()
            return
        super().wheelEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.toggle_actual_size(under_mouse=True)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()


def zoom_keys(dialog: QDialog, views: Callable[[], Sequence[PhotoView]]) -> None:
    """Z or 1: 1:1 and back; + and -: zoom; 0: fit. For the preview and compare alike."""
    for key, act in (
        ("Z", lambda v: v.toggle_actual_size()),
        ("1", lambda v: v.toggle_actual_size()),
        ("+", lambda v: v.zoom_by(1)),
        ("=", lambda v: v.zoom_by(1)),
        ("-", lambda v: v.zoom_by(-1)),
        ("0", lambda v: v.fit()),
    ):
        QShortcut(QKeySequence(key), dialog, lambda a=act: [a(v) for v in views()[:1]])
