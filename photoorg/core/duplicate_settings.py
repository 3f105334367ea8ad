"""The thresholds of the duplicate search (:class:`DuplicateSettings`), each a setting, with
what they were measured on. Out of duplicates.py, which finds the sets. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DuplicateSettings:
    """Thresholds; every one is a setting. Defaults follow published practice for DINOv2
    copy detection and the issue's starting points; they cannot be tuned on random weights."""

    same_threshold: float = 0.98
    similar_threshold: float = 0.93
    same_max_hash_bits: int = 12
    same_max_aspect_change: float = 0.1  # a light crop changes the aspect ratio a little
    # A picture whose 32x32 luminance varies less than this is flat (a plain colour, a dark
    # shot): its hash says nothing, so its mean colour must match within same_max_colour_change
    # (re-saves measured within 0.012 on the test photos; two greens 32 levels apart: 0.125).
    same_flat_detail: float = 0.03
    same_max_colour_change: float = 0.03
    # Below this detail a picture is blank (a plain colour: measured 0.000, re-saved 0.004):
    # nothing to align, its colour alone decides. A flat picture with some detail (a dark
    # shot: two video frames darkened to 5% grey measured 0.018) still gets the aligned pixel
    # check (a hostile review: two dark frames of a game were called the same image).
    same_blank_detail: float = 0.008
    # The largest change of any small area once the two pictures are aligned (pixelcheck.py):
    # re-saves, resizes, crops and thumbnails measured at most 0.010, two video frames with
    # objects moved by 1 to 2 px 0.094.
    same_max_local_change: float = 0.03
    similar_window_s: float = 600.0
    similar_outside_window: float = 0.96
    #: Offer the JPEG a camera wrote beside its RAW (same name, same folder) as a duplicate of
    #: the RAW. Off: the pair is one shot, and the JPEG is never offered for the trash.
    offer_raw_jpegs: bool = False

    def __post_init__(self) -> None:
        for which, value in (("similar", self.similar_threshold), ("same image", self.same_threshold)):
            if not -1.0 <= value <= 1.0:  # (a new-user review: 2 was told to raise the other)
                raise ValueError(f"the '{which}' threshold ({value}) is a similarity, between -1 and 1")
        if not self.similar_threshold <= self.same_threshold:
            raise ValueError(
                f"the 'similar' threshold ({self.similar_threshold}) cannot be above the 'same image' "
                f"threshold ({self.same_threshold}); both lie between -1 and 1 (lower the 'similar' "
                "one or raise the 'same image' one first)"
            )
        if not 0.0 <= self.same_max_local_change <= 1.0:
            raise ValueError("same_max_local_change must be between 0 and 1")
