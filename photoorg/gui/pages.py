"""Pages of the main window: Library, Problems (Groups: gui/groups.py, Duplicates:
gui/duplicates.py)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import plural
from photoorg.core.paths import is_under
from photoorg.gui.layout import hint, title
from photoorg.gui.models import (
    ProblemsModel,
)


class LibraryPage(QWidget):
    """The photo folders: add, remove, protect; scan; what the catalog holds."""

    add_requested = Signal()
    remove_requested = Signal(str)
    protect_changed = Signal(str, bool)
    prefer_changed = Signal(str, bool)
    scan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = hint("")
        self.folders = QTreeWidget()
        self.folders.setHeaderLabels(["Folder", "Photos", "Protected", "Preferred"])
        self.folders.setAlternatingRowColors(True)
        self.folders.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.folders.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.header().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        # The keeper's preferred folders, in the app too (a review: only 'photoorg settings' set them).
        self.folders.headerItem().setToolTip(
            3, "Of copies otherwise alike, the one in a preferred folder is the one kept"
        )
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
                "folder are never proposed for removal; of duplicates otherwise alike, the copy in a "
                "preferred folder is kept. Removing a folder from the library leaves its photos untouched."
            )
        )
        # With no folder yet, a welcome in the table's place (a new-user review: a first start
        # opened on an empty white table, its way in a small button in a corner).
        self.welcome = self._welcome()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.folders)
        self.stack.addWidget(self.welcome)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self._filling = False
        self._show_welcome(True)

    def _welcome(self) -> QWidget:
        page = QWidget()
        heading = QLabel("Welcome to photoorg")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        words = QLabel(
            "Add the folder that holds your photos. photoorg looks at them in the background and "
            "gathers similar photos, duplicates and a timeline. It changes, moves or trashes "
            "nothing unless you ask, and every change can be undone."
        )
        words.setWordWrap(True)
        words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome_button = QPushButton("Add your photos folder…")
        self.welcome_button.setMinimumHeight(40)
        self.welcome_button.clicked.connect(self.add_requested)
        drop = hint("or drop a folder on this window")
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A column of at most 520 pixels, in the middle: wrapped lines get their full height
        # (laid out centred themselves, they were cut to one line's width at 800x600).
        inner = QWidget()
        inner.setMaximumWidth(520)
        column = QVBoxLayout(inner)
        column.setSpacing(12)
        for widget in (heading, words, self.welcome_button, drop):
            column.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(inner, 4)
        row.addStretch(1)
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        return page

    @property
    def has_folders(self) -> bool:
        return self.stack.currentWidget() is self.folders

    def _show_welcome(self, welcome: bool) -> None:
        self.stack.setCurrentWidget(self.welcome if welcome else self.folders)
        self.scan_button.setEnabled(not welcome)  # nothing to scan yet
        self.remove_button.setVisible(not welcome)

    def set_folders(
        self,
        folders: list[str],
        protected: list[str],
        counts: dict[str, int],
        missing: list[str],
        preferred: Sequence[str] = (),
    ) -> None:
        """The library folders, each with the protected and preferred folders inside it as its
        children."""
        self._filling = True
        current = self.folders.currentItem()
        current_folder = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self.folders.clear()
        for folder in folders:
            count = "not found" if folder in missing else str(counts.get(folder, "…"))
            item = self._item(folder, count, folder in protected, folder in preferred)
            if folder in missing:
                item.setToolTip(
                    1, "The folder is not there (a disconnected drive?). Its photos stay in the catalog."
                )
            self.folders.addTopLevelItem(item)
            for inner in sorted({*protected, *preferred}):
                if inner != folder and is_under(inner, [folder]):
                    child = self._item(
                        inner, str(counts.get(inner, "…")), inner in protected, inner in preferred
                    )
                    child.setText(0, os.path.relpath(inner, folder))
                    kind = "protected" if inner in protected else "preferred"
                    child.setToolTip(0, f"{inner}: a {kind} folder inside the library folder")
                    item.addChild(child)
            item.setExpanded(True)
            if folder == current_folder:
                self.folders.setCurrentItem(item)
        self._filling = False
        item = self.folders.currentItem()
        self.remove_button.setEnabled(item is not None and item.parent() is None)
        self._show_welcome(not folders)

    def _item(self, folder: str, count: str, protected: bool, preferred: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem([folder, count, "", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, folder)
        item.setCheckState(2, Qt.CheckState.Checked if protected else Qt.CheckState.Unchecked)
        item.setCheckState(3, Qt.CheckState.Checked if preferred else Qt.CheckState.Unchecked)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._filling and column in (2, 3):
            folder = item.data(0, Qt.ItemDataRole.UserRole)
            changed = self.protect_changed if column == 2 else self.prefer_changed
            changed.emit(folder, item.checkState(column) == Qt.CheckState.Checked)

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.remove_requested.emit(item.data(0, Qt.ItemDataRole.UserRole))


class ProblemsPage(QWidget):
    """Every unreadable file and why; the chosen ones can go to the trash or to a folder, as
    photos do (journaled and undoable), or be shown in their folder."""

    open_folder = Signal(str)
    trash_requested = Signal(list)  # paths
    move_requested = Signal(list)  # paths

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
        # Said before any scan too (a review: an empty table under the heading, not a word).
        self.summary = hint("None yet: a file a scan cannot read is listed here, with the reason.")
        # What can be done with a damaged file (an app review: the page had no action but a
        # double-click; a damaged download could not be cleaned up).
        self.trash_button = QPushButton("Move to trash…")
        self.trash_button.setToolTip("The chosen files go to the system trash; Edit > Undo brings them back")
        self.trash_button.clicked.connect(lambda: self.trash_requested.emit(self.chosen()))
        self.move_button = QPushButton("Move to folder…")
        self.move_button.setToolTip("The chosen files go to a folder you choose; Edit > Undo moves them back")
        self.move_button.clicked.connect(lambda: self.move_requested.emit(self.chosen()))
        self.folder_button = QPushButton("Open folder")
        self.folder_button.setToolTip(
            "Show the chosen file's folder in the file manager (or double-click it)"
        )
        self.folder_button.clicked.connect(lambda: self.open_folder.emit(self.chosen()[0]))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        tools = QHBoxLayout()
        for b in (self.trash_button, self.move_button, self.folder_button):
            tools.addWidget(b)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Problems"))
        layout.addWidget(
            hint(
                "Files photoorg could not read. They are left as they are unless you choose to move "
                "them; double-click one to open its folder."
            )
        )
        layout.addWidget(self.summary)  # under the heading (a review: missed below an empty table)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def chosen(self) -> list[str]:
        """The paths of the rows chosen, in the table's order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.problems.path(r) for r in rows]

    def _update_buttons(self) -> None:
        n = len(self.chosen())
        for b in (self.trash_button, self.move_button):
            b.setEnabled(n > 0)
        self.folder_button.setEnabled(n == 1)

    def set_failures(self, failures: list[tuple[str, str]]) -> None:
        self.problems.set_failures(failures)
        for column in (0, 1):  # sized to the names, within reason (empty, they were 30 px wide)
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, max(160, min(420, self.table.columnWidth(column))))
        self.summary.setText(
            "No problems: every file found could be read."
            if not failures
            else f"{plural(len(failures), 'file')} could not be read."
        )
        self._update_buttons()
