"""The library's folders (a mixin of :class:`photoorg.core.library.Library`): adding,
removing and protecting them in the saved settings, and which of them are there now (a
folder not found, or left empty by a drive that is not connected, is missing)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from photoorg.core.destinations import unsafe_place
from photoorg.core.errors import NotInLibrary
from photoorg.core.given import Given, sort_given
from photoorg.core.library_part import LibraryPart
from photoorg.core.settings import Settings


class Folders(LibraryPart):
    """The library's folders and protected folders."""

    notes: list[str]

    def add_folders(self, folders: Sequence[str], protect: bool = False) -> list[str]:
        """Make folders part of the library; returns those that were not yet (already covered
        ones, or folders inside a library folder, are not added again)."""
        added: list[str] = []
        for folder in folders:  # (a new-user review: a trash's files folder was taken in, and
            # a photo's copy in it kept as the duplicates' keeper, the library's own trashed)
            why = unsafe_place(folder, self.where)
            if why is not None:
                raise NotInLibrary(f"{os.path.abspath(folder)} is {why}: it cannot be a library folder.")

        def change(s: Settings) -> None:
            for folder in folders:
                path = os.path.abspath(folder)
                if s.add_folder(path):
                    added.append(path)
                if protect:
                    s.set_protected(path, True)

        self.change_settings(change)
        return added

    def add_given(self, paths: Sequence[str]) -> Given:
        """Take the paths a person gave to look at (given.py): the folders among them become
        library folders; ``roots`` of the answer is what to scan."""
        given = sort_given(paths, self.saved_settings.folders)
        if given.folders:
            given.added = self.add_folders(given.folders)
        return given

    def remove_folder(self, folder: str) -> list[str]:
        """Take a library folder out; returns the folders it had taken in, in the library again."""
        back: list[str] = []
        self.change_settings(lambda s: back.extend(s.remove_folder(folder)))
        return back

    def set_protected(self, folder: str, protected: bool) -> None:
        self.change_settings(lambda s: s.set_protected(folder, protected))

    def library_roots(self) -> tuple[list[str], list[str]]:
        """(library folders that are there, library folders that are not)."""
        folders = self.saved_settings.folders
        files = [f for f in folders if os.path.exists(f) and not os.path.isdir(f)]
        if files:  # kept by a photoorg before 2026-12 that took files given to scan as folders
            self.change_settings(lambda s: setattr(s, "folders", [f for f in s.folders if f not in files]))
            self.notes += [
                f"{f} is a file, not a folder: it is no longer listed as a library folder" for f in files
            ]
            folders = self.saved_settings.folders
        missing = [f for f in folders if not os.path.isdir(f) or self._emptied(f)]
        return [f for f in folders if f not in missing], missing

    def _emptied(self, folder: str) -> bool:
        """A library folder that is there but empty while the catalog holds photos in it: the
        mount point of a drive that is not connected. A scan of it forgot every photo (their
        albums and group names came back with the drive, but not the timeline until then)."""
        try:
            with os.scandir(folder) as entries:
                if next(entries, None) is not None:
                    return False
        except OSError:
            return False
        return self.catalog.has_files_under(folder)
