"""The preview: one photo large, Left/Right through the grid it was opened from, 1:1 zoom,
and the photo's own actions (find similar, album, trash, open)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from photoorg.core.videos import is_video_name
from photoorg.gui.layout import FlowRow
from photoorg.gui.models import PathRole, PhotoRole
from photoorg.gui.placement import fit_dialog
from photoorg.gui.tasks import Tasks
from photoorg.gui.thumbnails import Shown, load_preview
from photoorg.gui.viewer import PhotoView, zoom_keys


class PreviewDialog(QDialog):
    """A large view of one photo; Left/Right move through the grid it was opened from."""

    find_similar = Signal(str)
    open_folder = Signal(str)
    open_file = Signal(str)
    new_album = Signal(str)  # a new album taught by the photo shown (the dialog closes)
    add_to_album = Signal(str, str)  # album name, the photo shown: one more example
    trash_requested = Signal(str)  # the photo shown, to the trash (asked first, undoable)

    def __init__(
        self,
        tasks: Tasks,
        grid: Any,
        parent: QWidget | None = None,
        albums: Sequence[str] = (),
        can_trash: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview")
        self._tasks = tasks
        self._grid = grid
        self._row = 0
        self._want = ""
        self._shown_path = ""
        self.view = PhotoView()
        self.view.setMinimumSize(480, 320)
        self.view.detail_wanted.connect(self._load_full)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prev_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        self.prev_button.setToolTip("The photo before this one (Left arrow)")
        self.next_button.setToolTip("The photo after this one (Right arrow)")
        self.actual_button = QPushButton("1:1")
        self.actual_button.setToolTip(
            "The photo's real pixels, and back to fitting the window (Z, double click)"
        )
        self.trash_button = QPushButton("Trash… (Delete)")
        self.trash_button.setToolTip("Move this photo to the trash; Edit > Undo brings it back")
        self.trash_button.setVisible(can_trash)
        self.similar_button = similar = QPushButton("Find similar")
        folder = QPushButton("Open containing folder")
        app = QPushButton("Open with default app")
        for b in (self.prev_button, self.next_button, self.actual_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prev_button.clicked.connect(lambda: self.show_row(self._row - 1))
        self.next_button.clicked.connect(lambda: self.show_row(self._row + 1))
        self.actual_button.clicked.connect(lambda: self.view.toggle_actual_size())
        self.trash_button.clicked.connect(self._trash)
        similar.clicked.connect(lambda: (self.find_similar.emit(self.path), self.accept()))
        folder.clicked.connect(lambda: self.open_folder.emit(self.path))
        app.clicked.connect(lambda: self.open_file.emit(self.path))
        self.album_button = album = QPushButton("Album")
        album.setToolTip("Teach an album with this photo: a new album, or one more example")
        menu = QMenu(album)
        menu.addAction("New album from this photo…", lambda: (self.accept(), self.new_album.emit(self.path)))
        if albums:
            menu.addSeparator()
        for name in albums:
            menu.addAction(f"Add to {name}", lambda n=name: self._add_to(n))
        album.setMenu(menu)
        buttons = FlowRow()
        for w in (self.prev_button, self.next_button, self.actual_button, similar, album, self.trash_button,
                  folder, app):  # fmt: skip
            # No button is Enter's (an app review: Enter did "Find similar", which closed the
            # preview and went to the Groups page).
            w.setAutoDefault(False)
            w.setDefault(False)
            buttons.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, lambda: self.show_row(self._row - 1))
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, lambda: self.show_row(self._row + 1))
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.accept)
        if can_trash:
            for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                QShortcut(QKeySequence(key), self, self._trash)
        zoom_keys(self, lambda: [self.view])
        model = grid.model()
        for signal in (model.modelReset, model.rowsRemoved, model.layoutChanged):
            signal.connect(self._model_changed)
        fit_dialog(self, 1000, 760)

    @property
    def path(self) -> str:
        return self._grid.model().index(self._row, 0).data(PathRole) or ""

    @property
    def photo(self) -> Any:
        """The PhotoInfo of the photo shown."""
        return self._grid.model().index(self._row, 0).data(PhotoRole)

    def _add_to(self, name: str) -> None:
        self.add_to_album.emit(name, self.path)
        self.caption.setText(f"{self.caption.text()}\n✓ An example for the album {name} now.")

    def _trash(self) -> None:
        if self.path:
            self.trash_requested.emit(self.path)

    def _model_changed(self, *_args: Any) -> None:
        """The grid changed under the preview (a photo trashed, moved, or the list refreshed):
        stay on the photo shown if it is still there, else show the one that took its place."""
        model = self._grid.model()
        if not self.isVisible() or not self._shown_path:
            return
        rows = model.rowCount()
        if rows == 0:
            self.accept()  # nothing left to show
            return
        for row in range(rows):
            if model.index(row, 0).data(PathRole) == self._shown_path:
                if row != self._row:
                    self._row = row
                    self._title()
                return
        self.show_row(min(self._row, rows - 1))

    def _title(self) -> None:
        model = self._grid.model()
        self.setWindowTitle(f"{os.path.basename(self.path)} ({self._row + 1} of {model.rowCount()})")
        self.prev_button.setEnabled(self._row > 0)
        self.next_button.setEnabled(self._row < model.rowCount() - 1)

    def show_row(self, row: int) -> None:
        model = self._grid.model()
        if not 0 <= row < model.rowCount():
            return
        self._row = row
        self._grid.setCurrentIndex(model.index(row, 0))
        path = self.path
        self._want = path
        self._shown_path = path
        self._title()
        self.caption.setText(
            str(model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) or path).replace("\n", "  ·  ")
        )
        for b in (self.similar_button, self.album_button, self.actual_button):  # a video: none
            b.setEnabled(not is_video_name(path))  # (its frames are not looked at)
        self.view.fitting = True  # a new photo starts fitted
        edge = max(self.view.width(), self.view.height(), 1024)
        self._tasks.run_io(lambda: load_preview(path, edge), lambda shown: self._arrived(path, shown))

    def _load_full(self) -> None:
        path = self._want
        if path:
            self._tasks.run_io(lambda: load_preview(path, None), lambda shown: self._arrived(path, shown))

    def done(self, result: int) -> None:
        self._want = ""  # a photo still loading is no longer wanted (the dialog may be gone)
        super().done(result)

    def _arrived(self, path: str, shown: Shown | str) -> None:
        if path != self._want:
            return  # the person already moved on, or closed the preview
        if isinstance(shown, Shown) and self.view.full and not shown.full:
            return  # the full photo came first; keep it
        self.view.set_photo(shown)
