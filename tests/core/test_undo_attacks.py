"""Attacks of a hostile review (2026-12-03) that made undo say "photos back" with the photos
not back, or moved photos a protected folder held: a drive unplugged under a library folder, a
link left where the photo was, a folder protected while organize's plan waited for its "y"."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from photoorg.core.library import Action, Library
from photoorg.core.organize import OrganizeRequest
from photoorg.core.paths import locations
from photoorg.core.progress import Progress
from tests.cli import photoorg
from tests.conftest import make_photo


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ProtectAfterTheFirst(Progress):
    """The progress of an action, undo or redo during which another photoorg, in another
    process, protects ``folder`` once the first file is done; ``said``: what it printed."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder, self.said = folder, []

    def advance(self, n: int = 1, check: bool = True) -> None:
        super().advance(n, check)
        if self.done == 1:
            self.said.append(photoorg("library", "protect", str(self.folder)).stdout)


def test_undo_leaves_photos_out_while_their_library_folder_is_not_there(four_photos: Path) -> None:
    """The library folder on a drive that is unplugged: undo made its folders again on the disk
    under the mount point and said "2 photos back"; once the drive was back, they were hidden
    under it and the next scan forgot them."""
    out = four_photos.parent / "out"
    photos = [four_photos / "a" / "p0.jpg", four_photos / "a" / "p1.jpg"]
    before = [sha(p) for p in photos]
    with Library(locations()) as library:
        moved = library.act(Action.MOVE, [str(p) for p in photos], str(out))
    assert moved.photos_done == 2
    away = four_photos.parent / "drive, unplugged"
    four_photos.rename(away)
    with Library(locations()) as library:
        undone = library.undo()
    assert not undone.done and len(undone.failed) == 2
    assert all(f"library folder {four_photos} is not there" in why for _, why in undone.failed)
    assert not four_photos.exists()  # no folder made where the drive's folder was
    assert [sha(out / p.name) for p in photos] == before  # the photos wait where they went
    listed = photoorg("history").stdout  # (it said "undone except 2 files" of 2)
    assert "(2 files, not undone: 2 files could not be put back)" in listed
    away.rename(four_photos)
    with Library(locations()) as library:
        again = library.undo(moved.batch)  # "photoorg undo N" once the drive is back
        assert {s.target for s in again.done} == {str(p) for p in photos} and not again.failed
    assert [sha(p) for p in photos] == before and not any((out / p.name).exists() for p in photos)


def test_undo_leaves_photos_out_while_their_library_folder_is_an_empty_mount_point(four_photos: Path) -> None:
    """The library folder is the drive's mount point: unplugged, it is there and empty."""
    out = four_photos.parent / "out"
    photo = four_photos / "a" / "p0.jpg"
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(photo)], str(out))
    away = four_photos.parent / "drive"
    four_photos.rename(away)
    four_photos.mkdir()  # what is left of a mount point with no drive on it
    with Library(locations()) as library:
        undone = library.undo()
    assert not undone.done and "empty where photos were" in undone.failed[0][1]
    assert os.listdir(four_photos) == [] and (out / "p0.jpg").exists()


def test_an_import_is_not_undone_onto_a_card_that_is_not_there(four_photos: Path, tmp_path: Path) -> None:
    """Photos organized in from a memory card go back to it; with the card out, undo made its
    folders on the disk under the card's mount point."""
    card = tmp_path / "card"
    shots = [card / "DCIM" / f"IMG_{i}.jpg" for i in range(2)]
    for i, shot in enumerate(shots):
        make_photo(shot, seed=40 + i, size=(64, 48))
    with Library(locations()) as library:
        plan = library.organize_plan(OrganizeRequest("date", str(four_photos / "sorted")), [str(card)])
        outcome, _ = library.organize(plan)
    assert outcome.photos_done == 2 and not any(s.exists() for s in shots)
    card.rename(tmp_path / "card, in the camera")
    with Library(locations()) as library:
        undone = library.undo()
    assert not undone.done and all(f"the folder {card} is not there" in why for _, why in undone.failed)
    assert not card.exists()
    (tmp_path / "card, in the camera").rename(card)
    with Library(locations()) as library:
        assert len(library.undo(outcome.batch).done) == 2
    assert all(s.exists() for s in shots)


