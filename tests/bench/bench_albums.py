"""How well and how fast an album finds its photos, on synthetic 768-d vectors with known
classes, and how long a retrain and rescore takes.

    python tests/bench/bench_albums.py              # precision table and timings
    python tests/bench/bench_albums.py --time-only  # 10k and 100k timings
    python tests/bench/bench_albums.py --images ../shared/photos --model DINOV2_FOLDER
    python tests/bench/bench_albums.py --loop 100000  # one answer in the app, as the engine runs it

``--images``: a generated image library instead: the photos of a folder (natural photographs)
and 30 generated striped patterns among them, embedded with the given model (the real loading
path, e.g. dinov2-base with random weights); the album is "the striped patterns".

Each case: a library of N vectors in many clusters (each a "subject") plus unrelated photos;
one cluster is the album, at a prevalence of 1 to 20 % of the library, with its members spread
around their centre (``spread``: larger is harder). The person gives 3, 5 or 10 examples; then
accepts the true members among the 20 suggestions and rejects the others, twice. Printed:
precision of the 20 suggestions at each step, averaged over seeds; when fewer than 20 members
are left to find, out of those (a small album runs out of members to suggest).

The album has three looks (say: the dog asleep, running, in the snow), and examples are drawn
at random: a look without an example has nothing in common with the others, so a classifier
finds it late or never. That is what the low figures of a small album after a round or two
show (1 %: 50 members, about 17 a look; after two looks are found, the third is all that is
left): the person then adds an example of it ("Add to album").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from photoorg.core.albums import EXAMPLE, MEMBER, REJECTED, Album, score
from tests.synthetic import album_library


def session(x: np.ndarray, truth: np.ndarray, examples: int, rounds: int, seed: int) -> list[float]:
    """Precision of the top 20 after the examples, then after each round of answers."""
    rng = np.random.default_rng(seed)
    fps = [str(k) for k in range(len(x))]
    members = rng.choice(np.flatnonzero(truth), size=examples, replace=False)
    album = Album(1, "album", {str(k): EXAMPLE for k in members})
    out = []
    for r in range(rounds + 1):
        s = score(album, fps, x, np.random.default_rng(seed + r))
        top = s.order[:20]
        left = int(truth[s.order].sum())  # members not yet labelled: at most that many can be found
        out.append(float(truth[top].sum() / min(20, left)) if left else float("nan"))
        for k in top:  # the person answers every suggestion shown
            album.roles[str(k)] = MEMBER if truth[k] else REJECTED
    return out


def precision_table(seeds: int = 3) -> None:
    print("N      prevalence spread examples  P@20 start  after 1 round  after 2 rounds")
    for n, prevalence, spread in [(5000, 0.01, 1.0), (5000, 0.05, 1.0), (5000, 0.20, 1.0),
                                  (5000, 0.01, 2.0), (5000, 0.05, 2.0), (5000, 0.20, 2.0)]:  # fmt: skip
        for examples in (3, 5, 10):
            runs = np.array(
                [session(*album_library(n, prevalence, spread, s), examples, 2, s) for s in range(seeds)]
            )
            mean = np.nanmean(runs, axis=0)
            row = f"{n:<6} {prevalence:>9.0%} {spread:>6} {examples:>8}"
            print(f"{row}  {mean[0]:>10.2f}  {mean[1]:>13.2f}  {mean[2]:>14.2f}")


def striped(path: Path, rng: np.random.Generator) -> None:
    """A striped pattern: random angle, period, two random colours, a little noise."""
    from PIL import Image

    h, w = int(rng.integers(300, 600)), int(rng.integers(300, 600))
    yy, xx = np.mgrid[0:h, 0:w]
    angle, period = rng.uniform(0, np.pi), rng.uniform(8, 40)
    phase = (xx * np.cos(angle) + yy * np.sin(angle)) / period
    stripe = (np.sin(2 * np.pi * phase) > 0)[..., None]
    a, b = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    img = np.where(stripe, a, b) + rng.normal(0, 8, (h, w, 3))
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, quality=90)


def image_library(photos: str, model: str, seeds: int = 5) -> None:
    import shutil
    import tempfile

    from photoorg.core.catalog import Catalog
    from photoorg.core.embedder import Embedder
    from photoorg.core.pipeline import run_scan

    root = Path(tempfile.mkdtemp(prefix="bench-albums-"))
    try:
        n = 0
        for src in sorted(Path(photos).rglob("*")):
            if src.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
                shutil.copy(src, root / f"photo_{n:04d}{src.suffix.lower()}")
                n += 1
        rng = np.random.default_rng(0)
        for k in range(30):
            striped(root / f"striped_{k:02d}.jpg", rng)
        catalog = Catalog(root / "catalog.sqlite3")
        t = time.perf_counter()
        summary = run_scan([root], catalog, Embedder(model, device="cpu"))
        print(f"{n} photographs + 30 striped patterns embedded in {time.perf_counter() - t:.0f} s "
              f"({summary.embedded} embedded, {len(summary.failures)} failed)")  # fmt: skip
        [(model_id, _)] = catalog.vector_counts().items()
        photos_ = catalog.photos()
        fps, x = catalog.vectors_for(model_id, sorted({p.fingerprint for p in photos_}))
        name_of = {p.fingerprint: Path(p.path).name for p in photos_}
        truth = np.array([name_of[fp].startswith("striped_") for fp in fps])
        print("examples  P@20 start  after 1 round  after 2 rounds  (mean of", seeds, "draws)")
        for examples in (3, 5, 10):
            runs = np.array([session(x, truth, examples, 2, s) for s in range(seeds)])
            mean = np.nanmean(runs, axis=0)
            print(f"{examples:>8}  {mean[0]:>10.2f}  {mean[1]:>13.2f}  {mean[2]:>14.2f}")
        catalog.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def answer_loop(n: int) -> None:
    """What one answer costs the engine at ``n`` photos: the album changed, then its view (its
    photos, the retrain, the best suggestions) read back, as ``Library.teach`` and
    ``Library.album_view`` do, on a catalog of ``n`` synthetic rows and vectors."""
    import contextlib
    import tempfile

    from photoorg.core.catalog import Catalog, FileRow
    from photoorg.core.curation import Curation

    x, truth = album_library(n, 0.02, 1.0, 0)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Path(tmp) / "c.sqlite3")
        model = catalog.model("bench", "bench", "r", "fp32", x.shape[1])
        path = "{}/lib/{:03d}/{:06d}.jpg"
        rows = [FileRow(path.format(tmp, k % 400, k), 1, k, f"{k:032x}", 1, 1, "JPEG") for k in range(n)]
        for start in range(0, n, 10_000):
            part = range(start, min(n, start + 10_000))
            catalog.write_batch([rows[k] for k in part], [(f"{k:032x}", x[k]) for k in part], model.id)

        class Service(Curation):  # the parts of Library that Curation uses, without a scan
            def __init__(self) -> None:
                self.catalog = catalog

            @contextlib.contextmanager
            def writing(self, progress=None):
                yield catalog

            def library_roots(self) -> tuple[list[str], list[str]]:
                return [f"{tmp}/lib"], []

            def model(self, progress=None):
                return model.id, None

        service = Service()
        members = np.flatnonzero(truth)
        service.create_album("bench", [rows[k].path for k in members[:5]])
        service.album_view("bench")  # the first view reads the vectors once
        times = []
        for r in range(5):
            t = time.perf_counter()
            service.teach("bench", [rows[members[10 + r]].path], MEMBER)
            view = service.album_view("bench")
            times.append(time.perf_counter() - t)
        best, median = min(times), float(np.median(times))
        print(f"{n} photos: one answer (teach, then members + retrain + {len(view.suggestions)} "
              f"suggestions) {best:.2f} s best of 5, {median:.2f} s median")  # fmt: skip
        catalog.close()


def timings() -> None:
    for n in (10_000, 100_000):
        x, truth = album_library(n, 0.02, 1.0, 0)
        fps = [str(k) for k in range(n)]
        album = Album(1, "album", {str(k): EXAMPLE for k in np.flatnonzero(truth)[:10]})
        score(album, fps, x)  # warm up (imports)
        times = []
        for r in range(5):
            t = time.perf_counter()
            score(album, fps, x, np.random.default_rng(r))
            times.append(time.perf_counter() - t)
        best, median = min(times) * 1000, float(np.median(times)) * 1000
        print(f"{n} photos: retrain and rescore {best:.0f} ms (best of 5), {median:.0f} ms median")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-only", action="store_true")
    parser.add_argument("--images", help="a folder of photographs: the generated image library")
    parser.add_argument("--model", help="the DINOv2 model (folder or hub id) for --images")
    parser.add_argument("--loop", type=int, metavar="N", help="time one answer at N photos")
    args = parser.parse_args()
    if args.loop:
        answer_loop(args.loop)
        sys.exit(0)
    if args.images:
        image_library(args.images, args.model or "facebook/dinov2-base")
        sys.exit(0)
    if not args.time_only:
        precision_table()
    timings()
