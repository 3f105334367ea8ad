"""Settings > Faster on this CPU (int8): the app's engine process makes the int8 model (saying
so in the status bar) and looks at the library with it; the fp32 vectors stay in the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.core.catalog import Catalog
from photoorg.core.int8 import STAGE_PREPARE
from photoorg.core.paths import Locations
from photoorg.core.settings import Settings, load_settings
from photoorg.gui.app import MainWindow
from photoorg.gui.dialogs import SettingsDialog
from tests.gui.conftest import TIMEOUT_MS, Dialogs, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def test_the_int8_box_sets_the_number_format_and_unchecking_gives_back_the_automatic_one(
    qtbot: QtBot,
) -> None:
    dialog = SettingsDialog(Settings(), devices=["cpu"])
    qtbot.addWidget(dialog)
    assert not dialog.int8.isChecked() and "cosine" in dialog.int8.toolTip()
    dialog.int8.setChecked(True)
    chosen = dialog.apply_to(Settings(dtype="fp32"))
    assert chosen.dtype == "int8"
    again = SettingsDialog(chosen, devices=["cpu"])
    qtbot.addWidget(again)
    assert again.int8.isChecked()
    again.int8.setChecked(False)
    assert again.apply_to(chosen).dtype == "auto"
    assert (
        SettingsDialog(Settings(dtype="fp32"), devices=["cpu"]).apply_to(Settings(dtype="fp32")).dtype
        == "fp32"
    )


def test_turning_int8_on_makes_the_model_in_the_engine_and_scans_with_it(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    where: Locations,
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    assert state.model_error is None and state.summary is not None
    fp32_key = state.summary.model_key
    dialogs.drive(SettingsDialog)

    def tick() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, SettingsDialog)
        box.int8.setChecked(True)
        box.accept()

    stages: set[str] = set()  # what the status bar's progress said meanwhile
    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(lambda: stages.add(window.library.progress.stage))
    watch.start()
    QTimer.singleShot(100, tick)
    dialogs.accept_next()  # every photo looked at again: asked first, with the time it takes here
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.open_settings()
    watch.stop()
    [asked] = [s for s in dialogs.seen if s.startswith("Change the model: ")]
    assert re.search(r"Look at the library's 20 photos with .* \(int8\)\? ", asked), asked
    state = blocker.args[0]
    assert STAGE_PREPARE in stages
    assert load_settings(where).dtype == "int8"
    assert state.model_error is None and state.summary is not None and state.groups
    assert state.summary.model_key.endswith("/int8") and state.summary.model.endswith("(int8)")
    assert list(where.int8_models.glob("*.onnx"))  # made by the engine, in the model folder
    with Catalog(where.catalog) as catalog:  # both kinds of vectors, each under its key
        keys = {m.key for m in catalog.models()}
    assert {fp32_key, state.summary.model_key} <= keys


def test_a_skip_pattern_set_in_settings_says_how_many_photos_left_the_library(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """A new-user review: "*.png" in Skip files matching took the library from 213 photos to
    186, and nothing said so."""
    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    in_settings(dialogs, lambda box: box.exclude.setText("*.png"))
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.open_settings()
    assert blocker.args[0].photo_count == 6
    said = window.statusBar().currentMessage()
    assert said == (
        "4 photos left the library: they match a pattern of Skip files matching (File > Settings). "
        "The files are untouched."
    )
    assert all((library / "2024" / f"img_{i:03d}.png").exists() for i in range(6, 10))
    # The pattern taken away, the photos are back and the note goes (an app review: it stayed).
    in_settings(dialogs, lambda box: box.exclude.setText(""))
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.open_settings()
    assert blocker.args[0].photo_count == 10
    assert "left the library" not in window.statusBar().currentMessage()


def test_a_new_model_is_asked_for_first_and_cancel_changes_nothing(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs, where: Locations
) -> None:
    """A new-user review: OK in Settings with another model re-embedded the whole library
    (hours for 20,000 photos on a CPU) without a word."""
    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    in_settings(dialogs, lambda box: box.model.setCurrentIndex(box.model.findData("facebook/dinov2-small")))
    window.open_settings()
    qtbot.waitUntil(lambda: any(s.startswith("Change the model: ") for s in dialogs.seen), timeout=TIMEOUT_MS)
    [asked] = [s for s in dialogs.seen if s.startswith("Change the model: ")]
    assert "Look at the library's 10 photos with facebook/dinov2-small? " in asked
    took = r"(under a minute|about \d+ min|about \d+ h.*)"
    assert re.search(rf"in the background, {took} on this computer", asked)
    assert "going back to it later costs nothing" in asked
    qtbot.waitUntil(lambda: "nothing changed" in window.statusBar().currentMessage(), timeout=TIMEOUT_MS)
    assert load_settings(where).model == str(tiny_model)  # Cancel (the dialogs' default answer)


def in_settings(dialogs: Dialogs, change: Callable[[SettingsDialog], object]) -> None:
    """The next File > Settings: ``change`` made in its dialog, then OK (no assertion in the
    timer: a failing one would leave the dialog open and the test hanging)."""
    dialogs.drive(SettingsDialog)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, SettingsDialog):
            change(box)
            box.accept()

    QTimer.singleShot(100, answer)


def test_a_cancelled_model_folder_choice_keeps_the_model_chosen_before(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app review (reading the code): choosing "A DINOv2 model folder…" and cancelling the
    folder picker set the model to dinov2-base, whatever it was."""
    from PySide6.QtWidgets import QFileDialog

    from photoorg.gui.dialogs import LOCAL_FOLDER

    dialog = SettingsDialog(Settings(model="facebook/dinov2-small"), devices=["cpu"])
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")  # the person cancels
    dialog.model.setCurrentIndex(dialog.model.findData(LOCAL_FOLDER))
    dialog.model.activated.emit(dialog.model.currentIndex())
    assert dialog.model.currentData() == "facebook/dinov2-small"
    assert dialog.apply_to(Settings()).model == "facebook/dinov2-small"
