"""Duplicate sets with three verdicts that are never mixed.

1. **Exact**: identical file content (same fingerprint), whatever the name or folder.
2. **Same image**: different files of the same picture (re-encoded, resized, re-saved, rotated
   by EXIF, lightly cropped): embeddings nearly identical (``same_threshold``) *and* a pixel
   check on the upright picture (perceptual hashes within ``same_max_hash_bits``, aspect
   ratios within ``same_max_aspect_change``), so that look-alikes (two shots of a
   chessboard) are not called the same image; and last the two pictures aligned and compared
   area by area (``same_max_local_change``, pixelcheck.py), so that two frames of a video or
   two tripod shots a second apart are not either.
3. **Similar**: burst shots and near-identical scenes (``similar_threshold``); when both
   photos have an EXIF date taken further apart than ``similar_window_s``, the bar rises to
   ``similar_outside_window``.

A camera's RAW and the JPEG it wrote beside it (``IMG_1.CR2`` and ``IMG_1.JPG``, same folder)
are one shot kept twice on purpose, not a duplicate to clean up: the JPEG is left out of "same
image" and "similar" sets, where its RAW stands for the shot, unless ``offer_raw_jpegs`` is set
(then the pair is a "same image" set like any other, and the keeper rules pick the RAW). Exact
copies of the JPEG elsewhere are still exact copies.

Sets never chain: within each connected group of matching pairs, complete linkage keeps only
sets in which every pair matches (A~B and B~C never join A and C unless A~C). Each set reports
its weakest pair. Pairs a person marked "not duplicates" or "keep both" are left out, by
content, so the decision survives renames, moves and rescans.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from photoorg.core.also_kept import staying_too
from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.duplicate_settings import DuplicateSettings
from photoorg.core.humanize import iso_timestamp
from photoorg.core.keeper import KeeperPolicy, choose_keeper
from photoorg.core.linkage import chain_free_sets_of
from photoorg.core.pairs import dated_by_their_video, keep_beside_raw, keep_paired, live_photos, raw_jpegs
from photoorg.core.pixel_evidence import fill_tones, local_changes, pixel_note
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.similar_pairs import similar_pairs
from photoorg.core.timeline import taken_span

log = logging.getLogger(__name__)

NOT_DUPLICATES = "not_duplicates"
KEEP_BOTH = "keep_both"
DECISIONS = (NOT_DUPLICATES, KEEP_BOTH)


class Verdict(StrEnum):
    EXACT = "exact"
    SAME = "same"
    SIMILAR = "similar"


#: More photos than this in one "same image" set is suspicious (see DuplicateSet.suspicious).
SUSPICIOUS_SET = 10


@dataclass
class DuplicateSet:
    """Photos that are duplicates of each other under one verdict, keeper first."""

    id: str
    verdict: Verdict
    photos: list[PhotoInfo]
    reason: str
    weakest: float
    protected: list[str] = field(default_factory=list)
    #: A copy outside the protected folders that starts kept beside the protected keeper: a
    #: better picture (keeper.better_than_protected).
    also_kept: list[str] = field(default_factory=list)

    @property
    def keeper(self) -> PhotoInfo:
        return self.photos[0]

    @property
    def suspicious(self) -> bool:
        """A "same image" set of more than a handful of photos: more likely pictures the pixel
        check cannot tell apart than one picture saved that often. Nothing starts unchecked."""
        return self.verdict is Verdict.SAME and len(self.photos) > SUSPICIOUS_SET

    def starts_kept(self) -> dict[str, bool]:
        """Which photos a review starts with checked (kept), by path. Copies and re-saves: the
        keeper only. Similar shots are different photos, so every one starts kept and the
        person unchecks what should go; so does a suspiciously large "same image" set.
        Protected photos are always kept, and so is a better picture than the protected keeper."""
        similar = self.verdict is Verdict.SIMILAR or self.suspicious
        kept = {*self.protected, *self.also_kept}
        return {p.path: similar or k == 0 or p.path in kept for k, p in enumerate(self.photos)}

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


def find_duplicates(
    catalog: Catalog,
    model_id: int | None,
    roots: Sequence[str] | None = None,
    *,
    settings: DuplicateSettings = DuplicateSettings(),  # noqa: B008 - frozen
    policy: KeeperPolicy = KeeperPolicy(),  # noqa: B008 - frozen
    verdicts: Iterable[Verdict] = tuple(Verdict),
    progress: Progress = NULL_PROGRESS,
    decided: bool = False,
) -> list[DuplicateSet]:
    """Duplicate sets among the catalogued photos under ``roots`` (all when None); with
    ``decided``, also those a decision ("not duplicates", "keep both") hides.

    Without a model (``model_id`` None) only exact duplicates can be found.
    """
    wanted = set(verdicts)
    photos = catalog.photos(under=roots)
    live = live_photos(photos)  # (a review: the clean-up kept a copy, and the Live Photo went)
    if live:  # a still without a date has its video's, as in the timeline (a new-user review)
        by_video = dated_by_their_video(photos, live)
        photos = [by_video.get(p.path, p) for p in photos]
    decisions = {} if decided else catalog.decisions()
    by_fp: dict[str, list[PhotoInfo]] = defaultdict(list)
    for p in photos:
        by_fp[p.fingerprint].append(p)
    for fp, copies in by_fp.items():
        if len(copies) > 1:
            by_fp[fp] = _one_name_per_file(copies)

    beside_raw = set() if settings.offer_raw_jpegs else {p.path for p in raw_jpegs(photos)}
    kept: set[str] = set()  # the Live Photos' stills that stay
    videos_kept: set[str] | None = None  # their videos, once every still is chosen
    sets: list[DuplicateSet] = []
    rep: dict[str, PhotoInfo] = {}
    # Stills first: of copies of a Live Photo's video, the one kept is the kept still's (a
    # hostile review: the clean-up kept a/IMG_1.jpg and b/IMG_1.MOV, two halves)
    for fp, copies in sorted(by_fp.items(), key=lambda item: item[1][0].is_video):
        ranked, reason = choose_keeper(copies, policy)
        if len(ranked) > 1 and beside_raw:
            ranked, reason = keep_beside_raw(ranked, reason, beside_raw, policy)
        if len(ranked) > 1 and live and not ranked[0].is_video:
            ranked, reason = keep_paired(ranked, reason, live, policy, "a Live Photo, with its video")
        elif len(ranked) > 1 and live:
            videos_kept = {live[s].path for s in kept} if videos_kept is None else videos_kept
            ranked, reason = keep_paired(
                ranked, reason, videos_kept, policy, "the video of the Live Photo kept"
            )
        rep[fp] = ranked[0]
        staying: Iterable[str] = [p.path for p in ranked]
        if len(copies) > 1 and Verdict.EXACT in wanted and (fp, fp) not in decisions:
            sets.append(_make_set(Verdict.EXACT, ranked, reason, 1.0, policy, live, videos_kept or ()))
            staying = [ranked[0].path, *sets[-1].also_kept]
        kept.update(p for p in staying if p in live)

    if model_id is not None and wanted & {Verdict.SAME, Verdict.SIMILAR}:
        # The content of a JPEG beside its RAW, wherever else it has copies: its RAW stands for it.
        paired = {p.fingerprint for p in photos if p.path in beside_raw}
        fps, x = catalog.vectors_for(model_id, [fp for fp in by_fp if fp not in paired])
        floor = min(settings.similar_threshold, settings.same_threshold)
        ii, jj, sims = similar_pairs(catalog, model_id, fps, x, floor, progress)
        candidates = sims >= settings.same_threshold
        fill_tones(catalog, rep, fps, ii[candidates], jj[candidates])

        photos_ = [rep[fp] for fp in fps]
        measured: dict[tuple[int, int], float] = {}  # by the aligned check, for the reasons

        def measure(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            found = local_changes(catalog, photos_, a, b, progress)
            pairs = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
            measured.update(zip(pairs, found.tolist(), strict=True))
            return found

        is_same, is_similar = _verdicts(ii, jj, sims, photos_, fps, decisions, settings, measure)

        absorbed = np.zeros(len(fps), dtype=bool)
        for group in chain_free_sets_of(ii[is_same], jj[is_same], sims[is_same]):
            members = [rep[fps[k]] for k in group]
            ranked, reason = choose_keeper(members, policy)
            if Verdict.SAME in wanted:
                reason += pixel_note(True, group, measured, settings.same_max_local_change)
                sets.append(_make_set(Verdict.SAME, ranked, reason, _weakest(x, group), policy, live))
            keeper_fp = ranked[0].fingerprint
            absorbed[[k for k in group if fps[k] != keeper_fp]] = True
        if Verdict.SIMILAR in wanted:
            # A re-saved copy already in a same-image set is represented there by its keeper.
            pool = (is_same | is_similar) & ~absorbed[ii] & ~absorbed[jj]
            for group in chain_free_sets_of(ii[pool], jj[pool], sims[pool]):
                members = [rep[fps[k]] for k in group]
                ranked, reason = choose_keeper(members, policy)
                reason += pixel_note(False, group, measured, settings.same_max_local_change)
                sets.append(_make_set(Verdict.SIMILAR, ranked, reason, _weakest(x, group), policy))

    order = {Verdict.EXACT: 0, Verdict.SAME: 1, Verdict.SIMILAR: 2}
    sets.sort(key=lambda s: (order[s.verdict], -s.reclaimable_bytes, -len(s.photos), s.keeper.path))
    return sets


def _verdicts(
    ii: np.ndarray,
    jj: np.ndarray,
    sims: np.ndarray,
    photos: list[PhotoInfo],
    fps: list[str],
    decisions: dict[tuple[str, str], str],
    settings: DuplicateSettings,
    local_changes: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs that are the same image, and the similar ones, less those the person decided
    on, all pairs at once. The same image needs pixel evidence: both perceptual hashes, within
    ``same_max_hash_bits``, and aspect ratios within ``same_max_aspect_change`` (a different
    frame is not a re-save or a light crop); then, for the pairs that pass all that, the
    aligned pictures themselves (``local_changes`` of the pairs' rows, pixelcheck.py), within
    ``same_max_local_change``, unless both are flat (their colour decides). A pair that fails
    is judged as similar shots. Returns the masks of the same and the similar pairs."""
    undecided = np.ones(len(ii), dtype=bool)
    if decisions and len(ii):
        index = {fp: k for k, fp in enumerate(fps)}
        decided = {
            min(index[a], index[b]) * len(fps) + max(index[a], index[b])
            for a, b in decisions
            if a in index and b in index
        }
        undecided = ~np.isin(ii * len(fps) + jj, np.fromiter(decided, dtype=np.int64, count=len(decided)))
        ii, jj, sims = ii[undecided], jj[undecided], sims[undecided]
    phash = np.array([p.phash or 0 for p in photos], dtype=np.int64).view(np.uint64)
    has_hash = np.array([p.phash is not None for p in photos], dtype=bool)
    w = np.array([p.width or 0 for p in photos], dtype=np.float64)
    h = np.array([p.height or 0 for p in photos], dtype=np.float64)
    sized = (w > 0) & (h > 0)
    ratio = np.divide(w, h, out=np.ones_like(w), where=sized)
    # When each was taken, as a span: a moment, or the whole month or year a sidecar says
    # alone (a review: prints dated 1969 and 1975 were a moment apart, Jan 1 to Jan 1).
    # A name's date is left out: a chat app names a picture by the day it came, not when it
    # was taken (and often without a time), so it would hold a copy apart from its original.
    taken = np.array([_timestamp(None if p.dated_by_name else p.taken) for p in photos], dtype=np.float64)
    until = taken + np.array([taken_span(p) for p in photos], dtype=np.float64)

    ra, rb = ratio[ii], ratio[jj]
    reframed = (
        sized[ii] & sized[jj] & (np.abs(ra - rb) / np.minimum(ra, rb) > settings.same_max_aspect_change)
    )
    bits = np.bitwise_count(phash[ii] ^ phash[jj])
    # A flat picture (a plain colour, a dark pocket shot, a blank scan) has no detail for the
    # hash to see: its hash is noise, and two of them match whatever they show. Their colour
    # must match too. Photos whose tone is unknown are never the same image by the hash alone.
    tones = np.array(
        [p.tone if p.tone is not None else (np.nan,) * 4 for p in photos], dtype=np.float64
    ).reshape(-1, 4)  # (0, 4) when no photo has a vector yet
    toned = ~np.isnan(tones[:, 0])
    flat = toned & (tones[:, 3] < settings.same_flat_detail)
    colour = np.abs(tones[ii, :3] - tones[jj, :3]).max(axis=1) if len(ii) else np.zeros(0)  # NaN: unknown
    with np.errstate(invalid="ignore"):
        colour_ok = ~(flat[ii] | flat[jj]) | (colour <= settings.same_max_colour_change)
    pixels = (
        has_hash[ii] & has_hash[jj] & toned[ii] & toned[jj] & ~reframed & colour_ok
        & (bits <= settings.same_max_hash_bits)
    )  # fmt: skip
    is_same = (sims >= settings.same_threshold) & pixels
    # Two blank pictures have nothing to align, and their colour has decided already.
    blank = toned & (tones[:, 3] < settings.same_blank_detail)
    rows = np.flatnonzero(is_same & ~(blank[ii] & blank[jj]))
    if local_changes is not None and len(rows):
        is_same[rows] = local_changes(ii[rows], jj[rows]) <= settings.same_max_local_change
    with np.errstate(invalid="ignore"):  # NaN: no date taken, never "apart"
        # the time between the two spans (negative where they overlap): |a - b| for moments
        gap = np.maximum(taken[ii], taken[jj]) - np.minimum(until[ii], until[jj])
        apart = gap > settings.similar_window_s
    need = np.where(apart & (settings.similar_window_s > 0), settings.similar_outside_window,
                    settings.similar_threshold)  # fmt: skip
    is_similar = ~is_same & (sims >= need)
    same, similar = np.zeros_like(undecided), np.zeros_like(undecided)
    same[undecided], similar[undecided] = is_same, is_similar
    return same, similar


