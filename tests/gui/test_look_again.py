"""Issue 15: a library whose vectors a new look would improve (here: made with preprocessing 1)
is shown as it is, with a bar that says what a new look brings and takes; its button looks at
the library again through the engine's library service, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from photoorg.core.paths import Locations
from photoorg.core.settings import save_settings
from photoorg.gui.app import MainWindow
from tests.conftest import make_photo
from tests.gui.conftest import TIMEOUT_MS, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def test_the_offer_bar_looks_at_the_library_again_with_the_newest_preprocessing(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, where: Locations
) -> None:
    older = open_window(settings_for(library, tiny_model, preprocess="1"))  # an older photoorg's library
    first = scan(qtbot, older)
    assert first.summary is not None and "/pp1-" in (first.summary.model_key or "")
    assert first.reembed_offer is None and older.offer_bar.isHidden()  # chosen: not questioned
    older.close()
    save_settings(where, settings_for(library, tiny_model))  # this photoorg: "auto"
    make_photo(library / "new.jpg", seed=77)

    window = open_window()
    state = scan(qtbot, window)
    assert state.summary is not None and state.summary.embedded == 1  # the rest is not looked at
    assert state.summary.model_key == first.summary.model_key
    bar = window.offer_bar
    assert bar.isVisible() and "preprocessing 2" in bar.text.text() and "would take" in bar.text.text()
    assert "photoorg scan" not in bar.text.text()  # a button, not a command, in the app

    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(bar.look_again, Qt.MouseButton.LeftButton)
        assert bar.isHidden()
    again = blocker.args[0]
    assert again.summary is not None and again.summary.embedded == 11
    assert "/pp2-" in (again.summary.model_key or "") and again.groups
    assert again.reembed_offer is None and bar.isHidden()
    later = scan(qtbot, window)  # "auto" goes on with the library's new vectors
    assert later.summary is not None and later.summary.embedded == 0
    assert later.summary.model_key == again.summary.model_key
