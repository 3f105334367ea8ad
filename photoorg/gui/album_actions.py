"""What a person does with albums from the window: make one from photos, add to it, answer its
suggestions, rename or delete it, write its name into sidecars (asked first). A part of
:class:`~photoorg.gui.photo_actions.PhotoActions`, which provides ``window``, ``library`` and
``ask``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from photoorg.core.humanize import plural
from photoorg.core.library import emptied_phrase, keywords_phrase
from photoorg.gui.dialogs import confirm_box
from photoorg.gui.layout import menu_text
from photoorg.gui.views import PhotoGrid

if TYPE_CHECKING:  # pragma: no cover
    from photoorg.gui.app import MainWindow


class AlbumActions:
    """PhotoActions' album methods (a mixin: the attributes used are PhotoActions')."""

    window: MainWindow
    library: Any
    ask: Any  # (box: QMessageBox) -> bool: whether the person chose the action

    def _album_items(self, menu: QMenu, grid: PhotoGrid, chosen: str) -> None:
        menu.addAction(f"New album from {chosen}…", lambda: self.new_album(grid.selected_paths()))
        names = self.window.albums_page.names()
        if names:
            into = menu.addMenu(f"Add {chosen} to the album")
            for name in names:
                into.addAction(menu_text(name), lambda n=name: self.add_to_album(n, grid.selected_paths()))

    def new_album(self, paths: list[str]) -> None:
        """An album taught by these photos: asks for its name, then shows its suggestions."""
        if not paths:
            return
        name, ok = QInputDialog.getText(
            self.window,
            "New album",
            f"What {'does the photo' if len(paths) == 1 else f'do the {len(paths)} photos'} show? The "
            "album's name (the dog, receipts, sunsets…):\nphotoorg then suggests the other photos "
            "that belong to it.",
        )
        name = name.strip()
        if not ok or not name:
            return
        there = next((n for n in self.window.albums_page.names() if n.casefold() == name.casefold()), None)
        if there is not None:  # named as it is called (a new-user review: "an album fish" of Fish)
            self.window.tell(f"There is an album {there} already: add the photos to it instead.")
            return
        page = self.window.albums_page
        what = f"Made the album {name} from {plural(len(paths), 'photo')}."
        self.library.teach_album(name, paths, "example", page.show_view, create=True, what=what)
        self.window.show_albums()

    def album_menu(self, pos: QPoint) -> None:
        """The right-click menu of an album: rename, delete (both undoable)."""
        page = self.window.albums_page
        item = page.album_list.itemAt(pos)
        if item is None:
            return
        self.album_menu_for(item.data(Qt.ItemDataRole.UserRole)).exec(
            page.album_list.viewport().mapToGlobal(pos)
        )

    def album_menu_for(self, name: str) -> QMenu:
        menu = QMenu(self.window)
        menu.addAction("Rename…", lambda: self.rename_album(name))
        menu.addAction("Delete album", lambda: self.delete_album(name))
        # A deleted album's keywords stay where photoorg wrote them (a review): taken out here.
        menu.addAction("Take its keyword out of sidecars…", lambda: self.album_keywords(name, take_out=True))
        return menu

    def delete_album(self, name: str) -> None:
        """Delete an album (undoable). Where photoorg wrote its keyword into sidecars, asks
        first whether to take it out too, as 'photoorg album delete --keywords' does (a review:
        deleting it in the app left the keyword in every sidecar without a word)."""

        def planned(steps: list[Any]) -> None:
            todo = [s for s in steps if s.skip is None]
            if not todo:
                self.library.name_album(name, None)
                return
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Delete album")
            emptied = emptied_phrase(todo, future=True)
            box.setText(
                f"Delete the album \u201c{name}\u201d? Its photos are not touched.\n\nphotoorg wrote its "
                f"name as a keyword into {plural(len(todo), 'XMP sidecar')}. Take it out of them too "
                f"({emptied + '; ' if emptied else ''}Edit > Undo takes back "
                "each step), or leave it there for other photo tools?"
            )
            take = box.addButton("Delete and take the keyword out", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Delete, keep the keyword", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(take)
            box.exec()
            if box.clickedButton() is take:
                self.library.write_album_keywords(
                    name, True, lambda said: self.library.name_album(name, None, before=said)
                )
            elif box.clickedButton() is keep:
                self.library.name_album(name, None)

        self.library.plan_album_keywords(name, planned, take_out=True)

    def rename_album(self, name: str) -> None:
        """Asks for the album's new name (the old one to edit), then renames it."""
        new, ok = QInputDialog.getText(self.window, "Rename album", f"A new name for {name}:", text=name)
        new = new.strip()
        if ok and new and new != name:
            self.library.name_album(name, new)

    def add_to_album(self, name: str, paths: list[str]) -> None:
        if paths:
            what = f"Added {plural(len(paths), 'photo')} to {name} as examples."
            self.library.teach_album(name, paths, "example", self.window.albums_page.show_view, what=what)

    def album_answered(self, name: str, paths: list[str], role: str) -> None:
        """Accepted, rejected or taken out on the Albums page: the engine learns it."""
        verb = {"member": "Accepted", "rejected": "Rejected", "removed": "Took out"}[role]
        what = f"{verb} {plural(len(paths), 'photo')} ({name})."
        page = self.window.albums_page
        self.library.teach_album(name, paths, role, page.learnt, what=what, on_failed=page.answer_failed)

    def album_keywords(self, name: str, take_out: bool = False) -> None:
        """Write the album's name into its photos' XMP sidecars (``take_out``: take every name
        of it photoorg wrote out of them): the plan, asked, then done."""

        def planned(steps: list[Any]) -> None:
            todo = [s for s in steps if s.skip is None]
            if not todo:
                if take_out:
                    self.window.tell(f"No sidecar has a keyword photoorg wrote for {name}.")
                    return
                reasons = sorted({s.skip or "" for s in steps}) or ["the album has no photos"]
                self.window.tell(f"No sidecar needs the keyword {name}: {'; '.join(reasons)}.")
                return
            made = sum(1 for s in todo if not os.path.exists(s.source))
            names = "\n".join(os.path.basename(s.source) for s in todo[:12])
            more = f"\n… and {len(todo) - 12} more" if len(todo) > 12 else ""
            more += "\n(Show Details lists each with its folder)"
            skipped = len(steps) - len(todo)
            phrase = keywords_phrase(name, todo, noun="XMP sidecar", everywhere=take_out)
            counts = "" if take_out else f" ({made} new, {len(todo) - made} changed)"
            text = (
                f"{phrase[0].upper()}{phrase[1:]}{counts}?\n\n{names}{more}\n\n"
                + (
                    ""
                    if take_out
                    else "Other photo tools (digiKam, darktable, Lightroom) read it as a keyword. "
                )
                + "The photos are not changed; a sidecar keeps everything else, and its earlier version "
                "is kept until Edit > Undo puts it back."
                + (  # said before it happens (a review: they went to the trash unannounced)
                    f" {emptied[0].upper()}{emptied[1:]}." if (emptied := emptied_phrase(todo, True)) else ""
                )
                + (
                    f"\n\n{plural(skipped, 'photo')} left alone (protected, or has it already)."
                    if skipped
                    else ""
                )
            )
            button = "Take keywords out" if take_out else "Write keywords"
            box = confirm_box(self.window, "Keywords in sidecars", text, button)
            box.setDetailedText("\n".join(s.source for s in todo))  # (a review: names without folders)
            if self.ask(box):
                self.library.write_album_keywords(name, take_out)

        self.library.plan_album_keywords(name, planned, take_out)
