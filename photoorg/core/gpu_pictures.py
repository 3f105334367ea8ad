"""The picture arithmetic of photoorg.core.gpu_jpeg, in PyTorch, wherever the tensors are (a
GPU in a scan, the CPU in tests): what Pillow's draft decoding, ``exif_transpose`` and bicubic
resize make of a fully decoded JPEG, and the parts of its pixel hashes."""

from __future__ import annotations

from typing import Any

import numpy as np


def draft_scale(width: int, height: int, want: tuple[int, int]) -> int:
    """The JPEG DCT scale (1, 2, 4 or 8) Pillow's ``draft`` picks for a stored ``width`` x
    ``height`` picture when asked for at least ``want``: the largest that keeps both sides at or
    above it."""
    scale = min(width // max(1, want[0]), height // max(1, want[1]))
    return next((s for s in (8, 4, 2) if scale >= s), 1)


def orient(pixels: Any, orientation: int, dims: tuple[int, int] = (0, 1)) -> Any:
    """A tensor turned upright as Pillow's ``exif_transpose`` turns an image with this EXIF
    orientation (1 to 8; any other value leaves it as stored); ``dims``: its height and width
    (an (H, W, C) picture's by default; (2, 3) for a batch of (N, C, H, W))."""
    import torch

    h, w = dims
    if orientation == 2:  # mirrored left to right
        return pixels.flip(w)
    if orientation == 3:  # upside down
        return pixels.flip(h).flip(w)
    if orientation == 4:  # mirrored top to bottom
        return pixels.flip(h)
    if orientation == 5:  # transposed
        return pixels.transpose(h, w)
    if orientation == 6:  # a quarter turn clockwise
        return torch.rot90(pixels, -1, (h, w))
    if orientation == 7:  # transversed
        return pixels.transpose(h, w).flip(h).flip(w)
    if orientation == 8:  # a quarter turn anticlockwise
        return torch.rot90(pixels, 1, (h, w))
    return pixels


def shrink(pixels: Any, scale: int, orientation: int, size: tuple[int, int]) -> np.ndarray:
    """A fully decoded (H, W, 3) uint8 tensor as the draft path would give it: averaged over
    ``scale`` x ``scale`` blocks (the JPEG DCT scale), turned upright by ``orientation``, and
    resized to ``size`` (width, height) with an antialiased bicubic filter; (h, w, 3) uint8 on
    the CPU. Runs wherever the tensor is (a GPU, or the CPU in tests)."""
    return shrunk(pixels[None], scale, orientation, size)[0].cpu().numpy()


def shrunk(pixels: Any, scale: int, orientation: int, size: tuple[int, int]) -> Any:
    """:func:`shrink` of a batch: (N, H, W, 3) uint8 to (N, h, w, 3) uint8, where it is."""
    import torch
    from torch.nn import functional

    with torch.inference_mode():
        x = pixels.permute(0, 3, 1, 2).float()
        if scale > 1:
            x = functional.avg_pool2d(x, scale, ceil_mode=True)
        x = orient(x, orientation, (2, 3))
        w, h = size
        if (x.shape[2], x.shape[3]) != (h, w):
            x = functional.interpolate(x, size=(h, w), mode="bicubic", antialias=True, align_corners=False)
        return x.permute(0, 2, 3, 1).round_().clamp_(0, 255).to(torch.uint8)


def hash_parts(pictures: Any) -> tuple[Any, Any]:
    """What :func:`photoorg.core.pixel_hashes.looks_of_parts` needs of a batch of (N, h, w, 3)
    uint8 pictures, made where they are: their grey (N, h, w) uint8, as Pillow's "L" (ITU-R
    601-2, the same integers), and their average over a 32 x 32 grid (N, 32, 32, 3) float."""
    import torch
    from torch.nn import functional

    with torch.inference_mode():
        rgb = pictures.to(torch.int32)
        grey = (rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16
        grid = functional.adaptive_avg_pool2d(pictures.permute(0, 3, 1, 2).float(), 32)
        return grey.to(torch.uint8), grid.permute(0, 2, 3, 1)
