"""The app's first run against a stand-in hub: the question, the download, Cancel, failures.

The window asks for the model, the person clicks *Download now*, and huggingface_hub downloads
from the stand-in (tests/hubstandin.py) in the window's heavy pool; then the engine loads the
model and the scan embeds. Only the server is a stand-in.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from photoorg.core.humanize import human_bytes
from photoorg.core.library import LibraryState
from photoorg.core.progress import Progress
from photoorg.gui.app import MainWindow
from photoorg.gui.model_dialog import ModelDialog
from tests.gui.conftest import TIMEOUT_MS, Dialogs
from tests.hubstandin import HubStandIn

MODEL = "facebook/dinov2-base"


class Person:
    """Answers the model question the way a test says; records what each question said."""

    def __init__(self, qtbot: QtBot, dialogs: Dialogs, answer: str = "Download now") -> None:
        dialogs.drive(ModelDialog)
        self.qtbot = qtbot
        self.answer = answer
        self.questions: list[str] = []
        self.buttons: list[dict[str, bool]] = []
        self.sizes: list[list[str]] = []  # the model sizes offered, with their time here
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ModelDialog) or not dialog.isVisible():
            return
        self.questions.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        sizes = dialog.sizes
        self.sizes.append([sizes.itemText(k) for k in range(sizes.count())] if sizes.isVisible() else [])
        buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
        self.buttons.append({text: b.isEnabled() for text, b in buttons.items()})
        button = buttons.get(self.answer)  # not offered, or greyed: "Not now" (never a hang)
        if button is None or not button.isEnabled():
            button = buttons["Not now"]
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def first_window(
    open_window: Callable[..., MainWindow], library: Path, qtbot: QtBot, dialogs: Dialogs
) -> Callable[..., tuple[MainWindow, Person]]:
    people: list[Person] = []

    def open_(answer: str = "Download now") -> tuple[MainWindow, Person]:
        from photoorg.core.settings import Settings

        window = open_window(Settings(folders=[str(library)], model=MODEL, device="cpu"))
        person = Person(qtbot, dialogs, answer)
        people.append(person)
        return window, person

    yield open_
    for person in people:
        person.stop()


def embedded(state: LibraryState) -> bool:
    return state.model_error is None and state.summary is not None and state.summary.embedded == 10


def wait_for_the_model(qtbot: QtBot, window: MainWindow) -> None:
    states: list[LibraryState] = []
    window.library.state_changed.connect(states.append)
    qtbot.waitUntil(lambda: any(embedded(s) for s in states), timeout=TIMEOUT_MS)


def test_first_run_asks_with_the_hub_size_downloads_with_progress_and_embeds(
    hub: HubStandIn, first_window, qtbot: QtBot, dialogs: Dialogs
) -> None:
    hub.faults.chunk, hub.faults.delay = 4 * 1024 * 1024, 0.2  # seconds: progress shows
    window, person = first_window()
    shown: list[str] = []
    downloads: list[Progress] = []  # what the status bar read while downloading

    def look() -> None:
        shown.append(window.status.text())
        if window.library.progress.unit == "B" and window.library.progress not in downloads:
            downloads.append(window.library.progress)

    window.timer.timeout.connect(look)
    window.start()
    wait_for_the_model(qtbot, window)
    [question] = person.questions
    assert f"Downloading it fetches {human_bytes(hub.total_size)} from the Hugging Face hub" in question
    # No GPU here: how long each model size takes on this processor, measured, to choose from.
    assert "Measured here just now, its first look at your 10 photos takes about small: " in question
    [sizes] = person.sizes
    assert [s.split(" (")[0] for s in sizes] == ["small", "base", "large"]
    # ... and with int8 where that is faster on this CPU (an AVX2 CPU; bf16 beats it on AMX)
    assert all(s.endswith(" here") or ", int8 " in s for s in sizes)
    progress = [t for t in shown if t.startswith("Downloading the model:")]
    assert len(set(progress)) >= 2  # the window kept showing the bytes coming in
    [download] = downloads
    assert download.done == download.total == hub.total_size
    assert dialogs.seen == []  # no error, nothing else asked


def test_cancel_during_the_download_shows_no_error_and_the_next_attempt_completes(
    hub: HubStandIn, first_window, qtbot: QtBot, dialogs: Dialogs
) -> None:
    hub.faults.gate_after = 12_000_000
    window, person = first_window()
    told: list[str] = []
    window.library.action_finished.connect(told.append)
    window.start()
    qtbot.waitUntil(hub.gate_reached.is_set, timeout=TIMEOUT_MS)
    qtbot.waitUntil(window.cancel_button.isEnabled, timeout=TIMEOUT_MS)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    assert told[-1] == "Download cancelled; nothing of it was kept (it starts over next time)."
    assert dialogs.seen == []  # Cancel is not an error
    hub.open_gate()

    window.scan()  # the next scan asks again; this time it completes
    wait_for_the_model(qtbot, window)
    assert len(person.questions) == 2 and dialogs.seen == []


def test_a_server_error_is_one_plain_sentence_and_try_again_completes(
    hub: HubStandIn, first_window, qtbot: QtBot, dialogs: Dialogs
) -> None:
    hub.faults.fail_files, hub.faults.fail_left = 500, len(hub.files)  # the first attempt fails
    dialogs.accept_next()  # the person clicks "Try again"
    window, person = first_window()
    window.start()
    wait_for_the_model(qtbot, window)
    assert dialogs.seen == [
        f"photoorg: Downloading the model '{MODEL}' did not work: the Hugging Face hub answered with "
        "an error (500). Nothing half-downloaded is kept or used. Try again in a moment; it starts over."
    ]
    assert len(person.questions) == 1


def test_closing_the_error_asks_again_at_the_next_scan(
    hub: HubStandIn, first_window, qtbot: QtBot, dialogs: Dialogs
) -> None:
    hub.faults.fail_files = 500
    window, person = first_window()
    window.start()
    qtbot.waitUntil(lambda: bool(dialogs.seen), timeout=TIMEOUT_MS)  # closed, not "Try again"
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    hub.faults.fail_files = None
    window.scan()
    wait_for_the_model(qtbot, window)
    assert len(person.questions) == 2 and len(dialogs.seen) == 1


def test_a_slow_server_that_stalls_is_resumed_and_the_window_keeps_working(
    hub: HubStandIn, first_window, qtbot: QtBot, dialogs: Dialogs
) -> None:
    # A chunk every 0.5 s, and once nothing for longer than the client waits (2 s): huggingface_hub
    # gives up on that connection and resumes from what it wrote.
    hub.faults.chunk, hub.faults.delay = 4 * 1024 * 1024, 0.5
    hub.faults.stall_after, hub.faults.stall = 12 * 1024 * 1024, 3.0
    window, _ = first_window()
    shown: list[str] = []
    window.timer.timeout.connect(lambda: shown.append(window.status.text()))
    window.start()
    wait_for_the_model(qtbot, window)
    assert hub.ranges()  # resumed, not started over
    assert len({t for t in shown if t.startswith("Downloading the model:")}) >= 2
    assert dialogs.seen == []


def test_offline_the_question_says_so_and_offers_a_folder_instead(
    first_window, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    window, person = first_window(answer="Not now")
    window.start()
    qtbot.waitUntil(lambda: bool(person.questions), timeout=TIMEOUT_MS)
    assert "This computer seems to be offline" in person.questions[0]
    # what a model folder holds, and how to make one (a new-user review: it said neither)
    assert (
        "<i>config.json</i>, <i>preprocessor_config.json</i> and <i>model.safetensors</i>"
        in person.questions[0]
    )
    assert "<tt>hf download facebook/dinov2-base config.json" in person.questions[0]
    assert person.buttons[0]["Download now"] is False
    assert person.buttons[0]["Choose a model folder…"] is True
    # Answered "Not now": the status bar says what the library holds, not "Measuring this
    # computer…" of the estimate that is over (found by a GUI review).
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "photos" in window.status.text(), timeout=TIMEOUT_MS)
    assert "Measuring" not in window.status.text()
    # The Duplicates page does not say "Nothing to review" of what was never looked for (an
    # app review): without the model only exact copies are.
    page = window.duplicates_page
    page.tabs.setCurrentIndex(2)  # Similar shots
    assert page.reason.text().startswith("Nothing here: same images and similar shots need the DINOv2 model")
    # "Not now" is kept across starts; File > Get the DINOv2 model… asks again (a new-user
    # review: nothing offered the download again, and Settings looked as if all were well).
    assert "File > Get the DINOv2 model…" in window.status.toolTip() + window.status.text()
    assert window.model_action.isVisible()
    window.model_action.trigger()
    qtbot.waitUntil(lambda: len(person.questions) == 2, timeout=TIMEOUT_MS)
    assert "This computer seems to be offline" in person.questions[1]


def test_the_first_run_question_offers_int8_times_where_int8_is_faster(qtbot: QtBot) -> None:
    from photoorg.core.errors import ModelNotCached
    from photoorg.core.estimate import ScanEstimate

    models = ("facebook/dinov2-small", "facebook/dinov2-base", "facebook/dinov2-large")
    estimate = ScanEstimate(
        20_000, "cpu", "fp32", 1e11, dict(zip(models, (1800.0, 7200.0, 25_000.0), strict=True))
    )
    estimate.int8_seconds = {m: s / 2.1 for m, s in estimate.seconds.items()}
    why = ModelNotCached("facebook/dinov2-base", "not downloaded", offline=False)
    dialog = ModelDialog("facebook/dinov2-base", why, estimate=estimate)
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "takes about small: <b>30 min</b> · base: <b>2 h</b>" in text
    assert (
        "<i>Faster on this CPU (int8)</i> it takes about small: <b>14 min</b> · base: <b>57 min</b>" in text
    )
    base = dialog.sizes.itemText(dialog.sizes.findData("facebook/dinov2-base"))
    assert base.endswith("about 2 h here, int8 57 min")


def test_a_model_folder_that_is_not_there_is_said_so_not_as_a_download(qtbot: QtBot, tmp_path: Path) -> None:
    """A new-user review: "... /tmp/nomodel-here, which is not on this computer yet" beside a
    greyed Download now, for a model folder that had been moved."""
    from PySide6.QtWidgets import QPushButton

    from photoorg.core.errors import ModelUnavailable

    gone = tmp_path / "models" / "dinov2-base"
    dialog = ModelDialog(str(gone), ModelUnavailable(f"no model in {gone}"))
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"in the folder <b>{gone}</b>, which is not there now" in text
    assert "not on this computer yet" not in text
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    assert not buttons["Download now"].isEnabled() and buttons["Choose a model folder…"].isDefault()


def test_a_folder_that_holds_no_model_is_said_so_not_as_a_model_to_download(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A new-user review chose a folder of photos: "... which is not on this computer yet",
    under "it has no config.json"."""
    from photoorg.core.errors import ModelUnavailable

    photos = tmp_path / "kphotoalbum"
    photos.mkdir()
    dialog = ModelDialog(
        str(photos), ModelUnavailable(f"'{photos}' is not a model folder: it has no config.json")
    )
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"the folder <b>{photos}</b> is not a DINOv2 model folder" in text
    assert "not on this computer yet" not in text and "it has no config.json" in text


