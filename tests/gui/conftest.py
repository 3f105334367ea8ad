"""Fixtures for the GUI tests: main windows that are always closed, and a person at the dialogs.

Every confirmation goes through a real QMessageBox and its ``exec()``. :class:`Dialogs` answers
them the way a person would, by clicking a button, and records each one, so a test can also
say that no dialog was opened. A dialog nobody expected is closed with Escape's meaning
(reject), so a test never hangs on it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from photoorg.core.paths import Locations, locations
from photoorg.core.settings import Settings
from photoorg.engine import Engine
from photoorg.gui.app import MainWindow
from photoorg.gui.library import LibraryState
from tests.conftest import make_photo

#: Generous: the tests run on slow, busy machines; they never assert timing.
TIMEOUT_MS = 120_000


class Dialogs:
    """Watches for modal dialogs; accepts the ones a test expects, rejects the rest."""

    def __init__(self, qtbot: QtBot) -> None:
        self._qtbot = qtbot
        self.seen: list[str] = []
        self.details: list[str] = []  # each message box's Show Details text ("" when none)
        self._accept = 0
        self._driven: tuple[type, ...] = ()
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def accept_next(self, count: int = 1) -> None:
        """The next ``count`` dialogs are answered with their action (AcceptRole) button."""
        self._accept += count

    def drive(self, *kinds: type) -> None:
        """Dialogs of these classes are the test's to drive: left alone, not recorded."""
        self._driven += kinds

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QDialog) or not box.isVisible() or isinstance(box, self._driven):
            return
        text = box.text() if isinstance(box, QMessageBox) else ""
        self.seen.append(f"{box.windowTitle()}: {text}")
        self.details.append(box.detailedText() if isinstance(box, QMessageBox) else "")
        if self._accept and isinstance(box, QMessageBox):
            self._accept -= 1
            [button] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
            self._qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            box.reject()

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def dialogs(qtbot: QtBot) -> Iterator[Dialogs]:
    d = Dialogs(qtbot)
    yield d
    d.stop()


@pytest.fixture
def grouped_library(library: Path) -> Path:
    """The 10 photos of ``library`` and 10 more: the tiny model groups these (smallest group 2)."""
    for i in range(10, 20):
        make_photo(library / "2025" / f"img_{i:03d}.jpg", seed=i, quality=90)
    return library


@pytest.fixture
def where(photoorg_home: Path) -> Locations:
    return locations()


def settings_for(folder: Path, model: Path, **kw: Any) -> Settings:
    return Settings(folders=[str(folder)], model=str(model), **{"device": "cpu", **kw})


@pytest.fixture(scope="session")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One engine process for the windows of all GUI tests, one after another (starting one
    costs seconds: a process, its imports, the model); each window opens its own library in it."""
    engine = Engine(locations(tmp_path_factory.mktemp("engine-home")))
    yield engine
    engine.stop()


@pytest.fixture
def open_window(
    qtbot: QtBot, where: Locations, dialogs: Dialogs, shared_engine: Engine
) -> Iterator[Callable[..., MainWindow]]:
    """Opens main windows (shown, like the app does); each one is closed after the test. They
    use the shared engine, unless ``own_engine``: for tests of the engine's own life."""
    windows: list[MainWindow] = []

    def open_(settings: Settings | None = None, show: bool = True, own_engine: bool = False) -> MainWindow:
        window = MainWindow(where, settings, None if own_engine else shared_engine)
        windows.append(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    yield open_
    for window in windows:
        if window.isVisible():
            window.close()
        # Whatever a failing test left running must not leak into the next test.
        window.tasks.shutdown()
        window.deleteLater()
    QApplication.processEvents()


def scan(qtbot: QtBot, window: MainWindow) -> LibraryState:
    """Start the start-up scan and wait until its groups and duplicates are shown."""
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.start()
    return blocker.args[0]


def click(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    """Click a row of a list, as a person selects it."""
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=TIMEOUT_MS)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def click_checkbox(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    """Click the keep checkbox the thumbnail delegate paints at the photo's top-right corner
    (10 pixels in from the right of the photo's area, centred in a widened cell)."""
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=TIMEOUT_MS)
    view.scrollTo(index)
    cell = view.visualRect(index).adjusted(3, 3, -3, -3)
    thumb = view.itemDelegate().thumb
    right = cell.left() + (cell.width() - thumb - 10) // 2 + thumb + 9  # the photo area's right edge
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(right - 18, cell.top() + 18))


def started_by_qt(thread: threading.Thread) -> bool:
    """A Qt worker thread that ran Python code shows up in ``threading.enumerate()`` as a
    "Dummy" thread; Python 3.11 never removes those, even after the thread has ended."""
    return isinstance(thread, threading._DummyThread)


def thread_is_running(thread: threading.Thread) -> bool:
    """Whether the OS thread behind a Python thread object still runs.

    For a Qt thread, /proc tells (Linux; elsewhere only Python's own threads are checked).
    """
    if not started_by_qt(thread):
        return thread.is_alive()
    return os.path.exists(f"/proc/self/task/{thread.native_id}")


def trash_files(tmp_path: Path) -> list[Path]:
    files = tmp_path / "xdg-data" / "Trash" / "files"
    return sorted(files.iterdir()) if files.exists() else []


def act_and_wait(qtbot: QtBot, window: MainWindow, act: Callable[[], object]) -> tuple[str, LibraryState]:
    """Do a file action, undo or decision; return the sentence it ends with and the state shown after it."""
    said: list[str] = []
    window.library.action_finished.connect(said.append)
    try:
        with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
            act()
    finally:
        window.library.action_finished.disconnect(said.append)
    assert len(said) == 1
    return said[0], blocker.args[0]
