from __future__ import annotations

import numpy as np
import pytest

from photoorg.core import similarity
from tests.synthetic import clustered


def brute_force(x: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    sims = x @ x.T
    i, j = np.nonzero(np.triu(sims >= threshold, k=1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize("int8", [True, False], ids=["int8 test first", "fp32 tiles only"])
@pytest.mark.parametrize("threshold", [0.93, 0.98])
def test_pairs_above_has_exact_recall(monkeypatch, int8: bool, threshold: float) -> None:
    x, _ = clustered(3000, 30, seed=4)
    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, 3000, 120), rng.choice(3000, 120, replace=False)
    x[dst] = x[src] + rng.standard_normal((120, x.shape[1]), dtype=np.float32) * 0.006
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    monkeypatch.setattr(similarity, "TILE", 700)  # several tiles, ragged last one
    if not int8:
        import torch

        monkeypatch.delattr(torch, "_int_mm")
    i, j, s = similarity.pairs_above(x, threshold)
    expected = brute_force(x, threshold)
    assert len(expected) > 50
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == expected
    assert np.allclose(s, np.einsum("ij,ij->i", x[i], x[j]), atol=1e-5)


def test_nearest_orders_by_similarity_and_skips_the_query() -> None:
    x, _ = clustered(500, 5, seed=2)
    idx, sims = similarity.nearest(x, x[7], 10, exclude=7)
    assert 7 not in idx.tolist() and len(idx) == 10
    assert np.all(np.diff(sims) <= 0)
    assert sims[0] == pytest.approx(float(np.delete(x @ x[7], 7).max()), abs=1e-6)


@pytest.mark.parametrize("int8", [True, False], ids=["int8 test first", "fp32 tiles only"])
def test_pairs_above_with_a_cap_keeps_each_rows_best_partners(monkeypatch, int8: bool) -> None:
    """Half the rows are all alike (every pair above the threshold: N^2 pairs uncapped), the
    others have a few partners each: the alike ones keep their k best, the others all."""
    rng = np.random.default_rng(3)
    x, _ = clustered(1200, 40, seed=5)
    centre = rng.standard_normal(x.shape[1]).astype(np.float32)
    x[:600] = centre + rng.standard_normal((600, x.shape[1]), dtype=np.float32) * 0.1
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    monkeypatch.setattr(similarity, "TILE", 500)  # dense tiles, sparse tiles, a ragged last one
    if not int8:
        import torch

        monkeypatch.delattr(torch, "_int_mm")
    k, threshold = 8, 0.93
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    best = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    expected = {
        (min(i, j), max(i, j)) for i in range(len(x)) for j in best[i].tolist() if sims[i, j] >= threshold
    }
    i, j, s = similarity.pairs_above(x, threshold, max_per_row=k)
    got = set(zip(i.tolist(), j.tolist(), strict=True))
    assert len(got) == len(i)  # each pair once
    # The alike rows' partners are 1e-7 apart: which of two equally similar ones is k-th may
    # differ from numpy's float rounding, nothing more.
    kth = -np.sort(-sims, axis=1)[:, k - 1]
    for a, b in got ^ expected:
        assert min(abs(sims[a, b] - kth[a]), abs(sims[a, b] - kth[b])) < 1e-6
    assert len(got ^ expected) < len(expected) // 20
    assert len(expected) < 600 * k and len(brute_force(x, threshold)) >= 600 * 599 // 2
    assert np.allclose(s, np.einsum("ij,ij->i", x[i], x[j]), atol=1e-5)
    # The rows with few partners lose none of them.
    few = brute_force(x[600:], threshold)
    assert {(a + 600, b + 600) for a, b in few} <= got