def test_a_library_looked_at_with_a_model_folder_is_offered_that_model_not_a_download(
    first_window, open_window: Callable[..., MainWindow], library: Path, tiny_model: Path, qtbot: QtBot
) -> None:
    """An app review: after 'photoorg --model FOLDER scan' the app opened with no groups and
    offered to download facebook/dinov2-base, though the library's vectors were all there."""
    from tests.gui.conftest import scan, settings_for

    scanned = open_window(settings_for(library, tiny_model))  # as a command's --model would
    scan(qtbot, scanned)
    scanned.close()
    window, person = first_window(answer="Use that model")  # the settings name the hub model
    states: list[LibraryState] = []
    window.library.state_changed.connect(states.append)
    window.start()
    qtbot.waitUntil(lambda: bool(person.questions), timeout=TIMEOUT_MS)
    assert f"photos were looked at with the model in <b>{tiny_model}</b>" in person.questions[0]
    assert person.buttons[0]["Use that model"] is True
    qtbot.waitUntil(lambda: window.library.settings.model == str(tiny_model), timeout=TIMEOUT_MS)
    # Its vectors are used again: nothing is embedded anew, and the groups are back.
    qtbot.waitUntil(
        lambda: any(s.model_error is None and s.summary is not None and s.groups for s in states),
        timeout=TIMEOUT_MS,
    )
    assert [s.summary.embedded for s in states if s.model_error is None and s.summary is not None][-1] == 0
