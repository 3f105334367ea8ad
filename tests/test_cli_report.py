"""The command line's listings, as text (no photoorg process)."""

from __future__ import annotations

from photoorg.cli.report import groups_text
from photoorg.core.catalog import PhotoInfo
from photoorg.core.grouping import UNSORTED, Group


def photo(name: str) -> PhotoInfo:
    return PhotoInfo(f"/p/{name}", name, 1, 0, 10, 10, "JPEG", None, None, None)


def test_one_photo_is_one_photo_in_the_groups_listing() -> None:
    """Found by a review: "(1 photos)", "1 photos that fit no group", "1 photos in all"."""
    text = groups_text([Group(3, [photo("a.jpg")], label="beach"), Group(UNSORTED, [])], members=False)
    assert "Group 3: beach  (1 photo)" in text and "1 photo in all" in text
    text = groups_text([Group(UNSORTED, [photo("b.jpg")])], members=False)
    assert "Unsorted: 1 photo that fits no group" in text
