"""The paths a person gives to look at: only folders become library folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoorg.core.errors import NotInLibrary
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, update_settings
from tests.conftest import make_photo


@pytest.fixture
def spread(tmp_path: Path) -> Path:
    """A shell glob's worth: folders, a loose photo and a text file side by side."""
    root = tmp_path / "Pictures"
    make_photo(root / "2023" / "a.jpg", seed=1)
    make_photo(root / "2024" / "b.jpg", seed=2)
    make_photo(root / "loose.jpg", seed=3)
    (root / "MANIFEST.tsv").write_text("file\tlicence\n")
    return root


def test_only_the_folders_given_become_library_folders(photoorg_home: Path, spread: Path) -> None:
    with Library(locations()) as library:
        given = library.add_given(sorted(str(p) for p in spread.iterdir()))
        assert library.saved_settings.folders == [str(spread / "2023"), str(spread / "2024")]
        assert given.added == given.folders == [str(spread / "2023"), str(spread / "2024")]
        assert given.roots == given.folders  # the loose photo is not in the library: not scanned
        left = dict(given.left)
        assert left[str(spread / "MANIFEST.tsv")] == "not a folder or a photo file"
        assert f"add its folder ({spread})" in left[str(spread / "loose.jpg")]
        assert library.library_roots() == ([str(spread / "2023"), str(spread / "2024")], [])


def test_a_photo_of_the_library_is_looked_at_on_its_own(photoorg_home: Path, spread: Path) -> None:
    with Library(locations()) as library:
        library.add_folders([str(spread)])
        photo = str(spread / "2023" / "a.jpg")
        given = library.add_given([photo, photo])
        assert (given.roots, given.added, given.left) == ([photo], [], [])
        summary = library.scan(given.roots, embed=False)
        assert summary.seen == 1
        assert library.saved_settings.folders == [str(spread)]
        # Beside its own folder it counts once, as one of the folder's photos.
        assert library.add_given([str(spread), photo]).roots == [str(spread)]


def test_a_file_is_never_made_a_library_folder(photoorg_home: Path, spread: Path) -> None:
    with pytest.raises(NotInLibrary, match="not a folder"):
        Settings().add_folder(str(spread / "loose.jpg"))


def test_files_an_older_photoorg_kept_as_folders_are_dropped_with_a_note(
    photoorg_home: Path, spread: Path
) -> None:
    """photoorg scan ~/Pictures/* once listed MANIFEST.tsv as a library folder, and every later
    command said it was "not there (a disconnected drive?)"."""
    where = locations().ensure()
    kept = [str(spread / "2023"), str(spread / "MANIFEST.tsv"), str(spread / "loose.jpg")]
    update_settings(where, lambda s: setattr(s, "folders", kept))
    with Library(where) as library:
        assert library.library_roots() == ([str(spread / "2023")], [])
        assert library.saved_settings.folders == [str(spread / "2023")]
        assert sum("is a file, not a folder" in n for n in library.notes) == 2
    assert (spread / "MANIFEST.tsv").exists() and (spread / "loose.jpg").exists()  # untouched
