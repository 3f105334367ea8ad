"""A photo deleted or moved outside photoorg since the scan, then trashed, moved or copied in
photoorg: skipped with the reason, and taken out of the catalog (found by a review: it stayed
in every grid, "skipped (no longer there)" at every try, until a rescan). A photo whose folder
is gone too (a drive unplugged) stays in the catalog: it waits for its folder."""

from __future__ import annotations

from pathlib import Path

from photoorg.core.library import Action, Library
from photoorg.core.paths import locations


def test_a_photo_deleted_by_hand_leaves_the_catalog_when_an_action_finds_it_gone(four_photos: Path) -> None:
    gone, kept = four_photos / "a" / "p0.jpg", four_photos / "a" / "p1.jpg"
    gone.unlink()
    with Library(locations()) as library:
        outcome = library.act(Action.MOVE, [str(gone), str(kept)], str(four_photos / "b"))
        assert [(s.source, s.skip) for s in outcome.skipped] == [(str(gone), "no longer there")]
        assert outcome.photos_done == 1 and (four_photos / "b" / "p1.jpg").exists()
        assert library.catalog.file_row(str(gone)) is None
        assert library.notes == [
            "1 photo was no longer there (deleted or moved outside photoorg) and left the library; a "
            "scan finds it again if moved within it"
        ]
        assert str(gone) not in {p.path for p in library.catalog.photos()}
        library.undo()
    assert kept.exists()


def test_a_photo_whose_folder_is_gone_stays_in_the_catalog(four_photos: Path) -> None:
    folder = four_photos / "a"
    photo = folder / "p2.jpg"
    away = four_photos.parent / "unplugged"
    folder.rename(away)
    with Library(locations()) as library:
        outcome = library.act(Action.TRASH, [str(photo)])
        assert [(s.source, s.skip) for s in outcome.skipped] == [(str(photo), "no longer there")]
        assert library.catalog.file_row(str(photo)) is not None and library.notes == []
    away.rename(folder)
    assert photo.exists()
