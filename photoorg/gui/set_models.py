"""Item models of the Duplicates page: the sets of one verdict, and the photos of the set
shown with their Keep checks. Like every model here, ``data()`` is O(1) and reads no file."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

from photoorg.core.humanize import VERDICT_TITLES, how_alike, human_bytes
from photoorg.core.timeline import shown_date
from photoorg.gui.models import BadgeRole, DetailRole, PhotoGridModel, photo_details
from photoorg.gui.thumbnails import Thumbnails

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()

VERDICT_NAMES = VERDICT_TITLES


#: Height of a row of the set list: a 64x48 thumbnail and the two lines beside it.
SET_ROW_HEIGHT = 54
#: The set list's thumbnail box: every row's text starts at the same place after it.
SET_ICON = QSize(64, 48)


def boxed(pm: QPixmap, size: QSize = SET_ICON) -> QPixmap:
    """The thumbnail scaled into a transparent box of ``size``, centred: a view lays the text
    out after the icon's own size, so a tall photo's row began its text further left (a
    review found the set list's text shifting from row to row)."""
    scaled = pm.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    out = QPixmap(size)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.drawPixmap((size.width() - scaled.width()) // 2, (size.height() - scaled.height()) // 2, scaled)
    painter.end()
    return out


class DuplicateSetListModel(QAbstractListModel):
    """The duplicate sets of one verdict; a set the person looked at is marked reviewed."""

    def __init__(self, thumbnails: Thumbnails, parent: Any = None) -> None:
        super().__init__(parent)
        self._thumbs = thumbnails
        self._sets: list[Any] = []
        self.reviewed: set[str] = set()  # ids of sets the person looked at, over every tab
        self.freed: dict[str, int] = {}  # bytes the person's checks free, by set id (else the start's)
        self._row_of_keeper: dict[str, int] = {}
        self._icons: dict[int, QIcon] = {}  # by the thumbnail's cacheKey
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_sets(self, sets: list[Any]) -> None:
        self.beginResetModel()
        self._sets = list(sets)
        self._row_of_keeper = {s.keeper.path: k for k, s in enumerate(self._sets)}
        self.endResetModel()

    def row_of(self, set_id: str) -> int | None:
        return next((k for k, s in enumerate(self._sets) if s.id == set_id), None)

    def duplicate_set(self, row: int) -> Any:
        return self._sets[row]

    def sets(self) -> list[Any]:
        return list(self._sets)

    def mark_reviewed(self, row: int) -> None:
        if self._sets[row].id not in self.reviewed:
            self.reviewed.add(self._sets[row].id)
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DisplayRole, BadgeRole])

    def set_freed(self, set_id: str, freed: int) -> None:
        """What the set's checks free now (they changed)."""
        self.freed[set_id] = freed
        row = self.row_of(set_id)
        if row is not None:
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DisplayRole, DetailRole])

    def is_reviewed(self, row: int) -> bool:
        return self._sets[row].id in self.reviewed

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._sets)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sets):
            return None
        s = self._sets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            reviewed = "✓ " if s.id in self.reviewed else ""
            details = _set_details(s, self.freed.get(s.id))
            return f"{reviewed}{os.path.basename(s.keeper.path)} + {len(s.photos) - 1}\n{details}"
        if role == DetailRole:
            return _set_details(s, self.freed.get(s.id))
        if role == BadgeRole:
            return "Reviewed" if s.id in self.reviewed else ""
        if role == Qt.ItemDataRole.DecorationRole:
            # A QIcon of the box's size, so every row's text starts at the same place.
            pm = self._thumbs.get(s.keeper.path, s.keeper.fingerprint)
            if pm is None:
                return QIcon()
            icon = self._icons.get(pm.cacheKey())
            if icon is None:
                icon = self._icons[pm.cacheKey()] = QIcon(boxed(pm))
                if len(self._icons) > 500:  # a few screens' worth
                    self._icons.pop(next(iter(self._icons)))
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:  # what a narrow list elides, and every file
            reviewed = s.id in self.reviewed  # the ✓, said (a new-user review: no legend)
            seen = ["", "✓ Reviewed: Trash unchecked in all reviewed sets takes it in"] if reviewed else []
            return "\n".join([_set_details(s, self.freed.get(s.id)), *seen, "", *(p.path for p in s.photos)])
        if role == Qt.ItemDataRole.SizeHintRole:
            # As wide as the list, whatever the text: a long line is elided ("…"), not scrolled.
            return QSize(1, SET_ROW_HEIGHT)
        return None

    def _thumbnail_ready(self, path: str) -> None:
        row = self._row_of_keeper.get(path)
        if row is not None:
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DecorationRole])


