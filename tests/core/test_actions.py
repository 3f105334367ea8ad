"""File actions: trash, move, copy, undo and recovery never lose a photo, and undo never lies."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from photoorg.core import actions, recovery
from photoorg.core import undo as undoing
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog, fingerprint_file
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import locations
from photoorg.core.pipeline import run_scan
from photoorg.core.undo import NothingToUndo
from photoorg.core.undo_words import undone_note
from tests.conftest import make_photo


@pytest.fixture
def scanned(library, tiny_model, photoorg_home):
    catalog = Catalog(locations().catalog)
    run_scan([library], catalog, Embedder(str(tiny_model), device="cpu"))
    yield library, catalog
    catalog.close()


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def trash_folder(tmp_path: Path) -> Path:
    return tmp_path / "xdg-data" / "Trash"


def do(catalog, action, paths, dest=None, protected=()):
    steps = actions.plan(catalog, action, [str(p) for p in paths], str(dest) if dest else None, protected)
    return actions.execute(catalog, action, steps, f"{action.value} {len(paths)} photos")


def state_of(catalog: Catalog, batch: int) -> list[str]:
    return [e.state for e in catalog.journal_entries(batch)]


def test_trash_then_undo_restores_file_and_catalog(scanned, tmp_path) -> None:
    library, catalog = scanned
    before = snapshot(library)
    victim = library / "2023" / "img_001.jpg"
    row_before = next(p for p in catalog.photos() if p.path == str(victim))
    outcome = do(catalog, Action.TRASH, [victim])
    assert [s.source for s in outcome.done] == [str(victim)] and not victim.exists()
    trashed = trash_folder(tmp_path) / "files" / "img_001.jpg"
    assert trashed.read_bytes() == before["2023/img_001.jpg"]
    info = (trash_folder(tmp_path) / "info" / "img_001.jpg.trashinfo").read_text()
    assert f"Path={victim}" in info
    assert str(victim) not in {p.path for p in catalog.photos()}

    with Catalog(locations().catalog) as reopened:  # undo works after a restart
        undone = undoing.undo(reopened)
        assert [s.target for s in undone.done] == [str(victim)]
        assert snapshot(library) == before
        assert not trashed.exists()
        assert next(p for p in reopened.photos() if p.path == str(victim)) == row_before
        with pytest.raises(NothingToUndo, match="nothing to undo"):
            undoing.undo(reopened)


def test_move_never_overwrites_keeps_mtime_and_vector(scanned, tmp_path) -> None:
    library, catalog = scanned
    dest = tmp_path / "Sorted"
    make_photo(dest / "img_000.jpg", seed=777)  # a different photo already has the name
    source = library / "2023" / "img_000.jpg"
    mtime = source.stat().st_mtime_ns
    [model] = catalog.models()
    paths, vectors = catalog.vectors(model.id)
    vector = vectors[paths.index(str(source))]
    outcome = do(catalog, Action.MOVE, [source], dest)
    target = dest / "img_000 (1).jpg"
    assert [s.target for s in outcome.done] == [str(target)]
    assert not source.exists() and target.stat().st_mtime_ns == mtime
    assert (dest / "img_000.jpg").exists()  # untouched
    paths, vectors = catalog.vectors(model.id)
    assert (vectors[paths.index(str(target))] == vector).all()
    undoing.undo(catalog)
    assert source.exists() and not target.exists() and source.stat().st_mtime_ns == mtime


def test_copy_and_its_undo_which_trashes_the_copy(scanned, tmp_path) -> None:
    library, catalog = scanned
    source = library / "2024" / "img_006.png"
    dest = tmp_path / "Backup"
    do(catalog, Action.COPY, [source], dest)
    copy = dest / "img_006.png"
    assert copy.read_bytes() == source.read_bytes()
    assert copy.stat().st_mtime_ns == source.stat().st_mtime_ns  # the file's date is kept
    assert {str(source), str(copy)} <= {p.path for p in catalog.photos()}
    assert not [p for p in dest.iterdir() if p.name.startswith(".photoorg-")]  # no temporary file left
    undoing.undo(catalog)
    assert source.exists() and not copy.exists()
    assert (trash_folder(tmp_path) / "files" / "img_006.png").exists()  # trashed, not deleted


def test_changed_missing_uncatalogued_and_protected_files_are_skipped(scanned, tmp_path) -> None:
    library, catalog = scanned
    changed = library / "2023" / "img_002.jpg"
    changed.write_bytes(changed.read_bytes() + b"\0")
    gone = library / "2023" / "img_003.jpg"
    gone.unlink()
    stranger = make_photo(library / "new.jpg", seed=5)
    protected = library / "2024" / "img_008.png"
    steps = actions.plan(
        catalog,
        Action.TRASH,
        [str(changed), str(gone), str(stranger), str(protected)],
        protected=[str(library / "2024")],
    )
    reasons = {Path(s.source).name: s.skip for s in steps}
    assert "changed" in reasons["img_002.jpg"]
    assert "no longer there" in reasons["img_003.jpg"]
    assert "not in the catalog" in reasons["new.jpg"]
    assert "protected" in reasons["img_008.png"]
    before = snapshot(library)
    outcome = actions.execute(catalog, Action.TRASH, steps, "nothing")
    assert outcome.batch is None and not outcome.done and snapshot(library) == before
    assert catalog.batches()[1] == 0  # nothing done: nothing recorded


def test_same_content_changed_in_place_is_caught_by_fingerprint(scanned) -> None:
    library, catalog = scanned
    target = library / "2023" / "img_004.jpg"
    st = target.stat()
    data = bytearray(target.read_bytes())
    data[-3] ^= 0xFF  # same size
    target.write_bytes(bytes(data))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # and same mtime
    [step] = actions.plan(catalog, Action.TRASH, [str(target)])
    assert step.skip and "content changed" in step.skip


def test_plan_touches_nothing(scanned, tmp_path) -> None:
    library, catalog = scanned
    before = snapshot(library)
    steps = actions.plan(catalog, Action.MOVE, [str(p) for p in library.rglob("*.jpg")], str(tmp_path / "x"))
    assert all(s.target for s in steps) and snapshot(library) == before
    assert not (tmp_path / "x").exists()


def test_history_and_undo_of_a_chosen_batch(scanned, tmp_path) -> None:
    library, catalog = scanned
    first = do(catalog, Action.TRASH, [library / "2023" / "img_005.jpg"])
    do(catalog, Action.COPY, [library / "2024" / "img_009.png"], tmp_path / "c")
    listed, total = actions.history(catalog)
    assert [b.action for b in listed] == ["copy", "trash"] and listed[1].files == 1 and total == 2
    undoing.undo(catalog, first.batch)
    assert (library / "2023" / "img_005.jpg").exists()
    with pytest.raises(PhotoorgError, match="already undone"):
        undoing.undo(catalog, first.batch)


def _planned(catalog: Catalog, action: Action, source: Path, target: Path | None) -> int:
    """Journal a step as a photoorg that is then killed would have left it: planned."""
    batch = catalog.begin_batch(action.value, "interrupted")
    return catalog.journal_add(
        batch, action.value, str(source), str(target) if target else None, catalog.file_row(str(source))
    )


def test_recovery_removes_only_its_own_temporary_file(scanned, tmp_path) -> None:
    """Killed mid-copy: the partial copy is in a journaled temporary file, which goes; the
    photo stays where it was; nothing ever had the photo's name at the destination."""
    library, catalog = scanned
    source = library / "2023" / "img_001.jpg"
    entry = _planned(catalog, Action.MOVE, source, tmp_path / "d" / "img_001.jpg")
    partial = tmp_path / "d" / ".photoorg-1-abcd.part"
    partial.parent.mkdir()
    partial.write_bytes(source.read_bytes()[:100])
    catalog.journal_update(entry, temp=str(partial))
    notes = recovery.reconcile(catalog)
    assert notes and "left undone" in notes[0]
    assert source.exists() and not partial.exists()
    assert list((tmp_path / "d").iterdir()) == []
    # Nothing happened in that action: it is not kept in the history to take up an undo.
    assert entry not in {e.id for e in catalog.journal_entries()} and catalog.batches() == ([], 0)