def test_a_folder_the_person_removed_inside_the_library_is_made_again(four_photos: Path) -> None:
    """What the checks above must not stop: the photos' folder is gone, the library's is there."""
    photos = [four_photos / "a" / f"p{i}.jpg" for i in range(4)]
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(p) for p in photos], str(four_photos / "b"))
    (four_photos / "a").rmdir()
    with Library(locations()) as library:
        assert len(library.undo().done) == 4
    assert all(p.is_file() for p in photos)


def test_undo_does_not_put_back_a_link_left_where_the_photo_was(four_photos: Path) -> None:
    """The person moved the photo on and left a link to it (as git-annex does): the content
    check read the photo through the link, and undo put the link back, "1 photo back"."""
    photo, out = four_photos / "a" / "p0.jpg", four_photos.parent / "out"
    content = sha(photo)
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(photo)], str(out))
    (out / "sub").mkdir()
    (out / "p0.jpg").rename(out / "sub" / "p0.jpg")
    (out / "p0.jpg").symlink_to(Path("sub") / "p0.jpg")
    with Library(locations()) as library:
        undone = library.undo()
    assert not undone.done and "is a link now" in undone.failed[0][1]
    assert not os.path.lexists(photo)  # no link put back in the library as if it were the photo
    assert (out / "p0.jpg").is_symlink() and sha(out / "sub" / "p0.jpg") == content


def test_organize_leaves_a_photo_replaced_by_a_link_after_the_plan(four_photos: Path) -> None:
    """Between the plan and its "y", a photo was moved away and a link left in its place: the
    link was moved, "moved", and the photo stayed outside the library."""
    photo = four_photos / "a" / "p0.jpg"
    elsewhere = four_photos.parent / "elsewhere.jpg"
    with Library(locations()) as library:
        plan = library.organize_plan(OrganizeRequest("date", str(four_photos / "sorted"), file_date=True))
        photo.rename(elsewhere)
        photo.symlink_to(elsewhere)
        outcome, _ = library.organize(plan)
    assert outcome.photos_done == 3
    assert [(s.source, s.skip) for s in outcome.skipped] == [
        (str(photo), f"a link to {elsewhere} now; it stays (name the photo itself)")
    ]
    assert photo.is_symlink() and elsewhere.is_file()


def test_organize_leaves_a_folder_protected_while_its_plan_waited(four_photos: Path) -> None:
    """`photoorg organize` shows its plan and waits for "y"; meanwhile another photoorg (the
    app) protects a folder: its photos were moved all the same."""
    keep = four_photos / "a"
    with Library(locations()) as library:
        plan = library.organize_plan(OrganizeRequest("date", str(four_photos / "sorted"), file_date=True))
        with Library(locations()) as other:
            other.set_protected(str(keep), True)
        outcome, _ = library.organize(plan)
    assert outcome.batch is None and not outcome.done
    assert {s.skip for s in outcome.skipped} == {"in a protected folder"}
    assert sorted(os.listdir(keep)) == [f"p{i}.jpg" for i in range(4)]


def test_redo_does_not_move_photos_onto_the_disk_under_a_drive_that_is_not_there(four_photos: Path) -> None:
    """The same attack on redo: a move to a drive, undone, the drive unplugged, then redo made
    the folders again on the disk under its mount point."""
    from photoorg.core.library import NothingToRedo

    drive = four_photos.parent / "drive"
    photo = four_photos / "a" / "p0.jpg"
    drive.mkdir()  # the drive, plugged in
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(photo)], str(drive / "out"))
        library.undo()
    away = four_photos.parent / "drive, unplugged"
    drive.rename(away)
    with Library(locations()) as library, pytest.raises(NothingToRedo) as refused:
        library.redo()
    assert f"the folder {drive} is not there" in str(refused.value)
    assert not drive.exists() and photo.is_file()
    away.rename(drive)
    with Library(locations()) as library:
        assert library.redo().photos_done == 1
    assert (drive / "out" / "p0.jpg").is_file() and not photo.exists()


