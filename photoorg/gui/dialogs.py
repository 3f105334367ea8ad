"""Dialogs: settings, errors and confirmations (the first-run model question: model_dialog.py)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.devices import DEVICES
from photoorg.core.settings import MODEL_CHOICES, Settings

LOCAL_FOLDER = "local folder…"
NAMED = 8  # file names a confirmation shows before "… and N more"


INT8_TIP = (
    "The model computes in 8-bit integers on the CPU: about 1.6 to 2 times as fast as the full "
    "precision (fp32) the CPU uses otherwise, on a CPU without bf16 instructions. The photos' "
    "vectors differ a little (cosine above 0.999 to fp32), which can move a few photos into or "
    "out of sets of similar shots. The first scan with it prepares the int8 model once (up to "
    "a minute), and the library's photos are looked at again with it; the full-precision "
    "vectors are kept for when it is turned off."
)


class SettingsDialog(QDialog):
    """Model, device, the two near-duplicate thresholds, group size and excluded patterns."""

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, devices: Sequence[str] | None = None
    ) -> None:
        """``devices``: what PyTorch found here the last time it ran (None: not known yet)."""
        super().__init__(parent)
        self.setWindowTitle("photoorg settings")
        self._local = settings.model if settings.model not in MODEL_CHOICES else ""
        self.model = QComboBox()
        for name, text in MODEL_CHOICES.items():
            self.model.addItem(f"DINOv2 {text}", name)
        self.model.addItem("A DINOv2 model folder on this computer…", LOCAL_FOLDER)
        self.local_label = QLabel()
        self.local_label.setWordWrap(True)
        if self._local:
            self.model.setCurrentIndex(self.model.count() - 1)
        else:
            self.model.setCurrentIndex(self.model.findData(settings.model))
        self._before = self.model.currentIndex()  # what a cancelled folder choice goes back to
        self.model.activated.connect(self._model_chosen)
        self.device = QComboBox()
        names = {"auto": "automatic (GPU when there is one)", "cpu": "CPU", "cuda": "NVIDIA GPU (CUDA)",
                 "mps": "Apple GPU (MPS)"}  # fmt: skip
        for d in DEVICES:  # only what this computer has, and what is chosen now
            if d in ("auto", "cpu") or (devices is not None and d in devices):
                self.device.addItem(names[d], d)
            elif d == settings.device:
                missing = "not found on this computer" if devices is not None else "not checked yet"
                self.device.addItem(f"{names[d]}: {missing}", d)
        self.device.setCurrentIndex(self.device.findData(settings.device))
        self._dtype = settings.dtype
        self.int8 = QCheckBox("Faster on this CPU (int8)")
        self.int8.setChecked(settings.dtype == "int8")
        self.int8.setToolTip(INT8_TIP)
        self.same = _spin(settings.same_threshold)
        self.same.setToolTip("Cosine similarity from which two photos count as the same image re-saved")
        self.similar = _spin(settings.similar_threshold)
        self.similar.setToolTip("Cosine similarity from which two photos count as similar shots")
        # In percent, as the Duplicates page says it ("differ by at most 0.9% in any area"; a
        # review found the same limit as 0.030 here).
        self.local_change = QDoubleSpinBox()
        self.local_change.setRange(0.0, 100.0)
        self.local_change.setDecimals(1)
        self.local_change.setSingleStep(0.5)
        self.local_change.setSuffix(" %")
        self.local_change.setValue(settings.same_max_local_change * 100)
        self.local_change.setToolTip(
            "Two photos are the same image only if, once aligned, no small area differs by more than "
            "this (in percent of full brightness). Re-saves, resizes and light crops measure about 1 %; "
            "two frames of a video with something moved by a pixel or two, 9 %."
        )
        self.raw_jpegs = QCheckBox("Offer the JPEG beside a RAW of the same shot as a duplicate")
        self.raw_jpegs.setChecked(settings.offer_raw_jpegs)
        self.raw_jpegs.setToolTip(
            "A camera set to RAW+JPEG writes IMG_1.CR2 and IMG_1.JPG. Off: they are one shot and the "
            "JPEG is never offered for the trash. On: the JPEG is a duplicate of its RAW, which is kept."
        )
        self.min_group = QSpinBox()
        self.min_group.setRange(2, 1000)
        self.min_group.setValue(settings.min_group_size)
        self.min_group.setSuffix(" photos")  # (a review: "Smallest group: 5" gave no unit)
        self.min_group.setToolTip("A group needs at least this many photos; fewer, and they stay unsorted")
        # (a review: the grouping method was the command line's only, 'groups --method')
        self.group_method = QComboBox()
        self.group_method.addItem("Fewer, broader groups", "eom")
        self.group_method.addItem("More, finer groups", "leaf")
        self.group_method.setCurrentIndex(max(0, self.group_method.findData(settings.group_method)))
        self.group_method.setToolTip(
            "How HDBSCAN cuts its tree of photos: broad groups, or the small ones in them"
        )
        self.exclude = QLineEdit(", ".join(settings.exclude))
        self.exclude.setPlaceholderText("e.g. thumbnails/*, *.png")
        self.exclude.setToolTip(  # (a review: the syntax was unexplained, its effect silent)
            "Patterns, separated by commas, of files and folders the scans pass over: *.png (by name), "
            "thumbnails/* (a folder of that name anywhere in the library, and what is in it), or a "
            "whole path. The files are never touched: they only leave the catalog, and come back "
            "when the pattern goes."
        )
        form = QFormLayout()
        form.addRow("Model:", self.model)
        form.addRow("", self.local_label)
        form.addRow("Run the model on:", self.device)
        form.addRow("", self.int8)
        form.addRow("Same image from similarity:", self.same)
        form.addRow("Same image if no area changed by more than:", self.local_change)
        form.addRow("Similar shots from similarity:", self.similar)
        form.addRow("RAW + JPEG:", self.raw_jpegs)
        form.addRow("Smallest group:", self.min_group)
        form.addRow("Groups:", self.group_method)
        form.addRow("Skip files matching:", self.exclude)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._show_local()

    def _show_local(self) -> None:
        self.local_label.setText(self._local)
        self.local_label.setVisible(bool(self._local) and self.model.currentData() == LOCAL_FOLDER)

    def _model_chosen(self, _row: int) -> None:
        if self.model.currentData() == LOCAL_FOLDER:
            folder = QFileDialog.getExistingDirectory(self, "Choose a DINOv2 model folder", self._local)
            if folder:
                self._local = folder
            elif not self._local:  # cancelled: the model chosen before (an app review: base)
                self.model.setCurrentIndex(self._before)
        self._before = self.model.currentIndex()
        self._show_local()

    #: The settings this dialog edits; the others are left as they are saved.
    FIELDS = (
        "model",
        "device",
        "dtype",
        "same_threshold",
        "similar_threshold",
        "same_max_local_change",
        "offer_raw_jpegs",
        "min_group_size",
        "group_method",
        "exclude",
        "model_declined",
    )

    def apply_to(self, settings: Settings) -> Settings:
        """A copy of ``settings`` with this dialog's values (raises ValueError if invalid)."""
        data = dict(settings.__dict__)
        chosen = self.model.currentData()
        data["model"] = self._local if chosen == LOCAL_FOLDER else chosen
        data["device"] = self.device.currentData()
        if self.int8.isChecked():
            data["dtype"] = "int8"
        elif self._dtype == "int8":
            data["dtype"] = "auto"
        data["same_threshold"] = round(self.same.value(), 3)
        data["similar_threshold"] = round(self.similar.value(), 3)
        data["same_max_local_change"] = round(self.local_change.value() / 100, 4)
        data["offer_raw_jpegs"] = self.raw_jpegs.isChecked()
        data["min_group_size"] = self.min_group.value()
        data["group_method"] = self.group_method.currentData()
        data["exclude"] = [p.strip() for p in self.exclude.text().split(",") if p.strip()]
        if data["model"] != settings.model:
            data["model_declined"] = False
        return Settings(**data)

    def accept(self) -> None:
        if self.similar.value() > self.same.value():
            self.error.setText("'Similar shots' must not be stricter than 'Same image'.")
            return
        super().accept()


