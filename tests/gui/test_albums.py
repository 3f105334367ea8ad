"""Albums in the window: made from a selection, taught by Enter and Delete on its suggestions,
kept across a restart, and taken back by Edit > Undo."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QPushButton
from pytestqt.qtbot import QtBot

from photoorg.gui.album_bulk import rows_in_view
from photoorg.gui.albums import TAB_MEMBERS, TAB_SUGGESTIONS
from photoorg.gui.app import PAGE_ALBUMS, PAGE_TIMELINE, MainWindow
from photoorg.gui.away import AwayDialog
from photoorg.gui.models import PathRole
from photoorg.gui.preview import PreviewDialog
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


def made_album(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, name: str, photos: list[str]
) -> str:
    """Make an album of ``photos`` as the person does (the name typed into the dialog that asks
    for it); what the status bar said."""
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as made:
        window.actions.new_album(photos)
    learnt(qtbot, window)
    return made.args[0]


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
    page = window.albums_page
    # No album yet: the page offers the way to make one, not greyed answers over an empty grid
    # (an app review).
    window.show_albums()
    buttons = [page.accept_button, page.reject_button, page.accept_page_button, page.remove_button]
    assert page.start_button.isVisible() and not page.grid.isVisible()
    assert not any(b.isVisible() for b in buttons) and not page.album_list.isVisible()
    # ... at the top of the page, not spread down its height (an app review).
    top = page.start_button.mapTo(page, page.start_button.rect().topLeft()).y()
    assert top < page.height() // 3, (top, page.height())
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert window.nav.currentRow() == PAGE_TIMELINE
    said = made_album(qtbot, window, monkeypatch, "Kids' drawings", examples)
    assert said.startswith("Made the album Kids' drawings from 3 photos")
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
    # The buttons for the suggestions in view say how many (an app review: "Accept all" for the
    # 60 listed, not all); accepting takes the likely ones (the test below).
    scores = page.photos.scores() or []
    view = rows_in_view(page.grid, len(scores))
    likely = sum(scores[r] >= 0.5 for r in view)
    assert len(scores) == 15 and view
    assert page.accept_page_button.text() == bulk_words("Accept", likely, len(view), "likely")
    assert page.reject_page_button.text() == bulk_words("Reject", len(view) - likely, len(view), "unlikely")
    page.tabs.setCurrentIndex(TAB_MEMBERS)
    assert sorted(shown(window)) == sorted([*examples, accepted])
    assert dialogs.seen == []  # no trash confirmation: Delete here is an answer
    # All photos, narrowed to the album (by date), and back to every photo; a filter typed
    # there before is cleared (a new-user review: part of the album was shown).
    window.timeline_page.filter.setText("no such name")
    page.timeline_button.click()
    assert window.timeline_page.filter.text() == ""
    assert window.stack.currentIndex() == PAGE_TIMELINE
    timeline = window.timeline_page.photos
    in_timeline = [timeline.index(r, 0).data(PathRole) for r in range(timeline.rowCount())]
    assert sorted(in_timeline) == sorted([*examples, accepted])
    window.timeline_page.show_album(None)
    assert timeline.rowCount() == 20
    window.show_albums()

    # Edit > Undo takes the rejection back; the album is asked again and shows it.
    said, _state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert re.match(r"Undid action \d+: the change to the albums", said)
    learnt(qtbot, window)
    page.tabs.setCurrentIndex(TAB_SUGGESTIONS)
    qtbot.waitUntil(lambda: rejected in shown(window), timeout=TIMEOUT_MS)
    back = page.photos.scores() or []  # in its place by its score, not after the rest (a review)
    assert back == sorted(back, reverse=True)
    # Redo does it again (a new-user review: one Ctrl+Z too many could not be redone), and
    # Undo takes it back once more.
    qtbot.waitUntil(lambda: window.redo_action.isEnabled(), timeout=TIMEOUT_MS)
    assert window.redo_action.text().startswith("&Redo: ")
    said, _state = act_and_wait(qtbot, window, window.redo_action.trigger)
    assert said.startswith(f"Did the change to the albums again (reject {os.path.basename(rejected)} for")
    learnt(qtbot, window)
    qtbot.waitUntil(lambda: rejected not in shown(window), timeout=TIMEOUT_MS)
    said, _state = act_and_wait(qtbot, window, window.undo_action.trigger)
    learnt(qtbot, window)
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

    # F2 on the album list renames the album: it stays chosen, with its photos.
    page = again.albums_page
    asked: list[str] = []

    def new_name(*_a: object, text: str) -> tuple[str, bool]:
        asked.append(text)
        return "Drawings", True

    monkeypatch.setattr(QInputDialog, "getText", new_name)
    page.album_list.setFocus()
    said, _state = act_and_wait(qtbot, again, lambda: qtbot.keyClick(page.album_list, Qt.Key.Key_F2))
    assert asked == ["Kids' drawings"]  # the old name, to edit
    assert said == "Renamed the album Kids' drawings to Drawings. Edit > Undo takes it back."
    assert page.names() == ["Drawings"]
    qtbot.waitUntil(lambda: page.view is not None and page.view.album.name == "Drawings", timeout=TIMEOUT_MS)
    assert page.heading.text() == "Drawings" and sorted(shown(again)) == sorted([*examples, accepted])

    # Right-click > Delete album: the album goes, the photos stay; Edit > Undo brings it back.
    [delete] = [a for a in again.actions.album_menu_for("Drawings").actions() if a.text() == "Delete album"]
    said, _state = act_and_wait(qtbot, again, delete.trigger)
    assert said == "Deleted the album Drawings; its photos are not touched. Edit > Undo brings it back."
    assert page.names() == [] and again.nav.item(PAGE_ALBUMS).text() == "Albums (0)"
    assert all(Path(p).exists() for p in [*examples, accepted])
    said, _state = act_and_wait(qtbot, again, again.undo_action.trigger)
    assert page.names() == ["Drawings"]
    qtbot.waitUntil(lambda: page.view is not None and len(page.view.members) == 4, timeout=TIMEOUT_MS)


def test_an_example_from_the_preview_and_the_album_as_keywords_in_sidecars(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    photos = [p.path for p in state.timeline.photos]
    made_album(qtbot, window, monkeypatch, "Dogs", photos[:2])

    # In the preview of a photo of All photos: Album > Add to Dogs.
    window.nav.setCurrentRow(PAGE_TIMELINE)
    grid = window.timeline_page.grid
    row = next(
        r for r in range(grid.model().rowCount()) if grid.model().index(r, 0).data(PathRole) == photos[5]
    )
    dialogs.drive(PreviewDialog)

    def teach_in_preview() -> None:
        preview = QApplication.activeModalWidget()
        assert isinstance(preview, PreviewDialog) and preview.path == photos[5]
        [album] = [b for b in preview.findChildren(QPushButton) if b.text() == "Album"]
        [add] = [a for a in album.menu().actions() if a.text() == "Add to Dogs"]
        add.trigger()
        assert "An example for the album Dogs now" in preview.caption.text()
        preview.accept()

    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as added:
        QTimer.singleShot(200, teach_in_preview)
        window.actions.preview(grid, grid.model().index(row, 0))
    assert added.args[0].startswith("Added 1 photo to Dogs as examples")
    window.show_albums()
    page = window.albums_page
    qtbot.waitUntil(lambda: page.view is not None and len(page.view.members) == 3, timeout=TIMEOUT_MS)
    assert {p.path for p in page.view.members} == {*photos[:2], photos[5]}

    # Keywords…: the plan is asked first, then the sidecars are written, and undo takes them out.
    page.tabs.setCurrentIndex(TAB_MEMBERS)
    assert page.keywords_button.isVisible() and page.keywords_button.isEnabled()
    dialogs.accept_next()
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as wrote:
        page.keywords_button.click()
    assert (
        wrote.args[0] == "Wrote the keyword \u201cDogs\u201d into 3 XMP sidecars. Edit > Undo takes it back."
    )
    assert any(
        "Write the keyword \u201cDogs\u201d into 3 XMP sidecars (3 new, 0 changed)" in s for s in dialogs.seen
    )
    sidecars = [Path(p + ".xmp") for p in (*photos[:2], photos[5])]
    assert all(b"<rdf:li>Dogs</rdf:li>" in s.read_bytes() for s in sidecars)
    # Show Details names each sidecar with its folder (a review: bare names, alike across folders)
    assert sorted(dialogs.details[-1].splitlines()) == sorted(str(s) for s in sidecars)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    # Taken out again from the album's menu (before a deletion, say: a deleted album's keyword
    # stayed where photoorg wrote it), asked first; undo puts it back.
    menu = window.actions.album_menu_for("Dogs")
    [take_out] = [a for a in menu.actions() if a.text() == "Take its keyword out of sidecars…"]
    dialogs.accept_next()
    with qtbot.waitSignal(window.library.action_finished, timeout=TIMEOUT_MS) as took:
        take_out.trigger()
    assert took.args[0] == (
        "Took \u201cDogs\u201d out of 3 XMP sidecars; the 3 sidecars photoorg had made were left empty "
        "and went to the trash. Edit > Undo takes it back."
    )
    assert any(
        "Take \u201cDogs\u201d out of 3 XMP sidecars?" in s and "will be left empty and go to the trash" in s
        for s in dialogs.seen
    )  # said before it happens (a review: they went to the trash unannounced)
    assert not any(s.exists() for s in sidecars)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    act_and_wait(qtbot, window, window.undo_action.trigger)
    assert all(b"<rdf:li>Dogs</rdf:li>" in s.read_bytes() for s in sidecars)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    # Deleting the album asks whether its keyword goes too (a review: it stayed in every
    # sidecar without a word); both go, and Edit > Undo brings back one, then the other.
    [delete] = [a for a in window.actions.album_menu_for("Dogs").actions() if a.text() == "Delete album"]
    dialogs.accept_next()
    said: list[str] = []
    window.library.action_finished.connect(said.append)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS):
        delete.trigger()
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    window.library.action_finished.disconnect(said.append)
    assert page.names() == [] and page.photos.rowCount() == 0  # its photos go from the page too
    assert said == [  # one sentence for both steps (a review: the second hid the first)
        "Took \u201cDogs\u201d out of 3 XMP sidecars; the 3 sidecars photoorg had made were left empty and "
        "went to the trash. Deleted the album Dogs; its photos are not touched. Edit > Undo brings it back."
    ]
    assert any(
        "Delete the album \u201cDogs\u201d?" in s and "the 3 sidecars photoorg had made will be left" in s
        for s in dialogs.seen
    )
    assert not any(s.exists() for s in sidecars)
    act_and_wait(qtbot, window, window.undo_action.trigger)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    assert page.names() == ["Dogs"] and not any(s.exists() for s in sidecars)
    act_and_wait(qtbot, window, window.undo_action.trigger)
    qtbot.waitUntil(lambda: not window.library.busy, timeout=TIMEOUT_MS)
    assert all(b"<rdf:li>Dogs</rdf:li>" in s.read_bytes() for s in sidecars)
    said, _state = act_and_wait(qtbot, window, window.undo_action.trigger)
    assert re.fullmatch(
        r"Undid action \d+: the keyword change \(write the keyword \u201cDogs\u201d into 3 sidecars\): "
        r"moved 3 sidecars photoorg had made to the trash\.",
        said,
    )
    assert not any(s.exists() for s in sidecars)


def test_the_album_says_which_of_its_photos_are_away_and_why(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """App reviews: the album's "away" sentence named no photo and gave no reason; then its box
    said "undoing it brings it back" with no Undo in it, and the heading counted only the photos
    here ("2 photos in the album") for an album the list said held 4."""
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    photos = [p.path for p in state.timeline.photos[:3]]
    made_album(qtbot, window, monkeypatch, "Cats", photos)
    act_and_wait(qtbot, window, lambda: window.library.file_action("trash", photos[:1]))
    page = window.albums_page
    qtbot.waitUntil(lambda: "away" in page.subheading.text(), timeout=TIMEOUT_MS)
    learnt(qtbot, window)
    assert page.subheading.text().startswith('3 photos in the album (<a href="away">1 is away</a>) · ')
    assert page.album_list.currentItem().text() == "Cats\n3 photos"
    dialogs.drive(AwayDialog)
    seen: list[object] = []

    def undo_in_the_box() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, AwayDialog)
        rows = [box.table.topLevelItem(i) for i in range(box.table.topLevelItemCount())]
        seen.extend([box.windowTitle(), [(r.text(0), r.text(1)) for r in rows], box.undo_button.text()])
        qtbot.mouseClick(box.undo_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, undo_in_the_box)
    said, _state = act_and_wait(qtbot, window, lambda: page.subheading.linkActivated.emit("away"))
    [batch] = re.findall(r"moved to the trash by action (\d+)", str(seen[1]))
    assert seen == [
        "Photos of Cats that are away",
        [(photos[0], f"moved to the trash by action {batch}")],
        f"Undo action {batch}: trash 1 photo",  # named as the history names it
    ]
    assert said.startswith(f"Undid action {batch}: "), said
    assert Path(photos[0]).exists()
    qtbot.waitUntil(lambda: "away" not in page.subheading.text(), timeout=TIMEOUT_MS)
    assert page.subheading.text().startswith("3 photos in the album · ")
    assert "rejected" not in page.subheading.text()  # none: not "0 photos rejected" (a review)

    # Moved out of the library, then on from there: the box offers both undos, newest first,
    # and one click brings the photo home (a review: it offered only the newest move's undo).
    out, further = grouped_library.parent / "Out", grouped_library.parent / "Further"
    learnt(qtbot, window)
    act_and_wait(qtbot, window, lambda: window.library.file_action("move", photos[1:2], str(out)))
    moved = str(out / Path(photos[1]).name)
    learnt(qtbot, window)
    act_and_wait(qtbot, window, lambda: window.library.file_action("move", [moved], str(further)))
    qtbot.waitUntil(lambda: [len(a.undos) for a in page.view.away_photos] == [2], timeout=TIMEOUT_MS)
    seen.clear()
    QTimer.singleShot(0, undo_in_the_box)
    page.subheading.linkActivated.emit("away")
    newest, older = map(int, re.findall(r"action (\d+)", str(seen[1])))  # "by action 4, after action 3"
    assert newest > older and seen[2] == f"Undo actions {newest} and {older}", seen
    qtbot.waitUntil(lambda: Path(photos[1]).exists() and not window.library.busy, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "away" not in page.subheading.text(), timeout=TIMEOUT_MS)
    assert not (out / Path(photos[1]).name).exists() and not (further / Path(photos[1]).name).exists()


def test_accepting_the_suggestions_shown_takes_only_the_likely_ones(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An app review: "Accept these 60" also took in the suggestions below the line the bar
    counts as likely (score 0.5); the bulk accept takes the likely ones in view and says so. A
    new-user review: "Accept the 60 shown" with 4 on the screen answered the rest unseen."""
    window = open_window(settings_for(grouped_library, tiny_model, min_group_size=2))
    state = scan(qtbot, window)
    [group] = [g for g in state.groups if g.id is not None and g.id >= 0 and g.size >= 4][:1]
    made_album(qtbot, window, monkeypatch, "Bridges", [p.path for p in group.photos[:3]])
    page = window.albums_page
    window.resize(1600, 1100)  # every suggestion in view
    qtbot.waitUntil(lambda: len(rows_in_view(page.grid, page.photos.rowCount())) == page.photos.rowCount())
    scores = dict(zip(shown(window), page.photos.scores() or [], strict=True))
    likely = sorted(p for p, s in scores.items() if s >= 0.5)
    assert 0 < len(likely) < len(scores), "some suggestions are likely, some not"
    qtbot.waitUntil(lambda: page.accept_page_button.text() == f"Accept the {len(likely)} likely")
    unlikely = sorted(set(scores) - set(likely))
    qtbot.waitUntil(lambda: page.reject_page_button.text() == f"Reject the {len(unlikely)} unlikely")
    page.accept_page_button.click()
    learnt(qtbot, window)
    assert not set(likely) & set(shown(window))
    # A page answered at once: the suggestions left are shown best first again (an app review:
    # the unaccepted ones kept their places with new scores, out of order under "best first").
    after = page.photos.scores() or []
    assert after == sorted(after, reverse=True)
    # The bulk reject takes the unlikely ones in view, not those the album finds likely (an app
    # review: "Reject these 60" took 46 likely ones, most of them out of view) ...
    window.resize(800, 600)  # ... and not those out of view
    qtbot.waitUntil(lambda: len(rows_in_view(page.grid, page.photos.rowCount())) < page.photos.rowCount())
    now = dict(zip(shown(window), page.photos.scores() or [], strict=True))
    view = [shown(window)[r] for r in rows_in_view(page.grid, len(now))]
    unlikely = sorted(p for p in view if now[p] < 0.5)
    out_of_view = set(now) - set(view)
    assert unlikely, "some unlikely suggestion in view"
    qtbot.waitUntil(lambda: page.reject_page_button.text() == f"Reject the {len(unlikely)} unlikely")
    page.reject_page_button.click()
    learnt(qtbot, window)
    assert not set(unlikely) & set(shown(window)) and out_of_view <= set(shown(window))
    assert sorted(page.view.album.rejected) == sorted(
        next(p.fingerprint for p in window.library.state.timeline.photos if p.path == u) for u in unlikely
    )
    page.tabs.setCurrentIndex(TAB_MEMBERS)
    assert set(likely) <= set(shown(window)) and len(shown(window)) == 3 + len(likely)


