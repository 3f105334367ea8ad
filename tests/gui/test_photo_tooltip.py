"""A photo's tool tip says where its date taken comes from, so a person can judge it."""

from __future__ import annotations

from photoorg.core.catalog import PhotoInfo
from photoorg.core.catalog.rows import FROM_NAME
from photoorg.gui.models import photo_tooltip


def photo(path: str, taken: str | None, source: str | None) -> PhotoInfo:
    return PhotoInfo(path, "f", 100, 10**18, 8, 8, "JPEG", taken, None, None, taken_from=source)


def test_the_tool_tip_names_the_sidecar_or_the_name_a_date_comes_from() -> None:
    chat = photo("/lib/IMG-20190714-WA0003.jpg", "2019-07-14T00:00:00", FROM_NAME)
    assert "taken 2019-07-14 (from its name)" in photo_tooltip(chat)  # a day alone: no "00:00:00"
    scan = photo("/lib/scan.jpg", "1987-07-14T00:00:00", "scan.jpg.xmp")
    assert "(from scan.jpg.xmp)" in photo_tooltip(scan)
    own = photo("/lib/IMG_1.jpg", "2001-02-03T04:05:06", None)
    assert "taken 2001-02-03 04:05:06\n" in photo_tooltip(own)
