"""The bar above the pages that offers a new look at the library: when its vectors were made in
a number format this computer does not run best, or with an older preprocessing, the library
goes on with them (nothing is looked at again unasked, :mod:`photoorg.core.vector_choice`), and
this bar says what a new look would bring and take, with a button that starts it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class OfferBar(QFrame):
    """Hidden until :meth:`offer`; "Look again" emits ``accepted`` and hides the bar, "Not
    now" hides it (the offer comes back the next time the model loads)."""

    accepted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.look_again = QPushButton("Look again")
        self.look_again.setToolTip("Look at every photo of the library again, as said here (Cancel stops it)")
        self.not_now = QPushButton("Not now")
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.look_again)
        row.addWidget(self.not_now)
        self.look_again.clicked.connect(self._accept)
        self.not_now.clicked.connect(self.hide)
        self.hide()

    def offer(self, text: str) -> None:
        self.text.setText(text)
        self.show()

    def _accept(self) -> None:
        self.hide()
        self.accepted.emit()
