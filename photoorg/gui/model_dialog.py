"""The first-run question about the DINOv2 model: download it (with how long each size takes
here), choose a model folder, or not now (out of dialogs.py, past 18 KB)."""

from __future__ import annotations

import html
import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.errors import ModelNotCached, ModelUnavailable
from photoorg.core.humanize import about_duration, human_bytes, plural, rough_duration
from photoorg.core.settings import MODEL_CHOICES


class ModelDialog(QDialog):
    """First run: the model is not on this computer. Download it, choose a folder, or not now."""

    DOWNLOAD, FOLDER, LATER = 1, 2, 3

    def __init__(
        self,
        model: str,
        why: ModelUnavailable,
        parent: QWidget | None = None,
        size: int | None = None,
        offline: bool | None = None,
        estimate: Any = None,
    ) -> None:
        """``size``: the bytes the download fetches, as the hub said; ``offline``: whether the
        hub cannot be reached now, as this process found (None: as ``why`` says); ``estimate``:
        a ScanEstimate, how long the first scan takes here with each model size."""
        super().__init__(parent)
        self.setWindowTitle("The DINOv2 model is needed")
        self.choice = 0  # closed without choosing: ask again next time
        self.folder = ""
        self.model = model  # the model to download (the person may pick another size)
        not_cached = isinstance(why, ModelNotCached)
        if offline is None:
            offline = not_cached and why.offline
        folder_chosen = os.path.isabs(os.path.expanduser(model))
        if folder_chosen and os.path.isdir(os.path.expanduser(model)) and not not_cached:
            # A folder that is here but holds no model (a new-user review: "… which is not on
            # this computer yet", under "it has no config.json", for a folder of photos).
            text = (
                f"<p>photoorg finds similar photos and groups them with a DINOv2 model, but the "
                f"folder <b>{html.escape(model)}</b> is not a DINOv2 model folder (the reason is "
                "below). Choose the folder that holds <i>config.json</i>, "
                "<i>preprocessor_config.json</i> and <i>model.safetensors</i>, or download the "
                "model.</p>"
            )
        elif folder_chosen and not os.path.isdir(os.path.expanduser(model)):
            # A folder chosen before (a review: "... which is not on this computer yet" beside
            # a greyed Download, for a folder that had been moved).
            text = (
                f"<p>photoorg finds similar photos and groups them with the DINOv2 model in the "
                f"folder <b>{html.escape(model)}</b>, which is not there now: moved, deleted, or on a "
                "drive that is not connected. Connect it, or choose the model's folder where it is "
                "now.</p>"
            )
        else:
            text = (
                f"<p>photoorg finds similar photos and groups them with the DINOv2 model "
                f"<b>{html.escape(model)}</b>, which is not on this computer yet.</p>"
            )
        if model in MODEL_CHOICES and not offline:
            fetches = f"fetches {human_bytes(size)}" if size is not None else "fetches it"
            text += (
                f"<p>Downloading it {fetches} from the Hugging Face hub once; after that photoorg "
                "works offline. Your photos never leave this computer.</p>"
            )
        if offline:
            text += (
                "<p><b>This computer seems to be offline</b>, so the download cannot start now. "
                "You can choose a model folder copied from another computer instead: it holds "
                "<i>config.json</i>, <i>preprocessor_config.json</i> and <i>model.safetensors</i>. "
                "On a computer that is online, <tt>hf download facebook/dinov2-base config.json "
                "preprocessor_config.json model.safetensors --local-dir dinov2-base</tt> makes one "
                "(the <tt>hf</tt> command comes with photoorg).</p>"
            )
        scanned_with = getattr(why, "scanned_with", "") if not_cached else ""
        if scanned_with:  # (an app review: it offered a download with the library's vectors here)
            text += (
                f"<p>This library's {plural(why.vectors, 'photo')} were looked at with the model in "
                f"<b>{html.escape(scanned_with)}</b> (a command's --model); "
                "<i>Use that model</i> keeps using it, without a download.</p>"
            )
        text += "<p>Exact copies are found without the model either way.</p>"
        self.sizes = QComboBox()
        self.sizes.setVisible(False)
        if estimate is not None and estimate.device == "cpu" and model in MODEL_CHOICES and not offline:
            times = " · ".join(
                f"{name.rsplit('-', 1)[-1]}: <b>{rough_duration(estimate.seconds[name])}</b>"
                for name in MODEL_CHOICES
            )
            faster = estimate.int8_seconds
            int8 = (
                " With Settings &gt; <i>Faster on this CPU (int8)</i> it takes about "
                + " · ".join(f"{n.rsplit('-', 1)[-1]}: <b>{rough_duration(faster[n])}</b>" for n in faster)
                + ", with vectors a hair different from the exact ones (cosine 0.999)."
                if faster
                else ""
            )
            text += (
                "<p>This computer has no GPU photoorg can use, so the model runs on its processor. "
                f"Measured here just now, its first look at your {plural(estimate.photos, 'photo')} "
                f"takes about {times}.{int8} Later scans only look at new photos. The model to "
                "download:</p>"
            )
            for name, choice in MODEL_CHOICES.items():
                also = f", int8 {rough_duration(faster[name])}" if name in faster else ""
                self.sizes.addItem(f"{choice}: {about_duration(estimate.seconds[name])} here{also}", name)
            self.sizes.setCurrentIndex(self.sizes.findData(model))
            self.sizes.currentIndexChanged.connect(self._size_chosen)
            self.sizes.setVisible(True)
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        # The core's message for "not downloaded" speaks to command-line users; the text above
        # says it for the app. Other reasons (a wrong or unsafe folder) are shown as they are.
        details = QLabel("" if not_cached else str(why))
        details.setVisible(bool(details.text()))
        details.setWordWrap(True)
        details.setStyleSheet("color: palette(placeholder-text); font-size: small;")
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        download = QPushButton("Download now")
        download.setEnabled(model in MODEL_CHOICES and not offline)
        download.setDefault(download.isEnabled() and not scanned_with)
        choose = QPushButton("Choose a model folder…")
        choose.setDefault(not download.isEnabled() and not scanned_with)
        later = QPushButton("Not now")
        download.clicked.connect(lambda: self._done(self.DOWNLOAD))
        choose.clicked.connect(self._choose)
        later.clicked.connect(lambda: self._done(self.LATER))
        row = QHBoxLayout()
        row.addStretch(1)
        buttons = [later, choose, download]
        if scanned_with:
            use = QPushButton("Use that model")
            use.setToolTip(scanned_with)
            use.setDefault(True)
            use.clicked.connect(lambda: self._use(scanned_with))
            buttons.append(use)
        for b in buttons:
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.sizes)
        layout.addWidget(details)
        layout.addLayout(row)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(600)
        label.setMinimumWidth(580)

    def _size_chosen(self, _index: int) -> None:
        self.model = self.sizes.currentData()

    def _use(self, folder: str) -> None:
        self.folder = folder
        self._done(self.FOLDER)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a DINOv2 model folder")
        if folder:
            self.folder = folder
            self._done(self.FOLDER)

    def _done(self, choice: int) -> None:
        self.choice = choice
        self.accept()
