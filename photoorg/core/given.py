"""What a person gives photoorg to look at (a command line's paths): folders become library
folders; a photo already in the library is looked at again on its own; anything else is left
out, with the reason. The library is made of folders: a file never becomes one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from photoorg.core.paths import is_under
from photoorg.core.scanner import is_library_file


@dataclass
class Given:
    folders: list[str] = field(default_factory=list)  # folders given (absolute)
    photos: list[str] = field(default_factory=list)  # photo files inside the library's folders
    left: list[tuple[str, str]] = field(default_factory=list)  # (path, why it is left out)
    added: list[str] = field(default_factory=list)  # folders that were not in the library yet

    @property
    def roots(self) -> list[str]:
        """What to scan."""
        return [*self.folders, *self.photos]


def sort_given(paths: Sequence[str], library_folders: Sequence[str]) -> Given:
    """Sort the paths a person gave into folders, photos of the library and the rest. A
    photo given beside the folders it is in counts once (as one of theirs)."""
    given = Given()
    files: list[str] = []
    for path in map(os.path.abspath, paths):
        if os.path.isdir(path):
            if path not in given.folders:
                given.folders.append(path)
        elif not os.path.exists(path):
            given.left.append((path, "not there"))
        else:
            files.append(path)
    folders = [*library_folders, *given.folders]
    for path in files:
        if not (os.path.isfile(path) and is_library_file(path)):
            given.left.append((path, "not a folder or a photo file"))
        elif not is_under(path, folders):
            folder = os.path.dirname(path)
            given.left.append(
                (path, f"a photo outside the library, which is made of folders: add its folder ({folder})")
            )
        elif not is_under(path, given.folders) and path not in given.photos:
            given.photos.append(path)
    return given
