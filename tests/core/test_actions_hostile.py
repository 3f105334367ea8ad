"""What a hostile review of the file actions found (each test failed before its fix): a person,
or another program, changing files while photoorg works or between a crash and the recovery."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from photoorg.core import actions, fileops, recovery
from photoorg.core import undo as undoing
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog, fingerprint_file
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import SourceChanged, inode_key
from photoorg.core.pipeline import run_scan
from photoorg.core.set_choices import cleanable, unchecked_elsewhere
from photoorg.core.trash import move_to_trash
from tests.conftest import make_photo


@pytest.fixture
def lib(tmp_path: Path):
    folder = tmp_path / "lib"
    for i in range(4):
        make_photo(folder / f"p{i}.jpg", seed=300 + i, size=(96, 72))
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([folder], catalog, Embedder(str(tmp_path / "none")))  # fingerprints only
    yield folder, catalog
    catalog.close()


@pytest.fixture
def other_fs() -> Path:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == Path(tempfile.gettempdir()).stat().st_dev:
        pytest.skip("no second file system (/dev/shm) here")
    folder = Path(tempfile.mkdtemp(dir=shm))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def planned(catalog: Catalog, action: Action, source: Path, target: Path | None) -> int:
    batch = catalog.begin_batch(action.value, "killed")
    return catalog.journal_add(batch, action.value, str(source), str(target) if target else None,
                               catalog.file_row(str(source)))  # fmt: skip


def edit(path: Path, seed: int) -> bytes:
    """The person saves another picture over ``path`` (a new file renamed over it)."""
    new = make_photo(path.with_name(".edit.jpg"), seed=seed, size=(96, 72))
    os.replace(new, path)
    return path.read_bytes()


def test_recovery_never_removes_a_source_that_changed_after_a_killed_move(lib, other_fs) -> None:
    """F1: killed after the verified copy was named, before the source was removed; the person
    then saved another picture over the source. Recovery used to delete it."""
    folder, catalog = lib
    source = folder / "p0.jpg"
    old = source.read_bytes()
    entry = planned(catalog, Action.MOVE, source, other_fs / "p0.jpg")
    shutil.copy2(source, other_fs / "p0.jpg")  # the verified copy, named and journaled
    catalog.journal_update(entry, target=str(other_fs / "p0.jpg"), placed=inode_key(str(other_fs / "p0.jpg")))
    new = edit(source, 999)
    notes = recovery.reconcile(catalog)
    assert "both versions are kept" in notes[0]
    assert source.read_bytes() == new and (other_fs / "p0.jpg").read_bytes() == old
    undoing.undo(catalog)  # the moved version comes back beside the new one
    assert (folder / "p0 (1).jpg").read_bytes() == old and source.read_bytes() == new


def test_recovery_never_removes_a_moved_photo_that_changed_after_a_killed_undo(lib, tmp_path) -> None:
    """F2: an undo killed after the photo had its old name again, before the other name went;
    then an editor saved a new version at the moved place. Recovery used to delete it."""
    folder, catalog = lib
    source = folder / "p1.jpg"
    old = source.read_bytes()
    steps = actions.plan(catalog, Action.MOVE, [str(source)], str(tmp_path / "dest"))
    outcome = actions.execute(catalog, Action.MOVE, steps, "move")
    moved = Path(outcome.done[0].target)
    [entry] = catalog.journal_entries(outcome.batch)
    catalog.journal_update(entry.id, state="undoing", undo_target=str(source))
    os.link(moved, source)  # the undo's new name ...
    catalog.journal_update(entry.id, placed=inode_key(str(source)))  # ... journaled; killed here
    new = edit(moved, 4242)
    notes = recovery.reconcile(catalog)
    assert "both versions are kept" in notes[0]
    assert source.read_bytes() == old and moved.read_bytes() == new


def test_a_source_replaced_during_a_copy_across_disks_is_kept(lib, other_fs) -> None:
    """F3: while a move to another disk wrote its copy, another program saved a new version
    over the source: the new version used to be deleted when the move finished."""
    folder, _ = lib
    source = folder / "p2.jpg"
    old = source.read_bytes()
    expected = fingerprint_file(str(source))
    saved: list[bytes] = []

    # Saved before the copy read it: the copy is not the journaled content, nothing moves.
    with pytest.raises(OSError, match="changed while it was being copied"):
        fileops.place(str(source), str(other_fs / "p2.jpg"), keep_src=False, fingerprint=expected,
                      tag="t", on_temp=lambda _t: saved.append(edit(source, 777)))  # fmt: skip
    assert source.read_bytes() == saved[0] and list(other_fs.iterdir()) == []
    # Saved after the copy was made: both versions stay.
    expected = fingerprint_file(str(source))
    with pytest.raises(SourceChanged) as info:
        fileops.place(str(source), str(other_fs / "p2.jpg"), keep_src=False, fingerprint=expected,
                      tag="t", on_named=lambda _f: saved.append(edit(source, 778)))  # fmt: skip
    assert Path(info.value.placed).read_bytes() == saved[0] and source.read_bytes() == saved[1]
    assert old != saved[0]


def test_a_source_replaced_during_a_move_on_one_disk_is_kept(lib, tmp_path) -> None:
    folder, _ = lib
    source = folder / "p3.jpg"
    old = source.read_bytes()
    saved: list[bytes] = []
    with pytest.raises(SourceChanged):
        fileops.place(str(source), str(tmp_path / "d" / "p3.jpg"), keep_src=False, fingerprint=None, tag="t",
                      on_named=lambda _final: saved.append(edit(source, 778)))  # fmt: skip
    assert (tmp_path / "d" / "p3.jpg").read_bytes() == old and source.read_bytes() == saved[0]


def test_a_source_moved_away_or_deleted_during_a_move_on_one_disk_is_said_so(lib, tmp_path) -> None:
    """A hostile review: two photoorgs of two libraries over one folder; the other one moved
    the photo away while this one named it: "replaced by a new version; the new version stays
    at <the source>", nothing there, and a second name of the photo kept ("p (1).jpg")."""
    folder, _ = lib
    source, away = folder / "p3.jpg", tmp_path / "elsewhere.jpg"
    old = source.read_bytes()
    with pytest.raises(FileNotFoundError, match="moved away by another program"):
        fileops.place(str(source), str(tmp_path / "d" / "p3.jpg"), keep_src=False, fingerprint=None, tag="t",
                      on_named=lambda _final: source.rename(away))  # fmt: skip
    assert away.read_bytes() == old and not (tmp_path / "d" / "p3.jpg").exists()  # one name: its own
    # Deleted meanwhile: the name given here is the only one left, and the move is done.
    source = folder / "p2.jpg"
    old = source.read_bytes()
    placed = fileops.place(str(source), str(tmp_path / "d" / "p2.jpg"), keep_src=False, fingerprint=None,
                           tag="t", on_named=lambda _final: source.unlink())  # fmt: skip
    assert Path(placed).read_bytes() == old and not source.exists()
    # ... also a photo with another name from before (a backup's hard link): deleted, not moved
    # away (a second hostile review: counted moved, its name here taken back, the photo left
    # only in the backup).
    source, backup = folder / "p1.jpg", tmp_path / "backup.jpg"
    os.link(source, backup)
    placed = fileops.place(str(source), str(tmp_path / "d" / "p1.jpg"), keep_src=False, fingerprint=None,
                           tag="t", on_named=lambda _final: source.unlink())  # fmt: skip
    assert Path(placed).read_bytes() == backup.read_bytes() and Path(placed).samefile(backup)


