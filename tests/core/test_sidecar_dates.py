"""A photo with no date of its own is dated by a sidecar beside it: Google Takeout's JSON (a
Google Photos export: its photos without EXIF piled up under the day they were copied) or an
XMP sidecar of digiKam, darktable or Lightroom (a scanned print dated by hand)."""

from __future__ import annotations

import calendar
import json
import os
import time
from collections.abc import Iterator
from datetime import datetime
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


def test_a_photo_whose_name_is_not_utf8_is_dated_by_its_sidecar_and_scans_go_on(four_photos: Path) -> None:
    """Found by a hostile review: such a photo beside a dated sidecar stopped every scan (the
    sidecar's name, kept to say where the date is from, could not be written)."""
    a = four_photos / "a"
    name = os.fsdecode(b"caf\xe9.jpg")  # a Latin-1 name from an old camera or disk
    make_photo(a / name, seed=44, size=(64, 48))
    (a / f"{name}.xmp").write_text(_XMP.format(attrs='photoshop:DateCreated="1999-05-06"', body=""))
    with Library(locations()) as library:
        summary = library.scan()
        assert not summary.failures, summary.failures
        assert dates(library)[name] == ("1999-05-06T00:00:00", "caf\ufffd.jpg.xmp")  # said, as a name
        os.utime(a / f"{name}.xmp", (1, 1))  # changed: the next scan reads it again
        assert not library.scan().failures and dates(library)[name][0] == "1999-05-06T00:00:00"
        _, outcome = library.set_date_taken([str(a / name)], datetime(1998, 1, 2))
        assert outcome is not None and len(outcome.done) == 1
        assert dates(library)[name][0] == "1998-01-02T00:00:00"


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


def test_each_photo_takes_only_its_own_sidecar_s_date(four_photos: Path, berlin: None) -> None:
    """A hostile review: scan.png was dated by scan.png.jpg.xmp (its conversion's), img_2.JPG by
    IMG_2.jpg.json (another photo's, but for the case of its letters), and a Pixel photo with a
    dot in its name (PXL_1.PORTRAIT(1).jpg) was not dated by its numbered Takeout JSON."""
    b = four_photos / "b"
    for k, name in enumerate(["scan.png", "scan.png.jpg", "IMG_2.jpg", "img_2.JPG", "PXL_1.PORTRAIT(1).jpg"]):
        make_photo(b / name, seed=70 + k, size=(64, 48), fmt="PNG" if name.endswith("png") else "JPEG")
    (b / "scan.png.xmp").write_text(_XMP.format(attrs='exif:DateTimeOriginal="1990-01-01T00:00:00"', body=""))
    (b / "scan.png.jpg.xmp").write_text(
        _XMP.format(attrs='exif:DateTimeOriginal="2021-01-01T00:00:00"', body="")
    )
    (b / "IMG_2.jpg.json").write_text(takeout(utc(2012, 1, 1, 11, 0, 0)))
    (b / "PXL_1.PORTRAIT.jpg.supplemental-metadata(1).json").write_text(takeout(utc(2022, 6, 1, 10, 0, 0)))
    with Library(locations()) as library:
        library.scan()
        got = dates(library)
    assert got["scan.png"] == ("1990-01-01T00:00:00", "scan.png.xmp")
    assert got["scan.png.jpg"] == ("2021-01-01T00:00:00", "scan.png.jpg.xmp")
    assert got["IMG_2.jpg"] == ("2012-01-01T12:00:00", "IMG_2.jpg.json") and got["img_2.JPG"] == (None, None)
    assert got["PXL_1.PORTRAIT(1).jpg"] == (
        "2022-06-01T12:00:00",
        "PXL_1.PORTRAIT.jpg.supplemental-metadata(1).json",
    )


def test_a_sidecar_taken_away_or_added_with_an_older_time_dates_the_photo_again(
    four_photos: Path, berlin: None
) -> None:
    """A hostile review: only the newest sidecar time was compared. The JSON that dated the
    photo went while a newer XMP stayed (the date stayed, "from" a file gone); a JSON unzipped
    with its old time beside a newer XMP was never read."""
    a = four_photos / "a"
    xmp_side, json_side = a / "p1.xmp", a / "p1.jpg.json"
    xmp_side.write_text(_XMP.format(attrs='xmp:Rating="3"', body=""))  # no date in it
    json_side.write_text(takeout(utc(2015, 1, 1, 11, 0, 0)))
    os.utime(json_side, ns=(1, xmp_side.stat().st_mtime_ns - 10**12))
    with Library(locations()) as library:
        library.scan()
        assert dates(library)["p1.jpg"] == ("2015-01-01T12:00:00", "p1.jpg.json")
        json_side.unlink()
        library.scan()
        assert dates(library)["p1.jpg"] == (None, None)
        json_side.write_text(takeout(utc(2016, 1, 1, 11, 0, 0)))
        os.utime(json_side, ns=(1, xmp_side.stat().st_mtime_ns - 10**12))  # older than the XMP
        library.scan()
        assert dates(library)["p1.jpg"] == ("2016-01-01T12:00:00", "p1.jpg.json")