def test_recovery_never_touches_a_photo_it_did_not_write(scanned, tmp_path) -> None:
    """Finding 2: killed after journaling a move, before copying anything; later an unrelated
    photo appears under the planned name. Recovery must leave it alone (it used to trash it
    as 'the incomplete copy')."""
    library, catalog = scanned
    source = library / "2023" / "img_001.jpg"
    target = tmp_path / "dest" / "img_001.jpg"
    _planned(catalog, Action.MOVE, source, target)
    stranger = make_photo(target, seed=4242)
    data = stranger.read_bytes()
    notes = recovery.reconcile(catalog)
    assert "left undone" in notes[0]
    assert target.read_bytes() == data and source.exists()
    assert not trash_folder(tmp_path).exists() or not list((trash_folder(tmp_path) / "files").iterdir())


def test_recovery_completes_a_move_that_only_lacked_its_last_step(scanned, tmp_path) -> None:
    """Killed between naming the moved photo and removing the old name: the same file has two
    names; recovery finishes the move and the catalog follows it."""
    library, catalog = scanned
    source = library / "2023" / "img_002.jpg"
    target = tmp_path / "dest" / "img_002.jpg"
    entry = _planned(catalog, Action.MOVE, source, target)
    target.parent.mkdir()
    os.link(source, target)
    notes = recovery.reconcile(catalog)
    assert "completed" in notes[0]
    assert not source.exists() and target.exists()
    assert str(target) in {p.path for p in catalog.photos()} and str(source) not in {
        p.path for p in catalog.photos()
    }
    undoing.undo(catalog)
    assert source.exists() and not target.exists() and entry


