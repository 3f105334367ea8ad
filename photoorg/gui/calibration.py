"""Judging the duplicate thresholds on the library's own photos: a histogram of each photo's
nearest-neighbour similarity with the two thresholds drawn on it (drag them), and example
pairs at the similarity under the cursor. Saving recomputes the duplicate sets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import similarity
from photoorg.gui.placement import fit_dialog
from photoorg.gui.thumbnails import Thumbnails

SAME_COLOUR = QColor("#c0392b")
SIMILAR_COLOUR = QColor("#d68910")
GRAB_PX = 7  # how near a line the mouse must be to take it
PAIRS = 4
PAIR_THUMB = 80  # four pairs side by side fit an 800 px screen
PUBLISHED = (0.98, 0.93)  # the starting points (see core/duplicate_settings.DuplicateSettings)


class Histogram(QWidget):
    """Bars of nearest-neighbour similarities; the two thresholds as lines to drag."""

    hovered = Signal(float)  # the similarity under the mouse
    moved = Signal()  # a threshold line was dragged

    def __init__(self, counts: Any, edges: Any, same: float, similar: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.counts = [int(c) for c in counts]
        self.low, self.high = float(edges[0]), float(edges[-1])
        self.same, self.similar = same, similar
        self.hover: float | None = None
        self._drag: str | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(360, 170)
        self.setToolTip("Drag the red (same image) or orange (similar shots) line")

    # -- geometry --------------------------------------------------------------------------------
    def _plot(self) -> QRectF:
        return QRectF(18, 22, self.width() - 36, self.height() - 44)  # room for the end labels

    def x_of(self, value: float) -> float:
        r = self._plot()
        return r.left() + (value - self.low) / (self.high - self.low) * r.width()

    def value_at(self, x: float) -> float:
        r = self._plot()
        v = self.low + (x - r.left()) / r.width() * (self.high - self.low)
        return min(self.high, max(self.low, v))

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self._plot()
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        top = max(1, max(self.counts, default=1))
        width = r.width() / max(1, len(self.counts))
        bar = pal.color(QPalette.ColorRole.Highlight)
        for k, n in enumerate(self.counts):
            if n:
                h = max(1.0, n / top * r.height())
                p.fillRect(QRectF(r.left() + k * width + 0.5, r.bottom() - h, max(1.0, width - 1), h), bar)
        text = pal.color(QPalette.ColorRole.Text)
        p.setPen(QPen(text, 1))
        p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        p.setFont(font)
        step = 0.1 if self.high - self.low > 0.3 else 0.05 if self.high - self.low > 0.1 else 0.01
        tick = round(self.low / step) * step
        while tick <= self.high + 1e-9:
            x = self.x_of(tick)
            p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4))
            p.drawText(QRectF(x - 30, r.bottom() + 5, 60, 16), Qt.AlignmentFlag.AlignHCenter, f"{tick:.2f}")
            tick += step
        if self.hover is not None:
            p.setPen(QPen(pal.color(QPalette.ColorRole.PlaceholderText), 1, Qt.PenStyle.DashLine))
            x = self.x_of(self.hover)
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
        for value, colour, label, row in (
            (self.similar, SIMILAR_COLOUR, "similar shots", 0),
            (self.same, SAME_COLOUR, "same image", 1),
        ):
            x = self.x_of(value)
            p.setPen(QPen(colour, 2))
            p.drawLine(QPointF(x, r.top() - 4), QPointF(x, r.bottom()))
            caption = f"{label} {value:.3f}"
            right = x + 4 + p.fontMetrics().horizontalAdvance(caption) > self.width()
            box = QRectF(x - 204, row * 11, 200, 14) if right else QRectF(x + 4, row * 11, 200, 14)
            align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            p.drawText(box, align, caption)
        p.end()

    # -- dragging --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        near = sorted(
            (abs(self.x_of(v) - x), name) for name, v in (("same", self.same), ("similar", self.similar))
        )
        if near[0][0] <= GRAB_PX:
            self._drag = near[0][1]

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        value = round(self.value_at(event.position().x()), 3)
        self.hover = value
        if self._drag == "same":
            self.same = max(value, self.similar)
            self.moved.emit()
        elif self._drag == "similar":
            self.similar = min(value, self.same)
            self.moved.emit()
        self.setCursor(Qt.CursorShape.SizeHorCursor if self._drag else Qt.CursorShape.ArrowCursor)
        self.update()
        self.hovered.emit(value)

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag = None


class ThresholdsDialog(QDialog):
    """The histogram, what each threshold takes in, and example pairs; Save keeps the values."""

    def __init__(self, calibration: Any, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Duplicate thresholds")
        self.calibration = calibration
        self._thumbs = thumbnails
        self._saved = (calibration.same, calibration.similar)
        counts, edges = calibration.histogram(bins=60)
        self.histogram = Histogram(counts, edges, calibration.same, calibration.similar)
        n, sampled = len(calibration.fingerprints), len(calibration.queries)
        who = f"a sample of {sampled} of the {n} photos" if calibration.sampled else f"all {n} photos"
        intro = QLabel(
            f"How similar each photo is to its nearest neighbour in this library ({who}). Copies, "
            "re-saves and bursts sit near 1. The thresholds are starting points, not values tuned on "
            "your photos: drag a line, look at the pairs where it falls, then save."
        )
        intro.setWordWrap(True)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.pairs_label = QLabel()
        self.pairs = QGridLayout()
        self._cells: list[tuple[QLabel, QLabel, QLabel]] = []
        for k in range(PAIRS):
            a, b, caption = QLabel(), QLabel(), QLabel()
            for w in (a, b):
                w.setFixedSize(PAIR_THUMB, PAIR_THUMB)
                w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            frame = QFrame()  # one pair, framed, so the two photos read as a pair
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            row = QHBoxLayout()
            row.setSpacing(2)
            row.addWidget(a)
            row.addWidget(b)
            cell = QVBoxLayout(frame)
            cell.setContentsMargins(4, 4, 4, 2)
            cell.addLayout(row)
            cell.addWidget(caption)
            self.pairs.addWidget(frame, 0, k)
            self._cells.append((a, b, caption))
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save and find the sets again", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        reset = QPushButton("Starting points")
        reset.setToolTip(
            f"Same image from {PUBLISHED[0]}, similar shots from {PUBLISHED[1]} (published practice)"
        )
        self.buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        reset.clicked.connect(self._reset)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.histogram, 1)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.pairs_label)
        layout.addLayout(self.pairs)
        layout.addWidget(self.buttons)
        self._shown: list[Any] = []
        self._at: float | None = None
        self.histogram.hovered.connect(self._show_pairs)
        self.histogram.moved.connect(self._update_counts)
        thumbnails.ready.connect(self._thumbnail_ready)
        self._update_counts()
        self._show_pairs(calibration.same)
        fit_dialog(self, 760, 560)

    def values(self) -> tuple[float, float]:
        """(same image, similar shots) as the lines stand."""
        return self.histogram.same, self.histogram.similar

    def _reset(self) -> None:
        self.histogram.same, self.histogram.similar = PUBLISHED
        self.histogram.update()
        self._update_counts()

    def _update_counts(self) -> None:
        c = self.calibration
        same, similar = self.values()
        parts = []
        for label, now, was in (
            ("Same image", same, self._saved[0]),
            ("Similar shots", similar, self._saved[1]),
        ):
            text = f"{label} from {now:.3f}: {c.above(now)} photos have such a neighbour"
            if abs(now - was) >= 0.0005:
                moved = c.between(now, was)
                text += f" ({'+' if now < was else '−'}{moved} against the saved {was:.3f})"
            if label == "Same image":  # the line is one of its tests, not the whole verdict
                text += "; the pictures must also match, compared pixel by pixel"
            parts.append(text)
        self.counts_label.setText(".\n".join(parts) + ".")
        self.save_button.setEnabled(self.values() != self._saved)

    def _show_pairs(self, value: float) -> None:
        if self._at is not None and abs(value - self._at) < 0.002:
            return
        self._at = value
        self._shown = self.calibration.pairs_near(value, PAIRS)
        heading = self.calibration.pairs_heading(value, self._shown)
        self.pairs_label.setText(f"{heading} (move the mouse over the histogram):")
        for k, (a, b, caption) in enumerate(self._cells):
            if k < len(self._shown):
                pair = self._shown[k]
                caption.setText(f"similarity {similarity(pair.similarity)}")
                caption.setToolTip(f"{pair.a}\n{pair.b}")
                self._set_thumb(a, pair.a, pair.fingerprint_a)
                self._set_thumb(b, pair.b, pair.fingerprint_b)
            else:
                for w in (a, b, caption):
                    w.clear()

    def _set_thumb(self, label: QLabel, path: str, fingerprint: str) -> None:
        pm = self._thumbs.get(path, fingerprint)
        label.setProperty("path", path)
        if pm is None:
            label.setText("…")
        else:
            label.setPixmap(
                pm.scaled(
                    PAIR_THUMB,
                    PAIR_THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def _thumbnail_ready(self, path: str) -> None:
        for k, (a, b, _c) in enumerate(self._cells):
            if k < len(self._shown):
                pair = self._shown[k]
                if pair.a == path:
                    self._set_thumb(a, pair.a, pair.fingerprint_a)
                if pair.b == path:
                    self._set_thumb(b, pair.b, pair.fingerprint_b)
