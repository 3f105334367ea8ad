"""Property: any sequence of trash / move / copy / undo / rescan, some of them run by two
photoorgs at once, never loses a photo, every absence is explained by the journal, and undoing
everything restores the tree byte for byte."""

from __future__ import annotations

import contextlib
import tempfile
import threading
import traceback
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from photoorg.core import actions
from photoorg.core import undo as undoing
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.pipeline import run_scan
from photoorg.core.undo import NothingToUndo
from tests.conftest import make_photo

STEP = st.tuples(
    st.sampled_from(["trash", "move", "copy", "undo", "rescan"]),
    st.lists(st.integers(0, 20), min_size=1, max_size=3),  # which photos, modulo count
    st.sampled_from(["A", "B"]),  # destination folder
)
# A step, or two steps that two photoorg processes run at the same time.
OPS = st.lists(st.one_of(STEP, st.tuples(st.just("together"), STEP, STEP)), max_size=8)


def tree(*roots: Path) -> dict[str, bytes]:
    """Every file under ``roots`` and its bytes (a file moved away meanwhile is left out)."""
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                found[str(path)] = path.read_bytes()
    return found


def journal_explains(catalog: Catalog, path: str) -> bool:
    done = catalog.journal_entries(states=("done", "undo_failed"))
    return path in {e.source for e in done if e.action in ("trash", "move")}


def run_step(
    catalog: Catalog, step: tuple, library: Path, dests: dict[str, Path], no_model: Embedder, record=event
) -> None:
    op, picks, dest = step
    present = sorted(tree(library, *dests.values()))
    chosen = sorted({present[i % len(present)] for i in picks}) if present else []
    if op == "rescan":
        run_scan([library, *[d for d in dests.values() if d.exists()]], catalog, no_model)
    elif op == "undo":
        try:
            record(f"undo: {len(undoing.undo(catalog).done)} back")
        except NothingToUndo:
            record("undo: nothing to undo")
    elif chosen:
        action = Action(op)
        try:
            steps = actions.plan(catalog, action, chosen, str(dests[dest]))
        except PhotoorgError as exc:  # refused: every copy of a photo would go
            record(f"{op}: refused ({str(exc)[:30]})")
            return
        outcome = actions.execute(catalog, action, steps, op)
        record(f"{op}: {len(outcome.done)} done, {len(outcome.skipped)} skipped")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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
        with Catalog(base / "catalog.sqlite3") as catalog, Catalog(base / "catalog.sqlite3") as other:
            run_scan([library], catalog, no_model)
            for op in ops:
                if op[0] == "together":  # the second photoorg: its own connection and lock
                    errors: list[str] = []
                    said: list[str] = []

                    def second(step=op[2], errors=errors, said=said) -> None:
                        try:
                            run_step(other, step, library, dests, no_model, said.append)
                        except BaseException:  # reported below, in the test's thread
                            errors.append(traceback.format_exc())

                    thread = threading.Thread(target=second)
                    thread.start()
                    run_step(catalog, op[1], library, dests, no_model)
                    thread.join()
                    assert not errors, errors[0]
                    for text in said:
                        event(f"together, {text}")
                else:
                    run_step(catalog, op, library, dests, no_model)
                # Never lost; every original that left its place is explained by the journal.
                everywhere = tree(library, *dests.values(), base / "xdg")
                for data, path in originals.items():
                    assert data in everywhere.values(), f"{path} was lost"
                    if everywhere.get(path) != data:
                        assert journal_explains(catalog, path), f"{path} moved without a record"
            while True:
                try:
                    undoing.undo(catalog)
                except NothingToUndo:
                    break
        assert tree(library) == start
        assert tree(*dests.values()) == {}
