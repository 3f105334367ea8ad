from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from photoorg.core import actions
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import locations
from photoorg.core.pipeline import run_scan
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
        undone = actions.undo(reopened)
        assert [s.target for s in undone.done] == [str(victim)]
        assert snapshot(library) == before
        assert not trashed.exists()
        assert next(p for p in reopened.photos() if p.path == str(victim)) == row_before
        with pytest.raises(PhotoorgError, match="nothing to undo"):
            actions.undo(reopened)


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
    actions.undo(catalog)
    assert source.exists() and not target.exists() and source.stat().st_mtime_ns == mtime


def test_copy_and_its_undo_which_trashes_the_copy(scanned, tmp_path) -> None:
    library, catalog = scanned
    source = library / "2024" / "img_006.png"
    dest = tmp_path / "Backup"
    do(catalog, Action.COPY, [source], dest)
    copy = dest / "img_006.png"
    assert copy.read_bytes() == source.read_bytes()
    assert {str(source), str(copy)} <= {p.path for p in catalog.photos()}
    actions.undo(catalog)
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
    listed = actions.history(catalog)
    assert [b.action for b in listed] == ["copy", "trash"] and listed[1].files == 1
    actions.undo(catalog, first.batch)
    assert (library / "2023" / "img_005.jpg").exists()
    with pytest.raises(PhotoorgError, match="already undone"):
        actions.undo(catalog, first.batch)


def test_reconcile_settles_an_interrupted_step(scanned, tmp_path) -> None:
    library, catalog = scanned
    source = library / "2023" / "img_001.jpg"
    with catalog.transaction() as db:
        db.execute("INSERT INTO batches(id, action, summary, created) VALUES(99, 'move', 'x', 0)")
    entry = actions._journal(
        catalog, None, batch=99, action="move", source=str(source), target=str(tmp_path / "t.jpg")
    )
    (tmp_path / "t.jpg").write_bytes(source.read_bytes()[:100])  # died mid-copy: a partial copy
    notes = actions.reconcile(catalog)
    assert notes and "left undone" in notes[0] and "incomplete copy" in notes[0]
    state = catalog._db.execute("SELECT state FROM journal WHERE id=?", (entry,)).fetchone()[0]
    assert state == "failed" and source.exists() and not (tmp_path / "t.jpg").exists()
    assert (trash_folder(tmp_path) / "files" / "t.jpg").exists()  # trashed, not deleted


def test_a_duplicate_set_always_keeps_one(scanned) -> None:
    library, catalog = scanned
    a = str(library / "2023" / "img_000.jpg")
    b = str(library / "copy.jpg")
    shutil.copy(a, b)
    with pytest.raises(PhotoorgError, match="every copy"):
        actions.plan_set_cleanup(catalog, [a, b], [a, b])
    with pytest.raises(PhotoorgError, match="not in this duplicate set"):
        actions.plan_set_cleanup(catalog, [a, b], [str(library / "2023" / "img_001.jpg")])
    steps = actions.plan_set_cleanup(catalog, [a, b], [a])
    assert [s.source for s in steps] == [a]


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
        actions.undo(catalog)
        assert source.read_bytes() == data and not moved.exists()
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_reconcile_finds_a_file_trashed_just_before_a_crash(scanned, tmp_path) -> None:
    from photoorg.core.trash import move_to_trash

    library, catalog = scanned
    source = library / "2024" / "img_007.png"
    data = source.read_bytes()
    with catalog.transaction() as db:
        db.execute("INSERT INTO batches(id, action, summary, created) VALUES(98, 'trash', 'x', 0)")
    actions._journal(
        catalog,
        None,
        batch=98,
        action="trash",
        source=str(source),
        file_row=actions._row_json(catalog, str(source)),
    )
    move_to_trash(source)  # ... and the process died before recording where it went
    notes = actions.reconcile(catalog)
    assert "found in the trash" in notes[0]
    actions.undo(catalog, 98)
    assert source.read_bytes() == data
