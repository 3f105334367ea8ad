"""Attacks on the trash from a hostile review: nothing goes into a trash through a link put
where a folder was after the plan was made (photos went into the trash with no record there,
and the history said they were in the folder); a trash by copy killed as its copy got its name
leaves no copy the journal does not know."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photoorg.core import actions, fileops, recovery, trash
from photoorg.core import undo as undoing
from photoorg.core.catalog import Catalog
from photoorg.core.fileops import inode_key
from photoorg.core.library import Action, Library
from photoorg.core.paths import locations
from photoorg.core.trash import home_trash


def everything(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_destination_swapped_for_a_link_to_the_trash_after_the_plan_gets_nothing(
    four_photos: Path, monkeypatch
) -> None:
    files = home_trash() / "files"
    files.mkdir(parents=True)
    dest = four_photos.parent / "sorted"
    dest.mkdir()
    planned = actions.plan

    def then_swapped(*args, **kwargs):  # the plan is made; the folder becomes a link meanwhile
        steps = planned(*args, **kwargs)
        dest.rmdir()
        dest.symlink_to(files, target_is_directory=True)
        return steps

    monkeypatch.setattr(actions, "plan", then_swapped)
    before = everything(four_photos)
    with Library(locations()) as library:
        two = [str(four_photos / "a" / f"p{i}.jpg") for i in range(2)]
        outcome = library.act(Action.MOVE, two, str(dest))
        assert not outcome.done and len(outcome.failed) == 2
        assert all("inside a trash now" in why for _, why in outcome.failed)
        assert outcome.batch is None  # nothing done: nothing in the history to undo
    assert everything(four_photos) == before and not os.listdir(files)


def test_undo_puts_nothing_into_the_trash_through_a_folder_swapped_for_a_link(four_photos: Path) -> None:
    files = home_trash() / "files"
    files.mkdir(parents=True)
    a, dest = four_photos / "a", four_photos.parent / "sorted"
    with Library(locations()) as library:
        moved = library.act(Action.MOVE, [str(a / "p0.jpg")], str(dest))
        assert moved.photos_done == 1
        shutil.move(a, four_photos.parent / "a-elsewhere")  # the source folder goes, a link
        a.symlink_to(files, target_is_directory=True)  # to the trash takes its place
        back = library.undo()
        assert not back.done and len(back.failed) == 1 and "inside a trash now" in back.failed[0][1]
        [info] = [i for i in library.history()[0] if i.id == moved.batch]
        assert (info.undone_files, info.not_undone) == (0, 1)  # said: not put back
    assert (dest / "p0.jpg").exists() and not os.listdir(files)


def test_a_trash_by_copy_killed_as_its_copy_got_its_name_is_known_and_undone(
    four_photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drive's trash unusable, the photo is copied into the home trash; killed right after
    the copy got its name there (before the journal knew it, until this change), recovery said
    "interrupted before it happened" and the copy stayed in the trash, unknown."""
    source = four_photos / "a" / "p3.jpg"
    data = source.read_bytes()
    with Catalog(locations().catalog) as catalog:
        [step] = actions.plan(catalog, Action.TRASH, [str(source)])
        batch = catalog.begin_batch("trash", "trash 1 photo")
        entry = catalog.journal_add(batch, "trash", step.source, None, None, step.fingerprint, step.size)

        def in_trash(location: str, info: str) -> None:
            catalog.journal_update(entry, target=location, trash_info=info, placed=inode_key(location))

        def killed(folder: str) -> None:
            raise KeyboardInterrupt  # the kill: right after the copy's name, before anything else

        with monkeypatch.context() as m:
            m.setattr(fileops, "fsync_dir", killed)
            with pytest.raises(KeyboardInterrupt):
                trash._home_trash_by_copy(source, None, in_trash)
        notes = recovery.reconcile(catalog)
        assert notes and "interrupted before it happened" not in notes[0]
        [info] = [b for b in catalog.batches()[0] if b.id == batch]
        assert info.files == 1
        undoing.undo(catalog, batch)
    assert source.read_bytes() == data
    assert not list((home_trash() / "files").iterdir()) and not list((home_trash() / "info").iterdir())


def test_nothing_goes_into_a_protected_folder_since_its_undo_could_not_take_it_out(four_photos: Path) -> None:
    """A new-user review: an organize into a protected folder was done, and its undo then
    refused every photo ("is protected now"), with no way back but lifting the protection."""
    from photoorg.core.errors import PhotoorgError
    from photoorg.core.organize import OrganizeRequest

    kept = four_photos / "kept"
    kept.mkdir()
    with Library(locations()) as library:
        library.set_protected(str(kept), True)
        photo = str(four_photos / "a" / "p0.jpg")
        for attempt in (
            lambda: library.plan(Action.MOVE, [photo], str(kept / "sorted")),
            lambda: library.act(Action.COPY, [photo], str(kept)),
            lambda: library.organize_plan(OrganizeRequest("date", str(kept / "by date"), file_date=True)),
            # a destination above it whose template makes folders inside it
            lambda: library.organize_plan(OrganizeRequest("date", str(four_photos), "kept", file_date=True)),
        ):
            with pytest.raises(PhotoorgError, match=r"in a protected folder .*could not undo"):
                attempt()
        assert library.act(Action.MOVE, [photo], str(four_photos / "b")).photos_done == 1  # elsewhere: fine
    assert not any(kept.iterdir())


def test_a_photo_put_back_by_hand_is_back_though_another_file_took_its_place_in_the_trash(
    four_photos: Path,
) -> None:
    """A hostile review: photoorg trashed a photo, the person restored it by hand, then
    trashed another file of that name; undo said "could not be put back" of a photo that was
    back, and the history kept the action as not undone."""
    photo = four_photos / "a" / "p0.jpg"
    data = photo.read_bytes()
    with Library(locations()) as library:
        trashed = library.act(Action.TRASH, [str(photo)])
        [step] = trashed.done
        location = Path(step.target or "")
        info = home_trash() / "info" / (location.name + ".trashinfo")
        os.rename(location, photo)  # restored by hand, as a file manager does
        info.unlink()
        location.write_bytes(b"another photo of that name")  # then another file trashed
        info.write_text("[Trash Info]\nPath=/elsewhere/p0.jpg\nDeletionDate=2026-12-04T10:00:00\n")
        back = library.undo()
        assert back.photos_done == 1 and not back.failed
        [batch] = [b for b in library.history()[0] if b.id == trashed.batch]
        assert batch.not_undone == 0
    assert photo.read_bytes() == data
    assert location.read_bytes() == b"another photo of that name" and info.exists()  # theirs, untouched
