"""What a person does to photos from any grid: preview, find similar, trash, move, copy,
organize, set the date taken; each asks first (saying how many and how much) and goes to the
library's engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPoint, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from photoorg.core.companions import is_sidecar, kinds_said
from photoorg.core.humanize import agree, human_bytes, plural
from photoorg.core.pairs import going_with
from photoorg.core.set_choices import cleanable, unchecked_elsewhere
from photoorg.gui.album_actions import AlbumActions
from photoorg.gui.compare import COMPARE_MAX, CompareDialog, compare_rows
from photoorg.gui.date_dialog import SetDateDialog
from photoorg.gui.dialogs import confirm_box, open_folder_dialog
from photoorg.gui.layout import menu_text
from photoorg.gui.models import PathRole, PhotoRole
from photoorg.gui.organize import OrganizeDialog
from photoorg.gui.preview import PreviewDialog
from photoorg.gui.tasks import TaskError
from photoorg.gui.views import PhotoGrid

if TYPE_CHECKING:  # pragma: no cover
    from photoorg.gui.app import MainWindow


class PhotoActions(AlbumActions, QObject):
    """The window's photo actions (kept apart from the window's frame and state)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.last_folder = ""  # the folder dialogs start where the person was last

    # -- asking --
    def ask(self, box: QMessageBox) -> bool:
        """Show a confirmation; True when the person chose the action."""
        box.exec()
        return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole

    def choose_folder(self, title: str) -> str:
        folder = open_folder_dialog(self.window, title, self.last_folder)
        if folder:
            self.last_folder = folder
        return folder

    # -- trash, move, copy --
    def confirm(
        self,
        title: str,
        question: str,
        tail: str,
        action: str,
        paths: list[str],
        then: Callable[[], None],
        whole_shot: bool = False,
        live: Collection[str] | None = None,
    ) -> None:
        """Ask ``question`` about these photos, saying what goes with them (pairs.going_with:
        sidecars; RAWs and videos for a move or copy, ``whole_shot``; of a trash, the ``live``
        videos shown with them), looked for off the GUI thread; then ``then()``."""

        def ask(companions: list[str]) -> None:
            said = f"{question} {_companions_go(len(paths), companions)}".strip()
            if self.ask(confirm_box(self.window, title, f"{said} {tail}", action, [*paths, *companions])):
                then()

        self.library.tasks.run_io(lambda: going_with(paths, whole_shot, live), ask, lambda _error: ask([]))

    def trash_set(self, duplicate_set: Any, paths: list[str]) -> None:
        sizes = {p.path: p.size for p in duplicate_set.photos}
        total = sum(sizes[p] for p in paths)
        stay = len(duplicate_set.photos) - len(paths)
        question = (
            f"Move {plural(len(paths), 'photo')} ({human_bytes(total)}) to the trash? The "
            f"{plural(stay, 'checked photo')} stay{'s' if stay == 1 else ''}."
        )
        members = [p.path for p in duplicate_set.photos]
        self.confirm(
            "Trash duplicates", question, self._undo_brings(len(paths)), "Move to trash", paths,
            lambda: self.library.file_action("trash", paths, members=members),
        )  # fmt: skip

    def trash_reviewed(self, plan: list[tuple[Any, list[str]]]) -> None:
        sets = [([p.path for p in s.photos], paths) for s, paths in plan]
        conflicts = unchecked_elsewhere(sets)
        if conflicts:  # said before the question, not after it (an app review)
            fine = cleanable(sets)
            photo = conflicts[0][1]
            shown = os.path.join(os.path.basename(os.path.dirname(photo)), os.path.basename(photo))
            text = (
                f"{shown} is checked to keep in one reviewed set and unchecked in another: cleaning "
                "both would trash every copy of it. Check it in the other set, or another photo of "
                f"the first{', or clean the other sets now.' if fine else '.'}"
            )
            if not fine:
                QMessageBox.warning(self.window, "Trash duplicates", text)
            elif self.ask(
                confirm_box(
                    self.window, "Trash duplicates", text, f"Clean the other {plural(len(fine), 'set')}…"
                )
            ):
                self.trash_reviewed([plan[k] for k in fine])
            return
        files = sum(len(paths) for _, paths in plan)
        sizes = {p.path: p.size for s, _ in plan for p in s.photos}
        total = sum(sizes[p] for _, paths in plan for p in paths)
        question = (
            f"Move {plural(files, 'unchecked photo')} from {plural(len(plan), 'reviewed set')} "
            f"({human_bytes(total)}) to the trash? Every set keeps its checked photos."
        )
        paths = [p for _, ps in plan for p in ps]
        self.confirm(
            "Trash duplicates", question, self._undo_brings(files), "Move to trash", paths,
            lambda: self.library.trash_from_sets(sets),
        )  # fmt: skip

    def trash_selected(self, grid: PhotoGrid) -> None:
        self.trash_photos(self.selected_photos(grid))

    def trash_photos(self, photos: list[Any], noun: str = "photo") -> None:
        """To the OS trash, asked first, journaled: Edit > Undo brings them back."""
        paths = [p.path for p in photos]
        if not paths:
            return
        size = human_bytes(sum(p.size for p in photos))
        question = f"Move {plural(len(paths), noun)} ({size}) to the trash?"
        self.confirm(
            f"Trash {noun}s", question, self._undo_brings(len(paths)), "Move to trash", paths,
            lambda: self.library.file_action("trash", paths),
            live={v.path for v in self.window.timeline_page.full.live.values()} if noun == "photo" else None,
        )  # fmt: skip

    @staticmethod
    def _undo_brings(count: int) -> str:
        return f"Edit > Undo brings {'it' if count == 1 else 'them'} back."

    def move_or_copy(self, action: str, photos: list[Any], noun: str = "photo") -> None:
        """Move or copy these photos into a folder the person chooses."""
        if not photos:
            return
        verb = "Move" if action == "move" else "Copy"
        folder = self.choose_folder(f"{verb} {plural(len(photos), noun)} to…")
        if not folder:
            return
        paths = [p.path for p in photos]
        size = human_bytes(sum(p.size for p in photos))
        question = f"{verb} {plural(len(photos), noun)} ({size}) to {folder}?"
        tail = "Names that are taken get a number; nothing is overwritten. Edit > Undo reverses it."
        self.confirm(
            f"{verb} {noun}s", question, tail, verb, paths,
            lambda: self.library.file_action(action, paths, folder), whole_shot=True,
        )  # fmt: skip

    def unreadable(self, paths: list[str]) -> list[Any]:
        """The Problems page's chosen files, as the trash and move questions count them."""

        def size(path: str) -> int:
            try:
                return os.stat(path).st_size
            except OSError:
                return 0  # gone: the action says so

        return [SimpleNamespace(path=p, size=size(p)) for p in paths]

    def selected_photos(self, grid: PhotoGrid) -> list[Any]:
        rows = sorted(i.row() for i in grid.selectedIndexes())
        return [grid.model().index(r, 0).data(PhotoRole) for r in rows]

    def set_date(self, photos: list[Any]) -> SetDateDialog | None:
        """Set date taken… for photos without one: asked, then written into their sidecars."""
        if not photos:
            return None
        dialog = SetDateDialog(self.window, photos, self.library.settings.protected)
        dialog.accepted.connect(
            lambda: self.library.set_date_taken(dialog.undated, dialog.when(), dialog.known_to())
        )
        dialog.open()
        return dialog

    # -- organize --
    def organize(
        self, what: str, paths: list[str] | None = None, group_ids: list[int] | None = None
    ) -> OrganizeDialog:
        """Organize… for the library (no paths, no groups), a selection or a group: the dialog
        asks how, shows the engine's plan, and on confirmation has it carried out."""
        folders = self.library.settings.folders
        start = self.last_folder or (folders[0] if folders else os.path.expanduser("~"))
        dialog = OrganizeDialog(what, start, self.window)

        def planned(plan: Any) -> None:
            dialog.set_plan(plan)

        def plan_failed(error: TaskError) -> bool:
            dialog.failed(str(error.error))
            return True

        def requested(request: Any) -> None:
            self.library.plan_organize(request, planned, paths, group_ids, on_error=plan_failed)

        dialog.plan_requested.connect(requested)
        dialog.accepted.connect(lambda: self._organize_chosen(dialog))
        dialog.open()
        return dialog

    def _organize_chosen(self, dialog: OrganizeDialog) -> None:
        if dialog.plan is None:
            return
        self.last_folder = dialog.plan.request.destination
        self.library.organize(dialog.plan, dialog.ticked_folders())
        dialog.deleteLater()

    def organize_from(self, grid: PhotoGrid) -> None:
        """Organize… from a grid: the selection when there is one, else the whole library."""
        paths = grid.selected_paths()
        if paths:
            self.organize(plural(len(paths), "selected photo"), paths=paths)
        else:
            self.organize("the library")

    # -- shaping groups --
    def _group_items(self, menu: QMenu, grid: PhotoGrid, chosen: str) -> None:
        """Move the selected photos into another group, or out of the one shown."""
        page = self.window.groups_page
        current = page.current_group()
        into = menu.addMenu(f"Put {chosen} in the group")
        listed = [page.groups.group(r) for r in range(page.groups.rowCount())]
        others = [g for g in listed if current is None or g.id != current.id]
        choices(into, others, lambda g: self.move_into_group(grid.selected_paths(), g), self.window)
        if current is not None and current.id is not None and current.id >= 0:
            menu.addAction(
                f"Not in this group ({chosen})", lambda: self.not_in_group(grid.selected_paths(), current)
            )

    def move_into_group(self, paths: list[str], group: Any) -> None:
        if paths and group.id is not None:
            n = len(paths)
            them = agree(n, "it", "them")
            what = f"Put {plural(n, 'photo')} in {group.label}; regrouping keeps {them} there."
            self.library.change_groups("move", group.id, paths, what=what)

    def not_in_group(self, paths: list[str], group: Any) -> None:
        if paths:
            n = len(paths)
            them = agree(n, "it", "them")
            what = f"Took {plural(n, 'photo')} out of {group.label}; regrouping leaves {them} out."
            self.library.change_groups("exclude", group.id, paths, what=what)

    def group_menu(self, pos: QPoint) -> None:
        """The right-click menu of a group: rename, merge into another group, organize."""
        page = self.window.groups_page
        index = page.group_list.indexAt(pos)
        if not index.isValid():
            return
        group = page.groups.group(index.row())
        if group.id is None or group.id < 0:
            return
        menu = QMenu(self.window)
        menu.addAction("Rename…", lambda: page.group_list.edit(index))
        merge = menu.addMenu(menu_text(f"Merge “{group.label}” into"))  # which (a new-user review)
        listed = [page.groups.group(r) for r in range(page.groups.rowCount())]
        others = [o for o in listed if o.id is not None and o.id >= 0 and o.id != group.id]

        def merge_into(other: Any) -> None:
            what = f"Merged {group.label} into {other.label}."
            self.library.change_groups("merge", other.id, (), group.id, what)

        choices(merge, others, merge_into, self.window)
        menu.addAction("Organize…", lambda: self.organize(f"the group {group.label}", group_ids=[group.id]))
        menu.exec(page.group_list.viewport().mapToGlobal(pos))

    # -- looking at photos --
    def preview(self, grid: PhotoGrid, index: QModelIndex) -> None:
        w = self.window
        can_trash = grid in (w.timeline_page.grid, w.groups_page.grid)  # a set trashes by its checks
        dialog = PreviewDialog(w.tasks, grid, w, w.albums_page.names(), can_trash=can_trash)
        dialog.trash_requested.connect(lambda _path: self.trash_photos([dialog.photo]))
        dialog.find_similar.connect(self.window.find_similar)
        dialog.new_album.connect(lambda path: self.new_album([path]))
        dialog.add_to_album.connect(lambda name, path: self.add_to_album(name, [path]))
        dialog.open_folder.connect(self.open_containing_folder)
        dialog.open_file.connect(self.open_url)
        dialog.show_row(index.row())
        dialog.exec()
        dialog.deleteLater()

    def compare(self, grid: PhotoGrid) -> None:
        """The selected photos side by side (or a duplicate set's first ones, none selected)."""
        model = grid.model()
        rows = compare_rows([i.row() for i in grid.selectedIndexes()], model.rowCount())
        if len(rows) < 2:
            self.window.tell("Select two or more photos to compare them side by side.")
            return
        dialog = CompareDialog(self.window.tasks, model, rows, self.window)
        dialog.exec()
        dialog.deleteLater()

    def open_containing_folder(self, path: str) -> None:
        self.open_url(os.path.dirname(path))

    def open_url(self, path: str) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self.window.tell(f"No application could open {path}.")

    def photo_menu(self, grid: PhotoGrid, pos: QPoint, actions: bool) -> None:
        """The right-click menu of a photo; ``actions``: this grid trashes, moves, organizes."""
        index = grid.indexAt(pos)
        if not index.isValid():
            return
        path = index.data(PathRole)
        menu = QMenu(self.window)
        menu.addAction("Preview (Space)", lambda: self.preview(grid, index))
        selected = len(grid.selectedIndexes())
        if selected >= 2:
            shown = min(selected, COMPARE_MAX)
            menu.addAction(f"Compare {shown} photos side by side (C)", lambda: self.compare(grid))
        menu.addAction("Find similar", lambda: self.window.find_similar(path))
        menu.addAction("Open containing folder", lambda: self.open_containing_folder(path))
        menu.addAction("Open with default app", lambda: self.open_url(path))
        menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path))
        if actions:
            chosen = plural(len(grid.selected_paths()), "photo")
            menu.addSeparator()
            for verb in ("move", "copy"):
                menu.addAction(
                    f"{verb.capitalize()} {chosen} to a folder…",
                    lambda v=verb: self.move_or_copy(v, self.selected_photos(grid)),
                )
            menu.addAction(f"Organize {chosen}…", lambda: self.organize_from(grid))
            menu.addAction(f"Set date taken of {chosen}…", lambda: self.set_date(self.selected_photos(grid)))
            if grid is self.window.groups_page.grid:
                self._group_items(menu, grid, chosen)
            self._album_items(menu, grid, chosen)
            menu.addAction(f"Move {chosen} to the trash… (Delete)", lambda: self.trash_selected(grid))
        menu.exec(grid.viewport().mapToGlobal(pos))


