"""JPEG decode speed on 12 MP photos: each decoder at each DCT scale, on one core (issue 15).

Prints one table: photos/s of one thread for Pillow (draft mode), simplejpeg and PyTurboJPEG
(each if installed) at DCT scale 1/1, 1/2, 1/4 and 1/8, and of photoorg's own path under the
current rule (decode at no less than 2x the model's resize) and under the 1x rule (the smallest
scale whose short edge is still >= the resize): "photoorg input" is
:func:`photoorg.core.imaging.decode` + :func:`~photoorg.core.imaging.model_input` (decode, EXIF
orientation, bicubic resize and centre crop to the model's input), "photoorg scan" adds what a
scan's decode thread does besides (the perceptual hash and the tone of the decoded picture).
Then the same on two threads, and whether a decoder releases the GIL: how much of its speed a
pure-Python thread keeps while another thread decodes (near 0 when the decoder holds the GIL).

    python tests/bench/bench_decode.py [PHOTOS_DIR] [--count 8] [--size 4000x3000] [--seconds 3]
                                       [--mpo]

With --mpo the photos are multi-picture JPEGs (MPO: a second, quarter-size picture after the
first, as a phone's depth map or preview), and photoorg's path is timed under each preprocessing
version (version 1 decoded those whole; 2 draft-decodes them like JPEGs); the other decoders'
rows are left out.

The 12 MP JPEGs are made in memory from the photos in PHOTOS_DIR (default tests/data): each
upscaled to --size with a little grain, quality 90; every other one is stored sideways with EXIF
orientation 6, as a phone stores a portrait. Each cell is the best of --repeats turns of
--seconds each (a shared machine is noisy); the machine's load average is printed with it.
PyTurboJPEG needs the system's libturbojpeg (1.x of the package for libjpeg-turbo 2.x).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from photoorg.core import imaging, pixel_hashes

SCALES = (1, 2, 4, 8)
#: A decoder under test: JPEG bytes -> the decoded (width, height).
Decode = Callable[[bytes], tuple[int, int]]
ROW = "{:<14} {:<8} {:>10} {:>9} {:>9} {:>10} {:>7}"
RESIZE_SHORT, CROP = 256, 224  # dinov2's preprocessing
EXTS = {".jpg", ".jpeg", ".png"}


def make_jpegs(src: Path, count: int, size: tuple[int, int], mpo: bool = False) -> list[bytes]:
    sources = sorted(p for p in src.rglob("*") if p.suffix.lower() in EXTS)[:count]
    if not sources:
        raise SystemExit(f"no photos in {src}")
    rng = np.random.default_rng(0)
    out = []
    for i, path in enumerate(sources):
        img = Image.open(path).convert("RGB").resize(size, Image.Resampling.BICUBIC)
        # Sensor-like grain, so that a file weighs what a camera's does (~3 MB, not ~1 MB for a
        # smooth upscale): the entropy decoding, a large part of the work, scales with it.
        grain = rng.normal(0, 5, (size[1], size[0], 1)).astype(np.int16)
        img = Image.fromarray(np.clip(np.asarray(img, np.int16) + grain, 0, 255).astype(np.uint8))
        buf = io.BytesIO()
        save: dict[str, object] = {"quality": 90}
        if i % 2:  # sideways pixels, upright by EXIF: a phone's portrait
            exif = Image.Exif()
            exif[0x0112] = 6
            img, save["exif"] = img.transpose(Image.Transpose.ROTATE_90), exif
        if mpo:  # (with an empty exif=, Pillow 13 wrote a plain JPEG)
            second = img.resize((img.width // 4, img.height // 4))
            img.save(buf, "MPO", save_all=True, append_images=[second], **save)
        else:
            img.save(buf, "JPEG", **save)
        out.append(buf.getvalue())
    return out


def _pillow(scale: int) -> Decode:
    def run(data: bytes) -> tuple[int, int]:
        with Image.open(io.BytesIO(data)) as img:
            if scale > 1:
                img.draft(img.mode, (img.width // scale, img.height // scale))
            img.load()
            return img.size

    return run


def _simplejpeg(scale: int) -> Decode | None:
    try:
        import simplejpeg
    except ImportError:
        return None

    def run(data: bytes) -> tuple[int, int]:
        h, w, _, _ = simplejpeg.decode_jpeg_header(data)
        arr = simplejpeg.decode_jpeg(data, "RGB", min_width=-(-w // scale), min_height=-(-h // scale))
        return arr.shape[1], arr.shape[0]

    return run


def _turbojpeg(scale: int) -> Decode | None:
    try:
        from turbojpeg import TJPF_RGB, TurboJPEG

        tj = TurboJPEG()
    except Exception:  # the package or the system's libturbojpeg missing
        return None

    def run(data: bytes) -> tuple[int, int]:
        arr = tj.decode(data, pixel_format=TJPF_RGB, scaling_factor=(1, scale))
        return arr.shape[1], arr.shape[0]

    return run


def _photoorg(oversample: int, scan: bool, preprocess: int = imaging.LATEST_PREPROCESS) -> Decode:
    def run(data: bytes) -> tuple[int, int]:
        # The decode rule under test: decode at no less than `oversample` x the model's resize.
        short = RESIZE_SHORT * oversample // imaging.DRAFT_OVERSAMPLE
        decoded = imaging.decode(data, short, preprocess=preprocess)
        imaging.model_input(decoded, RESIZE_SHORT, CROP)
        assert decoded.image is not None
        if scan:  # what a scan's decode thread does besides (pipeline.reading.embed_input)
            pixel_hashes.perceptual_hash(decoded.image)
            pixel_hashes.tone(decoded.image)
        return decoded.image.size

    return run


def one_thread(fn: Decode, jpegs: list[bytes], seconds: float) -> tuple[float, float]:
    """(photos per CPU second, photos per second) of ``fn`` in this thread for about ``seconds``.

    The first is what one core does, whatever else the machine runs; the second is wall time.
    """
    done = 0
    wall, cpu = time.perf_counter(), time.thread_time()
    while time.thread_time() - cpu < seconds:
        for data in jpegs:
            fn(data)
            done += 1
    return done / (time.thread_time() - cpu), done / (time.perf_counter() - wall)


def two_threads(fn: Decode, jpegs: list[bytes], seconds: float) -> float:
    """Photos per second (wall) of ``fn`` on two threads for about ``seconds``."""
    done = 0
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        while (elapsed := time.perf_counter() - start) < seconds:
            for _ in pool.map(fn, jpegs):
                done += 1
    return done / elapsed


def python_share(fn: Decode, jpegs: list[bytes], seconds: float) -> float:
    """Share of its speed a pure-Python thread keeps while another thread decodes.

    Near 1 (or the share of a core the machine's other load leaves) when the decoder releases
    the GIL; near 0 when it holds it.
    """

    def spin(stop: threading.Event, count: list[int]) -> None:
        n = 0
        while not stop.is_set():
            n += 1
        count.append(n)

    def spin_rate(work: Callable[[], None]) -> float:
        stop, count = threading.Event(), []
        spinner = threading.Thread(target=spin, args=(stop, count))
        start = time.perf_counter()
        spinner.start()
        work()
        stop.set()
        spinner.join()
        return count[0] / (time.perf_counter() - start)

    def decode() -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            for data in jpegs:
                fn(data)

    return spin_rate(decode) / spin_rate(lambda: time.sleep(seconds))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("photos", nargs="?", default=str(Path(__file__).parents[1] / "data"))
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--size", default="4000x3000")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mpo", action="store_true", help="multi-picture JPEGs, as many phones save")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    jpegs = make_jpegs(Path(args.photos), args.count, (w, h), args.mpo)
    mb = sum(map(len, jpegs)) / len(jpegs) / 1e6
    kind = "MPOs" if args.mpo else "JPEGs"
    print(f"{len(jpegs)} {kind} of {w}x{h} (quality 90, {mb:.1f} MB each, half with EXIF orientation 6)")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip

    rows: list[tuple[str, str, Decode]] = []
    decoders = (("Pillow draft", _pillow), ("simplejpeg", _simplejpeg), ("PyTurboJPEG", _turbojpeg))
    for name, make in () if args.mpo else decoders:  # --mpo: the versions of photoorg's rule only
        for scale in SCALES:
            fn = make(scale)
            if fn is None:
                print(f"{name}: not installed, skipped")
                break
            rows.append((name, f"1/{scale}", fn))
    for oversample in (2, 1):
        rows.append(("photoorg input", f"{oversample}x rule", _photoorg(oversample, scan=False)))
    if args.mpo:  # the decode rule of each preprocessing version
        for v in imaging.PREPROCESS_VERSIONS:
            rows.append(("photoorg input", f"pp{v} 2x", _photoorg(2, scan=False, preprocess=v)))
    for oversample in (2, 1):
        rows.append(("photoorg scan", f"{oversample}x rule", _photoorg(oversample, scan=True)))
    sizes = {(name, scale): fn(jpegs[0]) for name, scale, fn in rows}  # of a landscape photo

    for _, _, fn in rows:
        fn(jpegs[0])  # warm up: imports, libraries
    # Rows take turns, repeat after repeat, so that a change in the machine's other load falls
    # on all of them alike; each keeps its best.
    cpu, wall, two, share = ({row[:2]: 0.0 for row in rows} for _ in range(4))
    for _ in range(args.repeats):
        for name, scale, fn in rows:
            c, w = one_thread(fn, jpegs, args.seconds)
            cpu[name, scale], wall[name, scale] = max(cpu[name, scale], c), max(wall[name, scale], w)
            two[name, scale] = max(two[name, scale], two_threads(fn, jpegs, args.seconds))
            share[name, scale] = max(share[name, scale], python_share(fn, jpegs, args.seconds))

    print(
        "\nphotos/s. per core: photos per CPU second of one thread (what one core does, whatever"
        "\nelse runs); 1 thread, 2 threads: wall time; python: the share of its speed a Python"
        "\nthread keeps while another decodes (near 0: the decoder holds the GIL). Best of "
        f"{args.repeats} turns."
    )
    print(ROW.format("decoder", "scale", "size", "per core", "1 thread", "2 threads", "python"))
    for name, scale, _ in rows:
        size = "x".join(map(str, sizes[name, scale]))
        k = name, scale
        print(
            ROW.format(
                name, scale, size, f"{cpu[k]:.1f}", f"{wall[k]:.1f}", f"{two[k]:.1f}", f"{share[k]:.2f}"
            )
        )
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"photoorg's JPEG decoder: {getattr(imaging, 'JPEG_DECODER', 'Pillow')}")


if __name__ == "__main__":
    main()
