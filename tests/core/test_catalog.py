from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np

from photoorg.core.catalog import Catalog, FileRow


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