def test_nothing_is_moved_into_a_library_folder_that_is_an_empty_mount_point(
    four_photos: Path, tmp_path: Path
) -> None:
    """A second hostile review: a move into a library folder whose drive was unplugged (its
    mount point empty) wrote the photo onto the disk under it, and the next scan forgot the
    drive's photos."""
    from photoorg.core.errors import PhotoorgError

    drive = tmp_path / "drive"
    make_photo(drive / "snow.jpg", seed=50, size=(64, 48))
    with Library(locations()) as library:
        library.add_folders([str(drive)])
        library.scan()
    (drive / "snow.jpg").rename(tmp_path / "snow, on the drive.jpg")  # unplugged: the mount point is empty
    photo = four_photos / "a" / "p0.jpg"
    with Library(locations()) as library:
        with pytest.raises(PhotoorgError, match="is not there, or empty where photos were"):
            library.act(Action.MOVE, [str(photo)], str(drive / "sorted"))
        with pytest.raises(PhotoorgError, match="is not there, or empty where photos were"):
            library.organize_plan(OrganizeRequest("date", str(drive / "org"), file_date=True))
        assert library.catalog.file_row(str(drive / "snow.jpg")) is not None
    assert photo.is_file() and os.listdir(drive) == []


def test_nothing_is_moved_into_a_trash_or_into_photoorgs_own_folders(
    four_photos: Path, tmp_path: Path
) -> None:
    """A third hostile review: a move into ~/.local/share/Trash/files was "done"; the only copy
    of the photo went with the next Empty Trash, while the history offered its undo."""
    from photoorg.core.errors import PhotoorgError

    where = locations()
    home_trash = tmp_path / "xdg-data" / "Trash" / "files"
    home_trash.mkdir(parents=True, exist_ok=True)
    usb_trash = tmp_path / "usb" / ".Trash-1000" / "files"
    photo = four_photos / "a" / "p0.jpg"
    with Library(where) as library:
        for into in (home_trash, usb_trash, tmp_path / "usb" / ".Trashes" / "501"):
            for action in (Action.MOVE, Action.COPY):
                with pytest.raises(PhotoorgError, match="is inside a trash"):
                    library.act(action, [str(photo)], str(into))
            with pytest.raises(PhotoorgError, match="is inside a trash"):
                library.organize_plan(OrganizeRequest("date", str(into), file_date=True))
        with pytest.raises(PhotoorgError, match="is inside photoorg's own folders"):
            library.act(Action.MOVE, [str(photo)], str(where.data / "photos"))
        # Nor through the folders an organize's template makes (a third hostile review: --to
        # the data folder's parent with 'photoorg/catalog.sqlite3.open' put the photos where the
        # next start unlinked them), nor in a dry run.
        for to, template in (
            (where.data.parent, f"{where.data.name}/catalog.sqlite3.open"),
            (home_trash.parent.parent, "Trash/files/{year}"),
        ):
            with pytest.raises(PhotoorgError, match=r"The plan puts photos in .*, which is inside"):
                library.organize_plan(OrganizeRequest("date", str(to), template, file_date=True))
        with pytest.raises(PhotoorgError, match="is inside a trash"):
            library.plan(Action.COPY, [str(photo)], str(home_trash))
    assert photo.is_file() and list(home_trash.iterdir()) == [] and not usb_trash.exists()
    said = photoorg("move", photo, "--to", home_trash)
    assert said.returncode != 0 and "is inside a trash: photos put there would be lost" in said.stderr
    assert photo.is_file()


