"""A file or folder named through a symbolic link into the library is named as the library
names it: found by a review, `move --to /tmp/link/Denmark` (the link pointing into the
library) said the photo left the library, and the catalog kept the file under both names."""

from __future__ import annotations

import os
from pathlib import Path

from photoorg.core.library import Action, Library
from photoorg.core.paths import as_in_library, locations


def test_a_move_through_a_link_into_the_library_stays_in_it_under_one_name(
    four_photos: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link"
    link.symlink_to(four_photos)
    (four_photos / "b").mkdir()
    with Library(locations()) as library:
        outcome = library.act(Action.MOVE, [str(link / "a" / "p0.jpg")], str(link / "b"))
        assert [(s.source, s.target) for s in outcome.done] == [
            (str(four_photos / "a" / "p0.jpg"), str(four_photos / "b" / "p0.jpg"))
        ]
        assert library.notes == []  # nothing "left the library"
        paths = {p.path for p in library.catalog.photos()}
        assert str(four_photos / "b" / "p0.jpg") in paths and not any(p.startswith(str(link)) for p in paths)
        library.scan()
        assert len(library.catalog.photos()) == 4  # one name for each photo
        library.undo()
    assert (four_photos / "a" / "p0.jpg").exists() and not (four_photos / "b" / "p0.jpg").exists()


def test_a_linked_photo_stays_a_link_and_a_path_outside_stays_as_given(tmp_path: Path) -> None:
    root = tmp_path / "Pictures"
    (root / "a").mkdir(parents=True)
    (root / "a" / "p.jpg").write_bytes(b"photo")
    (root / "a" / "linked.jpg").symlink_to(root / "a" / "p.jpg")
    (tmp_path / "link").symlink_to(root / "a")
    roots = [str(root)]
    assert as_in_library(str(tmp_path / "link" / "p.jpg"), roots, whole=False) == str(root / "a" / "p.jpg")
    assert as_in_library(str(root / "a" / "linked.jpg"), roots, whole=False) == str(root / "a" / "linked.jpg")
    assert as_in_library(str(tmp_path / "link"), roots) == str(root / "a")
    elsewhere = str(tmp_path / "Elsewhere" / "x")
    assert as_in_library(elsewhere, roots) == elsewhere
    assert as_in_library(os.path.relpath(elsewhere), roots) == elsewhere
