"""The window's dialogs that change the library's settings or look back at its actions:
Settings, Duplicate thresholds, History."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from photoorg.core.devices import known_devices
from photoorg.core.humanize import about_duration, plural
from photoorg.gui.calibration import ThresholdsDialog
from photoorg.gui.dialogs import SettingsDialog, confirm_box, error_dialog
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
        photos = self.library.state.photo_count
        if (new.model, new.dtype) != (old.model, old.dtype) and photos:
            # Every photo looked at again: asked first, with how long it takes here (a review:
            # OK re-embedded a library of 20,000 photos, hours on a CPU, without a word).
            w.status.setText("Measuring how fast this computer runs the model…")
            self.library.estimate_first_scan(photos, lambda estimate: self._ask_new_model(new, old, estimate))
            return
        self._apply(new, old)

    def _ask_new_model(self, new: Any, old: Any, estimate: Any) -> None:
        w = self.window
        photos = self.library.state.photo_count
        times = (estimate.int8_seconds or {}) if estimate is not None and new.dtype == "int8" else {}
        seconds = times.get(new.model) or (estimate.seconds.get(new.model) if estimate is not None else None)
        took = f", {about_duration(seconds)} on this computer for all of them" if seconds else ""
        what = new.model if new.model != old.model else f"{new.model} ({new.dtype})"
        text = (
            f"Look at the library's {plural(photos, 'photo')} with {what}? Each photo it has not "
            f"looked at before is looked at again, in the background{took}. Until that is done, "
            "the groups and duplicate sets are of the photos looked at so far.\n\nWhat the current "
            "model saw is kept: going back to it later costs nothing."
        )
        box = confirm_box(w, "Change the model", text, "Change the model")
        box.exec()
        if box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole:
            self._apply(new, old)
        else:
            w.tell(f"The model stays {old.model}{' (int8)' if old.dtype == 'int8' else ''}; nothing changed.")

    def _apply(self, new: Any, old: Any) -> None:
        self.library.change_settings(
            lambda s: s.assign(**{k: getattr(new, k) for k in SettingsDialog.FIELDS})
        )
        rescan = (new.model, new.device, new.dtype, new.exclude) != (
            old.model,
            old.device,
            old.dtype,
            old.exclude,
        )
        self.window.first_run.asked = False
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

        shown = [True]  # (the dialog is deleted once closed: never asked after that)

        def undone(said: str) -> None:  # the window stays open, with what the undo did
            if shown[0]:
                self.library.history(lambda found: dialog.reload(found, said) if shown[0] else None)

        dialog.undo_requested.connect(lambda batch: self.library.undo(batch, then=undone))
        dialog.finished.connect(lambda _result: shown.__setitem__(0, False))
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
        said = f"Saved: same image from {same:.3f}, similar shots from {similar:.3f}. Finding the sets again…"
        self.window.tell(said)

        def found(state: Any) -> None:  # the message said what is happening until it is done
            self.library.state_changed.disconnect(found)  # (a new-user review: it stayed)
            similar_sets = sum(1 for s in state.sets if s.verdict.value == "similar")
            copies = plural(len(state.sets) - similar_sets, "set")
            self.window.untell(
                said,
                f"Found the sets again with the new thresholds: {copies} of copies and re-saves, "
                f"{similar_sets} of similar shots. A stricter threshold splits large sets of similar "
                "shots into more, smaller ones.",
            )

        self.library.state_changed.connect(found)
        self.library.refresh(scan=False)
