"""The desktop app: QApplication, the main window and the exception hooks.

The window is shown before anything slow starts, and this process never imports torch: the
model, scans and every change to the library run in the engine process (photoorg.engine),
which the heavy worker thread talks to after the first paint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.errors import PhotoorgError
from photoorg.core.humanize import plural
from photoorg.core.paths import Locations
from photoorg.core.settings import Settings, save_settings
from photoorg.core.timeline import Timeline
from photoorg.desktop import ICON_SIZES, icon_png
from photoorg.gui.albums import AlbumsPage
from photoorg.gui.dialogs import confirm_box, error_dialog, open_folder_dialog
from photoorg.gui.duplicates import DuplicatesPage
from photoorg.gui.firstrun import FirstRun
from photoorg.gui.groups import GroupsPage
from photoorg.gui.library import Library
from photoorg.gui.menus import build_menus, name_undo_redo
from photoorg.gui.offer_bar import OfferBar
from photoorg.gui.pages import LibraryPage, ProblemsPage
from photoorg.gui.photo_actions import PhotoActions
from photoorg.gui.placement import place_on_screen, remember_place
from photoorg.gui.presenter import (
    ADD_A_FOLDER,
    PAGE_ALBUMS,
    PAGE_DUPLICATES,
    PAGE_GROUPS,
    PAGE_LIBRARY,
    PAGE_PROBLEMS,
    PAGE_TIMELINE,
    PAGES,
    StatePresenter,
)
from photoorg.gui.progressline import ProgressLine
from photoorg.gui.tasks import TaskError, Tasks
from photoorg.gui.thumb_slider import ThumbnailSlider
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.timeline import TimelinePage
from photoorg.gui.window_dialogs import WindowDialogs
from photoorg.gui.wiring import connect_pages

log = logging.getLogger(__name__)

MESSAGE_MS = 10_000  # how long the outcome of an action stays in the status bar


class MainWindow(QMainWindow):
    def __init__(self, where: Locations, settings: Settings | None = None, engine: Any = None) -> None:
        super().__init__()
        self.where = where.ensure()
        self.setWindowTitle("photoorg")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.tasks = Tasks(self)
        self.thumbnails = Thumbnails(self.tasks, where.thumbnails, self)
        if settings is not None:  # the settings to start with (tests; --model): they are saved
            save_settings(where, settings)
        self.library = Library(where, self.tasks, self, engine)
        self._closing = False
        self.first_run = FirstRun(self)  # the model question

        self.nav = QListWidget()
        self.nav.addItems(PAGES)
        self.nav.setFixedWidth(170)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px; }")
        self.stack = QStackedWidget()
        self.timeline_page = TimelinePage(self.thumbnails)
        self.library_page = LibraryPage()
        self.groups_page = GroupsPage(self.thumbnails)
        self.albums_page = AlbumsPage(self.thumbnails)
        self.duplicates_page = DuplicatesPage(self.thumbnails)
        self.problems_page = ProblemsPage()
        pages = (
            self.timeline_page,
            self.library_page,
            self.groups_page,
            self.albums_page,
            self.duplicates_page,
            self.problems_page,
        )
        for page in pages:
            self.stack.addWidget(page)
        self.actions = PhotoActions(self)
        self.dialogs = WindowDialogs(self)
        self.open_settings = self.dialogs.settings  # File > Settings (tests open it too)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.offer_bar = OfferBar()  # a new look at the library, when one would improve it
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.offer_bar)
        column.addWidget(self.stack, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addLayout(column, 1)
        self.setCentralWidget(central)

        self.presenter = StatePresenter(self)
        build_menus(self)
        self._build_status_bar()
        self._connect()
        self._show_folders()
        self.nav.setCurrentRow(PAGE_TIMELINE if self.library.settings.folders else PAGE_LIBRARY)
        self.thumb_slider.follow()
        place_on_screen(self, self._pages(), self.where.config)

    # -- construction -------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        line = ProgressLine(self.statusBar(), self.library, self)
        self.progress_line = line
        self.thumb_slider = ThumbnailSlider(self.stack)
        self.statusBar().addPermanentWidget(self.thumb_slider)
        # As tall as with the progress bar and Cancel shown: the window does not jump when they
        # come and go, nor when a message takes the place of the status text.
        tallest = max(line.box.sizeHint().height(), self.thumb_slider.sizeHint().height())
        self.statusBar().setMinimumHeight(tallest + 8)
        self.status, self.cancel_button, self.timer = line.status, line.cancel_button, line.timer
        self.cancel_action.setEnabled(False)
        # A message cut at the window's edge is read whole in the status bar's tool tip (a review
        # at 800x600: "Undid action 2: the change to the groups (merge the group …" and no more).
        self.statusBar().messageChanged.connect(lambda text: self.statusBar().setToolTip(text))

    def _connect(self) -> None:
        lib = self.library
        lib.state_changed.connect(self.presenter.apply_state)
        lib.partial_state.connect(self.presenter.apply_partial)
        # Later, not now: a change may come from a click on the folder list itself, whose item
        # must outlive its own signal.
        lib.settings_changed.connect(lambda _s: QTimer.singleShot(0, self._show_folders))
        lib.busy_changed.connect(self._busy_changed)
        lib.task_failed.connect(self._task_failed)
        lib.action_finished.connect(self.tell)
        lib.queue_started.connect(self.untell)
        lib.model_missing.connect(self.first_run.model_missing)
        lib.similar_found.connect(self._similar_found)
        lib.undo_redo_changed.connect(lambda names: name_undo_redo(self, names))
        self.offer_bar.accepted.connect(lib.look_again)
        connect_pages(self)

    def tell(self, text: str) -> None:
        """A message that stays a while (the outcome of an action), over the progress text."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    def untell(self, text: str, instead: str = "") -> None:
        """Take a message back once it is no longer true (saying ``instead``, if any), unless
        another one replaced it."""
        if self.statusBar().currentMessage() == text:
            if instead:
                self.statusBar().showMessage(instead, MESSAGE_MS)
            else:
                self.statusBar().clearMessage()

    # -- start-up -------------------------------------------------------------------------------
    def start(self) -> None:
        """After the first paint: rescan what changed (cheap when nothing did)."""
        self.library.ask_undo_redo()  # also with no folder: a trash from before can be undone
        if self.library.settings.folders:
            self.scan()
        else:  # each page says how to begin (a review: blank panes, the hint only in the status bar)
            self.status.setText(ADD_A_FOLDER)
            self.timeline_page.set_timeline(Timeline(), ADD_A_FOLDER)
            self.groups_page.set_groups([], ADD_A_FOLDER)
            self.duplicates_page.set_sets([], ADD_A_FOLDER)

    # -- library --------------------------------------------------------------------------------
    def add_folder(self, folder: str | None = None) -> None:
        folder = folder or open_folder_dialog(self, "Add a folder of photos")
        if not folder:
            return
        if not os.path.isdir(folder):
            error_dialog(self, f"{folder} is not a folder.").exec()
            return
        if not self._add_folders([folder]):
            self.tell(f"{folder} is already in the library.")
            return
        self.scan()

    def _add_folders(self, folders: list[str]) -> list[str]:
        added: list[str] = []
        self.library.change_settings(lambda s: added.extend(f for f in folders if s.add_folder(f)))
        return added

    def remove_folder(self, folder: str) -> None:
        state = self.library.state
        n = state.per_folder.get(folder) if folder not in state.missing else None
        counted = f" ({n})" if n is not None else ""  # (a hostile review: "(0)" of a missing drive's)
        probe = dataclasses.replace(self.library.settings)
        with contextlib.suppress(PhotoorgError):
            probe.remove_folder(folder)
        lost = [p for p in self.library.settings.protected if p not in probe.protected]
        unprotected = (  # (a hostile review: the protection went without a word)
            f" {', '.join(lost)} will no longer be protected, also once the folder is added again."
            if lost
            else ""
        )
        box = confirm_box(
            self,
            "Remove from library",
            f"Take {folder} out of the library? Its photos{counted} stay on the disk, untouched; they "
            "leave the timeline, the groups and the duplicate sets until the folder is added again "
            f"(their albums and group names come back with it).{unprotected}",
            "Remove from library",
        )
        box.exec()  # (an app review: it went at once, and Undo named an older action)
        if box.buttonRole(box.clickedButton()) != QMessageBox.ButtonRole.AcceptRole:
            return
        back: list[str] = []
        try:
            self.library.change_settings(lambda s: back.extend(s.remove_folder(folder)))
        except PhotoorgError as exc:
            error_dialog(self, str(exc)).exec()
            return
        if back:  # the folders it took in when it was added
            again = "is a library folder" if len(back) == 1 else "are library folders"
            self.tell(f"{', '.join(back)} {again} again, as before {folder} was added.")
        self.library.refresh(scan=False)

    def set_protected(self, folder: str, protected: bool) -> None:
        self._change_folder(lambda s: s.set_protected(folder, protected))

    def set_preferred(self, folder: str, preferred: bool) -> None:
        self._change_folder(lambda s: s.set_preferred(folder, preferred))

    def _change_folder(self, change: Callable[[Any], None]) -> None:
        """Protect or prefer a folder (or not), then show the duplicate sets that follow."""
        try:
            self.library.change_settings(change)
        except PhotoorgError as exc:
            error_dialog(self, str(exc)).exec()
            self._show_folders()
            return
        self.library.refresh(scan=False)

    def _show_folders(self) -> None:
        s = self.library.settings
        state = self.library.state
        self.library_page.set_folders(s.folders, s.protected, state.per_folder, state.missing, s.preferred)
        self.timeline_page.set_library_folders(s.folders)
        self.groups_page.set_library_folders(s.folders)

    def scan(self) -> None:
        if self.library.busy:
            self.tell("Busy; the scan will start when the current work is done.")
        self.library.refresh(scan=True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() and os.path.isdir(u.toLocalFile()) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if self._add_folders([f for f in folders if os.path.isdir(f)]):
            self.scan()
        event.acceptProposedAction()

    def organize_group(self) -> None:
        group = self.groups_page.current_group()
        if group is not None and group.id is not None and group.id >= 0:
            self.actions.organize(f"the group {group.label}", group_ids=[group.id])
        elif group is not None:  # Unsorted, or a "find similar" view: the photos shown
            self.actions.organize(f"{plural(group.size, 'photo')}", paths=[p.path for p in group.photos])

    def _busy_changed(self, busy: bool) -> None:
        self.progress_line.set_busy(busy)
        self.cancel_action.setEnabled(busy)
        self.library_page.scan_button.setEnabled(not busy and self.library_page.has_folders)
        if not busy:  # the library's line, not the last stage of work that is over (what ends
            self.presenter.show_status()  # with a new state or a message says it right after)

    def _task_failed(self, error: TaskError) -> None:
        if isinstance(error.error, PhotoorgError):
            error_dialog(self, str(error.error)).exec()
        else:
            error_dialog(
                self,
                f"Something went wrong: {error.error}",
                error.details,
                str(self.where.logs / "photoorg.log"),
            ).exec()

    # -- photos ---------------------------------------------------------------------------------
    def undo(self) -> None:
        """Edit > Undo: the action its menu names, not one another photoorg did since."""
        names = self.library.undo_names
        self.library.undo(expect=names.undo_batch if names is not None else None)

    def find_similar(self, path: str) -> None:
        self.status.setText(f"Looking for photos like {os.path.basename(path)}…")
        self.library.find_similar(path)

    def _similar_found(self, path: str, found: list) -> None:
        self.groups_page.show_similar(path, found)
        self.nav.setCurrentRow(PAGE_GROUPS)
        self.tell(f"The {len(found)} photos most like {os.path.basename(path)}, most similar first.")

    def album_in_timeline(self, name: str) -> None:
        self.timeline_page.set_albums(self.albums_page.albums())
        self.timeline_page.show_album(name)
        self.nav.setCurrentRow(PAGE_TIMELINE)

    def _pages(self) -> list[QWidget]:
        return [self.stack.widget(i) for i in range(self.stack.count())]

    def show_albums(self) -> None:
        self.nav.setCurrentRow(PAGE_ALBUMS)

    def focus_filter(self) -> None:
        """Edit > Find by name or folder: the Groups page's filter there, else All photos' (an
        app review: it always went to Groups, which filters only the grouped photos)."""
        if self.nav.currentRow() != PAGE_GROUPS:
            self.nav.setCurrentRow(PAGE_TIMELINE)
        page = self.groups_page if self.nav.currentRow() == PAGE_GROUPS else self.timeline_page
        page.filter.setFocus()
        page.filter.selectAll()

    def name_group(self, group: Any) -> None:
        if group.id is not None and group.id >= 0:
            self.library.rename_group(group.id, group.name)

    def changeEvent(self, event: QEvent) -> None:
        """Back in the window (from a terminal, say), Undo and Redo are named afresh."""
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and not self._closing:
            self.library.ask_undo_redo()
        super().changeEvent(event)

    # -- closing --------------------------------------------------------------------------------
    @property
    def closing(self) -> bool:
        return self._closing

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the work in progress (committed work is kept) and wait for every thread.

        The window goes at once: a scan stops at the end of the model's batch (seconds with
        dinov2-base on a CPU), and an action already asked for is carried out first."""
        self._closing = True
        remember_place(self, self._pages(), self.where.config)
        self.timer.stop()
        self.library.close()  # cancels scans, queued ones too; changes the person made still go in
        self.hide()
        QApplication.processEvents()
        if self.tasks.shutdown(keep_heavy=True):
            self.library.close_catalog()
        else:  # the catalog stays consistent: every batch is one transaction
            log.warning("background work did not stop in time; leaving without waiting for it")
        event.accept()


def app_icon() -> QIcon:
    """photoorg's icon, from the PNGs made of its SVG (no SVG plugin needed to show it)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon


#: The window and its pages' numbers (the navigation's rows), as tests and callers use them.
__all__ = [
    "PAGES",
    "PAGE_ALBUMS",
    "PAGE_DUPLICATES",
    "PAGE_GROUPS",
    "PAGE_LIBRARY",
    "PAGE_PROBLEMS",
    "PAGE_TIMELINE",
    "MainWindow",
    "app_icon",
]
