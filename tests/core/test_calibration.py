"""Judging the thresholds: each photo's nearest neighbour is found exactly (blocks of one
matrix product), large libraries are sampled, and the command line shows and saves them."""

from __future__ import annotations

import json

import numpy as np

from photoorg.core.calibration import calibrate, nearest_neighbours
from photoorg.core.paths import locations
from photoorg.core.settings import load_settings
from tests.cli import photoorg


def unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_nearest_neighbour_of_every_photo_is_the_one_a_full_search_finds() -> None:
    x = unit_rows(700)
    x[5] = x[9] * 0.999 + 0.001 * x[3]  # a near copy
    x[5] /= np.linalg.norm(x[5])
    queries = np.arange(700)
    nearest, best = nearest_neighbours(x, queries, block=64)  # several blocks
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    assert (nearest == full.argmax(axis=1)).all()
    assert np.allclose(best, full.max(axis=1), atol=1e-5)
    assert nearest[5] == 9 and best[5] > 0.99


def test_a_large_library_is_sampled_and_pairs_are_shown_once_each() -> None:
    x = unit_rows(300)
    fps = [f"f{k}" for k in range(300)]
    paths = {fp: f"/p/{fp}.jpg" for fp in fps}
    found = calibrate(fps, x, paths, 0.98, 0.93, sample=100)
    assert found.sampled and len(found.queries) == 100 and len(set(found.queries.tolist())) == 100
    counts, edges = found.histogram(bins=20)
    assert counts.sum() == 100 and edges[-1] == 1.0
    pairs = found.pairs_near(0.5, k=10)
    assert len({frozenset((p.a, p.b)) for p in pairs}) == len(pairs) == 10
    # The closest to the value asked for, shown the most similar first (a scale to read down).
    assert max(abs(p.similarity - 0.5) for p in pairs) <= min(
        abs(s - 0.5) for s in found.similarity if not any(abs(s - p.similarity) < 1e-9 for p in pairs)
    )
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)
    assert found.above(-1.0) == 100 and found.between(0.93, 0.98) == found.above(0.93) - found.above(0.98)


def test_pairs_far_from_the_similarity_asked_for_are_not_said_to_be_at_it() -> None:
    """A review: "Pairs at about 0.930" above pairs at 0.973 to 0.989, none near 0.930."""
    x = unit_rows(60, dim=64)  # random directions: nearest neighbours far below 0.9
    fps = [f"f{k}" for k in range(60)]
    found = calibrate(fps, x, {fp: f"/p/{fp}.jpg" for fp in fps}, 0.98, 0.93)
    top = float(found.similarity.max())
    pairs = found.pairs_near(0.93)
    heading = "No pair at about 0.930; the closest to it, the most similar first"  # (two reviews)
    assert top < 0.9 and found.pairs_heading(0.93, pairs) == heading
    near = found.pairs_near(top)
    assert found.pairs_heading(top, near) == f"Pairs at about {top:.3f}"


def test_the_thresholds_command_shows_the_histogram_and_saves_new_values(tmp_path, tiny_model) -> None:
    from tests.conftest import make_photo

    lib = tmp_path / "Pictures"
    for i in range(8):
        make_photo(lib / f"p{i}.jpg", seed=i, size=(64, 48))
    assert photoorg("scan", lib, "--model", tiny_model, "--device", "cpu").returncode == 0
    shown = photoorg("thresholds", "--model", tiny_model, "--device", "cpu", "--json", "--at", "0.9")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["photos"] == 8 and sum(b["photos"] for b in data["histogram"]) == 8
    assert (data["same_threshold"], data["similar_threshold"]) == (0.98, 0.93)
    assert len(data["pairs"]["0.9"]) == 4
    saved = photoorg("thresholds", "--model", tiny_model, "--set-same", "0.97", "--set-similar", "0.9")
    assert saved.returncode == 0 and "Saved: same image from 0.970, similar shots from 0.900" in saved.stdout
    assert "same image from 0.970" in saved.stdout  # the histogram marks the new values
    s = load_settings(locations())
    assert (s.same_threshold, s.similar_threshold) == (0.97, 0.9)
    wrong = photoorg("thresholds", "--set-same", "0.8", "--set-similar", "0.9")
    assert wrong.returncode == 2 and "similar <= same" in wrong.stderr
    # A value asked about below every neighbour's: the histogram reaches it, and marks it (a
    # review: 'thresholds --at 0.5' drew 0.90-1.00 only)
    low = photoorg("thresholds", "--at", "0.5")
    assert low.returncode == 0, low.stderr
    assert "  0.500-" in low.stdout and "<- --at 0.500" in low.stdout
    assert json.loads(photoorg("thresholds", "--at", "0.5", "--json").stdout)["histogram"][0]["from"] == 0.5
    negative = photoorg("thresholds", "--at", "-0.2").stdout  # read as spans, not "-0.200--0.152"
    assert "  -0.200 to -0.152 " in negative and "--0." not in negative
