"""Each photo's most similar partners, in time that grows with the library, not its square.

:func:`partner_pairs` is what the duplicate search asks for: the pairs above a threshold among
each photo's ``k`` most similar. Up to :data:`EXACT_LIMIT` photos it compares every pair
(:func:`photoorg.core.similarity.pairs_above`, exact). Past that, all pairs cost N^2: 74 s at
100k varied photos, 6 min when most photos are alike (measured with the exact search), and more
with every photo added. So each photo is compared only with the photos of the few regions of
the library nearest to it, as FAISS's inverted lists do:

1. the vectors are split into regions of about :data:`REGION_SIZE` photos by spherical k-means
   learnt from a sample, and a region past twice that size is halved until none is;
2. each photo looks at its own region and the regions whose centres are nearest to it,
   :data:`PROBES` in all;
3. a region's photos are compared with every photo that looks at it, a matrix product at a
   time, and each photo keeps its ``k`` best partners above the threshold.

Each photo is compared with at most PROBES x 2 x REGION_SIZE others, whatever the library looks
like. A pair above the threshold is missed only when neither photo looks at the other's region:
photos that alike lie close to each other and to the same centres.
``tests/bench/bench_duplicates.py --recall`` prints how many of the exact search's pairs this
one finds, and how long each takes.

No index library: faiss-cpu brings its own OpenMP runtime beside torch's, and the two abort or
crash the process on macOS (faiss-wheels issue 73, open); torch's matrix products do the work.
"""

from __future__ import annotations

import numpy as np

from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.similarity import pairs_above

#: Up to this many photos every pair is compared (a few seconds, whatever they look like).
EXACT_LIMIT = 16_384
#: Photos a region holds, on average; never more than twice this.
REGION_SIZE = 256
#: Regions each photo looks at, its own included.
PROBES = 6
#: At most this many photos are compared with the whole library to bring the last search's
#: pairs up to date (:func:`updated_pairs`): about the cost of a new search at 100k photos.
UPDATE_LIMIT = 2048
_KMEANS_ROUNDS = 8
_SAMPLE_PER_REGION = 48  # k-means learns its centres from this many photos a region
_POWER_STEPS = 4
_DIRECTION_SAMPLE = 1024  # photos a region's main direction is found from, when it is halved
_BLOCK = 4096  # photos compared with one region at once


