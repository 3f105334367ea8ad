"""Redo of an organize does what the organize did: with --prune-empty, the folders the move left
empty go again (a new-user review: the redo left them behind), and its undo makes them again."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