def test_a_replaced_source_is_reported_and_both_versions_can_be_undone(lib, other_fs, monkeypatch) -> None:
    folder, catalog = lib
    source = folder / "p2.jpg"
    old = source.read_bytes()
    real_copy = fileops.copy_verified

    def copy_then_edit(*args, **kwargs):
        final = real_copy(*args, **kwargs)
        edit(source, 9001)  # saved just as the copy finished
        return final

    monkeypatch.setattr(fileops, "copy_verified", copy_then_edit)
    steps = actions.plan(catalog, Action.MOVE, [str(source)], str(other_fs))
    outcome = actions.execute(catalog, Action.MOVE, steps, "move")
    monkeypatch.undo()
    [(_, reason)] = outcome.failed
    assert "replaced by a new version" in reason and outcome.batch is not None
    assert (other_fs / "p2.jpg").read_bytes() == old and source.exists()
    undoing.undo(catalog)
    assert (folder / "p2 (1).jpg").read_bytes() == old


def test_undoing_an_old_copy_never_trashes_the_original(lib, tmp_path) -> None:
    """F4: copy a photo, trash the copy, move the original to where the copy was, then undo
    the copy: undo used to trash the original (same content, so it passed the check)."""
    folder, catalog = lib
    original = folder / "p0.jpg"
    data = original.read_bytes()
    dest = tmp_path / "dest"
    copied = actions.execute(
        catalog, Action.COPY, actions.plan(catalog, Action.COPY, [str(original)], str(dest)), "c"
    )
    copy = Path(copied.done[0].target)
    actions.execute(catalog, Action.TRASH, actions.plan(catalog, Action.TRASH, [str(copy)]), "t")
    actions.execute(catalog, Action.MOVE, actions.plan(catalog, Action.MOVE, [str(original)], str(dest)), "m")
    assert copy.read_bytes() == data  # the original, now where the copy was
    undone = undoing.undo(catalog, copied.batch)
    assert not undone.done and "not the copy this action made" in undone.failed[0][1]
    assert copy.read_bytes() == data


