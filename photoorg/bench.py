"""``photoorg bench``: photos per second for each stage of a scan, beside the naive path.

Rows:
- decode only: read + fingerprint + decode (JPEG draft) + crop, in the scan's thread pool;
- model only: the embedder on ready crops, in batches;
- end to end: a real scan into a throw-away catalog (threads overlapping decode and model);
- naive: full decode, the transformers image processor, fp32, one photo at a time.
When the chosen dtype is not fp32, the cosine of its vectors to fp32 vectors is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from photoorg.core import imaging, scanner
from photoorg.core.catalog import Catalog, fingerprint
from photoorg.core.embedder import Embedder
from photoorg.core.pipeline import default_decode_workers, run_scan


def _decode_one(path: str, short: int, crop: int) -> np.ndarray | None:
    try:
        with open(path, "rb") as f:
            data = f.read()
        fingerprint(data)
        return imaging.model_input(imaging.decode(data, short, path=path), short, crop)
    except Exception:
        return None


def run(args: argparse.Namespace, embedder: Embedder) -> int:
    paths = [r.path for r in scanner.scan(args.folders)]
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        print("No photos found.")
        return 1
    import torch

    embedder.load()
    pp = embedder.preprocess
    workers = args.workers or default_decode_workers()
    rows: list[dict[str, object]] = []

    def row(name: str, n: int, seconds: float, note: str) -> None:
        rows.append(
            {
                "path": name,
                "photos": n,
                "seconds": round(seconds, 2),
                "photos_per_second": round(n / seconds, 2),
                "how": note,
            }
        )

    # Decode only.
    t = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        crops = [
            c for c in pool.map(lambda p: _decode_one(p, pp.resize_short, pp.crop), paths) if c is not None
        ]
    row("decode only", len(paths), time.perf_counter() - t, f"{workers} threads, JPEG draft")

    # Model only (after one warm-up batch).
    bs = embedder.batch_size
    batch = np.stack((crops * (bs // max(1, len(crops)) + 1))[:bs])
    embedder.embed(batch)
    n_batches = max(2, len(paths) // bs)
    t = time.perf_counter()
    for _ in range(n_batches):
        embedder.embed(batch)
    row(
        "model only",
        n_batches * bs,
        time.perf_counter() - t,
        f"{embedder.device} {embedder.dtype}, batch {bs}",
    )

    # End to end, into a throw-away catalog.
    with (
        tempfile.TemporaryDirectory(prefix="photoorg-bench-") as tmp,
        Catalog(os.path.join(tmp, "catalog.sqlite3")) as catalog,
    ):
        roots = args.folders if not args.limit else paths
        summary = run_scan(roots, catalog, embedder, decode_workers=workers)
    row(
        "end to end",
        summary.embedded + summary.reused,
        summary.work_elapsed,
        f"scan: read, fingerprint, decode, embed, commit ({len(summary.failures)} unreadable)",
    )

    # Naive: what a straightforward script does.
    from PIL import Image
    from transformers import AutoImageProcessor, AutoModel

    folder = embedder.resolve().folder
    try:
        processor = AutoImageProcessor.from_pretrained(folder, backend="pil")
    except (TypeError, ValueError):  # transformers without the backend switch
        processor = AutoImageProcessor.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, use_safetensors=True).eval().to(embedder.device)
    naive_paths = paths[: args.naive_limit]

    def naive(path: str) -> np.ndarray:
        img = Image.open(path).convert("RGB")
        with torch.inference_mode():
            pixels = processor(images=img, return_tensors="pt")["pixel_values"].to(embedder.device)
            return model(pixel_values=pixels).pooler_output[0].float().cpu().numpy()

    naive(naive_paths[0])
    t = time.perf_counter()
    for p in naive_paths:
        naive(p)
    row(
        "naive",
        len(naive_paths),
        time.perf_counter() - t,
        f"full decode + image processor + fp32, batch 1, {embedder.device}",
    )

    cosine = None
    if embedder.dtype != "fp32":
        sample = np.stack(crops[: min(len(crops), 32)])
        ours = embedder.embed(sample)
        fp32 = Embedder(str(folder), device=embedder.device, dtype="fp32").embed(sample)
        cosine = float((ours * fp32).sum(axis=1).min())

    info = {
        "photos": len(paths),
        "model": embedder.model_name,
        "device": embedder.device,
        "dtype": embedder.dtype,
        "batch_size": bs,
        "decode_threads": workers,
        "torch_threads": torch.get_num_threads(),
        "min_cosine_to_fp32": cosine,
        "rows": rows,
    }
    if getattr(args, "json", False):
        print(json.dumps(info, indent=2))
        return 0
    print(
        f"photoorg bench: {len(paths)} photos, {embedder.model_name}, {embedder.device} "
        f"{embedder.dtype}, batch {bs}, {workers} decode threads, {torch.get_num_threads()} torch threads"
    )
    print(f"{'path':<12} {'photos':>7} {'seconds':>8} {'photos/s':>9}  how")
    for r in rows:
        print(f"{r['path']:<12} {r['photos']:>7} {r['seconds']:>8} {r['photos_per_second']:>9}  {r['how']}")
    naive_rate = rows[-1]["photos_per_second"]
    e2e = rows[2]["photos_per_second"]
    print(f"end to end is {e2e / naive_rate:.1f}x the naive path")  # type: ignore[operator]
    if cosine is not None:
        print(f"{embedder.dtype} vs fp32: min cosine {cosine:.5f} over {min(len(crops), 32)} photos")
    return 0
