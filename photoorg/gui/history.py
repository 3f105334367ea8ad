"""Edit > History: every action photoorg did (file actions, changes to groups and albums),
newest first, the files of the one chosen and what became of each, and undo of any of them
(as 'photoorg undo N')."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import plural
from photoorg.core.library import not_back
from photoorg.gui.models import Index, RowsTable
from photoorg.gui.placement import fit_dialog


def result_of(b: Any) -> str:
    """What became of an action, in words (as 'photoorg history' says it)."""
    if b.not_undone and not b.undone_files:  # none was put back (as 'photoorg history' says it)
        return f"not undone: {plural(b.not_undone, 'file')} {not_back(b.action)}"
    if b.not_undone:
        return f"undone, except {plural(b.not_undone, 'file')} that {not_back(b.action)}"
    if b.undone:
        return "undone"
    if b.undone_files:
        return f"{b.undone_files} of {plural(b.files, 'file')} undone"
    return b.extent if b.changes or b.action == "decision" else f"{b.extent} done"


#: What an action without files changed, by its action name (photoorg.core.actions).
_CHANGED = {"group": "the groups", "album": "the albums", "decision": "the duplicate decisions"}


def undo_frame(
    dialog: QDialog, intro: QWidget, body: QWidget, undo: str, on_undo: Callable[[], None]
) -> QPushButton:
    """Lay out a dialog that lists what can be undone: ``intro`` above ``body``, then Close and
    an Undo button (returned, greyed out until something undoable is chosen)."""
    button = QPushButton(undo)
    button.setEnabled(False)
    button.clicked.connect(on_undo)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addWidget(body, 1)
    layout.addWidget(buttons)
    return button


class FileRows(RowsTable):
    """The files of one action, as rows of text (a model, not an item per file: a scale review
    saw 100k items of an organize take 2 to 5 s to show, and as long to clear)."""

    HEADERS = ("What became of it", "File", "Went to", "Why not")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self._rows[index.row()][index.column()]
        return text if role == Qt.ItemDataRole.DisplayRole or index.column() else None


class HistoryDialog(QDialog):
    """The actions on top, the chosen one's files below; Undo takes the chosen one back."""

    files_wanted = Signal(int)  # the window asks the engine for the files of this action
    undo_requested = Signal(int)

    def __init__(self, batches: list[Any], total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.batches = batches
        more = f" (the newest {len(batches)} of {total})" if total > len(batches) else ""
        intro = QLabel(
            f"What photoorg did in this library, newest first{more}. Choose one to see its files; "
            "Undo takes it back, checking each file first (a file changed since is left as it is)."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(batches), 4)
        self.table.setHorizontalHeaderLabels(["No.", "When", "What", "Result"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._fill(batches)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col in (0, 1, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.file_rows = FileRows(self)
        # A table lays out only the rows in view (a tree laid out all 100k: 0.4 s more)
        self.files = QTableView()
        self.files.setModel(self.file_rows)
        self.files.verticalHeader().setVisible(False)
        self.files.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.files.setShowGrid(False)
        self.files.setWordWrap(False)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Paths cut in the middle, where their folders are, and File and Went to sharing the
        # width (an app review: both cut at the end, the file's name lost, beside an empty
        # "Why not" column).
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.files.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.files)
        # What an undo from here did, said here (the window stays open)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setVisible(False)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(split, 1)
        column.addWidget(self.result)
        self.undo_button = undo_frame(self, intro, body, "Undo this action", self._undo)
        self.table.itemSelectionChanged.connect(self._chosen)
        fit_dialog(self, 1180, 760)  # (a new-user review: 7 actions seen at 900x560)

    def _fill(self, batches: list[Any]) -> None:
        self.batches = batches
        self.table.setRowCount(len(batches))
        for row, b in enumerate(batches):
            when = datetime.fromtimestamp(b.created).strftime("%Y-%m-%d %H:%M")
            for col, text in enumerate((str(b.id), when, b.summary, result_of(b))):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def reload(self, found: tuple[list[Any], int], said: str) -> None:
        """The actions again after an undo from here, the undone one chosen, and what the undo
        did (a new-user review: the window closed, and only the status bar said it)."""
        chosen = self.chosen()
        self._fill(found[0])
        self.result.setText(said)
        self.result.setVisible(True)
        row = next((k for k, b in enumerate(self.batches) if chosen is not None and b.id == chosen.id), 0)
        self.table.clearSelection()
        if self.batches:
            self.table.selectRow(row)

    def start(self) -> None:
        """Choose the newest action (once files_wanted is connected)."""
        if self.batches:
            self.table.selectRow(0)

    def chosen(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _chosen(self) -> None:
        b = self.chosen()
        self.file_rows.set_rows([])
        if b is None:
            self.undo_button.setEnabled(False)
            return
        # An action can be undone while it has files still in place (or changes in force),
        # also when an earlier undo could not put every file back.
        self.undo_button.setEnabled(b.undone is None or bool(b.not_undone))
        self.files_wanted.emit(b.id)

    def show_files(self, batch: int, files: list[Any]) -> None:
        """The files of action ``batch`` (if it is still the one chosen)."""
        b = self.chosen()
        if b is None or b.id != batch:
            return
        rows: list[tuple[str, str, str, str]] = []
        for f in files:
            went = f.target or ""
            if f.back_at and f.back_at != f.source:
                where = "now at" if "trash" in f.state else "back at"
                went += f" ({where} {f.back_at})" if went else f.back_at
            if f.kept:  # a keyword change: the sidecar stayed; its earlier version is kept
                went += (
                    f" (earlier version kept at {f.kept})" if went else f"earlier version kept at {f.kept}"
                )
            rows.append((f.state, f.source, went, f.problem or ""))
        if not files:  # one line across the columns (in "File" it was cut at 800 px)
            what = _CHANGED.get(b.action, "the groups, albums or duplicate decisions")
            state = "Undone" if b.undone is not None else "Done"  # (a review: "In force", jargon)
            change = "a decision about 1 duplicate set" if b.action == "decision" else f"{b.extent} to {what}"
            rows.append((f"{state}: {change}; no file was moved", "", "", ""))
        self.file_rows.set_rows(rows)
        self.files.clearSpans()
        if not files:
            self.files.setSpan(0, 0, 1, len(FileRows.HEADERS))
        self.files.setColumnHidden(3, not any(f.problem for f in files))  # "Why not", when some

    def _undo(self) -> None:
        b = self.chosen()
        if b is not None:
            self.undo_button.setEnabled(False)
            self.result.setText(f"Undoing action {b.id}…")
            self.result.setVisible(True)
            self.undo_requested.emit(b.id)
