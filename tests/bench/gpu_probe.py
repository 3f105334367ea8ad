"""Where a GPU scan's embedding time goes (issue 15): the ceilings of its parts, one by one.

    python tests/bench/gpu_probe.py LIB --model M [--photos 640]

- nvJPEG alone: nvImageCodec decoding LIB's JPEGs to full-size pictures on the GPU, by backend,
  batch size, CPU threads, options, and with two decoders side by side (in two threads);
- the feed: what a scan's threads do for a photo without the GPU's decoding (a stand-in that
  answers at once), and the header alone: photoorg's own ceiling in Python;
- photoorg's decoder (photoorg.core.gpu_jpeg) under a scan's threads, by lanes and threads,
  with the lanes' seconds;
- the model alone, batch 64 fp16, as photoorg runs it and replayed as a CUDA graph.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from photoorg.core import gpu_jpeg, imaging, pixel_hashes
from photoorg.core.embedder import Embedder
from photoorg.core.model_folder import Preprocess
from photoorg.core.pipeline.reading import Job, embed_input

SHORT, CROP = 256, 224


def row(what: str, n: int, seconds: float, note: str = "") -> None:
    print(f"{what:<64} {n / seconds:8.1f}{note}", flush=True)


def nv_alone(
    nv: Any,
    datas: list[bytes],
    kinds: list[list[tuple[str, float]]],
    batch: int,
    cpu: int = 0,
    options: str = "",
) -> float:
    """Seconds to decode ``datas`` with one decoder per entry of ``kinds`` (its backends), each
    in a thread of its own taking batches from one queue."""
    import torch

    decoders = []
    for backends in kinds:
        chosen = [nv.Backend(getattr(nv.BackendKind, k), load_hint=h) for k, h in backends]
        decoders.append(nv.Decoder(device_id=0, max_num_cpu_threads=cpu, backends=chosen, options=options))
    streams = [nv.CodeStream(d) for d in datas]
    for d in decoders:
        d.decode(streams[:batch])
    torch.cuda.synchronize()
    chunks = [streams[i : i + batch] for i in range(0, len(streams), batch)]
    lock = threading.Lock()

    def work(dec: Any) -> None:
        s = torch.cuda.Stream()
        while True:
            with lock:
                if not chunks:
                    return
                chunk = chunks.pop()
            with torch.cuda.stream(s):
                out = dec.decode(chunk, cuda_stream=s.cuda_stream)
                for o in out:
                    if o is not None:
                        torch.as_tensor(o, device="cuda")
            s.synchronize()

    t = time.perf_counter()
    threads = [threading.Thread(target=work, args=(d,)) for d in decoders]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    torch.cuda.synchronize()
    return time.perf_counter() - t


class Instant:
    """A GPU decoder that answers at once with a made picture of the size asked: the rest of
    a scan's work. (The first run of this probe answered one size only, and a photo of the
    other orientation went through Pillow: its "feed" rows measured that.)"""

    name = "instant"
    askers = 64

    def __init__(self) -> None:
        self._answers: dict[tuple[int, int], Any] = {}
        self._lock = threading.Lock()

    def picture(self, data: bytes, scale: int, orientation: int, size: tuple[int, int], _: int = 0) -> Any:
        with self._lock:
            if size not in self._answers:
                picture = np.zeros((size[1], size[0], 3), np.uint8)
                self._answers[size] = (picture, pixel_hashes.looks([picture])[0])
            return self._answers[size]


def through_threads(jobs: list[Job], threads: int, fn: Any) -> float:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fn, jobs[: 2 * threads]))
        t = time.perf_counter()
        done = list(pool.map(fn, jobs))
        took = time.perf_counter() - t
    bad = sum(1 for d in done if getattr(d, "crop", 1) is None)
    if bad:
        print(f"  ({bad} photos not decoded)")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lib")
    ap.add_argument("--model", required=True)
    ap.add_argument("--photos", type=int, default=640)
    ap.add_argument("--fake", action="store_true", help="nvImageCodec played by Pillow (no GPU)")
    args = ap.parse_args()
    if args.fake:  # a dry run on a computer without a GPU
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
        from test_gpu_jpeg import NvImageCodecOnTheCpu

        nv: Any = NvImageCodecOnTheCpu()
    else:
        from nvidia import nvimgcodec as nv
    device = "cpu" if args.fake else "cuda:0"

    paths = sorted(str(p) for p in Path(args.lib).glob("*.jpg"))[: args.photos]
    datas = [Path(p).read_bytes() for p in paths]
    print(
        f"{len(datas)} JPEGs, {sum(map(len, datas)) / len(datas) / 1e6:.2f} MB each; {os.cpu_count()} cores"
    )
    n = len(datas)
    hy, hw = [("HYBRID_CPU_GPU", 1.0)], [("HW_GPU_ONLY", 1.0)]
    few, none = (
        "nvjpeg_cuda_decoder:hybrid_huffman_threshold=0",
        "nvjpeg_cuda_decoder:hybrid_huffman_threshold=1000000000",
    )
    hwhy = [("HW_GPU_ONLY", 1.0), ("HYBRID_CPU_GPU", 1.0)]
    for what, kinds, batch, cpu, options in (
        ("hybrid, batch 64", [hy], 64, 0, ""),
        ("hybrid, batch 32", [hy], 32, 0, ""),
        ("hybrid, batch 128", [hy], 128, 0, ""),
        ("hybrid, batch 64, 4 CPU threads", [hy], 64, 4, ""),
        ("hybrid, batch 64, 8 CPU threads", [hy], 64, 8, ""),
        (
            "hybrid, batch 64, huffman threshold 0",
            [hy],
            64,
            0,
            few,
        ),
        (
            "hybrid, batch 64, huffman threshold 1e9",
            [hy],
            64,
            0,
            none,
        ),
        ("hybrid x2 side by side, batch 64", [hy, hy], 64, 0, ""),
        ("hybrid x2 side by side, batch 32", [hy, hy], 32, 0, ""),
        ("hybrid x2 side by side, batch 64, 8 CPU threads", [hy, hy], 64, 8, ""),
        ("hardware, batch 64", [hw], 64, 0, ""),
        ("hardware, batch 32", [hw], 32, 0, ""),
        ("hardware x2 side by side, batch 64", [hw, hw], 64, 0, ""),
        ("hardware-first + hybrid side by side, batch 64", [hwhy, hy], 64, 0, ""),
        ("hardware-first + hybrid side by side, batch 32", [hwhy, hy], 32, 0, ""),
        ("hardware-first + hybrid x2, batch 64", [hwhy, hy, hy], 64, 0, ""),
        ("hardware-first x2 + hybrid x2, batch 32", [hwhy, hwhy, hy, hy], 32, 0, ""),
    ):
        if args.fake:
            break
        try:
            row(f"nvJPEG alone, {what}", n, nv_alone(nv, datas, kinds, batch, cpu, options))
        except Exception as exc:
            print(f"nvJPEG alone, {what}: failed: {exc}", flush=True)

    pp = Preprocess(SHORT, CROP, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    jobs = []
    for p in paths:
        st = os.stat(p)
        from photoorg.core.catalog import fingerprint

        jobs.append(Job(p, fingerprint(Path(p).read_bytes()), st.st_size, st.st_mtime_ns))
    instant = Instant()
    for threads in (16, 64):
        took = through_threads(jobs, threads, partial(embed_input, pp=pp, gpu=instant))
        row(f"feed: a scan's thread work, GPU answering at once, {threads} thr.", n, took)
    for threads in (1, 16):
        took = through_threads(
            jobs, threads, lambda j: imaging.decode(Path(j.path).read_bytes(), path=j.path, pixels=False)
        )
        row(f"feed: read + header alone (first pass's), {threads} thr.", n, took)
    t = time.perf_counter()
    for d in datas[:200]:
        imaging.decode(d, SHORT, pixels=False)
    row("header alone, 1 thread, bytes in memory", 200, time.perf_counter() - t)

    for lanes, hw_lanes, threads in (
        (2, 1, 64),
        (2, 1, 128),
        (2, 0, 64),
        (2, 0, 128),
        (3, 1, 128),
        (4, 2, 128),
    ):
        try:
            dec = gpu_jpeg.GpuJpeg(nv, device, lanes=lanes, hw_lanes=hw_lanes)
            took = through_threads(jobs, threads, partial(embed_input, pp=pp, gpu=dec))
        except Exception as exc:
            print(f"photoorg decoder, {lanes} lanes, {threads} thr.: failed: {exc!r}", flush=True)
            continue
        spent = ", ".join(f"{k} {v:.2f}" for k, v in dec.seconds.items())
        what = f"photoorg decoder, {lanes} lanes ({hw_lanes} hw), {threads} thr."
        row(what, n, took, f"  [{spent} s; {dec.batches} batches, {dec.declined} to Pillow]")
    if args.fake:
        return
    try:
        model_alone(args.model)
    except Exception as exc:
        print(f"model alone: failed: {exc!r}", flush=True)


def model_alone(folder: str) -> None:
    import torch

    emb = Embedder(folder, device="cuda", dtype="fp16")
    emb.load()
    crops = np.random.default_rng(0).integers(0, 255, (64, CROP, CROP, 3), dtype=np.uint8)
    for _ in range(3):
        emb.embed(crops)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(30):
        emb.embed(crops)
    row("model alone, batch 64 fp16, as photoorg runs it", 30 * 64, time.perf_counter() - t)
    model = emb._model
    static = torch.zeros(64, 3, CROP, CROP, dtype=torch.float16, device="cuda")
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side), torch.inference_mode():
        for _ in range(3):
            model(pixel_values=static)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.inference_mode():
        with torch.cuda.graph(graph):
            out = model(pixel_values=static).pooler_output
        x = torch.from_numpy(crops).cuda()
        t = time.perf_counter()
        for _ in range(30):
            x = torch.from_numpy(crops).to("cuda", non_blocking=True).permute(0, 3, 1, 2).float()
            static.copy_(((x - emb._mean) / emb._std).half())
            graph.replay()
            torch.nn.functional.normalize(out.float(), dim=1).cpu().numpy()
        row("model alone, batch 64 fp16, CUDA graph replay", 30 * 64, time.perf_counter() - t)


if __name__ == "__main__":
    main()