def test_reconcile_finds_a_file_trashed_just_before_a_crash(scanned, tmp_path) -> None:
    from photoorg.core.trash import move_to_trash

    library, catalog = scanned
    source = library / "2024" / "img_007.png"
    data = source.read_bytes()
    entry = _planned(catalog, Action.TRASH, source, None)
    move_to_trash(source)  # ... and the process died before recording where it went
    notes = recovery.reconcile(catalog)
    assert "found in the trash" in notes[0]
    [e] = [e for e in catalog.journal_entries() if e.id == entry]
    undoing.undo(catalog, e.batch)
    assert source.read_bytes() == data


def test_recovery_skips_orphan_trash_records_and_removes_empty_ones(scanned, tmp_path) -> None:
    """Finding 8: a crash between reserving a trash name and moving the file leaves an empty
    .trashinfo; two crashes in one second left an orphan record that recovery picked over the
    real one."""
    from photoorg.core.trash import find_trashed, move_to_trash

    library, catalog = scanned
    source = library / "2024" / "img_007.png"
    size = source.stat().st_size
    trashed = move_to_trash(source)
    info = Path(trashed.info)
    stamp = next(line for line in info.read_text().splitlines() if line.startswith("DeletionDate"))
    orphan = info.with_name("img_007 1.png.trashinfo")  # a second record, same path and second
    orphan.write_text(f"[Trash Info]\nPath={source}\n{stamp}\n")
    assert find_trashed(source, size=size).location == trashed.location
    # The next trash of a file of that name is killed right after reserving its record.
    other = library / "2023" / "img_000.jpg"
    empty = info.with_name("img_000.jpg.trashinfo")
    empty.write_bytes(b"")
    _planned(catalog, Action.TRASH, other, None)
    recovery.reconcile(catalog)
    assert other.exists() and not empty.exists()


def test_undo_checks_the_content_before_moving_anything_back(scanned, tmp_path) -> None:
    """Finding 3: the moved photo was replaced by another one under the same name; undo leaves
    that one where it is, says why, and does not rewrite the catalog."""
    library, catalog = scanned
    source = library / "2023" / "img_001.jpg"
    outcome = do(catalog, Action.MOVE, [source], tmp_path / "dest")
    moved = Path(outcome.done[0].target)
    moved.unlink()  # the person deletes it, and another photo gets its name
    impostor = make_photo(moved, seed=999).read_bytes()
    undone = undoing.undo(catalog)
    assert not undone.done and "not the photo" in undone.failed[0][1]
    assert moved.read_bytes() == impostor and not source.exists()
    [e] = catalog.journal_entries(outcome.batch)
    assert e.state == "undo_failed" and e.undo_error


def test_undo_of_a_copy_never_trashes_another_photo(scanned, tmp_path) -> None:
    library, catalog = scanned
    source = library / "2024" / "img_006.png"
    outcome = do(catalog, Action.COPY, [source], tmp_path / "dest")
    copy = Path(outcome.done[0].target)
    copy.unlink()
    impostor = make_photo(copy, seed=31337).read_bytes()
    undone = undoing.undo(catalog)
    assert undone.failed and copy.read_bytes() == impostor
    assert not trash_folder(tmp_path).exists() or not list((trash_folder(tmp_path) / "files").iterdir())


def test_undo_of_a_trash_never_restores_a_later_file_of_the_same_name(scanned, tmp_path) -> None:
    library, catalog = scanned
    first = library / "2023" / "img_003.jpg"
    outcome = do(catalog, Action.TRASH, [first])
    in_trash = Path(outcome.done[0].target)
    in_trash.unlink()  # the person empties the trash (the file and its record) ...
    (in_trash.parent.parent / "info" / (in_trash.name + ".trashinfo")).unlink()
    later = make_photo(library / "later" / "img_003.jpg", seed=5150)
    run_scan([library], catalog, Embedder(str(tmp_path / "none")))
    do(catalog, Action.TRASH, [later])  # ... and another img_003.jpg takes the trash name
    assert in_trash.exists()
    undone = undoing.undo(catalog, outcome.batch)
    assert undone.failed and not first.exists() and in_trash.exists()


def test_a_partly_failed_undo_does_not_wedge_older_actions(scanned, tmp_path) -> None:
    """Finding 5: a moved photo renamed by the person made every later undo fail, and older
    actions could no longer be undone."""
    library, catalog = scanned
    trashed = do(catalog, Action.TRASH, [library / "2024" / "img_009.png"])
    paths = [library / "2023" / f"img_00{i}.jpg" for i in (0, 1, 2)]
    moved = do(catalog, Action.MOVE, paths, tmp_path / "dest")
    renamed = Path(moved.done[1].target)
    renamed.rename(renamed.with_name("renamed by me.jpg"))
    undone = undoing.undo(catalog)
    assert len(undone.done) == 2 and len(undone.failed) == 1
    assert "no longer at" in undone.failed[0][1]
    info = catalog.batch_info(moved.batch)
    assert info.undone and info.not_undone == 1
    older = undoing.undo(catalog)  # goes on with the older action
    assert older.batch == trashed.batch and (library / "2024" / "img_009.png").exists()
    renamed.with_name("renamed by me.jpg").rename(renamed)  # the person puts it back ...
    again = undoing.undo(catalog, moved.batch)  # ... and the undo of that action can finish
    assert len(again.done) == 1 and all(p.exists() for p in paths)


