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


def test_a_scans_counts_are_in_the_status_line_not_over_the_bars_fill(qtbot: QtBot) -> None:
    """A new-user review: over the bar's fill a digit was half white, half dark, and "80 / 213"
    read "30 / 213"; the counts are said in the status line, the bar only fills."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QStatusBar

    from photoorg.core.progress import Progress
    from photoorg.gui.progressline import ProgressLine

    bar = QStatusBar()
    qtbot.addWidget(bar)
    progress = Progress()
    library = SimpleNamespace(progress=progress, cancellable=True, cancel=lambda: None)
    line = ProgressLine(bar, library)
    progress.start_stage("Reading and embedding photos", 213)
    progress.advance(80)
    line.show_progress()
    assert line.status.text().startswith("Reading and embedding photos: 80 of 213")
    assert not line.progress_bar.isTextVisible() and line.progress_bar.value() == 80


def test_a_message_in_the_status_bar_leaves_cancel_its_own_width(qtbot: QtBot) -> None:
    """An app review: while a message hid the status label, Cancel grew from 80 to 390 px."""
    from PySide6.QtWidgets import QMainWindow

    from photoorg.gui.progressline import ProgressLine

    class Work:
        cancellable = True

        def cancel(self) -> None:
            pass

    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    line = ProgressLine(window.statusBar(), Work())
    window.show()
    line.box.setVisible(True)
    qtbot.waitExposed(window)
    before = line.cancel_button.width()
    window.statusBar().showMessage("/home/me/Pictures is already in the library.")
    qtbot.wait(50)
    assert line.cancel_button.width() == before < 200
