"""The Albums page: albums taught by a few examples, and the loop that teaches them more.

The suggestions are the photos the album's classifier (trained in the engine on the DINOv2
vectors) scores highest and that the person has not answered yet. Accept (Enter) or reject
(Delete) one, a selection or the whole page; the answered photos leave the grid at once, the
engine retrains, and the new suggestions fill in behind the ones still shown, so the view does
not jump under the person's eyes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.albums import LIKELY
from photoorg.gui.album_bulk import after_shown, bulk_answer, likely_rows, rows_in_view
from photoorg.gui.album_list import AlbumList, listed
from photoorg.gui.album_words import EMPTY, LIKELY_TIP, subheading
from photoorg.gui.away import AwayDialog
from photoorg.gui.layout import FlowRow, beside, hint, labelled_bar, title
from photoorg.gui.models import PhotoGridModel
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid

TAB_SUGGESTIONS, TAB_MEMBERS = 0, 1
#: The roles an answer gives a photo (photoorg.core.albums).
MEMBER, REJECTED, REMOVED = "member", "rejected", "removed"


class AlbumsPage(QWidget):
    """Albums on the left; the chosen album's suggestions (or photos) on the right."""

    album_chosen = Signal(str)  # the name of the album to show (the window asks the engine)
    answered = Signal(str, list, str)  # album name, paths, role (member / rejected / removed)
    organize_requested = Signal(str, list)  # album name, its photos' paths
    timeline_requested = Signal(str)  # show the album's photos in All photos
    undo_requested = Signal(int)  # undo this action (it moved an album's photo away)
    browse_requested = Signal()  # to All photos, to choose an album's first photos
    keywords_requested = Signal(str)  # write the album's name into its photos' XMP sidecars
    rename_requested = Signal(str)  # F2 on the album list (right-click offers rename and delete)
    albums_changed = Signal()  # an album was made, or learnt an answer (All photos' chooser follows)

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.album_list = AlbumList()
        self.album_list.rename_wanted.connect(self.rename_requested)
        self.photos = PhotoGridModel(thumbnails, self, score_label="score")
        self.grid = PhotoGrid(150, 1)
        self.grid.start_with_columns(3)  # (see PhotoGrid.start_with_columns)
        self.grid.setModel(self.photos)
        self.heading = title("Albums")
        self.heading.setMinimumWidth(1)
        self.subheading = hint(EMPTY)
        self.subheading.setTextFormat(Qt.TextFormat.RichText)  # its "away" part is a link
        self.subheading.linkActivated.connect(lambda _link: self.show_away())
        self.likely_row, self.likely_text, self.likely_bar = labelled_bar(LIKELY_TIP)
        self.tabs = QTabBar()
        self.tabs.addTab("Suggestions")
        self.tabs.addTab("In the album")
        self.tabs.setExpanding(False)
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("The selected photos belong to the album (Enter)")
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Not of the album: never suggested again (Delete)")
        self.accept_page_button = QPushButton("Accept these")  # its words follow what is shown
        self.reject_page_button = QPushButton("Reject these")  # its words follow what is shown
        self.remove_button = QPushButton("Take out")
        self.remove_button.setToolTip("The selected photos leave the album (Delete); they are not touched")
        self.timeline_button = QPushButton("In All photos")
        self.timeline_button.setToolTip("All photos, narrowed to this album's photos, by date")
        self.timeline_button.clicked.connect(
            lambda: self.timeline_requested.emit(self.view.album.name) if self.view else None
        )
        self.organize_button = QPushButton("Organize…")
        self.organize_button.setToolTip("Copy or move the album's photos into folders, with a plan first")
        self.keywords_button = QPushButton("Keywords…")
        self.keywords_button.setToolTip(
            "Write the album's name as a keyword into its photos' XMP sidecars, so digiKam, darktable, "
            "Lightroom and other photo tools see it (the photos are not changed; Edit > Undo takes it out)"
        )
        self.keywords_button.clicked.connect(
            lambda: self.keywords_requested.emit(self.view.album.name) if self.view else None
        )
        # With no album yet, the way to make one (an app review: four greyed buttons over an
        # empty grid).
        self.start_button = QPushButton("Choose a few photos in All photos…")
        self.start_button.setToolTip("Select a few photos of what the album is about, right-click, New album")
        self.start_button.clicked.connect(self.browse_requested)
        self.status = QLabel("")
        tools = FlowRow()
        for w in (self.accept_button, self.reject_button, self.accept_page_button, self.reject_page_button,
                  self.remove_button, self.timeline_button, self.organize_button,
                  self.keywords_button, self.start_button):  # fmt: skip
            tools.addWidget(w)
        tools.addWidget(self.status)
        # The bar on a row of its own: beside the tabs its text was cut at 800x600 (GUI review).
        # With no album the grid is hidden and this takes its room, so that the page's text and
        # button stay at its top (an app review: they were spread down the whole height).
        self._room = QWidget()
        self._room.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        split = beside(
            self.album_list,
            [self.heading, self.subheading, self.tabs, self.likely_row, tools, self.grid, self._room],
            self.grid,
            [240, 960],
        )
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.view: Any = None  # the AlbumView shown
        self._answered: set[str] = set()  # paths answered here and not yet in a view
        self._one_by_one = True  # the last answers were given one at a time, not a page at once
        self._pending = 0  # answers sent to the engine and not learnt yet
        self._albums: list[Any] = []  # as the last state of the library had them
        self.album_list.currentItemChanged.connect(self._chosen)
        self.tabs.currentChanged.connect(lambda _t: self._show())
        self.accept_button.clicked.connect(lambda: self.answer(MEMBER))
        self.reject_button.clicked.connect(lambda: self.answer(REJECTED))
        self.accept_page_button.clicked.connect(lambda: self.answer(MEMBER, everything=True))
        self.reject_page_button.clicked.connect(lambda: self.answer(REJECTED, everything=True))
        self.remove_button.clicked.connect(lambda: self.answer(REMOVED))
        self.organize_button.clicked.connect(self._organize)
        self.grid.enter_requested.connect(
            lambda: self.answer(MEMBER) if self.tabs.currentIndex() == TAB_SUGGESTIONS else None
        )
        self.grid.selectionModel().selectionChanged.connect(lambda *_a: self._enable(self.view is not None))
        self.grid.verticalScrollBar().valueChanged.connect(lambda _v: self._enable(self.view is not None))
        self.grid.viewport().installEventFilter(self)  # resized: other rows in view (eventFilter)
        self.grid.delete_requested.connect(
            lambda: self.answer(REJECTED if self.tabs.currentIndex() == TAB_SUGGESTIONS else REMOVED)
        )
        self._show()

    def show_away(self) -> None:
        """Which of the album's photos are not in the library now, and where each went."""
        view = self.view
        if view is None or not view.away:
            return
        dialog = AwayDialog(view, self)
        dialog.undo_requested.connect(self.undo_requested)
        dialog.exec()

    # -- the album list ---------------------------------------------------------------------------
    def set_albums(self, albums: list[Any]) -> None:
        """The library's albums (oldest first); the one shown stays chosen, also when it was
        renamed, and is asked again (an undo, or another photoorg, may have changed it)."""
        self._albums = list(albums)
        if self.album_list.fill(self._albums):
            name = self.album_list.current_name() or ""
            if self.view is not None and self.view.album.name != name:
                self.heading.setText(name)  # renamed: the new view follows
            self.album_chosen.emit(name)
        elif albums:
            self.album_list.setCurrentRow(len(albums) - 1)  # shows it (currentItemChanged)
        else:
            self.view = None
            self._show()

    def albums(self) -> list[Any]:
        """The albums as last known, with the one shown as it is now (answers included)."""
        shown = self.view.album if self.view is not None else None
        out = [shown if shown is not None and a.id == shown.id else a for a in self._albums]
        if shown is not None and all(a.id != shown.id for a in out):
            out.append(shown)
        return out

    def names(self) -> list[str]:
        return self.album_list.names()

    def current_name(self) -> str | None:
        return self.album_list.current_name()

    def _chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is not None:
            name = item.data(Qt.ItemDataRole.UserRole)
            if self.view is None or self.view.album.name != name:
                self.view = None
                self._answered.clear()
                self.heading.setText(name)
                self.subheading.setText("Looking for its photos…")
                self.photos.set_photos([])
            self.album_chosen.emit(name)

    # -- an album -------------------------------------------------------------------------------
    def show_view(self, view: Any, keep_place: bool = False) -> None:
        """An AlbumView from the engine (after a choice or an answer). After one answer
        (``keep_place``) the suggestions still shown keep their place, the new ones after them;
        else best first (an app review: not so after a page answered at once, or an undo)."""
        name = view.album.name
        if name not in self.names():  # a new album
            self.album_list.add(view.album)
        elif self.current_name() != name:
            return  # the person moved on to another album meanwhile
        same = self.view is not None and self.view.album.id == view.album.id
        self.view = view
        item = self.album_list.currentItem()
        if item is not None:
            item.setText(listed(view.album))
        self._show(keep_place=same and keep_place)
        self.albums_changed.emit()

    def answer_failed(self) -> None:
        """An answer could not be learnt (the error is shown): show the album as it is."""
        self._pending = max(0, self._pending - 1)
        self._answered.clear()
        name = self.current_name()
        if name:
            self.album_chosen.emit(name)

    def learnt(self, view: Any) -> None:
        """The engine learnt an answer: its new view. Until the last answer given is learnt,
        the photos answered stay out of the grid (a view may predate them)."""
        self._pending = max(0, self._pending - 1)
        if not self._pending:
            self._answered.clear()
        self.show_view(view, keep_place=self._one_by_one)

    def _show(self, keep_place: bool = False) -> None:
        view = self.view
        suggestions = self.tabs.currentIndex() == TAB_SUGGESTIONS
        some = bool(self.album_list.count())
        for w in (self.accept_button, self.reject_button, self.accept_page_button, self.reject_page_button):
            w.setVisible(some and suggestions)
        for w in (self.remove_button, self.timeline_button, self.organize_button, self.keywords_button):
            w.setVisible(some and not suggestions)
        self.start_button.setVisible(not some)
        self.grid.setVisible(some)
        self._room.setVisible(not some)
        self.album_list.setVisible(some)  # an empty list beside it said nothing
        if view is None:
            self.heading.setText("Albums" if not self.album_list.count() else self.heading.text())
            if not self.album_list.count():
                self.subheading.setText(EMPTY)
                self.photos.set_photos([], None)  # (a review: the deleted album's photos stayed)
            self.likely_row.hide()
            self.tabs.setVisible(bool(self.album_list.count()))
            self._enable(False)
            return
        self.tabs.show()
        members, likely = len(view.members) + view.away, view.likely
        self.heading.setText(view.album.name)
        self.subheading.setText(subheading(view, suggestions))
        self.likely_row.setVisible(not view.problem)
        self.likely_bar.setRange(0, max(1, members + likely))
        self.likely_bar.setValue(members)
        self.likely_text.setText(f"{members} in the album · {likely} more likely")
        if suggestions:
            fresh = [(p, s) for p, s in view.suggestions if p.path not in self._answered]
            if keep_place:
                fresh = after_shown(self.grid, self.photos.photos(), fresh)
            self._set_photos([p for p, _ in fresh], [s for _, s in fresh], keep_place)
        else:
            self._set_photos(list(view.members), None, keep_place)
        self._enable(True)

    def _set_photos(self, photos: list[Any], scores: list[float] | None, keep_place: bool) -> None:
        bar = self.grid.verticalScrollBar()
        top, row = bar.value(), max(0, self.grid.currentIndex().row())
        self.photos.set_photos(photos, scores)
        if keep_place and photos:
            row = min(row, len(photos) - 1)
            self.grid.setCurrentIndex(self.photos.index(row))
            QTimer.singleShot(0, lambda: bar.setValue(top))
        if not photos:
            self.status.setText(
                "Nothing left to suggest." if self.tabs.currentIndex() == TAB_SUGGESTIONS else ""
            )
        else:
            self.status.setText("")

    def _enable(self, on: bool) -> None:
        has = on and self.photos.rowCount() > 0
        for w in (self.accept_button, self.reject_button, self.remove_button):
            w.setEnabled(has and bool(self.grid.selectedIndexes() or self.grid.currentIndex().isValid()))
        # The suggestions in view, not every one listed (an app review: "Accept all" for 60 of
        # them; a new-user review: "Accept the 60 shown" with 4 on the screen, the rest answered
        # unseen), and of those only the likely ones are accepted at once (a review: "Accept
        # these 60" took in the 8 below the line the bar counts too).
        view = self._in_view()
        n = len(view)
        likely = len(set(likely_rows(self.photos.scores(), self.photos.rowCount())) & set(view))
        bulk_answer(
            self.accept_page_button, "Accept", has, likely, n, "likely", f"a score of {LIKELY} or more"
        )
        # ... and the bulk reject takes the unlikely ones (an app review: "Reject these 60" took
        # the 46 the album itself finds likely, most of them out of view).
        bulk_answer(
            self.reject_page_button, "Reject", has, n - likely, n, "unlikely", f"a score below {LIKELY}"
        )
        members = on and self.view is not None and bool(self.view.members)  # whichever tab is shown
        for w in (self.organize_button, self.timeline_button, self.keywords_button):
            w.setEnabled(members)

    # -- answers --------------------------------------------------------------------------------
    def answer(self, role: str, everything: bool = False) -> None:
        """Accept, reject or take out the selected photos (all shown: ``everything``); they
        leave the grid now, and the engine retrains."""
        if self.view is None:
            return
        if everything:
            likely = set(likely_rows(self.photos.scores(), self.photos.rowCount()))
            rows = [r for r in self._in_view() if (r in likely) == (role == MEMBER)]
        else:
            rows = sorted({i.row() for i in self.grid.selectedIndexes()})
            if not rows and self.grid.currentIndex().isValid():
                rows = [self.grid.currentIndex().row()]
        if not rows:
            return
        photos = self.photos.photos()
        paths = [photos[r].path for r in rows]
        self._answered.update(paths)
        self._one_by_one = not everything
        scores = self.photos.scores()
        keep = [k for k in range(len(photos)) if k not in set(rows)]
        self._set_photos([photos[k] for k in keep], [scores[k] for k in keep] if scores else None, True)
        if keep:
            self.grid.setCurrentIndex(self.photos.index(min(rows[0], len(keep) - 1)))
        self.status.setText("Learning…")
        self._pending += 1
        self.answered.emit(self.view.album.name, paths, role)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.grid.viewport():
            QTimer.singleShot(0, lambda: self._enable(self.view is not None))  # once laid out
        return super().eventFilter(watched, event)

    def _in_view(self) -> list[int]:
        """The rows of the grid the person can see now (a bulk answer takes only those)."""
        return rows_in_view(self.grid, self.photos.rowCount())

    def _organize(self) -> None:
        if self.view is not None and self.view.members:
            self.organize_requested.emit(self.view.album.name, [p.path for p in self.view.members])
