"""Layout pieces the pages share: headings, hints, a button row that wraps, and a list
beside a column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

#: How long typing in a filter pauses before the photos are filtered (ms).
FILTER_PAUSE_MS = 150


def filter_field(owner: QWidget, refilter: Callable[[], None], tip: str) -> QLineEdit:
    """A page's filter box ("Filter (Ctrl+F)"): ``refilter`` runs once the person pauses in
    typing; Escape clears it."""
    field = QLineEdit(owner)
    field.setPlaceholderText("Filter (Ctrl+F)")  # said whole: a review saw "Filter by name or fol"
    field.setToolTip(tip)
    field.setClearButtonEnabled(True)
    pause = QTimer(owner)
    pause.setSingleShot(True)
    pause.setInterval(FILTER_PAUSE_MS)
    pause.timeout.connect(refilter)
    field.textChanged.connect(lambda _t: pause.start())
    QShortcut(QKeySequence(Qt.Key.Key_Escape), field, field.clear, context=Qt.ShortcutContext.WidgetShortcut)
    return field


def menu_text(text: str) -> str:
    """A name shown in a menu as it is: Qt reads "&" as the mark of a shortcut key (a review:
    the group "Cats & Dogs" read "Merge “Cats _Dogs” into")."""
    return text.replace("&", "&&")


def title(text: str) -> QLabel:
    """A page's heading; a long name (a group's, an album's) wraps rather than being cut."""
    label = QLabel(text)
    label.setWordWrap(True)
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


class ElidedLabel(QLabel):
    """A one-line label that, too narrow for its text, leaves out its middle ("…") rather than
    its end (a review: the status bar cut "… Edit > Undo takes it back." at the zoom slider);
    the whole text is its tooltip, and ``text()``."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._shorter: tuple[str, ...] = ()
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str, *shorter: str) -> None:
        """``text``, or where it does not fit the first of ``shorter`` (the same said in fewer
        words) that does; the last one, cut in the middle, when none fits."""
        self._full = text
        self._shorter = shorter
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width, metrics = max(1, self.width()), self.fontMetrics()
        choices = (self._full, *self._shorter)
        fits = next((t for t in choices if metrics.horizontalAdvance(t) <= width), None)
        shown = fits or metrics.elidedText(choices[-1], Qt.TextElideMode.ElideMiddle, width)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


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


def labelled_bar(tip: str) -> tuple[QWidget, QLabel, QProgressBar]:
    """A thin bar with its words beside it, not on it (an app review: on an album's bar they
    were half white, half black, where the fill ended): (the row, its label, its bar)."""
    bar = QProgressBar()
    bar.setTextVisible(False)
    bar.setMaximumHeight(10)
    text = QLabel()
    row = QWidget()
    row.setToolTip(tip)
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(text)
    line.addWidget(bar, 1)
    return row, text, bar
