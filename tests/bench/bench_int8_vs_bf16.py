"""The model alone in fp32, bf16 and int8 through photoorg's own Embedder, rounds interleaved
(so that a busy moment of a shared machine hits all three alike): photos/s, best so far, after
each round.

    python tests/bench/bench_int8_vs_bf16.py MODEL_FOLDER PHOTO_FOLDER [--rounds 4] [--photos 8]

bf16 only pays on CPUs with bf16 instructions (AMX, AVX512-BF16), where "auto" picks it.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from photoorg.core.embedder import Embedder
from tests.bench.bench_int8_engines import crops_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("photos")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--photos-n", "--photos", dest="n", type=int, default=8)
    ap.add_argument("--int8-dir", help="where the int8 model is kept (default: a throw-away folder)")
    args = ap.parse_args()
    crops = crops_of(args.photos, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        embedders = {
            d: Embedder(args.model, device="cpu", dtype=d, int8_dir=args.int8_dir or tmp).load()
            for d in ("fp32", "bf16", "int8")
        }
        for e in embedders.values():
            e.embed(crops[:2])
        best = dict.fromkeys(embedders, float("inf"))
        for _ in range(args.rounds):
            for d, e in embedders.items():
                t = time.perf_counter()
                e.embed(crops)
                best[d] = min(best[d], time.perf_counter() - t)
            print({d: round(len(crops) / s, 2) for d, s in best.items()}, flush=True)


if __name__ == "__main__":
    main()
