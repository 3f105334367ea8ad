"""A photo with no date of its own is dated by a sidecar beside it: Google Takeout's JSON (a
Google Photos export: its photos without EXIF piled up under the day they were copied) or an
XMP sidecar of digiKam, darktable or Lightroom (a scanned print dated by hand)."""

from __future__ import annotations

import calendar
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from photoorg.core.library import Action, Library
from photoorg.core.paths import locations
from tests.conftest import make_photo

_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" {attrs}>'
    "{body}</rdf:Description></rdf:RDF></x:xmpmeta>\n"
    '<?xpacket end="w"?>'
)


def takeout(seconds: int) -> str:
    return json.dumps({"title": "x", "photoTakenTime": {"timestamp": str(seconds), "formatted": "..."}})


def utc(*when: int) -> int:
    return calendar.timegm((*when, 0, 0, 0))


@pytest.fixture
def berlin() -> Iterator[None]:
    """Takeout's times are UTC: shown as the clock read where this computer is."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def dates(library: Library) -> dict[str, tuple[str | None, str | None]]:
    return {os.path.basename(p.path): (p.taken, p.taken_from) for p in library.catalog.photos()}


def test_takeout_json_and_xmp_sidecars_date_photos_that_have_no_date(four_photos: Path, berlin: None) -> None:
    a = four_photos / "a"
    make_photo(a / "p0(1).jpg", seed=40, size=(64, 48))
    (a / "p0.jpg.supplemental-metadata.json").write_text(takeout(utc(2015, 12, 16, 16, 13, 50)))
    # Takeout's JSON of p0(1).jpg: the number after p0.jpg's whole name, and not p0.jpg's
    (a / "p0.jpg.supplemental-metadata(1).json").write_text(takeout(utc(2016, 7, 1, 22, 30, 0)))
    (a / "p1.xmp").write_text(_XMP.format(attrs='photoshop:DateCreated="1987"', body=""))
    body = "<exif:DateTimeOriginal>2003-04-05T06:07:08.25+09:00</exif:DateTimeOriginal>"
    (a / "p2.jpg.xmp").write_text(_XMP.format(attrs='xmp:CreateDate="2010-01-01T00:00:00"', body=body))
    with Library(locations()) as library:
        library.scan()
        assert dates(library) == {
            "p0.jpg": ("2015-12-16T17:13:50", "p0.jpg.supplemental-metadata.json"),
            "p0(1).jpg": ("2016-07-02T00:30:00", "p0.jpg.supplemental-metadata(1).json"),
            "p1.jpg": ("1987-01-01T00:00:00", "p1.xmp"),  # a year alone: its first day
            "p2.jpg": ("2003-04-05T06:07:08", "p2.jpg.xmp"),  # the time there; the date taken first
            "p3.jpg": (None, None),
        }


def test_a_photo_s_own_date_wins_over_its_sidecar(four_photos: Path, berlin: None) -> None:
    exif = Image.Exif()
    exif[306] = "2001:02:03 04:05:06"  # DateTime
    photo = make_photo(four_photos / "b" / "own.jpg", seed=41, size=(64, 48), exif=exif.tobytes())
    Path(f"{photo}.json").write_text(takeout(utc(2019, 1, 1, 12, 0, 0)))
    with Library(locations()) as library:
        library.scan()
        assert dates(library)["own.jpg"] == ("2001-02-03T04:05:06", None)
        Path(f"{photo}.json").write_text(takeout(utc(2020, 1, 1, 12, 0, 0)))  # changed: still its own
        os.utime(f"{photo}.json", ns=(1, 10**18))
        library.scan()
        assert dates(library)["own.jpg"] == ("2001-02-03T04:05:06", None)


def test_a_sidecar_added_changed_or_removed_later_dates_the_photo_again_without_reading_it(
    four_photos: Path, berlin: None
) -> None:
    """Rescans read the sidecars that changed, not the photos (a library of RAWs with XMPs)."""
    a = four_photos / "a"
    sidecar = a / "p3.jpg.xmp"
    with Library(locations()) as library:
        assert dates(library)["p3.jpg"] == (None, None)
        sidecar.write_text(_XMP.format(attrs='exif:DateTimeOriginal="1999-12-31T23:59:00"', body=""))
        summary = library.scan()
        assert summary.unchanged == 4  # no photo read again
        assert dates(library)["p3.jpg"] == ("1999-12-31T23:59:00", "p3.jpg.xmp")
        sidecar.write_text(_XMP.format(attrs='exif:DateTimeOriginal="1998-06-01T10:00:00"', body=""))
        os.utime(sidecar, ns=(1, sidecar.stat().st_mtime_ns + 10**9))
        library.scan()
        assert dates(library)["p3.jpg"] == ("1998-06-01T10:00:00", "p3.jpg.xmp")
        sidecar.unlink()
        library.scan()
        assert dates(library)["p3.jpg"] == (None, None)  # by its file's date again


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"photoTakenTime": {"timestamp": "0"}}',  # Takeout's "unknown"
        b'{"photoTakenTime": {"timestamp": "99999999999999999999"}}',
        b'{"photoTakenTime": "2019"}',
        b"[1, 2]",
    ],
)
def test_a_sidecar_that_says_no_usable_date_leaves_the_photo_undated_and_the_scan_going(
    four_photos: Path, content: bytes
) -> None:
    a = four_photos / "a"
    (a / "p1.jpg.json").write_bytes(content)
    (a / "p2.xmp").write_text(_XMP.format(attrs='exif:DateTimeOriginal="9999-13-45"', body=""))
    with Library(locations()) as library:
        summary = library.scan()
        assert not summary.failures
        assert dates(library)["p1.jpg"] == (None, None)
        assert dates(library)["p2.jpg"] == (None, None)


def test_takeout_json_of_a_numbered_photo_travels_with_it_under_its_new_name(four_photos: Path) -> None:
    a, b = four_photos / "a", four_photos / "b"
    make_photo(a / "p0(1).jpg", seed=42, size=(64, 48))
    (a / "p0.jpg.supplemental-metadata.json").write_text(takeout(utc(2015, 1, 1, 0, 0, 0)))
    (a / "p0.jpg.supplemental-metadata(1).json").write_text(takeout(utc(2016, 1, 1, 0, 0, 0)))
    make_photo(b / "p0(1).jpg", seed=43, size=(64, 48))  # the name is taken there
    with Library(locations()) as library:
        library.scan()
        outcome = library.act(Action.MOVE, [str(a / "p0(1).jpg")], str(b))
        assert outcome.photos_done == 1 and not outcome.failed
        assert sorted(os.listdir(a)) == [
            "p0.jpg",
            "p0.jpg.supplemental-metadata.json",  # p0.jpg's stays with it
            "p1.jpg",
            "p2.jpg",
            "p3.jpg",
        ]
        # named as Takeout names the JSON of the photo's new name, so it is found again
        assert "p0(1) (1).jpg.supplemental-metadata.json" in os.listdir(b)
        library.scan()
        assert dates(library)["p0(1) (1).jpg"][1] == "p0(1) (1).jpg.supplemental-metadata.json"
        library.undo(outcome.batch)
        assert (a / "p0.jpg.supplemental-metadata(1).json").exists()
        assert sorted(os.listdir(b)) == ["p0(1).jpg"]


def test_a_pipe_or_a_folder_in_a_sidecar_s_place_is_passed_over_and_the_scan_goes_on(
    four_photos: Path,
) -> None:
    """A named pipe opened as a sidecar would never end: the scan would wait for ever."""
    a = four_photos / "a"
    os.mkfifo(a / "p1.jpg.xmp")
    (a / "p2.jpg.json").mkdir()
    (a / "p3.json").symlink_to(a / "p1.jpg.xmp")  # a link to the pipe
    with Library(locations()) as library:
        summary = library.scan()
        assert not summary.failures
        assert {n: d for n, d in dates(library).items() if n != "p0.jpg"} == {
            "p1.jpg": (None, None),
            "p2.jpg": (None, None),
            "p3.jpg": (None, None),
        }
