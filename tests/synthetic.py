"""Synthetic embedding sets with known truth, for tests and benchmarks of groups and duplicates.

Clusters are points on the unit sphere around random centres (like photos of one scene or
subject); noise points are uniform on the sphere (unrelated photos, label -1).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def clustered(
    n: int, clusters: int, noise_fraction: float = 0.2, dim: int = 768, spread: float = 0.75, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(vectors float32 (n, dim) unit rows, labels (n,) with -1 for noise).

    ``spread`` is the length of the random offset from the cluster centre before
    normalisation: 0.75 gives members about cos 0.8 to their centre and 0.64 to each other.
    """
    rng = np.random.default_rng(seed)
    n_noise = int(n * noise_fraction)
    n_clustered = n - n_noise
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.concatenate([np.arange(n_clustered) % clusters, np.full(n_noise, -1)])
    rng.shuffle(labels)
    x = np.empty((n, dim), dtype=np.float32)
    for a in range(0, n, 8192):  # in slices, so a 100k set needs no full-size temporaries
        part = rng.standard_normal((min(8192, n - a), dim), dtype=np.float32)
        lab = labels[a : a + len(part)]
        member = lab >= 0
        part[member] *= spread / np.sqrt(dim)
        part[member] += centres[lab[member]]  # noise rows stay plain random directions
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        x[a : a + len(part)] = part
    return x, labels


def album_library(
    n: int, prevalence: float, spread: float, seed: int, near: float = 0.6
) -> tuple[np.ndarray, np.ndarray]:
    """Vectors and whether each is in the album. The album is what a person means by "the
    dog": three looks of it (sub-centres), each with look-alike subjects that are not it
    (distractor clusters at cosine ``near`` to a look); the rest of the library is other
    subjects and unrelated photos. ``spread`` is each photo's offset from its centre (0.75:
    cosine 0.8 to it; 1.5: 0.55)."""
    rng = np.random.default_rng(seed)
    dim = 768

    def unit(v: np.ndarray) -> np.ndarray:
        return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)

    looks = unit(rng.standard_normal((3, dim)))
    distractors = unit(near * looks + np.sqrt(1 - near**2) * unit(rng.standard_normal((3, dim))))
    others = unit(rng.standard_normal((40, dim)))
    centres = np.concatenate([looks, distractors, others])
    n_album = max(6, int(prevalence * n))
    n_near = min(n - n_album, 3 * max(20, n_album))  # as many look-alikes as members
    n_noise = int(0.2 * n)
    n_rest = n - n_album - n_near - n_noise
    parts = [rng.integers(0, 3, n_album), rng.integers(3, 6, n_near), rng.integers(6, 46, n_rest)]
    which = np.concatenate([*parts, np.full(n_noise, -1)])
    x = rng.standard_normal((n, dim)).astype(np.float32) * spread / np.sqrt(dim)
    has_centre = which >= 0
    x[has_centre] += centres[which[has_centre]]
    x[~has_centre] = rng.standard_normal((int((~has_centre).sum()), dim))
    truth = which < 3
    truth &= which >= 0
    order = rng.permutation(n)
    return unit(x)[order], truth[order]


def varied_library(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The benchmarks' varied library of ``n`` photos: (unit vectors, labels, sources of the
    planted near-copies, the copies). Clusters of ~250 photos, 20 % unrelated, 2 % near-copies
    (each labelled as its original)."""
    x, truth = clustered(n, max(2, n // 250), seed=n)
    rng = np.random.default_rng(1)
    k = n // 50
    src, dst = rng.integers(0, n, k), rng.choice(n, k, replace=False)
    x[dst] = x[src] + rng.standard_normal((k, x.shape[1]), dtype=np.float32) * 0.005
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    truth[dst] = truth[src]
    return x, truth, src, dst


def fill_catalog(catalog: Any, model_id: int, x: np.ndarray, seed: int = 1) -> None:
    """One photo per row of ``x`` in ``catalog``: /lib/NNN/IMG_k.jpg (1000 to a folder), with
    fingerprint k as 32 hex digits, its vector and a random perceptual hash."""
    from photoorg.core.catalog import FileRow

    rng = np.random.default_rng(seed)
    n = len(x)
    for a in range(0, n, 5000):
        rows = [
            FileRow(f"/lib/{k // 1000:03d}/IMG_{k:06d}.jpg", 1000 + k, k, f"{k:032x}", 400, 300, "JPEG")
            for k in range(a, min(n, a + 5000))
        ]
        hashes = [(r.fingerprint, int(rng.integers(-(2**62), 2**62))) for r in rows]
        vectors = [(r.fingerprint, x[int(r.fingerprint, 16)]) for r in rows]
        catalog.write_batch(rows, vectors, model_id, hashes)
