from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoorg.core.catalog import SCHEMA_VERSION, Catalog, FileRow


def test_new_catalog_uses_wal_and_a_schema_version(tmp_path: Path) -> None:
    with Catalog(tmp_path / "c.sqlite3") as cat:
        assert cat._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cat._db.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert cat.integrity_ok()


def test_garbage_file_is_set_aside_and_a_fresh_catalog_built(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"\x00garbage, not a database" * 100)
    with Catalog(path) as cat:
        assert cat.set_aside_to is not None and cat.set_aside_to.exists()
        assert cat.set_aside_to.read_bytes().startswith(b"\x00garbage")
        assert cat.count_files() == 0


def test_foreign_sqlite_database_is_set_aside_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes(name TEXT)")
    other.execute("INSERT INTO recipes VALUES ('soup')")
    other.commit()
    other.close()
    with Catalog(path) as cat:
        assert cat.set_aside_to is not None
    kept = sqlite3.connect(cat.set_aside_to)
    assert kept.execute("SELECT name FROM recipes").fetchall() == [("soup",)]


def test_non_utf8_file_names_round_trip(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.jpg")  # Latin-1 name on a UTF-8 system
    path = str(tmp_path / name)
    with Catalog(tmp_path / "c.sqlite3") as cat:
        model = cat.model("k", "m", "r", "fp32", 2)
        cat.write_batch([FileRow(path, 1, 2, fingerprint="ab")], [("ab", np.array([0.6, 0.8]))], model.id)
        assert path in cat.file_states()
        paths, vectors = cat.vectors(model.id)
        assert paths == [path] and np.allclose(vectors, [[0.6, 0.8]])
    with Catalog(tmp_path / "c.sqlite3") as again:  # and survive a reopen
        assert path in again.file_states()


# -- upgrades, refusals and damage ------------------------------------------------------------
V1 = Path(__file__).parent.parent / "data" / "catalog-v1"
V1_ROOT = "/tmp/photoorg-v1"  # where made_with_v1.py made it; the test moves it to tmp_path


def install_v1(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """photoorg 0.1's catalog, settings and trash, as a person upgrading has them."""
    root = tmp_path / "v1"
    for part in ("Pictures", "xdg-data", "model"):
        shutil.copytree(V1 / part, root / part)
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "config").mkdir()
    shutil.copy(V1 / "catalog.sqlite3", home / "cache" / "catalog.sqlite3")  # 0.1 kept it in the cache
    settings = (V1 / "settings.json").read_text().replace(V1_ROOT, str(root))
    (home / "config" / "settings.json").write_text(settings)
    for info in (root / "xdg-data" / "Trash" / "info").iterdir():
        info.write_text(info.read_text().replace(V1_ROOT, str(root)))
    db = sqlite3.connect(home / "cache" / "catalog.sqlite3")  # the fixture's paths, moved here
    for table, column in (
        ("files", "path"),
        ("journal", "source"),
        ("journal", "target"),
        ("journal", "trash_info"),
        ("models", "key"),
        ("models", "name"),
    ):
        db.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)", (V1_ROOT, str(root)))
    db.execute("UPDATE journal SET file_row = replace(file_row, ?, ?)", (V1_ROOT, str(root)))
    db.commit()
    db.close()
    monkeypatch.setenv("PHOTOORG_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg-data"))
    return home, root


def test_a_catalog_of_photoorg_0_1_opens_with_nothing_lost(tmp_path: Path, monkeypatch) -> None:
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    home, root = install_v1(tmp_path, monkeypatch)
    with Library(locations()) as library:
        summary = library.scan()
        # Nothing re-embedded (a checkout gives the files new dates: they are read, not embedded).
        assert (summary.seen, summary.embedded, summary.unchanged + summary.reused) == (6, 0, 6)
        assert library.catalog.schema_version == SCHEMA_VERSION  # migrated through every format since
        assert (home / "data" / "catalog.sqlite3").exists()  # out of the cache folder
        assert not (home / "cache" / "catalog.sqlite3").exists()
        assert any("moved" in note for note in library.notes)
        # The decisions: the two exact copies were marked "keep both", p1 and p2 "not duplicates".
        sets = library.duplicates()
        assert not [s for s in sets if s.verdict.value == "exact"]
        assert not [s for s in sets if {"p1.png", "p2.png"} <= {Path(p.path).name for p in s.photos}]
        assert len(library.catalog.decisions()) == 2
        # The group name moved from settings.json into the catalog.
        assert list(library.catalog.group_name_hints().values()) == ["Holiday at the lake"]
        assert "group_names" not in (home / "config" / "settings.json").read_text()
        assert library.saved_settings.protected == [str(root / "Pictures" / "b")]
        # The journal: both actions are listed and undo still works, newest first.
        batches, total = library.history()
        assert [b.action for b in batches] == ["trash", "move"] and total == 2
        library.undo()
        assert (root / "Pictures" / "a" / "p3.png").exists()
        library.undo()
        assert (root / "Pictures" / "b" / "p5.png").exists() and not (
            root / "Pictures" / "c" / "p5.png"
        ).exists()


def test_a_catalog_of_a_newer_photoorg_is_refused_and_left_alone(tmp_path: Path) -> None:
    from photoorg.core.errors import CatalogTooNew

    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat:
        cat.set_meta("k", "v")
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(CatalogTooNew, match="newer version of photoorg"):
        Catalog(path)
    assert path.read_bytes() == before and not list(tmp_path.glob("*.unusable-*"))


