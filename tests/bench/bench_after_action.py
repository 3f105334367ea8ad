"""Benchmark: what the library computes after a file action (numbers, not a test).

    python tests/bench/bench_after_action.py [--sizes 20000 100000] [--regroup-always]

After every trash, move or undo the app asks for the library again without a scan: the groups
(:func:`photoorg.core.grouping.group_photos`) and the duplicate sets
(:func:`photoorg.core.duplicates.find_duplicates`). This builds a catalog of N photos with
synthetic 768-d vectors (clusters of ~250 photos, 20 % unrelated, 2 % near-copies, as
bench_sets.py), groups it and searches it once (as the scan ends), then forgets one photo (a
trash) and times both again, then puts it back (its undo) and times them again.
``--regroup-always`` times the grouping as it was before photos that go left the stored groups
standing (every change of the photos regrouped).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def one(n: int, regroup_always: bool) -> dict[str, object]:
    from photoorg.core import grouping
    from photoorg.core.catalog import Catalog
    from photoorg.core.clustering import GroupSettings
    from photoorg.core.duplicates import find_duplicates
    from tests.synthetic import fill_catalog, varied_library

    if regroup_always:
        grouping._fewer_only = lambda grouped, now: False  # type: ignore[assignment]
    x, _, _, _ = varied_library(n)
    out: dict[str, object] = {"photos": n, "regroup_always": regroup_always}
    with tempfile.TemporaryDirectory() as tmp:
        cat = Catalog(Path(tmp) / "c.sqlite3")
        model = cat.model("bench", "bench", "r", "fp32", 768)
        fill_catalog(cat, model.id, x)

        def refresh(label: str) -> None:
            t = time.perf_counter()
            groups = grouping.group_photos(cat, model.id, ["/lib"], settings=GroupSettings())
            grouped = time.perf_counter() - t
            t = time.perf_counter()
            sets = find_duplicates(cat, model.id, ["/lib"])
            searched = time.perf_counter() - t
            out[label] = {
                "groups_s": round(grouped, 2),
                "duplicates_s": round(searched, 2),
                "groups": len(groups) - 1,
                "sets": len(sets),
            }

        refresh("after the scan")
        gone = f"/lib/000/IMG_{7:06d}.jpg"
        row = cat.file_row(gone)
        cat.remove_paths([gone])
        refresh("after trashing 1 photo")
        assert row is not None
        cat.write_batch([row])
        refresh("after its undo")
        t = time.perf_counter()
        cat.vectors_for(model.id, [f"{i:032x}" for i in range(n)])
        out["reading the vectors_s"] = round(time.perf_counter() - t, 2)
        cat.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", type=int, default=[20_000, 100_000])
    ap.add_argument("--regroup-always", action="store_true")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one(args.child, args.regroup_always)))
        return
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--child", str(n)] + ["--regroup-always"] * args.regroup_always
        done = subprocess.run(cmd, capture_output=True, text=True)
        said = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr[-2000:]
        print(said, flush=True)


if __name__ == "__main__":
    main()
