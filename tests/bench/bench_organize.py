"""Time planning an organize over N catalogued photos (synthetic rows; the files need not exist).

    python tests/bench/bench_organize.py 100000

Prints the seconds to read the catalog's photos and to plan by date and by group.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.grouping import Group
from photoorg.core.organize import OrganizeRequest, plan_organize


def main(n: int) -> None:
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Path(tmp) / "c.sqlite3")
        rows = []
        for k in range(n):
            day = int(rng.integers(0, 3650))
            taken = (
                None if k % 20 == 0 else time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1.3e9 + day * 86400))
            )
            path = f"{tmp}/lib/{k % 400:03d}/IMG_{k:06d}.jpg"
            rows.append(FileRow(path, 2_000_000, k, f"{k:032x}", 4000, 3000, "JPEG", taken, "Camera"))
        catalog.write_batch(rows)
        t = time.perf_counter()
        photos = catalog.photos()
        read = time.perf_counter() - t
        t = time.perf_counter()
        plan = plan_organize(OrganizeRequest("date", f"{tmp}/sorted"), photos)
        by_date = time.perf_counter() - t
        groups = [Group(g, photos[g::500], 0.8, f"group {g}").describe() for g in range(500)]
        t = time.perf_counter()
        plan_g = plan_organize(OrganizeRequest("group", f"{tmp}/by-group"), photos, groups=groups)
        by_group = time.perf_counter() - t
        print(
            f"{n} photos: read {read:.2f} s; plan by date {by_date:.2f} s ({len(plan.folders())} folders, "
            f"{plan.undated} undated); plan by group {by_group:.2f} s ({len(plan_g.folders())} folders)"
        )
        catalog.close()


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100000"]:
        main(int(arg))
