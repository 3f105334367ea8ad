"""The library's state as the app shows it: its problems."""

from __future__ import annotations

from pathlib import Path

from photoorg.core.library import Library
from photoorg.core.paths import locations


def test_what_listing_the_folders_met_stays_among_the_problems_until_it_is_gone(four_photos: Path) -> None:
    """Found by a review: a broken link was "1 unreadable" in the CLI's scan, and Problems (0)
    in the app, which shows the library's state: only the catalog's failures were in it, and
    a link or a folder that cannot be listed has no row there."""
    lib = four_photos
    broken = lib / "a" / "broken.jpg"
    broken.symlink_to(lib / "a" / "gone.jpg")
    with Library(locations()) as library:
        scanned = library.state(scan=True)
        reason = f"a broken link: it points to {lib / 'a' / 'gone.jpg'}, which is not there"
        assert scanned.failures == [(str(broken), reason)]
        assert library.state(scan=False).failures == [(str(broken), reason)]  # after an action, say
        broken.unlink()
        assert library.state(scan=True).failures == []


def test_a_library_folder_left_empty_where_photos_were_is_a_missing_drive(four_photos: Path) -> None:
    """Found by a review: a drive's mount point left behind, empty, made the next scan forget
    every photo of the drive (their albums and group names came back with it; the timeline
    and the photos' places in the catalog did not until then)."""
    import shutil

    lib = four_photos
    aside = lib.parent / "unplugged"
    shutil.move(str(lib), str(aside))
    lib.mkdir()  # the mount point, empty
    with Library(locations()) as library:
        state = library.state(scan=True)
        assert state.missing == [str(lib)] and state.photo_count == 0  # not shown, not forgotten
        assert [f for f, why in state.failures] == [str(lib)]
        lib.rmdir()
        shutil.move(str(aside), str(lib))  # the drive is back
        back = library.state(scan=True)
        assert back.missing == [] and back.photo_count == 4 and back.summary.embedded == 0  # kept
