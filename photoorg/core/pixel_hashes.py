"""What a picture looks like, in a few numbers the duplicate search compares: a perceptual hash
(and the same hash of the picture turned and mirrored) and its tone. Made by a scan from the
picture photoorg.core.imaging decodes, kept per content in the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

#: A picture: a Pillow image, or an (h, w, 3) uint8 RGB array (as a GPU decoder gives it).
Picture = Image.Image | np.ndarray


@dataclass(frozen=True, slots=True)
class Looks:
    """What the duplicate search keeps of a picture: :func:`perceptual_hashes` and :func:`tone`."""

    phash: int
    turns: tuple[int, ...]
    tone: tuple[float, float, float, float]


def perceptual_hash(img: Picture) -> int:
    """64-bit DCT perceptual hash (pHash) of an upright picture, as a signed int64.

    Re-encoding, resizing and light crops change few bits; a different picture of the same
    kind of scene changes many. Compare two with :func:`hash_distance`.
    """
    return perceptual_hashes(img)[0]


def perceptual_hashes(img: Picture) -> tuple[int, tuple[int, ...]]:
    """The perceptual hash of an upright picture, and the hashes of that picture turned and
    mirrored the seven other ways (a quarter turn either way, a half turn, each mirrored), so
    a photo turned in another program can be told from another picture."""
    return _hashes(_grey(_image(img))[None])[0]


def tone(img: Picture) -> tuple[float, float, float, float]:
    """(mean red, green, blue, detail) of an upright picture, each 0 to 1: what a perceptual
    hash cannot see. A flat picture (a plain colour, a dark pocket shot, a blank scan) has
    next to no detail, so its hash is noise and its colour must tell it from another."""
    return _tones(_box(_image(img))[None])[0]


def looks(pictures: Sequence[Picture]) -> list[Looks]:
    """The :class:`Looks` of many pictures at once: the same numbers as one by one, for a
    fraction of the Python time (one DCT, one median, one mean for all), which a scan's
    threads share (issue 15: a GPU scan was bound by it)."""
    if not pictures:
        return []
    images = [_image(p) for p in pictures]
    return _looks(np.stack([_grey(img) for img in images]), np.stack([_box(img) for img in images]))


def looks_of_parts(greys: Sequence[np.ndarray], grids: np.ndarray) -> list[Looks]:
    """The :class:`Looks` of pictures from parts a GPU made of them
    (:func:`photoorg.core.gpu_pictures.hash_parts`): each one's grey (h, w) uint8 picture, as
    Pillow's "L", and its (32, 32, 3) average over a grid. The hashes are those of the picture
    (:func:`perceptual_hashes`); the tone is within a hundredth of :func:`tone`'s, whose grid
    differs a little at the edges of its cells."""
    if not len(greys):
        return []
    return _looks(np.stack([_grey(Image.fromarray(np.ascontiguousarray(g))) for g in greys]), grids)


def _looks(grey: np.ndarray, grid: np.ndarray) -> list[Looks]:
    hashes, tones = _hashes(grey), _tones(grid)
    return [Looks(h, t, c) for (h, t), c in zip(hashes, tones, strict=True)]


def _image(picture: Picture) -> Image.Image:
    return Image.fromarray(picture) if isinstance(picture, np.ndarray) else picture


def _grey(img: Image.Image) -> np.ndarray:
    """The 32 x 32 grey picture the hash is the DCT of."""
    grey = img if img.mode == "L" else img.convert("L")
    return np.asarray(grey.resize((32, 32), Image.Resampling.BILINEAR, reducing_gap=2.0))


def _box(img: Image.Image) -> np.ndarray:
    """The 32 x 32 RGB picture the tone is measured on."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    return np.asarray(rgb.resize((32, 32), Image.Resampling.BOX))


# The signs of the eight turns and mirrorings of a DCT: mirroring a picture flips the sign of
# its odd frequencies along that axis, and turning it a quarter also swaps the axes; rows x
# columns of the 8 x 8 block, applied to the block itself or to it transposed.
_ODD = np.array([1.0, -1.0] * 4)
_SIGNS = np.stack([np.outer(rows, cols) for rows in (np.ones(8), _ODD) for cols in (np.ones(8), _ODD)])


def _hashes(grey: np.ndarray) -> list[tuple[int, tuple[int, ...]]]:
    """(hash, the seven other turns' hashes) of each (32, 32) grey picture of ``grey``."""
    from scipy.fft import dctn

    low = dctn(grey.astype(np.float64), norm="ortho", axes=(1, 2))[:, :8, :8]
    # All eight come from one DCT: one array, one median each, one packbits.
    blocks = np.stack([low, low.transpose(0, 2, 1)], axis=1)  # (n, 2, 8, 8)
    turns = (blocks[:, :, None] * _SIGNS[None, None]).reshape(len(grey), 8, 64)
    bits = turns > np.median(turns, axis=2, keepdims=True)
    values = np.packbits(bits, axis=2).view(">u8")[:, :, 0].astype(np.uint64).view(np.int64)
    return [(row[0], tuple(row[1:])) for row in values.tolist()]


def _tones(box: np.ndarray) -> list[tuple[float, float, float, float]]:
    """The tone of each (32, 32, 3) picture of ``box`` (0 to 255, integers or not)."""
    small = box.astype(np.float32) / 255.0
    luma = small @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    means = small.reshape(len(box), -1, 3).mean(axis=1)
    details = luma.reshape(len(box), -1).std(axis=1)
    return [(r, g, b, d) for (r, g, b), d in zip(means.tolist(), details.tolist(), strict=True)]


def hash_distance(a: int, b: int) -> int:
    """Number of differing bits between two perceptual hashes (0 to 64)."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
