"""Clustering the vectors into groups: HDBSCAN over their top principal components, each group
then checked in the full space against the library's background similarity (see
:mod:`photoorg.core.grouping`, which gives the groups their photos, ids and names). Past
:data:`SPARSE_ABOVE` photos HDBSCAN runs on an exact k-nearest-neighbour graph. Qt-free."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

#: The label of photos in no group.
UNSORTED = -1
#: Above this many photos HDBSCAN runs on an exact k-nearest-neighbour graph (see _knn_graph).
SPARSE_ABOVE = 20_000
KNN = 15
_KNN_BLOCK = (2048, 16384)  # rows x columns of distances computed at once
_KNN_RUN = 64  # columns ranked by their minimum first (see _nearest_k)
_LINK_SAMPLES = 32  # members of a component whose nearest outside point links it
_LINK_BATCH = 4096  # points compared with them at once


@dataclass(frozen=True)
class GroupSettings:
    """Every field is a setting."""

    min_group_size: int = 5
    method: str = "eom"  # HDBSCAN cluster selection: "eom" (default) or "leaf" (finer)
    dims: int = 32
    min_coherence_margin: float = 0.1

    def __post_init__(self) -> None:
        if self.min_group_size < 2:
            raise ValueError("min_group_size must be at least 2")
        if self.method not in ("leaf", "eom"):
            raise ValueError("method must be 'leaf' or 'eom'")


def _mean_pair_similarity(x: np.ndarray) -> float:
    """Mean cosine over distinct pairs of unit rows, in O(n)."""
    n = len(x)
    if n < 2:
        return 1.0
    s = x.sum(axis=0, dtype=np.float64)
    return float((s @ s - n) / (n * (n - 1)))


def _project(x: np.ndarray, dims: int) -> np.ndarray:
    dims = min(dims, x.shape[1], max(1, len(x) - 1))
    centred = (x - x.mean(axis=0)).astype(np.float64)
    sample = centred if len(x) <= 50_000 else centred[:: len(x) // 50_000 + 1]
    _, vecs = np.linalg.eigh(sample.T @ sample)
    return (centred @ vecs[:, ::-1][:, :dims]).astype(np.float64)


def _nearest_k(out: Any, k: int) -> tuple[Any, Any]:
    """The ``k`` smallest of each row of ``out`` (any order) and their columns.

    The row is cut into runs of :data:`_KNN_RUN` columns: the k runs with the smallest minima
    hold the k smallest values (each of them holds one value at most its own minimum, so the
    k-th smallest value is at most the k-th smallest minimum), so only their k x run values
    are ranked. ``out``'s width is a multiple of the run (see _knn_graph's padding).
    """
    import torch

    rows, width = out.shape
    runs = out.view(rows, width // _KNN_RUN, _KNN_RUN)
    if runs.shape[1] <= k:
        return torch.topk(out, min(k, width), largest=False, sorted=False)
    _, run = torch.topk(runs.amin(dim=2), k, largest=False, sorted=False)
    picked = runs.gather(1, run[:, :, None].expand(rows, k, _KNN_RUN)).reshape(rows, k * _KNN_RUN)
    vals, at = torch.topk(picked, k, largest=False, sorted=False)
    return vals, torch.gather(run, 1, at // _KNN_RUN) * _KNN_RUN + at % _KNN_RUN


def _knn_graph(z: np.ndarray, progress: Progress, k: int = KNN) -> Any:
    """Sparse graph of each point's ``k`` nearest neighbours (exact, tiled), made connected.

    HDBSCAN's tree-based search slows down sharply past ~20k points in 32 dimensions; from a
    k-NN graph it builds the minimum spanning tree of the sparse graph instead (its
    ``metric="precomputed"`` path), which gives the same hierarchy wherever the tree's edges
    are among the k nearest neighbours, as they are inside groups. Separate components are
    joined as _join_components says.
    """
    import scipy.sparse as sp
    import torch

    n = len(z)
    k = min(k, n - 1)
    zt = torch.from_numpy(np.ascontiguousarray(z))
    sq = (zt * zt).sum(dim=1)
    # One product gives |b|^2 - 2 a.b, which ranks the b's for each a like |a - b|^2 does
    # (|a|^2 is added back to the k best only). The columns are padded to a whole run with
    # points at infinity.
    rows_aug = torch.cat([zt, torch.ones(n, 1)], dim=1)
    pad = torch.zeros((-n) % _KNN_RUN, zt.shape[1] + 1)
    pad[:, -1] = float("inf")
    cols_aug = torch.cat([torch.cat([-2 * zt, sq[:, None]], dim=1), pad])
    width = len(cols_aug)
    idx = np.empty((n, k), np.int64)
    dist = np.empty((n, k), np.float32)
    rows, cols = _KNN_BLOCK
    cols = max(_KNN_RUN, cols - cols % _KNN_RUN)  # blocks of whole runs
    buf = torch.empty(rows * cols)
    with torch.inference_mode():
        for a in range(0, n, rows):
            b = min(a + rows, n)
            best_d: torch.Tensor | None = None
            best_i: torch.Tensor | None = None
            for c in range(0, width, cols):
                d = min(c + cols, width)
                out = buf[: (b - a) * (d - c)].view(b - a, d - c)
                torch.mm(rows_aug[a:b], cols_aug[c:d].T, out=out)
                if a < d and c < b:
                    own = torch.arange(max(a, c), min(b, d))
                    out[own - a, own - c] = float("inf")  # a photo is not its own neighbour
                vals, ind = _nearest_k(out, k)
                ind += c
                if best_d is None or best_i is None:
                    best_d, best_i = vals, ind
                else:
                    both_d, both_i = torch.cat([best_d, vals], 1), torch.cat([best_i, ind], 1)
                    best_d, pick = torch.topk(both_d, k, largest=False, sorted=False)
                    best_i = torch.gather(both_i, 1, pick)
            assert best_d is not None and best_i is not None
            idx[a:b] = best_i.numpy()
            dist[a:b] = (best_d + sq[a:b, None]).clamp(min=0).sqrt().numpy()
            progress.check()
        graph = sp.csr_matrix((dist.ravel() + 1e-9, (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
        graph = graph.maximum(graph.T).tocsr()
        return _join_components(graph, zt, sq, progress)


def _join_components(graph: Any, zt: Any, sq: Any, progress: Progress) -> Any:
    """``graph`` made connected: each component linked to its nearest other one, until one.

    The link of a component is the shortest edge from one of its first
    :data:`_LINK_SAMPLES` members to a point of another component. The points are cut into
    cells (a component's points nearest to one of ~sqrt(n) seeds), and other components'
    cells are visited nearest first by a bound (the triangle inequality: no point of a cell
    lies closer to a sample than the cell's centre less its radius); visiting stops when no
    bound is below the shortest edge found. The same edge as a search of every point (26 of
    the 51 s of the graph at 100k photos in 2,000 tight clusters), in a few seconds.
    """
    import scipy.sparse as sp
    import torch

    n = len(zt)
    count, comp = sp.csgraph.connected_components(graph, directed=False)
    if count == 1:
        return graph
    seeds = zt[np.linspace(0, n - 1, min(n, max(16, int(np.sqrt(n))))).astype(np.int64)]
    near_seed = torch.cat([torch.cdist(zt[a : a + 8192], seeds).argmin(dim=1) for a in range(0, n, 8192)])
    _, cell = np.unique(comp.astype(np.int64) * len(seeds) + near_seed.numpy(), return_inverse=True)
    cells = int(cell.max()) + 1
    cell_t = torch.from_numpy(cell)
    sizes = torch.bincount(cell_t, minlength=cells).to(zt.dtype)
    centre = torch.zeros(cells, zt.shape[1]).index_add_(0, cell_t, zt) / sizes[:, None]
    radius = torch.zeros(cells).scatter_reduce_(0, cell_t, (zt - centre[cell_t]).norm(dim=1), "amax")
    by_cell = np.argsort(cell, kind="stable")
    cell_bounds = np.searchsorted(cell[by_cell], np.arange(cells + 1))
    while count > 1:
        by_comp = np.argsort(comp, kind="stable")  # members of each component, in index order
        comp_bounds = np.searchsorted(comp[by_comp], np.arange(count + 1))
        cell_comp = torch.from_numpy(comp[by_cell[cell_bounds[:-1]]])
        links_i, links_j, links_d = [], [], []
        for c in range(count):
            first = comp_bounds[c]
            samples = torch.from_numpy(by_comp[first : min(comp_bounds[c + 1], first + _LINK_SAMPLES)])
            near = (torch.cdist(zt[samples], centre) - radius).min(dim=0).values
            near = near * (1 - 1e-5) - 1e-6  # a float's margin
            near[cell_comp == c] = float("inf")
            visit = torch.argsort(near).numpy()
            near_sorted = near[visit].numpy()
            best, pair, at = float("inf"), (0, 0), 0
            while at < cells and near_sorted[at] < best:
                # The next cells in bound order, up to _LINK_BATCH points at once.
                stop, total = at, 0
                while stop < cells and near_sorted[stop] < best and (total < _LINK_BATCH or stop == at):
                    total += cell_bounds[visit[stop] + 1] - cell_bounds[visit[stop]]
                    stop += 1
                points = torch.from_numpy(
                    np.concatenate([by_cell[cell_bounds[j] : cell_bounds[j + 1]] for j in visit[at:stop]])
                )
                d2 = sq[samples, None] + sq[None, points] - 2 * zt[samples] @ zt[points].T
                flat = int(torch.argmin(d2))
                value = float(d2.view(-1)[flat].clamp(min=0).sqrt())
                if value < best:
                    best = value
                    pair = (int(samples[flat // len(points)]), int(points[flat % len(points)]))
                at = stop
            links_i.append(pair[0])
            links_j.append(pair[1])
            links_d.append(best + 1e-9)
        links = sp.csr_matrix((links_d, (links_i, links_j)), shape=(n, n))
        graph = graph.maximum(links).maximum(links.T).tocsr()
        count, comp = sp.csgraph.connected_components(graph, directed=False)
        progress.check()
    return graph


def cluster_labels(
    x: np.ndarray,
    settings: GroupSettings = GroupSettings(),
    progress: Progress = NULL_PROGRESS,
) -> tuple[np.ndarray, np.ndarray]:
    """Group labels (UNSORTED for none) and per-group coherence for unit vectors ``x``."""
    n = len(x)
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():  # a vector stored before scans refused NaN: it joins no group
        labels = np.full(n, UNSORTED)
        labels[finite], coherence = cluster_labels(x[finite], settings, progress)
        return labels, coherence
    if n < settings.min_group_size:
        return np.full(n, UNSORTED), np.zeros(0)
    progress.start_stage("Grouping photos", 0)
    z = _project(np.asarray(x, dtype=np.float32), settings.dims)
    if n > SPARSE_ABOVE:
        # scikit-learn's port of HDBSCAN on the graph: the hdbscan package builds the mutual
        # reachability of a sparse graph in a Python loop over a lil_matrix (18 s of 20 at 100k
        # photos); scikit-learn's is compiled (1.5 s), and its labels are the same (compared at
        # 4k and 25k with "eom" and "leaf", 100k with "eom"; tests/core/test_grouping.py).
        from sklearn.cluster import HDBSCAN

        graph = _knn_graph(z.astype(np.float32), progress)
        sparse = HDBSCAN(
            min_cluster_size=settings.min_group_size,
            cluster_selection_method=settings.method,
            metric="precomputed",
            copy=False,  # the graph is ours and used once
        )
        raw = sparse.fit_predict(graph)
    else:
        import hdbscan

        clusterer = hdbscan.HDBSCAN(
            min_cluster_size=settings.min_group_size,
            cluster_selection_method=settings.method,
            core_dist_n_jobs=1,
        )
        raw = clusterer.fit_predict(z)
    progress.check()
    background = _mean_pair_similarity(x)
    labels = np.full(n, UNSORTED)
    coherence: list[float] = []
    for c in range(raw.max() + 1):
        members = np.flatnonzero(raw == c)
        # A member of a group lies about sqrt(mean pair similarity) from its centre; an
        # unrelated photo pulled in by the low-dimensional projection lies near 0.
        centre = x[members].sum(axis=0)
        closeness = x[members] @ (centre / np.linalg.norm(centre))
        members = members[closeness >= 0.5 * np.sqrt(max(_mean_pair_similarity(x[members]), 0.0))]
        if len(members) < settings.min_group_size:
            continue
        within = _mean_pair_similarity(x[members])
        if within >= background + settings.min_coherence_margin:
            labels[members] = len(coherence)
            coherence.append(within)
        else:
            log.info(
                "dissolved a group of %d photos (similarity %.2f, library %.2f)",
                len(members),
                within,
                background,
            )
    return labels, np.array(coherence)
