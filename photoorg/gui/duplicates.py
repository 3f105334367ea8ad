"""The Duplicates page: exact copies, the same image re-saved, similar shots; each set side by
side with its checks, and what a review takes to the trash."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QListView, QPushButton, QTabBar, QVBoxLayout, QWidget

from photoorg.core.duplicates import ALL_START_KEPT
from photoorg.core.humanize import how_alike, human_bytes
from photoorg.gui.layout import FlowRow, beside, hint, title
from photoorg.gui.set_models import SET_ICON, VERDICT_NAMES, DuplicateSetListModel, SetMembersModel
from photoorg.gui.thumbnails import Thumbnails
from photoorg.gui.views import PhotoGrid

#: How long a set the person chose stays shown before it counts as looked at.
LOOKED_AT_MS = 700


class DuplicatesPage(QWidget):
    """Tabs per verdict; a set list; the chosen set side by side with keep checkboxes."""

    trash_requested = Signal(object, list)  # DuplicateSet, paths to trash
    bulk_requested = Signal(list)  # [(DuplicateSet, paths)] for every reviewed set
    freed_changed = Signal()  # the checks changed what trashing the unchecked photos frees
    thresholds_requested = Signal()  # judge the thresholds (a histogram and example pairs)
    mark_requested = Signal(object, str)  # DuplicateSet, decision

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self._keep: dict[str, dict[str, bool]] = {}  # the person's checkboxes: set id -> path -> keep
        self._filling = False
        self._empty_text = "Nothing to review here."
        # A set counts as reviewed once the person chose it and it stayed shown a moment (not
        # when passed over with the arrow keys), or when they changed a check in it.
        self._looking = QTimer(self)
        self._looking.setSingleShot(True)
        self._looking.setInterval(LOOKED_AT_MS)
        self._looking.timeout.connect(self._looked_at)
        self.tabs = QTabBar()
        for verdict in VERDICT_NAMES:
            self.tabs.addTab(VERDICT_NAMES[verdict])
            self.tabs.setTabData(self.tabs.count() - 1, verdict)
        self.tabs.currentChanged.connect(lambda _i: self._fill())
        self.sets = DuplicateSetListModel(thumbnails, self)
        self.set_list = QListView()
        self.set_list.setModel(self.sets)
        self.set_list.setIconSize(SET_ICON)
        self.set_list.setUniformItemSizes(True)
        self.set_list.setMinimumWidth(240)
        self.set_list.selectionModel().currentChanged.connect(self._show_set)
        self.set_list.clicked.connect(lambda _i: self._looking.start())  # the set shown, chosen
        self.members = SetMembersModel(thumbnails, self)
        self.members.dataChanged.connect(self._members_changed)
        self.grid = PhotoGrid(200, 2)
        self.grid.fit_columns(2)  # a pair side by side, also in a small window
        self.grid.setModel(self.members)
        self.grid.delete_requested.connect(self._uncheck_selected)
        # Keys while reviewing: K keeps the selected photos, Delete (or T) sends them to the
        # trash when the set is cleaned, N and P go to the next and the previous set.
        for key, slot in (("K", lambda: self._check_selected(True)), ("T", self._uncheck_selected),
                          ("N", lambda: self._step_set(1)), ("P", lambda: self._step_set(-1))):  # fmt: skip
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.heading = title("Duplicates")
        self.heading.setMinimumWidth(1)
        self.heading.setWordWrap(True)  # a narrow window: two lines, not a cut title
        self.reason = hint("")
        self.trash_button = QPushButton("Trash unchecked")
        self.compare_button = QPushButton("Compare (C)")
        self.compare_button.setToolTip(
            "The set's photos side by side at the same zoom (or the selected ones): judge them at 1:1"
        )
        self.compare_button.clicked.connect(self.grid.compare_requested)
        self.not_dup_button = QPushButton("Not duplicates")
        self.keep_both_button = QPushButton("Keep both")
        self.keep_both_button.setToolTip("They are duplicates, but keep every one of them")
        self.bulk_button = QPushButton("Trash unchecked in all reviewed sets…")
        self.bulk_button.setToolTip(
            "Every set marked ✓ reviewed, on every tab: one you chose and stayed on a moment, or "
            "changed a check in. Each keeps what is checked in it; the question names every photo first."
        )
        self.trash_button.clicked.connect(self._trash)
        self.not_dup_button.clicked.connect(lambda: self._mark("not_duplicates"))
        self.keep_both_button.clicked.connect(lambda: self._mark("keep_both"))
        self.bulk_button.clicked.connect(self._bulk)
        self.thresholds_button = QPushButton("Thresholds…")
        self.thresholds_button.setToolTip(
            "How alike the photos of this library are, where the two thresholds fall, and pairs at "
            "any similarity: judge them on your own photos"
        )
        self.thresholds_button.clicked.connect(self.thresholds_requested)
        actions = FlowRow()
        for w in (self.trash_button, self.compare_button, self.not_dup_button, self.keep_both_button,
                  self.bulk_button, self.thresholds_button):  # fmt: skip
            actions.addWidget(w)
        split = beside(self.set_list, [self.heading, self.reason, self.grid, actions], self.grid, [300, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(split, 1)
        self._update_buttons()

    def set_sets(self, sets: list[Any], empty_text: str = "") -> None:
        """New sets; the set shown before stays shown, or the one after it if it is gone.
        ``empty_text``: what a tab without sets says (default: nothing to review)."""
        self._empty_text = empty_text or "Nothing to review here."
        shown = self.members.duplicate_set
        row = self.set_list.currentIndex().row()
        self._all = list(sets)
        ids = {s.id for s in sets}
        self._keep = {k: v for k, v in self._keep.items() if k in ids}
        self.sets.reviewed &= ids
        self.sets.freed = {k: v for k, v in self.sets.freed.items() if k in ids}
        counts = [sum(1 for s in sets if s.verdict.value == v) for v in VERDICT_NAMES]
        for k, verdict in enumerate(VERDICT_NAMES):
            self.tabs.setTabText(k, f"{VERDICT_NAMES[verdict]} ({counts[k]})")
        if not counts[self.tabs.currentIndex()] and any(counts):
            self.tabs.setCurrentIndex(next(k for k, n in enumerate(counts) if n))  # fills
        else:
            self._fill(shown.id if shown is not None else None, max(row, 0))

    def _fill(self, keep_id: str | None = None, row: int = 0) -> None:
        verdict = self.tabs.tabData(self.tabs.currentIndex())
        shown = [s for s in self._all if s.verdict.value == verdict]
        self._filling = True  # choosing a set for the person does not count as reviewing it
        try:
            self.sets.set_sets(shown)
            if shown:
                found = self.sets.row_of(keep_id) if keep_id else None
                self.set_list.setCurrentIndex(
                    self.sets.index(found if found is not None else min(row, len(shown) - 1))
                )
            else:
                self.members.set_duplicate_set(None)
                self.heading.setText(f"No {VERDICT_NAMES[verdict].lower()}")
                self.reason.setText(self._empty_text)
        finally:
            self._filling = False
        self._update_buttons()

    def _show_set(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        s = self.sets.duplicate_set(index.row())
        if self._filling:
            self._looking.stop()  # shown by the program: not looked at
        else:
            self._looking.start()
        self.members.set_duplicate_set(s, self._keep.get(s.id))
        kind = VERDICT_NAMES[s.verdict.value]
        similarity = "" if s.verdict.value == "exact" else f", {how_alike(len(s.photos), s.weakest)}"
        self.heading.setText(f"{kind}: {len(s.photos)} photos{similarity}")
        protected = set(s.protected)
        keep = "Keep both" if len(s.photos) == 2 else "Keep all"  # the button's own words
        if protected >= {p.path for p in s.photos}:  # nothing here can go: say so, not how to trash
            self.reason.setText(
                "Every photo of this set is in a protected folder: they all stay. "
                f"Not duplicates or {keep} takes the set off this list."
            )
        elif s.verdict.value == "similar":  # different photos: all kept unless the person chooses
            self.reason.setText(
                "Different photos, all kept unless you uncheck some. Best of them: "
                f"{os.path.basename(s.keeper.path)}, because {s.reason.removesuffix(ALL_START_KEPT)}. "
                "Keys: T or Delete unchecks the selected photos, K keeps them, N and P go to the next "
                "and the previous set."
            )
        else:
            self.reason.setText(
                f"Suggested keeper: {os.path.basename(s.keeper.path)}, because {s.reason}. "
                "Checked photos are kept; unchecked ones go to the trash. Keys: K keeps the selected "
                "photos, T or Delete unchecks them, N and P go to the next and the previous set."
            )
        self.keep_both_button.setText(keep)
        self._update_buttons()

    def _looked_at(self) -> None:
        row = self.set_list.currentIndex().row()
        if row >= 0 and self.members.duplicate_set is self.sets.duplicate_set(row):
            self.sets.mark_reviewed(row)
            self._update_buttons()

    def _members_changed(self, _first: Any = None, _last: Any = None, roles: Any = ()) -> None:
        if roles and Qt.ItemDataRole.CheckStateRole not in roles:
            return  # a thumbnail arrived: not the person's doing
        s = self.members.duplicate_set
        if s is not None:
            self._keep[s.id] = self.members.keep_flags()
            row = self.sets.row_of(s.id)
            if row is not None:  # changing a checkbox is reviewing the set
                self.sets.mark_reviewed(row)
            unchecked = set(self.members.unchecked())
            freed = (
                sum(p.size for p in s.photos if p.path in unchecked) if len(unchecked) < len(s.photos) else 0
            )
            self.sets.set_freed(s.id, freed)  # nothing, while every photo is unchecked: never done
            self.freed_changed.emit()
        self._update_buttons()

    def to_free(self) -> int:
        """Bytes that trashing the unchecked photos of every set would free, with the checks
        as they are now (the ones the person changed, the starting ones elsewhere)."""
        total = 0
        for s in self._all:
            keep = s.starts_kept()
            keep.update(self._keep.get(s.id, {}))
            if any(keep.values()):  # a set with every photo unchecked is never trashed
                total += sum(p.size for p in s.photos if not keep[p.path])
        return total

    def _update_buttons(self) -> None:
        s = self.members.duplicate_set
        unchecked = self.members.unchecked() if s is not None else []
        freed = sum(p.size for p in (s.photos if s else []) if p.path in set(unchecked))
        every = s is not None and len(unchecked) == len(s.photos)
        self.trash_button.setText(
            "Check a photo to keep"  # (an app review: greyed out without a word)
            if every
            else f"Trash {len(unchecked)} unchecked ({human_bytes(freed)})"
            if unchecked
            else "Trash unchecked"
        )
        self.trash_button.setToolTip(
            "Every photo of the set is unchecked: check the one to keep; a set never loses every copy"
            if every
            else "Move the unchecked photos to the trash (Edit > Undo puts them back)"
        )
        self.trash_button.setEnabled(bool(unchecked) and not every)
        exact = s is not None and s.verdict.value == "exact"  # the same bytes: duplicates
        self.not_dup_button.setEnabled(s is not None and not exact)
        self.not_dup_button.setToolTip(
            f"Exact copies are the same bytes: they are duplicates ({self.keep_both_button.text()} "
            "keeps every copy)"
            if exact
            else "These photos are different photos: the set goes from the list"
        )
        self.compare_button.setEnabled(s is not None)
        self.keep_both_button.setEnabled(s is not None)
        self.bulk_button.setEnabled(bool(self._reviewed_plan()))

    def _uncheck_selected(self) -> None:
        self._check_selected(False)

    def _check_selected(self, keep: bool) -> None:
        rows = {ix.row() for ix in self.grid.selectedIndexes()}
        if not rows and self.grid.currentIndex().isValid():
            rows = {self.grid.currentIndex().row()}
        for row in sorted(rows):
            self.members.set_keep(row, keep)

    def _step_set(self, step: int) -> None:
        """The next (previous) set of this tab, chosen as a click would choose it."""
        row = self.set_list.currentIndex().row() + step
        if 0 <= row < self.sets.rowCount():
            self.set_list.setCurrentIndex(self.sets.index(row))

    def _trash(self) -> None:
        s = self.members.duplicate_set
        if s is not None and self.members.unchecked():
            self.trash_requested.emit(s, self.members.unchecked())

    def _mark(self, decision: str) -> None:
        s = self.members.duplicate_set
        if s is not None:
            self.mark_requested.emit(s, decision)

    def _reviewed_plan(self) -> list[tuple[Any, list[str]]]:
        """(set, photos to trash) for every reviewed set on every tab that keeps at least one."""
        plan = []
        for s in self._all:
            if s.id not in self.sets.reviewed:
                continue
            keep = s.starts_kept()
            keep.update(self._keep.get(s.id, {}))
            paths = [p.path for p in s.photos if not keep[p.path]]
            if paths and len(paths) < len(s.photos):
                plan.append((s, paths))
        return plan

    def _bulk(self) -> None:
        plan = self._reviewed_plan()
        if plan:
            self.bulk_requested.emit(plan)
