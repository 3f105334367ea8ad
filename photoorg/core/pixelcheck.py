"""The last word on "the same image": the two pictures compared pixel by pixel, aligned.

The embeddings and the 64-bit perceptual hash see a picture at about 32x32: two consecutive
frames of a video, or two shots from a tripod a second apart, pass both. A re-save, a resize,
a light crop or an EXIF rotation changes every pixel a little; a moved hand or ball changes a
few areas a lot. So the two pictures are

1. brought to one grid: the frame of the smaller picture, no finer than either picture's own
   pixels and at most :data:`GRID` pixels long (a 128 px thumbnail is judged at 128 px);
2. aligned by the scale and shift of a crop or resize (x' = s x + t on each axis): a coarse
   search over the row and column profiles, then Gauss-Newton steps on a pyramid, with the
   areas that moved left out of each step;
3. smoothed a little (Gaussian, one pixel), which removes what resampling and JPEG blocks
   change but keeps anything that moved;

and the result is the largest mean difference of any 8x8 area, 0 to 1 of full scale.

Measured at the 384 px grid (``tests/core/test_pixelcheck.py`` holds these pictures): the
re-saves at quality 50, half-size copies, 3% crops, WebP copies and EXIF rotations of six
photos reach at most 0.0093, and the 128 px thumbnails KPhotoAlbum made of its demo photos
(NEAR_DUPLICATES.tsv of the shared photos) at most 0.010; two consecutive video frames with a
few objects moved by 1 to 2 px (rubberwhale) reach 0.094, frames of players running
(basketball) 0.51, the two views of a stereo pair 0.35. The default limit
(``same_max_local_change``, 0.03) sits between the two, a setting like the other thresholds.
A comparison takes 20 to 200 ms; each pair is compared once and the result kept by content.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Changes when the measure changes: kept results of another version are measured again.
VERSION = 1
#: Longest side of the comparison grid, in pixels.
GRID = 384
#: The side of the areas whose mean difference is compared, in grid pixels.
BLOCK = 8
#: Pyramid levels (long side) on the way to the grid; the first is searched coarsely.
_LEVELS = (64, 128)
#: Crops and paddings the coarse search considers: the scale of one frame in the other.
_SCALES = np.linspace(0.8, 1.25, 46, dtype=np.float32)


def decode_size(width: int, height: int) -> int:
    """The shortest edge a picture of this size must be decoded at for :func:`local_change`."""
    return min(GRID, width, height)


def local_change(a: Image.Image, a_size: tuple[int, int], b: Image.Image, b_size: tuple[int, int]) -> float:
    """The largest local difference between two upright pictures, 0 (the same pixels) to 1.

    ``a`` and ``b`` may be decoded smaller than the photos (their full sizes are ``a_size`` and
    ``b_size``) but no smaller than :func:`decode_size`. The result does not depend on which
    is ``a``. Returns 1.0 when less than half of one picture can be found in the other.
    """
    # The larger frame is aligned onto the smaller one, which decides the grid.
    if (a_size[0] * a_size[1], a_size) < (b_size[0] * b_size[1], b_size):
        a, a_size, b, b_size = b, b_size, a, a_size
    k = min(GRID / max(b_size), 1.0, a_size[0] / b_size[0], a_size[1] / b_size[1])
    width, height = max(BLOCK, round(b_size[0] * k)), max(BLOCK, round(b_size[1] * k))
    # Each picture is resized once to the grid (Lanczos, from its decoded pixels); the coarser
    # levels are made from that.
    la = a.convert("L").resize((width, height), Image.Resampling.LANCZOS)
    lb = b.convert("L").resize((width, height), Image.Resampling.LANCZOS)

    params: np.ndarray | None = None
    previous = 0
    for level in (*[n for n in _LEVELS if n < max(width, height)], max(width, height)):
        f = level / max(width, height)
        w, h = max(BLOCK, round(width * f)), max(BLOCK, round(height * f))
        pa, pb = _luma(la, (w, h)), _luma(lb, (w, h))
        if params is None:
            params = np.array(
                [*_coarse(pa.mean(axis=0), pb.mean(axis=0)), *_coarse(pa.mean(axis=1), pb.mean(axis=1))]
            )
        else:
            params[[1, 3]] *= w / previous  # the shifts scale with the grid, the scales do not
        params = _refine(pa, pb, params)
        previous = w

    # A plain resize or re-save is judged unaligned too: on a picture with large flat areas
    # the fit can drift by a fraction of a pixel, which the identity does not.
    identity = np.array([1.0, 0.0, 1.0, 0.0])
    return min(_largest_block_change(pa, pb, p) for p in (params, identity))  # type: ignore[arg-type]


def _largest_block_change(a: np.ndarray, b: np.ndarray, params: np.ndarray) -> float:
    """The largest mean difference of any BLOCK x BLOCK area (0..1) of ``a`` warped onto ``b``,
    both smoothed by one pixel; 1.0 when less than half of ``b`` is covered."""
    from scipy import ndimage

    warped, valid = _warp(a, params, b.shape, cubic=True)  # type: ignore[arg-type]
    diff = np.abs(ndimage.gaussian_filter(warped, 1.0) - ndimage.gaussian_filter(b, 1.0))
    rows, cols = (n // BLOCK for n in diff.shape)
    if rows == 0 or cols == 0:
        return float(diff[valid].mean() / 255.0) if valid.any() else 1.0
    cut = (slice(0, rows * BLOCK), slice(0, cols * BLOCK))
    total = (diff * valid)[cut].reshape(rows, BLOCK, cols, BLOCK).sum(axis=(1, 3))
    count = valid[cut].reshape(rows, BLOCK, cols, BLOCK).sum(axis=(1, 3))
    seen = count > BLOCK * BLOCK / 2
    if seen.sum() < 0.5 * rows * cols:
        return 1.0
    return float((total[seen] / count[seen]).max() / 255.0)


def _luma(img: Image.Image, size: tuple[int, int]) -> np.ndarray:
    if img.size != size:
        img = img.resize(size, Image.Resampling.BOX)
    return np.asarray(img, dtype=np.float32)


def _coarse(pa: np.ndarray, pb: np.ndarray) -> tuple[float, float]:
    """The scale and shift (x_a = s x_b + t) that best match two 1-D profiles, by normalised
    correlation over a grid of both; ties go to no change (a flat picture has no profile)."""
    n = len(pb)
    x = np.arange(n, dtype=np.float32)
    shifts = np.arange(-0.2 * n, 0.2 * n + 0.01, 0.5, dtype=np.float32)
    xa = _SCALES[:, None, None] * x + shifts[None, :, None]
    inside = (xa >= 0) & (xa <= n - 1)
    count = inside.sum(axis=-1)

    def standardised(v: np.ndarray) -> np.ndarray:
        mean = (v * inside).sum(axis=-1, keepdims=True) / np.maximum(count[..., None], 1)
        centred = (v - mean) * inside
        return centred / np.sqrt((centred * centred).sum(axis=-1, keepdims=True) + 1e-6)

    corr = (standardised(np.interp(xa, x, pa)) * standardised(np.broadcast_to(pb, xa.shape))).sum(axis=-1)
    # Prefer the identity among near ties: a tiny cost for every step away from it.
    corr -= 1e-3 * (np.abs(_SCALES - 1)[:, None] * 10 + np.abs(shifts)[None, :] / n)
    corr[count < 0.7 * n] = -np.inf
    s, t = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return float(_SCALES[s]), float(shifts[t])


def _axis(n_out: int, n_in: int, scale: float, shift: float, cubic: bool) -> tuple[list, np.ndarray]:
    """Interpolation along one axis: for each tap, the input index and weight of every output
    position (linear: 2 taps; cubic: 4, Keys a=-0.5); and which positions fall inside."""
    pos = scale * np.arange(n_out, dtype=np.float64) + shift
    inside = (pos >= 0) & (pos <= n_in - 1)
    pos = np.clip(pos, 0, n_in - 1)
    low = np.floor(pos).astype(np.int64)
    frac = pos - low
    taps = []
    for k in range(-1, 3) if cubic else range(2):
        d = np.abs(frac - k)
        if cubic:
            w = np.where(
                d <= 1, 1.5 * d**3 - 2.5 * d**2 + 1, np.where(d < 2, -0.5 * d**3 + 2.5 * d**2 - 4 * d + 2, 0)
            )
        else:
            w = np.maximum(0.0, 1 - d)
        taps.append((np.clip(low + k, 0, n_in - 1), w.astype(np.float32)))  # edges repeat
    return taps, inside


def _warp(
    a: np.ndarray, params: np.ndarray, shape: tuple[int, int], cubic: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``a`` sampled on the grid of ``shape`` through the scale and shift (separable: rows,
    then columns); and where it is inside."""
    sx, tx, sy, ty = (float(v) for v in params)
    rows, iy = _axis(shape[0], a.shape[0], sy, ty, cubic)
    cols, ix = _axis(shape[1], a.shape[1], sx, tx, cubic)
    by_rows = sum(a[index] * w[:, None] for index, w in rows)
    return sum(by_rows[:, index] * w[None, :] for index, w in cols), iy[:, None] & ix[None, :]  # type: ignore[index]


def _refine(a: np.ndarray, b: np.ndarray, params: np.ndarray, steps: int = 8) -> np.ndarray:
    """Gauss-Newton steps on (sx, tx, sy, ty); pixels far off the median residual (what moved)
    do not pull the alignment."""
    gy, gx = np.gradient(a)
    yy, xx = np.mgrid[0 : b.shape[0], 0 : b.shape[1]].astype(np.float32)
    p = params.astype(np.float64)
    for _ in range(steps):
        warped, valid = _warp(a, p, b.shape)
        if valid.sum() < 16:
            break
        r = (warped - b)[valid]
        ex, _ = _warp(gx, p, b.shape)
        ey, _ = _warp(gy, p, b.shape)
        ex, ey = ex[valid], ey[valid]
        jac = np.stack([ex * xx[valid], ex, ey * yy[valid], ey], axis=1).astype(np.float64)
        weight = (np.abs(r) < 3 * np.median(np.abs(r)) + 1).astype(np.float64)
        jw = jac * weight[:, None]
        step = np.linalg.solve(jw.T @ jac + 1e-3 * np.eye(4), -(jw.T @ r))
        p = p + step
        if np.abs(step[[1, 3]]).max() < 0.01:
            break
    return p
