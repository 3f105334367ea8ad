"""Duplicate sets with three verdicts that are never mixed.

1. **Exact**: identical file content (same fingerprint), whatever the name or folder.
2. **Same image**: different files of the same picture (re-encoded, resized, re-saved, rotated
   by EXIF, lightly cropped): embeddings nearly identical (``same_threshold``) *and* a pixel
   check on the upright picture (perceptual hashes within ``same_max_hash_bits``, aspect
   ratios within ``same_max_aspect_change``), so that look-alikes (two shots of a
   chessboard) are not called the same image.
3. **Similar**: burst shots and near-identical scenes (``similar_threshold``); when both
   photos have an EXIF date taken further apart than ``similar_window_s``, the bar rises to
   ``similar_outside_window``.

Sets never chain: within each connected group of matching pairs, complete linkage keeps only
sets in which every pair matches (A~B and B~C never join A and C unless A~C). Each set reports
its weakest pair. Pairs a person marked "not duplicates" or "keep both" are left out, by
content, so the decision survives renames, moves and rescans.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.humanize import iso_timestamp
from photoorg.core.imaging import hash_distance
from photoorg.core.keeper import KeeperPolicy, choose_keeper
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.similarity import pairs_above

log = logging.getLogger(__name__)

NOT_DUPLICATES = "not_duplicates"
KEEP_BOTH = "keep_both"
DECISIONS = (NOT_DUPLICATES, KEEP_BOTH)
#: Components larger than this are split around stars instead of by complete linkage
#: (which needs a dense matrix of the component).
_DENSE_LIMIT = 2000


class Verdict(StrEnum):
    EXACT = "exact"
    SAME = "same"
    SIMILAR = "similar"


@dataclass(frozen=True)
class DuplicateSettings:
    """Thresholds; every one is a setting. Defaults follow published practice for DINOv2
    copy detection and the issue's starting points; they cannot be tuned on random weights."""

    same_threshold: float = 0.98
    similar_threshold: float = 0.93
    same_max_hash_bits: int = 12
    same_max_aspect_change: float = 0.1  # a light crop changes the aspect ratio a little
    similar_window_s: float = 600.0
    similar_outside_window: float = 0.96

    def __post_init__(self) -> None:
        if not -1.0 <= self.similar_threshold <= self.same_threshold <= 1.0:
            raise ValueError("thresholds must satisfy -1 <= similar <= same <= 1")


@dataclass
class DuplicateSet:
    """Photos that are duplicates of each other under one verdict, keeper first."""

    id: str
    verdict: Verdict
    photos: list[PhotoInfo]
    reason: str
    weakest: float
    protected: list[str] = field(default_factory=list)

    @property
    def keeper(self) -> PhotoInfo:
        return self.photos[0]

    def starts_kept(self) -> dict[str, bool]:
        """Which photos a review starts with checked (kept), by path. Copies and re-saves: the
        keeper only. Similar shots are different photos, so every one starts kept and the
        person unchecks what should go. Protected photos are always kept."""
        similar = self.verdict is Verdict.SIMILAR
        protected = set(self.protected)
        return {p.path: similar or k == 0 or p.path in protected for k, p in enumerate(self.photos)}

    @property
    def reclaimable_bytes(self) -> int:
        """What removing the photos that start unchecked frees: nothing for similar shots,
        which are different photos (the person chooses)."""
        kept = self.starts_kept()
        return sum(p.size for p in self.photos if not kept[p.path])


def _one_name_per_file(copies: list[PhotoInfo]) -> list[PhotoInfo]:
    """Copies that are other names of one file (a link to it, the file through a linked
    folder, catalogued by a scan of that folder) are one photo, by its real name: trashing
    "the other copy" would trash the photo itself."""
    by_file: dict[object, PhotoInfo] = {}
    for p in sorted(copies, key=lambda p: (os.path.realpath(p.path) != p.path, p.path)):
        try:
            st = os.stat(p.path)
            key: object = (st.st_dev, st.st_ino)
        except OSError:
            key = p.path
        by_file.setdefault(key, p)
    return list(by_file.values())


def _set_id(verdict: Verdict, fingerprints: Iterable[str]) -> str:
    text = verdict.value + ":" + ",".join(sorted(fingerprints))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def _components(nodes: int, edges: dict[tuple[int, int], float]) -> list[list[int]]:
    parent = list(range(nodes))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        groups[find(a)].update((a, b))
    return [sorted(g) for g in groups.values()]


def chain_free_sets(edges: dict[tuple[int, int], float]) -> list[list[int]]:
    """Split the graph of matching pairs into sets in which every pair matches.

    ``edges`` maps (a, b) with a < b to the pair's similarity; pairs not in it do not match.
    """
    if not edges:
        return []
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = max(max(a, b) for a, b in edges) + 1
    result: list[list[int]] = []
    for comp in _components(n, edges):
        if len(comp) == 2:
            result.append(comp)
            continue
        if len(comp) > _DENSE_LIMIT:
            result.extend(_stars(comp, edges))
            continue
        index = {node: k for k, node in enumerate(comp)}
        dist = np.full((len(comp), len(comp)), 2.0)
        np.fill_diagonal(dist, 0.0)
        for (a, b), sim in edges.items():
            if a in index and b in index:
                dist[index[a], index[b]] = dist[index[b], index[a]] = min(1.0, 1.0 - sim)
        labels = fcluster(linkage(squareform(dist, checks=False), "complete"), t=1.0, criterion="distance")
        clusters: dict[int, list[int]] = defaultdict(list)
        for node, label in zip(comp, labels, strict=True):
            clusters[int(label)].append(node)
        result.extend(sorted(c) for c in clusters.values() if len(c) > 1)
    return result


