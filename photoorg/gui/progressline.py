"""The status bar's progress: what the work in progress is doing, its bar, and Cancel, read
from the worker's Progress object (plain attributes) ten times a second."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget

from photoorg.core.humanize import format_duration, human_bytes
from photoorg.gui.layout import ElidedLabel

PROGRESS_INTERVAL_MS = 100


class ProgressLine(QObject):
    """The status label (stretching), and the bar with Cancel while work runs."""

    def __init__(self, bar: QStatusBar, library: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.status = ElidedLabel("Ready")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(170)  # 260 cut the rate and time left at 800 px
        # The counts are in the status line: over the bar's fill a digit was half white, half
        # dark ("80 / 213" read "30 / 213" in a new-user review's screenshot).
        self.progress_bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(library.cancel)
        self.box = QWidget()
        # Its own width only (an app review: while a message hid the status label, Cancel grew
        # from 80 to 390 px and pushed the bar left).
        self.box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        lay = QHBoxLayout(self.box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.cancel_button)
        bar.addWidget(self.status, 1)
        bar.addPermanentWidget(self.box)
        self.box.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(PROGRESS_INTERVAL_MS)
        self.timer.timeout.connect(self.show_progress)

    def set_busy(self, busy: bool) -> None:
        self.box.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 0)
            self.timer.start()
        else:
            self.timer.stop()

    def show_progress(self) -> None:
        p = self.library.progress
        if p.total and p.unit == "B":  # a download: MB, and a bar in thousandths (bytes overflow int)
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(min(1000, p.done * 1000 // p.total))
            done, total = human_bytes(p.done), human_bytes(p.total)
            rate = f" · {human_bytes(int(p.rate))}/s" if p.rate else ""
            eta = f" · {format_duration(p.eta)} left" if p.eta is not None else ""
            self.status.setText(f"{p.stage}: {done} of {total}{rate}{eta}")
        elif p.total:
            self.progress_bar.setRange(0, p.total)
            self.progress_bar.setValue(min(p.done, p.total))
            rate = f" · {p.rate:.1f}/s" if p.rate else ""
            eta = f" · {format_duration(p.eta)} left" if p.eta is not None else ""
            self.status.setText(f"{p.stage}: {p.done} of {p.total}{rate}{eta}")
        else:
            self.progress_bar.setRange(0, 0)
            self.status.setText(f"{p.stage}…" if p.stage else "Working…")
        self.cancel_button.setEnabled(self.library.cancellable and not p.cancelled)
