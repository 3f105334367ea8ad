from __future__ import annotations

import itertools

import numpy as np
import pytest

from photoorg.core import linkage


def one_join_at_a_time(edges: dict[tuple[int, int], float]) -> list[list[int]]:
    """Complete linkage by its definition: join the two sets whose least similar pair is the
    most similar, among sets whose every pair matches (ties: the lower names, a set named by its
    lowest photo unless the other is larger), until no two sets fully match."""
    sets = {v: [v] for e in edges for v in e}
    while True:
        best = None
        for u, v in itertools.combinations(sorted(sets), 2):
            pairs = [(min(p, q), max(p, q)) for p in sets[u] for q in sets[v]]
            if all(p in edges for p in pairs):
                key = (-min(edges[p] for p in pairs), u, v)
                best = key if best is None or key < best else best
        if best is None:
            return sorted(sorted(s) for s in sets.values() if len(s) > 1)
        _, u, v = best
        if len(sets[u]) < len(sets[v]):
            u, v = v, u
        sets[u] += sets.pop(v)


def random_graph(rng: np.random.Generator, levels: int) -> dict[tuple[int, int], float]:
    """A graph of photos with a few partners each, similarities on ``levels`` steps (few steps:
    many exact ties, as identical pictures give)."""
    n = int(rng.integers(6, 40))
    a, b = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
    return {
        (int(min(p, q)), int(max(p, q))): 0.93 + int(rng.integers(0, levels)) / levels * 0.07
        for p, q in zip(a, b, strict=True)
        if p != q
    }


@pytest.mark.parametrize("levels", [2, 5, 10**6], ids=["mostly ties", "some ties", "no ties"])
def test_linkage_on_pairs_joins_as_one_join_at_a_time(levels: int) -> None:
    rng = np.random.default_rng(levels)
    for _ in range(40):
        edges = random_graph(rng, levels)
        pairs = np.array(list(edges))
        got = linkage.sparse_complete_linkage(pairs[:, 0], pairs[:, 1], np.array(list(edges.values())))
        assert sorted(sorted(s) for s in got) == one_join_at_a_time(edges)
        for s in got:  # never chains
            assert all(p in edges for p in itertools.combinations(sorted(s), 2))


def test_large_groups_get_the_sets_small_ones_get(monkeypatch) -> None:
    """Above DENSE_LIMIT photos a group is split on its pairs alone; the sets are those of
    scipy's complete linkage on the whole matrix (similarities without ties)."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((600, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sims = x @ x.T
    a, b = np.nonzero(np.triu(sims >= 0.7, k=1))
    edges = dict(zip(zip(a.tolist(), b.tolist(), strict=True), sims[a, b].tolist(), strict=True))
    assert len(edges) > 5000
    dense = linkage.chain_free_sets(edges)
    monkeypatch.setattr(linkage, "DENSE_LIMIT", 10)
    sparse = linkage.chain_free_sets(edges)
    assert max(len(s) for s in dense) > 3
    assert sorted(dense) == sorted(sparse)