def test_a_damaged_catalog_is_set_aside_and_the_persons_data_carried_over(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat:
        cat.set_decisions([("a" * 32, "b" * 32)], "not_duplicates", "not duplicates: a, b")
        [gid] = cat.save_groups([(None, ["a" * 32, "b" * 32], 0.9)], retire=[], signature="s")
        cat.rename_group(gid, "Garden")
        batch = cat.begin_batch("move", "move 1 photo")
        cat.journal_add(batch, "move", "/x/a.jpg", "/y/a.jpg", None)
        cat.checkpoint()
    db = sqlite3.connect(path)
    db.execute("PRAGMA writable_schema=ON")  # damage a table the person does not need
    db.execute(
        "UPDATE sqlite_master SET sql='CREATE TABLE content_hashes(broken' WHERE name='content_hashes'"
    )
    db.commit()
    db.close()
    with Catalog(path) as cat:
        assert cat.set_aside_to is not None and cat.set_aside_to.exists()
        assert cat.decisions() == {("a" * 32, "b" * 32): "not_duplicates"}
        [group] = cat.stored_groups()
        assert (group.id, group.name, group.members) == (gid, "Garden", ["a" * 32, "b" * 32])
        assert [e.source for e in cat.journal_entries()] == ["/x/a.jpg"]
        assert any("decision_changes" in c for c in cat.carried)  # where decisions are kept now


def test_the_photos_read_again_follow_every_change_of_this_or_another_photoorg(tmp_path: Path) -> None:
    """photos() keeps its last answer (a 100k library takes most of a second to read): it must
    never serve it after a change, by this connection or by another process's."""
    here = Catalog(tmp_path / "c.sqlite3")
    other = Catalog(tmp_path / "c.sqlite3")  # another photoorg on the same library

    def row(name: str, fp: str) -> FileRow:
        return FileRow(str(tmp_path / name), 1, 1, fp * 32, 1, 1, "JPEG")

    here.write_batch([row("a.jpg", "a")])
    assert [p.path for p in here.photos()] == [str(tmp_path / "a.jpg")]
    other.write_batch([row("b.jpg", "b")])
    assert len(here.photos()) == 2
    here.follow_move(str(tmp_path / "a.jpg"), str(tmp_path / "c.jpg"))
    both = [str(tmp_path / "b.jpg"), str(tmp_path / "c.jpg")]
    assert [p.path for p in other.photos()] == both
    assert [p.path for p in here.photos(under=[str(tmp_path)])] == both
    other.remove_paths([str(tmp_path / "b.jpg")])
    assert [p.path for p in here.photos(under=[str(tmp_path)])] == both[1:]
    here.photos().clear()  # a caller changing its list changes nothing kept
    assert len(here.photos()) == 1
    here.close()
    other.close()


def test_the_last_searchs_pairs_are_kept_until_forgotten(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    ii, jj, sims = np.array([0, 1]), np.array([2, 3]), np.array([0.95, 0.99], dtype=np.float32)
    cat.keep_similar_pairs("search a", ii, jj, sims)
    kept = cat.similar_pairs("search a")
    assert kept is not None and [k.tolist() for k in kept[:2]] == [[0, 1], [2, 3]]
    assert cat.similar_pairs("search b") is None
    cat.forget_similar_pairs()
    assert cat.similar_pairs("search a") is None
    cat.close()


def test_a_new_group_never_takes_the_id_of_a_group_gone(tmp_path: Path) -> None:
    """Found by a hostile review: an unnamed group with the highest id, retired, gave its id to
    the next new group, and a redo of a rename (or a change kept by id) went to that group."""
    a, b, c, d = ("a" * 32, "b" * 32, "c" * 32, "d" * 32)
    with Catalog(tmp_path / "c.sqlite3") as cat:
        first, second = cat.save_groups([(None, [a, b], 0.9), (None, [c, d], 0.8)], retire=[], signature="1")
        again = [(first, [a, b], 0.9), (None, [c], 0.7)]
        [kept, new] = cat.save_groups(again, retire=[second], signature="2")
        assert kept == first and new not in (first, second)
    with Catalog(tmp_path / "c.sqlite3") as cat:  # also after a restart
        [newer] = cat.save_groups([(None, [d], 0.5)], retire=[first, new], signature="3")
        assert newer not in (first, second, new)


def test_what_a_file_step_records_before_its_file_changes_is_synced_to_the_disk(tmp_path: Path) -> None:
    """Hostile reviews (from strace): a move's journal row, and then where the photo went, sat
    unsynced in the write-ahead log while the photo's new name was on the disk; a power cut
    could lose them and leave the photo where no undo finds it. Those commits run with
    synchronous=FULL (the log synced); the others stay NORMAL, and the catalog is left so."""
    catalog = Catalog(tmp_path / "c.sqlite3")
    said: list[str] = []
    catalog._db.set_trace_callback(said.append)

    with catalog.transaction() as db:
        batch = catalog.add_batch(db, "move", "move 1 photo")
    said.clear()
    entry = catalog.journal_add(batch, "move", "/a/p.jpg", "/b/p.jpg", None, "f" * 32, 10)
    assert "PRAGMA synchronous=FULL" in said and said.index("PRAGMA synchronous=FULL") < said.index("COMMIT")
    said.clear()
    catalog.journal_update(entry, target="/b/p.jpg", placed="1:2")
    assert "PRAGMA synchronous=FULL" in said
    said.clear()
    catalog.journal_update(entry, state="done")  # settled from the file's place if lost
    assert "PRAGMA synchronous=FULL" not in said
    assert catalog._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again
    catalog.close()
