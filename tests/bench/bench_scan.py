"""A first scan's speed: photos/s of run_scan into a fresh catalog, the model loaded first.

After a warm-up scan of --warm photos (CUDA's kernels, the GPU JPEG decoder's lanes), each
--repeat scans the whole library into a catalog of its own and prints one line. Which code
runs is PYTHONPATH's, so two versions of photoorg can be compared on one machine:

    python tests/bench/bench_scan.py LIB --model M [--device cuda] [--repeat 2]

--lanes, --hw-lanes, --threads and --batch try other settings of the GPU JPEG decoder, the
scan's threads and the model's batch than photoorg's (photoorg.core.gpu_jpeg.LANES, HW_LANES;
pipeline.reading.GPU_DECODE_THREADS; devices.default_batch_size).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.pipeline import run_scan


def _lanes(device: str) -> Any:
    """The scan's GPU JPEG decoder, where it has one that counts its lanes' time (not the
    photoorg of another tree, whose decoder may not)."""
    from photoorg.core import gpu_jpeg

    gpu = gpu_jpeg.for_device(device)
    return gpu if gpu is not None and hasattr(gpu, "seconds") else None


def _reset(gpu: Any) -> None:
    gpu.seconds = dict.fromkeys(gpu.seconds, 0.0)
    gpu.batches = 0


def _time_main_thread() -> dict[str, float]:
    """Seconds the scan's own thread spends in the model and in committing batches (which
    includes the model), counted by wrapping the two; the rest of its time it waits."""
    from photoorg.core.pipeline.batches import ScanState

    spent = {"embed": 0.0, "commit": 0.0}

    def timed(fn: Any, key: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - t

        return run

    Embedder.embed = timed(Embedder.embed, "embed")  # type: ignore[method-assign]
    ScanState.commit_vectors = timed(ScanState.commit_vectors, "commit")  # type: ignore[method-assign]
    return spent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--model", required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--warm", type=int, default=96)
    ap.add_argument("--label", default="")
    ap.add_argument("--lanes", type=int)
    ap.add_argument("--hw-lanes", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--threads", type=int, help="decoding threads with a GPU decoder")
    ap.add_argument("--decoder-options", help="gpu_jpeg.OPTIONS, nvImageCodec's decoder options")
    args = ap.parse_args()
    if args.decoder_options:
        from photoorg.core import gpu_jpeg

        gpu_jpeg.OPTIONS = args.decoder_options
    spent = _time_main_thread()
    if args.threads:
        from photoorg.core.pipeline import reading

        reading.GPU_DECODE_THREADS = args.threads
    if args.lanes is not None or args.hw_lanes is not None:
        from photoorg.core import gpu_jpeg

        gpu_jpeg.LANES = gpu_jpeg.LANES if args.lanes is None else args.lanes
        gpu_jpeg.HW_LANES = gpu_jpeg.HW_LANES if args.hw_lanes is None else args.hw_lanes
    embedder = Embedder(args.model, device=args.device, dtype=args.dtype, batch_size=args.batch)
    embedder.load()
    photos = sorted(str(p) for p in Path(args.library).iterdir())
    with tempfile.TemporaryDirectory(prefix="photoorg-bench-scan-") as tmp:
        warm = Path(tmp, "warm")
        warm.mkdir()
        for p in photos[: args.warm]:
            os.symlink(p, warm / os.path.basename(p))
        with Catalog(Path(tmp, "warm.sqlite3")) as catalog:
            run_scan([str(warm)], catalog, embedder)
        lanes = _lanes(embedder.device)
        if lanes is not None:
            _reset(lanes)
        for k in range(args.repeat):
            with Catalog(Path(tmp, f"scan{k}.sqlite3")) as catalog:
                t = time.perf_counter()
                s = run_scan([args.library], catalog, embedder)
                took = time.perf_counter() - t
            print(
                f"{args.label or 'scan'}: {s.embedded} photos in {took:.2f} s = {s.embedded / took:.1f} "
                f"photos/s (embedding {s.embedded / max(s.embed_elapsed, 1e-9):.1f}/s), decoder "
                f"{s.decoder}, {embedder.device} {embedder.dtype} batch {embedder.batch_size}, "
                f"{len(s.failures)} unreadable",
                flush=True,
            )
            print(
                f"  the scan's own thread: embedding {spent['embed']:.2f} s, committing "
                f"{spent['commit'] - spent['embed']:.2f} s, the rest waiting for photos or cataloguing",
                flush=True,
            )
            spent.update(dict.fromkeys(spent, 0.0))
            if lanes is not None:
                took_lanes = ", ".join(f"{k} {v:.2f} s" for k, v in lanes.seconds.items())
                print(f"  the GPU decoder's lanes, all together: {took_lanes}; {lanes.batches} batches")
                _reset(lanes)


if __name__ == "__main__":
    main()
