"""``photoorg bench``: photos per second for each stage of a scan, beside the naive path.

Rows:
- decode only: read + fingerprint + decode (JPEG draft) + crop + pixel hashes, as in a scan;
- model only: the embedder on ready crops, in batches;
- end to end: a real scan into a throw-away catalog (threads overlapping decode and model);
- naive: full decode, the transformers image processor, fp32, one photo at a time.
Model only and end to end are also given as a fraction of the limit ("of limit"): this
machine's measured matrix-product rate in the dtype in use, divided by the model's FLOPs per
photo. Unreadable files are skipped, as the scan skips them. When the chosen dtype is not fp32,
the cosine of its vectors to fp32 vectors is printed too.

On a CPU, unless ``--no-int8``, two more rows run the same model in int8 (ONNX Runtime, see
photoorg.core.int8): model only and end to end, each with its fraction of the int8 limit (this
machine's rate for an int8 product as the model runs it: activations quantized on the fly, int8
weights, measured with ONNX Runtime on the same shapes) and the minimum cosine to fp32.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from photoorg.core import gpu_jpeg, scanner
from photoorg.core.catalog import Catalog, fingerprint
from photoorg.core.embedder import Embedder
from photoorg.core.gpu_jpeg import GpuJpeg
from photoorg.core.model_folder import Preprocess
from photoorg.core.pipeline import ScanSummary, default_decode_workers, run_scan
from photoorg.core.pipeline.reading import cpu_turn, decode_threads, model_picture


def _decode_one(
    path: str, pp: Preprocess, gpu: GpuJpeg | None = None, cpu_turns: threading.Semaphore | None = None
) -> np.ndarray | None:
    """A photo's crop as the scan makes it, pixel hashes included (other photos than JPEGs
    take turns for the cores when the GPU decodes the JPEGs; see reading.embed_input), or
    None when it is unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        fingerprint(data)
        with cpu_turn(data, cpu_turns):
            return model_picture(data, pp, path, gpu)[0]
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


def int8_matmul_peak(
    shapes: tuple[tuple[int, int, int], ...] = (), seconds: float = 0.6, threads: int | None = None
) -> tuple[float, str]:
    """This machine's FLOP/s for a matrix product as the int8 model computes it (ONNX Runtime,
    a float input quantized on the fly times int8 weights, the result back in float: a one-node
    model made by the same ``quantize_dynamic``), best of square products and ``shapes``."""
    import tempfile
    from pathlib import Path

    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper

    from photoorg.core import int8

    rng = np.random.default_rng(0)
    best_rate, best_shape = 0.0, ""
    threads = threads or torch.get_num_threads()
    with tempfile.TemporaryDirectory(prefix="photoorg-peak-") as tmp:
        for m, k, n in (*((z, z, z) for z in (2048, 4096)), *shapes):
            w = numpy_helper.from_array(rng.standard_normal((k, n), dtype=np.float32), "w")
            graph = helper.make_graph(
                [helper.make_node("MatMul", ["x", "w"], ["y"])],
                "product",
                [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
                [w],
            )
            fp32, quantized = Path(tmp, "fp32.onnx"), Path(tmp, "int8.onnx")
            # IR version 10: what ONNX Runtime reads (onnx 1.23 writes 14 by default).
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=10)
            onnx.save(model, fp32)
            int8.quantize(fp32, quantized)
            run_product = int8.Int8Model(quantized, threads).session.run
            x = {"x": rng.standard_normal((m, k), dtype=np.float32)}
            run_product(None, x)
            started, best = time.perf_counter(), float("inf")
            while time.perf_counter() - started < seconds or best == float("inf"):
                t = time.perf_counter()
                run_product(None, x)
                best = min(best, time.perf_counter() - t)
            if 2 * m * k * n / best > best_rate:
                best_rate, best_shape = 2 * m * k * n / best, f"{m}x{k} @ {k}x{n}"
    return best_rate, best_shape


def _peak(device: str, dtype: str, shapes: tuple[tuple[int, int, int], ...]) -> tuple[float, str]:
    if dtype == "int8":
        return int8_matmul_peak(shapes)
    return matmul_peak(device, dtype, shapes)


def _model_only(embedder: Embedder, batch: np.ndarray, n_batches: int) -> float:
    """Seconds for ``n_batches`` batches through the model (after one warm-up batch)."""
    embedder.embed(batch)
    t = time.perf_counter()
    for _ in range(n_batches):
        embedder.embed(batch)
    return time.perf_counter() - t


