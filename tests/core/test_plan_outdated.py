"""A plan shown and agreed to is what happens, also with a second photoorg at work: once another
one moved, trashed, copied or put back files since the plan was made, it is not carried out
(a new-user review: two organizes at once, the second carried out over the first one's work)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from photoorg.core.errors import PhotoorgError
from photoorg.core.library import Library
from photoorg.core.organize import OrganizeRequest
from photoorg.core.paths import locations
from tests.cli import photoorg


def tree(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_plan_is_not_carried_out_once_another_photoorg_changed_files(
    four_photos: Path, tmp_path: Path
) -> None:
    sorted_ = tmp_path / "Sorted"
    request = OrganizeRequest("date", str(sorted_), file_date=True)
    with Library(locations()) as library:
        plan = library.organize_plan(request)
        assert len(plan.moving()) == 4
        moved = photoorg("move", four_photos / "a" / "p0.jpg", "--to", four_photos / "b")  # another photoorg
        assert moved.returncode == 0, moved.stderr
        before = tree(four_photos)
        with pytest.raises(
            PhotoorgError, match=r"changed since this plan was made \(action 1, move 1 photo"
        ) as said:
            library.organize(plan)
        assert "Nothing was moved: make the plan again" in str(said.value)
        assert tree(four_photos) == before and not sorted_.exists()
        undone = photoorg("undo")  # putting files back changes them too
        assert undone.returncode == 0, undone.stderr
        plan = library.organize_plan(request)
        outcome, _ = library.organize(plan)  # made since: carried out
        assert len(outcome.done) == 4 and not outcome.failed
        assert sorted(p.name for p in sorted_.rglob("*.jpg")) == ["p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg"]


def test_a_change_that_moves_no_file_leaves_the_plan_good(four_photos: Path, tmp_path: Path) -> None:
    with Library(locations()) as library:
        plan = library.organize_plan(OrganizeRequest("date", str(tmp_path / "Sorted"), file_date=True))
        made = photoorg("album", "create", "Trip", four_photos / "a" / "p1.jpg")  # an album: no file moves
        assert made.returncode == 0, made.stderr
        outcome, _ = library.organize(plan)
        assert len(outcome.done) == 4 and not outcome.failed
