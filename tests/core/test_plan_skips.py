"""What a plan leaves out, and why: a copy where its name already holds its content, a file
that is no photo."""

from __future__ import annotations

import os
from pathlib import Path

from photoorg.core.library import Action, Library
from photoorg.core.paths import locations


def test_a_copy_is_not_made_again_where_its_name_has_its_content(four_photos: Path) -> None:
    """A review: a second 'photoorg copy' to the same folder made "p0 (1).jpg", a silent exact
    duplicate. A photo of another content under the name is no reason to skip: numbered."""
    out = four_photos.parent / "out"
    p0, p1 = four_photos / "a" / "p0.jpg", four_photos / "a" / "p1.jpg"
    with Library(locations()) as library:
        assert library.act(Action.COPY, [str(p0), str(p1)], str(out)).photos_done == 2
        (out / "p1.jpg").write_bytes(p0.read_bytes())  # another picture under p1's name
        again = library.act(Action.COPY, [str(p0), str(p1)], str(out))
    assert [(s.source, s.skip) for s in again.skipped] == [
        (str(p0), f"already there: {out / 'p0.jpg'} is the same photo")
    ]
    assert [s.target for s in again.done] == [str(out / "p1 (1).jpg")]
    assert sorted(os.listdir(out)) == ["p0.jpg", "p1 (1).jpg", "p1.jpg"]


def test_a_file_that_is_no_photo_is_not_sent_to_scan_its_folder(four_photos: Path) -> None:
    """A review: 'photoorg trash notes.txt' said "not in the catalog; scan its folder first",
    which never catalogs a text file."""
    notes = four_photos / "a" / "notes.txt"
    notes.write_text("not a photo")
    fresh = four_photos / "a" / "new.jpg"
    fresh.write_bytes((four_photos / "a" / "p0.jpg").read_bytes()[:-1])  # not scanned yet
    with Library(locations()) as library:
        steps = library.plan(Action.TRASH, [str(notes), str(fresh)])
    assert [(s.source, s.skip) for s in steps] == [
        (str(notes), "not a photo or video photoorg catalogs; it stays"),
        (str(fresh), "not in the catalog; scan its folder first, so photoorg knows the file"),
    ]


def test_an_organize_plan_with_a_file_where_it_puts_a_folder_says_so(four_photos: Path) -> None:
    """A hostile review: 'out/2026' a file, the plan listed the photos for 2026/2026-12, and
    every one failed when carried out ("Nothing was done")."""
    import datetime

    import pytest

    from photoorg.core.errors import PhotoorgError
    from photoorg.core.organize import OrganizeRequest

    out = four_photos.parent / "out"
    out.mkdir()
    year = datetime.date.today().year  # the photos have no date taken: their files' dates
    (out / str(year)).write_text("a file, not a folder")
    with Library(locations()) as library, pytest.raises(PhotoorgError) as refused:
        library.organize_plan(OrganizeRequest("date", str(out), file_date=True, copy=True))
    assert str(refused.value).startswith(f"{out / str(year)} is a file, where the plan puts 4 photos")
    assert sorted(os.listdir(out)) == [str(year)]
