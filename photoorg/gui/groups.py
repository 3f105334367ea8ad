"""The Groups page: groups of similar photos on the left, the chosen group's photos on the
right; the filter narrows both (and counts what matches), the order sorts the grid."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.group_labels import group_name_key, where_from
from photoorg.core.humanize import plural
from photoorg.core.paths import from_library_folder
from photoorg.gui.layout import FlowRow, beside, filter_field, hint, title
from photoorg.gui.models import GroupListModel, PathRole, PhotoGridModel, PhotoRole
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid

#: The grid's orders: as grouped (the most typical photo first; for "find similar", the most
#: similar first), or as a file browser sorts.
ORDERS = {
    "typical": "Most typical first",
    "date": "By date taken",
    "name": "By name",
    "size": "Largest first",
    "folder": "By folder",
}
T = TypeVar("T")


def ordered(items: Sequence[T], key: str, photo: Callable[[T], Any]) -> list[T]:
    """``items`` in the order ``key`` names (ORDERS); stable, so ties keep the group's order."""
    if key == "date":  # no date taken: the file's date stands in, as in the timeline
        return sorted(items, key=lambda i: photo(i).taken or f"~{photo(i).mtime_ns:020d}")
    if key == "name":
        return sorted(items, key=lambda i: os.path.basename(photo(i).path).lower())
    if key == "size":
        return sorted(items, key=lambda i: -photo(i).size)
    if key == "folder":
        return sorted(items, key=lambda i: (os.path.dirname(photo(i).path).lower(), photo(i).path.lower()))
    return list(items)


