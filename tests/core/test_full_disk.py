"""A full disk never leaves a truncated file under a photo's name, and undo still works.

These tests mount small tmpfs file systems, which needs root (CI runs as root); elsewhere they
are skipped with the reason.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from photoorg.core import actions
from photoorg.core import undo as undoing
from photoorg.core.actions import Action, NotEnoughSpace
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.pipeline import run_scan
from tests.conftest import fill, make_photo


def photos(folder: Path, n: int, seed: int = 0) -> list[Path]:
    return [make_photo(folder / f"p{i}.jpg", seed=seed + i, size=(320, 240), quality=95) for i in range(n)]


def scanned_catalog(tmp_path: Path, *folders: Path) -> Catalog:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan(list(folders), catalog, Embedder(str(tmp_path / "no-model")))  # fingerprints only
    return catalog


def act(catalog: Catalog, action: Action, paths: list[Path], dest: Path | None = None) -> actions.Outcome:
    steps = actions.plan(catalog, action, [str(p) for p in paths], str(dest) if dest else None)
    return actions.execute(catalog, action, steps, action.value)


def no_stray_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.startswith(".photoorg-") or p.stat().st_size == 0]


def test_a_move_that_cannot_fit_is_refused_with_the_numbers(tmp_path, small_fs) -> None:
    library = tmp_path / "lib"
    originals = photos(library, 6)
    dest = small_fs("small", 64)
    with (
        scanned_catalog(tmp_path, library) as catalog,
        pytest.raises(NotEnoughSpace, match=r"6 files take .* but only .* is free"),
    ):
        actions.plan(catalog, Action.MOVE, [str(p) for p in originals], str(dest / "sorted"))
    assert all(p.exists() for p in originals) and list(dest.iterdir()) == []


def test_a_disk_that_fills_during_a_copy_leaves_no_partial_file(tmp_path, small_fs) -> None:
    library = tmp_path / "lib"
    originals = photos(library, 4)
    data = {p: p.read_bytes() for p in originals}
    dest = small_fs("small", 2048)
    with scanned_catalog(tmp_path, library) as catalog:
        steps = actions.plan(catalog, Action.COPY, [str(p) for p in originals], str(dest))
        filler = fill(dest, leave=len(data[originals[0]]) + 8192)  # room for one copy, not four
        outcome = actions.execute(catalog, Action.COPY, steps, "copy 4")
        assert outcome.done and outcome.failed
        assert all("No space left" in reason for _, reason in outcome.failed)
        copies = {p for p in dest.iterdir() if p != filler}
        assert copies == {Path(s.target) for s in outcome.done}  # only whole copies have names
        for step in outcome.done:
            assert Path(step.target).read_bytes() == data[Path(step.source)]
        assert all(p.read_bytes() == data[p] for p in originals)
        assert no_stray_files(dest)


def test_undo_of_a_move_onto_a_full_disk_waits_and_then_restores(tmp_path, small_fs) -> None:
    """Finding 4: the undo wrote truncated files under the photos' names, and a second undo
    then put the real photo back as "name (1).jpg"."""
    library = small_fs("card", 2048)
    originals = photos(library, 3)
    data = {p: p.read_bytes() for p in originals}
    dest = tmp_path / "sorted"
    with scanned_catalog(tmp_path, library) as catalog:
        moved = act(catalog, Action.MOVE, originals, dest)
        assert len(moved.done) == 3 and not any(p.exists() for p in originals)
        filler = fill(library)
        undone = undoing.undo(catalog)
        assert not undone.done and len(undone.failed) == 3
        assert all("No space left" in reason for _, reason in undone.failed)
        assert not any(p.exists() for p in originals)  # nothing half-written under their names
        assert all((dest / p.name).read_bytes() == data[p] for p in originals)
        assert no_stray_files(library)
        filler.unlink()
        again = undoing.undo(catalog, moved.batch)  # "photoorg undo N" tries them again
        assert len(again.done) == 3 and not again.failed
        assert all(p.read_bytes() == data[p] for p in originals)  # their own names, not "(1)"
        assert not dest.exists() or list(dest.iterdir()) == []


def test_undo_of_a_copy_works_on_a_full_disk(tmp_path, small_fs) -> None:
    library = tmp_path / "lib"
    originals = photos(library, 3)
    backup = small_fs("backup", 2048)
    with scanned_catalog(tmp_path, library) as catalog:
        copied = act(catalog, Action.COPY, originals, backup)
        assert len(copied.done) == 3
        fill(backup)
        with pytest.raises(OSError) as full:  # really full: not even a trash record fits
            (backup / "probe").write_bytes(b"x" * 65536)
        assert full.value.errno == errno.ENOSPC
        undone = undoing.undo(catalog)
        assert len(undone.done) == 3 and not undone.failed
        assert not [p for p in backup.glob("*.jpg")]  # the copies are gone from the backup ...
        # ... into a trash: the home trash (by copy) while the disk is full, then the disk's own.
        trashes = [tmp_path / "xdg-data" / "Trash" / "files", backup / ".Trash-0" / "files"]
        trashed = [p.read_bytes() for t in trashes if t.exists() for p in t.iterdir()]
        assert sorted(trashed) == sorted(p.read_bytes() for p in originals)


def test_trash_through_a_bind_mount_goes_to_the_home_trash(tmp_path, small_fs) -> None:
    """Finding 10: renaming across a bind mount fails with EXDEV; the home trash takes the file
    by a verified copy, as the trash specification allows."""
    if os.geteuid() != 0:
        pytest.skip("bind mounts need root")
    real = tmp_path / "real"
    [photo] = photos(real, 1)
    data = photo.read_bytes()
    view = tmp_path / "view"
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(real), str(view)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        through = view / photo.name
        with scanned_catalog(tmp_path, view) as catalog:
            outcome = act(catalog, Action.TRASH, [through])
            assert outcome.done, outcome.failed
            assert not photo.exists()
            assert Path(outcome.done[0].target).read_bytes() == data
            undoing.undo(catalog)
            assert photo.read_bytes() == data
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_full_disk_under_the_catalog_never_costs_the_history(tmp_path, small_fs) -> None:
    """The catalog's disk full when photoorg starts: opening it fails (SQLite cannot write its
    shared-memory file). That used to count as a damaged catalog: it was set aside, and undo
    forgot every action."""
    from photoorg.core.errors import CatalogError

    disk = small_fs("home", 3072)
    library = tmp_path / "lib"
    originals = photos(library, 2)
    path = disk / "catalog.sqlite3"
    catalog = Catalog(path)
    run_scan([library], catalog, Embedder(str(tmp_path / "no-model")))
    act(catalog, Action.TRASH, originals[:1])
    catalog.close()
    filler = fill(disk)
    try:
        with Catalog(path) as again:  # opening may work (nothing to write) ...
            assert again.set_aside_to is None
    except CatalogError as exc:  # ... or say plainly why not
        assert "cannot be opened now" in str(exc)
    assert not list(disk.glob("*.unusable-*"))
    filler.unlink()
    with Catalog(path) as again:
        assert again.set_aside_to is None
        undoing.undo(again)
    assert originals[0].exists()


def test_a_catalog_that_fails_right_after_a_file_went_says_that_file_may_have_gone(
    tmp_path, monkeypatch
) -> None:
    """A hostile review: with the catalog's disk full, a trash said it "stopped after 0 files"
    while the photo was already in the trash. The file being done is named; the next start
    settles it from the journal, and undo brings it back."""
    import sqlite3

    from photoorg.core.errors import CatalogError

    library = tmp_path / "lib"
    [photo] = photos(library, 1)
    data = photo.read_bytes()
    with scanned_catalog(tmp_path, library) as catalog:
        real_update = catalog.journal_update

        def full_at_done(entry: int, **fields: object) -> None:
            if fields.get("state") == "done":
                raise sqlite3.OperationalError("database or disk is full")
            real_update(entry, **fields)

        monkeypatch.setattr(catalog, "journal_update", full_at_done)
        with pytest.raises(CatalogError) as said:
            act(catalog, Action.TRASH, [photo])
    assert not photo.exists()  # it went, before the catalog failed
    assert "stopped after 0 files" in str(said.value)
    assert f"{photo} may have gone too, as the catalog failed" in str(said.value)
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:  # (not the patched one)
        notes: list[str] = []
        with actions.exclusive(catalog, notes):  # the next start settles what was left half-done
            pass
        assert notes == [f"trash of {photo}: completed before photoorg stopped; found in the trash as p0.jpg"]
        undoing.undo(catalog)
    assert photo.read_bytes() == data


def test_a_catalog_that_could_not_commit_on_a_full_disk_writes_again_once_there_is_room(
    tmp_path, small_fs
) -> None:
    """A hostile review: a commit that failed on a full disk left its transaction open, so the
    app's engine could write nothing more, also once space was freed."""
    import sqlite3

    disk = small_fs("home", 3072)
    catalog = Catalog(disk / "catalog.sqlite3")
    filler = fill(disk)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        catalog.set_meta("big", "x" * 200_000)
    filler.unlink()
    catalog.set_meta("after", "written")  # the connection is usable again
    catalog.close()
    with Catalog(disk / "catalog.sqlite3") as again:
        assert again.get_meta("after") == "written" and again.get_meta("big") is None


