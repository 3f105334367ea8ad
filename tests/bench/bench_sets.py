"""Benchmark: grouping and duplicate search on synthetic 768-d vectors (numbers, not a test).

    python tests/bench/bench_sets.py 10000 50000 100000 [--only groups|duplicates]

Each size runs in its own process so that its peak memory (RSS) is its own. Vectors: clusters
on the sphere (one per ~250 photos) + 20% unrelated photos + 2% planted near-duplicates.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def one(n: int, only: str | None) -> dict[str, object]:
    from sklearn.metrics import adjusted_rand_score

    from photoorg.core.grouping import cluster_labels
    from photoorg.core.neighbours import partner_pairs
    from photoorg.core.similar_pairs import MAX_PARTNERS
    from tests.synthetic import varied_library

    x, truth, _, _ = varied_library(n)  # a planted copy belongs where its original is
    result: dict[str, object] = {"photos": n}
    if only in (None, "duplicates"):
        t = time.perf_counter()
        i, _, _ = partner_pairs(x, 0.93, MAX_PARTNERS)  # as photoorg duplicates searches
        result["duplicate_search_s"] = round(time.perf_counter() - t, 1)
        result["pairs_found"] = len(i)
    if only in (None, "groups"):
        t = time.perf_counter()
        labels, _ = cluster_labels(x)
        result["grouping_s"] = round(time.perf_counter() - t, 1)
        result["groups"] = int(labels.max() + 1)
        result["ari"] = round(float(adjusted_rand_score(truth, labels)), 3)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+", type=int)
    ap.add_argument("--only", choices=("groups", "duplicates"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one(args.sizes[0], args.only)))
        return
    for n in args.sizes:
        cmd = [sys.executable, __file__, str(n), "--child"] + (["--only", args.only] if args.only else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print(out.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