def test_a_photo_the_person_put_back_by_hand_is_undone_not_failed(scanned, tmp_path) -> None:
    """Found by a review: a photo taken out of the trash by hand (or moved back) made undo fail
    ("no longer at ...; moved or deleted since"), and every later undo reminded of it. It is
    where the undo would put it, with its content: the undo is done. A photo the person put
    back changed, or only a copy of, is still not taken for it."""
    library, catalog = scanned
    trashed_photo, moved_photo, edited = (library / "2023" / f"img_00{i}.jpg" for i in (1, 2, 3))
    trashed = do(catalog, Action.TRASH, [trashed_photo, edited])
    moved = do(catalog, Action.MOVE, [moved_photo], tmp_path / "dest")
    Path(moved.done[0].target).rename(moved_photo)  # moved back by hand
    undone = undoing.undo(catalog)
    assert [s.target for s in undone.done] == [str(moved_photo)] and not undone.failed
    for step in trashed.done:  # out of the trash by hand (its record left behind)
        Path(step.target).rename(step.source)
    make_photo(edited, seed=4242)  # ... and one of them edited since
    undone = undoing.undo(catalog)
    assert [s.target for s in undone.done] == [str(trashed_photo)]
    assert [s.target for s, _ in undone.failed] == [str(edited)]  # not the photo it trashed
    assert not (trash_folder(tmp_path) / "info" / "img_001.jpg.trashinfo").exists()
    assert catalog.batch_info(moved.batch).not_undone == 0
    assert catalog.files_left_behind(after=0) == [(trashed.batch, 1)]


def test_undo_into_a_folder_that_is_a_file_now_says_so(scanned, tmp_path) -> None:
    """Found by a review: the reason was the system's "File exists (/.../2023)"."""
    library, catalog = scanned
    photos = sorted((library / "2023").glob("*.jpg"))
    moved = do(catalog, Action.MOVE, photos, tmp_path / "dest")
    (library / "2023").rmdir()
    (library / "2023").write_bytes(b"a file took the folder's name")
    undone = undoing.undo(catalog)
    assert not undone.done and len(undone.failed) == len(photos)
    assert undone.failed[0][1] == (
        f"{library / '2023'} is a file now, not the folder the photo was in; the photo was left where it is"
    )
    assert all(Path(s.target).is_file() for s in moved.done)


def test_protected_folders_are_compared_with_links_resolved(scanned, tmp_path) -> None:
    """Finding 6: protecting a folder through a symbolic link, or naming the photo through
    one, must not let the photo be trashed."""
    library, catalog = scanned
    link = tmp_path / "link-to-2024"
    link.symlink_to(library / "2024")
    photo = library / "2024" / "img_006.png"
    [step] = actions.plan(catalog, Action.TRASH, [str(photo)], protected=[str(link)])
    assert step.skip == "in a protected folder"
    [step] = actions.plan(
        catalog, Action.TRASH, [str(link / "img_006.png")], protected=[str(library / "2024")]
    )
    assert step.skip == "in a protected folder"


def test_every_copy_of_a_photo_is_never_trashed(scanned) -> None:
    """Finding 7: naming every copy of an exact duplicate trashed them all."""
    library, catalog = scanned
    a = str(library / "2023" / "img_000.jpg")
    b = str(library / "copy.jpg")
    shutil.copy(a, b)
    run_scan([library], catalog, Embedder(str(library / "none")))
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan(catalog, Action.TRASH, [a, b])
    assert [s.skip for s in actions.plan(catalog, Action.TRASH, [b])] == [None]
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan_set_cleanup(catalog, [([a, b], [a, b])])
    with pytest.raises(PhotoorgError, match="not in this duplicate set"):
        actions.plan_set_cleanup(catalog, [([a, b], [str(library / "2023" / "img_001.jpg")])])