def _companions_go(photos: int, companions: list[str]) -> str:
    """ "Its sidecar (edits, keywords) goes with it.", "Its RAW file and sidecar (edits,
    keywords) go with it.", "2 Live Photo videos and 3 sidecars (…) go with them.", or nothing."""
    if not companions:
        return ""
    said = kinds_said(companions, each_one=photos == 1)
    if any(is_sidecar(c) for c in companions):
        said += " (edits, keywords)"
    verb = agree(len(companions), "goes", "go")
    return f"Its {said} {verb} with it." if photos == 1 else f"{said[0].upper()}{said[1:]} {verb} with them."


#: Groups a submenu lists before "Another group…" (a review: hundreds of groups in one menu).
LISTED = 15


def choices(menu: QMenu, groups: list[Any], chosen: Callable[[Any], None], parent: QWidget) -> None:
    """A submenu of groups to choose from: the first :data:`LISTED` (the largest), and past
    them "Another group…", a list to choose any of them from (typing its name finds it)."""
    # With its size: "Group 2", "Group 3" and "Group 8" could not be told apart (a new-user review).
    entries = [f"{g.label} · {plural(len(g.photos), 'photo')}" for g in groups]
    for g, entry in zip(groups[:LISTED], entries, strict=False):
        menu.addAction(menu_text(entry), lambda g=g: chosen(g))
    if len(groups) > LISTED:
        menu.addSeparator()

        def another() -> None:
            labels = entries
            title = menu.title().replace("&&", "&")
            label, ok = QInputDialog.getItem(parent, title, "Group (type to find it):", labels, 0, False)
            if ok and label in labels:
                chosen(groups[labels.index(label)])

        menu.addAction(f"Another group… ({len(groups) - LISTED} more)", another)
