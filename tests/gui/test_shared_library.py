"""The app and the command line are one library: what one protects, the other protects; a scan
from a terminal shows up in the open window; names given in the app reach the terminal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from photoorg.gui.app import MainWindow
from tests.cli import photoorg
from tests.gui.conftest import TIMEOUT_MS, Dialogs, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def shown_folders(window: MainWindow) -> dict[str, bool]:
    """What the Library page lists: every folder (library folders and the protected folders
    inside them) and whether its Protected box is ticked."""
    tree = window.library_page.folders
    out: dict[str, bool] = {}
    for k in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(k)
        for item in [top, *(top.child(c) for c in range(top.childCount()))]:
            out[item.data(0, Qt.ItemDataRole.UserRole)] = item.checkState(2) == Qt.CheckState.Checked
    return out


def test_protection_set_in_a_terminal_shows_in_the_app_and_the_other_way(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    inner = library / "2024"

    # A terminal protects a folder inside the library: the open window shows it, protected.
    done = photoorg("library", "protect", inner)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: shown_folders(window).get(str(inner)) is True, timeout=TIMEOUT_MS)
    trashed = photoorg("trash", inner / "img_006.png")
    assert trashed.returncode == 1 and "in a protected folder" in trashed.stdout

    # The app protects the library folder: the terminal's trash skips its photos, with why.
    item = window.library_page.folders.topLevelItem(0)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        item.setCheckState(2, Qt.CheckState.Checked)
    photo = library / "2023" / "img_000.jpg"
    refused = photoorg("trash", photo)
    assert refused.returncode == 1 and f"skip  {photo}: in a protected folder" in refused.stdout
    assert photo.exists()
    listed = json.loads(photoorg("library", "list", "--json").stdout)
    assert listed["folders"][0]["protected"] and listed["folders"][0]["protected_inside"] == [str(inner)]
    assert dialogs.seen == []


def test_a_terminals_scan_and_names_reach_the_app(
    qtbot: QtBot, open_window: OpenWindow, grouped_library: Path, tiny_model: Path, tmp_path: Path
) -> None:
    library = grouped_library
    window = open_window(settings_for(library, tiny_model, min_group_size=2))
    state = scan(qtbot, window)
    more = tmp_path / "Phone"
    shutil.copytree(library / "2024", more / "x")
    added = photoorg("--model", tiny_model, "scan", more)  # the terminal adds a folder and scans it
    assert added.returncode == 0 and f"Added {more} to the library." in added.stderr
    qtbot.waitUntil(lambda: str(more) in shown_folders(window), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.scan()
    assert blocker.args[0].photo_count == state.photo_count + 4

    # A group named in the app is called so in the terminal, by the same id.
    groups = window.groups_page.groups
    first = groups.group(0)
    assert first.id >= 0
    with qtbot.waitSignal(window.library.busy_changed, timeout=TIMEOUT_MS, check_params_cb=lambda b: not b):
        assert groups.setData(groups.index(0), "Garden")
    listed = json.loads(photoorg("--model", tiny_model, "groups", "--json").stdout)
    assert {"id": first.id, "name": "Garden"}.items() <= next(
        g for g in listed if g["id"] == first.id
    ).items()


def test_the_app_waits_for_a_terminal_that_is_changing_the_library(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs, where
) -> None:
    """A trash asked for while a terminal's photoorg holds the library waits (saying for whom)
    and then happens; the window stays usable meanwhile."""
    import subprocess
    import sys

    from tests.test_concurrency import HOLD

    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(where.catalog) + ".lock"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        photo = library / "2023" / "img_001.jpg"
        said: list[str] = []
        window.library.action_finished.connect(said.append)
        window.library.file_action("trash", [str(photo)])
        qtbot.waitUntil(
            lambda: f"Waiting for another photoorg (pid {other.pid})" in window.status.text(),
            timeout=TIMEOUT_MS,
        )
        assert photo.exists() and window.isEnabled()
        other.communicate("\n", timeout=30)
        qtbot.waitUntil(
            lambda: any(s.startswith("Moved 1 photo to the trash") for s in said), timeout=TIMEOUT_MS
        )
        assert not photo.exists()
    finally:
        if other.poll() is None:
            other.kill()
            other.communicate()


def test_edit_undo_undoes_the_action_it_names_not_one_a_terminal_did_since(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """The menu said "Undo: trash 1 photo" (the app's own), a terminal then trashed another
    photo, and Ctrl+Z undid the terminal's trash instead (a hostile review)."""
    window, mine, theirs = trashed_in_the_app(qtbot, open_window, library, tiny_model)
    assert window.undo_action.isEnabled() and window.library.undo_names.undo_batch == 1
    assert photoorg("trash", theirs).returncode == 0 and not theirs.exists()
    assert window.library.undo_names.undo_batch == 1  # (the window was not activated meanwhile)
    window.undo()
    qtbot.waitUntil(lambda: bool(dialogs.seen), timeout=TIMEOUT_MS)
    assert "Nothing was undone: another photoorg did action 2 (trash 1 photo)" in dialogs.seen[0]
    assert not mine.exists() and not theirs.exists()
    qtbot.waitUntil(lambda: window.library.undo_names.undo_batch == 2, timeout=TIMEOUT_MS)  # named afresh
    window.undo()  # now it names the terminal's trash, and undoes it
    qtbot.waitUntil(theirs.exists, timeout=TIMEOUT_MS)
    assert not mine.exists()


def test_edit_redo_does_again_the_action_it_names_not_one_a_terminal_undid_since(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    """The same for Redo (a hostile review): the menu named the app's undone trash, a terminal
    then trashed and undid another photo, and Ctrl+Shift+Z would have trashed that one."""
    window, mine, theirs = trashed_in_the_app(qtbot, open_window, library, tiny_model)
    window.undo()
    qtbot.waitUntil(lambda: mine.exists() and window.library.undo_names.redo_batch == 1, timeout=TIMEOUT_MS)
    assert photoorg("trash", theirs).returncode == 0 and photoorg("undo").returncode == 0 and theirs.exists()
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.seen), timeout=TIMEOUT_MS)
    assert "Nothing was redone: Edit > Redo named action 1" in dialogs.seen[0]
    assert mine.exists() and theirs.exists()


def trashed_in_the_app(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path
) -> tuple[MainWindow, Path, Path]:
    """A window on ``library`` that has trashed one photo (action 1, ``mine``), and another
    photo (``theirs``) for a terminal to act on."""
    window = open_window(settings_for(library, tiny_model))
    scan(qtbot, window)
    mine, theirs = library / "2023" / "img_000.jpg", library / "2023" / "img_001.jpg"
    said: list[str] = []
    window.library.action_finished.connect(said.append)
    window.library.file_action("trash", [str(mine)])
    qtbot.waitUntil(lambda: bool(said) and window.library.undo_names is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.library.undo_names.undo_batch == 1, timeout=TIMEOUT_MS)
    assert not mine.exists()
    return window, mine, theirs