def partner_pairs(
    x: np.ndarray,
    threshold: float,
    k: int,
    progress: Progress = NULL_PROGRESS,
    *,
    exact_limit: int | None = None,
    region_size: int | None = None,
    probes: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j, similarity) of the rows of ``x`` (unit vectors) with cosine >= ``threshold``,
    ordered by (i, j). Up to ``exact_limit`` rows (default :data:`EXACT_LIMIT`): those among the
    ``k`` most similar pairs of row i or of row j (:func:`pairs_above`). Past it, each row's
    ``k`` best among the rows of the ``probes`` regions of about ``region_size`` it looks at."""
    exact_limit = EXACT_LIMIT if exact_limit is None else exact_limit
    if len(x) <= max(exact_limit, 1):
        return pairs_above(x, threshold, progress, max_per_row=k)
    import torch

    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    n = len(xt)
    with torch.inference_mode():
        home, centres = _regions(xt, region_size or REGION_SIZE, progress)
        regions = len(centres)
        p = min(probes or PROBES, regions)
        looks_at = _nearest_centres(xt, centres, p)
        has_own = (looks_at == home.unsqueeze(1)).any(dim=1)
        looks_at[:, -1] = torch.where(has_own, looks_at[:, -1], home)  # its own region always
        members, member_starts = _grouped(home, regions)
        place = torch.empty(n, dtype=torch.int64)  # each row's place among its region's members
        place[members] = torch.arange(n) - member_starts[home[members]]
        lookers, looker_starts = _grouped(looks_at.flatten(), regions)
        # The k best partners a row finds in each region it looks at, side by side: one choice
        # of the k best of all at the end, instead of a merge per region (a third of the time).
        found_sim = torch.full((n, p * k), -np.inf)
        found_idx = torch.zeros((n, p * k), dtype=torch.int64)
        progress.start_stage("Comparing photos", regions)
        for r in range(regions):
            cols = members[int(member_starts[r]) : int(member_starts[r + 1])]
            looking = lookers[int(looker_starts[r]) : int(looker_starts[r + 1])]
            for a in range(0, len(looking) if len(cols) else 0, _BLOCK):
                rows, nth = looking[a : a + _BLOCK] // p, looking[a : a + _BLOCK] % p
                sims = xt[rows] @ xt[cols].T
                mine = torch.nonzero(home[rows] == r, as_tuple=True)[0]
                sims[mine, place[rows[mine]]] = -np.inf  # not itself
                sims.masked_fill_(sims < threshold, -np.inf)
                top, where = sims.topk(min(k, len(cols)), dim=1)
                slots = nth.unsqueeze(1) * k + torch.arange(top.shape[1])
                found_sim[rows.unsqueeze(1), slots] = top
                found_idx[rows.unsqueeze(1), slots] = cols[where]
            progress.advance(1)
        best_sim, where = found_sim.topk(k, dim=1)
        best_idx = found_idx.gather(1, where)
    rows, slot = torch.nonzero(best_sim > -np.inf, as_tuple=True)
    cols = best_idx[rows, slot]
    ii, jj = torch.minimum(rows, cols).numpy(), torch.maximum(rows, cols).numpy()
    _, first = np.unique(ii * n + jj, return_index=True)  # a pair both photos chose, once
    return ii[first], jj[first], best_sim[rows, slot].numpy()[first]


def updated_pairs(
    old_to_new: np.ndarray,
    before: tuple[np.ndarray, np.ndarray, np.ndarray],
    x: np.ndarray,
    threshold: float,
    k: int,
    limit: int | None = None,
    progress: Progress = NULL_PROGRESS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The last search's pairs ``before`` (of rows that are now ``old_to_new``, -1: gone)
    brought up to date for the rows of ``x``, comparing only what changed with the whole
    library: the new rows, and the rows that lost a partner when they had ``k`` or more. None
    when more than ``limit`` rows (default :data:`UPDATE_LIMIT`, at most a quarter of the
    library) would be compared: a new search costs less then.

    A row compared keeps its ``k`` best partners, and enters the pairs of every other row whose
    ``k`` best it is now among. Nothing a new search would find is missed, by induction: a pair
    leaves a row's ``k`` best only when a better partner comes, and the pairs kept of a row that
    lost a partner are all it had, unless it had ``k`` (it is then compared again). Pairs pushed
    out of both their rows' ``k`` best by a newcomer go, as a search would not keep them."""
    bi, bj, bs = before
    n = len(x)
    gone = (old_to_new[bi] < 0) | (old_to_new[bj] < 0)
    counts = np.bincount(np.concatenate([bi, bj]), minlength=len(old_to_new))
    lost = np.zeros(len(old_to_new), dtype=bool)
    lost[bi[gone]] = lost[bj[gone]] = True
    again = np.zeros(n, dtype=bool)
    again[old_to_new[lost & (counts >= k) & (old_to_new >= 0)]] = True
    again[np.setdiff1d(np.arange(n), old_to_new[old_to_new >= 0])] = True  # new rows
    rows = np.flatnonzero(again)
    if len(rows) > min(UPDATE_LIMIT if limit is None else limit, n // 4):
        return None
    a, b = old_to_new[bi[~gone]], old_to_new[bj[~gone]]
    ii, jj, sims = np.minimum(a, b), np.maximum(a, b), bs[~gone]
    # Each row's k-th best partner so far: a compared row joins its pairs only above it. Two
    # compared rows pair when one is among the other's k best, as in a search.
    bound = np.where(again, np.inf, threshold).astype(np.float32)
    ends, values = np.concatenate([ii, jj]), np.concatenate([sims, sims])
    order, _ = _by_row(ends, values, n)
    values = values[order]
    counts = np.bincount(ends, minlength=n)
    first = np.cumsum(counts) - counts
    full = (counts >= k) & ~again
    bound[full] = np.maximum(values[first[full] + k - 1], threshold)
    found = [(ii, jj, sims)]
    if len(rows):
        import torch

        xt, limits = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)), torch.from_numpy(bound)
        progress.start_stage("Comparing the photos that came or lost a partner", len(rows))
        for start in range(0, len(rows), 256):
            block = torch.from_numpy(rows[start : start + 256])
            s = xt[block] @ xt.T
            s[torch.arange(len(block)), block] = -np.inf  # not itself
            keep = s >= limits
            top = s.topk(min(k, n - 1), dim=1)
            keep.scatter_(1, top.indices, top.values >= threshold)  # ... or among its k best
            r, c = torch.nonzero(keep, as_tuple=True)
            a, b = block[r].numpy(), c.numpy()
            found.append((np.minimum(a, b), np.maximum(a, b), s[r, c].numpy()))
            progress.advance(len(block))
    ii, jj, sims = (np.concatenate(parts) for parts in zip(*found, strict=True))
    _, first = np.unique(ii * n + jj, return_index=True)  # sorted by (i, j), each pair once
    ii, jj, sims = ii[first], jj[first], sims[first]
    # Only pairs among the k best of one of their rows, as a search keeps: those a newcomer
    # pushed out go (they made the app's similar sets differ from a new search's on the same
    # photos: 35 sets against 38 on ../shared/photos, where a random model finds most alike).
    # Every row's k best are here, so its k best here are its k best.
    _, rank = _by_row(np.concatenate([ii, jj]), np.concatenate([sims, sims]), n)
    keep = (rank[: len(ii)] < k) | (rank[len(ii) :] < k)
    return ii[keep], jj[keep], sims[keep].astype(np.float32)