def _set_details(s: Any, freed: int | None = None) -> str:
    """The numbers of a set's row, each labelled: how many photos, what the checks free, and
    how alike its two least alike photos are."""
    freed = s.reclaimable_bytes if freed is None else freed
    text = f"{len(s.photos)} photos"
    if freed:
        text += f" · {human_bytes(freed)} to free"
    if s.verdict.value != "exact":  # a line of its own: in a narrow list it was cut off
        text += f"\n{how_alike(len(s.photos), s.weakest)}"
    return text


class SetMembersModel(PhotoGridModel):
    """The photos of one duplicate set, side by side; checked photos are kept.

    Which start checked: see ``DuplicateSet.starts_kept``; protected photos are always kept.
    """

    def __init__(self, thumbnails: Thumbnails, parent: Any = None) -> None:
        super().__init__(thumbnails, parent)
        self.duplicate_set: Any = None
        self._keep: dict[str, bool] = {}
        self._protected: set[str] = set()

    def set_duplicate_set(self, duplicate_set: Any, keep: dict[str, bool] | None = None) -> None:
        """Show a set; ``keep`` (by path) is what the person checked before, if anything."""
        self.duplicate_set = duplicate_set
        self._protected = set(duplicate_set.protected) if duplicate_set else set()
        photos = duplicate_set.photos if duplicate_set else []
        self._keep = duplicate_set.starts_kept() if duplicate_set else {}
        if keep:
            self._keep.update({p: k for p, k in keep.items() if p in self._keep and p not in self._protected})
        self.set_photos(photos)

    def _keeper_row(self) -> int:
        """The suggested keeper while it is checked, else the first photo checked."""
        return next((k for k, p in enumerate(self._photos) if self._keep[p.path]), -1)

    def keep_flags(self) -> dict[str, bool]:
        return dict(self._keep)

    def unchecked(self) -> list[str]:
        return [p.path for p in self._photos if not self._keep[p.path]]

    def set_keep(self, row: int, keep: bool) -> None:
        self.setData(
            self.index(row),
            Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked,
            Qt.ItemDataRole.CheckStateRole,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        row = index.row()
        p = self._photos[row]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self._keep[p.path] else Qt.CheckState.Unchecked
        if role == BadgeRole:  # follows the checks: what will go, and the photo that stays
            if p.path in self._protected:
                return "Protected"
            if not self._keep[p.path]:
                return "To trash"
            if row != self._keeper_row():
                return ""
            if all(self._keep.values()):  # nothing goes: no photo is kept instead of another
                # Of similar shots (different photos, all kept) the best one, by the keeper rules
                # (a review: "Keeper" on one of photos that all stay meant nothing).
                similar = self.duplicate_set is not None and self.duplicate_set.verdict.value == "similar"
                return "Best" if similar else ""
            return "Keeper"
        if role == DetailRole:
            folder = os.path.basename(os.path.dirname(p.path)) or os.path.dirname(p.path)
            # A file's date is said to be one, as the timeline says it (a review: a copy's file
            # date read as its date taken, with "taken first" a keeper rule).
            date = (shown_date(p, p.taken[:10]) if p.taken else "") or (
                f"{datetime.fromtimestamp(p.mtime_ns / 1e9):%Y-%m-%d} (file date)"
            )
            return f"{photo_details(p)} · {p.format or '?'}\n{date} · {folder}"
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self._photos[index.row()].path not in self._protected:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        if self._photos[index.row()].path in self._protected:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(value)
        self._keep[self._photos[index.row()].path] = state == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        if self._photos:  # the badges follow (the keeper may move to another photo)
            self.dataChanged.emit(self.index(0), self.index(len(self._photos) - 1), [BadgeRole])
        return True