def test_undoing_a_copy_never_trashes_the_last_copy_of_a_photo(lib, tmp_path) -> None:
    """Found by a hostile review: copy a photo into the library, trash the original (allowed:
    the copy stays), undo the copy: the copy went to the trash too, and no copy of the photo
    was left in the library. So does an import from a memory card that was cleared since."""
    folder, catalog = lib
    original, edited = folder / "p0.jpg", folder / "p1.jpg"
    data = original.read_bytes()
    backup = folder / "backup"
    copied = actions.execute(
        catalog,
        Action.COPY,
        actions.plan(catalog, Action.COPY, [str(original), str(edited)], str(backup)),
        "c",
    )
    trashed = actions.execute(
        catalog, Action.TRASH, actions.plan(catalog, Action.TRASH, [str(original)]), "t"
    )
    edit(edited, 32)  # the original changed since: the copy holds the only old version
    undone = undoing.undo(catalog, copied.batch)
    assert not undone.done and len(undone.failed) == 2
    assert all("now the only one of this photo" in reason for _, reason in undone.failed)
    assert (backup / "p0.jpg").read_bytes() == data  # still in the library, where it was

    # With the original put back (the trash undone), the copy is a copy again: undone.
    assert undoing.undo(catalog, trashed.batch).done
    again = undoing.undo(catalog, copied.batch)
    assert [Path(step.source).name for step in again.done] == ["p0.jpg"]
    assert not (backup / "p0.jpg").exists() and original.read_bytes() == data
    assert "now the only one" in again.failed[0][1]  # the edited one's old version stays


def test_an_edited_copy_does_not_count_as_a_copy(lib) -> None:
    """F5: a, b and c were copies; c was edited since the scan. Trashing a and b trashed the
    last two copies of the photo."""
    folder, catalog = lib
    a = folder / "p0.jpg"
    b, c = folder / "b.jpg", folder / "c.jpg"
    shutil.copy2(a, b)
    shutil.copy2(a, c)
    run_scan([folder], catalog, Embedder(str(folder / "none")))
    edit(c, 31)
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan(catalog, Action.TRASH, [str(a), str(b)])