def _timestamp(taken: str | None) -> float:
    t = iso_timestamp(taken)
    return np.nan if t is None else t


def _weakest(x: np.ndarray, group: list[int]) -> float:
    """The similarity of the set's least similar pair."""
    sub = x[group]
    sims = sub @ sub.T
    np.fill_diagonal(sims, np.inf)  # (not np.triu_indices: a tenth of a millisecond a set)
    return float(sims.min())


#: The end of a similar set's reason, which the app says its own way (an app review: said twice).
ALL_START_KEPT = ". These are different shots, so all start kept"


def _make_set(
    verdict: Verdict,
    ranked: list[PhotoInfo],
    reason: str,
    weakest: float,
    policy: KeeperPolicy,
    live: Mapping[str, PhotoInfo] | None = None,
    kept_videos: Collection[str] = (),
) -> DuplicateSet:
    protected = [p.path for p in ranked if policy.is_protected(p)]
    also, reason = staying_too(ranked, reason, policy, verdict.value, live, kept_videos)
    if verdict is Verdict.SIMILAR:  # different photos: the keeper is a suggestion among equals
        # (a review: "because of these different shots, largest resolution …" read as broken)
        reason = f"{reason}{ALL_START_KEPT}"
    if verdict is Verdict.SAME and len(ranked) > SUSPICIOUS_SET:
        reason += (
            f". But {len(ranked)} photos called the same image is unusual (plain or dark pictures, "
            "frames of a video?): every one starts kept; look at them before unchecking any"
        )
    return DuplicateSet(
        _set_id(verdict, (p.fingerprint for p in ranked)),
        verdict,
        ranked,
        reason,
        # Four places, never rounded up: 0.99998 rounded read "similarity 1.000" (identical);
        # identical vectors stay 1.0 (float32 gives them 0.99999994 as often as 1).
        math.floor(min(weakest, 1.0) * 10_000 + 1e-3) / 10_000,
        protected,
        also,
    )
