"""Albums in the window: made from a selection, taught by Enter and Delete on its suggestions,
kept across a restart, and taken back by Edit > Undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from photoorg.gui.albums import TAB_MEMBERS, TAB_SUGGESTIONS
from photoorg.gui.app import PAGE_ALBUMS, PAGE_TIMELINE, MainWindow
from photoorg.gui.models import PathRole
from tests.gui.conftest import TIMEOUT_MS, Dialogs, act_and_wait, scan, settings_for

OpenWindow = Callable[..., MainWindow]


def shown(window: MainWindow) -> list[str]:
    model = window.albums_page.photos
    return [model.index(r, 0).data(PathRole) for r in range(model.rowCount())]


def learnt(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every answer given on the page has been learnt and shown."""
    page = window.albums_page
    qtbot.waitUntil(lambda: page._pending == 0 and not window.library.busy, timeout=TIMEOUT_MS)


def select_row(window: MainWindow, row: int) -> None:
    grid = window.albums_page.grid
    index = grid.model().index(row, 0)
    grid.setCurrentIndex(index)
    grid.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_an_album_is_made_from_a_selection_and_learns_from_enter_and_delete(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    examples = [p.path for p in state.timeline.photos[:3]]
    # The person types the album's name into the dialog that asks for it.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Kids' drawings", True))
    page = window.albums_page
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as made:
        window.actions.new_album(examples)
    assert made.args[0].startswith("Made the album Kids' drawings from 3 photos")
    learnt(qtbot, window)
    assert window.stack.currentIndex() == PAGE_ALBUMS
    assert page.names() == ["Kids' drawings"] and page.tabs.currentIndex() == TAB_SUGGESTIONS
    first = shown(window)
    assert len(first) == 17 and not set(first) & set(examples)  # every other photo, best first
    assert page.likely_bar.isVisible() and page.likely_bar.value() == 3

    # Enter accepts the selected suggestion: it leaves the grid at once, the rest stay in place.
    select_row(window, 0)
    accepted = first[0]
    qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    assert shown(window)[: len(first) - 1] == first[1:]
    learnt(qtbot, window)
    assert accepted not in shown(window)
    assert page.album_list.item(0).text().endswith("4 photos")
    # Delete rejects one: it is not suggested again.
    select_row(window, 2)
    rejected = shown(window)[2]
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    learnt(qtbot, window)
    assert rejected not in shown(window) and len(shown(window)) == 15
    page.tabs.setCurrentIndex(TAB_MEMBERS)
    assert sorted(shown(window)) == sorted([*examples, accepted])
    assert dialogs.seen == []  # no trash confirmation: Delete here is an answer
    # All photos, narrowed to the album (by date), and back to every photo.
    page.timeline_button.click()
    assert window.stack.currentIndex() == PAGE_TIMELINE
    timeline = window.timeline_page.photos
    in_timeline = [timeline.index(r, 0).data(PathRole) for r in range(timeline.rowCount())]
    assert sorted(in_timeline) == sorted([*examples, accepted])
    window.timeline_page.show_album(None)
    assert timeline.rowCount() == 20
    window.show_albums()

    # Edit > Undo takes the rejection back; the album is asked again and shows it.
    said, _state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert said.startswith("Undid the change to the albums")
    learnt(qtbot, window)
    page.tabs.setCurrentIndex(TAB_SUGGESTIONS)
    qtbot.waitUntil(lambda: rejected in shown(window), timeout=TIMEOUT_MS)
    window.close()

    # After a restart the album is there with its four photos.
    again = open_window(settings_for(grouped_library, tiny_model))
    scan(qtbot, again)
    assert again.albums_page.names() == ["Kids' drawings"]
    assert again.nav.item(PAGE_ALBUMS).text() == "Albums (1)"
    qtbot.waitUntil(lambda: again.albums_page.view is not None, timeout=TIMEOUT_MS)
    again.albums_page.tabs.setCurrentIndex(TAB_MEMBERS)
    assert sorted(shown(again)) == sorted([*examples, accepted])