class GroupList(QListView):
    """The list of groups; photos dragged from the grid onto a group are moved into it."""

    photos_dropped = Signal(list, int)  # paths, the row of the group they were dropped on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _target(self, event: QDropEvent | QDragMoveEvent) -> int | None:
        index = self.indexAt(event.position().toPoint())
        source = event.source()
        if not index.isValid() or not event.mimeData().hasUrls() or source is None or source is self:
            return None
        return index.row()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and event.source() is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._target(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        row = self._target(event)
        if row is None:
            event.ignore()
            return
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.setDropAction(Qt.DropAction.LinkAction)  # nothing moves on the disk
        event.accept()
        self.photos_dropped.emit(paths, row)


class GroupsPage(QWidget):
    """Groups on the left; the chosen group's photos in a grid on the right."""

    group_renamed = Signal(object)  # Group

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups = GroupListModel(thumbnails, self)
        self.groups.refuse_name = self._name_taken
        self.group_list = GroupList()
        self.group_list.setModel(self.groups)
        self.group_list.setIconSize(QSize(GroupListModel.MOSAIC, GroupListModel.MOSAIC))
        self.group_list.setUniformItemSizes(True)
        self.group_list.setSpacing(2)
        self.group_list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.group_list.setMinimumWidth(240)
        self.group_list.setWordWrap(True)
        self.groups.dataChanged.connect(self._maybe_renamed)
        self.photos = PhotoGridModel(thumbnails, self)
        self.proxy = QSortFilterProxyModel(self)  # the grid's rows (filtered and ordered here)
        self.proxy.setSourceModel(self.photos)
        self.grid = PhotoGrid(150, 1)
        self.grid.start_with_columns(3)  # (see PhotoGrid.start_with_columns)
        self.grid.setModel(self.proxy)
        self.grid.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.heading = title("Groups")
        self.heading.setMinimumWidth(1)  # a long group name must not widen the window
        self.subheading = hint("")
        self.filter = filter_field(
            self,
            self._refilter,
            "Shows the groups with a photo whose name, or folder from the library folder's name on, "
            "holds the text, or named so",
        )
        self.filter.setMinimumWidth(140)
        self.filter.setMaximumWidth(260)
        self.order = QComboBox()
        self.order.setToolTip("The order of the photos in the grid")
        for key, text in ORDERS.items():
            self.order.addItem(text, key)
        self.order.currentIndexChanged.connect(lambda _i: self._show_photos())
        self.rename_button = QPushButton("Rename…")
        self.move_button = QPushButton("Move to folder…")
        self.copy_button = QPushButton("Copy to folder…")
        self.organize_button = QPushButton("Organize…")
        self.organize_button.setToolTip("Sort this group's photos into folders by date, with a plan first")
        self.rename_button.clicked.connect(self._rename)
        tools = FlowRow()
        for w in (self.filter, self.order, self.rename_button, self.move_button, self.copy_button,
                  self.organize_button):  # fmt: skip
            tools.addWidget(w)
        split = beside(
            self.group_list, [self.heading, self.subheading, tools, self.grid], self.grid, [300, 900]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.group_list.selectionModel().currentChanged.connect(self._show_group)
        self._showing: Any = None
        self._similar_of = ""
        self._all: list[Any] = []  # every group, unfiltered
        self._named: Callable[[str], str] = from_library_folder(())  # what the filter reads
        self._similar: list[tuple[Any, float]] = []  # a "find similar" result, closest first
        self._update_buttons()  # nothing shown yet: nothing to rename, move or organize

    def set_groups(self, groups: list[Any], empty_text: str = "") -> None:
        """New groups; the group shown before stays shown (found by its most central photo),
        and a "find similar" result stays up, less the photos that are gone."""
        self._all = list(groups)
        self._empty_text = empty_text
        if self._showing is None and self._similar_of:  # a "find similar" view
            present = {p.path for g in groups for p in g.photos}
            self._similar = [(p, s) for p, s in self._similar if p.path in present]
        self._refilter()

    def set_library_folders(self, folders: Sequence[str]) -> None:
        """The filter matches a photo's path from its library folder's name on."""
        self._named = from_library_folder(folders)
        if self.filter.text().strip():
            self._refilter()

    def _refilter(self) -> None:
        """The groups with a photo that matches the filter (or named so), counted again; the
        group shown stays shown while it matches."""
        text = self.filter.text().strip().lower()
        groups, totals = self._all, None
        if text:
            groups, totals = [], {}
            for g in self._all:
                if text in g.label.lower():
                    matched = g.photos
                else:
                    matched = [p for p in g.photos if text in self._named(p.path).lower()]
                if matched:
                    kept = set(matched) if matched is not g.photos else None
                    reps = [p for p in g.representatives if kept is None or p in kept] or matched[:4]
                    groups.append(replace(g, photos=matched, representatives=reps))
                    totals[g.id] = g.size
        showing = self._showing
        places = (self.group_list.verticalScrollBar().value(), self.grid.verticalScrollBar().value())
        index = self.grid.currentIndex()
        current = index.data(PathRole) if index.isValid() else None
        after = [self.proxy.index(r, 0).data(PathRole) for r in range(index.row() + 1, self.proxy.rowCount())]
        self.groups.set_groups(groups, totals)
        if showing is None and self._similar_of:
            self._show_photos()
            self._keep_place(current, after)
            return
        if not groups:
            self._showing = None
            self.photos.set_photos([])
            self.heading.setText("Groups")
            self.subheading.setText(
                f"No group has a photo whose name or folder holds \u201c{self.filter.text()}\u201d."
                if text and self._all
                else self._empty_text or "No groups yet."
            )
            self._update_buttons()
            return
        row = 0
        if showing is not None:  # groups keep their ids across regroupings
            row = self.groups.row_of(showing.id) or 0
        self.group_list.setCurrentIndex(self.groups.index(row))
        self._show_group(self.groups.index(row))
        if showing is not None and self._showing is not None and self._showing.id == showing.id:
            # The same group, regrouped (a scan going on): the person's place stays where it was.
            self.group_list.verticalScrollBar().setValue(places[0])
            self.grid.verticalScrollBar().setValue(places[1])
            self._keep_place(current, after)

    def _keep_place(self, current: str | None, after: list[str]) -> None:
        """The photo that was current stays current; when it is gone (trashed or moved, not
        filtered out), the photo after it is current and chosen, as in All photos (a hostile
        review: typing a filter chose a photo; a trash in a "find similar" view left none)."""
        if not current:
            return
        where = {self.proxy.index(r, 0).data(PathRole): r for r in range(self.proxy.rowCount())}
        flag, row = QItemSelectionModel.SelectionFlag.NoUpdate, where.get(current)
        if self._showing is None:
            there = any(p.path == current for p, _ in self._similar)
        else:
            there = any(p.path == current for g in self._all for p in g.photos)
        if row is None and not there:
            flag = QItemSelectionModel.SelectionFlag.ClearAndSelect
            row = next((where[p] for p in after if p in where), len(where) - 1 if where else None)
        if row is not None:
            self.grid.selectionModel().setCurrentIndex(self.proxy.index(row, 0), flag)

    def _show_group(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        g = self.groups.group(index.row())
        self._showing = g
        self._similar_of = ""
        self._show_photos()
        self.heading.setText(g.label)
        full = next((a.size for a in self._all if a.id == g.id), g.size)
        count = plural(full, "photo") if full == g.size else f"{g.size} of {plural(full, 'photo')} match"
        if g.id < 0 and not any(a.id is not None and a.id >= 0 for a in self._all):  # Unsorted alone
            count += (
                " · no group yet: a group forms where several photos are alike (File > Settings > "
                "Smallest group); more photos, more groups"
            )
        where = where_from([p.path for p in g.photos], self._named)
        self.subheading.setText(count + (f" · {where}" if g.photos else ""))
        self._update_buttons()

    def show_similar(self, path: str, found: list[tuple[Any, float]]) -> None:
        """A "find similar" result in the grid, closest first (the group list keeps its place)."""
        self._showing = None
        self._similar_of = path
        self._similar = list(found)
        # No current group either, so that clicking any group (the last one too) shows it again.
        self.group_list.setCurrentIndex(QModelIndex())
        self._show_photos()
        self.heading.setText(f"Similar to {os.path.basename(path)}")
        self.subheading.setText(f"The {len(found)} closest photos, most similar first")
        self._update_buttons()

    def _show_photos(self) -> None:
        """The grid: the group's photos (or the similar ones, filtered), in the order chosen."""
        key = self.order.currentData()
        if self._showing is None and self._similar_of:
            text = self.filter.text().strip().lower()
            found = [(p, s) for p, s in self._similar if text in p.path.lower()]
            found = ordered(found, key, lambda ps: ps[0])
            self.photos.set_photos([p for p, _ in found], [s for _, s in found])
        elif self._showing is not None:
            self.photos.set_photos(ordered(self._showing.photos, key, lambda p: p))
        self._update_buttons()

    def _update_buttons(self) -> None:
        g = self._showing
        self.rename_button.setEnabled(g is not None and g.id is not None and g.id >= 0)
        has_photos = self.proxy.rowCount() > 0
        self.move_button.setEnabled(has_photos)
        self.copy_button.setEnabled(has_photos)
        self.organize_button.setEnabled(has_photos)
        chosen = len(self._selected_rows())  # the buttons act on the selection when there is one
        self.move_button.setText(f"Move {chosen} selected…" if chosen else "Move to folder…")
        self.copy_button.setText(f"Copy {chosen} selected…" if chosen else "Copy to folder…")

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})

    def shown_photos(self) -> list[Any]:
        """The photos in the grid as filtered now."""
        return [self.proxy.index(r, 0).data(PhotoRole) for r in range(self.proxy.rowCount())]

    def chosen_photos(self) -> list[Any]:
        """What Move and Copy act on: the selected photos, or all those shown when none is."""
        rows = self._selected_rows()
        return [self.proxy.index(r, 0).data(PhotoRole) for r in rows] if rows else self.shown_photos()

    def current_group(self) -> Any:
        """The group shown (None while a "find similar" result is shown)."""
        return self._showing

    def _name_taken(self, group: Any, name: str) -> str | None:
        """Why ``group`` may not be called ``name``: another group is (as the library refuses
        it too; said here at once, in words of the app: an app review had a modal error name a
        group id the app never shows, and a command)."""
        key = group_name_key(name) if name else None
        other = next(
            (g for g in self._all if g.id != group.id and g.name and group_name_key(g.name) == key), None
        )
        if other is None:
            return None
        return (
            f"Another group is called \u201c{other.name}\u201d already: give this one another name, or "
            "merge the two (right-click a group in the list > Merge into)."
        )

    def _rename(self) -> None:
        ix = self.group_list.currentIndex()
        if ix.isValid():
            self.group_list.scrollTo(ix)  # (a review: the editor opened out of view)
            self.group_list.edit(ix)

    def _maybe_renamed(self, top: QModelIndex, _bottom: QModelIndex, roles: list[int]) -> None:
        if Qt.ItemDataRole.EditRole in roles:
            g = self.groups.group(top.row())
            if g is self._showing:
                self.heading.setText(g.label)
            for original in self._all:  # a filtered group is a copy: the whole one is renamed too
                if original.id == g.id and original is not g:
                    original.name = g.name
                    original.describe()
            self.group_renamed.emit(g)
