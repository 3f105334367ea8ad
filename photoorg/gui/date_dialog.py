"""*Set date taken…*: the date (and, if the person knows it, the time of day) for photos that do
not say when they were taken; the library service writes it into their XMP sidecars
(:mod:`photoorg.core.date_edits`) as one undoable action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import agree, plural

FIRST_YEAR = 1826  # the first photograph (imaging.FIRST_PHOTO_YEAR): the core refuses earlier


def own_date(photo: Any) -> bool:
    """Whether the photo says when it was taken itself (EXIF), which a sidecar does not change."""
    return bool(photo.taken) and photo.taken_from is None


class SetDateDialog(QDialog):
    """Asks for the date taken of ``photos`` (PhotoInfos); :meth:`when` is the answer."""

    def __init__(self, parent: QWidget | None, photos: Sequence[Any]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set date taken")
        self.setMinimumWidth(440)
        self.photos = list(photos)
        undated = [p for p in self.photos if not own_date(p)]
        self.undated = [p.path for p in undated]
        start = _first_date(undated) or datetime.now().replace(hour=12, minute=0, second=0, microsecond=0)

        intro = QLabel(self._intro(len(undated), len(self.photos) - len(undated)))
        intro.setWordWrap(True)
        # How much is known: a scanned print is often known to the year or the month only.
        self.known = QComboBox()
        for label, known in (("The day", "day"), ("The month", "month"), ("The year only", "year")):
            self.known.addItem(label, known)
        self.date = QDateEdit(QDate(start.year, start.month, start.day))
        self.date.setCalendarPopup(True)
        self.date.setMinimumDate(QDate(FIRST_YEAR, 1, 1))
        self.date.setMaximumDate(QDate.currentDate().addYears(1))
        self.with_time = QCheckBox("Time of day")
        self.time = QTimeEdit(QTime(start.hour, start.minute))
        self.time.setDisplayFormat("HH:mm")
        self.time.setEnabled(False)
        self.with_time.toggled.connect(lambda: self._show_known())
        self.known.currentIndexChanged.connect(lambda: self._show_known())
        self._show_known()
        form = QFormLayout()
        form.addRow("Known", self.known)
        form.addRow("Date taken", self.date)
        form.addRow(self.with_time, self.time)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Set date", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(bool(undated))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(buttons)

    @staticmethod
    def _intro(undated: int, own: int) -> str:
        if not undated:
            return (
                f"{agree(own, 'This photo has', 'These photos have')} a date taken of "
                f"{agree(own, 'its', 'their')} own, which photoorg does not change."
            )
        text = (
            f"{plural(undated, 'photo')} without a date taken will be placed on this date: it is "
            f"written into {agree(undated, 'its', 'their')} XMP sidecar{'' if undated == 1 else 's'}, "
            "which digiKam, darktable and Lightroom read too. "
            "The photos themselves are not changed; Edit > Undo takes it back."
        )
        if own:
            stays = agree(own, "its own stays as it is", "their own stay as they are")
            text += f" {plural(own, 'photo')} with a date of {stays}."
        return text

    def _show_known(self) -> None:
        """The date as precisely as it is known: a month or a year alone has no day, no time."""
        known = self.known_to()
        self.date.setDisplayFormat({"day": "d MMMM yyyy", "month": "MMMM yyyy", "year": "yyyy"}[known])
        self.with_time.setEnabled(known == "day")
        self.time.setEnabled(known == "day" and self.with_time.isChecked())

    def known_to(self) -> str:
        """How much of the date is known: "day" (with the time of day, when given), "month", "year"."""
        return str(self.known.currentData())

    def when(self) -> datetime:
        """The date (and time of day, when given) the person chose; a month or a year alone is
        its first day."""
        day, known = self.date.date(), self.known_to()
        if known != "day":
            return datetime(day.year(), day.month() if known == "month" else 1, 1)
        time = self.time.time() if self.with_time.isChecked() else QTime(0, 0)
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())


def _first_date(photos: Sequence[Any]) -> datetime | None:
    """The date the first of ``photos`` is placed on now (a sidecar's, or its file's), to start from."""
    for p in photos:
        try:
            if p.taken:
                return datetime.fromisoformat(p.taken)
            return datetime.fromtimestamp(p.mtime_ns / 1e9)
        except (ValueError, OSError, OverflowError):
            continue
    return None
