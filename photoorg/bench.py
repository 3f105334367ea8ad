"""``photoorg bench``: photos per second for each stage of a scan, beside the naive path.

Rows:
- decode only: read + fingerprint + decode (JPEG draft) + crop, in the scan's thread pool;
- model only: the embedder on ready crops, in batches;
- end to end: a real scan into a throw-away catalog (threads overlapping decode and model);
- naive: full decode, the transformers image processor, fp32, one photo at a time.
Model only and end to end are also given as a fraction of the limit ("of limit"): this
machine's measured matrix-product rate in the dtype in use, divided by the model's FLOPs per
photo. Unreadable files are skipped, as the scan skips them. When the chosen dtype is not fp32,
the cosine of its vectors to fp32 vectors is printed too.
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


def matmul_peak(
    device: str, dtype: str, shapes: tuple[tuple[int, int, int], ...] = (), seconds: float = 0.6
) -> tuple[float, str]:
    """This machine's FLOP/s for matrix products in ``dtype`` on ``device``, and the shape that
    reached it: the best of repeated products of square matrices and of ``shapes`` (m, k, n)
    (the model's own), for about ``seconds`` each after a warm-up. The rate depends on the
    shape (measured here: fp32 101 to 148 GFLOP/s, bf16 330 to 809 for sizes 1024 to 4096), so
    several are tried: the limit must be one the model cannot beat."""
    import torch

    torch_dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype]
    sizes = (2048, 4096) if device == "cpu" else (4096, 8192)
    best_rate, best_shape = 0.0, ""

    def sync() -> None:
        if device == "cuda":
            torch.cuda.synchronize()
        elif device == "mps":
            torch.mps.synchronize()

    with torch.inference_mode():
        for m, k, n in (*((z, z, z) for z in sizes), *shapes):
            a = torch.randn(m, k, device=device).to(torch_dtype)
            b = torch.randn(k, n, device=device).to(torch_dtype)
            torch.mm(a, b)
            sync()
            started, best = time.perf_counter(), float("inf")
            while time.perf_counter() - started < seconds or best == float("inf"):
                t = time.perf_counter()
                torch.mm(a, b)
                sync()
                best = min(best, time.perf_counter() - t)
            if 2 * m * k * n / best > best_rate:
                best_rate, best_shape = 2 * m * k * n / best, f"{m}x{k} @ {k}x{n}"
    return best_rate, best_shape


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
        decoded = list(pool.map(lambda p: _decode_one(p, pp.resize_short, pp.crop), paths))
    row("decode only", len(paths), time.perf_counter() - t, f"{workers} threads, JPEG draft")
    crops = [c for c in decoded if c is not None]
    readable = [p for p, c in zip(paths, decoded, strict=True) if c is not None]
    unreadable = len(paths) - len(readable)
    if not crops:
        print(f"None of the {len(paths)} photos could be read.")
        return 1

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
    naive_paths = readable[: args.naive_limit]  # unreadable files are skipped, as the scan does

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

    # How close to the limit: the model is matrix products, so photos per second can never
    # exceed the machine's matrix-product rate in this dtype / the FLOPs of one photo.
    d, tokens = embedder.dim, (pp.crop // 14) ** 2 + 1
    mlp = (bs * tokens, d, 4 * d)  # the model's largest products: a batch through the MLP
    peak, peak_shape = matmul_peak(embedder.device, embedder.dtype, (mlp, (bs * tokens, d, 3 * d)))
    flops = embedder.flops_per_photo()
    for r in rows:
        if r["path"] in ("model only", "end to end"):
            r["of_limit"] = round(float(r["photos_per_second"]) * flops / peak, 3)  # type: ignore[arg-type]

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
        "unreadable": unreadable,
        "peak_flops_per_second": round(peak),
        "peak_how": f"best matrix product, {peak_shape}, {embedder.device} {embedder.dtype}",
        "flops_per_photo": round(flops),
        "limit_photos_per_second": round(peak / flops, 2),
        "rows": rows,
    }
    if getattr(args, "json", False):
        print(json.dumps(info, indent=2))
        return 0
    print(
        f"photoorg bench: {len(paths)} photos, {embedder.model_name}, {embedder.device} "
        f"{embedder.dtype}, batch {bs}, {workers} decode threads, {torch.get_num_threads()} torch threads"
    )
    print(
        f"limit: {peak / 1e9:.0f} GFLOP/s ({embedder.device} {embedder.dtype}, best of matrix products, "
        f"{peak_shape}) / "
        f"{flops / 1e9:.1f} GFLOP per photo = {peak / flops:.2f} photos/s"
    )
    print(f"{'path':<12} {'photos':>7} {'seconds':>8} {'photos/s':>9} {'of limit':>9}  how")
    for r in rows:
        share = f"{r['of_limit']:.0%}" if "of_limit" in r else ""
        rate = r["photos_per_second"]
        print(f"{r['path']:<12} {r['photos']:>7} {r['seconds']:>8} {rate:>9} {share:>9}  {r['how']}")
    if unreadable:
        print(f"{unreadable} unreadable files skipped")
    naive_rate = rows[-1]["photos_per_second"]
    e2e = rows[2]["photos_per_second"]
    print(f"end to end is {e2e / naive_rate:.1f}x the naive path")  # type: ignore[operator]
    if cosine is not None:
        print(f"{embedder.dtype} vs fp32: min cosine {cosine:.5f} over {min(len(crops), 32)} photos")
    return 0
