"""What a picture looks like, in a few numbers the duplicate search compares: a perceptual hash
(and the same hash of the picture turned and mirrored) and its tone. Made by a scan from the
picture photoorg.core.imaging decodes, kept per content in the catalog."""

from __future__ import annotations

import numpy as np
from PIL import Image


def perceptual_hash(img: Image.Image) -> int:
    """64-bit DCT perceptual hash (pHash) of an upright picture, as a signed int64.

    Re-encoding, resizing and light crops change few bits; a different picture of the same
    kind of scene changes many. Compare two with :func:`hash_distance`.
    """
    return perceptual_hashes(img)[0]


def perceptual_hashes(img: Image.Image) -> tuple[int, tuple[int, ...]]:
    """The perceptual hash of an upright picture, and the hashes of that picture turned and
    mirrored the seven other ways (a quarter turn either way, a half turn, each mirrored), so
    a photo turned in another program can be told from another picture.

    All eight come from one DCT: mirroring a picture flips the sign of its odd frequencies
    along that axis, and turning it a quarter also swaps the axes."""
    from scipy.fft import dctn

    small = img.convert("L").resize((32, 32), Image.Resampling.BILINEAR, reducing_gap=2.0)
    low = dctn(np.asarray(small, dtype=np.float64), norm="ortho")[:8, :8]
    # The signs of the eight turns and mirrorings: rows x columns of the 8 x 8 block, the
    # block itself or transposed. One array, one median each, one packbits: the same bits as
    # hashing them one by one, for a fifth of the Python time a scan's threads share.
    odd = np.array([1.0, -1.0] * 4)
    signs = [np.outer(rows, cols) for rows in (np.ones(8), odd) for cols in (np.ones(8), odd)]
    turns = np.stack([block * sign for block in (low, low.T) for sign in signs]).reshape(8, 64)
    bits = turns > np.median(turns, axis=1, keepdims=True)
    values = np.packbits(bits, axis=1).view(">u8")[:, 0].astype(np.uint64).view(np.int64)
    upright, *others = (int(v) for v in values)
    return upright, tuple(others)


def tone(img: Image.Image) -> tuple[float, float, float, float]:
    """(mean red, green, blue, detail) of an upright picture, each 0 to 1: what a perceptual
    hash cannot see. A flat picture (a plain colour, a dark pocket shot, a blank scan) has
    next to no detail, so its hash is noise and its colour must tell it from another."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    small = np.asarray(rgb.resize((32, 32), Image.Resampling.BOX), dtype=np.float32) / 255.0
    luma = small @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    r, g, b = (float(v) for v in small.reshape(-1, 3).mean(axis=0))
    return r, g, b, float(luma.std())


def hash_distance(a: int, b: int) -> int:
    """Number of differing bits between two perceptual hashes (0 to 64)."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
