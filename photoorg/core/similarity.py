"""Similarity search over L2-normalised vectors, without ever building an N x N matrix.

:func:`pairs_above` finds every pair with cosine >= a threshold (exact recall). Small sets are
compared tile by tile on the full vectors. Large sets first compare tiles in a PCA subspace:
for unit vectors ``cos(x, y) = 1 - |x - y|^2 / 2`` and an orthonormal projection never makes
a distance longer, so ``1 - |P(x - y)|^2 / 2 >= cos(x, y)``: every pair above the threshold
passes the cheap test, and only the candidates are checked on the full vectors. Tiles where
the cheap test passes too many pairs are computed in full instead, so the bound never costs
more than the plain method.
"""

from __future__ import annotations

import numpy as np

from photoorg.core.progress import NULL_PROGRESS, Progress

TILE = 4096
#: Below this many vectors the full-dimension product is cheap enough on its own.
PROJECT_ABOVE = 16_000
PROJECTED_DIMS = 128
_EPS = 1e-4  # float32 rounding margin, so the bound stays a bound
_CHUNK = 16_384  # candidates checked at once


def _projection(x: np.ndarray, dims: int, sample: int = 20_000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = x if len(x) <= sample else x[rng.choice(len(x), sample, replace=False)]
    centred = rows - rows.mean(axis=0)
    cov = centred.T @ centred
    _, vecs = np.linalg.eigh(cov.astype(np.float64))
    return np.ascontiguousarray(vecs[:, ::-1][:, :dims].astype(np.float32))


def pairs_above(
    x: np.ndarray, threshold: float, progress: Progress = NULL_PROGRESS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i < j) with ``x[i] . x[j] >= threshold``, as arrays i, j, similarity.

    Tiles are multiplied with torch (a dependency already, and its thresholding and nonzero
    are several times faster than numpy's on CPU); inputs and outputs are numpy arrays.
    """
    import torch

    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x)
    tiles = [(a, min(a + TILE, n)) for a in range(0, n, TILE)]
    xt = torch.from_numpy(x)
    project = n > PROJECT_ABOVE and x.shape[1] > PROJECTED_DIMS
    if project:
        # Rows [y, -|y|^2/2, 1] and columns [y, 1, -|y|^2/2]: one product gives the bound
        # y_i.y_j - |y_i|^2/2 - |y_j|^2/2, which is >= cos - 1 for every pair.
        y = x @ _projection(x, PROJECTED_DIMS)
        half_q = (y * y).sum(axis=1, keepdims=True) / 2
        ones = np.ones_like(half_q)
        left = torch.from_numpy(np.hstack([y, -half_q, ones]))
        right = torch.from_numpy(np.hstack([y, ones, -half_q]))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # Tile results go into buffers allocated once: allocating and freeing tens of MB per tile
    # makes glibc's heap grow (its mmap threshold adapts upwards), to gigabytes at 100k photos.
    product = torch.empty(TILE * TILE)
    mask = torch.empty(TILE * TILE, dtype=torch.bool)

    def tile(
        left_rows: torch.Tensor, right_rows: torch.Tensor, at_least: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        shape = (len(left_rows), len(right_rows))
        out = product[: shape[0] * shape[1]].view(shape)
        torch.mm(left_rows, right_rows.T, out=out)
        passed = mask[: shape[0] * shape[1]].view(shape)
        torch.ge(out, at_least, out=passed)
        return out, passed

    # Checking a candidate gathers two full rows; past this many per tile, the plain product
    # of the tile is cheaper (and needs no gathered copies in memory).
    budget = TILE * TILE // 256
    progress.start_stage("Comparing photos", len(tiles) * (len(tiles) + 1) // 2)
    tried = failed = 0
    with torch.inference_mode():
        for ti, (a, b) in enumerate(tiles):
            for c, d in tiles[ti:]:
                hits = None
                if project and tried >= 8 and failed > tried // 2:
                    project = False  # the bound does not prune this library: skip its cost
                if project:
                    tried += 1
                    _, passed = tile(left[a:b], right[c:d], threshold - 1.0 - _EPS)
                    if int(passed.count_nonzero()) <= budget:
                        cand = passed.nonzero()
                        ii = cand[:, 0] + a
                        jj = cand[:, 1] + c
                        keep = jj > ii
                        ii, jj = ii[keep], jj[keep]
                        sims = torch.cat(
                            [
                                (xt[ii[k : k + _CHUNK]] * xt[jj[k : k + _CHUNK]]).sum(dim=1)
                                for k in range(0, len(ii), _CHUNK)
                            ]
                            or [torch.zeros(0)]
                        )
                        hits = (ii, jj, sims)
                    else:
                        failed += 1
                if hits is None:
                    s, passed = tile(xt[a:b], xt[c:d], threshold)
                    cand = passed.nonzero()
                    ii, jj = cand[:, 0], cand[:, 1]
                    sims = s[ii, jj]
                    ii, jj = ii + a, jj + c
                    keep = jj > ii
                    hits = (ii[keep], jj[keep], sims[keep])
                ii, jj, sims = hits
                ok = sims >= threshold
                found.append((ii[ok].numpy(), jj[ok].numpy(), sims[ok].numpy()))
                progress.advance(1)
    if not found:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float32)
    return (
        np.concatenate([f[0] for f in found]).astype(np.int64),
        np.concatenate([f[1] for f in found]).astype(np.int64),
        np.concatenate([f[2] for f in found]).astype(np.float32),
    )


def nearest(
    x: np.ndarray, query: np.ndarray, k: int, exclude: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and similarities of the ``k`` rows of ``x`` most similar to ``query``, best first."""
    sims = (
        np.concatenate([x[a : a + 65536] @ query for a in range(0, len(x), 65536)])
        if len(x)
        else (np.zeros(0, np.float32))
    )
    if exclude is not None and 0 <= exclude < len(sims):
        sims[exclude] = -np.inf
    k = min(k, len(sims) - (exclude is not None))
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.argsort(-sims[top], kind="stable")]
    return top, sims[top]