def test_a_keeper_edited_or_damaged_since_the_scan_keeps_its_copy_from_the_trash(scanned) -> None:
    """Found by a hostile review: only that the keeper existed was checked, so one damaged in
    place (size and time kept) was kept and its last good copy went to the trash."""
    library, catalog = scanned
    keeper = library / "2023" / "img_000.jpg"
    copy = str(library / "copy.jpg")
    shutil.copy(keeper, copy)
    run_scan([library], catalog, Embedder(str(library / "none")))
    stat = keeper.stat()
    data = bytearray(keeper.read_bytes())
    data[200:260] = bytes(60)  # damaged, as a failing disk or a bad copy would
    keeper.write_bytes(bytes(data))
    os.utime(keeper, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(PhotoorgError, match="no longer there as it was scanned"):
        actions.plan_set_cleanup(catalog, [([str(keeper), copy], [copy])])
    assert os.path.exists(copy)


def test_the_same_photo_named_twice_is_one_step(scanned, tmp_path) -> None:
    library, catalog = scanned
    photo = library / "2023" / "img_000.jpg"
    link = tmp_path / "alias"
    link.symlink_to(library / "2023")
    steps = actions.plan(catalog, Action.TRASH, [str(photo), str(photo), str(link / "img_000.jpg")])
    assert len(steps) == 1


def test_a_hard_link_given_with_its_other_name_is_skipped_with_the_reason(scanned, tmp_path) -> None:
    """Found by a review: trashing a photo and its hard link in another folder trashed one name
    and dropped the other without a word ("Done: 1 photo", the dry run "0 skipped"). A scan
    catalogues a file with several names once; the other name is now listed as skipped, why."""
    library, catalog = scanned
    photo = library / "2023" / "img_004.jpg"
    second = library / "2024" / "same_file.jpg"
    os.link(photo, second)
    run_scan([library], catalog, Embedder(str(tmp_path / "none")))
    for given in ([photo, second], [second, photo]):
        steps = actions.plan(catalog, Action.TRASH, [str(p) for p in given])
        assert [(s.source, s.skip) for s in steps] == [
            (str(photo), None),
            (str(second), "another name of img_004.jpg (a hard link: one photo, done by that name)"),
        ]
    outcome = do(catalog, Action.TRASH, [photo, second])
    assert [s.source for s in outcome.done] == [str(photo)] and [s.source for s in outcome.skipped] == [
        str(second)
    ]
    assert undoing.undo(catalog).done and photo.read_bytes() == second.read_bytes()


def test_moving_into_a_link_to_its_own_folder_does_nothing(scanned, tmp_path) -> None:
    library, catalog = scanned
    link = tmp_path / "same-folder"
    link.symlink_to(library / "2023")
    [step] = actions.plan(catalog, Action.MOVE, [str(library / "2023" / "img_000.jpg")], str(link))
    assert step.skip == "already in that folder"


def test_an_action_in_which_nothing_could_be_done_is_not_recorded(scanned, tmp_path) -> None:
    library, catalog = scanned
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    outcome = do(catalog, Action.MOVE, [library / "2023" / "img_000.jpg"], blocker / "sub")
    assert outcome.failed and outcome.batch is None
    assert catalog.batches() == ([], 0)
    with pytest.raises(NothingToUndo):
        undoing.undo(catalog)


def test_a_failed_move_out_of_a_folder_leaves_no_second_name(scanned, tmp_path, monkeypatch) -> None:
    """Finding 8: the source could not be removed (a folder without write permission); the
    hard link already made at the destination must go again. The failing unlink is injected:
    the tests run as root, for whom folder permissions do not hold."""
    library, catalog = scanned
    source = library / "2023" / "img_001.jpg"
    real_unlink = os.unlink

    def refuse(path, *args, **kwargs):
        if os.fspath(path) == str(source):
            raise PermissionError(13, "Permission denied", str(source))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refuse)
    outcome = do(catalog, Action.MOVE, [source], tmp_path / "dest")
    monkeypatch.undo()
    assert outcome.failed and "Permission denied" in outcome.failed[0][1]
    assert source.exists() and not (tmp_path / "dest").exists()  # nor the folder it made


def test_non_utf8_file_names_are_trashed_and_restored(tmp_path, tiny_model) -> None:
    """Finding 9: "surrogates not allowed", and an orphan .trashinfo. The trash record keeps
    the name's exact bytes, percent-encoded as the specification says."""
    folder = tmp_path / "lib"
    name = os.fsdecode(b"caf\xe9.jpg")
    photo = make_photo(folder / name, seed=3)
    data = photo.read_bytes()
    with Catalog(tmp_path / "c.sqlite3") as catalog:
        run_scan([folder], catalog, Embedder(str(tiny_model), device="cpu"))
        outcome = do(catalog, Action.TRASH, [photo])
        assert outcome.done and not photo.exists()
        info = Path(outcome.done[0].target).parent.parent / "info" / (name + ".trashinfo")
        assert "caf%E9.jpg" in info.read_text()
        undoing.undo(catalog)
        assert photo.read_bytes() == data and not info.exists()


