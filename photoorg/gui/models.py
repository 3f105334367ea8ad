"""Item models. Each holds a list the core computed; ``data()`` is O(1) and never reads a file.

Thumbnails come from :class:`~photoorg.gui.thumbnails.Thumbnails`: a miss queues a load and
paints a placeholder; the arrival is announced with a DecorationRole-only ``dataChanged``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QPixmap

from photoorg.core.humanize import date_span, human_bytes, plural, years_or_days
from photoorg.core.timeline import Timeline, shown_date
from photoorg.gui.thumbnails import Thumbnails, mosaic

PhotoRole = Qt.ItemDataRole.UserRole + 1  # the PhotoInfo
PathRole = Qt.ItemDataRole.UserRole + 2  # its path (str)
DetailRole = Qt.ItemDataRole.UserRole + 3  # a second line of text
BadgeRole = Qt.ItemDataRole.UserRole + 4  # a short badge ("Keeper", "Protected") or ""
MarkRole = Qt.ItemDataRole.UserRole + 5  # a mark on the photo itself ("LIVE": a Live Photo) or ""

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def photo_details(p: Any) -> str:
    size = f"{p.width}x{p.height}" if p.width and p.height else "?"
    return f"{size} · {human_bytes(p.size)}"


def photo_tooltip(p: Any) -> str:
    lines = [p.path, photo_details(p)]
    if p.taken:
        source = getattr(p, "taken_from", None)  # a sidecar's date (core.sidecar_dates)
        known = getattr(p, "taken_known", None)  # its year or month alone (a scanned print)
        when = shown_date(p, p.taken.replace("T", " "))  # "1975" for a year alone
        alone = f"the {known} only, " if known else ""
        lines.append(f"taken {when}" + (f" ({alone}from {source})" if source else ""))
    if p.camera:
        lines.append(p.camera)
    lines.append(f"modified {datetime.fromtimestamp(p.mtime_ns / 1e9):%Y-%m-%d %H:%M}")
    return "\n".join(lines)


class PhotoGridModel(QAbstractListModel):
    """The photos of one group (or of a "find similar" result) for a thumbnail grid."""

    def __init__(self, thumbnails: Thumbnails, parent: Any = None, score_label: str = "similarity") -> None:
        super().__init__(parent)
        self._thumbs = thumbnails
        self._photos: list[Any] = []
        self._scores: list[float] | None = None
        self._score_label = score_label  # what the number under a photo is
        self._row_of: dict[str, int] = {}
        self._placeholder = QPixmap()
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_photos(self, photos: list[Any], scores: list[float] | None = None) -> None:
        self.beginResetModel()
        self._photos = list(photos)
        self._scores = scores
        self._row_of = {p.path: k for k, p in enumerate(self._photos)}
        self.endResetModel()

    def photo(self, row: int) -> Any:
        return self._photos[row]

    def row_of(self, path: str) -> int | None:
        return self._row_of.get(path)

    def photos(self) -> list[Any]:
        return list(self._photos)

    def scores(self) -> list[float] | None:
        return list(self._scores) if self._scores is not None else None

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._photos)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        p = self._photos[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(p.path)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbs.get(p.path, p.fingerprint) or self._placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            return photo_tooltip(p)
        if role == DetailRole:
            if self._scores is not None:
                return f"{self._score_label} {self._scores[index.row()]:.3f}"
            return photo_details(p)
        if role == PhotoRole:
            return p
        if role == PathRole:
            return p.path
        if role == MarkRole:
            return "LIVE" if p.path in self._thumbs.live else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """Dragging photos out gives other apps their files."""
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(self._photos[i.row()].path) for i in indexes if i.isValid()])
        return mime

    def _thumbnail_ready(self, path: str) -> None:
        row = self._row_of.get(path)
        if row is not None:
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DecorationRole])


class GroupListModel(QAbstractListModel):
    """Groups of similar photos, each with a mosaic of its representatives; Unsorted last.

    Holds the groups' stable ids (a numpy array) and looks each row's group up by id; the texts
    a row shows are made once per grouping (or rename), never in ``data()``.
    """

    MOSAIC = 96
    name_refused = Signal(str)  # why a name typed was not given (said in the status bar)

    def __init__(self, thumbnails: Thumbnails, parent: Any = None) -> None:
        super().__init__(parent)
        self._thumbs = thumbnails
        #: (group, name) -> why the group may not have that name, or None (the page knows all
        #: the groups, the model only those shown)
        self.refuse_name: Callable[[Any, str], str | None] | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._by_id: dict[int, Any] = {}
        self._texts: dict[int, tuple[str, str, str]] = {}  # id -> (display, details, tooltip)
        self._totals: dict[int, int] = {}  # id -> size before the filter, while filtered
        self._mosaics: dict[int, QPixmap] = {}
        self._rows_of_path: dict[str, list[int]] = {}
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_groups(self, groups: list[Any], totals: dict[int, int] | None = None) -> None:
        """``totals``: the groups are filtered; each one's size before (rows say "3 of 40")."""
        self.beginResetModel()
        self._ids = np.array([g.id for g in groups], dtype=np.int64)
        self._by_id = {g.id: g for g in groups}
        self._totals = totals or {}
        self._texts = {g.id: _group_texts(g, self._totals.get(g.id)) for g in groups}
        self._mosaics.clear()
        self._rows_of_path = {}
        for row, g in enumerate(groups):
            for p in g.representatives:
                self._rows_of_path.setdefault(p.path, []).append(row)
        self.endResetModel()

    def group(self, row: int) -> Any:
        return self._by_id[int(self._ids[row])]

    def row_of(self, group_id: int) -> int | None:
        rows = np.flatnonzero(self._ids == group_id)
        return int(rows[0]) if len(rows) else None

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def _mosaic(self, row: int) -> QPixmap:
        gid = int(self._ids[row])
        pm = self._mosaics.get(gid)
        if pm is None:
            reps = self._by_id[gid].representatives
            thumbs = [self._thumbs.get(p.path, p.fingerprint) for p in reps]
            pm = mosaic(thumbs, self.MOSAIC)
            if all(t is not None for t in thumbs):
                self._mosaics[gid] = pm  # complete: keep it
        return pm

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        gid = int(self._ids[index.row()])
        display, details, tooltip = self._texts[gid]
        if role == Qt.ItemDataRole.DisplayRole:
            return display
        if role == Qt.ItemDataRole.EditRole:  # a name to edit, not the label made of folder and dates
            g = self._by_id[gid]
            # (a review: "Group 4" gave an empty editor, the label gone, nothing to say what it was)
            return g.label if gid < 0 else g.name or g.folder_hint or g.label
        if role == Qt.ItemDataRole.DecorationRole:
            return self._mosaic(index.row())
        if role == DetailRole:
            return details
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self._ids[index.row()] >= 0:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Renaming a group; the window has the library keep the name with the group."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        g = self.group(index.row())
        name = str(value).strip()
        if g.id < 0 or (name == self.data(index, Qt.ItemDataRole.EditRole) and not g.name):
            return False  # Unsorted has no name; an untouched suggestion is not a name
        why_not = self.refuse_name(g, name) if self.refuse_name is not None else None
        if why_not:  # said, the name kept (an app review: a modal error naming a hidden group id)
            self.name_refused.emit(why_not)
            return False
        g.name = name
        g.describe()
        self._texts[g.id] = _group_texts(g, self._totals.get(g.id))
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def _thumbnail_ready(self, path: str) -> None:
        for row in self._rows_of_path.get(path, ()):
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DecorationRole])