def test_sets_cleaned_together_still_keep_one_photo_each(lib) -> None:
    """F11: "Trash unchecked in all reviewed sets": the keeper of one set was unchecked in
    another set, and both went."""
    folder, catalog = lib
    a, a2, small = str(folder / "p0.jpg"), str(folder / "a2.jpg"), str(folder / "p1.jpg")
    shutil.copy2(a, a2)
    run_scan([folder], catalog, Embedder(str(folder / "none")))
    plan = [([a, a2], [a2]), ([a, small], [a])]
    with pytest.raises(PhotoorgError, match=f"{re.escape(a)}, which it keeps, is unchecked in another set"):
        actions.plan_set_cleanup(catalog, plan)
    assert os.path.exists(a) and os.path.exists(a2)
    # Said before the question, with the sets that can go (an app review: asked, then refused).
    assert unchecked_elsewhere(plan) == [(0, a)] and cleanable(plan) == []
    fine = ([small, str(folder / "p2.jpg")], [str(folder / "p2.jpg")])
    assert cleanable([*plan, fine]) == [2]


def test_a_clean_up_never_keeps_only_a_copy_outside_the_library(lib, tmp_path) -> None:
    """A hostile review: 'duplicates CARD ~/Pictures --trash' kept the card's copy and trashed
    the library's, whatever the keeper rules said: the set keeps one in the library."""
    folder, catalog = lib
    card = tmp_path / "card"
    card.mkdir()
    a, on_card = str(folder / "p0.jpg"), str(card / "p0.jpg")
    shutil.copy2(a, on_card)
    run_scan([card], catalog, Embedder(str(folder / "none")))
    with pytest.raises(PhotoorgError, match=f"and keep only {re.escape(on_card)}, outside it"):
        actions.plan_set_cleanup(catalog, [([a, on_card], [a])], library=[str(folder)], looked_at=[str(card)])
    steps = actions.plan_set_cleanup(catalog, [([a, on_card], [on_card])], library=[str(folder)])
    assert [s.source for s in steps if s.skip is None] == [on_card]


def test_a_trash_by_copy_killed_before_the_original_went_is_completed(lib, tmp_path, monkeypatch) -> None:
    """F12: the disk's own trash unusable, photoorg copied into the home trash and was killed
    before removing the original: a full copy and its record stayed in the trash, unknown to
    the journal, and the history kept an empty action."""
    from photoorg.core import trash

    folder, catalog = lib
    source = folder / "p3.jpg"
    data = source.read_bytes()
    entry = planned(catalog, Action.TRASH, source, None)
    monkeypatch.setattr(trash, "remove_if_unchanged", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):  # the kill, right after the copy was named
        trash._home_trash_by_copy(source, None, lambda loc, info: catalog.journal_update(
            entry, target=loc, trash_info=info, placed=inode_key(loc)))  # fmt: skip
    monkeypatch.undo()
    notes = recovery.reconcile(catalog)
    assert "completed" in notes[0] and not source.exists()
    [batch] = catalog.batches()[0]
    assert batch.files == 1
    undoing.undo(catalog, batch.id)
    assert source.read_bytes() == data
    assert not list((tmp_path / "xdg-data" / "Trash" / "files").iterdir())


def test_the_same_photo_named_through_a_link_acts_on_the_catalogued_name(lib, tmp_path) -> None:
    """F13 and F10: a folder link and a file link to a catalogued photo."""
    folder, catalog = lib
    alias = tmp_path / "alias"
    alias.symlink_to(folder)
    [step] = actions.plan(catalog, Action.TRASH, [str(alias / "p0.jpg"), str(folder / "p0.jpg")])
    assert step.source == str(folder / "p0.jpg") and step.skip is None
    link = folder / "0fav.jpg"
    link.symlink_to(folder / "p1.jpg")
    [step] = actions.plan(catalog, Action.MOVE, [str(link)], str(tmp_path / "x"))
    assert step.skip and "a link to" in step.skip


