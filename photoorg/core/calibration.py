"""Tools to judge the duplicate thresholds on this library's own photos.

The two thresholds ("same image" from 0.98, "similar shots" from 0.93 cosine similarity) are
starting points from published practice, not values tuned on these photos: a model, a camera
and a library each shift them. What a person needs to judge them is how similar each photo is
to its nearest neighbour in the library (a histogram: most photos sit far from any other; copies,
re-saves and bursts make a hump near 1) and examples of pairs at any similarity, to see where
"the same picture" stops and "another picture" begins.

Each photo of a sample (every photo up to :data:`SAMPLE`) is compared with every photo of the
library in blocks of one matrix product, so a 100k-photo library costs a few seconds, not the
minute a full all-pairs search would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE = 5000
BLOCK = 1024


#: The farthest a pair's similarity may be from the one asked for and be said "at about" it.
NEAR = 0.005


@dataclass(frozen=True)
class Pair:
    """Two photos and how similar the model finds them."""

    a: str  # paths
    b: str
    similarity: float
    fingerprint_a: str
    fingerprint_b: str


@dataclass
class Calibration:
    """Each sampled photo's nearest neighbour and how similar they are."""

    fingerprints: list[str]  # every photo (content) of the library, as ``x`` has them
    queries: np.ndarray  # indices of the sampled photos
    nearest: np.ndarray  # their nearest other photo's index
    similarity: np.ndarray  # cosine similarity to it
    same: float
    similar: float
    paths: dict[str, str]  # a path of each content, to show it

    @property
    def sampled(self) -> bool:
        return len(self.queries) < len(self.fingerprints)

    def histogram(self, bins: int = 50, low: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Counts of nearest-neighbour similarities in ``bins`` equal steps from ``low`` (the
        lowest found, rounded down to a tenth) to 1."""
        if low is None:
            low = float(np.floor(self.similarity.min() * 10) / 10) if len(self.similarity) else 0.0
        return np.histogram(np.clip(self.similarity, low, 1.0), bins=bins, range=(low, 1.0))

    def above(self, threshold: float) -> int:
        """How many sampled photos have a neighbour at ``threshold`` or above."""
        return int((self.similarity >= threshold).sum())

    def pairs_near(self, value: float, k: int = 4) -> list[Pair]:
        """The ``k`` pairs whose similarity is closest to ``value``, each pair once, the most
        similar first (a review: in order of closeness, 0.985, 0.988, 0.970, 0.993 read unordered)."""
        order = np.argsort(np.abs(self.similarity - value), kind="stable")
        seen: set[tuple[int, int]] = set()
        out = []
        for i in order:
            a, b = int(self.queries[i]), int(self.nearest[i])
            key = (min(a, b), max(a, b))
            if key in seen:
                continue
            seen.add(key)
            fa, fb = self.fingerprints[a], self.fingerprints[b]
            out.append(Pair(self.paths[fa], self.paths[fb], float(self.similarity[i]), fa, fb))
            if len(out) == k:
                break
        return sorted(out, key=lambda p: -p.similarity)

    def pairs_heading(self, value: float, pairs: list[Pair]) -> str:
        """What :meth:`pairs_near` found, in words: "Pairs at about 0.930", or that none is that
        near (a review: "Pairs at about 0.930" above pairs at 0.973 to 0.989)."""
        if not pairs:
            return f"No pairs near {value:.3f}"
        gap = min(abs(p.similarity - value) for p in pairs)
        if gap <= NEAR:
            return f"Pairs at about {value:.3f}"
        return f"No pair at about {value:.3f}; the closest to it, the most similar first"

    def between(self, low: float, high: float) -> int:
        """Sampled photos whose nearest neighbour is in [low, high): what moving a threshold
        from ``high`` down to ``low`` brings in (or the other way, takes out)."""
        low, high = min(low, high), max(low, high)
        return int(((self.similarity >= low) & (self.similarity < high)).sum())


def nearest_neighbours(
    x: np.ndarray, queries: np.ndarray, block: int = BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """For each row ``queries`` of ``x`` (L2-normalised rows), the index of its most similar
    other row and the cosine similarity (-1 where there is no other row)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    nearest = np.full(len(queries), -1, dtype=np.int64)
    best = np.full(len(queries), -1.0, dtype=np.float32)
    for start in range(0, len(queries), block):
        rows = queries[start : start + block]
        sims = x[rows] @ x.T
        sims[np.arange(len(rows)), rows] = -np.inf  # not itself
        if x.shape[0] > 1:
            idx = sims.argmax(axis=1)
            nearest[start : start + len(rows)] = idx
            best[start : start + len(rows)] = sims[np.arange(len(rows)), idx]
    return nearest, best


def calibrate(
    fingerprints: list[str],
    x: np.ndarray,
    paths: dict[str, str],
    same: float,
    similar: float,
    sample: int = SAMPLE,
    seed: int = 0,
) -> Calibration:
    """Nearest neighbours of a sample of the photos (all of them up to ``sample``)."""
    n = len(fingerprints)
    if n > sample:
        queries = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    else:
        queries = np.arange(n)
    nearest, similarity = nearest_neighbours(x, queries)
    keep = nearest >= 0
    return Calibration(
        list(fingerprints), queries[keep], nearest[keep], similarity[keep], same, similar, paths
    )
