"""Sets in which every pair matches, from the matching pairs alone (complete linkage).

Within each connected group of matching pairs, the two sets whose least similar pair is the most
similar are joined first, and only sets whose every pair matches are ever joined: A~B and B~C
never join A and C unless A~C. Small groups go through scipy's linkage on a dense matrix; large
ones (a library of plain skies, where most photos are alike) through the same linkage on their
pairs, in whole-array rounds, so the work grows with the pairs rather than the photos squared.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

import numpy as np

#: Components up to this size are split by scipy's complete linkage on a dense matrix of the
#: component; larger ones by the same linkage on their matching pairs only.
DENSE_LIMIT = 2000


def chain_free_sets(edges: dict[tuple[int, int], float]) -> list[list[int]]:
    """Split the graph of matching pairs into sets in which every pair matches.

    ``edges`` maps (a, b) with a < b to the pair's similarity; pairs not in it do not match.
    Complete linkage, cut where a set would take in a pair that does not match.
    """
    if not edges:
        return []
    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    sims = np.fromiter(edges.values(), dtype=np.float64, count=len(edges))
    return chain_free_sets_of(pairs[:, 0], pairs[:, 1], sims)


def chain_free_sets_of(a: np.ndarray, b: np.ndarray, sims: np.ndarray) -> list[list[int]]:
    """:func:`chain_free_sets` of the distinct pairs (a[k], b[k]), a[k] < b[k], with similarity
    sims[k]."""
    if not len(a):
        return []
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    sims = np.asarray(sims, dtype=np.float64)
    n = int(max(a.max(), b.max())) + 1
    result: list[list[int]] = []
    for part in _components(n, a, b):
        if len(part) == 1:
            result.append(sorted((int(a[part[0]]), int(b[part[0]]))))
            continue
        ea, eb, es = a[part], b[part], sims[part]
        comp = np.unique(np.concatenate([ea, eb]))
        if len(comp) > DENSE_LIMIT:
            result.extend(sparse_complete_linkage(ea, eb, es))
            continue
        ia, ib = np.searchsorted(comp, ea), np.searchsorted(comp, eb)
        dist = np.full((len(comp), len(comp)), 2.0)
        np.fill_diagonal(dist, 0.0)
        # Rounding makes the cosine of two identical pictures a hair above 1 (float32): no
        # negative distance, which the linkage refuses.
        dist[ia, ib] = dist[ib, ia] = np.clip(1.0 - es, 0.0, 1.0)
        labels = fcluster(linkage(squareform(dist, checks=False), "complete"), t=1.0, criterion="distance")
        clusters: dict[int, list[int]] = defaultdict(list)
        for node, label in zip(comp.tolist(), labels, strict=True):
            clusters[int(label)].append(node)
        result.extend(sorted(c) for c in clusters.values() if len(c) > 1)
    return result


def _components(nodes: int, a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """The connected groups of the graph with edges (a[k], b[k]): for each, its edges' indices."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(nodes, nodes))
    _, label = connected_components(graph, directed=False)
    edge_label = label[a]
    order = np.argsort(edge_label, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_label[order])) + 1
    return np.split(order, bounds)


