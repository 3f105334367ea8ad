"""What the thumbnail grids paint over a photo: a badge at its top left ("Keeper", a month's
name) and a mark at its lower right ("LIVE")."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter

#: A badge's colour by its text (others: grey).
BADGE_COLOURS = {"Keeper": "#2e7d32", "Best": "#2e7d32", "Protected": "#1565c0", "To trash": "#c62828"}


def paint_badge(painter: QPainter, where: QRect, badge: str) -> None:
    """A badge: white on a rounded pill of its colour."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(BADGE_COLOURS.get(badge, "#616161")))
    painter.drawRoundedRect(where, 6, 6)
    painter.setPen(QColor("white"))
    painter.drawText(where, Qt.AlignmentFlag.AlignCenter, badge)


def paint_mark(painter: QPainter, font: QFont, photo: QRect, mark: str) -> None:
    """A small mark on the photo's lower right corner ("LIVE": a Live Photo, its video folded
    behind it), light on a dark pill, readable on any photo."""
    small = QFont(font)
    small.setPointSizeF(max(6.5, small.pointSizeF() - 2.5))
    small.setBold(True)
    painter.save()
    painter.setFont(small)
    fm = painter.fontMetrics()
    r = QRect(0, 0, fm.horizontalAdvance(mark) + 8, fm.height() + 2)
    r.moveBottomRight(photo.bottomRight() - QPoint(3, 3))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 150))
    painter.drawRoundedRect(r, 4, 4)
    painter.setPen(QColor("white"))
    painter.drawText(r, Qt.AlignmentFlag.AlignCenter, mark)
    painter.restore()
