"""The four pages of the main window: Library, Groups, Duplicates, Problems."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import human_bytes, plural
from photoorg.core.paths import is_under
from photoorg.gui.models import (
    VERDICT_NAMES,
    DuplicateSetListModel,
    GroupListModel,
    PathRole,
    PhotoGridModel,
    PhotoRole,
    ProblemsModel,
    SetMembersModel,
)
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid


def title(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + 4)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class FlowRow(QLayout):
    """A row of buttons that wraps onto a second line when the window is narrow (an 800 px
    screen), instead of making the window wider than the screen. ``stretch`` items (a label
    that says what happened) start a line of their own when they do not fit."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: Any) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> Any:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> Any:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in visible) + self.spacing() * max(0, len(visible) - 1)
        height = max((i.sizeHint().height() for i in visible), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        widest = QSize()
        for item in self._items:
            if not item.isEmpty():
                widest = widest.expandedTo(item.minimumSize())
        return widest

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, line = rect.x(), y + line + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line = max(line, hint.height())
        return y + line - rect.y()


#: How long a set the person chose stays shown before it counts as looked at.
LOOKED_AT_MS = 700


def beside(
    left: QWidget, right_rows: list[QWidget | QLayout], stretch_row: QWidget, sizes: list[int]
) -> QSplitter:
    """A list on the left and a column on the right whose ``stretch_row`` takes the height."""
    right = QWidget()
    column = QVBoxLayout(right)
    column.setContentsMargins(0, 0, 0, 0)
    for row in right_rows:
        if isinstance(row, QLayout):
            column.addLayout(row)
        else:
            column.addWidget(row, 1 if row is stretch_row else 0)
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    split.setSizes(sizes)
    return split


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


class DuplicatesPage(QWidget):
    """Tabs per verdict; a set list; the chosen set side by side with keep checkboxes."""

    trash_requested = Signal(object, list)  # DuplicateSet, paths to trash
    bulk_requested = Signal(list)  # [(DuplicateSet, paths)] for every reviewed set
    freed_changed = Signal()  # the checks changed what trashing the unchecked photos frees
    thresholds_requested = Signal()  # judge the thresholds (a histogram and example pairs)
    mark_requested = Signal(object, str)  # DuplicateSet, decision

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self._keep: dict[str, dict[str, bool]] = {}  # the person's checkboxes: set id -> path -> keep
        self._filling = False
        # A set counts as reviewed once the person chose it and it stayed shown a moment (not
        # when passed over with the arrow keys), or when they changed a check in it.
        self._looking = QTimer(self)
        self._looking.setSingleShot(True)
        self._looking.setInterval(LOOKED_AT_MS)
        self._looking.timeout.connect(self._looked_at)
        self.tabs = QTabBar()
        for verdict in VERDICT_NAMES:
            self.tabs.addTab(VERDICT_NAMES[verdict])
            self.tabs.setTabData(self.tabs.count() - 1, verdict)
        self.tabs.currentChanged.connect(lambda _i: self._fill())
        self.sets = DuplicateSetListModel(thumbnails, self)
        self.set_list = QListView()
        self.set_list.setModel(self.sets)
        self.set_list.setIconSize(QSize(64, 64))
        self.set_list.setUniformItemSizes(True)
        self.set_list.setMinimumWidth(240)
        self.set_list.selectionModel().currentChanged.connect(self._show_set)
        self.set_list.clicked.connect(lambda _i: self._looking.start())  # the set shown, chosen
        self.members = SetMembersModel(thumbnails, self)
        self.members.dataChanged.connect(self._members_changed)
        self.grid = PhotoGrid(200, 2)
        self.grid.setModel(self.members)
        self.grid.delete_requested.connect(self._uncheck_selected)
        # Keys while reviewing: K keeps the selected photos, Delete (or T) sends them to the
        # trash when the set is cleaned, N and P go to the next and the previous set.
        for key, slot in (("K", lambda: self._check_selected(True)), ("T", self._uncheck_selected),
                          ("N", lambda: self._step_set(1)), ("P", lambda: self._step_set(-1))):  # fmt: skip
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.heading = title("Duplicates")
        self.heading.setMinimumWidth(1)
        self.reason = hint("")
        self.trash_button = QPushButton("Trash unchecked")
        self.not_dup_button = QPushButton("Not duplicates")
        self.keep_both_button = QPushButton("Keep both")
        self.keep_both_button.setToolTip("They are duplicates, but keep every one of them")
        self.bulk_button = QPushButton("Trash unchecked in all reviewed sets…")
        self.bulk_button.setToolTip("Every set you opened, on every tab, keeping what is checked in each")
        self.trash_button.clicked.connect(self._trash)
        self.not_dup_button.clicked.connect(lambda: self._mark("not_duplicates"))
        self.keep_both_button.clicked.connect(lambda: self._mark("keep_both"))
        self.bulk_button.clicked.connect(self._bulk)
        self.thresholds_button = QPushButton("Thresholds…")
        self.thresholds_button.setToolTip(
            "How alike the photos of this library are, where the two thresholds fall, and pairs at "
            "any similarity: judge them on your own photos"
        )
        self.thresholds_button.clicked.connect(self.thresholds_requested)
        actions = FlowRow()
        for w in (self.trash_button, self.not_dup_button, self.keep_both_button, self.bulk_button,
                  self.thresholds_button):  # fmt: skip
            actions.addWidget(w)
        split = beside(self.set_list, [self.heading, self.reason, self.grid, actions], self.grid, [300, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(split, 1)
        self._update_buttons()

    def set_sets(self, sets: list[Any]) -> None:
        """New sets; the set shown before stays shown, or the one after it if it is gone."""
        shown = self.members.duplicate_set
        row = self.set_list.currentIndex().row()
        self._all = list(sets)
        ids = {s.id for s in sets}
        self._keep = {k: v for k, v in self._keep.items() if k in ids}
        self.sets.reviewed &= ids
        self.sets.freed = {k: v for k, v in self.sets.freed.items() if k in ids}
        counts = [sum(1 for s in sets if s.verdict.value == v) for v in VERDICT_NAMES]
        for k, verdict in enumerate(VERDICT_NAMES):
            self.tabs.setTabText(k, f"{VERDICT_NAMES[verdict]} ({counts[k]})")
        if not counts[self.tabs.currentIndex()] and any(counts):
            self.tabs.setCurrentIndex(next(k for k, n in enumerate(counts) if n))  # fills
        else:
            self._fill(shown.id if shown is not None else None, max(row, 0))

    def _fill(self, keep_id: str | None = None, row: int = 0) -> None:
        verdict = self.tabs.tabData(self.tabs.currentIndex())
        shown = [s for s in self._all if s.verdict.value == verdict]
        self._filling = True  # choosing a set for the person does not count as reviewing it
        try:
            self.sets.set_sets(shown)
            if shown:
                found = self.sets.row_of(keep_id) if keep_id else None
                self.set_list.setCurrentIndex(
                    self.sets.index(found if found is not None else min(row, len(shown) - 1))
                )
            else:
                self.members.set_duplicate_set(None)
                self.heading.setText(f"No {VERDICT_NAMES[verdict].lower()}")
                self.reason.setText("Nothing to review here.")
        finally:
            self._filling = False
        self._update_buttons()

    def _show_set(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        s = self.sets.duplicate_set(index.row())
        if self._filling:
            self._looking.stop()  # shown by the program: not looked at
        else:
            self._looking.start()
        self.members.set_duplicate_set(s, self._keep.get(s.id))
        kind = VERDICT_NAMES[s.verdict.value]
        similarity = "" if s.verdict.value == "exact" else f", weakest similarity {s.weakest:.3f}"
        self.heading.setText(f"{kind}: {len(s.photos)} photos{similarity}")
        self.reason.setText(
            f"Suggested keeper: {os.path.basename(s.keeper.path)}, because {s.reason}. "
            "Checked photos are kept; unchecked ones go to the trash (Delete unchecks)."
        )
        self.keep_both_button.setText("Keep both" if len(s.photos) == 2 else "Keep all")
        self._update_buttons()

    def _looked_at(self) -> None:
        row = self.set_list.currentIndex().row()
        if row >= 0 and self.members.duplicate_set is self.sets.duplicate_set(row):
            self.sets.mark_reviewed(row)
            self._update_buttons()

    def _members_changed(self, _first: Any = None, _last: Any = None, roles: Any = ()) -> None:
        if roles and Qt.ItemDataRole.CheckStateRole not in roles:
            return  # a thumbnail arrived: not the person's doing
        s = self.members.duplicate_set
        if s is not None:
            self._keep[s.id] = self.members.keep_flags()
            row = self.sets.row_of(s.id)
            if row is not None:  # changing a checkbox is reviewing the set
                self.sets.mark_reviewed(row)
            unchecked = set(self.members.unchecked())
            self.sets.set_freed(s.id, sum(p.size for p in s.photos if p.path in unchecked))
            self.freed_changed.emit()
        self._update_buttons()

    def to_free(self) -> int:
        """Bytes that trashing the unchecked photos of every set would free, with the checks
        as they are now (the ones the person changed, the starting ones elsewhere)."""
        total = 0
        for s in self._all:
            keep = s.starts_kept()
            keep.update(self._keep.get(s.id, {}))
            total += sum(p.size for p in s.photos if not keep[p.path])
        return total

    def _update_buttons(self) -> None:
        s = self.members.duplicate_set
        unchecked = self.members.unchecked() if s is not None else []
        freed = sum(p.size for p in (s.photos if s else []) if p.path in set(unchecked))
        self.trash_button.setText(
            f"Trash {len(unchecked)} unchecked ({human_bytes(freed)})" if unchecked else "Trash unchecked"
        )
        self.trash_button.setEnabled(bool(unchecked) and len(unchecked) < len(s.photos if s else []))
        self.not_dup_button.setEnabled(s is not None)
        self.keep_both_button.setEnabled(s is not None)
        self.bulk_button.setEnabled(bool(self._reviewed_plan()))

    def _uncheck_selected(self) -> None:
        self._check_selected(False)

    def _check_selected(self, keep: bool) -> None:
        rows = {ix.row() for ix in self.grid.selectedIndexes()}
        if not rows and self.grid.currentIndex().isValid():
            rows = {self.grid.currentIndex().row()}
        for row in sorted(rows):
            self.members.set_keep(row, keep)

    def _step_set(self, step: int) -> None:
        """The next (previous) set of this tab, chosen as a click would choose it."""
        row = self.set_list.currentIndex().row() + step
        if 0 <= row < self.sets.rowCount():
            self.set_list.setCurrentIndex(self.sets.index(row))

    def _trash(self) -> None:
        s = self.members.duplicate_set
        if s is not None and self.members.unchecked():
            self.trash_requested.emit(s, self.members.unchecked())

    def _mark(self, decision: str) -> None:
        s = self.members.duplicate_set
        if s is not None:
            self.mark_requested.emit(s, decision)

    def _reviewed_plan(self) -> list[tuple[Any, list[str]]]:
        """(set, photos to trash) for every reviewed set on every tab that keeps at least one."""
        plan = []
        for s in self._all:
            if s.id not in self.sets.reviewed:
                continue
            keep = s.starts_kept()
            keep.update(self._keep.get(s.id, {}))
            paths = [p.path for p in s.photos if not keep[p.path]]
            if paths and len(paths) < len(s.photos):
                plan.append((s, paths))
        return plan

    def _bulk(self) -> None:
        plan = self._reviewed_plan()
        if plan:
            self.bulk_requested.emit(plan)


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