def test_a_photo_moved_without_its_sidecar_loses_the_sidecar_s_date(four_photos: Path) -> None:
    """A hostile review: moved away from a sidecar it shares with a RAW that stays, the photo
    kept the sidecar's date and "(from p0.xmp)" for good. (A move takes the RAW along; one
    chosen too that changed since the scan stays, with its sidecar.)"""
    a, b = four_photos / "a", four_photos / "b"
    (a / "p0.xmp").write_text(_XMP.format(attrs='exif:DateTimeOriginal="2001-01-01T00:00:00"', body=""))
    (a / "p0.CR2").write_bytes(b"a RAW of the same shot, which stays")
    with Library(locations()) as library:
        library.scan()
        assert dates(library)["p0.jpg"] == ("2001-01-01T00:00:00", "p0.xmp")
        (a / "p0.CR2").write_bytes(b"a RAW of the same shot, developed again since the scan")
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg"), str(a / "p0.CR2")], str(b))
        assert outcome.photos_done == 1 and (a / "p0.xmp").exists()  # the RAW's: it stays
        library.scan()
        assert dates(library)["p0.jpg"] == (None, None)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("p1.jpg.json", b"[" * 100_000, None),  # too deep for the JSON reader: no date, no stop
        ("p1.jpg.json", b'{"photoTakenTime": {"timestamp": true}}', None),
        ("p1.jpg.json", b'{"photoTakenTime": {"timestamp": "1"}}', None),
        ("p1.jpg.json", b'{"photoTakenTime": {"timestamp": 1.9}}', None),
        ("p1.jpg.xmp", _XMP.format(attrs='exif:DateTimeOriginal="20200615"', body="").encode(), None),
        ("p1.jpg.xmp", _XMP.format(attrs='exif:DateTimeOriginal="2020-6-5"', body="").encode(), None),
        (
            "p1.jpg.xmp",
            _XMP.format(
                attrs='exif:DateTimeOriginal="1234" xmp:CreateDate="2011-02-03T04:05:06"', body=""
            ).encode(),
            "2011-02-03T04:05:06",  # a date no photo has does not hide the next one
        ),
    ],
)
def test_odd_dates_in_sidecars_are_not_taken_for_dates(
    four_photos: Path, name: str, content: bytes, expected: str | None
) -> None:
    (four_photos / "a" / name).write_bytes(content)
    with Library(locations()) as library:
        summary = library.scan()
        assert not summary.failures
        assert dates(library)["p1.jpg"][0] == expected


def test_a_year_or_a_month_alone_is_kept_as_what_is_known(four_photos: Path) -> None:
    """A scanned print dated "1975" by Lightroom (photoshop:DateCreated): placed on its first
    day, and known to the year only, so that nothing shows or files it under a made-up month."""
    b = four_photos / "b"
    make_photo(b / "print.jpg", seed=60, size=(64, 48))
    (b / "print.jpg.xmp").write_text(_XMP.format(attrs='photoshop:DateCreated="1975"', body=""))
    make_photo(b / "slide.jpg", seed=61, size=(64, 48))
    (b / "slide.jpg.xmp").write_text(_XMP.format(attrs='photoshop:DateCreated="1969-07"', body=""))
    with Library(locations()) as library:
        library.scan()  # catalogued with their sidecars
        got = {os.path.basename(p.path): (p.taken, p.taken_known) for p in library.catalog.photos()}
        assert got["print.jpg"] == ("1975-01-01T00:00:00", "year")
        assert got["slide.jpg"] == ("1969-07-01T00:00:00", "month")
        assert got["p0.jpg"] == (None, None)
        (b / "slide.jpg.xmp").write_text(
            _XMP.format(attrs='exif:DateTimeOriginal="1969-07-20T20:17:00"', body="")
        )
        os.utime(b / "slide.jpg.xmp", ns=(1, (b / "slide.jpg.xmp").stat().st_mtime_ns + 10**9))
        library.scan()  # dated again by the changed sidecar: a day now
        got = {os.path.basename(p.path): (p.taken, p.taken_known) for p in library.catalog.photos()}
        assert got["slide.jpg"] == ("1969-07-20T20:17:00", None)


def test_a_catalog_from_before_keeps_learning_what_its_sidecars_say(four_photos: Path) -> None:
    """Found by a review: a catalog made before photoorg kept how much a sidecar says had its
    year-only photos dated to the day for good (its rescans read no unchanged sidecar)."""
    import sqlite3

    b = four_photos / "b"
    make_photo(b / "print.jpg", seed=60, size=(64, 48))
    (b / "print.jpg.xmp").write_text(_XMP.format(attrs='photoshop:DateCreated="1975"', body=""))
    with Library(locations()) as library:
        library.scan()
    db = sqlite3.connect(locations().catalog)  # as schema 14 left it
    db.execute("ALTER TABLE files DROP COLUMN taken_known")
    db.execute("PRAGMA user_version=14")
    db.commit()
    db.close()
    with Library(locations()) as library:
        assert library.catalog.schema_version >= 15
        library.scan()
        got = {os.path.basename(p.path): (p.taken, p.taken_known) for p in library.catalog.photos()}
        assert got["print.jpg"] == ("1975-01-01T00:00:00", "year")
