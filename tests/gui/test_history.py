"""Edit > History in the window: every action with its files and what became of each, and
undo of any of them, not only the last."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.core.library import Library
from photoorg.gui.app import MainWindow
from photoorg.gui.history import HistoryDialog
from tests.gui.conftest import TIMEOUT_MS, Dialogs, act_and_wait, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def test_history_lists_the_files_of_an_action_and_undoes_an_older_one(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    window = open_window(settings_for(library, tiny_model))
    state = scan(qtbot, window)
    first, second = sorted(p.path for p in state.timeline.photos)[:2]
    act_and_wait(qtbot, window, lambda: window.library.file_action("trash", [first]))
    act_and_wait(qtbot, window, lambda: window.library.file_action("trash", [second]))
    assert not Path(first).exists() and not Path(second).exists()
    dialogs.drive(HistoryDialog)
    seen: dict[str, object] = {}

    deadline = time.monotonic() + 60

    def look(step: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, HistoryDialog) or box.file_rows.rowCount() == 0:
            if time.monotonic() < deadline:  # the files arrive from the engine
                QTimer.singleShot(50, lambda: look(step))
            elif isinstance(box, HistoryDialog):
                box.reject()  # they never came: fail below, do not hang
            return
        seen[step] = [[box.table.item(r, c).text() for c in range(4)] for r in range(box.table.rowCount())]
        seen["box"] = box  # the rest is done outside this timer (no waiting in it)

    QTimer.singleShot(50, lambda: look("before"))
    window.history_action.trigger()
    qtbot.waitUntil(lambda: "box" in seen, timeout=TIMEOUT_MS)
    box = seen["box"]
    assert isinstance(box, HistoryDialog)
    box.table.selectRow(1)  # the older action: the first trash
    qtbot.waitUntil(
        lambda: box.file_rows.rowCount() > 0 and box.file_rows.index(0, 1).data() == first, timeout=TIMEOUT_MS
    )
    seen["file"] = [box.file_rows.index(0, k).data() for k in range(4)]
    # An app review: paths cut at their end (the file's name lost), beside an empty "Why not"
    # column; now cut in the middle, and "Why not" shown only when needed.
    seen["layout"] = (
        box.files.textElideMode(),
        box.files.isColumnHidden(3),
        abs(box.files.columnWidth(1) - box.files.columnWidth(2)) <= 1,
    )
    qtbot.mouseClick(box.undo_button, Qt.MouseButton.LeftButton)
    # The window stays open and says what the undo did (a new-user review: it closed)
    qtbot.waitUntil(lambda: box.table.item(1, 3).text() == "undone", timeout=TIMEOUT_MS)
    seen["after"] = [[box.table.item(r, c).text() for c in range(4)] for r in range(box.table.rowCount())]
    seen["said"] = box.result.text()
    box.reject()
    assert [r[2] for r in seen["before"]] == ["trash 1 photo", "trash 1 photo"]
    assert [r[3] for r in seen["before"]] == ["1 file done", "1 file done"]
    state_word, source, went, why = seen["file"]
    assert (state_word, source, why) == ("done", first, "") and "Trash" in went
    assert seen["layout"] == (Qt.TextElideMode.ElideMiddle, True, True)
    # The older action was undone, the newer one not.
    assert Path(first).exists() and not Path(second).exists()
    assert [r[3] for r in seen["after"]] == ["1 file done", "undone"]
    assert str(seen["said"]).startswith("Undid action 1")


def test_edit_redo_does_the_action_undone_last_again(
    qtbot: QtBot, open_window: OpenWindow, library: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    window = open_window(settings_for(library, tiny_model))
    state = scan(qtbot, window)
    photo = sorted(p.path for p in state.timeline.photos)[0]
    # The menu names what Undo and Redo would do (a review: "Undo the last change" said not
    # which), greyed out when there is nothing to do.
    texts = lambda: (window.undo_action.text(), window.redo_action.text())  # noqa: E731
    usable = lambda: (window.undo_action.isEnabled(), window.redo_action.isEnabled())  # noqa: E731
    assert texts() == ("&Undo (nothing to undo)", "&Redo (nothing to redo)")
    assert usable() == (False, False)
    # Asked all the same (the menu may be behind another photoorg), the engine says so.
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as nothing:
        window.library.redo()
    assert nothing.args[0] == "There is nothing to redo: nothing was undone."
    act_and_wait(qtbot, window, lambda: window.library.file_action("trash", [photo]))
    assert texts() == ("&Undo: trash 1 photo", "&Redo (nothing to redo)")
    assert usable() == (True, False)
    act_and_wait(qtbot, window, window.undo_action.trigger)
    assert Path(photo).exists()
    assert texts() == ("&Undo (nothing to undo)", "&Redo: trash 1 photo")
    assert usable() == (False, True)
    said, after = act_and_wait(qtbot, window, window.redo_action.trigger)
    assert said.startswith("Moved 1 photo to the trash") and "Edit > Undo puts it back" in said
    assert not Path(photo).exists() and photo not in {p.path for p in after.timeline.photos}
    assert texts()[0] == "&Undo: trash 1 photo"  # not "redo of action 2: trash 1 photo"
    # Another photoorg undoes it: opening the Edit menu names Undo and Redo afresh.
    with Library(window.where) as other:
        other.undo()
    assert Path(photo).exists()
    window.undo_action.associatedObjects()[0].aboutToShow.emit()
    qtbot.waitUntil(lambda: usable() == (False, True), timeout=TIMEOUT_MS)
    assert texts() == ("&Undo (nothing to undo)", "&Redo: trash 1 photo")
    # ... and the pages show the library as it is now: the photo is back.
    shown = lambda: {p.path for p in window.library.state.timeline.photos}  # noqa: E731
    qtbot.waitUntil(lambda: photo in shown(), timeout=TIMEOUT_MS)
    act_and_wait(qtbot, window, window.redo_action.trigger)
    assert not Path(photo).exists()
    # A change that shows no new state (an album made) is named too, so Undo never says one
    # thing and undoes another.
    kept = sorted(p.path for p in after.timeline.photos)[0]
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS):
        window.library.teach_album(
            "Beach & sea", [kept], "example", lambda _v: None, create=True, what="Made."
        )
    assert texts()[0] == "&Undo: make the album \u201cBeach && sea\u201d from 1 photo"  # && shows one &
    act_and_wait(qtbot, window, window.undo_action.trigger)
    act_and_wait(qtbot, window, window.undo_action.trigger)
    assert Path(photo).exists() and dialogs.seen == []
    # Once everything is undone, Edit > Undo says so (the error crossed from the engine intact:
    # a GUI review found a "Something went wrong" dialog here).
    assert not window.undo_action.isEnabled()
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as nothing:
        window.undo()  # as the shortcut did while the menu was behind
    assert nothing.args[0] == "There is nothing to undo." and dialogs.seen == []


def test_an_action_without_files_says_what_it_changed_across_the_columns(qtbot: QtBot) -> None:
    """Seen at 800x600: "1 change to the groups, albums or duplic…", cut in the File column."""
    from photoorg.core.catalog import BatchInfo

    made = BatchInfo(3, "album", "reject 1 photo for Dogs", time.time(), None, 0, changes=1)
    undone = BatchInfo(2, "decision", "not duplicates: a.jpg, b.jpg", time.time(), time.time(), 0, changes=1)
    box = HistoryDialog([made, undone], 2)
    qtbot.addWidget(box)
    said = []
    for row, batch in enumerate((made, undone)):
        box.table.selectRow(row)
        box.show_files(batch.id, [])
        assert box.files.columnSpan(0, 0) == 4  # one line across the columns
        said.append(box.file_rows.index(0, 0).data())
    assert said == [
        "Done: 1 change to the albums; no file was moved",
        "Undone: a decision about 1 duplicate set; no file was moved",
    ]
