"""The window's dialogs that change the library's settings or look back at its actions:
Settings, Duplicate thresholds, History."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from photoorg.core.devices import known_devices
from photoorg.gui.calibration import ThresholdsDialog
from photoorg.gui.dialogs import SettingsDialog, error_dialog
from photoorg.gui.history import HistoryDialog

if TYPE_CHECKING:  # pragma: no cover
    from photoorg.gui.app import MainWindow


class WindowDialogs(QObject):
    """File > Settings, File > Duplicate thresholds, Edit > History."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library

    def settings(self) -> None:
        w = self.window
        dialog = SettingsDialog(self.library.settings, w, known_devices(w.where.cache))
        if not dialog.exec():
            return
        try:
            new = dialog.apply_to(self.library.settings)
        except ValueError as exc:
            error_dialog(w, f"Those settings cannot be used: {exc}").exec()
            return
        old = self.library.settings
        self.library.change_settings(
            lambda s: s.assign(**{k: getattr(new, k) for k in SettingsDialog.FIELDS})
        )
        rescan = (new.model, new.device, new.dtype, new.exclude) != (
            old.model,
            old.device,
            old.dtype,
            old.exclude,
        )
        w.first_run.asked = False
        self.library.refresh(scan=rescan)

    def history(self) -> None:
        """Edit > History: the actions, their files, and undo of any of them."""
        self.library.history(self._history_read)

    def _history_read(self, found: tuple[list[Any], int]) -> None:
        batches, total = found
        dialog = HistoryDialog(batches, total, self.window)
        dialog.files_wanted.connect(
            lambda batch: self.library.history(lambda files: dialog.show_files(batch, files), batch)
        )
        dialog.undo_requested.connect(self.library.undo)
        dialog.finished.connect(dialog.deleteLater)
        # Modal, but not a nested event loop: this runs in the answer to the engine, which
        # must return before the files (the next question to the engine) can be asked for.
        dialog.setModal(True)
        dialog.show()
        dialog.start()

    def thresholds(self) -> None:
        """Judge the duplicate thresholds on this library's photos (measured in the engine)."""
        self.library.calibrate(self._thresholds_measured)

    def _thresholds_measured(self, calibration: Any) -> None:
        dialog = ThresholdsDialog(calibration, self.window.thumbnails, self.window)
        if not dialog.exec():
            return
        same, similar = dialog.values()
        self.library.change_settings(lambda s: s.assign(same_threshold=same, similar_threshold=similar))
        self.window.tell(
            f"Saved: same image from {same:.3f}, similar shots from {similar:.3f}. Finding the sets again…"
        )
        self.library.refresh(scan=False)
