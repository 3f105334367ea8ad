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


def _knn_graph(z: np.ndarray, progress: Progress, k: int = KNN) -> Any:
    """Sparse graph of each point's ``k`` nearest neighbours (exact, tiled), made connected.

    HDBSCAN's tree-based search slows down sharply past ~20k points in 32 dimensions; from a
    k-NN graph it builds the minimum spanning tree of the sparse graph instead (its
    ``metric="precomputed"`` path), which gives the same hierarchy wherever the tree's edges
    are among the k nearest neighbours, as they are inside groups. Separate components are
    joined by the shortest edge found from a sample of each component's members.
    """
    import scipy.sparse as sp
    import torch

    n = len(z)
    zt = torch.from_numpy(np.ascontiguousarray(z))
    sq = (zt * zt).sum(dim=1)
    # One product gives |b|^2 - 2 a.b, which ranks the b's for each a like |a - b|^2 does
    # (|a|^2 is added back to the k best only).
    rows_aug = torch.cat([zt, torch.ones(n, 1)], dim=1)
    cols_aug = torch.cat([-2 * zt, sq[:, None]], dim=1)
    idx = np.empty((n, k), np.int64)
    dist = np.empty((n, k), np.float32)
    rows, cols = _KNN_BLOCK
    buf = torch.empty(rows * cols)
    with torch.inference_mode():
        for a in range(0, n, rows):
            b = min(a + rows, n)
            best_d: torch.Tensor | None = None
            best_i: torch.Tensor | None = None
            for c in range(0, n, cols):
                d = min(c + cols, n)
                out = buf[: (b - a) * (d - c)].view(b - a, d - c)
                torch.mm(rows_aug[a:b], cols_aug[c:d].T, out=out)
                if a < d and c < b:
                    own = torch.arange(max(a, c), min(b, d))
                    out[own - a, own - c] = float("inf")  # a photo is not its own neighbour
                vals, ind = torch.topk(out, min(k, d - c), largest=False, sorted=False)
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
        count, comp = sp.csgraph.connected_components(graph, directed=False)
        while count > 1:
            links_i, links_j, links_d = [], [], []
            comp_t = torch.from_numpy(comp)
            for c in range(count):
                members = np.flatnonzero(comp == c)[:32]
                d2 = sq[members, None] + sq[None, :] - 2 * zt[members] @ zt.T
                d2[:, comp_t == c] = float("inf")
                vals, nearest_ = d2.min(dim=1)
                m = int(torch.argmin(vals))
                links_i.append(int(members[m]))
                links_j.append(int(nearest_[m]))
                links_d.append(float(vals[m].clamp(min=0).sqrt()) + 1e-9)
            links = sp.csr_matrix((links_d, (links_i, links_j)), shape=(n, n))
            graph = graph.maximum(links).maximum(links.T).tocsr()
            count, comp = sp.csgraph.connected_components(graph, directed=False)
    return graph


def cluster_labels(
    x: np.ndarray,
    settings: GroupSettings = GroupSettings(),
    progress: Progress = NULL_PROGRESS,
) -> tuple[np.ndarray, np.ndarray]:
    """Group labels (UNSORTED for none) and per-group coherence for unit vectors ``x``."""
    n = len(x)
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
