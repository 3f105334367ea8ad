"""The pixel evidence a "same image" verdict needs beyond the embeddings (duplicates.py): the
tone (colour and detail) of photos catalogued before photoorg kept it, and the aligned
comparison of each candidate pair (pixelcheck.py), read from the files once and kept in the
catalog by content; and the words a set's reason gets from what the comparison found.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from photoorg.core import imaging, pixel_hashes
from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.progress import Progress

log = logging.getLogger(__name__)


def fill_tones(
    catalog: Catalog, rep: dict[str, PhotoInfo], fps: list[str], ii: np.ndarray, jj: np.ndarray
) -> None:
    """Give the photos of "same image" candidates catalogued before photoorg kept the tone
    (colour and detail) one, read from their files once and kept in the catalog."""
    wanted = {fps[k] for k in np.unique(np.concatenate([ii, jj])).tolist() if rep[fps[k]].tone is None}
    found = []
    for fp in sorted(wanted):
        try:
            decoded = imaging.decode(Path(rep[fp].path).read_bytes(), 64, path=rep[fp].path, pixels=True)
            found.append((fp, pixel_hashes.tone(decoded.image)))  # type: ignore[arg-type]
        except Exception:  # unreadable or gone: no pixel evidence, so never "the same image"
            log.info("no tone for %s", rep[fp].path, exc_info=True)
    if found:
        try:
            catalog.set_tones(found)
        except sqlite3.Error:  # kept for next time; this search uses them all the same
            log.info("could not keep the tones", exc_info=True)
        for fp, tone in found:
            rep[fp] = replace(rep[fp], tone=tone)


def local_changes(
    catalog: Catalog, photos: list[PhotoInfo], ii: np.ndarray, jj: np.ndarray, progress: Progress
) -> np.ndarray:
    """The aligned pixel comparison (pixelcheck.local_change) of each pair of rows: kept in
    the catalog by content, so each pair is decoded and compared once. A photo that cannot be
    read gives 1.0 (never "the same image") and is tried again next time."""
    from photoorg.core import pixelcheck

    keys = [
        (a, b) if a < b else (b, a)
        for a, b in zip(
            (photos[i].fingerprint for i in ii.tolist()),
            (photos[j].fingerprint for j in jj.tolist()),
            strict=True,
        )
    ]
    known = catalog.pixel_checks(set(keys), pixelcheck.VERSION)
    todo = sorted({k for k in keys if k not in known})
    if todo:
        by_fp = {p.fingerprint: p for p in photos}
        uses: dict[str, int] = defaultdict(int)
        for a, b in todo:
            uses[a] += 1
            uses[b] += 1
        pictures: dict[str, tuple[object, tuple[int, int]] | None] = {}

        def picture(fp: str) -> tuple[object, tuple[int, int]] | None:
            if fp not in pictures:
                p = by_fp[fp]
                try:
                    short = pixelcheck.decode_size(p.width or pixelcheck.GRID, p.height or pixelcheck.GRID)
                    d = imaging.decode(Path(p.path).read_bytes(), short, path=p.path)
                    pictures[fp] = (d.image, (d.width, d.height))
                except Exception:  # unreadable or gone: no pixel evidence
                    log.info("could not compare the pixels of %s", p.path, exc_info=True)
                    pictures[fp] = None
            return pictures[fp]

        progress.start_stage("Comparing the pixels of photos that look the same", len(todo))
        measured: list[tuple[str, str, float]] = []
        for a, b in todo:
            pa, pb = picture(a), picture(b)
            if pa is not None and pb is not None:
                change = pixelcheck.local_change(pa[0], pa[1], pb[0], pb[1])  # type: ignore[arg-type]
                measured.append((a, b, change))
                known[(a, b)] = change
            for fp in (a, b):
                uses[fp] -= 1
                if not uses[fp]:
                    pictures.pop(fp, None)  # keeps only the pictures still to be compared
            progress.advance(1, check=False)
        try:
            catalog.keep_pixel_checks(measured, pixelcheck.VERSION)
        except sqlite3.Error:  # a cache: measured again next time
            log.info("could not keep the pixel checks", exc_info=True)
    return np.array([known.get(k, 1.0) for k in keys], dtype=np.float64)


def pixel_note(same: bool, group: list[int], measured: dict[tuple[int, int], float], limit: float) -> str:
    """What the aligned pixel check found in a set, for its reason (so a person can judge the
    limit): how close a same image's pictures are; or, for similar shots that looked like
    copies, how much they differ in places."""
    found = [measured[(a, b)] for a in group for b in group if a < b and (a, b) in measured]
    if same and found:
        return f"; aligned, the pictures differ by at most {max(found):.1%} in any area"
    if not same and any(c > limit for c in found):
        return f"; not copies: aligned, the pictures differ by up to {max(found):.1%} in places"
    return ""