def test_a_file_put_in_the_catalogs_sessions_folder_is_never_removed(four_photos: Path) -> None:
    """A third hostile review: photos organized into <catalog>.open were unlinked by the next
    start, which took every unlocked file there for a stale marker."""
    where = locations()
    stranger = where.catalog.with_name(where.catalog.name + ".open") / "cold_water.jpg"
    stranger.parent.mkdir(exist_ok=True)
    stranger.write_bytes(b"a photo")
    with Library(where) as library:
        library.timeline()
    assert stranger.read_bytes() == b"a photo"


def test_undo_puts_photos_back_into_a_library_folder_emptied_by_hand(
    four_photos: Path, tmp_path: Path
) -> None:
    """A second hostile review: a photo deleted by hand (no rescan), the others moved out with
    photoorg; the library folder, empty, read as an unplugged drive's, and undo refused them."""
    folder = tmp_path / "L1"
    shots = [make_photo(folder / f"s{i}.jpg", seed=60 + i, size=(64, 48)) for i in range(3)]
    with Library(locations()) as library:
        library.add_folders([str(folder)])
        library.scan()
    shots[2].unlink()  # by hand, no rescan: the catalog still has it
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(p) for p in shots[:2]], str(four_photos / "out"))
    assert os.listdir(folder) == []
    with Library(locations()) as library:
        undone = library.undo()
    assert len(undone.done) == 2 and not undone.failed and all(p.is_file() for p in shots[:2])


def test_undo_of_an_earlier_move_names_the_later_action_that_took_the_photo_on(four_photos: Path) -> None:
    """Action 1 moved a photo to x, action 2 on to y; undo 1 said "no longer at x; it was moved
    or deleted since", as if another program had, and did not say which undo comes first."""
    photo = four_photos / "a" / "p0.jpg"
    x, y = four_photos / "x", four_photos / "y"
    with Library(locations()) as library:
        first = library.act(Action.MOVE, [str(photo)], str(x))
        second = library.act(Action.MOVE, [str(x / "p0.jpg")], str(y))
        early = library.undo(first.batch)
        assert not early.done
        why = early.failed[0][1]
        assert f"moved on to {y / 'p0.jpg'} in action {second.batch}" in why
        assert f"undo action {second.batch} first" in why
        assert (y / "p0.jpg").exists()  # left where it is
        library.undo(second.batch)
        again = library.undo(first.batch)
    assert [s.target for s in again.done] == [str(photo)] and photo.exists()


def test_undo_of_a_move_names_the_later_trash_of_the_photo(four_photos: Path) -> None:
    photo = four_photos / "a" / "p1.jpg"
    x = four_photos / "x"
    with Library(locations()) as library:
        first = library.act(Action.MOVE, [str(photo)], str(x))
        trashed = library.act(Action.TRASH, [str(x / "p1.jpg")])
        early = library.undo(first.batch)
    assert not early.done
    n = trashed.batch
    assert f"went to the trash in action {n}: undo action {n} first" in early.failed[0][1]


def test_undo_leaves_the_files_an_action_put_in_a_folder_protected_since(four_photos: Path) -> None:
    """A copy and a move into an archive, then the archive protected: undo trashed the copy
    and moved the photo out of it, where a new trash or move is refused."""
    archive = four_photos / "archive"
    copied, moved = four_photos / "a" / "p0.jpg", four_photos / "a" / "p1.jpg"
    (four_photos / "a" / "p1.jpg.xmp").write_bytes(b"p1's edits")
    with Library(locations()) as library:
        copy = library.act(Action.COPY, [str(copied)], str(archive))
        move = library.act(Action.MOVE, [str(moved)], str(archive))
    assert photoorg("library", "protect", str(archive)).returncode == 0
    with Library(locations()) as library:
        first = library.undo()
        second = library.undo(copy.batch)
    assert not first.done and not second.done
    assert all("which is protected now; it was left there" in why for _, why in first.failed + second.failed)
    assert sorted(os.listdir(archive)) == ["p0.jpg", "p1.jpg", "p1.jpg.xmp"]
    assert not moved.exists() and copied.exists()
    assert photoorg("library", "unprotect", str(archive)).returncode == 0
    with Library(locations()) as library:
        assert library.undo(move.batch).photos_done == 1
        assert library.undo(copy.batch).photos_done == 1
    assert moved.exists() and (four_photos / "a" / "p1.jpg.xmp").exists()
    assert not archive.exists()  # the folder the copy made, empty again


