"""Which photos of a duplicate set start kept besides its keeper, and why: a better picture than
a protected keeper (keeper.better_than_protected), a lossless original of a larger lossy keeper,
and a Live Photo's still, whose video would otherwise be left alone."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence

from photoorg.core.catalog import PhotoInfo
from photoorg.core.humanize import agree
from photoorg.core.keeper import KeeperPolicy, better_than_protected
from photoorg.core.raw import RAW_FORMATS

#: Formats that keep every pixel as it was, and formats that do not (a re-save loses detail).
_LOSSLESS = frozenset({"PNG", "TIFF", "BMP", "RAW", *RAW_FORMATS})
_LOSSY = frozenset({"JPEG", "MPO", "WEBP", "HEIC", "HEIF", "AVIF"})


def staying_too(
    ranked: Sequence[PhotoInfo],
    reason: str,
    policy: KeeperPolicy,
    verdict: str,
    live: Mapping[str, PhotoInfo] | None = None,
    kept_videos: Collection[str] = (),
) -> tuple[list[str], str]:
    """(the photos of a set, ``ranked`` keeper first, that start kept besides the keeper; the
    ``reason`` said with them) for a set of this ``verdict`` ("exact", "same", "similar": all of
    a similar set start kept anyway). ``live``: each Live Photo's still -> its video;
    ``kept_videos``: the videos of the Live Photos' stills that stay."""
    if verdict == "similar":
        return [], reason
    also: list[str] = []
    better = better_than_protected(ranked, policy)
    if better is not None:
        also = [better[0].path]
        reason += f"; {os.path.basename(better[0].path)} stays too: {better[1]}"
    original = _lossless_original(ranked) if verdict == "same" and better is None else None
    if original is not None:  # (an app review: a 2x JPEG of a PNG was kept, the PNG unchecked)
        also = [original.path]
        reason += (
            f"; {os.path.basename(original.path)} stays too: it is lossless ({original.format}), "
            "and the keeper may be an enlarged copy of it"
        )
    stays, words = _live_staying(ranked, verdict, live or {}, kept_videos)
    stays = [p for p in stays if p not in also]
    if stays:
        also += stays
        names = ", ".join(os.path.basename(p) for p in stays)
        reason += f"; {names} {agree(len(stays), 'stays', 'stay')} too: {agree(len(stays), *words)}"
    return also, reason


def _live_staying(
    ranked: Sequence[PhotoInfo], verdict: str, live: Mapping[str, PhotoInfo], kept_videos: Collection[str]
) -> tuple[list[str], tuple[str, str]]:
    """The Live Photos' stills and videos of a set that stay beside its keeper, so that no Live
    Photo is split (hostile reviews: a protected keeper, a video behind two stills, two copies
    of a still with different videos), and how they are said."""
    keeper = ranked[0]
    if keeper.is_video:  # a video of a Live Photo whose still stays, each of them
        videos = [p.path for p in ranked[1:] if p.path in kept_videos]
        return videos, ("it is the video of a Live Photo kept", "they are the videos of Live Photos kept")
    # A still whose video is a copy of the keeper's video is a duplicate, video and all; any
    # other Live Photo's still stays (its video would be left alone).
    twin = live.get(keeper.path)
    stills = [
        p.path
        for p in ranked[1:]
        if p.path in live
        and (verdict == "same" or twin is None or live[p.path].fingerprint != twin.fingerprint)
    ]
    return stills, ("it is a Live Photo, with its video", "they are Live Photos, with their videos")


def _lossless_original(ranked: Sequence[PhotoInfo]) -> PhotoInfo | None:
    """A lossless picture with fewer pixels than a lossy keeper of the same image: maybe the
    original the keeper was enlarged from (an upscaler's output), which starts kept too."""
    keeper = ranked[0]
    if (keeper.format or "").upper() not in _LOSSY:
        return None
    return next(
        (p for p in ranked[1:] if (p.format or "").upper() in _LOSSLESS and p.pixels < keeper.pixels), None
    )
