"""Property: any sequence of trash / move / copy / undo / rescan never loses a photo, every
absence is explained by the journal, and undoing everything restores the tree byte for byte."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from photoorg.core import actions
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog, path_from_db
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.pipeline import run_scan
from tests.conftest import make_photo

OPS = st.lists(
    st.tuples(
        st.sampled_from(["trash", "move", "copy", "undo", "rescan"]),
        st.lists(st.integers(0, 20), min_size=1, max_size=3),  # which photos, modulo count
        st.sampled_from(["A", "B"]),  # destination folder
    ),
    max_size=8,
)


def tree(*roots: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for r in roots if r.exists() for p in sorted(r.rglob("*")) if p.is_file()}


def journal_explains(catalog: Catalog, path: str) -> bool:
    rows = catalog._db.execute(
        "SELECT source FROM journal WHERE state='done' AND action IN ('trash', 'move')"
    ).fetchall()
    return path in {path_from_db(r[0]) for r in rows}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_action_sequences_lose_nothing_and_undo_restores(ops, monkeypatch) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg"))
        library = base / "lib"
        for i in range(5):
            make_photo(library / ("sub" if i % 2 else "") / f"p{i}.png", seed=i, size=(48, 32))
        dests = {"A": base / "A", "B": base / "B"}
        start = tree(library)
        originals = {data: path for path, data in start.items()}
        no_model = Embedder(str(base / "no-model"))  # catalogue only: fingerprints, no vectors
        with Catalog(base / "catalog.sqlite3") as catalog:
            run_scan([library], catalog, no_model)
            for op, picks, dest in ops:
                present = sorted(tree(library, *dests.values()))
                chosen = sorted({present[i % len(present)] for i in picks}) if present else []
                if op == "rescan":
                    run_scan([library, *[d for d in dests.values() if d.exists()]], catalog, no_model)
                elif op == "undo":
                    try:
                        event(f"undo: {len(actions.undo(catalog).done)} back")
                    except PhotoorgError:
                        event("undo: nothing to undo")
                elif chosen:
                    action = Action(op)
                    steps = actions.plan(catalog, action, chosen, str(dests[dest]))
                    outcome = actions.execute(catalog, action, steps, op)
                    event(f"{op}: {len(outcome.done)} done, {len(outcome.skipped)} skipped")
                # Never lost; every original that left its place is explained by the journal.
                everywhere = tree(library, *dests.values(), base / "xdg")
                for data, path in originals.items():
                    assert data in everywhere.values(), f"{path} was lost"
                    if everywhere.get(path) != data:
                        assert journal_explains(catalog, path), f"{path} moved without a record"
            while True:
                try:
                    actions.undo(catalog)
                except PhotoorgError:
                    break
        assert tree(library) == start
        assert tree(*dests.values()) == {}
