"""Where the window opens: where it was last time (its size and list dividers, kept in
window.ini in the config folder), or 1280x800 shrunk to what the screen has free."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QStyle, QWidget

WINDOW_FILE = "window.ini"


def _saved(config: Path) -> QSettings:
    return QSettings(str(config / WINDOW_FILE), QSettings.Format.IniFormat)


def _splitters(pages: list[QWidget]) -> list[QSplitter | None]:
    return [page.findChild(QSplitter) for page in pages]


def place_on_screen(window: QMainWindow, pages: list[QWidget], config: Path) -> None:
    """Where the window was last time, or 1280x800 within the screen's free area, title bar
    included, centred."""
    saved = _saved(config)
    geometry = saved.value("geometry")
    if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
        for i, split in enumerate(_splitters(pages)):
            state = saved.value(f"splitter{i}")
            if split is not None and isinstance(state, QByteArray):
                split.restoreState(state)
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
    title = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + 8  # and the frame
    size = QSize(min(1280, free.width() - 8), min(800, free.height() - title))
    window.resize(size.expandedTo(window.minimumSizeHint()))
    # The lists' first widths are meant for 1280 px: a smaller screen narrows them in proportion
    # (down to each list's minimum), not the photos beside them alone.
    for split in _splitters(pages):
        if split is not None and window.width() < 1280:
            split.setSizes([round(n * window.width() / 1280) for n in split.sizes()])
    window.move(
        free.x() + (free.width() - window.width()) // 2,
        free.y() + max(0, (free.height() - title - window.height()) // 2),
    )


def fit_dialog(dialog: QWidget, width: int, height: int) -> None:
    """Resize a dialog to ``width`` x ``height``, or to what the screen has free (800x600)."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
    title = dialog.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + 8
    dialog.resize(min(width, free.width() - 8), min(height, free.height() - title))


def remember_place(window: QMainWindow, pages: list[QWidget], config: Path) -> None:
    saved = _saved(config)
    saved.setValue("geometry", window.saveGeometry())
    for i, split in enumerate(_splitters(pages)):
        if split is not None:
            saved.setValue(f"splitter{i}", split.saveState())
    saved.sync()