def _stars(comp: list[int], edges: dict[tuple[int, int], float]) -> list[list[int]]:
    """Greedy stars for huge components: every member matches the star's centre."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    left = set(comp)
    stars = []
    while left:
        centre = max(left, key=lambda v: (len(neighbours[v] & left), -v))
        members = (neighbours[centre] & left) | {centre}
        left -= members
        if len(members) > 1:
            stars.append(sorted(members))
    return stars


def find_duplicates(
    catalog: Catalog,
    model_id: int | None,
    roots: Sequence[str] | None = None,
    *,
    settings: DuplicateSettings = DuplicateSettings(),
    policy: KeeperPolicy = KeeperPolicy(),  # noqa: B008 - frozen
    verdicts: Iterable[Verdict] = tuple(Verdict),
    progress: Progress = NULL_PROGRESS,
) -> list[DuplicateSet]:
    """Duplicate sets among the catalogued photos under ``roots`` (all when None).

    Without a model (``model_id`` None) only exact duplicates can be found.
    """
    wanted = set(verdicts)
    photos = catalog.photos(under=roots)
    decisions = catalog.decisions()
    by_fp: dict[str, list[PhotoInfo]] = defaultdict(list)
    for p in photos:
        by_fp[p.fingerprint].append(p)
    for fp, copies in by_fp.items():
        if len(copies) > 1:
            by_fp[fp] = _one_name_per_file(copies)

    sets: list[DuplicateSet] = []
    rep: dict[str, PhotoInfo] = {}
    for fp, copies in by_fp.items():
        ranked, reason = choose_keeper(copies, policy)
        rep[fp] = ranked[0]
        if len(copies) > 1 and Verdict.EXACT in wanted and (fp, fp) not in decisions:
            sets.append(_make_set(Verdict.EXACT, ranked, reason, 1.0, policy))

    if model_id is not None and wanted & {Verdict.SAME, Verdict.SIMILAR}:
        fps, x = catalog.vectors_for(model_id, list(by_fp))
        floor = min(settings.similar_threshold, settings.same_threshold)
        ii, jj, sims = pairs_above(x, floor, progress)
        same: dict[tuple[int, int], float] = {}
        similar: dict[tuple[int, int], float] = {}
        for a, b, s in zip(ii.tolist(), jj.tolist(), sims.tolist(), strict=True):
            fa, fb = fps[a], fps[b]
            if (min(fa, fb), max(fa, fb)) in decisions:
                continue
            pa, pb = rep[fa], rep[fb]
            if s >= settings.same_threshold and _pixels_match(pa, pb, settings):
                same[(a, b)] = s
                continue
            ta, tb = iso_timestamp(pa.taken), iso_timestamp(pb.taken)
            apart = ta is not None and tb is not None and abs(ta - tb) > settings.similar_window_s
            need = (
                settings.similar_outside_window
                if apart and settings.similar_window_s > 0
                else (settings.similar_threshold)
            )
            if s >= need:
                similar[(a, b)] = s

        absorbed: set[int] = set()
        for group in chain_free_sets(same):
            members = [rep[fps[k]] for k in group]
            ranked, reason = choose_keeper(members, policy)
            if Verdict.SAME in wanted:
                sets.append(_make_set(Verdict.SAME, ranked, reason, _weakest(x, group), policy))
            keeper_fp = ranked[0].fingerprint
            absorbed.update(k for k in group if fps[k] != keeper_fp)
        if Verdict.SIMILAR in wanted:
            # A re-saved copy already in a same-image set is represented there by its keeper.
            pool = {
                e: s for e, s in {**similar, **same}.items() if e[0] not in absorbed and e[1] not in absorbed
            }
            for group in chain_free_sets(pool):
                members = [rep[fps[k]] for k in group]
                ranked, reason = choose_keeper(members, policy)
                sets.append(_make_set(Verdict.SIMILAR, ranked, reason, _weakest(x, group), policy))

    order = {Verdict.EXACT: 0, Verdict.SAME: 1, Verdict.SIMILAR: 2}
    sets.sort(key=lambda s: (order[s.verdict], -s.reclaimable_bytes, -len(s.photos), s.keeper.path))
    return sets


def _pixels_match(a: PhotoInfo, b: PhotoInfo, settings: DuplicateSettings) -> bool:
    if a.phash is None or b.phash is None:
        return False  # no pixel evidence: not confirmed as the same image
    if a.width and a.height and b.width and b.height:
        ra, rb = a.width / a.height, b.width / b.height
        if abs(ra - rb) / min(ra, rb) > settings.same_max_aspect_change:
            return False  # a different frame, not a re-save or light crop
    return hash_distance(a.phash, b.phash) <= settings.same_max_hash_bits


def _weakest(x: np.ndarray, group: list[int]) -> float:
    sub = x[group]
    sims = sub @ sub.T
    return float(sims[np.triu_indices(len(group), 1)].min())


def _make_set(
    verdict: Verdict, ranked: list[PhotoInfo], reason: str, weakest: float, policy: KeeperPolicy
) -> DuplicateSet:
    protected = [p.path for p in ranked if policy.is_protected(p)]
    return DuplicateSet(
        _set_id(verdict, (p.fingerprint for p in ranked)),
        verdict,
        ranked,
        reason,
        round(weakest, 4),
        protected,
    )


def mark(catalog: Catalog, duplicate_set: DuplicateSet, decision: str | None) -> None:
    """Record "not duplicates" / "keep both" (or None to forget) for every pair of the set."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    fps = sorted({p.fingerprint for p in duplicate_set.photos})
    if duplicate_set.verdict is Verdict.EXACT:
        catalog.set_decision(fps[0], fps[0], decision)
        return
    for k, a in enumerate(fps):
        for b in fps[k + 1 :]:
            catalog.set_decision(a, b, decision)