def _by_row(ends: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The order of the pairs' ``ends`` (rows below ``n``) by row, the most similar first, and
    each one's place in its row (0: its best). One sort of a 64-bit key, by torch: np.lexsort
    took 7 s for 100k photos of 32 partners each, this about 1 s (2 cores)."""
    import torch

    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.int64)
    ascending = np.where(bits >= 0x80000000, 0xFFFFFFFF - bits, bits | 0x80000000)  # IEEE order
    key = (ends.astype(np.int64) << 32) | (0xFFFFFFFF - ascending)
    order = torch.argsort(torch.from_numpy(key)).numpy()
    counts = np.bincount(ends, minlength=n)
    rank = np.empty(len(ends), dtype=np.int64)
    rank[order] = np.arange(len(ends)) - np.repeat(np.cumsum(counts) - counts, counts)
    return order, rank


def _grouped(labels, groups: int):  # type: ignore[no-untyped-def]
    """(positions sorted by label, where each label's run starts: groups + 1 offsets)."""
    import torch

    order = torch.argsort(labels, stable=True)
    return order, torch.searchsorted(labels[order], torch.arange(groups + 1))


def _regions(xt, size: int, progress: Progress):  # type: ignore[no-untyped-def]
    """Each row's region and the regions' unit centres: spherical k-means with about ``size``
    rows a region (learnt from a sample, each row then in the region of its nearest centre),
    and every region past twice ``size`` cut in halves at the median of its main direction of
    spread until none is. k-means alone put 3,481 of 100k alike photos in one region and 11 in
    most (measured); the halving bounds the work whatever the vectors look like. Seeded: the
    same vectors give the same regions."""
    import torch

    gen = torch.Generator().manual_seed(0)
    n, dim = xt.shape
    k = max(1, round(n / size))
    sample = xt[torch.randperm(n, generator=gen)[: min(n, k * _SAMPLE_PER_REGION)]]
    centres = sample[torch.randperm(len(sample), generator=gen)[:k]].clone()
    progress.start_stage("Mapping the library", _KMEANS_ROUNDS)
    for _ in range(_KMEANS_ROUNDS):
        centres = _centres(sample, _nearest_centres(sample, centres, 1)[:, 0], k, centres)
        progress.advance(1)
    label = _nearest_centres(xt, centres, 1)[:, 0]
    order, starts = _grouped(label, k)
    regions = k
    parts = [order[int(starts[r]) : int(starts[r + 1])] for r in range(k)]
    while parts:
        idx = parts.pop()
        if len(idx) <= 2 * size:
            continue
        v = xt[idx]
        few = v[torch.randperm(len(v), generator=gen)[:_DIRECTION_SAMPLE]]
        mean = few.mean(dim=0)
        d = torch.randn(dim, generator=gen)
        for _ in range(_POWER_STEPS):  # power iteration on the covariance, never formed
            u = few @ d - mean @ d
            d = u @ few - mean * u.sum()
            d /= d.norm().clamp_min(1e-12)
        upper = idx[torch.argsort(v @ d, stable=True)[len(idx) // 2 :]]
        label[upper] = regions
        regions += 1
        parts += [idx[label[idx] != regions - 1], upper]
    return label, _centres(xt, label, regions)


def _centres(xt, label, regions: int, previous=None):  # type: ignore[no-untyped-def]
    """The unit mean of each region's rows; an empty region keeps its ``previous`` centre (or
    none: zero)."""
    import torch

    sums = torch.zeros((regions, xt.shape[1])).index_add_(0, label, xt)
    norms = sums.norm(dim=1, keepdim=True)
    if previous is not None:
        sums = torch.where(norms > 0, sums, previous)
        norms = sums.norm(dim=1, keepdim=True)
    return sums / norms.clamp_min(1e-12)


def _nearest_centres(xt, centres, p: int):  # type: ignore[no-untyped-def]
    """The ``p`` centres nearest each row, nearest first."""
    import torch

    out = torch.empty((len(xt), p), dtype=torch.int64)
    for a in range(0, len(xt), 8192):
        out[a : a + 8192] = (xt[a : a + 8192] @ centres.T).topk(p, dim=1).indices
    return out
