"""What the signals of each page of the main window do: the page asks, and the window's photo
actions (:mod:`photoorg.gui.photo_actions`) or the library answer. Split out of app.py, which
keeps the window's frame and the library's own signals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from photoorg.gui.app import MainWindow


def connect_pages(window: MainWindow) -> None:
    """Connect the pages' signals (once, when the window is built)."""
    from photoorg.gui.app import PAGE_ALBUMS, PAGE_TIMELINE

    lp = window.library_page
    lp.add_requested.connect(window.add_folder)
    lp.remove_requested.connect(window.remove_folder)
    lp.protect_changed.connect(window.set_protected)
    lp.prefer_changed.connect(window.set_preferred)
    lp.scan_requested.connect(window.scan)
    act = window.actions
    gp = window.groups_page
    gp.group_renamed.connect(window.name_group)
    gp.groups.name_refused.connect(window.tell)
    gp.move_button.clicked.connect(lambda: act.move_or_copy("move", gp.chosen_photos()))
    gp.copy_button.clicked.connect(lambda: act.move_or_copy("copy", gp.chosen_photos()))
    gp.organize_button.clicked.connect(window.organize_group)
    gp.group_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    gp.group_list.customContextMenuRequested.connect(act.group_menu)
    gp.group_list.photos_dropped.connect(lambda paths, row: act.move_into_group(paths, gp.groups.group(row)))
    dp = window.duplicates_page
    dp.trash_requested.connect(act.trash_set)
    dp.bulk_requested.connect(act.trash_reviewed)
    dp.mark_requested.connect(lambda s, d: window.library.mark(s, d))
    dp.freed_changed.connect(lambda: window.presenter.show_status() if not window.library.busy else None)
    dp.thresholds_requested.connect(window.dialogs.thresholds)
    tp = window.timeline_page
    tp.organize_requested.connect(lambda: act.organize(*tp.organize_scope()))
    ap = window.albums_page
    ap.album_chosen.connect(lambda name: window.library.show_album(name, ap.show_view))
    ap.answered.connect(act.album_answered)
    albums = ap.album_list.model()
    for changed in (albums.rowsInserted, albums.rowsRemoved):
        changed.connect(lambda *_a: window.nav.item(PAGE_ALBUMS).setText(f"Albums ({albums.rowCount()})"))
    ap.timeline_requested.connect(window.album_in_timeline)
    # A new album is offered in All photos at once (a review: only after the next scan).
    ap.albums_changed.connect(lambda: tp.set_albums(ap.albums()))
    ap.organize_requested.connect(lambda name, paths: act.organize(f"the album {name}", paths=paths))
    ap.keywords_requested.connect(act.album_keywords)
    ap.undo_requested.connect(window.library.undo)
    ap.browse_requested.connect(lambda: window.nav.setCurrentRow(PAGE_TIMELINE))
    ap.album_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    ap.album_list.customContextMenuRequested.connect(act.album_menu)
    ap.rename_requested.connect(act.rename_album)
    window.problems_page.open_folder.connect(act.open_containing_folder)
    window.problems_page.trash_requested.connect(
        lambda paths: act.trash_photos(act.unreadable(paths), "file")
    )
    window.problems_page.move_requested.connect(
        lambda paths: act.move_or_copy("move", act.unreadable(paths), "file")
    )
    for grid in (tp.grid, gp.grid, dp.grid, ap.grid):
        grid.zoomed.connect(window.thumb_slider.follow)
        grid.preview_requested.connect(lambda ix, g=grid: act.preview(g, ix))
        grid.compare_requested.connect(lambda g=grid: act.compare(g))
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        menu = grid is not dp.grid  # a duplicate set has its own checks and buttons
        grid.customContextMenuRequested.connect(lambda pos, g=grid, m=menu: act.photo_menu(g, pos, m))
    for grid in (tp.grid, gp.grid):
        grid.delete_requested.connect(lambda g=grid: act.trash_selected(g))
