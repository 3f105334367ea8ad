"""The main window's menus, and Edit > Undo / Redo named for what they would do. Split out of
app.py, which had passed the style's 400 lines."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox

from photoorg import __version__
from photoorg.engine import UndoRedo
from photoorg.gui.layout import menu_text
from photoorg.gui.messages import menu_words
from photoorg.gui.presenter import PAGES

if TYPE_CHECKING:
    from photoorg.gui.app import MainWindow


def build_menus(window: MainWindow) -> None:
    """The window's menu bar: File, Edit (Undo and Redo named by the engine), View, Help."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    window.add_action = file_menu.addAction("&Add folder…", QKeySequence.StandardKey.Open, window.add_folder)
    window.scan_action = file_menu.addAction("&Scan now", QKeySequence(Qt.Key.Key_F5), window.scan)
    window.cancel_action = file_menu.addAction("&Cancel scan", window.library.cancel)
    file_menu.addSeparator()
    file_menu.addAction("Se&ttings…", QKeySequence("Ctrl+,"), window.open_settings)
    # Shown while the model is not on this computer: "Not now" is kept across starts, and this
    # asks again (a new-user review: nothing offered the download after "Not now").
    window.model_action = file_menu.addAction("Get the DINOv2 &model…", window.first_run.ask_again)
    window.model_action.setVisible(False)
    window.thresholds_action = file_menu.addAction("Duplicate &thresholds…", window.dialogs.thresholds)
    file_menu.addSeparator()
    file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, window.close)
    edit_menu = bar.addMenu("&Edit")
    # Named for what they would do once the engine has said (a review: "Undo the last
    # change" did not say which); greyed out when there is nothing to undo or redo.
    window.undo_action = edit_menu.addAction("&Undo", QKeySequence.StandardKey.Undo, window.undo)
    window.redo_action = edit_menu.addAction("&Redo", QKeySequence.StandardKey.Redo, lambda: _redo(window))
    window.undo_action.setEnabled(False)
    window.redo_action.setEnabled(False)
    edit_menu.setToolTipsVisible(True)  # the whole summary, when the item's text is cut
    edit_menu.aboutToShow.connect(window.library.ask_undo_redo)  # another photoorg may have acted
    window.history_action = edit_menu.addAction("&History…", QKeySequence("Ctrl+H"), window.dialogs.history)
    edit_menu.addAction("&Find by name or folder", QKeySequence.StandardKey.Find, window.focus_filter)
    view_menu = bar.addMenu("&View")
    # Both say Ctrl+wheel (an app review: only Larger did).
    view_menu.addAction(
        "&Larger thumbnails (Ctrl+wheel up)",
        QKeySequence.StandardKey.ZoomIn,
        lambda: window.thumb_slider.zoom(1),
    )
    view_menu.addAction(
        "&Smaller thumbnails (Ctrl+wheel down)",
        QKeySequence.StandardKey.ZoomOut,
        lambda: window.thumb_slider.zoom(-1),
    )
    view_menu.addSeparator()
    # The pages, the one shown ticked (an app review: they named no page as current).
    pages = QActionGroup(view_menu)
    for k, name in enumerate(PAGES):
        page = view_menu.addAction(
            name, QKeySequence(f"Ctrl+{k + 1}"), lambda k=k: window.nav.setCurrentRow(k)
        )
        page.setCheckable(True)
        pages.addAction(page)
    view_menu.aboutToShow.connect(lambda: pages.actions()[max(0, window.nav.currentRow())].setChecked(True))
    help_menu = bar.addMenu("&Help")
    help_menu.addAction("&Keyboard shortcuts", QKeySequence(Qt.Key.Key_F1), lambda: _shortcuts(window))
    help_menu.addAction("Open the &log folder", lambda: window._open_url(str(window.where.logs)))
    help_menu.addAction("&About photoorg", lambda: _about(window))


def name_undo_redo(window: MainWindow, names: UndoRedo) -> None:
    """Edit > Undo and Redo say what they would do, as the history words it, and are greyed
    out when there is nothing to do; a Redo that cannot be done says why."""
    for action, verb, summary in (
        (window.undo_action, "Undo", names.undo),
        (window.redo_action, "Redo", names.redo),
    ):
        action.setEnabled(summary is not None)
        if summary is None:
            refused = names.redo_refused if verb == "Redo" else None
            action.setText(f"&{verb} ({'cannot be redone' if refused else f'nothing to {verb.lower()}'})")
            action.setToolTip(refused or "")
            continue
        shown, whole = menu_words(summary)
        action.setText(f"&{verb}: {menu_text(shown)}")
        action.setToolTip(f"{verb}: {whole}" if shown != whole else "")


#: Every key the window answers, by where it works (a new-user review: the single keys were said
#: only in a grey paragraph of the Duplicates page).
SHORTCUTS = (
    ("Everywhere", [
        ("Ctrl+1 … Ctrl+6", "All photos, Library, Groups, Albums, Duplicates, Problems"),
        ("Ctrl+Z, Ctrl+Shift+Z", "undo, redo the last action (Edit > History lists them all)"),
        ("Ctrl+F", "find by name or folder; Escape clears it"),
        ("Ctrl+O, F5", "add a folder, scan now"),
        ("Ctrl+wheel, Ctrl+=, Ctrl+-", "larger, smaller thumbnails"),
    ]),
    ("In a grid of photos", [
        ("Space", "look at the photo (Left and Right go to the next; Space again closes it)"),
        ("C", "compare the selected photos side by side"),
        ("Delete", "move the selected photos to the trash (undoable)"),
    ]),
    ("Looking at a photo", [  # (a review: the box left the preview's keys out)
        ("Left, Right", "the previous, the next photo"),
        ("Z or 1", "actual size (1:1), and back to the window's size"),
        ("+, -, 0, wheel", "zoom in, zoom out, fit; drag a zoomed photo to move around it"),
        ("Delete", "move the photo to the trash (undoable)"),
        ("Space, Escape", "close it"),
    ]),
    ("Groups", [
        ("F2", "rename the group chosen in the list"),
    ]),
    ("Duplicates", [
        ("K", "keep the selected photos"),
        ("T or Delete", "uncheck them: they go to the trash with the set's clean-up"),
        ("N, P", "the next, the previous set"),
    ]),
    ("Albums", [
        ("Enter", "accept the selected suggestions"),
        ("Delete", "reject them (of the album's own photos: take them out)"),
        ("F2", "rename the album"),
    ]),
)  # fmt: skip


def _shortcuts(window: MainWindow) -> None:
    rows = "".join(
        f"<tr><td colspan=2 style='padding-top:8px'><b>{html.escape(where)}</b></td></tr>"
        + "".join(
            f"<tr><td style='padding-right:16px'>{html.escape(keys)}</td><td>{html.escape(what)}</td></tr>"
            for keys, what in keys_said
        )
        for where, keys_said in SHORTCUTS
    )
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", f"<table>{rows}</table>", parent=window)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setStyleSheet("QLabel { min-width: 560px; }")  # the keys' words on one line each
    window.shortcuts_box = box  # (tests read it)
    box.open()


def _about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        "About photoorg",
        f"photoorg {__version__}\nGroups similar photos and finds duplicates with DINOv2.\n"
        f"Catalog: {window.where.catalog}\nLogs: {window.where.logs}",
    )


def _redo(window: MainWindow) -> None:
    """Edit > Redo: the action its menu names, not one another photoorg undid since."""
    names = window.library.undo_names
    window.library.redo(expect=names.redo_batch if names is not None else None)