def test_a_folder_protected_by_another_photoorg_while_an_action_runs_keeps_the_photos_still_in_it(
    four_photos: Path,
) -> None:
    """`photoorg library protect` while an organize moved the folder's photos out said
    "protected" and the action went on emptying the folder: protection was read once, before
    the first file."""
    a, out = four_photos / "a", four_photos.parent / "out"
    (a / "p2.jpg.xmp").write_bytes(b"p2's edits")
    protecting = ProtectAfterTheFirst(a)
    photos = sorted(str(p) for p in a.glob("*.jpg"))
    with Library(locations()) as library:
        moved = library.act(Action.MOVE, photos, str(out), progress=protecting)
    assert protecting.said and "protect" in protecting.said[0].lower()
    assert moved.photos_done == 1 and [os.path.basename(s.source) for s in moved.done] == ["p0.jpg"]
    assert sorted(os.listdir(a)) == ["p1.jpg", "p2.jpg", "p2.jpg.xmp", "p3.jpg"]
    assert {s.skip for s in moved.skipped} == {"in a protected folder"}


@pytest.mark.parametrize("what", ["undo of a move", "undo of a copy", "redo of a move"])
def test_a_folder_protected_by_another_photoorg_while_an_undo_or_redo_runs_keeps_its_files(
    four_photos: Path, what: str
) -> None:
    """A hostile review: undo and redo read the protected folders once, and went on emptying a
    folder another photoorg protected meanwhile (undo of a copy trashed every copy in it)."""
    a, b = four_photos / "a", four_photos / "b"
    watched = a if what.startswith("redo") else b
    protecting = ProtectAfterTheFirst(watched)
    photos = sorted(str(p) for p in a.glob("*.jpg"))
    action = Action.COPY if "copy" in what else Action.MOVE
    with Library(locations()) as library:
        library.act(action, photos, str(b))
        if what.startswith("redo"):
            library.undo()
            again = library.redo(progress=protecting)
            assert len(again.done) == 1 and {s.skip for s in again.skipped} == {"in a protected folder"}
        else:
            undone = library.undo(progress=protecting)
            assert len(undone.done) == 1 and len(undone.failed) == 3
            assert all("which is protected now" in why for _, why in undone.failed)
    assert protecting.said and "protect" in protecting.said[0].lower()  # the other photoorg did
    assert len(os.listdir(watched)) == 3  # the 3 files still there when it was protected stay
    if "copy" in what:
        assert len(os.listdir(a)) == 4  # no original touched


def test_undo_names_the_redo_that_moved_the_photo_on_again(four_photos: Path) -> None:
    """A hostile review: move a→b, move b→c, undo, redo; undo of the first move said "moved
    or deleted since", the undone second move hiding the redo that moved the photo on."""
    photo = four_photos / "a" / "p0.jpg"
    b, c = four_photos / "b", four_photos / "c"
    with Library(locations()) as library:
        first = library.act(Action.MOVE, [str(photo)], str(b))
        library.act(Action.MOVE, [str(b / "p0.jpg")], str(c))
        library.undo()
        again = library.redo()
        early = library.undo(first.batch)
    assert not early.done
    assert f"moved on to {c / 'p0.jpg'} in action {again.batch}" in early.failed[0][1]
