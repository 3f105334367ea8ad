"""Synthetic embedding sets with known truth, for tests and benchmarks of groups and duplicates.

Clusters are points on the unit sphere around random centres (like photos of one scene or
subject); noise points are uniform on the sphere (unrelated photos, label -1).
"""

from __future__ import annotations

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
