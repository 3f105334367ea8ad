"""The Albums page's list of albums: each with its name and how many photos it has, known by
its id (its name can change); F2 asks to rename the one chosen. Split out of
:mod:`photoorg.gui.albums`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from photoorg.core.humanize import plural

_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # an album's id: its name can change


def listed(album: Any) -> str:
    """An album as the list shows it: its name and how many photos it has, also those away
    (as its heading counts them)."""
    return f"{album.name}\n{plural(len(set(album.positives)), 'photo')}"


class AlbumList(QListWidget):
    """The albums, oldest first; the item's text is :func:`listed`, its data the name and id."""

    rename_wanted = Signal(str)  # F2 on an album

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(150)
        # A long name wraps within the list (a review: it was cut, under a sideways scroll bar).
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListWidget::item { padding: 6px; }")
        self.setToolTip("Right-click an album to rename or delete it (F2 renames)")

    def fill(self, albums: list[Any]) -> bool:
        """These albums, without a signal; the one chosen stays chosen (by id, also when it was
        renamed). Whether it did."""
        item = self.currentItem()
        current = item.data(_ID_ROLE) if item is not None else None
        ids = [a.id for a in albums]
        self.blockSignals(True)
        self.clear()
        for a in albums:
            self.addItem(self._item(a))
        if current in ids:
            self.setCurrentRow(ids.index(current))
        self.blockSignals(False)
        return current in ids

    def add(self, album: Any) -> None:
        """A new album, chosen, without a signal."""
        item = self._item(album)
        self.blockSignals(True)
        self.addItem(item)
        self.setCurrentItem(item)
        self.blockSignals(False)

    def names(self) -> list[str]:
        return [self.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.count())]

    def current_name(self) -> str | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F2 and self.current_name():
            self.rename_wanted.emit(self.current_name())
            return
        super().keyPressEvent(event)

    @staticmethod
    def _item(album: Any) -> QListWidgetItem:
        item = QListWidgetItem(listed(album))
        item.setData(Qt.ItemDataRole.UserRole, album.name)
        item.setData(_ID_ROLE, album.id)
        return item
