"""Judging the duplicate thresholds in the window: the histogram of nearest-neighbour
similarities, a threshold dragged, example pairs, and Save recomputes the sets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.core.paths import Locations
from photoorg.core.settings import load_settings
from photoorg.gui.app import PAGE_DUPLICATES, MainWindow
from photoorg.gui.calibration import ThresholdsDialog
from tests.gui.conftest import TIMEOUT_MS, Dialogs, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def test_a_threshold_dragged_on_the_histogram_is_saved_and_the_sets_found_again(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    where: Locations,
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    window.nav.setCurrentRow(PAGE_DUPLICATES)
    dialogs.drive(ThresholdsDialog)
    seen: dict[str, object] = {}

    def judge() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, ThresholdsDialog):  # still measuring: look again
            QTimer.singleShot(100, judge)
            return
        h = box.histogram
        seen["photos"] = sum(h.counts)
        seen["pairs"] = [cell[2].text() for cell in box._cells]
        assert not box.save_button.isEnabled()  # nothing changed yet
        # The person drags the red line (same image) from its place to 0.99 ...
        y = h.height() // 2
        qtbot.mousePress(h, Qt.MouseButton.LeftButton, pos=QPoint(round(h.x_of(h.same)), y))
        qtbot.mouseMove(h, QPoint(round(h.x_of(0.99)), y))
        qtbot.mouseRelease(h, Qt.MouseButton.LeftButton, pos=QPoint(round(h.x_of(0.99)), y))
        seen["values"] = box.values()
        seen["counts"] = box.counts_label.text()
        seen["pairs at"] = box.pairs_label.text()
        qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(100, judge)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(window.duplicates_page.thresholds_button, Qt.MouseButton.LeftButton)
    assert seen["photos"] == state.photo_count  # every photo's nearest neighbour (no sample)
    assert all(text for text in seen["pairs"])  # four example pairs with their similarity
    same, similar = seen["values"]
    assert same == pytest.approx(0.99, abs=0.002) and similar == 0.93
    assert "against the saved 0.980" in seen["counts"]
    assert "compared pixel by pixel" in seen["counts"]  # the line alone does not make the same image
    assert seen["pairs at"].startswith("Pairs at about 0.99")
    saved = load_settings(where)
    assert saved.same_threshold == same and saved.similar_threshold == 0.93
    assert window.library.settings.same_threshold == same
    # Once found, the status bar says so, not "Finding the sets again…" (a new-user review)
    qtbot.waitUntil(lambda: "Found the sets again" in window.statusBar().currentMessage(), timeout=TIMEOUT_MS)


def test_the_settings_dialog_edits_how_much_an_area_may_change_in_the_same_image(qtbot: QtBot) -> None:
    from photoorg.core.settings import Settings
    from photoorg.gui.dialogs import SettingsDialog

    dialog = SettingsDialog(Settings(), devices=["cpu"])
    qtbot.addWidget(dialog)
    assert dialog.local_change.value() == pytest.approx(3.0) and "video" in dialog.local_change.toolTip()
    assert dialog.local_change.text() == "3.0 %"  # in percent, as the Duplicates page says it
    dialog.local_change.setValue(6.0)
    chosen = dialog.apply_to(Settings())
    assert chosen.same_max_local_change == pytest.approx(0.06)
    assert chosen.duplicate_settings().same_max_local_change == pytest.approx(0.06)


def test_the_settings_dialog_chooses_broader_or_finer_groups(qtbot: QtBot) -> None:
    """A review: the grouping method ('groups --method leaf') could not be chosen in the app."""
    from photoorg.core.settings import Settings
    from photoorg.gui.dialogs import SettingsDialog

    dialog = SettingsDialog(Settings(group_method="leaf"), devices=["cpu"])
    qtbot.addWidget(dialog)
    assert dialog.group_method.currentText() == "More, finer groups"
    assert dialog.apply_to(Settings()).group_method == "leaf"
    dialog.group_method.setCurrentIndex(dialog.group_method.findData("eom"))
    chosen = dialog.apply_to(Settings(group_method="leaf"))
    assert chosen.group_method == "eom" and chosen.group_settings().method == "eom"
