"""int8 against fp32 on a folder of photos, through the library service (issue 15):

- the cosine of every photo's int8 vector to its fp32 vector (min, 1st percentile, median);
- the duplicate sets each finds (exact copies, same image, similar shots): identical or not;
- the groups each finds: how many, and how alike (adjusted Rand index of the photos' groups);
- each scan's end-to-end rate (one run each on a shared machine: a rough figure, not a ratio).

    python tests/bench/bench_int8_parity.py PHOTOS --model MODEL_FOLDER [--home DIR]

Both scans go into one library (a throw-away home unless ``--home``), so the fp32 vectors and
the int8 vectors sit side by side under their own keys, as they would for a person who turns
int8 on. Needs the test extras (scikit-learn) for the Rand index.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence

import numpy as np

from photoorg.core.grouping import UNSORTED
from photoorg.core.library import Library
from photoorg.core.paths import locations


def _sets(library: Library) -> set[tuple[str, frozenset[str]]]:
    return {(s.verdict.value, frozenset(p.path for p in s.photos)) for s in library.duplicates()}


def _groups(library: Library) -> dict[str, int]:
    out: dict[str, int] = {}
    for n, g in enumerate(library.groups()):
        for photo in g.photos:
            out[photo.path] = -1 if g.id == UNSORTED else n
    return out


def run(photos: str, model: str, home: str) -> dict[str, object]:
    where = locations(home).ensure()
    found: dict[str, dict[str, object]] = {}
    for dtype in ("fp32", "int8"):
        with Library(where, {"model": model, "device": "cpu", "dtype": dtype}) as library:
            if dtype == "fp32":
                library.add_folders([photos])
            summary = library.scan()
            assert summary.model_error is None, summary.model_error
            model_id, _ = library.model()
            paths, vectors = library.catalog.vectors(model_id)
            found[dtype] = {
                "summary": summary,
                "vectors": dict(zip(paths, vectors, strict=True)),
                "sets": _sets(library),
                "groups": _groups(library),
            }
    a, b = found["fp32"], found["int8"]
    common = sorted(set(a["vectors"]) & set(b["vectors"]))  # type: ignore[arg-type]
    cos = np.array([float(a["vectors"][p] @ b["vectors"][p]) for p in common])  # type: ignore[index]
    report: dict[str, object] = {
        "photos": len(common),
        "min_cosine": float(cos.min()),
        "p1_cosine": float(np.percentile(cos, 1)),
        "median_cosine": float(np.median(cos)),
        "sets_fp32": len(a["sets"]),  # type: ignore[arg-type]
        "sets_int8": len(b["sets"]),  # type: ignore[arg-type]
        "sets_identical": a["sets"] == b["sets"],
        "sets_only_fp32": sorted(_show(a["sets"] - b["sets"])),  # type: ignore[operator]
        "sets_only_int8": sorted(_show(b["sets"] - a["sets"])),  # type: ignore[operator]
    }
    ga, gb = a["groups"], b["groups"]
    try:
        from sklearn.metrics import adjusted_rand_score

        keys = sorted(set(ga) & set(gb))  # type: ignore[arg-type]
        report["groups_ari"] = float(adjusted_rand_score([ga[k] for k in keys], [gb[k] for k in keys]))  # type: ignore[index]
    except ImportError:
        report["groups_ari"] = None
    report["groups_fp32"] = len(set(ga.values()) - {-1})  # type: ignore[union-attr]
    report["groups_int8"] = len(set(gb.values()) - {-1})  # type: ignore[union-attr]
    for dtype in ("fp32", "int8"):
        s = found[dtype]["summary"]
        report[f"scan_{dtype}_photos_per_second"] = round(s.embedded / s.work_elapsed, 2)  # type: ignore[attr-defined]
    return report


def _show(sets: Sequence[tuple[str, frozenset[str]]] | set[tuple[str, frozenset[str]]]) -> list[str]:
    return [f"{verdict}: {', '.join(sorted(p.rsplit('/', 1)[-1] for p in paths))}" for verdict, paths in sets]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("photos")
    ap.add_argument("--model", required=True)
    ap.add_argument("--home", help="photoorg home to use (default: a throw-away one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="photoorg-parity-") as tmp:
        report = run(args.photos, args.model, args.home or tmp)
    for key, value in report.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
