"""The status line says as much as fits: the whole sentence, its shorter form, then the shorter
form cut in the middle."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from photoorg.gui.layout import ElidedLabel

FULL = (
    "213 photos · 3 groups · 49 duplicate sets (14.6 KB to free as checked) · 0 unreadable · "
    "213 embedded in 2:41"
)
SHORT = "213 photos · 3 groups · 49 sets (14.6 KB to free)"


def test_a_narrow_status_line_says_the_shorter_form_whole_before_cutting_anything(qtbot: QtBot) -> None:
    """An app review at 800x600 read "(14.6 KB t…ee as checked)" in the status bar."""
    label = ElidedLabel()
    qtbot.addWidget(label)
    metrics = label.fontMetrics()
    label.setText(FULL, SHORT)
    label.show()
    label.resize(metrics.horizontalAdvance(FULL) + 10, 20)
    assert QLabel.text(label) == FULL
    label.resize(metrics.horizontalAdvance(SHORT) + 10, 20)  # too narrow for the whole sentence
    assert QLabel.text(label) == SHORT and label.toolTip() == FULL
    label.resize(metrics.horizontalAdvance(SHORT) // 2, 20)
    shown = QLabel.text(label)
    assert "…" in shown and shown.startswith("213 photos") and shown.endswith("free)")
    assert label.text() == FULL  # what the window asks for is the whole sentence
