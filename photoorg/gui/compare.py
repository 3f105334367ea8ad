"""Compare: two to six photos side by side at the same zoom and place, each with its Keep
check when they come from a duplicate set."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QSizeF, Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from photoorg.gui.layout import FlowRow, hint
from photoorg.gui.models import BadgeRole, DetailRole, PathRole, PhotoRole, TimelineModel
from photoorg.gui.placement import fit_dialog
from photoorg.gui.tasks import Tasks
from photoorg.gui.thumbnails import Shown, load_preview
from photoorg.gui.viewer import PhotoView, zoom_keys

COMPARE_MAX = 6  # side by side beyond six, each photo is too small to judge
COMPARE_HINT = "Wheel or +/- zooms, drag moves: every photo follows, to judge them pixel by pixel."


class CompareDialog(QDialog):
    """Photos side by side at the same zoom and place: zoom or drag one, the others follow.

    Where the photos come from a duplicate set, each has its Keep check, the same as in the
    set's grid (the set's model is changed, so the review sees every check made here).
    """

    def __init__(
        self, tasks: Tasks, model: QAbstractItemModel, rows: Sequence[int], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._tasks = tasks
        self._model = model
        self._rows = list(rows)[:COMPARE_MAX]
        self._paths = [model.index(r, 0).data(PathRole) for r in self._rows]
        self._alive = True
        self.setWindowTitle(f"Compare {len(self._rows)} photos")
        self.views: list[PhotoView] = []
        self.checks: list[QCheckBox | None] = []
        self.captions: list[QLabel] = []
        infos = [model.index(r, 0).data(PhotoRole) for r in self._rows]
        self._natural = _common_sizes(infos)
        grid = QGridLayout()
        columns = len(self._rows) if len(self._rows) <= 3 else math.ceil(len(self._rows) / 2)
        for k, row in enumerate(self._rows):
            index = model.index(row, 0)
            view = PhotoView()
            view.moved.connect(lambda v=view: self._follow(v))
            view.detail_wanted.connect(lambda k=k: self._load(k, None))
            caption = QLabel()
            caption.setWordWrap(True)
            caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            check: QCheckBox | None = None
            if model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
                check = QCheckBox("Keep")
                check.toggled.connect(lambda on, r=row: self._checked(r, on))
            cell = QVBoxLayout()
            cell.addWidget(view, 1)
            cell.addWidget(caption)
            if check is not None:
                cell.addWidget(check)
            grid.addLayout(cell, k // columns, k % columns)
            self.views.append(view)
            self.captions.append(caption)
            self.checks.append(check)
        self.fit_button = QPushButton("Fit (0)")
        self.actual_button = QPushButton("1:1 (Z)")
        self.actual_button.setToolTip("The largest photo's real pixels; the others at the same scale")
        close = QPushButton("Close")
        self.fit_button.clicked.connect(lambda: self.views[0].fit())
        self.actual_button.clicked.connect(lambda: self.views[0].actual_size())
        close.clicked.connect(self.accept)
        buttons = FlowRow()
        for b in (self.fit_button, self.actual_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(
            hint("Wheel or +/- zooms, drag moves: every photo follows, to judge them pixel by pixel.")
        )
        layout.addLayout(buttons)
        zoom_keys(self, lambda: self.views)
        model.dataChanged.connect(self._captions)
        self._captions()
        fit_dialog(self, 1200, 800)
        edge = 1024
        for k in range(len(self._rows)):
            self._load(k, edge)

    def _load(self, k: int, edge: int | None) -> None:
        path = self._paths[k]
        self._tasks.run_io(lambda: load_preview(path, edge), lambda shown: self._arrived(k, shown))

    def _arrived(self, k: int, shown: Shown | str) -> None:
        if not self._alive:
            return
        view = self.views[k]
        if isinstance(shown, Shown) and view.full and not shown.full:
            return
        natural = self._natural[k] if isinstance(shown, Shown) and self._natural[k] is not None else None
        view.set_photo(shown, natural)
        if isinstance(shown, Shown) and k and not self.views[0].pixmap().isNull():
            view.follow(self.views[0].view_state())

    def _follow(self, source: PhotoView) -> None:
        state = source.view_state()
        for view in self.views:
            if view is not source and not view.pixmap().isNull():
                view.follow(state)

    def _checked(self, row: int, keep: bool) -> None:
        index = self._model.index(row, 0)
        want = Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked
        if index.data(Qt.ItemDataRole.CheckStateRole) != want:
            self._model.setData(index, want, Qt.ItemDataRole.CheckStateRole)

    def _captions(self, *_args: Any) -> None:
        for k, row in enumerate(self._rows):
            index = self._model.index(row, 0)
            if index.data(PathRole) != self._paths[k]:
                continue  # the set changed under the dialog; leave the caption as it was
            detail = str(index.data(DetailRole) or "").replace("\n", " · ")
            # A month's name is the timeline's heading, not a mark of the photo (a new-user review
            # read "wayne.jpg — November 2003" beside a photo with none)
            badge = "" if isinstance(self._model, TimelineModel) else index.data(BadgeRole) or ""
            self.captions[k].setText(
                f"<b>{os.path.basename(self._paths[k])}</b>{' — ' + badge if badge else ''}<br>{detail}"
            )
            check = self.checks[k]
            if check is not None:
                check.blockSignals(True)
                check.setChecked(index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked)
                check.blockSignals(False)

    def done(self, result: int) -> None:
        self._alive = False  # photos still loading are no longer wanted
        super().done(result)


def _common_sizes(infos: Sequence[Any]) -> list[QSizeF | None]:
    """Sizes that show every photo at the scale of the largest: a smaller re-save is blown up
    to the same size on screen, so its lost detail shows beside the original at 1:1."""
    pixels = [(i.width or 0) * (i.height or 0) if i is not None else 0 for i in infos]
    largest = max(pixels, default=0)
    sizes: list[QSizeF | None] = []
    for info, px in zip(infos, pixels, strict=True):
        if not px or not largest:
            sizes.append(None)
            continue
        k = math.sqrt(largest / px)
        sizes.append(QSizeF(info.width * k, info.height * k))
    return sizes


def compare_rows(selected: Sequence[int], count: int) -> list[int]:
    """What Compare shows: the selected photos when two or more are, else the first ones."""
    rows = sorted(selected) if len(selected) >= 2 else list(range(count))
    return rows[:COMPARE_MAX]
