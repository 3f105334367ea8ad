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
from photoorg.core.paths import FolderSet
from photoorg.core.timeline import day_alone

FIRST_YEAR = 1826  # the first photograph (imaging.FIRST_PHOTO_YEAR): the core refuses earlier


def own_date(photo: Any) -> bool:
    """Whether the photo says when it was taken itself (EXIF), which a sidecar does not change."""
    return bool(photo.taken) and photo.taken_from is None


class SetDateDialog(QDialog):
    """Asks for the date taken of ``photos`` (PhotoInfos); :meth:`when` is the answer."""

    def __init__(self, parent: QWidget | None, photos: Sequence[Any], protected: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set date taken")
        self.setMinimumWidth(440)
        self.photos = list(photos)
        guarded = FolderSet(protected)
        kept = [p for p in self.photos if guarded.holds(p.path)]  # (a review: promised, then left)
        undated = [p for p in self.photos if not own_date(p) and not guarded.holds(p.path)]
        self.undated = [p.path for p in undated]
        start, timed = _first_date(undated)

        own = sum(1 for p in self.photos if own_date(p) and not guarded.holds(p.path))
        self.intro = intro = QLabel(self._intro(len(undated), own, len(kept)))
        intro.setWordWrap(True)
        # How much is known: a scanned print is often known to the year or the month only.
        self.known = QComboBox()
        for label, known in (("The day", "day"), ("The month", "month"), ("The year only", "year")):
            self.known.addItem(label, known)
        # A photo dated to the year or the month alone starts so (a review: "the day", 1 January).
        said = next((p.taken_known for p in undated if p.taken), None)
        self.known.setCurrentIndex(max(0, self.known.findData(said or "day")))
        self.date = QDateEdit(QDate(start.year, start.month, start.day))
        self.date.setCalendarPopup(True)
        self.date.setMinimumDate(QDate(FIRST_YEAR, 1, 1))
        self.date.setMaximumDate(QDate.currentDate())  # (a review: a date taken next year was offered)
        # A time of day a sidecar or the name gave is kept unless taken away (a review: a date
        # set again lost it); a copy's time of day is no time the photo was taken: noon.
        self.with_time = QCheckBox("Time of day")
        self.with_time.setChecked(timed)
        self.time = QTimeEdit(QTime(start.hour, start.minute) if timed else QTime(12, 0))
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
        # It starts from where the photos are placed now, for most the day they were copied:
        # set only once the person chose (a review: one Enter made the copy date a date taken).
        self.ok.setEnabled(False)
        changes = (self.date.dateChanged, self.time.timeChanged, self.known.currentIndexChanged)
        for changed in (*changes, self.with_time.toggled):
            changed.connect(lambda *_: self.ok.setEnabled(bool(undated)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(buttons)

    @staticmethod
    def _intro(undated: int, own: int, protected: int = 0) -> str:
        stay = []
        if own:
            stay.append(f"{plural(own, 'photo')} with a date of {agree(own, 'its', 'their')} own")
        if protected:
            stay.append(f"{plural(protected, 'photo')} in a protected folder")
        staying = " and ".join(stay)
        if not undated:
            return f"Nothing to date: {staying}, which photoorg does not change."
        text = (
            f"{plural(undated, 'photo')} without a date taken will be placed on the date you choose: "
            f"it is written into {agree(undated, 'its XMP sidecar', 'their XMP sidecars')}, which "
            "digiKam, darktable and Lightroom read too. "
            f"{agree(undated, 'The photo itself is', 'The photos themselves are')} not changed; "
            "Edit > Undo takes it back."
        )
        if staying:
            text += f" {staying} {agree(own + protected, 'stays as it is', 'stay as they are')}."
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


def _first_date(photos: Sequence[Any]) -> tuple[datetime, bool]:
    """The date the first of ``photos`` is placed on now (a sidecar's or its name's, else its
    file's), to start from, and whether it has a time of day of its own to keep."""
    for p in photos:
        try:
            if p.taken:
                return datetime.fromisoformat(p.taken), not day_alone(p) and not p.taken_known
            return datetime.fromtimestamp(p.mtime_ns / 1e9), False
        except (ValueError, OSError, OverflowError):
            continue
    return datetime.now().replace(hour=12, minute=0, second=0, microsecond=0), False
