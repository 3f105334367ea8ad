"""Similarity search over L2-normalised vectors, without ever building an N x N matrix.

:func:`pairs_above` finds every pair with cosine >= a threshold with exact recall, tile by
tile: a cheap int8 test that can only over-select, then a check of its candidates on the full
fp32 vectors. :func:`nearest` gives the k most similar rows to one vector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.paths import under_test
from photoorg.core.progress import NULL_PROGRESS, Progress

TILE = 4096
_EPS = 1e-4  # float32 rounding margin, so the bound stays a bound
_CHUNK = 16_384  # candidates checked at once
_PROBE = 64  # rows of a tile whose int8 products tell first whether the whole tile is dense


def _int8_products_work(torch) -> bool:
    """torch._int_mm is private and not built for every CPU: try it once on a small product."""
    try:
        a = torch.ones((32, 32), dtype=torch.int8)
        return bool(torch._int_mm(a, a)[0, 0] == 32)
    except Exception:
        return False


def pairs_above(
    x: np.ndarray, threshold: float, progress: Progress = NULL_PROGRESS, max_per_row: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i < j) with ``x[i] . x[j] >= threshold``, as arrays i, j, similarity.

    With ``max_per_row`` k, a pair is kept only when it is among the k most similar pairs of
    one of its two rows: at most k x N pairs whatever the vectors (N^2 / 2 when all are alike),
    and exactly all of them for rows with at most k partners above the threshold.

    Each tile of pairs goes through the cheapest test that is sure to keep every pair above
    the threshold, and the candidates it passes are checked on the full fp32 vectors:

    1. int8 products (``torch._int_mm``, about 2.5x fp32 on CPUs with VNNI) against the
       threshold lowered by a bound on the rounding error, computed from the rows' actual
       quantisation errors;
    2. where that passes too many pairs to check one by one, the plain fp32 product.
    Tiles are multiplied with torch (a dependency already; its thresholding and nonzero are
    several times faster than numpy's on CPU); inputs and outputs are numpy arrays.
    """
    import torch

    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x)
    tiles = [(a, min(a + TILE, n)) for a in range(0, n, TILE)]
    xt = torch.from_numpy(x)
    quantised = n > 1 and _int8_products_work(torch)
    if quantised:
        # x = q/127 + e. Then x.y - q_x.q_y/127^2 = (q_x/127).e_y + e_x.(q_y/127) + e_x.e_y,
        # bounded by |q_x/127||e_y| + |e_x||q_y/127| + |e_x||e_y| (Cauchy-Schwarz).
        q = torch.from_numpy(np.rint(np.clip(x, -1.0, 1.0) * 127).astype(np.int8))
        q_norm = (q.float() / 127).norm(dim=1)
        q_err = (xt - q.float() / 127).norm(dim=1)
        int_product = torch.empty(TILE * TILE, dtype=torch.int32)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # Tile results go into buffers allocated once: allocating and freeing tens of MB per tile
    # makes glibc's heap grow (its mmap threshold adapts upwards), to gigabytes at 100k photos.
    product = torch.empty(TILE * TILE)
    mask = torch.empty(TILE * TILE, dtype=torch.bool)
    # Checking a candidate gathers two full rows (about 3 us each, measured); past this many
    # per tile the int8 product of the tile (about 40 ms for 4096 x 4096) is cheaper.
    budget = TILE * TILE // 2048

    def view(buf: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
        return buf[: shape[0] * shape[1]].view(shape)

    def candidates(passed: torch.Tensor, a: int, c: int) -> tuple[torch.Tensor, torch.Tensor] | None:
        if int(passed.count_nonzero()) > budget:
            return None
        cand = passed.nonzero()
        ii, jj = cand[:, 0] + a, cand[:, 1] + c
        keep = jj > ii
        return ii[keep], jj[keep]

    def dense_already(a: int, b: int, c: int, d: int, bar: int) -> bool:
        """Whether the tile's first rows alone pass more pairs than can be checked one by one:
        then the whole tile goes to the fp32 product, and its int8 product would be wasted (a
        library where most photos are alike)."""
        if b - a <= 2 * _PROBE:
            return False
        dots = view(int_product, (_PROBE, d - c))
        torch._int_mm(q[a : a + _PROBE], q[c:d].T, out=dots)
        return int((dots >= bar).count_nonzero()) > budget

    def check(ii: torch.Tensor, jj: torch.Tensor) -> torch.Tensor:
        parts = [
            (xt[ii[k : k + _CHUNK]] * xt[jj[k : k + _CHUNK]]).sum(dim=1) for k in range(0, len(ii), _CHUNK)
        ]
        return torch.cat(parts) if parts else torch.zeros(0)

    k = max_per_row if max_per_row is not None and max_per_row < n - 1 else None
    if k is not None:
        # The best k partners of each row among the tiles too dense to list pair by pair.
        best_sim = torch.full((n, k), -np.inf)
        best_idx = torch.zeros((n, k), dtype=torch.int64)
        flipped_buf = torch.empty(TILE * TILE)

    def keep_best(rows: slice, sims: torch.Tensor, cols: torch.Tensor) -> None:
        merged = torch.cat([best_sim[rows], sims], dim=1)
        top, where = merged.topk(k, dim=1)  # type: ignore[arg-type]
        best_idx[rows] = torch.cat([best_idx[rows], cols], dim=1).gather(1, where)
        best_sim[rows] = top

    def dense_tile(full: torch.Tensor, a: int, b: int, c: int, d: int) -> None:
        below = view(mask, (b - a, d - c))  # the int8 test's buffer, done with by now
        full.masked_fill_(torch.lt(full, threshold, out=below), -np.inf)
        if a == c:
            full.fill_diagonal_(-np.inf)
        kr, kc = min(k, d - c), min(k, b - a)  # type: ignore[type-var]
        sims, cols = full.topk(kr, dim=1)
        keep_best(slice(a, b), sims, cols + c)
        if a != c:  # the columns' best rows (a diagonal tile is symmetric)
            # On a transposed copy: top-k along rows runs about 1.7x faster than down columns
            # here (measured on 4096 x 4096), copy included; same answer, ties too.
            flipped = view(flipped_buf, (d - c, b - a))
            flipped.copy_(full.T)
            sims, rows = flipped.topk(kc, dim=1)
            keep_best(slice(c, d), sims, rows + a)

    progress.start_stage("Comparing photos", len(tiles) * (len(tiles) + 1) // 2)
    with torch.inference_mode():
        for ti, (a, b) in enumerate(tiles):
            for c, d in tiles[ti:]:
                shape = (b - a, d - c)
                passed = view(mask, shape)
                pairs = None
                if pairs is None and quantised:
                    slack = (
                        float(q_norm[a:b].max() * q_err[c:d].max())
                        + float(q_err[a:b].max() * q_norm[c:d].max())
                        + float(q_err[a:b].max() * q_err[c:d].max())
                        + _EPS
                    )
                    bar = int(np.floor((threshold - slack) * 127 * 127))
                    if not dense_already(a, b, c, d, bar):
                        dots = view(int_product, shape)
                        torch._int_mm(q[a:b], q[c:d].T, out=dots)
                        torch.ge(dots, bar, out=passed)
                        pairs = candidates(passed, a, c)
                if pairs is not None:
                    ii, jj = pairs
                    sims = check(ii, jj)
                else:
                    full = view(product, shape)
                    torch.mm(xt[a:b], xt[c:d].T, out=full)
                    if k is not None:
                        dense_tile(full, a, b, c, d)
                        progress.advance(1)
                        continue
                    torch.ge(full, threshold, out=passed)
                    cand = passed.nonzero()
                    ii, jj = cand[:, 0] + a, cand[:, 1] + c
                    sims = full[cand[:, 0], cand[:, 1]]
                    keep = jj > ii
                    ii, jj, sims = ii[keep], jj[keep], sims[keep]
                ok = sims >= threshold
                found.append((ii[ok].numpy(), jj[ok].numpy(), sims[ok].numpy()))
                progress.advance(1)
    if k is not None:
        rows, slot = torch.nonzero(best_sim > -np.inf, as_tuple=True)
        cols = best_idx[rows, slot]
        found.append(
            (
                torch.minimum(rows, cols).numpy(),
                torch.maximum(rows, cols).numpy(),
                best_sim[rows, slot].numpy(),
            )
        )
    if not found:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float32)
    ii = np.concatenate([f[0] for f in found]).astype(np.int64)
    jj = np.concatenate([f[1] for f in found]).astype(np.int64)
    sims = np.concatenate([f[2] for f in found]).astype(np.float32)
    if k is not None:
        ii, jj, sims = _best_per_row(ii, jj, sims, n, k)
    return ii, jj, sims


def _best_per_row(
    ii: np.ndarray, jj: np.ndarray, sims: np.ndarray, n: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs among (ii, jj) that are among the ``k`` most similar of ii's or of jj's
    pairs, ordered by (i, j)."""
    key = ii * n + jj
    key, first = np.unique(key, return_index=True)  # a pair found from both of its rows
    ii, jj, sims = ii[first], jj[first], sims[first]
    ends = np.concatenate([ii, jj])
    edge = np.concatenate([np.arange(len(ii)), np.arange(len(ii))])
    order = np.lexsort((-np.concatenate([sims, sims]), ends))  # by row, most similar first
    ends, edge = ends[order], edge[order]
    start = np.searchsorted(ends, ends, side="left")
    rank = np.arange(len(ends)) - start
    keep = np.zeros(len(ii), dtype=bool)
    keep[edge[rank < k]] = True
    return ii[keep], jj[keep], sims[keep]


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


def find_similar(
    catalog: Catalog, model_id: int, path: str, k: int = 10, roots: Sequence[str] | None = None
) -> list[tuple[PhotoInfo, float]]:
    """The ``k`` photos most like the one at ``path``, with their cosine similarity.

    Raises:
        KeyError: the photo is not in the catalog, or has no vector for this model.
    """
    everything = catalog.photos()
    target = next((p for p in everything if p.path == path), None)
    if target is None:
        raise KeyError(path)
    inside = under_test(roots) if roots is not None else None
    photos = everything if inside is None else [p for p in everything if inside(p.path)]
    by_fp: dict[str, list[PhotoInfo]] = defaultdict(list)
    for p in photos:
        by_fp[p.fingerprint].append(p)
    by_fp.setdefault(target.fingerprint, [])
    fps, x = catalog.vectors_for(model_id, sorted(by_fp))
    if target.fingerprint not in fps:
        raise KeyError(path)
    q = fps.index(target.fingerprint)
    idx, sims = nearest(x, x[q], len(fps))
    result: list[tuple[PhotoInfo, float]] = []
    for i, s in zip(idx.tolist(), sims.tolist(), strict=True):
        for p in by_fp[fps[i]]:
            if p.path != path:
                result.append((p, float(s)))
        if len(result) >= k:
            break
    return result[:k]
