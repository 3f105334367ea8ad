"""JPEG decoding on an NVIDIA GPU (nvJPEG through NVIDIA's nvImageCodec), for scans that embed
on CUDA: the same picture the CPU's draft decode gives, made where the model runs.

On a GPU the model embeds some 4000 photos a second and a CPU core decodes some 20 camera
JPEGs (issue 15: 349 photos/s end to end on an H100 with 15 decoding threads), so there JPEGs
are decoded by nvJPEG (the GPU's hardware JPEG engines where it has them, else CUDA) and made
small on the GPU; only the small picture comes back. It is one step of
:func:`photoorg.core.imaging.decode`, not another pipeline: the header, the EXIF date and
orientation, the size checks and everything after the pixels stay the CPU path's, and any JPEG
nvJPEG cannot decode (CMYK, an odd stream, no GPU memory) goes through Pillow as before.

The picture is the CPU path's up to decoder rounding (the arithmetic is in
:mod:`photoorg.core.gpu_pictures`): the full decode is averaged over the same blocks the JPEG
draft scale would skip (1/2, 1/4 or 1/8, by Pillow's rule), turned upright as Pillow's
``exif_transpose`` does, and resized with an antialiased bicubic filter (PyTorch's, made to
match Pillow's) to the size the model's preprocessing asks.

Optional: ``pip install 'photoorg[cuda13]'`` (or ``[cuda12]``, matching PyTorch's CUDA) brings
nvImageCodec and nvJPEG. Without them, on a computer with no NVIDIA GPU, or with
``PHOTOORG_GPU_JPEG=0`` in the environment, JPEGs are decoded by Pillow on the CPU.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from photoorg.core import gpu_pictures, pixel_hashes
from photoorg.core.pixel_hashes import Looks

log = logging.getLogger(__name__)

#: Set to 0 to decode every photo on the CPU, also where a GPU decoder is installed.
ENV_SWITCH = "PHOTOORG_GPU_JPEG"


#: The lanes (below) whose decoder hands JPEGs to the GPU's hardware JPEG engines first (the
#: NVJPG of an A100, H100 or H200), the others' to nvJPEG's CUDA decoder (entropy decoding on
#: the CPU cores, the rest on the GPU); a JPEG the hardware declines (progressive, say) goes to
#: the CUDA decoder of its lane, and a GPU without such engines decodes all with CUDA. Measured
#: on an H200 with 16 cores, 12 MP JPEGs of 0.8 MB (tests/bench/bench_gpu_decode.py,
#: tests/bench/results/h200_gpu_decode.txt): the CUDA decoder alone 1104 to 1511 photos/s,
#: the hardware alone 825 to 847, and one decoder sharing each batch between them slower
#: than either; lanes of their own decode side by side, the hardware taking the CPU's place:
#: whole scans ran at 430 to 565 photos/s with one such lane of two, 396 and 432 without
#: (tests/bench/results/h200_scan_ab.txt; 4 MB JPEGs: 252 and 261, within the noise).
HW_LANES = 1
#: Photos decoded in one call: the GPU is fed in batches; the scan's decoding threads wait.
BATCH = 64
#: ... and at most this many pixels in one call (64 photos of 12 MP, 2.3 GB decoded), so that
#: a folder of panoramas does not ask a small GPU for more memory than it has.
BATCH_PIXELS = 64 * 12_000_000
#: At most this many pixels, decoded or made small, in one go (5 photos of 12 MP: 0.8 GB as
#: floats).
CHUNK_PIXELS = 64_000_000
#: Batches on their way at once, each with a decoder and a CUDA stream of its own (measured as
#: above: 1 lane 598 photos/s, 2 lanes 667, 4 lanes 655; whole scans, one lane of them to the
#: hardware first: 2 lanes 430 and 485, 3 lanes 395; tests/bench/results/h200_scan_ab.txt).
LANES = 2
#: nvImageCodec's decoder options (``Decoder(options=...)``), tried by
#: tests/bench/bench_scan.py --decoder-options.
OPTIONS = ""


@dataclass(slots=True)
class _Ask:
    data: bytes
    scale: int
    orientation: int
    size: tuple[int, int]
    pixels: int
    answer: Future[tuple[np.ndarray, Looks] | None] = field(default_factory=Future)


class GpuJpeg:
    """nvJPEG on one CUDA device. :meth:`picture` decodes a JPEG's bytes and returns the
    upright picture at the model's size with its pixel hashes, or None when nvJPEG cannot (the
    caller decodes with Pillow).

    Thread-safe: the scan's decoding threads ask at once, and each of this decoder's lanes
    decodes what was asked meanwhile in one batch (the GPU is fast on batches), while the
    asking threads wait; a photo's answer comes back to the thread that asked."""

    def __init__(
        self,
        nvimgcodec: Any,
        device: str = "cuda:0",
        *,
        batch: int = BATCH,
        lanes: int | None = None,
        hw_lanes: int | None = None,
    ) -> None:
        self._nv = nvimgcodec
        self.device = device
        self.batch = batch
        lanes = LANES if lanes is None else lanes
        hw_lanes = HW_LANES if hw_lanes is None else hw_lanes
        with _quiet_stderr():
            self._params = nvimgcodec.DecodeParams(apply_exif_orientation=False)  # Pillow's is the rule
        # Made here, before any lane runs: this fails at once where nvImageCodec cannot work,
        # and standard error is quieted (_quiet_stderr) only now, not in the middle of a scan.
        self._decoders = [self._decoder(hardware=lane < hw_lanes) for lane in range(lanes)]
        self._asks: queue.SimpleQueue[_Ask] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start = threading.Lock()
        self.name = f"nvJPEG (nvImageCodec {getattr(nvimgcodec, '__version__', '?')})"
        self.declined = 0  # photos handed back to Pillow (counted without a lock: a rough figure)
        self.batches = 0
        # Seconds the lanes spent, all together (lanes overlap): in nvJPEG's decode call, making
        # the pictures small and copying them back, and hashing them; for benchmarks
        # (tests/bench/bench_scan.py), counted without a lock like the figures above.
        self.seconds = {"decode": 0.0, "small": 0.0, "hashes": 0.0}
        self._warned = False

    def _decoder(self, hardware: bool) -> Any:
        index = int(self.device.partition(":")[2] or 0)
        kinds = self._nv.BackendKind
        with _quiet_stderr():
            backends = [self._nv.Backend(kinds.HYBRID_CPU_GPU)]
            if hardware:
                backends.insert(0, self._nv.Backend(kinds.HW_GPU_ONLY, load_hint=1.0))
            if OPTIONS:
                return self._nv.Decoder(device_id=index, backends=backends, options=OPTIONS)
            return self._nv.Decoder(device_id=index, backends=backends)

    def picture(
        self, data: bytes, scale: int, orientation: int, size: tuple[int, int], pixels: int = 0
    ) -> tuple[np.ndarray, Looks] | None:
        """The picture of a JPEG's ``data`` of ``pixels`` pixels as stored: averaged over
        ``scale`` x ``scale`` blocks, turned by EXIF ``orientation``, resized to ``size``; and
        its :class:`~photoorg.core.pixel_hashes.Looks`, made with the whole batch's at once
        (one by one they cost a GPU scan's threads more Python time than anything else)."""
        with self._start:
            while len(self._threads) < len(self._decoders):
                lane = threading.Thread(
                    target=self._serve, args=(len(self._threads),), name="photoorg-nvjpeg", daemon=True
                )
                lane.start()
                self._threads.append(lane)
        ask = _Ask(data, scale, orientation, size, pixels)
        self._asks.put(ask)
        picture = ask.answer.result()
        if picture is None:
            self.declined += 1
        return picture

    def _serve(self, lane: int) -> None:
        """One lane: a decoder and a CUDA stream of its own, so that one lane's batch decodes
        while another's is made small and copied back."""
        decoder, stream, held = self._decoders[lane], None, None
        while True:
            asks = [held if held is not None else self._asks.get()]
            held, room = None, BATCH_PIXELS - asks[0].pixels
            while len(asks) < self.batch:
                try:
                    ask = self._asks.get_nowait()
                except queue.Empty:
                    break
                if ask.pixels > room:  # the next batch's first
                    held = ask
                    break
                asks.append(ask)
                room -= ask.pixels
            try:
                if stream is None and self.device.startswith("cuda"):
                    import torch

                    stream = torch.cuda.Stream(device=self.device)
                pictures = self._decode(decoder, stream, asks)
            except Exception as exc:  # any trouble on the GPU: these photos go through Pillow
                self._warn(f"nvJPEG could not decode {len(asks)} photos ({exc}); Pillow decodes them")
                pictures = [None] * len(asks)
            for ask, picture in zip(asks, pictures, strict=True):
                ask.answer.set_result(picture)
            del asks, pictures, ask, picture  # an idle lane holds no photo's bytes

    def _warn(self, text: str) -> None:
        if not self._warned:  # once: the photos are decoded all the same, by Pillow
            self._warned = True
            log.warning(text, exc_info=True)

    def _decode(self, decoder: Any, stream: Any, asks: list[_Ask]) -> list[tuple[np.ndarray, Looks] | None]:
        import torch

        self.batches += 1
        made: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # picture, grey, grid
        with torch.cuda.stream(stream) if stream is not None else contextlib.nullcontext():
            streams = [self._nv.CodeStream(a.data) for a in asks]
            handle = stream.cuda_stream if stream is not None else 0
            started = time.perf_counter()
            images = decoder.decode(streams, params=self._params, cuda_stream=handle)
            decoded = time.perf_counter()
            self.seconds["decode"] += decoded - started
            # Photos of one shape, DCT scale, orientation and size are made small together, a
            # few calls to the GPU for many photos: a camera's batch is one or two such kinds.
            # One by one, the Python of those calls was much of a GPU scan's time (issue 15).
            alike: dict[tuple[Any, ...], list[tuple[int, Any]]] = defaultdict(list)
            for i, (ask, image) in enumerate(zip(asks, images, strict=True)):
                pixels = None if image is None else self._tensor(image)
                if pixels is not None:
                    alike[(*pixels.shape[:2], ask.scale, ask.orientation, ask.size)].append((i, pixels))
            for (height, width, scale, orientation, size), members in alike.items():
                # Bounded by what goes in and by what comes out: a thin strip is made larger.
                step = max(1, CHUNK_PIXELS // max(height * width, size[0] * size[1]))
                for start in range(0, len(members), step):
                    chunk = members[start : start + step]
                    parts = self._small([p for _, p in chunk], scale, orientation, size)
                    made.update((i, part) for (i, _), part in zip(chunk, parts, strict=True) if part)
        small = time.perf_counter()
        self.seconds["small"] += small - decoded
        if not made:
            return [None] * len(asks)
        # The hashes of the whole batch at once: their Python is paid once, not by each photo.
        done = sorted(made)
        looks = pixel_hashes.looks_of_parts([made[i][1] for i in done], np.stack([made[i][2] for i in done]))
        self.seconds["hashes"] += time.perf_counter() - small
        answers: list[tuple[np.ndarray, Looks] | None] = [None] * len(asks)
        for i, one in zip(done, looks, strict=True):
            answers[i] = (made[i][0], one)
        return answers

    def _tensor(self, image: Any) -> Any:
        """nvJPEG's decoded picture as an (H, W, 3) uint8 tensor on the GPU, without a copy;
        None when it is not one (Pillow decodes the photo)."""
        import torch

        try:
            pixels = torch.as_tensor(image, device=self.device)
        except Exception as exc:
            self._warn(f"nvJPEG's picture could not be used ({exc}); Pillow decodes it")
            return None
        return pixels if pixels.ndim == 3 and pixels.shape[2] == 3 else None

    def _small(
        self, pixels: list[Any], scale: int, orientation: int, size: tuple[int, int]
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
        """Decoded pictures of one kind made small on the GPU together: each one's picture,
        grey and grid (gpu_pictures.hash_parts); all None (Pillow decodes them) when that
        fails, as for panoramas whose float copies do not fit in the GPU's memory."""
        import torch

        try:
            together = torch.stack(pixels) if len(pixels) > 1 else pixels[0][None]
            small = gpu_pictures.shrunk(together, scale, orientation, size)
            grey, grid = gpu_pictures.hash_parts(small)
            pictures, greys, grids = small.cpu().numpy(), grey.cpu().numpy(), grid.cpu().numpy()
        except Exception as exc:
            self._warn(f"nvJPEG's pictures could not be made small on the GPU ({exc}); Pillow decodes them")
            return [None] * len(pixels)
        return list(zip(pictures, greys, grids, strict=True))

    @property
    def askers(self) -> int:
        """Photos asked for at once in a scan: a batch. More did not scan faster on an H200
        (64, 160 and 256 threads: 495, 449 and 565, 412 photos/s; single runs that differ by
        a quarter, tests/bench/results/h200_scan_ab.txt), and each waiting thread holds its
        photo's bytes (a camera's 4 MB)."""
        return self.batch


@contextlib.contextmanager
def _quiet_stderr() -> Any:
    """The process's standard error closed for a moment: nvImageCodec's codec modules print
    "Failed to load nvjpeg2k library! Please install..." for each codec photoorg does not use
    (JPEG 2000, TIFF) when its first decoder is made, a false alarm in a terminal. Its real
    failures are exceptions. One at a time: two lanes making their decoders at once would
    otherwise keep the closed one for good."""
    with _stderr_lock:
        try:
            saved = os.dup(2)
        except OSError:
            yield
            return
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


_stderr_lock = threading.Lock()


_lock = threading.Lock()
_opened: dict[str, GpuJpeg | None] = {}


def for_device(device: str) -> GpuJpeg | None:
    """The GPU JPEG decoder for the model's ``device`` ("cuda" or "cuda:N"), or None where
    there is none (another device, nvImageCodec not installed or not working, or switched off
    by ``PHOTOORG_GPU_JPEG=0``). Opened once per device; cheap to ask again."""
    if not device.startswith("cuda") or os.environ.get(ENV_SWITCH, "1").strip() in ("0", "no", "off"):
        return None
    with _lock:
        if _opened.get(device) is None:  # tried again at the next scan when it failed
            _opened[device] = _open(device)
        return _opened[device]


def _open(device: str) -> GpuJpeg | None:
    try:
        if importlib.util.find_spec("nvidia.nvimgcodec") is None:
            log.info("JPEGs are decoded on the CPU: nvImageCodec is not installed (photoorg[cuda13])")
            return None
    except (ImportError, ValueError):
        return None
    try:
        import torch

        if not torch.cuda.is_available():
            return None
        # Its own messages only for errors (it names every codec it lacks: JPEG 2000, TIFF).
        os.environ.setdefault("PYNVIMGCODEC_VERBOSITY", "0")
        with _quiet_stderr():  # its "Failed to load nvjpeg2k" lines came before a decoder was made
            from nvidia import nvimgcodec

        decoder = GpuJpeg(nvimgcodec, str(torch.device(device if ":" in device else f"{device}:0")))
        log.info("JPEGs are decoded on the GPU by %s", decoder.name)
        return decoder
    except Exception:
        log.warning("nvImageCodec does not work here; JPEGs are decoded on the CPU", exc_info=True)
        return None
