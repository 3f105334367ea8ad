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