def sparse_complete_linkage(a: np.ndarray, b: np.ndarray, sims: np.ndarray) -> list[list[int]]:
    """Complete linkage of a large component from its matching pairs (a[k] < b[k]) alone.

    The result is that of :func:`_greedy_joins` from the start (join the best fully matching pair of sets,
    ties to the lower ids, until none is left), reached in whole-array rounds: two sets that
    are each other's strictly best partner are joined by the greedy order too, before either
    joins anything else (joining others only lowers a set's least similar pair), so all such
    pairs can be joined at once. A pair of sets with a missing pair between them never matches
    again, so its rows are dropped, and the work shrinks round by round. Exact ties of
    similarity, where the greedy order falls back on ids, are left to the greedy joins.
    """
    n = int(max(a.max(), b.max())) + 1
    present = np.zeros(n, dtype=bool)
    present[a] = present[b] = True
    nodes = np.flatnonzero(present)  # np.unique sorted them: a quarter of a second a million pairs
    size = np.ones(n, dtype=np.int64)
    into = np.arange(n)  # each photo's set, named by one of its photos
    x, y = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    count, least = np.ones(len(x), dtype=np.int64), np.asarray(sims, dtype=np.float64)
    partner = np.full(n, -1, dtype=np.int64)
    best = np.empty(n, dtype=np.float64)
    while len(x):
        full = count == size[x] * size[y]
        x, y, count, least = x[full], y[full], count[full], least[full]
        if not len(x):
            break
        # Each set's best partner, where it is strictly better than its second best (no sort:
        # the first round's sort of every row took 2 of 4.5 s on 1.7 million pairs).
        ends, others = np.concatenate([x, y]), np.concatenate([y, x])
        values = np.concatenate([least, least])
        best[:] = -np.inf
        np.maximum.at(best, ends, values)
        top = values == best[ends]
        strict = np.bincount(ends[top], minlength=n) == 1
        top &= strict[ends]
        partner[:] = -1
        partner[ends[top]] = others[top]
        p = ends[top]
        q = partner[p]
        mutual = (partner[q] == p) & (p < q)
        p, q = p[mutual], q[mutual]
        if not len(p):
            into = _greedy_joins(into, size, x, y, count, least)
            break
        # The greedy linkage keeps the lower id unless the other set is larger.
        keep = np.where(size[p] < size[q], q, p)
        gone = np.where(size[p] < size[q], p, q)
        size[keep] += size[gone]
        rename = np.arange(n)
        rename[gone] = keep
        into = rename[into]
        x, y = rename[x], rename[y]
        apart = x != y
        x, y, count, least = x[apart], y[apart], count[apart], least[apart]
        if not len(x):
            break
        x, y = np.minimum(x, y), np.maximum(x, y)
        # Rows of two sets that now meet more than once: one row, pairs summed, least the least.
        key = x * n + y
        order = np.argsort(key, kind="stable")
        key, count, least = key[order], count[order], least[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        key = key[starts]
        count = np.add.reduceat(count, starts)
        least = np.minimum.reduceat(least, starts)
        x, y = key // n, key % n
    return _sets_of(into, nodes)


def _sets_of(into: np.ndarray, nodes: np.ndarray) -> list[list[int]]:
    label = into[nodes]
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    return [g.tolist() for g in np.split(nodes[order], bounds) if len(g) > 1]


def _greedy_joins(
    into: np.ndarray, size: np.ndarray, x: np.ndarray, y: np.ndarray, count: np.ndarray, least: np.ndarray
) -> np.ndarray:
    """Finish :func:`sparse_complete_linkage` one join at a time from its sets (``into``: each
    photo's set, ``size``) and their fully matching rows: the best pair of sets first, ties to
    the lower ids, by a heap. Returns each photo's set."""
    sizes = {int(s): int(size[s]) for s in np.unique(np.concatenate([x, y]))}
    links: dict[int, dict[int, list]] = defaultdict(dict)  # set -> other set -> [pairs, least sim]
    for u, v, c, s in zip(x.tolist(), y.tolist(), count.tolist(), least.tolist(), strict=True):
        links[u][v] = links[v][u] = [c, s]
    heap = [(-s, u, v) for u, v, s in zip(x.tolist(), y.tolist(), least.tolist(), strict=True)]
    heapq.heapify(heap)
    joined: dict[int, int] = {}
    while heap:
        neg, u, v = heapq.heappop(heap)
        link = links[u].get(v) if u in sizes and v in sizes else None
        if link is None or link[1] != -neg or link[0] != sizes[u] * sizes[v]:
            continue  # stale: one side grew, or not every pair between them matches
        if sizes[u] < sizes[v]:
            u, v = v, u
        sizes[u] += sizes.pop(v)
        joined[v] = u
        del links[u][v]
        for z, (c, s) in links.pop(v).items():
            if z == u:
                continue
            del links[z][v]
            mine = links[u].get(z)
            links[u][z] = links[z][u] = [c, s] if mine is None else [mine[0] + c, min(mine[1], s)]
        for z, (c, s) in links[u].items():
            if c == sizes[u] * sizes[z]:
                heapq.heappush(heap, (-s, min(u, z), max(u, z)))
    rename = np.arange(len(into))
    for v in joined:
        u = v
        while u in joined:
            u = joined[u]
        rename[v] = u
    return rename[into]
