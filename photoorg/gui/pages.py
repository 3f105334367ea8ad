"""Pages of the main window: Library, Groups, Problems (Duplicates: gui/duplicates.py)."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import plural
from photoorg.core.paths import is_under
from photoorg.gui.layout import FlowRow, beside, hint, title
from photoorg.gui.models import (
    GroupListModel,
    PathRole,
    PhotoGridModel,
    PhotoRole,
    ProblemsModel,
)
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid


class LibraryPage(QWidget):
    """The photo folders: add, remove, protect; scan; what the catalog holds."""

    add_requested = Signal()
    remove_requested = Signal(str)
    protect_changed = Signal(str, bool)
    scan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = hint("")
        self.folders = QTreeWidget()
        self.folders.setHeaderLabels(["Folder", "Photos", "Protected"])
        self.folders.setAlternatingRowColors(True)
        self.folders.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.folders.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.itemChanged.connect(self._item_changed)
        self.folders.currentItemChanged.connect(
            lambda item, _old: self.remove_button.setEnabled(item is not None and item.parent() is None)
        )
        self.add_button = QPushButton("Add folder…")
        self.remove_button = QPushButton("Remove from library")
        self.scan_button = QPushButton("Scan now")
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button.clicked.connect(self._remove)
        self.scan_button.clicked.connect(self.scan_requested)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.scan_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Library"))
        layout.addWidget(
            hint(
                "The folders photoorg looks at (drop folders here to add them). Photos in a protected "
                "folder are never proposed for removal. Removing a folder from the library leaves its "
                "photos untouched."
            )
        )
        layout.addWidget(self.folders, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self._filling = False

    def set_folders(
        self, folders: list[str], protected: list[str], counts: dict[str, int], missing: list[str]
    ) -> None:
        """The library folders, each with the protected folders inside it as its children."""
        self._filling = True
        current = self.folders.currentItem()
        current_folder = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self.folders.clear()
        for folder in folders:
            count = "not found" if folder in missing else str(counts.get(folder, "…"))
            item = self._item(folder, count, folder in protected)
            if folder in missing:
                item.setToolTip(
                    1, "The folder is not there (a disconnected drive?). Its photos stay in the catalog."
                )
            self.folders.addTopLevelItem(item)
            for inner in protected:
                if inner != folder and is_under(inner, [folder]):
                    child = self._item(inner, "", True)
                    child.setText(0, os.path.relpath(inner, folder))
                    child.setToolTip(0, f"{inner}: a protected folder inside the library folder")
                    item.addChild(child)
            item.setExpanded(True)
            if folder == current_folder:
                self.folders.setCurrentItem(item)
        self._filling = False
        item = self.folders.currentItem()
        self.remove_button.setEnabled(item is not None and item.parent() is None)

    def _item(self, folder: str, count: str, protected: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem([folder, count, ""])
        item.setData(0, Qt.ItemDataRole.UserRole, folder)
        item.setCheckState(2, Qt.CheckState.Checked if protected else Qt.CheckState.Unchecked)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._filling and column == 2:
            folder = item.data(0, Qt.ItemDataRole.UserRole)
            self.protect_changed.emit(folder, item.checkState(2) == Qt.CheckState.Checked)

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.remove_requested.emit(item.data(0, Qt.ItemDataRole.UserRole))


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
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.photos)
        self.proxy.setFilterRole(PathRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.grid = PhotoGrid(150, 1)
        self.grid.setModel(self.proxy)
        self.grid.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.heading = title("Groups")
        self.heading.setMinimumWidth(1)  # a long group name must not widen the window
        self.subheading = hint("")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name or folder (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(140)
        self.filter.setMaximumWidth(260)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.filter,
            self.filter.clear,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.filter.textChanged.connect(lambda _t: self._update_buttons())
        self.rename_button = QPushButton("Rename…")
        self.move_button = QPushButton("Move to folder…")
        self.copy_button = QPushButton("Copy to folder…")
        self.organize_button = QPushButton("Organize…")
        self.organize_button.setToolTip("Sort this group's photos into folders by date, with a plan first")
        self.rename_button.clicked.connect(self._rename)
        tools = FlowRow()
        for w in (self.filter, self.rename_button, self.move_button, self.copy_button, self.organize_button):
            tools.addWidget(w)
        split = beside(
            self.group_list, [self.heading, self.subheading, tools, self.grid], self.grid, [300, 900]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.group_list.selectionModel().currentChanged.connect(self._show_group)
        self._showing: Any = None
        self._similar_of = ""

    def set_groups(self, groups: list[Any], empty_text: str = "") -> None:
        """New groups; the group shown before stays shown (found by its most central photo),
        and a "find similar" result stays up, less the photos that are gone."""
        showing = self._showing
        self.groups.set_groups(groups)
        if showing is None and self._similar_of:  # a "find similar" view
            present = {p.path for g in groups for p in g.photos}
            photos = self.photos.photos()
            kept = [k for k, p in enumerate(photos) if p.path in present]
            scores = self.photos.scores()
            self.photos.set_photos([photos[k] for k in kept], [scores[k] for k in kept] if scores else None)
            return
        if not groups:
            self._showing = None
            self.photos.set_photos([])
            self.heading.setText("Groups")
            self.subheading.setText(empty_text or "No groups yet.")
            self._update_buttons()
            return
        row = 0
        if showing is not None:  # groups keep their ids across regroupings
            row = self.groups.row_of(showing.id) or 0
        self.group_list.setCurrentIndex(self.groups.index(row))
        self._show_group(self.groups.index(row))

    def _show_group(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        g = self.groups.group(index.row())
        self._showing = g
        self._similar_of = ""
        self.photos.set_photos(g.photos)
        self.heading.setText(g.label)
        count = f"{g.size} photo{'s' if g.size != 1 else ''}"
        self.subheading.setText(count + (f" · mostly in {g.common_folder}" if g.photos else ""))
        self._update_buttons()

    def show_similar(self, path: str, found: list[tuple[Any, float]]) -> None:
        """A "find similar" result in the grid, closest first (the group list keeps its place)."""
        self._showing = None
        self._similar_of = path
        # No current group either, so that clicking any group (the last one too) shows it again.
        self.group_list.setCurrentIndex(QModelIndex())
        self.photos.set_photos([p for p, _ in found], [s for _, s in found])
        self.heading.setText(f"Similar to {os.path.basename(path)}")
        self.subheading.setText(f"The {len(found)} closest photos, most similar first")
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

    def _rename(self) -> None:
        ix = self.group_list.currentIndex()
        if ix.isValid():
            self.group_list.edit(ix)

    def _maybe_renamed(self, top: QModelIndex, _bottom: QModelIndex, roles: list[int]) -> None:
        if Qt.ItemDataRole.EditRole in roles:
            g = self.groups.group(top.row())
            if g is self._showing:
                self.heading.setText(g.label)
            self.group_renamed.emit(g)


class ProblemsPage(QWidget):
    """Every unreadable file and why."""

    open_folder = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems = ProblemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.problems)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda ix: self.open_folder.emit(self.problems.path(ix.row())))
        self.summary = hint("")
        layout = QVBoxLayout(self)
        layout.addWidget(title("Problems"))
        layout.addWidget(
            hint("Files photoorg could not read. They are left as they are; double-click to open the folder.")
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def set_failures(self, failures: list[tuple[str, str]]) -> None:
        self.problems.set_failures(failures)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.summary.setText(
            "No problems." if not failures else f"{plural(len(failures), 'file')} could not be read."
        )
