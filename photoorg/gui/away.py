"""The photos of an album that are away: each with where it went, and an Undo for the one an
undo brings back (an app review: the box said "undoing it brings it back" but offered no undo,
and at about 500 px wide its paths and reasons wrapped into one block)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from photoorg.core.humanize import agree, plural
from photoorg.gui.history import undo_frame
from photoorg.gui.messages import menu_words
from photoorg.gui.placement import fit_dialog

#: The Undo button's words when the chosen photo (or none) has no undo to bring it back.
NO_UNDO = "Undo"


class AwayDialog(QDialog):
    """One row per away photo (its last known place, and why it is away); Undo action N takes
    back the action that moved the chosen photo away, as Edit > History would."""

    undo_requested = Signal(int)

    def __init__(self, view: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Photos of {view.album.name} that are away")
        self.away = list(view.away_photos)
        n = len(self.away)
        undoable = sum(1 for a in self.away if a.undos)
        intro = QLabel(
            f"{plural(n, 'photo')} of the album {agree(n, 'is', 'are')} not in the library now. "
            f"{agree(n, 'It stays', 'They stay')} in the album, and {agree(n, 'is', 'are')} shown "
            "again once back in the library."
            + (
                " For a photo that photoorg moved away, Undo takes back the action that moved it, "
                "with every other file of that action."
                if undoable
                else ""
            )
        )
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Photo", "Where it went"])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its name
        for a in self.away:
            item = QTreeWidgetItem(self.table, [a.path or "(not known)", a.why])
            item.setToolTip(0, a.path)
            item.setToolTip(1, a.why)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.undo_button = undo_frame(self, intro, self.table, NO_UNDO, self._undo)
        self.table.itemSelectionChanged.connect(self._chosen)
        fit_dialog(self, 900, min(420, 180 + 26 * n))  # (a review: 420 px for one row)
        header.resizeSection(0, max(200, self.width() // 2))
        first = next((i for i, a in enumerate(self.away) if a.undos), 0)
        if self.away:
            self.table.setCurrentItem(self.table.topLevelItem(first))

    def chosen(self) -> Any:
        item = self.table.currentItem()
        return self.away[self.table.indexOfTopLevelItem(item)] if item is not None else None

    def _chosen(self) -> None:
        a = self.chosen()
        undos = a.undos if a is not None else ()
        self.undo_button.setEnabled(bool(undos))
        # Named as the history names it (a review: "Undo action 2" said nothing of what it was).
        shown, whole = menu_words(a.undo_summary, 40) if a is not None else ("", "")
        named = f": {shown}" if shown else ""
        if len(undos) > 1:  # moved out, then on from there: each undo brings it one step back
            listed = ", ".join(map(str, undos[:-1])) + f" and {undos[-1]}"
            self.undo_button.setText(f"Undo actions {listed}")
            self.undo_button.setToolTip(
                f"Takes back action {undos[0]} ({whole}), then {', then '.join(map(str, undos[1:]))}: "
                "the actions that moved this photo away, newest first, checking each file first"
            )
        elif undos:
            self.undo_button.setText(f"Undo action {undos[0]}{named}")
            self.undo_button.setToolTip(
                f"Takes back action {undos[0]} ({whole}), which moved this photo away, checking each "
                "file first"
            )
        else:
            self.undo_button.setText(NO_UNDO)
            self.undo_button.setToolTip("No undo brings this photo back")

    def _undo(self) -> None:
        a = self.chosen()
        if a is not None and a.undos:
            for batch in a.undos:  # queued in this order: the newest first
                self.undo_requested.emit(batch)
            self.accept()
