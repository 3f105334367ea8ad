"""JPEG decoding on an NVIDIA GPU against Pillow on the CPU cores (issue 15): photos/s and how
close the GPU's picture is to the CPU's.

    python tests/bench/bench_gpu_decode.py LIB --model FOLDER [--photos 600]

LIB: camera-sized JPEGs (tests/bench/make_library.py). Rows, photos/s over ``--photos`` photos,
each after a warm-up:
- nvJPEG alone: nvImageCodec decoding batches of 64 files to full-size pictures on the GPU,
  with the backends it chooses, the hardware decoder, the CUDA decoder, and mixes;
- photoorg decode: what a scan's decoding threads do to make the model's picture (header and
  EXIF, then the picture), with nvJPEG (photoorg.core.gpu_jpeg: the share of the hardware
  decoder, the lanes) in 64 threads, and with Pillow in 1 and cores-1 threads;
- a scan's work per photo: all a scan's thread does for a photo (read, fingerprint, decode,
  crop, pixel hashes), in threads with Pillow and with nvJPEG, and with Pillow in processes
  (threads share Python's lock, processes do not).
Then, over the first 64 photos (and 16 of them turned by EXIF orientation 6): the mean and
largest pixel difference of the model's input between nvJPEG and Pillow, the pHash bits that
differ, and the cosine of the model's vectors (fp32 on the GPU).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from photoorg.core import gpu_jpeg, imaging, pixel_hashes
from photoorg.core.catalog import fingerprint
from photoorg.core.embedder import Embedder
from photoorg.core.model_folder import Preprocess
from photoorg.core.pipeline.reading import Job, embed_input

SHORT, CROP = 256, 224


def row(what: str, n: int, seconds: float, note: str = "") -> None:
    print(f"{what:<40} {n / seconds:8.1f}{note}")


def nvjpeg_batches(datas: list[bytes], backends: list[tuple[str, float]]) -> tuple[float, int]:
    """Seconds to decode ``datas`` in batches of 64 to full-size pictures on the GPU."""
    import torch
    from nvidia import nvimgcodec

    chosen = [nvimgcodec.Backend(getattr(nvimgcodec.BackendKind, k), load_hint=h) for k, h in backends]
    dec = nvimgcodec.Decoder(backends=chosen) if chosen else nvimgcodec.Decoder()
    streams = [nvimgcodec.CodeStream(d) for d in datas]
    dec.decode(streams[:64])  # warm-up
    torch.cuda.synchronize()
    t = time.perf_counter()
    failed = 0
    for i in range(0, len(streams), 64):
        out = dec.decode(streams[i : i + 64])
        failed += sum(1 for o in out if o is None)
        for o in out:
            if o is not None:
                torch.as_tensor(o, device="cuda")
    torch.cuda.synchronize()
    return time.perf_counter() - t, failed


def photoorg_decode(datas: list[bytes], threads: int, gpu: gpu_jpeg.GpuJpeg | None) -> float:
    def one(data: bytes) -> np.ndarray:
        decoded = imaging.decode(data, SHORT, gpu=gpu)
        return imaging.model_input(decoded, SHORT, CROP)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, datas[: threads * 2]))  # warm-up (a decoder per thread)
        t = time.perf_counter()
        list(pool.map(one, datas))
        return time.perf_counter() - t


def turned(data: bytes) -> bytes:
    img = Image.open(io.BytesIO(data))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lib")
    ap.add_argument("--model", required=True)
    ap.add_argument("--photos", type=int, default=600)
    args = ap.parse_args()
    import torch

    paths = sorted(str(p) for p in Path(args.lib).glob("*.jpg"))[: args.photos]
    datas = [Path(p).read_bytes() for p in paths]
    w, h = Image.open(paths[0]).size
    mb = sum(map(len, datas)) / len(datas) / 1e6
    where = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    print(f"{len(datas)} JPEGs of {w}x{h}, {mb:.1f} MB each; {os.cpu_count()} cores; {where}")
    gpu = gpu_jpeg.for_device("cuda")
    print(f"GPU decoder: {gpu.name if gpu else 'none (nvImageCodec missing or not working)'}")
    if gpu is None and torch.cuda.is_available():
        try:
            from nvidia import nvimgcodec

            nvimgcodec.Decoder()
        except Exception as exc:
            print(f"nvImageCodec: {exc!r}")

    print(f"{'what':<48} {'photos/s':>8}")
    if gpu is not None:
        for name, backends in (
            ("any backend", []),
            ("hardware", [("HW_GPU_ONLY", 1.0)]),
            ("CUDA (hybrid)", [("HYBRID_CPU_GPU", 1.0)]),
            *(
                (f"hardware {share:.0%}, then CUDA", [("HW_GPU_ONLY", share), ("HYBRID_CPU_GPU", 1.0)])
                for share in (0.4, 0.6, 0.8)
            ),
        ):
            try:
                seconds, failed = nvjpeg_batches(datas, backends)
                note = f" ({failed} not decoded)" if failed else ""
                row(f"nvJPEG alone, batches of 64, {name}", len(datas), seconds, note)
            except Exception as exc:
                print(f"nvJPEG alone, {name}: failed: {exc}")
        from nvidia import nvimgcodec

        for lanes in (1, 2, 3):
            for hw_lanes in (0, 1):
                shared = gpu_jpeg.GpuJpeg(nvimgcodec, "cuda:0", hw_lanes=hw_lanes, lanes=lanes)
                seconds = photoorg_decode(datas, 64, shared)
                note = f" ({shared.declined} to Pillow, {shared.batches} batches)"
                row(
                    f"photoorg decode, nvJPEG, {lanes} lanes ({hw_lanes} hardware first), 64 thr.",
                    len(datas),
                    seconds,
                    note,
                )
    cores = os.cpu_count() or 2
    for threads in sorted({1, cores - 1}):
        seconds = photoorg_decode(datas, threads, None)
        row(f"photoorg decode, Pillow, {threads} threads", len(datas), seconds)
    # All a scan's decoding threads do for a photo (read, fingerprint, decode, crop, pixel hash):
    # threads share Python's lock, processes do not.
    pp = Preprocess(SHORT, CROP, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    jobs = [Job(p, fingerprint(d)) for p, d in zip(paths, datas, strict=True)]
    for name, threads, decoder in (("Pillow", cores - 1, None), ("nvJPEG", 64, gpu)):
        if name == "nvJPEG" and gpu is None:
            continue
        with ThreadPoolExecutor(threads) as pool:
            work = partial(embed_input, pp=pp, gpu=decoder)
            list(pool.map(work, jobs[: 2 * threads]))
            t = time.perf_counter()
            done = list(pool.map(work, jobs))
            row(f"a scan's work per photo, {name}, {threads} threads", len(jobs), time.perf_counter() - t)
            assert all(d.crop is not None for d in done)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(cores, mp_context=spawn) as pool:
        list(pool.map(embed_input, jobs[: 4 * cores], [pp] * (4 * cores)))
        t = time.perf_counter()
        done = list(pool.map(embed_input, jobs, [pp] * len(jobs), chunksize=4))
        row(f"a scan's work per photo, Pillow, {cores} processes", len(jobs), time.perf_counter() - t)
        assert all(d.crop is not None for d in done)
    if gpu is None:
        return
    sample = datas[:64]
    sample += [turned(d) for d in sample[:16]]
    cpu_crops, gpu_crops, bits = [], [], []
    for d in sample:
        c, g = imaging.decode(d, SHORT), imaging.decode(d, SHORT, gpu=gpu)
        assert (c.width, c.height) == (g.width, g.height), "sizes differ"
        cpu_crops.append(imaging.model_input(c, SHORT, CROP))
        gpu_crops.append(imaging.model_input(g, SHORT, CROP))
        bits.append(
            pixel_hashes.hash_distance(
                pixel_hashes.perceptual_hash(c.image),  # type: ignore[arg-type]
                g.looks.phash if g.looks is not None else pixel_hashes.perceptual_hash(g.array()),
            )
        )
    a, b = np.stack(cpu_crops).astype(np.float32), np.stack(gpu_crops).astype(np.float32)
    diff = np.abs(a - b).reshape(len(sample), -1)
    embedder = Embedder(args.model, device="cuda", dtype="fp32")
    va, vb = embedder.embed(np.stack(cpu_crops)), embedder.embed(np.stack(gpu_crops))
    cos = (va * vb).sum(axis=1)
    others = va @ va.T - 2 * np.eye(len(va))
    print(
        f"GPU picture vs CPU picture, {len(sample)} photos (16 turned by EXIF): mean pixel difference "
        f"{diff.mean():.2f} (worst photo {diff.mean(axis=1).max():.2f}, largest {diff.max():.0f} of 255); "
        f"pHash bits differing: max {max(bits)}, mean {np.mean(bits):.2f}; "
        f"cosine min {cos.min():.5f} mean {cos.mean():.5f} "
        f"(nearest other photo: median {np.median(others.max(axis=1)):.5f})"
    )


if __name__ == "__main__":
    main()