def test_all_photos_keeps_its_sub_heading_readable_at_800_px_once_an_album_exists(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An app review at 800x600: with an album (its chooser shown), the filter, the chooser and
    Organize squeezed the sub-heading into a column 110 px wide, seven lines high."""
    window = open_window(settings_for(grouped_library, tiny_model))
    state = scan(qtbot, window)
    made_album(qtbot, window, monkeypatch, "Kids' drawings", [p.path for p in state.timeline.photos[:3]])
    window.resize(800, 600)
    window.nav.setCurrentRow(PAGE_TIMELINE)
    page = window.timeline_page
    page.filter.setText("img")
    qtbot.waitUntil(lambda: "whose name or folder holds" in page.subheading.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: page.show_only.findText("Album: Kids' drawings") > 0 and page.show_only.isVisible(),
        timeout=TIMEOUT_MS,
    )
    qtbot.wait(50)  # laid out
    line = page.subheading.fontMetrics().lineSpacing()
    assert page.subheading.width() > page.grid.width() * 0.8, (page.subheading.width(), page.grid.width())
    assert page.subheading.height() <= 3 * line, (page.subheading.height(), line)


def bulk_words(verb: str, k: int, n: int, kind: str) -> str:
    """What a bulk answer's button says for ``k`` of the ``n`` suggestions in view."""
    if k == n:
        return f"{verb} the {n} in view" if n > 1 else f"{verb} this one"
    return f"{verb} the {k} {kind}" if k else f"{verb} the {kind}"


def test_all_photos_says_which_photos_of_an_album_are_exact_copies(
    qtbot: QtBot,
    open_window: OpenWindow,
    grouped_library: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An app review: an album made of 3 photos, two of them the same bytes: its page said "2
    photos in the album" (each picture once), All photos "3 photos of the album", unexplained."""
    import shutil

    first = grouped_library / "2025" / "img_010.jpg"
    shutil.copy2(first, grouped_library / "copy_of_img_010.jpg")
    window = open_window(settings_for(grouped_library, tiny_model))
    scan(qtbot, window)
    examples = [
        str(first),
        str(grouped_library / "copy_of_img_010.jpg"),
        str(grouped_library / "2025" / "img_011.jpg"),
    ]
    made_album(qtbot, window, monkeypatch, "Cat", examples)
    window.albums_page.timeline_button.click()
    page = window.timeline_page
    qtbot.waitUntil(lambda: page.photos.rowCount() == 3, timeout=TIMEOUT_MS)
    assert (
        "3 photos of the album Cat · newest first · 1 of them an exact copy of another"
        in page.subheading.text()
    )
