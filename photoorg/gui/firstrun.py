"""The first run's model question: ask (with the size the hub gives), download, try again.

Everything slow (asking the hub, the download) runs in the heavy pool through the window's
:class:`~photoorg.gui.library.Library`; this object only shows dialogs and starts the next step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from photoorg.core.errors import ModelNotCached, ModelUnavailable
from photoorg.core.settings import MODEL_CHOICES
from photoorg.gui.model_dialog import ModelDialog

if TYPE_CHECKING:
    from photoorg.gui.app import MainWindow


class FirstRun(QObject):
    """Asks once per session (again after a failed or cancelled download, or new settings)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.asked = False

    def ask_again(self) -> None:
        """File > Get the DINOv2 model…: the question again, also after "Not now"."""
        why = self.library.state.model_error
        if why is None:  # it came meanwhile
            self.window.tell("The model is on this computer already.")
            return
        self.library.change_settings(lambda s: s.assign(model_declined=False))
        self.asked = False
        self.model_missing(why)

    def model_missing(self, why: ModelUnavailable) -> None:
        if self.asked or self.window.closing:
            return
        self.asked = True
        model = self.library.settings.model
        if isinstance(why, ModelNotCached) and model in MODEL_CHOICES:
            # How long each model size would take here (measured by the engine), then the size
            # of the download from the hub (which tells whether it answers at all).
            self.window.status.setText("Measuring how fast this computer runs the model…")
            photos = max(self.window.library.state.photo_count, 1)
            self.library.estimate_first_scan(photos, lambda estimate: self._size(why, estimate))
        else:
            self._ask(why, None, None)

    def _size(self, why: ModelUnavailable, estimate: Any) -> None:
        self.window.status.setText("Asking the Hugging Face hub how large the model is…")
        self.library.download_size(lambda size, _why, offline: self._ask(why, size, offline, estimate))

    def _ask(
        self, why: ModelUnavailable, size: int | None, offline: bool | None, estimate: Any = None
    ) -> None:
        if self.window.closing:
            return
        model = self.library.settings.model
        dialog = ModelDialog(model, why, self.window, size=size, offline=offline, estimate=estimate)
        dialog.exec()
        if dialog.choice == ModelDialog.DOWNLOAD:
            if dialog.model != model:  # a smaller or larger model, chosen by its time here
                self.library.change_settings(lambda s: s.assign(model=dialog.model))
            self.download()
        elif dialog.choice == ModelDialog.FOLDER:
            self.library.change_settings(lambda s: s.assign(model=dialog.folder, model_declined=False))
            self.asked = False
            self.window.scan()
            self.window.tell(
                f"The model is now the one in {dialog.folder}; the scan looks at the photos with it."
            )
        elif dialog.choice == ModelDialog.LATER:
            self.library.change_settings(lambda s: s.assign(model_declined=True))
            self.window.tell(
                "Exact copies are found without the model. File > Get the DINOv2 model… asks again."
            )
        else:
            self.asked = False  # closed without an answer: ask again at the next scan

    def download(self) -> None:
        self.library.download_model(self._downloaded, self._cancelled)

    def _cancelled(self) -> None:
        self.asked = False  # the next scan asks again

    def _downloaded(self, error: str | None) -> None:
        if error is None:
            self.window.status.setText("Model downloaded.")
            self.asked = False
            self.window.scan()
            return
        if self.window.closing:
            return
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("photoorg")
        box.setText(error)
        again = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(again)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is again:
            self.download()
        else:
            self.asked = False  # the next scan asks again