#: The most of a group's name its row in the list shows (two lines beside its mosaic).
LABEL_CHARS = 30


def _group_texts(g: Any, total: int | None = None) -> tuple[str, str, str]:
    """(the row's two lines, its details line, its tooltip), made once per group; ``total``:
    the group's size when it is shown filtered."""
    count = plural(g.size, "photo") if total is None or total == g.size else f"{g.size} of {total} photos"
    details = count
    span = date_span(g.date_range, " – ")
    if span:  # how many say it (a review: one date of five photos read as the group's)
        details += f" · {span}" + ("" if g.dated == g.size else f" ({g.dated} dated)")
    # A long name cut to two lines, whole in the tool tip and the heading (an app review: at
    # 800x600 it took four lines and cut the row's dates off).
    label = g.label if len(g.label) <= LABEL_CHARS else g.label[: LABEL_CHARS - 1].rstrip() + "…"
    display = f"{label}\n{count}"
    if g.date_range and g.date_range[0][:4] not in g.label:  # dates the label does not say: a
        display += f"\n{years_or_days(g.date_range)}"  # third line (an app review: only tool tips had them)
        display += "" if g.dated == g.size else f" ({g.dated} dated)"  # how many say it
    tooltip = f"{g.label}\n{details}\n{g.where_from}" if g.photos else g.label
    return display, details, tooltip


class RowsTable(QAbstractTableModel):
    """A table of rows (tuples) under the column names ``HEADERS``; a subclass says what each
    row shows (data)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class ProblemsModel(RowsTable):
    """Every file that could not be read, with the reason."""

    HEADERS = ("File", "Folder", "Reason")

    def set_failures(self, failures: list[tuple[str, str]]) -> None:
        self.set_rows(failures)

    def path(self, row: int) -> str:
        return self._rows[row][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        path, reason = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (os.path.basename(path), os.path.dirname(path), reason)[index.column()]
        if role == PathRole:
            return path
        return None


class TimelineModel(PhotoGridModel):
    """Every photo, newest first; a month's first photo carries the month as its badge."""

    def __init__(self, thumbnails: Thumbnails, parent: Any = None) -> None:
        super().__init__(thumbnails, parent)
        self.timeline = Timeline()
        self._heading_rows: dict[int, str] = {}

    def set_timeline(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._heading_rows = {m.first: m.label for m in timeline.months}
        self.set_photos(timeline.photos)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == BadgeRole and index.isValid():
            return self._heading_rows.get(index.row(), "")
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and self.timeline.live:
            video = self.timeline.live.get(self._photos[index.row()].path)
            if video is not None:  # (the trash's question says whether it goes with the photo)
                return (
                    f"{super().data(index, role)}\nLive Photo, with its video {os.path.basename(video.path)}"
                )
        if role == DetailRole and index.isValid() and 0 <= index.row() < len(self.timeline.dates):
            row = index.row()
            date = shown_date(self._photos[row], self.timeline.dates[row])
            # The date and the size in pixels, which fit under a thumbnail (a review at 1280x800:
            # "2005-12-29 · 800x533 · 60.4…"); the bytes are in the tool tip.
            if row in self.timeline.file_dated:
                return f"{date} · file date"
            p = self._photos[row]
            if p.dated_by_name:  # said as the file's date is (core.name_dates)
                return f"{date} · from its name"
            return f"{date} · {p.width}x{p.height}" if p.width and p.height else date
        return super().data(index, role)
