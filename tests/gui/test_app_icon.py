"""The window carries photoorg's icon (the one the menu entry and the bundle use)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize

from photoorg.desktop import ICON_SIZES
from photoorg.gui.app import MainWindow


def test_the_window_shows_photoorgs_icon_at_every_size(open_window: Callable[..., MainWindow]) -> None:
    window = open_window(show=False)
    icon = window.windowIcon()
    assert not icon.isNull()
    assert {QSize(s, s) for s in ICON_SIZES} <= set(icon.availableSizes())
