"""What the window shows of the library's state: the pages, the counts in the navigation, the
status line. A finished scan's state replaces everything; a running scan's snapshots fill in
only what nothing better has shown yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from photoorg.core.humanize import agree, format_duration, human_bytes, plural
from photoorg.core.library import LibraryState

if TYPE_CHECKING:  # pragma: no cover
    from photoorg.gui.app import MainWindow

#: What every page says while the library has no folder.
ADD_A_FOLDER = "Add a folder of photos to begin (File > Add folder, or drop one on the window)."
#: The window's pages, in the order of its navigation list.
PAGES = ("All photos", "Library", "Groups", "Albums", "Duplicates", "Problems")
PAGE_TIMELINE, PAGE_LIBRARY, PAGE_GROUPS, PAGE_ALBUMS, PAGE_DUPLICATES, PAGE_PROBLEMS = range(len(PAGES))


class StatePresenter(QObject):
    """Applies LibraryStates to the window's pages."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        # What running scans showed so far (Library.snapshot), until a finished one replaces it.
        self._partial_groups: list[Any] = []
        self._partial_sets: list[Any] = []
        self._partial_similar = False
        self._excluded_said = ""  # the note of photos a Skip pattern took out, while shown

    def apply_state(self, state: LibraryState) -> None:
        self.window.thumbnails.live = frozenset(state.timeline.live)  # before the grids fill
        self._partial_groups, self._partial_sets, self._partial_similar = [], [], False
        self.window._show_folders()
        if not self.library.settings.folders:
            empty = ADD_A_FOLDER
        elif state.model_error:
            empty = (
                "Groups need the DINOv2 model, which is not on this computer yet: File > Get the "
                "DINOv2 model… downloads it or takes a model folder. Exact copies are found without it."
            )
        elif not state.photo_count:
            empty = "No photos found in the library's folders."
        else:
            empty = "No groups."
        self.window.groups_page.set_groups(state.groups, empty)
        self.window.timeline_page.set_timeline(state.timeline, self._empty_timeline(), away=state.photos_away)
        # Without the model only exact copies are looked for: an empty tab says so (an app review:
        # "Same image (0)" with "Nothing to review here.", as if none had been found).
        no_model = (
            "Nothing here: same images and similar shots need the DINOv2 model, which is not on "
            "this computer yet (File > Get the DINOv2 model…). Exact copies are found without it."
        )
        self.window.duplicates_page.set_sets(state.sets, no_model if state.model_error else "")
        self.window.problems_page.set_failures(state.failures)
        self.window.albums_page.set_albums(state.albums)
        self.window.timeline_page.set_albums(state.albums)
        real_groups = sum(1 for g in state.groups if g.id >= 0)
        self._counts(state, real_groups)
        self.window.model_action.setVisible(state.model_error is not None)
        self.show_status(state)
        if self.library.notes:
            self.window.tell("Note: " + "; ".join(self.library.notes))
            self.library.notes.clear()
        elif state.summary is not None and state.summary.excluded:  # (a review: 27 photos went unsaid)
            n = state.summary.excluded
            self._excluded_said = (
                f"{plural(n, 'photo')} left the library: {agree(n, 'it matches', 'they match')} a pattern of "
                "Skip files matching (File > Settings). The files are untouched."
            )
            self.window.tell(self._excluded_said)
        elif state.summary is not None and self._excluded_said:  # no longer true (an app review:
            self.window.untell(self._excluded_said)  # still said with every photo back)
            self._excluded_said = ""
        if state.reembed_offer:
            self.window.offer_bar.offer(state.reembed_offer.text + ".")  # the button does the command

    def show_status(self, state: LibraryState | None = None) -> None:
        """The library in one line: photos, groups, duplicate sets and what their checks free."""
        state = state or self.library.state
        real_groups = sum(1 for g in state.groups if g.id >= 0)
        to_free = self.window.duplicates_page.to_free()
        free = human_bytes(to_free)
        counts = f"{plural(state.photo_count, 'photo')} · {plural(real_groups, 'group')} · "
        # Nothing to free said as nothing (it read "0 duplicate sets (0 B to free as checked)").
        freed, freed_short = (f" ({free} to free as checked)", f" ({free} to free)") if to_free else ("", "")
        similar = sum(1 for s in state.sets if s.verdict.value == "similar")
        dups = plural(len(state.sets) - similar, "duplicate set")
        dups += f" + {similar} similar" if similar else ""
        text = f"{counts}{dups}{freed} · {len(state.failures)} unreadable"
        # In fewer words for a narrow window (an app review at 800x600: "(14.6 KB t…ee as checked)").
        short = f"{counts}{plural(len(state.sets) - similar, 'set')}{freed_short}"
        short += f" · {len(state.failures)} unreadable" if state.failures else ""
        s = state.summary
        embedded = f"{s.embedded} embedded in {format_duration(s.work_elapsed)}" if s and s.embedded else ""
        if embedded:  # (an app review read "0 embedded in 0:00")
            text += f" · {embedded}"
        notes = ""  # what is missing from the library's picture, said on both lines
        if state.model_error:
            notes += " · exact duplicates only: no model on this computer (File > Get the DINOv2 model…)"
            short += " · exact duplicates only (no model)"
        elif state.not_looked_at:  # a cancelled scan: say the groups and sets are not complete
            notes += (
                f" · {state.not_looked_at} not looked at by the model yet, so groups and sets are "
                "incomplete (File > Scan now goes on)"
            )
            short += f" · {state.not_looked_at} not looked at yet"
        if state.missing:
            notes += f" · {plural(len(state.missing), 'folder')} not found"
            short += f" · {plural(len(state.missing), 'folder')} not found"
        # The Library page says what the library is, not the status bar's line again (an app
        # review saw the same line twice, one above the other).
        settings = self.library.settings
        # (a review: "6 folders (1 protected)" read as one of the 6, when it was a folder inside)
        protected = f" · {plural(len(settings.protected), 'protected folder')}" if settings.protected else ""
        preferred = f" · {plural(len(settings.preferred), 'preferred folder')}" if settings.preferred else ""
        page = (
            f"{plural(len(settings.folders), 'folder')}{protected}{preferred} · "
            f"{plural(state.photo_count, 'photo')}"
        )
        page += f" · {len(state.failures)} unreadable (Problems lists them)" if state.failures else ""
        page += f" · the last scan: {embedded}" if embedded else ""
        self.window.library_page.summary.setText(page + notes)
        text += notes
        self.window.status.setText(text, short)

    def apply_partial(self, state: LibraryState) -> None:
        """What a running scan has so far: the timeline, counts and problems; at a start, the
        groups of the last grouping; during a first scan, groups and sets from the photos
        embedded so far. Never in place of what a finished scan showed, nor sets of every
        kind by exact copies only."""
        self.window.thumbnails.live = frozenset(state.timeline.live)
        self.window.timeline_page.set_timeline(
            state.timeline, self._empty_timeline(), scanning=True, away=state.photos_away
        )
        s = self.library.settings
        self.window.library_page.set_folders(
            s.folders, s.protected, state.per_folder, state.missing, s.preferred
        )
        self.window.problems_page.set_failures(state.failures)
        final = self.library.state
        if state.groups and not final.groups:
            self._partial_groups = state.groups
            self.window.groups_page.set_groups(state.groups)
        elif not final.groups and not self._partial_groups:  # say what is coming, not "add a folder"
            self.window.groups_page.set_groups(
                [],
                f"The scan is looking at the photos ({state.photo_count} found so far); the groups "
                "appear as it goes.",
            )
        if not final.sets and (state.similar_sets or not self._partial_similar):
            self._partial_similar = state.similar_sets
            self._partial_sets = state.sets
            self.window.duplicates_page.set_sets(
                state.sets, "The scan is still looking: sets appear as the photos are looked at."
            )
        groups = final.groups or self._partial_groups
        sets = final.sets or self._partial_sets
        # Each count the scan is still making says so (a review: "Groups (0 so far)" beside a
        # plain "Duplicates (0)").
        self._counts(state, sum(1 for g in groups if g.id >= 0), sets, not final.groups, not final.sets, True)

    def _counts(
        self,
        state: LibraryState,
        groups: int,
        sets: list[Any] | None = None,
        groups_so_far: bool = False,
        sets_so_far: bool = False,
        scanning: bool = False,
    ) -> None:
        nav = self.window.nav
        nav.item(PAGE_ALBUMS).setText(f"Albums ({self.window.albums_page.album_list.count()})")
        shown = state.sets if sets is None else sets
        # The copies and re-saves; similar shots are different photos, counted apart (a review:
        # "Duplicates (38)" where 32 were similar shots, all of them kept).
        n_similar = sum(1 for s in shown if s.verdict.value == "similar")
        n_sets = len(shown) - n_similar
        # A count still being made ends in "…", "so far" in its tool tip (an app review: "Duplicates
        # (0 so far)" was wider than the list, which scrolled sideways); the photos and problems
        # too while a scan runs (a review: "All photos (0)" at the start of a first scan).
        for page, name, n, so_far in (
            (PAGE_TIMELINE, "All photos", state.photo_count, scanning),
            (PAGE_GROUPS, "Groups", groups, groups_so_far),
            (PAGE_DUPLICATES, "Duplicates", n_sets, sets_so_far),
            (PAGE_PROBLEMS, "Problems", len(state.failures), scanning),
        ):
            nav.item(page).setText(f"{name} ({n}{'…' if so_far else ''})")
            nav.item(page).setToolTip(f"{n} so far: the scan is still finding them" if so_far else "")
        if n_similar and not sets_so_far:
            nav.item(PAGE_DUPLICATES).setToolTip(
                f"{plural(n_sets, 'set')} of copies and re-saves; {plural(n_similar, 'set')} of similar "
                "shots (different photos, all kept unless you choose)"
            )

    def _empty_timeline(self) -> str:
        if not self.library.settings.folders:
            return ADD_A_FOLDER
        return "No photos yet: they appear here as the scan finds them."
