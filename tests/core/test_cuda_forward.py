"""The model's forward on a CUDA GPU (photoorg.core.cuda_forward): full batches replayed from a
CUDA graph give the eager forward's vectors, photo for photo, also when batches follow each
other and when a batch of another size comes between.

CUDA graphs need an NVIDIA GPU: without one these tests are skipped. They ran on an H200
(tests/bench/gpu_graph_ab.sh: largest difference 0 with dinov2-base, results in
tests/bench/results/h200_graph_ab.txt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from photoorg.core.embedder import Embedder

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need an NVIDIA GPU")


def test_graph_replays_give_the_eager_vectors(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crops = np.random.default_rng(3).integers(0, 256, (24, 224, 224, 3), dtype=np.uint8)
    graph = Embedder(str(tiny_model), device="cuda", dtype="fp32", batch_size=8).load()
    replayed = [graph.embed(crops[i : i + 8]) for i in range(0, 24, 8)]
    between = graph.embed(crops[:5])  # another size: eager, beside the graph
    again = graph.embed(crops[8:16])
    monkeypatch.setenv("PHOTOORG_CUDA_GRAPH", "0")
    eager = Embedder(str(tiny_model), device="cuda", dtype="fp32", batch_size=8).load()
    assert graph._forward.graphs and not eager._forward.graphs
    want = eager.embed(crops[:8]), eager.embed(crops[8:16]), eager.embed(crops[16:])
    for got, expected in zip(replayed, want, strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(again, want[1], atol=1e-5)
    np.testing.assert_allclose(between, eager.embed(crops[:5]), atol=1e-5)
    assert all(graph._forward._graphs.values())  # the graph was made and replayed


def test_a_replay_s_answer_is_its_own_and_stays(tiny_model: Path) -> None:
    """Found by a review: in fp32, the answer was the graph's output itself, which the next
    replay overwrites."""
    graph = Embedder(str(tiny_model), device="cuda", dtype="fp32", batch_size=8).load()
    forward = graph._forward
    generator = torch.Generator(device="cuda").manual_seed(5)
    with torch.inference_mode(), torch.cuda.stream(forward.stream):
        first, second = (torch.randn(8, 3, 224, 224, device="cuda", generator=generator) for _ in range(2))
        answer = forward(first, 8)
        kept = answer.clone()
        forward(second, 8)
        assert torch.equal(answer, kept)
