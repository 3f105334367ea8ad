"""Redo of an organize does what the organize did: with --prune-empty, the folders the move left
empty go again (a new-user review: the redo left them behind), and its undo makes them again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from photoorg.core.library import Library
from photoorg.core.organize import OrganizeRequest
from photoorg.core.paths import locations


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(root.rglob("*"))
    }


def test_a_redo_of_an_organize_removes_again_the_folders_it_left_empty(
    four_photos: Path, tmp_path: Path
) -> None:
    before = tree(four_photos)
    with Library(locations()) as library:
        plan = library.organize_plan(
            OrganizeRequest("date", str(four_photos / "Sorted"), file_date=True, prune_empty=True)
        )
        _, pruned = library.organize(plan)
        assert pruned == [str(four_photos / "a")]
        organized = tree(four_photos)
        library.undo()
        assert tree(four_photos) == before
        redone = library.redo()
        assert len(redone.done) == 4 and not redone.failed
        assert tree(four_photos) == organized  # the emptied folders went again
        assert any("removed again the" in n for n in library.notes)
        library.undo()
        assert tree(four_photos) == before


def test_a_redo_never_removes_a_folder_that_became_a_library_folder_since(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile review: A/old was pruned inside the library folder A; after the undo, A was
    taken out (A/old, taken in by it, a library folder again), and the redo removed A/old: its
    photos then stood outside the library, and the undo of the redo refused."""
    from photoorg.core.settings import Settings, save_settings
    from tests.conftest import make_photo

    a = tmp_path / "A"
    make_photo(a / "old" / "sub" / "IMG_20190714_103000.jpg", seed=1, size=(64, 48))
    make_photo(a / "old" / "scan_1987-07-14.jpg", seed=2, size=(64, 48))
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(locations(), Settings(folders=[str(a / "old")], model=str(tiny_model)))
    with Library(locations()) as library:
        library.add_folders([str(a)])  # takes in A/old
        library.scan()
        plan = library.organize_plan(OrganizeRequest("date", str(a), prune_empty=True))
        _, pruned = library.organize(plan)
        assert sorted(pruned) == [str(a / "old"), str(a / "old" / "sub")]
        library.undo()
        before = tree(a)
        assert library.remove_folder(str(a)) == [str(a / "old")]
        library.redo()
        assert (a / "old").is_dir()  # a library folder: never removed
        assert not (a / "old" / "sub").exists()  # the one inside it, emptied, went as before
        library.undo()
        assert tree(a) == before
