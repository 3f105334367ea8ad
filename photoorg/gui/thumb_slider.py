"""The status bar's thumbnail size slider (out of views.py, past 18 KB)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSlider, QStackedWidget

from photoorg.gui.views import THUMB_MAX, THUMB_MIN, THUMB_STEP, PhotoGrid


class ThumbnailSlider(QSlider):
    """The status bar's thumbnail size for the page shown (hidden on pages without photos);
    it follows Ctrl+wheel and Ctrl +/- in the grid."""

    def __init__(self, pages: QStackedWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._pages = pages
        self.setRange(THUMB_MIN, THUMB_MAX)
        self.setSingleStep(THUMB_STEP)
        self.setPageStep(THUMB_STEP)
        self.setFixedWidth(110)
        self.setToolTip("Thumbnail size (also Ctrl+wheel, Ctrl +/-)")
        self.valueChanged.connect(self._slide)
        pages.currentChanged.connect(lambda _i: self.follow())

    def grid(self) -> PhotoGrid | None:
        return self._pages.currentWidget().findChild(PhotoGrid)

    def zoom(self, steps: int) -> None:
        """Larger or smaller thumbnails in the page shown (View > Larger / Smaller)."""
        grid = self.grid()
        if grid is not None:
            grid.zoom(steps)

    def _slide(self, size: int) -> None:
        grid = self.grid()
        if grid is not None:
            grid.set_thumb(size)

    def follow(self, *_args: object) -> None:
        grid = self.grid()
        self.setVisible(grid is not None)
        if grid is not None:
            self.blockSignals(True)
            self.setValue(grid.delegate.thumb)
            self.blockSignals(False)