def test_a_photo_and_a_link_to_it_are_catalogued_by_the_photos_own_name(tmp_path) -> None:
    from photoorg.core.scanner import scan

    folder = tmp_path / "lib"
    make_photo(folder / "a.jpg", seed=1)
    (folder / "0fav.jpg").symlink_to("a.jpg")  # sorts first
    outside = make_photo(tmp_path / "elsewhere" / "b.jpg", seed=2)
    (folder / "b-link.jpg").symlink_to(outside)  # the only way to reach b
    assert [Path(r.path).name for r in scan([folder])] == ["a.jpg", "b-link.jpg"]


def test_moving_a_trashed_copy_back_checks_every_byte(lib) -> None:
    """The content check of undo reads the file: a changed byte is caught whatever the size."""
    folder, catalog = lib
    source = folder / "p1.jpg"
    outcome = actions.execute(catalog, Action.TRASH, actions.plan(catalog, Action.TRASH, [str(source)]), "t")
    in_trash = Path(outcome.done[0].target)
    data = bytearray(in_trash.read_bytes())
    data[100] ^= 1
    in_trash.write_bytes(bytes(data))
    undone = undoing.undo(catalog)
    assert undone.failed and not source.exists()
    assert fingerprint_file(str(in_trash)) != catalog.journal_entries()[0].fingerprint


def test_trash_works_for_names_too_long_for_the_trash_record(lib, tmp_path) -> None:
    _folder, _ = lib
    name = "x" * 240 + ".jpg"
    photo = make_photo(tmp_path / "long" / name, seed=5, size=(32, 24))
    trashed = move_to_trash(photo)
    assert Path(trashed.location).exists() and Path(trashed.info).exists() and not photo.exists()


def test_a_copy_outside_the_library_does_not_count_as_the_copy_that_stays(lib, tmp_path) -> None:
    """Found by a new user: photos imported from a memory card were still catalogued on the
    card, so trashing both copies in the library was allowed ("a copy is left": on the card,
    which is wiped next). The card's copy no longer counts; copies in the library still do."""
    folder, catalog = lib
    card = tmp_path / "card" / "DCIM"
    card.mkdir(parents=True)
    shutil.copy2(folder / "p0.jpg", card / "IMG_0001.JPG")
    shutil.copy2(folder / "p0.jpg", folder / "p0 (1).jpg")
    run_scan([folder, card], catalog, Embedder(str(tmp_path / "none")))
    both = [str(folder / "p0.jpg"), str(folder / "p0 (1).jpg")]
    with pytest.raises(PhotoorgError, match="outside the library") as refused:
        actions.plan(catalog, Action.TRASH, both, library=[str(folder)])
    assert "IMG_0001.JPG" in str(refused.value)
    steps = actions.plan(catalog, Action.TRASH, both[1:], library=[str(folder)])
    assert [s.skip for s in steps] == [None]  # one of the two library copies may go
    # Cleaning up a duplicate set is held to the same rule.
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan_set_cleanup(catalog, [(both, both[1:]), (both, both[:1])], library=[str(folder)])
    assert all(os.path.exists(p) for p in both)


def test_another_name_of_a_photo_that_goes_is_not_the_copy_that_stays(lib, tmp_path) -> None:
    """Found by a hostile review: a folder of the library also reached through a linked folder
    (each scanned on its own), so every photo had two names; trashing a photo and its real copy was
    allowed, the link's names counting as the copies that stay. And a duplicate set of a
    photo and a link to it kept the link and trashed the photo."""
    from photoorg.core.duplicates import Verdict, find_duplicates

    folder, catalog = lib
    shutil.copy2(folder / "p0.jpg", folder / "p0 copy.jpg")
    linked = tmp_path / "PhoneLink"
    linked.symlink_to(folder, target_is_directory=True)
    run_scan([folder], catalog, Embedder(str(tmp_path / "none")))
    run_scan([linked], catalog, Embedder(str(tmp_path / "none")))  # a scan of the linked folder alone
    assert catalog.file_row(str(linked / "p0 copy.jpg")) is not None  # catalogued by both names
    both = [str(folder / "p0.jpg"), str(folder / "p0 copy.jpg")]
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan(catalog, Action.TRASH, both, library=[str(folder), str(linked)])
    # A set that offers a link to the photo as the one to keep cannot trash the photo.
    alias = [str(linked / "p0.jpg"), str(folder / "p0.jpg")]
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan_set_cleanup(catalog, [(alias, alias[1:])], library=[str(folder), str(linked)])
    # And duplicate sets name each file once, by its real name.
    [exact] = [s for s in find_duplicates(catalog, None) if s.verdict is Verdict.EXACT]
    assert sorted(p.path for p in exact.photos) == sorted(both)
    assert all(os.path.exists(p) for p in both)


