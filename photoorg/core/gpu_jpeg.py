"""JPEG decoding on an NVIDIA GPU (nvJPEG through NVIDIA's nvImageCodec), for scans that embed
on CUDA: the same picture the CPU's draft decode gives, made where the model runs.

On a GPU the model embeds some 4000 photos a second and a CPU core decodes some 20 camera
JPEGs (issue 15: 349 photos/s end to end on an H100 with 15 decoding threads), so there JPEGs
are decoded by nvJPEG (the GPU's hardware JPEG engines where it has them, else CUDA) and made
small on the GPU; only the small picture comes back. It is one step of
:func:`photoorg.core.imaging.decode`, not another pipeline: the header, the EXIF date and
orientation, the size checks and everything after the pixels stay the CPU path's, and any JPEG
nvJPEG cannot decode (CMYK, an odd stream, no GPU memory) goes through Pillow as before.

The picture is the CPU path's up to decoder rounding: the full decode is averaged over the
same blocks the JPEG draft scale would skip (1/2, 1/4 or 1/8, :func:`draft_scale`, Pillow's
rule), turned upright as Pillow's ``exif_transpose`` does, and resized with an antialiased
bicubic filter (PyTorch's, made to match Pillow's) to the size the model's preprocessing asks.

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
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: Set to 0 to decode every photo on the CPU, also where a GPU decoder is installed.
ENV_SWITCH = "PHOTOORG_GPU_JPEG"


def draft_scale(width: int, height: int, want: tuple[int, int]) -> int:
    """The JPEG DCT scale (1, 2, 4 or 8) Pillow's ``draft`` picks for a stored ``width`` x
    ``height`` picture when asked for at least ``want``: the largest that keeps both sides at or
    above it."""
    scale = min(width // max(1, want[0]), height // max(1, want[1]))
    return next((s for s in (8, 4, 2) if scale >= s), 1)


def orient(pixels: Any, orientation: int) -> Any:
    """An (H, W, C) tensor turned upright as Pillow's ``exif_transpose`` turns an image with
    this EXIF orientation (1 to 8; any other value leaves it as stored)."""
    import torch

    if orientation == 2:  # mirrored left to right
        return pixels.flip(1)
    if orientation == 3:  # upside down
        return pixels.flip(0).flip(1)
    if orientation == 4:  # mirrored top to bottom
        return pixels.flip(0)
    if orientation == 5:  # transposed
        return pixels.transpose(0, 1)
    if orientation == 6:  # a quarter turn clockwise
        return torch.rot90(pixels, -1, (0, 1))
    if orientation == 7:  # transversed
        return pixels.transpose(0, 1).flip(0).flip(1)
    if orientation == 8:  # a quarter turn anticlockwise
        return torch.rot90(pixels, 1, (0, 1))
    return pixels


def shrink(pixels: Any, scale: int, orientation: int, size: tuple[int, int]) -> np.ndarray:
    """A fully decoded (H, W, 3) uint8 tensor as the draft path would give it: averaged over
    ``scale`` x ``scale`` blocks (the JPEG DCT scale), turned upright by ``orientation``, and
    resized to ``size`` (width, height) with an antialiased bicubic filter; (h, w, 3) uint8 on
    the CPU. Runs wherever the tensor is (a GPU, or the CPU in tests)."""
    return _shrunk(pixels, scale, orientation, size).cpu().numpy()


def _shrunk(pixels: Any, scale: int, orientation: int, size: tuple[int, int]) -> Any:
    import torch
    from torch.nn import functional

    with torch.inference_mode():
        x = pixels.permute(2, 0, 1).unsqueeze(0).float()
        if scale > 1:
            x = functional.avg_pool2d(x, scale, ceil_mode=True)
        x = orient(x[0].permute(1, 2, 0), orientation).permute(2, 0, 1).unsqueeze(0)
        w, h = size
        if (x.shape[2], x.shape[3]) != (h, w):
            x = functional.interpolate(x, size=(h, w), mode="bicubic", antialias=True, align_corners=False)
        return x[0].permute(1, 2, 0).round_().clamp_(0, 255).to(torch.uint8)


#: The share of each batch given to the GPU's hardware JPEG decoder (the NVJPG engines of an
#: A100, H100 or H200) before nvJPEG's CUDA decoder (entropy decoding on the CPU cores, the
#: rest on the GPU). Measured on an H200 with 16 cores, 12 MP JPEGs of 0.8 MB
#: (tests/bench/bench_gpu_decode.py, tests/bench/results/h200_gpu_decode.txt): the CUDA decoder
#: alone 1104 to 1511 photos/s, the hardware alone 825 to 847, any mix in between slower; in
#: photoorg's decoding 667 photos/s with none to the hardware, 579 with 60 %. Larger files
#: (a camera's 3 to 5 MB) cost the CPU more and the hardware no more: not measured yet.
HW_SHARE = 0.0
#: Photos decoded in one call: the GPU is fed in batches; the scan's decoding threads wait.
BATCH = 64
#: ... and at most this many pixels in one call (64 photos of 12 MP, 2.3 GB decoded), so that
#: a folder of panoramas does not ask a small GPU for more memory than it has.
BATCH_PIXELS = 64 * 12_000_000
#: Batches on their way at once, each with a decoder and a CUDA stream of its own (measured as
#: above: 1 lane 598 photos/s, 2 lanes 667, 4 lanes 655).
LANES = 2


@dataclass(slots=True)
class _Ask:
    data: bytes
    scale: int
    orientation: int
    size: tuple[int, int]
    pixels: int
    answer: Future[np.ndarray | None] = field(default_factory=Future)


class GpuJpeg:
    """nvJPEG on one CUDA device. :meth:`picture` decodes a JPEG's bytes and returns the
    draft-sized upright picture, or None when nvJPEG cannot (the caller decodes with Pillow).

    Thread-safe: the scan's decoding threads ask at once, and each of this decoder's lanes
    decodes what was asked meanwhile in one batch (the GPU is fast on batches), while the
    asking threads wait; a photo's answer comes back to the thread that asked."""

    def __init__(
        self,
        nvimgcodec: Any,
        device: str = "cuda:0",
        *,
        hw_share: float = HW_SHARE,
        batch: int = BATCH,
        lanes: int = LANES,
    ) -> None:
        self._nv = nvimgcodec
        self.device = device
        self.batch = batch
        kinds = nvimgcodec.BackendKind
        self._backends = [nvimgcodec.Backend(kinds.HYBRID_CPU_GPU)]
        if hw_share > 0:
            self._backends.insert(0, nvimgcodec.Backend(kinds.HW_GPU_ONLY, load_hint=hw_share))
        self._params = nvimgcodec.DecodeParams(apply_exif_orientation=False)  # Pillow's is the rule
        # Made here, before any lane runs: this fails at once where nvImageCodec cannot work,
        # and standard error is quieted (_quiet_stderr) only now, not in the middle of a scan.
        self._decoders = [self._decoder() for _ in range(lanes)]
        self._asks: queue.SimpleQueue[_Ask] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start = threading.Lock()
        self.name = f"nvJPEG (nvImageCodec {getattr(nvimgcodec, '__version__', '?')})"
        self.declined = 0  # photos handed back to Pillow (counted without a lock: a rough figure)
        self.batches = 0
        self._warned = False

    def _decoder(self) -> Any:
        index = int(self.device.partition(":")[2] or 0)
        with _quiet_stderr():
            return self._nv.Decoder(device_id=index, backends=self._backends)

    def picture(
        self, data: bytes, scale: int, orientation: int, size: tuple[int, int], pixels: int = 0
    ) -> np.ndarray | None:
        """The picture of a JPEG's ``data`` of ``pixels`` pixels as stored: averaged over
        ``scale`` x ``scale`` blocks, turned by EXIF ``orientation``, resized to ``size``."""
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

    def _decode(self, decoder: Any, stream: Any, asks: list[_Ask]) -> list[np.ndarray | None]:
        import torch

        self.batches += 1
        with torch.cuda.stream(stream) if stream is not None else contextlib.nullcontext():
            streams = [self._nv.CodeStream(a.data) for a in asks]
            handle = stream.cuda_stream if stream is not None else 0
            images = decoder.decode(streams, params=self._params, cuda_stream=handle)
            small: list[Any] = []
            for ask, image in zip(asks, images, strict=True):
                small.append(None if image is None else self._small(ask, image))
            return [None if p is None else p.cpu().numpy() for p in small]

    def _small(self, ask: _Ask, image: Any) -> Any:
        """One decoded picture made small on the GPU; None (Pillow decodes it) when that fails,
        as for a panorama whose float copy does not fit in the GPU's memory."""
        import torch

        try:
            pixels = torch.as_tensor(image, device=self.device)
            if pixels.ndim != 3 or pixels.shape[2] != 3:
                return None
            return _shrunk(pixels, ask.scale, ask.orientation, ask.size)
        except Exception as exc:
            self._warn(f"nvJPEG's picture could not be made small on the GPU ({exc}); Pillow decodes it")
            return None


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
        from nvidia import nvimgcodec

        decoder = GpuJpeg(nvimgcodec, str(torch.device(device if ":" in device else f"{device}:0")))
        log.info("JPEGs are decoded on the GPU by %s", decoder.name)
        return decoder
    except Exception:
        log.warning("nvImageCodec does not work here; JPEGs are decoded on the CPU", exc_info=True)
        return None