def test_move_to_another_file_system_copies_verifies_then_removes(scanned) -> None:
    library, catalog = scanned
    other_fs = Path("/dev/shm")
    if not other_fs.is_dir() or other_fs.stat().st_dev == library.stat().st_dev:
        pytest.skip("no second file system (/dev/shm) on this machine")
    dest = Path(tempfile.mkdtemp(dir=other_fs))
    try:
        source = library / "2023" / "img_002.jpg"
        data, mtime = source.read_bytes(), source.stat().st_mtime_ns
        outcome = do(catalog, Action.MOVE, [source], dest)
        moved = dest / "img_002.jpg"
        assert [s.target for s in outcome.done] == [str(moved)]
        assert not source.exists() and moved.read_bytes() == data and moved.stat().st_mtime_ns == mtime
        assert fingerprint_file(str(moved)) == catalog.file_row(str(moved)).fingerprint
        undoing.undo(catalog)
        assert source.read_bytes() == data and not moved.exists()
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_a_rename_that_fails_names_both_places(tmp_path) -> None:
    """Found by a hostile review: a trash out of a folder that could not be written said
    "Operation not permitted (~/.local/share/Trash/files/x.jpg)", blaming the trash. The
    failed rename may be either folder's doing: the reason names both."""
    from photoorg.core import noreplace

    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"photo")
    nowhere = tmp_path / "no-such-folder" / "a.jpg"
    with pytest.raises(OSError) as failed:
        noreplace.rename_noreplace(str(photo), str(nowhere))
    reason = actions.failure_reason(failed.value)
    assert reason.endswith(f"(renaming {photo} to {nowhere})") and photo.exists()


def test_a_file_the_scan_could_not_read_can_be_trashed_moved_and_brought_back(
    library, tiny_model, photoorg_home, tmp_path
) -> None:
    """A review: the Problems page listed damaged files that nothing could clean up; trashing
    one said "not in the catalog; scan its folder first", after a scan had listed it. It goes
    as a photo does (its content read and journaled now), and undo checks it and lists it again
    as a problem."""
    damaged = library / "2023" / "damaged.jpg"
    damaged.write_bytes((library / "2023" / "img_001.jpg").read_bytes()[:300])
    notes = library / "2023" / "notes.jpg"
    notes.write_text("not a photo")
    with Catalog(locations().catalog) as catalog:
        run_scan([library], catalog, Embedder(str(tiny_model), device="cpu"))
        problems = {path for path, _why in catalog.failures()}
        assert {str(damaged), str(notes)} <= problems
        content = damaged.read_bytes()
        trashed = do(catalog, Action.TRASH, [damaged])
        moved = do(catalog, Action.MOVE, [notes], tmp_path / "Elsewhere")
        assert [s.source for s in trashed.done] == [str(damaged)] and not damaged.exists()
        assert (tmp_path / "Elsewhere" / "notes.jpg").read_text() == "not a photo"
        assert not {str(damaged), str(notes)} & {path for path, _why in catalog.failures()}
        # The trashed file is replaced in the trash by other bytes: the undo refuses it.
        in_trash = Path(trashed.done[0].target)
        in_trash.write_bytes(b"another file")
        refused = undoing.undo(catalog, trashed.batch)
        assert not refused.done and "changed" in str(refused.failed), refused.failed
        assert not damaged.exists()
        in_trash.write_bytes(content)
        os.utime(in_trash, ns=(0, 0))
        undoing.undo(catalog, moved.batch)
        undone = undoing.undo(catalog, trashed.batch)
        assert [s.target for s in undone.done] == [str(damaged)] and not undone.failed
        assert damaged.read_bytes() == content and notes.read_text() == "not a photo"
        back = dict(catalog.failures())
        assert "truncated" in back[str(damaged)] and "not a photo" in back[str(notes)]


def test_an_undo_stopped_after_its_last_file_is_finished_by_the_next_undo(
    scanned, tmp_path, monkeypatch
) -> None:
    """A hostile review: a kill right after an undo's last file came back left the folders the
    action had made (empty), and the retry said only "Action 5 was already undone"."""
    library, catalog = scanned
    photo = library / "2023" / "img_001.jpg"
    made = tmp_path / "Sorted" / "2023"
    moved = do(catalog, Action.MOVE, [photo], made)
    assert moved.done and made.is_dir()

    def killed(batch: int, again: bool = False) -> None:
        raise KeyboardInterrupt  # as a kill there: the files are back, nothing after that ran

    real = catalog.mark_batch_undone
    monkeypatch.setattr(catalog, "mark_batch_undone", killed)
    with pytest.raises(KeyboardInterrupt):
        undoing.undo(catalog, moved.batch)
    monkeypatch.setattr(catalog, "mark_batch_undone", real)
    assert photo.exists() and made.is_dir()
    finished = undoing.undo(catalog, moved.batch)
    assert undone_note(finished) == (
        f"Undid action {moved.batch}: the rest of it (its undo had stopped after its last file came "
        "back); 2 empty folders it had made removed"
    )
    assert not (tmp_path / "Sorted").exists() and photo.exists()
    with pytest.raises(PhotoorgError, match="already undone"):
        undoing.undo(catalog, moved.batch)