def test_the_command_line_says_the_disk_is_full_in_words_without_a_traceback(
    tmp_path, small_fs, tiny_model
) -> None:
    """A hostile review: with photoorg's own disk at 32 to 56 KB free, commands printed
    SQLite's traceback and "unexpected error"."""
    from tests.cli import photoorg

    home = small_fs("home", 4096)
    library = tmp_path / "lib"
    originals = photos(library, 3)
    scanned = photoorg("--home", home, "scan", library, "--model", tiny_model, "--device", "cpu")
    assert scanned.returncode == 0, scanned.stderr
    filler = fill(home, leave=40 * 1024)
    said = photoorg("--home", home, "album", "create", "Dogs", *originals[:2])
    assert said.returncode == 1 and "Traceback" not in said.stderr + said.stdout
    assert f"The disk is full where photoorg writes ({home / 'data'};" in said.stderr
    assert "unexpected error" not in said.stderr
    filler.unlink()
    again = photoorg("--home", home, "album", "create", "Dogs", *originals[:2])
    assert again.returncode == 0, again.stderr


def test_an_action_the_catalog_could_not_journal_leaves_no_empty_action_behind(tmp_path, monkeypatch) -> None:
    """A hostile review: on a full disk the action was begun but its first file could not be
    journaled; "trash 1 photo (0 files done)" stayed in the history for ever, redo refused
    ("nothing was undone since the last action"), and the error said the photo "may have gone"
    when it had never been touched."""
    import sqlite3

    from photoorg.core import redo as redoing
    from photoorg.core.errors import CatalogError

    library = tmp_path / "lib"
    first, second = photos(library, 2)
    with scanned_catalog(tmp_path, library) as catalog:
        moved = act(catalog, Action.MOVE, [first], tmp_path / "out")
        undoing.undo(catalog, moved.batch)

        def full(*_args: object, **_kw: object) -> int:
            raise sqlite3.OperationalError("database or disk is full")

        real = catalog.journal_add
        monkeypatch.setattr(catalog, "journal_add", full)
        real_drop = catalog.drop_batch_if_nothing_done
        monkeypatch.setattr(catalog, "drop_batch_if_nothing_done", full)  # the disk still full
        with pytest.raises(CatalogError) as said:
            act(catalog, Action.TRASH, [second])
        monkeypatch.setattr(catalog, "journal_add", real)
        monkeypatch.setattr(catalog, "drop_batch_if_nothing_done", real_drop)
    assert second.exists() and "may have gone" not in str(said.value)
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:
        with actions.exclusive(catalog):  # the next start drops the empty action
            pass
        assert [b.summary for b in catalog.batches(None)[0]] == [moved_summary(catalog, moved.batch)]
        redone = redoing.redo(catalog, [], [str(library)])
        assert redone.done and (tmp_path / "out" / first.name).exists()


def moved_summary(catalog: Catalog, batch: int | None) -> str:
    info = catalog.batch_info(batch or 0)
    assert info is not None
    return info.summary