def _spin(value: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.5, 1.0)
    spin.setDecimals(3)
    spin.setSingleStep(0.005)
    spin.setValue(value)
    return spin


def error_dialog(parent: QWidget | None, message: str, details: str = "", log_file: str = "") -> QMessageBox:
    """A clear message; for unexpected errors, the traceback in a details box and the log path."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if not details else QMessageBox.Icon.Critical)
    box.setWindowTitle("photoorg")
    box.setText(message)
    if log_file:
        box.setInformativeText(f"The log file has more: {log_file}")
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def confirm_box(
    parent: QWidget | None, title: str, text: str, action: str, paths: Sequence[str] = ()
) -> QMessageBox:
    """A question before an action; ``paths``: the files it acts on, named in the box (the
    first ones) and all of them, with their folders, under Show Details (scrollable)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    if paths:
        # With its folder: skagen.jpg listed to go while the keeper was a skagen.jpg too (a
        # new-user review)
        names = [
            os.path.join(os.path.basename(os.path.dirname(p)), os.path.basename(p)) for p in paths[:NAMED]
        ]
        more = (
            f"\n… and {len(paths) - NAMED} more (Show Details lists them all)" if len(paths) > NAMED else ""
        )
        text = f"{text}\n\n" + "\n".join(names) + more
        box.setDetailedText("\n".join(paths))
    box.setText(text)
    box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    return box


def open_folder_dialog(parent: QWidget | None, title: str, start: str = "") -> str:
    return QFileDialog.getExistingDirectory(parent, title, start or os.path.expanduser("~"))