def test_a_plain_undo_finishes_a_stopped_undo_before_it_takes_back_an_older_action(
    scanned, tmp_path, monkeypatch
) -> None:
    """A hostile review: after a kill right after an undo's last file came back, a plain undo
    went past it and took back the action before it, which the person had not asked for."""
    library, catalog = scanned
    older_photo, photo = library / "2023" / "img_000.jpg", library / "2023" / "img_001.jpg"
    older = do(catalog, Action.MOVE, [older_photo], tmp_path / "Kept")
    moved = do(catalog, Action.MOVE, [photo], tmp_path / "Sorted")
    assert older.done and moved.done

    undo_killed_before_it_is_marked(catalog, monkeypatch)
    finished = undoing.undo(catalog)
    assert finished.batch == moved.batch and "the rest of it" in undone_note(finished)
    assert not (tmp_path / "Sorted").exists() and photo.exists()
    assert (tmp_path / "Kept" / "img_000.jpg").exists() and not older_photo.exists()  # not asked for
    assert undoing.undo(catalog).batch == older.batch  # the next plain undo: the one before
    assert older_photo.exists()


def test_the_undo_that_finishes_a_stopped_one_names_the_files_it_could_not_put_back(
    scanned, tmp_path, monkeypatch
) -> None:
    """A hostile review: an undo killed after it had failed to put one photo back (and before
    it said so) was finished by a plain undo that said "undid the rest of it", the photo still
    in the trash."""
    library, catalog = scanned
    back, stuck = library / "2023" / "img_000.jpg", library / "2024" / "img_006.png"
    trashed = do(catalog, Action.TRASH, [back, stuck])
    assert len(trashed.done) == 2
    (library / "2024").rename(tmp_path / "2024 elsewhere")
    (library / "2024").write_text("a file where the folder was")  # img_006 cannot go back

    undo_killed_before_it_is_marked(catalog, monkeypatch)
    assert back.exists() and not stuck.exists()
    finished = undoing.undo(catalog)
    assert finished.batch == trashed.batch and "the rest of it" in finished.note
    [(step, why)] = finished.failed
    assert step.target == str(stuck) and "(an earlier undo)" in why


def test_an_undo_the_next_start_finished_is_what_the_next_plain_undo_reports(
    scanned, tmp_path, monkeypatch
) -> None:
    """A hostile review: an undo stopped by a full disk after its files were back said "the disk
    is full, try again"; the next start finished it from the journal, and the retry the message
    asked for took back the action before, which nobody had asked for."""
    from photoorg.core.catalog import Catalog

    library, catalog = scanned
    older_photo, photo = library / "2023" / "img_000.jpg", library / "2023" / "img_001.jpg"
    older = do(catalog, Action.MOVE, [older_photo], tmp_path / "Kept")
    moved = do(catalog, Action.MOVE, [photo], tmp_path / "Sorted")
    real = catalog.journal_update

    def stopped(entry: int, **fields: object) -> None:
        if fields.get("state") == "undone":
            raise KeyboardInterrupt  # the photo is back; the journal does not say so yet
        real(entry, **fields)

    monkeypatch.setattr(catalog, "journal_update", stopped)
    with pytest.raises(KeyboardInterrupt):
        undoing.undo(catalog)
    monkeypatch.setattr(catalog, "journal_update", real)
    catalog.close()
    assert photo.exists()
    with Catalog(catalog.path) as again:  # the next photoorg
        notes: list[str] = []
        with actions.exclusive(again, notes):
            pass
        assert any("completed before photoorg stopped" in n for n in notes), notes
        finished = undoing.undo(again)
        assert finished.batch == moved.batch and "finished it as it started" in finished.note
        assert (tmp_path / "Kept" / "img_000.jpg").exists()  # the action before: not asked for
        assert undoing.undo(again).batch == older.batch
    assert older_photo.exists()


def test_redo_after_a_stopped_undo_says_to_finish_it_and_does_not_redo_the_action_before(
    scanned, tmp_path, monkeypatch
) -> None:
    """A hostile review: after an undo killed before its action was marked undone, redo did
    again the action undone before it, not the one whose undo had stopped."""
    from photoorg.core import redo as redoing

    library, catalog = scanned
    older_photo, photo = library / "2023" / "img_000.jpg", library / "2023" / "img_001.jpg"
    older = do(catalog, Action.MOVE, [older_photo], tmp_path / "Kept")
    moved = do(catalog, Action.MOVE, [photo], tmp_path / "Sorted")
    assert undoing.undo(catalog).batch == moved.batch and photo.exists()
    undo_killed_before_it_is_marked(catalog, monkeypatch)  # the undo of the older one stops
    assert older_photo.exists()

    assert redoing.redoable(catalog) is None
    said = redoing.redo_refused(catalog)
    assert said is not None and f"The undo of action {older.batch} " in said and "Undo finishes it" in said
    with pytest.raises(redoing.NothingToRedo, match="stopped before it finished"):
        redoing.redo(catalog, [], [str(library)])
    assert photo.exists() and not (tmp_path / "Sorted").exists()  # not moved again

    assert undoing.undo(catalog).batch == older.batch  # finished
    assert redoing.redoable(catalog) is not None and redoing.redo_refused(catalog) is None
    redoing.redo(catalog, [], [str(library)])
    assert (tmp_path / "Kept" / "img_000.jpg").exists() and not older_photo.exists()
    assert photo.exists()


