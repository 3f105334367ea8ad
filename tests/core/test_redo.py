"""Redo (issue 13): the action undone last, done again as a new action, checked as a first run
is; never after something else was done, never twice, never past a protected folder or a
photo that changed meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoorg.core.errors import PhotoorgError
from photoorg.core.library import Action, Library, NothingToRedo
from photoorg.core.paths import locations
from tests.conftest import make_photo


@pytest.fixture
def lib(four_photos: Path) -> Path:
    return four_photos


def trashed(tmp_path: Path) -> list[str]:
    files = tmp_path / "xdg-data" / "Trash" / "files"
    return sorted(p.name for p in files.iterdir()) if files.exists() else []


def test_redo_trashes_again_and_its_undo_puts_them_back(lib: Path, tmp_path: Path) -> None:
    photos = [str(lib / "a" / "p0.jpg"), str(lib / "a" / "p1.jpg")]
    with Library(locations()) as library:
        first = library.act(Action.TRASH, photos)
        library.undo()
        assert library.redoable() is not None and library.redoable().id == first.batch
        again = library.redo()
        assert again.batch != first.batch and sorted(s.source for s in again.done) == photos
        assert trashed(tmp_path) == ["p0.jpg", "p1.jpg"] and not any(Path(p).exists() for p in photos)
        [newest, *_] = library.history()[0]
        assert newest.summary == f"redo of action {first.batch}: trash 2 photos"
        with pytest.raises(NothingToRedo):  # done once: the redo is now the newest action
            library.redo()
        library.undo()  # undoing the redo puts them back, like any action
        assert all(Path(p).exists() for p in photos) and trashed(tmp_path) == []
        twice = library.redo()  # the redo redone: named after the action it did first
        [newest, *_] = library.history()[0]
        assert newest.summary == f"redo of action {again.batch}: trash 2 photos", newest.summary
        assert twice.batch == newest.id
        library.undo()
    assert all(Path(p).exists() for p in photos) and trashed(tmp_path) == []


def test_redo_of_a_move_puts_each_photo_where_it_went(lib: Path, tmp_path: Path) -> None:
    dest = tmp_path / "Sorted"
    photo = lib / "a" / "p2.jpg"
    content = photo.read_bytes()
    with Library(locations()) as library:
        moved = library.act(Action.MOVE, [str(photo)], str(dest))
        [target] = [s.target for s in moved.done]
        library.undo()
        assert photo.exists() and not Path(target).exists()
        library.redo()
    assert not photo.exists() and Path(target).read_bytes() == content


def test_redo_takes_the_action_whose_undo_ran_last_also_a_retried_one(lib: Path, tmp_path: Path) -> None:
    """A hostile review: undo 1 (one photo moved away by hand), undo 2, the photo brought back,
    undo 1 again: redo did action 2 again, its undo of long ago, not action 1."""
    a, b, c = (lib / "a" / f"p{k}.jpg" for k in range(3))
    (tmp_path / "B").mkdir()
    with Library(locations()) as library:
        first = library.act(Action.MOVE, [str(a), str(b)], str(tmp_path / "B"))
        second = library.act(Action.MOVE, [str(c)], str(tmp_path / "C"))
        (tmp_path / "B" / b.name).rename(tmp_path / "aside.jpg")  # the person moves it away
        assert len(library.undo(first.batch).failed) == 1
        library.undo(second.batch)
        (tmp_path / "aside.jpg").rename(tmp_path / "B" / b.name)  # and brings it back
        assert len(library.undo(first.batch).done) == 1 and a.exists() and b.exists()
        assert library.redoable().id == first.batch
        library.redo()
    assert not a.exists() and not b.exists() and c.exists()  # action 1 done again, not action 2
    assert (tmp_path / "B" / a.name).exists() and not (tmp_path / "C" / c.name).exists()


def test_nothing_to_redo_after_a_new_action_or_before_any_undo(lib: Path) -> None:
    with Library(locations()) as library:
        with pytest.raises(NothingToRedo, match="nothing to redo"):
            library.redo()
        library.act(Action.TRASH, [str(lib / "a" / "p0.jpg")])
        library.undo()
        library.act(Action.TRASH, [str(lib / "a" / "p3.jpg")])  # something else was done since
        assert library.redoable() is None and library.redo_refused() is None  # nothing to say
        with pytest.raises(NothingToRedo):
            library.redo()
    assert (lib / "a" / "p0.jpg").exists()


def test_redo_respects_a_folder_protected_and_a_photo_changed_since_the_undo(
    lib: Path, tmp_path: Path
) -> None:
    """The attack: between the undo and the redo, the person protects the folder of one photo
    and edits another. Redo must trash neither."""
    keep = lib / "keep"
    moved_in = keep / "p0.jpg"
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(lib / "a" / "p0.jpg")], str(keep))
        library.scan()
    photos = [str(moved_in), str(lib / "a" / "p1.jpg"), str(lib / "a" / "p2.jpg")]
    with Library(locations()) as library:
        library.act(Action.TRASH, photos)
        library.undo()
        library.set_protected(str(keep), True)
        edited = lib / "a" / "p1.jpg"
        make_photo(edited, seed=99, size=(64, 48))  # edited in another program: new content
        again = library.redo()
    assert [s.source for s in again.done] == [str(lib / "a" / "p2.jpg")]
    skipped = {s.source: s.skip for s in again.skipped}
    assert skipped[str(moved_in)] == "in a protected folder"
    assert "changed" in (skipped[str(edited)] or "")
    assert moved_in.exists() and edited.exists() and trashed(tmp_path) == ["p2.jpg"]


def test_a_change_to_the_albums_is_redone_with_the_later_answers_its_undo_took_back(lib: Path) -> None:
    """A new-user review: one Ctrl+Z too many in the accept/reject loop could not be redone
    ("changed the groups, albums or keywords ... do it again by hand")."""
    p0, p1, p2 = (str(lib / "a" / f"p{i}.jpg") for i in range(3))
    with Library(locations()) as library:
        library.create_album("Dogs", [p0])
        made = library.history()[0][0]
        library.teach("Dogs", [p1], "member")
        library.teach("Dogs", [p2], "rejected")
        rejected = library.undo()  # the last answer
        assert library.redoable() is not None and library.redoable().id == rejected.batch
        again = library.redo()
        assert "did the change to the albums again" in again.note
        dogs = library.album("Dogs")
        assert len(dogs.rejected) == 1 and len(dogs.positives) == 2
        # The album's undo takes its later answers with it; its redo brings all of them back.
        library.undo(made.id)
        assert [a.name for a in library.albums()] == []
        assert library.redoable().id == made.id and library.redo_refused() is None
        again = library.redo()
        assert "(and the 2 later changes to it)" in again.note
        dogs = library.album("Dogs")
        assert len(dogs.rejected) == 1 and len(dogs.positives) == 2
        assert library.redoable() is None  # nothing left undone
        with pytest.raises(NothingToRedo):
            library.redo()


def test_a_group_rename_is_redone_and_a_later_action_ends_redo(library: Path, tiny_model: Path) -> None:
    from photoorg.core.settings import Settings, save_settings

    lib = library
    for i in range(10, 20):  # with these, the tiny model makes groups (as the app's tests have it)
        make_photo(lib / "2025" / f"img_{i:03d}.jpg", seed=i, quality=90)
    settings = Settings(folders=[str(lib)], model=str(tiny_model), device="cpu", min_group_size=2)
    save_settings(locations(), settings)
    with Library(locations()) as library:
        library.scan()
        groups = [g for g in library.groups() if g.id is not None and g.id >= 0]
        gid = groups[0].id
        library.rename_group(gid, "Garden")
        library.undo()
        assert all(g.name != "Garden" for g in library.groups())
        library.redo()
        assert next(g for g in library.groups() if g.id == gid).name == "Garden"
        library.undo()
        library.create_album("Cats", [str(lib / "2023" / "img_000.jpg")])  # done since: no redo
        assert library.redoable() is None
        # A rename undone out of order, while a later one of the same group stands, is refused
        # (a hostile review: it said "undid" and the group kept its newer name).
        first = library.rename_group(gid, "Pond")
        second = library.rename_group(gid, "Lake")
        refused = f"renamed again by action {second}: undo action {second} first"
        with pytest.raises(PhotoorgError, match=refused):
            library.undo(first)
        assert next(g for g in library.groups() if g.id == gid).name == "Lake"
        # Groups made anew after an undo: the ids may be other groups' now, so no redo (a
        # hostile review: the redo renamed a group that did not exist at the rename).
        library.undo(second)
        for i in range(30, 34):
            make_photo(lib / "2026" / f"img_{i:03d}.jpg", seed=i, quality=90)
        library.scan()
        library.groups()
        assert library.redoable() is None and "made anew since" in (library.redo_refused() or "")


def test_redo_is_refused_for_an_organize_that_renamed_photos_and_an_undo_that_put_nothing_back(
    lib: Path, tmp_path: Path
) -> None:
    """A hostile review: redo of an organize by a name template put the photos under their old
    names; and Redo was offered for an action whose undo put nothing back, then failed with
    "Nothing ... can be done again: ."."""
    from photoorg.core.library import OrganizeRequest

    photo = lib / "a" / "p0.jpg"
    with Library(locations()) as library:
        request = OrganizeRequest(
            "date", str(tmp_path / "sorted"), template="{year}/{year} {name}", file_date=True
        )
        plan = library.organize_plan(request, paths=[str(photo)])
        outcome, _ = library.organize(plan)
        [done] = [s.target for s in outcome.done]
        assert Path(done).name != photo.name  # the template named it
        library.undo()
        assert photo.exists()
        assert library.redoable() is None
        assert "gave photos new names (p0.jpg became " in (library.redo_refused() or "")
        with pytest.raises(NothingToRedo, match="gave photos new names"):
            library.redo()
        # A trash whose file left the trash before its undo: the undo puts nothing back.
        gone = library.act(Action.TRASH, [str(photo)])
        [step] = gone.done
        Path(step.target).unlink()  # the trash was emptied
        library.undo()
        assert library.redoable() is None
        assert library.redo_refused() == (
            f"The undo of action {gone.batch} (trash 1 photo) put nothing back: there is nothing to do again."
        )


def test_redo_puts_nothing_where_a_first_run_would_refuse_to(lib: Path, tmp_path: Path) -> None:
    """A hostile review: a move undone, its destination protected since: the redo moved the
    photo in ("Done ... 'photoorg undo' takes it back"), and that undo then refused it."""
    dest = lib / "Sorted"  # a folder of the library
    photo = lib / "a" / "p2.jpg"
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(photo)], str(dest))
        library.undo()
        library.set_protected(str(dest), True)
        # Said before it is tried: Edit > Redo is not offered (a second hostile review).
        assert library.redoable() is None and "lift the protection first" in (library.redo_refused() or "")
        with pytest.raises(NothingToRedo, match=r"cannot be done again now: .*protected folder"):
            library.redo()
        assert photo.exists() and not (dest / "p2.jpg").exists()
        library.set_protected(str(dest), False)
        library.redo()  # lifted: it can
    assert not photo.exists() and (dest / "p2.jpg").exists()


def test_redo_leaves_alone_another_photo_put_where_the_undone_one_was(lib: Path, tmp_path: Path) -> None:
    """A hostile review: a trash undone; the person moved the photo away, put another picture
    under its name and the library was scanned: redo trashed that other picture."""
    photo, other = lib / "a" / "p0.jpg", lib / "a" / "p1.jpg"
    with Library(locations()) as library:
        library.act(Action.TRASH, [str(photo)])
        library.undo()
        kept = photo.read_bytes()
        photo.rename(tmp_path / "aside.jpg")
        photo.write_bytes(other.read_bytes())  # another picture, the same name
        library.scan()
        with pytest.raises(
            NothingToRedo, match=r"changed since action 1 \(edited, or another put in its place\)"
        ):
            library.redo()
    assert photo.read_bytes() == other.read_bytes() and trashed(tmp_path) == []
    assert (tmp_path / "aside.jpg").read_bytes() == kept


def test_redo_puts_nothing_in_photoorgs_own_folders_through_a_link(lib: Path, tmp_path: Path) -> None:
    """A hostile review: the undone move's folder replaced by a link into photoorg's data
    folder, and the redo moved the photo there (where a first run refuses to)."""
    dest = lib / "Sorted"
    photo = lib / "a" / "p2.jpg"
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(photo)], str(dest))
        library.undo()
        own = Path(library.where.data) / "sessions-of-someone"
        own.mkdir(parents=True)
        dest.symlink_to(own, target_is_directory=True)
        with pytest.raises(NothingToRedo, match="inside photoorg's own folders"):
            library.redo()
    assert photo.exists() and not any(own.iterdir())


def test_redo_says_a_photo_saved_again_since_may_have_been_edited(lib: Path, tmp_path: Path) -> None:
    """A second hostile review: a photo rotated and saved again after the undo was refused as
    "another photo is there now" (an edit and a photo put in its place look the same)."""
    from PIL import Image

    photo = lib / "a" / "p0.jpg"
    with Library(locations()) as library:
        library.act(Action.TRASH, [str(photo)])
        library.undo()
        with Image.open(photo) as img:
            img.transpose(Image.Transpose.ROTATE_90).save(photo)  # edited in place
        library.scan()
        with pytest.raises(NothingToRedo, match=r"the photo there changed since action 1 \(edited"):
            library.redo()
    assert photo.exists() and trashed(tmp_path) == []


def test_redo_says_why_it_goes_no_further_back(lib: Path, tmp_path: Path) -> None:
    """A new-user review: two moves undone, the last undone redone; the next redo said "nothing
    was undone since the last action", with an action undone right there."""
    with Library(locations()) as library:
        first = library.act(Action.MOVE, [str(lib / "a" / "p0.jpg")], str(tmp_path / "A"))
        library.act(Action.MOVE, [str(lib / "a" / "p1.jpg")], str(tmp_path / "B"))
        library.undo()
        library.undo()
        library.redo()  # the first again: a new action
        with pytest.raises(
            NothingToRedo,
            match=rf"action {first.batch} \(move 1 photo to A\) was undone, but an action was done since",
        ):
            library.redo()


def test_a_duplicate_clean_up_is_never_redone_whatever_the_kept_photo_is_called(lib: Path) -> None:
    """A hostile review: a clean-up whose kept photo's name held a new line was taken for a plain
    trash, and its redo trashed the last copy once the kept one was gone."""
    kept = lib / "a" / "IMG (1)\n(x).jpg"
    (lib / "a" / "p0.jpg").rename(kept)
    copy = lib / "b" / "zz copy.jpg"
    copy.parent.mkdir()
    copy.write_bytes(kept.read_bytes())
    with Library(locations()) as library:
        library.scan()
        library.trash_from_sets([([str(kept), str(copy)], [str(copy)])])
        library.undo()
        kept.unlink()  # gone outside photoorg: the copy is the last one
        with pytest.raises(NothingToRedo, match="Clean up again from the duplicate sets"):
            library.redo()
    assert copy.exists()
