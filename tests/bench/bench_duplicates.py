"""Benchmark: duplicate search on a library where most photos are alike, and on a varied one
(numbers, not a test).

    python tests/bench/bench_duplicates.py --images DIR [--sizes 20000 100000]
    python tests/bench/bench_duplicates.py --synthetic [--sizes 20000 100000]
    python tests/bench/bench_duplicates.py --recall [--kinds alike varied] [--sizes 20000]
    python tests/bench/bench_duplicates.py --update [--kinds alike varied] [--sizes 100000]

``--images DIR``: the library bench_rescan.py made in DIR (tiny plain-colour PNGs, 1000 to a
folder, embedded by a tiny random DINOv2): ``Library.duplicates()`` over its first N photos
(N / 1000 folders), as ``photoorg duplicates`` runs it. The share of pairs above the similar
threshold is printed from a sample.

``--synthetic``: catalogs of N photos with 768-d vectors: "varied" (clusters of ~250 photos,
20 % unrelated, 2 % planted near-copies, as bench_sets.py) and "alike" (every vector within
cosine ~0.99 of one centre, as plain colours come out of the model), through find_duplicates.
Each size and kind runs in its own process.

``--recall``: the same synthetic vectors through the region search that libraries past
neighbours.EXACT_LIMIT get and through comparing every pair: the time of each, how many of the
exact search's pairs the region search finds, the planted near-copies found, and how much less
similar each photo's best partner found is than its true best one (median).

``--update``: the pairs of a search brought up to date after 100 photos came (20 of them
near-copies of photos there), and also 100 went (neighbours.updated_pairs), against a new
search of the changed library: the time of each, and how many of the new search's pairs the
update has.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np


def share_above(x: np.ndarray, threshold: float, sample: int = 2000) -> float:
    rng = np.random.default_rng(0)
    pick = x[rng.choice(len(x), min(sample, len(x)), replace=False)]
    sims = pick @ pick.T
    return float((sims[np.triu_indices(len(pick), 1)] >= threshold).mean())


def images(base: Path, n: int) -> dict[str, object]:
    from photoorg.core.duplicates import DuplicateSettings
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    where = locations(base / "home")
    folders = [str(base / "photos" / f"d{k:04d}") for k in range(n // 1000)]
    with Library(where, {"model": str(base / "model")}) as lib:
        model_id, _ = lib.model()
        _, x = lib.catalog.vectors(model_id, under=folders)
        lib.catalog.forget_similar_pairs()  # time a search, not the reading of the last one's pairs
        t = time.perf_counter()
        sets = lib.duplicates(only=folders)
        seconds = time.perf_counter() - t
    return {
        "library": "plain colours (images, tiny random DINOv2)",
        "photos": len(x),
        "share_of_pairs_above_similar": round(share_above(x, DuplicateSettings().similar_threshold), 3),
        "seconds": round(seconds, 1),
        "sets": len(sets),
        "largest_set": max((len(s.photos) for s in sets), default=0),
    }


def make_vectors(kind: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit vectors, planted near-copies' sources, their copies): "varied" or "alike"."""
    from tests.synthetic import varied_library

    rng = np.random.default_rng(1)
    src = dst = np.zeros(0, np.int64)
    if kind == "varied":
        x, _, src, dst = varied_library(n)
    else:
        centre = rng.standard_normal(768).astype(np.float32)
        centre /= np.linalg.norm(centre)
        x = centre + rng.standard_normal((n, 768), dtype=np.float32) * 0.004
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, src, dst


def recall(kind: str, n: int) -> dict[str, object]:
    """The region search (neighbours.py) against comparing every pair, on the same vectors."""
    from photoorg.core.duplicates import DuplicateSettings
    from photoorg.core.neighbours import partner_pairs
    from photoorg.core.similar_pairs import MAX_PARTNERS
    from photoorg.core.similarity import pairs_above

    x, src, dst = make_vectors(kind, n)
    floor = DuplicateSettings().similar_threshold
    t = time.perf_counter()
    ri, rj, rs = partner_pairs(x, floor, MAX_PARTNERS, exact_limit=0)
    regions = time.perf_counter() - t
    t = time.perf_counter()
    ei, ej, es = pairs_above(x, floor, max_per_row=MAX_PARTNERS)
    exact = time.perf_counter() - t
    found = set(zip(ri.tolist(), rj.tolist(), strict=True))
    wanted = set(zip(ei.tolist(), ej.tolist(), strict=True))
    planted = {(min(a, b), max(a, b)) for a, b in zip(src.tolist(), dst.tolist(), strict=True)} & wanted
    best = {}
    for name, (ii, jj, ss) in {"regions": (ri, rj, rs), "exact": (ei, ej, es)}.items():
        top = np.full(n, -1.0, np.float32)
        np.maximum.at(top, ii, ss)
        np.maximum.at(top, jj, ss)
        best[name] = top
    return {
        "library": f"{kind} (synthetic 768-d vectors)",
        "photos": n,
        "regions_s": round(regions, 1),
        "every_pair_s": round(exact, 1),
        "pairs_every_pair": len(wanted),
        "pairs_regions": len(found),
        "of_those_found": round(len(found & wanted) / max(1, len(wanted)), 4),
        "planted_copies_found": f"{len(planted & found)}/{len(planted)}" if planted else "-",
        "photos_with_a_partner": f"{int((best['regions'] > 0).sum())}/{int((best['exact'] > 0).sum())}",
        "median_best_partner_gap": float(np.median((best["exact"] - best["regions"])[best["exact"] > 0]))
        if (best["exact"] > 0).any()
        else 0.0,
    }