def undo_killed_before_it_is_marked(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain undo killed right after its last file, before its action is marked undone."""

    def killed(batch: int, again: bool = False) -> None:
        raise KeyboardInterrupt

    real = catalog.mark_batch_undone
    monkeypatch.setattr(catalog, "mark_batch_undone", killed)
    with pytest.raises(KeyboardInterrupt):
        undoing.undo(catalog)
    monkeypatch.setattr(catalog, "mark_batch_undone", real)


@pytest.mark.parametrize("action", [Action.MOVE, Action.COPY])
def test_a_step_killed_before_it_placed_anything_is_not_taken_as_done_by_a_hard_link_already_there(
    scanned, tmp_path, monkeypatch, action
) -> None:
    """A hostile review: a/p.jpg and b/p (1).jpg were hard links (a dedupe tool's work); a move
    or copy of a/p.jpg into b killed before anything was placed was settled as "completed"
    with b/p (1).jpg as its photo, a/p.jpg was removed, and undo then took b's own file away."""
    from photoorg.core import fileops

    library, catalog = scanned
    photo = library / "2023" / "img_000.jpg"
    into = tmp_path / "b"
    into.mkdir()

    def killed(*_args: object, **_kwargs: object) -> None:
        # made as the step began (a move checks for it before: the next test), then the
        # process dies with nothing placed
        os.link(photo, into / "img_000 (1).jpg")
        raise KeyboardInterrupt

    with monkeypatch.context() as dying, pytest.raises(KeyboardInterrupt):
        dying.setattr(fileops, "link_noreplace", killed)
        dying.setattr(fileops, "copy_verified", killed)
        do(catalog, action, [photo], into)
    catalog.close()
    with Catalog(catalog.path) as again:  # the next photoorg
        notes: list[str] = []
        with actions.exclusive(again, notes):
            pass
        left = "interrupted before it finished; left undone, the photo is where it was"
        assert notes == [f"{action.value} of {photo}: {left}"]
        with pytest.raises(NothingToUndo):
            undoing.undo(again)
    assert photo.exists() and sorted(os.listdir(into)) == ["img_000 (1).jpg"]


def test_a_move_into_a_folder_holding_the_photo_under_another_name_leaves_it(scanned, tmp_path) -> None:
    """The same file a second time (a hard link) where a move's photo would go: the move would
    leave two names of it there, and its undo would take the older one away."""
    library, catalog = scanned
    photo = library / "2023" / "img_000.jpg"
    into = tmp_path / "b"
    into.mkdir()
    (into / "img_000.jpg").write_bytes(b"another photo of that name")
    os.link(photo, into / "img_000 (1).jpg")
    outcome = do(catalog, Action.MOVE, [photo], into)
    assert not outcome.done and [s.skip for s in outcome.skipped] == [
        f"it is in {into} already as img_000 (1).jpg (the same file under a second name, a hard link); "
        "it stays as it is"
    ]
    assert photo.exists() and sorted(os.listdir(into)) == ["img_000 (1).jpg", "img_000.jpg"]


def test_a_photo_with_a_second_name_elsewhere_is_still_moved_and_renamed_in_its_own_folder(
    scanned, tmp_path
) -> None:
    """A hostile review of the hard-link check: a photo with a backup hard link elsewhere was
    skipped when renamed in its own folder ("already there as" itself), and a sidecar whose
    target folder held a hard link of it stayed behind while its photo moved."""
    from photoorg.core.organize import OrganizeRequest, plan_organize

    library, catalog = scanned
    photo = library / "2023" / "img_000.jpg"
    backup = tmp_path / "backup"
    backup.mkdir()
    os.link(photo, backup / "img_000.jpg")
    plan = plan_organize(
        OrganizeRequest("date", str(photo.parent), "{name} renamed", file_date=True),  # its own folder
        [p for p in catalog.photos() if p.path == str(photo)],
    )
    assert [os.path.dirname(s.target or "") for s in plan.steps()] == [str(photo.parent)]
    renamed = actions.execute(catalog, Action.MOVE, plan.steps(), "rename in place")
    assert len(renamed.done) == 1 and not renamed.skipped
    into = tmp_path / "b"
    into.mkdir()
    other = library / "2023" / "img_001.jpg"
    (library / "2023" / "img_001.jpg.xmp").write_bytes(b"edits")
    os.link(library / "2023" / "img_001.jpg.xmp", into / "kept edits.xmp")
    moved = do(catalog, Action.MOVE, [other], into)
    assert len(moved.done) == 2 and not moved.skipped  # the photo and its sidecar, together
    assert (into / "img_001.jpg.xmp").read_bytes() == b"edits"