@pytest.mark.parametrize("action", [Action.MOVE, Action.COPY])
def test_a_name_at_the_length_limit_gets_its_number_by_shortening(lib, tmp_path, action) -> None:
    """Found by a hostile review: a 254-byte name already taken at the destination became
    "name (1).jpg", 258 bytes: the dry run promised it, the action failed (File name too long)."""
    folder, catalog = lib
    name = "é" * 125 + ".jpg"  # 254 bytes in UTF-8
    source = folder / name
    shutil.copy2(folder / "p0.jpg", source)
    run_scan([folder], catalog, Embedder(str(folder / "none")))
    dest = tmp_path / "dest"
    make_photo(dest / name, seed=77, size=(96, 72))  # another photo has the name there
    steps = actions.plan(catalog, action, [str(source)], str(dest))
    planned_name = os.path.basename(steps[0].target)
    assert planned_name.endswith(" (1).jpg") and len(os.fsencode(planned_name)) <= 255
    done = actions.execute(catalog, action, steps, "long name")
    assert done.failed == [] and [s.target for s in done.done] == [steps[0].target]
    assert Path(steps[0].target).read_bytes() == (folder / "p0.jpg").read_bytes()
    assert undoing.undo(catalog, done.batch).failed == []
    assert source.read_bytes() == (folder / "p0.jpg").read_bytes() and not Path(steps[0].target).exists()


def test_probe_files_a_killed_photoorg_left_are_cleared_and_nothing_else(tmp_path, monkeypatch) -> None:
    """A hostile review: a kill while photoorg probed a folder for hard links left
    ``.photoorg-probe-….part`` and its ``.link`` there for good. The next probe of that folder
    clears them: only ours, empty and old; a probe being made now, or any file with content,
    stays."""
    from photoorg.core import fileops

    folder = tmp_path / "dest"
    folder.mkdir()
    old = [folder / ".photoorg-probe-0badf00d.part", folder / ".photoorg-probe-0badf00d.part.link"]
    fresh = folder / ".photoorg-probe-12345678.part"
    full = folder / ".photoorg-probe-87654321.part"
    photo = folder / ".photoorg-probe-photo.jpg"
    for f in [*old, fresh]:
        f.write_bytes(b"")
    full.write_bytes(b"someone's data")
    photo.write_bytes(b"a photo")
    for f in [*old, full, photo]:
        os.utime(f, (1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(fileops, "_LINKS", {})  # not probed yet in this process
    fileops._links_ok(str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (fresh, full, photo))


def test_a_trash_by_copy_killed_before_its_copy_leaves_no_record_in_the_home_trash(
    tmp_path, other_fs
) -> None:
    """A hostile review: the drive's trash unusable, photoorg reserved the photo's name in the
    home trash (its .trashinfo, written first) and was killed before the copy; recovery said
    "interrupted before it happened" and left the record, a trashed file with no file."""
    from photoorg.core import trash

    source = make_photo(other_fs / "p.jpg", seed=9, size=(96, 72))
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([other_fs], catalog, Embedder(str(tmp_path / "none")))
    planned(catalog, Action.TRASH, source, None)
    home = tmp_path / "xdg-data" / "Trash"
    trash._reserve(home, source, str(source))  # then the kill
    assert len(list((home / "info").iterdir())) == 1
    notes = recovery.reconcile(catalog)
    catalog.close()
    assert "interrupted before it happened" in notes[0] and source.exists()
    assert not list((home / "info").iterdir())