def update(kind: str, n: int) -> dict[str, object]:
    """A search's pairs brought up to date after photos came (and went), against a new search."""
    from photoorg.core.duplicates import DuplicateSettings
    from photoorg.core.neighbours import partner_pairs, updated_pairs
    from photoorg.core.similar_pairs import MAX_PARTNERS

    rng = np.random.default_rng(2)
    x_all = make_vectors(kind, n + 100)[0]
    x_old = x_all[:n]
    x_all[n : n + 20] = x_old[:20] + rng.standard_normal((20, x_all.shape[1]), dtype=np.float32) * 0.005
    x_all /= np.linalg.norm(x_all, axis=1, keepdims=True)
    floor = DuplicateSettings().similar_threshold
    before = partner_pairs(x_old, floor, MAX_PARTNERS)
    out: dict[str, object] = {"library": f"{kind} (synthetic 768-d vectors)", "photos_before": n}
    for went in (0, 100):
        stay = np.sort(rng.choice(n, n - went, replace=False))
        x = np.concatenate([x_old[stay], x_all[n:]])
        old_to_new = np.full(n, -1)
        old_to_new[stay] = np.arange(len(stay))
        t = time.perf_counter()
        updated = updated_pairs(old_to_new, before, x, floor, MAX_PARTNERS)
        updating = time.perf_counter() - t
        t = time.perf_counter()
        si, sj, _ = partner_pairs(x, floor, MAX_PARTNERS)
        searching = time.perf_counter() - t
        row: dict[str, object] = {"update_s": round(updating, 2), "new_search_s": round(searching, 2)}
        if updated is None:  # too many photos lost a partner: a new search costs less
            row["update"] = "not made: a new search"
        else:
            found = set(zip(updated[0].tolist(), updated[1].tolist(), strict=True))
            wanted = set(zip(si.tolist(), sj.tolist(), strict=True))
            copies = {(int(old_to_new[k]), len(stay) + k) for k in range(20) if old_to_new[k] >= 0}
            row |= {
                "pairs_new_search": len(wanted),
                "pairs_updated": len(found),
                "of_those_found": round(len(found & wanted) / max(1, len(wanted)), 4),
                "new_copies_found": f"{len(copies & found)}/{len(copies)}",
            }
        out[f"100 came, {went} went"] = row
    return out


def synthetic(kind: str, n: int) -> dict[str, object]:
    from photoorg.core.catalog import Catalog
    from photoorg.core.duplicates import DuplicateSettings, find_duplicates
    from tests.synthetic import fill_catalog

    x = make_vectors(kind, n)[0]
    with tempfile.TemporaryDirectory() as tmp:
        cat = Catalog(Path(tmp) / "c.sqlite3")
        model = cat.model("bench", "bench", "r", "fp32", 768)
        fill_catalog(cat, model.id, x)
        t = time.perf_counter()
        sets = find_duplicates(cat, model.id)
        seconds = time.perf_counter() - t
        cat.close()
    return {
        "library": f"{kind} (synthetic 768-d vectors)",
        "photos": n,
        "share_of_pairs_above_similar": round(share_above(x, DuplicateSettings().similar_threshold), 3),
        "seconds": round(seconds, 1),
        "sets": len(sets),
        "largest_set": max((len(s.photos) for s in sets), default=0),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=Path, help="a folder bench_rescan.py filled")
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--recall", action="store_true", help="the region search against every pair")
    ap.add_argument("--update", action="store_true", help="pairs brought up to date against a new search")
    ap.add_argument("--kinds", nargs="+", default=["alike", "varied"])
    ap.add_argument("--sizes", nargs="+", type=int, default=[20_000, 100_000])
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, n = args.child
        if kind == "images":
            out = images(args.images, int(n))
        else:
            out = (recall if args.recall else update if args.update else synthetic)(kind, int(n))
        print(json.dumps(out))
        return
    jobs = [("images", n) for n in args.sizes] if args.images else []
    if args.synthetic or args.recall or args.update:
        jobs += [(kind, n) for kind in args.kinds for n in args.sizes]
    for kind, n in jobs:
        extra = ["--images", str(args.images)] if args.images else []
        extra += ["--recall"] if args.recall else []
        extra += ["--update"] if args.update else []
        done = subprocess.run(
            [sys.executable, __file__, *extra, "--child", kind, str(n)], capture_output=True, text=True
        )
        if done.returncode:
            print(f"{kind} {n}: failed\n{done.stderr[-2000:]}")
            continue
        # Timings on a shared machine mean little without the load they ran under.
        print({**json.loads(done.stdout.strip().splitlines()[-1]), "load_1min": round(os.getloadavg()[0], 1)})


if __name__ == "__main__":
    main()