def _end_to_end(args: argparse.Namespace, paths: list[str], embedder: Embedder, workers: int) -> ScanSummary:
    """A real scan into a throw-away catalog."""
    with (
        tempfile.TemporaryDirectory(prefix="photoorg-bench-") as tmp,
        Catalog(os.path.join(tmp, "catalog.sqlite3")) as catalog,
    ):
        roots = args.folders if not args.limit else paths
        return run_scan(roots, catalog, embedder, decode_workers=workers)


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

    # Decode only, as the scan decodes (nvJPEG on an NVIDIA GPU where it is installed).
    gpu = gpu_jpeg.for_device(embedder.device)
    decoder = gpu.name if gpu is not None else "Pillow, JPEG draft"
    threads, turns = decode_threads(workers, gpu)  # as the scan has
    t = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        decoded = list(pool.map(lambda p: _decode_one(p, pp, gpu, turns), paths))
    row("decode only", len(paths), time.perf_counter() - t, f"{threads} threads, {decoder}")
    crops = [c for c in decoded if c is not None]
    readable = [p for p, c in zip(paths, decoded, strict=True) if c is not None]
    unreadable = len(paths) - len(readable)
    if not crops:
        print(f"None of the {len(paths)} photos could be read.")
        return 1

    # Model only (after one warm-up batch).
    bs = embedder.batch_size
    batch = np.stack((crops * (bs // max(1, len(crops)) + 1))[:bs])
    n_batches = max(2, len(paths) // bs)
    row(
        "model only",
        n_batches * bs,
        _model_only(embedder, batch, n_batches),
        f"{embedder.device} {embedder.dtype}, batch {bs}",
    )

    # End to end, into a throw-away catalog.
    summary = _end_to_end(args, paths, embedder, workers)
    row(
        "end to end",
        summary.embedded + summary.reused,
        summary.work_elapsed,
        f"scan: read, fingerprint, decode ({summary.decoder}), embed, commit "
        f"({len(summary.failures)} unreadable)",
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
    shapes = (mlp, (bs * tokens, d, 3 * d))
    peak, peak_shape = _peak(embedder.device, embedder.dtype, shapes)
    flops = embedder.flops_per_photo()
    for r in rows:
        if r["path"] in ("model only", "end to end"):
            r["of_limit"] = round(float(r["photos_per_second"]) * flops / peak, 3)  # type: ignore[arg-type]

    sample = np.stack(crops[: min(len(crops), 32)])
    fp32_vectors: np.ndarray | None = None

    def cosine_to_fp32(other: Embedder) -> float:
        nonlocal fp32_vectors
        if fp32_vectors is None:
            fp32_vectors = (
                embedder.variant("fp32").embed(sample) if embedder.dtype != "fp32" else embedder.embed(sample)
            )
        return float((other.embed(sample) * fp32_vectors).sum(axis=1).min())

    cosine = cosine_to_fp32(embedder) if embedder.dtype != "fp32" else None

    int8_info = None
    if getattr(args, "int8", True) and embedder.device == "cpu" and embedder.dtype != "int8":
        print(
            "int8 rows: loading the int8 model (made once per model; a minute the first time)",
            file=sys.stderr,
        )
        q = embedder.variant("int8", device="cpu").load()
        q_peak, q_shape = int8_matmul_peak(shapes)
        q_cos = round(cosine_to_fp32(q), 6)
        q_seconds = _model_only(q, batch, n_batches)
        row("model only, int8", n_batches * bs, q_seconds, f"cpu int8 (ONNX Runtime), batch {bs}")
        q_summary = _end_to_end(args, paths, q, workers)
        row(
            "end to end, int8",
            q_summary.embedded + q_summary.reused,
            q_summary.work_elapsed,
            "scan as above, int8",
        )
        for r in rows[-2:]:
            r["dtype"] = "int8"
            r["of_limit"] = round(float(r["photos_per_second"]) * flops / q_peak, 3)  # type: ignore[arg-type]
            r["min_cosine_to_fp32"] = q_cos
        int8_info = {
            "peak_flops_per_second": round(q_peak),
            "peak_how": f"best int8 product as the int8 model runs it (ONNX Runtime dynamic int8), {q_shape}",
            "limit_photos_per_second": round(q_peak / flops, 2),
            "min_cosine_to_fp32": q_cos,
            "cosine_photos": len(sample),
        }

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
    if int8_info is not None:
        info["int8"] = int8_info
    if getattr(args, "json", False):
        print(json.dumps(info, indent=2))
        return 0
    print(
        f"photoorg bench: {len(paths)} photos, {embedder.model_name}, {embedder.device} "
        f"{embedder.dtype}, batch {bs}, {workers} decode threads, {torch.get_num_threads()} torch threads"
    )
    per_second = "GOP/s" if embedder.dtype == "int8" else "GFLOP/s"
    print(
        f"limit: {peak / 1e9:.0f} {per_second} ({embedder.device} {embedder.dtype}, best of matrix products, "
        f"{peak_shape}) / "
        f"{flops / 1e9:.1f} GFLOP per photo = {peak / flops:.2f} photos/s"
    )
    print(f"{'path':<12} {'photos':>7} {'seconds':>8} {'photos/s':>9} {'of limit':>9}  how")
    for r in rows:
        share = f"{r['of_limit']:.0%}" if "of_limit" in r else ""
        rate = r["photos_per_second"]
        print(f"{r['path']:<12} {r['photos']:>7} {r['seconds']:>8} {rate:>9} {share:>9}  {r['how']}")
    if int8_info is not None:
        print(
            f"int8 limit: {q_peak / 1e9:.0f} GOP/s (int8 products as the int8 model runs them, {q_shape}) = "
            f"{q_peak / flops:.2f} photos/s; int8 vs fp32: min cosine {q_cos:.5f} over {len(sample)} photos"
        )
    if unreadable:
        print(f"{unreadable} unreadable files skipped")
    by_path = {r["path"]: r["photos_per_second"] for r in rows}
    naive_rate = by_path["naive"]
    e2e = by_path["end to end"]
    print(f"end to end is {e2e / naive_rate:.1f}x the naive path")  # type: ignore[operator]
    if int8_info is not None:
        model_x = by_path["model only, int8"] / by_path["model only"]  # type: ignore[operator]
        e2e_x = by_path["end to end, int8"] / by_path["end to end"]  # type: ignore[operator]
        print(f"int8 is {model_x:.2f}x {embedder.dtype} for the model alone, {e2e_x:.2f}x end to end")
    if cosine is not None:
        print(f"{embedder.dtype} vs fp32: min cosine {cosine:.5f} over {min(len(crops), 32)} photos")
    return 0
