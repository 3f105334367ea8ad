"""All photos: the library's timeline, newest first, with a jump list of years and months.

The grid follows the rules of every grid here (uniform sizes, rows looked up, thumbnails
loaded lazily). Month headings are painted as a badge on each month's first photo, and the
heading above the grid names the month at the top of the view. It is filled while the first
scan still runs: photos appear as soon as they are catalogued, long before they are embedded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.humanize import agree, plural
from photoorg.core.paths import from_library_folder
from photoorg.core.timeline import Timeline
from photoorg.gui.layout import FlowRow, beside, filter_field, hint, title
from photoorg.gui.models import PathRole, TimelineModel
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid

_ROW = Qt.ItemDataRole.UserRole
#: The chooser's entry for the photos without a date taken (no album has this name: a NUL).
UNDATED = "\0undated"


class TimelinePage(QWidget):
    """The jump list on the left, the photos on the right."""

    organize_requested = Signal()

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos = TimelineModel(thumbnails, self)
        self.grid = PhotoGrid(150, 1)
        self.grid.start_with_columns(3)  # smaller photos in a small window, until one is picked
        self.grid.setModel(self.photos)
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._name_scope())
        self.jump = QTreeWidget()
        self.jump.setHeaderLabels(["Date", "Photos"])
        self.jump.setMinimumWidth(150)  # years and their counts; 190 was half empty at 800 px
        header = self.jump.header()  # the dates take the room, the counts what they need: no
        header.setStretchLastSection(False)  # sideways scroll bar in a narrow list
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.jump.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.jump.itemClicked.connect(self._jump)
        self.heading = title("All photos")
        self.heading.setMinimumWidth(1)
        self.subheading = hint("")
        self.organize_button = QPushButton("Organize…")
        self.organize_button.setToolTip("Sort the library's photos (or the selected ones) into folders")
        self.organize_button.clicked.connect(self.organize_requested)
        self.show_only = QComboBox()
        self.show_only.setToolTip(
            "Show every photo, only the photos of an album, or only those without a date taken"
        )
        self.show_only.addItem("Every photo", None)
        self.show_only.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.show_only.setMaximumWidth(220)
        self.show_only.currentIndexChanged.connect(lambda _i: self._refilter(asked=True))
        self.show_only.hide()  # until there is something to choose (it showed during a first scan)
        # Edit > Find by name or folder (Ctrl+F) over the whole library (an app review: it took
        # the person to Groups, whose filter sees only grouped photos).
        self.filter = filter_field(
            self,
            lambda: self._refilter(asked=True),
            "Show only the photos whose name, or folder from the library folder's name on, holds "
            "these letters",
        )
        self.filter.setMinimumWidth(120)
        self.filter.setMaximumWidth(220)
        self.full = Timeline()  # the whole library's; the grid may show an album's part of it
        self._albums: dict[str, set[str]] = {}  # album name -> its photos' fingerprints
        self._named: Callable[[str], str] = from_library_folder(())  # what the filter reads
        self._keys: list[str] = []  # per row of the full timeline: what the filter reads, lower case
        self._empty_text = ""
        self._scanning = False
        self._away = 0
        # The sub-heading on a row of its own, the tools under it (as on Groups): beside them it
        # was squeezed into a column of seven lines at 800x600 once an album existed (a review).
        tools = FlowRow()
        for w in (self.filter, self.show_only, self.organize_button):
            tools.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(
            beside(self.jump, [self.heading, self.subheading, tools, self.grid], self.grid, [220, 980])
        )
        self._jumped: int | None = None  # the row jumped to, named until the view scrolls
        self.grid.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled())
        self.set_timeline(Timeline(), "")

    def set_timeline(
        self, timeline: Timeline, empty_text: str, scanning: bool = False, away: int = 0
    ) -> None:
        """New photos; the view keeps the photo it showed at its top. ``away``: photos in
        library folders not there now (said, as they are not shown)."""
        self.full, self._empty_text, self._scanning, self._away = timeline, empty_text, scanning, away
        self._keys = []
        self._fill_chooser()
        self._refilter()

    def set_library_folders(self, folders: Sequence[str]) -> None:
        """The filter matches a photo's path from its library folder's name on."""
        self._named, self._keys = from_library_folder(folders), []
        if self.filter.text().strip():
            self._refilter()

    def set_albums(self, albums: list[Any]) -> None:
        """The albums the view can be narrowed to (by their photos' content)."""
        new = {a.name: set(a.positives) for a in albums}
        chosen = self.show_only.currentData()
        if list(new) == list(self._albums) and new.get(chosen) == self._albums.get(chosen):
            self._albums = new  # (asked at every answer on the Albums page: no refill for that)
            return
        self._albums = new
        self._fill_chooser()
        self._refilter()

    def _fill_chooser(self) -> None:
        """Every photo, each album, and the photos without a date taken (when there are any: a
        review found 149 of them piled in the newest month, by the date they were copied)."""
        chosen = self.show_only.currentData()
        undated = len(self.full.file_dated)
        entries = [("Every photo", None), *((f"Album: {name}", name) for name in self._albums)]
        if undated:
            entries.append((f"Without a date taken ({undated})", UNDATED))
        box = self.show_only
        if [(box.itemText(k), box.itemData(k)) for k in range(box.count())] == entries:
            return
        self.show_only.blockSignals(True)
        self.show_only.clear()
        for text, data in entries:
            self.show_only.addItem(text, data)
        self.show_only.setCurrentIndex(max(0, self.show_only.findData(chosen)))
        self.show_only.setVisible(len(entries) > 1)
        self.show_only.blockSignals(False)

    def show_album(self, name: str | None) -> None:
        """Only the photos of the album ``name`` (None: every photo), all of them: a filter typed
        before is cleared (a new-user review: "8 photos of the album Fish whose name or folder
        holds 'fish'", of its 20)."""
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        index = max(0, self.show_only.findData(name))
        if index == self.show_only.currentIndex():
            self._refilter(asked=True)
        self.show_only.setCurrentIndex(index)

    def _refilter(self, asked: bool = False) -> None:
        """The photos the filter and the chooser leave. ``asked``: the person changed them; the
        photos found are shown from the first (an app review: the photo kept at the top of a
        few found left the first row cut), every photo again from the one at the top."""
        album = self.show_only.currentData()
        text = self.filter.text().strip().lower()
        timeline = self.full
        only_undated = album == UNDATED
        if album in self._albums or text or only_undated:
            wanted = self._albums.get(album)
            keys = self._keys
            if text and len(keys) != len(self.full.photos):  # made once per timeline and folders
                keys = self._keys = [self._key(p.path) for p in self.full.photos]
            timeline = self.full.subset(
                k
                for k, p in enumerate(self.full.photos)
                if (wanted is None or p.fingerprint in wanted)
                and (not text or text in keys[k])
                and (not only_undated or k in self.full.file_dated)
            )
        narrowed = asked and timeline is not self.full
        self._show(timeline, album if album in self._albums or only_undated else None, keep=not narrowed)

    def _key(self, path: str) -> str:
        """What the filter reads of a photo: its name and folder, and a Live Photo's video's
        name (it is found by either: a hostile review found nothing by the video's name)."""
        video = self.full.live.get(path)
        return self._named(path).lower() + (f"\n{self._named(video.path).lower()}" if video else "")

    def _show(self, timeline: Timeline, album: str | None, keep: bool = True) -> None:
        top, self._jumped = self._top_path() if keep else None, None
        current = self.grid.currentIndex()
        was = (current.row(), current.data(PathRole)) if keep and current.isValid() else None
        before = self.photos.timeline.photos
        self.photos.set_timeline(timeline)
        self._fill_jump(timeline)
        n = len(timeline.photos)
        typed = self.filter.text().strip()
        holding = f" whose name or folder holds \u201c{typed}\u201d" if typed else ""
        of = " without a date taken" if album == UNDATED else f" of the album {album}" if album else ""
        if not n:
            if album or typed:
                self.subheading.setText(f"No photos{of}{holding} here.")
            else:
                self.subheading.setText(self._empty_text)
        else:
            text = f"{plural(n, 'photo')}{of}{holding} · newest first"
            copies = n - len({p.fingerprint for p in timeline.photos}) if album and album != UNDATED else 0
            if copies:  # an album holds pictures: its page counts each once (an app review: 2 there, 3 here)
                text += f" · {copies} of them {agree(copies, 'an exact copy', 'exact copies')} of another"
            if album == UNDATED:
                text += (
                    " by their file's date (when the file was last saved or copied); right-click > "
                    "Set date taken… gives them one"
                )
            elif timeline.file_dated:
                text += f" · {len(timeline.file_dated)} without a date taken, placed by their file's date"
            if self._scanning:
                text += " · the scan goes on; more appear as it finds them"
            if self._away and not album and not typed:  # (a review: 35 photos gone without a word)
                text += (
                    f" · {plural(self._away, 'photo')} in a library folder not connected now, not shown "
                    "until it is back"
                )
            self.subheading.setText(text)
        self.organize_button.setEnabled(n > 0)
        self._name_scope()
        if was is not None and n:  # the photo that was current, or the one in the place of one
            # trashed (a new-user review: after Delete, the arrow keys began again at the top)
            at = self.photos.row_of(was[1])
            # gone: the first photo after it that is still there (a block trashed: not the row's)
            after = (self.photos.row_of(p.path) for p in before[was[0] + 1 :]) if at is None else ()
            flag = QItemSelectionModel.SelectionFlag
            self.grid.selectionModel().setCurrentIndex(
                self.photos.index(next((r for r in after if r is not None), n - 1) if at is None else at),
                flag.ClearAndSelect if at is None else flag.NoUpdate,
            )
        row = self.photos.row_of(top) if top else None
        if row is not None:
            self.grid.scrollTo(self.photos.index(row), QAbstractItemView.ScrollHint.PositionAtTop)
        elif n:  # the photo at the top is not shown now: from the newest (an app review: a filter
            self.grid.scrollToTop()  # left the view scrolled to the bottom, its first row cut)
        self._show_month()

    def organize_scope(self) -> tuple[str, list[str] | None]:
        """What Organize… acts on, in words, and its photos (None: the whole library): the
        selected photos; else those shown when the view is narrowed (an album, a filter, those
        without a date); else the library (an app review: narrowed to 149 photos, Organize…
        planned for all 210, and only the window title said what it took)."""
        paths = self.grid.selected_paths()
        if paths:
            return plural(len(paths), "selected photo"), paths
        shown = self.photos.timeline.photos
        if len(shown) < len(self.full.photos):
            return f"the {plural(len(shown), 'photo')} shown", [p.path for p in shown]
        return "the library", None

    def _name_scope(self) -> None:
        """The button says what it takes: "Organize…", "Organize 3 selected…", "Organize the 12 shown…"."""
        what, paths = self.organize_scope()
        if paths is None:
            self.organize_button.setText("Organize…")
        elif self.grid.selectedIndexes():
            self.organize_button.setText(f"Organize {len(paths)} selected…")
        else:
            self.organize_button.setText(f"Organize the {len(paths)} shown…")
        self.organize_button.setToolTip(f"Sort {what} into folders: a plan is shown first")

    def _fill_jump(self, timeline: Timeline) -> None:
        """Years, and under each its months by name alone (a review at 800x600: "Dece…",
        "July 2…"); a year or month of photos without a date taken says so."""
        self.jump.clear()
        years: dict[int, QTreeWidgetItem] = {}
        by_file = timeline.years_file_dated()
        for year, count in timeline.years().items():
            item = QTreeWidgetItem([str(year), str(count)])
            _say_file_dated(item, by_file.get(year, 0), count)
            years[year] = item
            self.jump.addTopLevelItem(item)
        for m in timeline.months:
            child = QTreeWidgetItem([m.name, str(m.count)])
            child.setData(0, _ROW, m.first)
            _say_file_dated(child, m.file_dated, m.count)
            years[m.year].addChild(child)
            if years[m.year].data(0, _ROW) is None:
                years[m.year].setData(0, _ROW, m.first)

    def _jump(self, item: QTreeWidgetItem, _column: int) -> None:
        row = item.data(0, _ROW)
        if row is not None:
            index = self.photos.index(int(row))
            self.grid.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
            # The keyboard goes on from there; nothing is selected (an app review: a year
            # clicked selected its first photo, and Organize… then planned for that one alone).
            self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self._jumped = int(row)
            self._show_month()  # (also when the view could not scroll that far)

    def _scrolled(self) -> None:
        self._jumped = None
        self._show_month()

    def _top_index(self) -> QModelIndex:
        return self.grid.indexAt(QPoint(self.grid.gridSize().width() // 2, 8))

    def _top_path(self) -> str | None:
        index = self._top_index()
        return self.photos.photo(index.row()).path if index.isValid() else None

    def _show_month(self) -> None:
        """The heading names the month at the top of the view, or the one just jumped to (a
        review: months flow on in one grid, and the top-left photo, of the month before, named
        the month jumped to)."""
        index = self._top_index()
        row = self._jumped if self._jumped is not None else index.row() if index.isValid() else None
        timeline = self.photos.timeline
        month = timeline.month_of(row) if row is not None else None
        if month is None:
            self.heading.setText("All photos")
        elif month.file_dated == month.count:  # (a review: "December 2026" for 149 photos copied then)
            self.heading.setText(f"{month.label} · by file date")
        else:
            self.heading.setText(month.label)

    def selected_paths(self) -> list[str]:
        return self.grid.selected_paths()


def _say_file_dated(item: QTreeWidgetItem, file_dated: int, count: int) -> None:
    """A year or month in the jump list whose photos (some or all) have no date taken: said in
    its tool tip, and in italics when none has one."""
    if not file_dated:
        return
    some = "All" if file_dated == count else f"{file_dated} of the {count}"
    tip = (
        f"{some} {agree(file_dated, 'photo', 'photos')} here {agree(file_dated, 'has', 'have')} no date "
        "taken: placed by the file's date, which is when it was last saved or copied. 'Without a "
        "date taken' above the photos shows only those."
    )
    for column in (0, 1):
        item.setToolTip(column, tip)
    if file_dated == count:
        font = item.font(0)
        font.setItalic(True)
        item.setFont(0, font)
