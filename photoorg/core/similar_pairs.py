"""The pairs of photos a duplicate search judges: each photo's most similar partners above the
lower threshold, kept in the catalog with what they were found from, brought up to date when
photos came or went (neighbours.updated_pairs), searched afresh otherwise."""

from __future__ import annotations

import hashlib
import logging
import sqlite3

import numpy as np

from photoorg.core.catalog import Catalog
from photoorg.core.neighbours import partner_pairs, updated_pairs
from photoorg.core.progress import Progress

log = logging.getLogger(__name__)

#: Each photo is compared in full with at most this many of its most similar photos: when most
#: of a library is alike (plain skies, scanned pages) every pair is above the threshold, and N^2
#: pairs would make the search quadratic. A set can still hold more photos than this when they
#: are among each other's closest; a burst of more than about this many shots is split.
MAX_PARTNERS = 32


#: Changes when the search finds other pairs from the same vectors (its cache is dropped then).
PAIRS_VERSION = 3


def similar_pairs(
    catalog: Catalog, model_id: int, fps: list[str], x: np.ndarray, floor: float, progress: Progress
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs above ``floor`` among the vectors ``x`` (of ``fps``): from the last search when
    nothing it depends on changed (the same contents, model and floor); brought up to date
    when photos came or went since (neighbours.updated_pairs); else searched. Kept for the
    next time."""
    made = f"{PAIRS_VERSION}|{model_id}|{floor!r}|{MAX_PARTNERS}"
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{made}|".encode())
    for fp in fps:
        h.update(fp.encode())
    signature = h.hexdigest()
    found = catalog.similar_pairs(signature)
    if found is not None:
        return found
    pairs = None
    last = catalog.last_similar_pairs(made)
    if last is not None:
        row = {fp: k for k, fp in enumerate(fps)}
        old_to_new = np.array([row.get(fp, -1) for fp in last[0]], dtype=np.int64)
        pairs = updated_pairs(old_to_new, last[1], x, floor, MAX_PARTNERS, progress=progress)
    ii, jj, sims = pairs if pairs is not None else partner_pairs(x, floor, MAX_PARTNERS, progress)
    try:
        catalog.keep_similar_pairs(signature, ii, jj, sims, made, fps)
    except sqlite3.Error:  # a cache: another process writing, a full disk; search again next time
        log.info("could not keep the similar pairs", exc_info=True)
    return ii, jj, sims
