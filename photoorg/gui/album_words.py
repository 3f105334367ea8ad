"""What the Albums page says: its words when there is no album yet, and the line under an
album's name (out of albums.py, past 18 KB)."""

from __future__ import annotations

import html
from typing import Any

from photoorg.core.humanize import agree, plural

EMPTY = (
    "No albums yet. An album is what you mean (the dog, receipts, sunsets): select a few photos "
    "of it in All photos or in a group, right-click and choose New album from these. photoorg "
    "then suggests the other photos that belong to it; accept or reject them and it learns."
)

LIKELY_TIP = (
    "How many photos are in the album, and how many more the album's classifier finds "
    "likely (score above 0.5) among those not answered yet. With few examples it "
    "underestimates: every answer makes it surer."
)


def subheading(view: Any, suggestions: bool) -> str:
    """The rich text under an album's name: its photos (those away as a link to where they
    went), how many were rejected, and what the tab shown holds; or the album's problem."""
    if view.problem:
        return html.escape(view.problem)
    # The album's photos, also those away (a review: the list said "4 photos", the heading
    # "2 photos in the album" with "2 photos of the album are away" after it).
    members = len(view.members) + view.away
    counts = f"{plural(members, 'photo')} in the album"
    # Each tab its own words (a review: the album's own photos were explained as suggestions).
    about = (
        "suggestions are the photos most like it, best first (those in view keep their places as you answer)"
        if suggestions
        else "its photos, as you taught it; take out any that do not belong"
    )
    away = ""
    if view.away:  # a link to which photos and why (a review: the sentence said neither)
        n = view.away
        away = f' (<a href="away">{n} {agree(n, "is", "are")} away</a>)'
    rejected = f" · {plural(len(view.album.rejected), 'photo')} rejected" if view.album.rejected else ""
    return f"{counts}{away}{rejected} · {about}"
