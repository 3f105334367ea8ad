"""A photo with no date of its own and none in a sidecar is dated by its name when that says the
day: phones and chat apps name their pictures so, and a chat app strips the EXIF. Copied to a
new disk, such photos otherwise all sat under the day of the copy."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from photoorg.core.catalog import PhotoInfo
from photoorg.core.keeper import KeeperPolicy, choose_keeper
from photoorg.core.library import Library
from photoorg.core.name_dates import FROM_NAME, date_in_name
from photoorg.core.organize import OrganizeRequest
from photoorg.core.paths import locations
from tests.conftest import make_photo


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("IMG_20190714_103000.jpg", "2019-07-14T10:30:00"),  # Android cameras
        ("VID_20190714_103000.mp4", "2019-07-14T10:30:00"),
        ("PXL_20210714_103000123.MP.jpg", "2021-07-14T10:30:00"),  # Pixel, with milliseconds
        ("20190714_103000.jpg", "2019-07-14T10:30:00"),  # Samsung
        ("IMG-20190714-WA0003.jpg", "2019-07-14T00:00:00"),  # WhatsApp: the day only
        ("Screenshot_20190714-103000.png", "2019-07-14T10:30:00"),
        ("Screenshot_2019-07-14-10-30-00.png", "2019-07-14T10:30:00"),
        ("Screenshot 2019-07-14 at 10.30.00.png", "2019-07-14T10:30:00"),  # macOS
        ("2019-07-14 10.30.00.jpg", "2019-07-14T10:30:00"),  # Dropbox's camera upload
        ("signal-2021-07-14-103000.jpg", "2021-07-14T10:30:00"),
        ("1987-07-14 Grandma.jpg", "1987-07-14T00:00:00"),  # a scan named by a person
        ("IMG_20190714_253000.jpg", "2019-07-14T00:00:00"),  # no such time: the day still is
        ("IMG20190714103000.jpg", "2019-07-14T10:30:00"),  # Oppo, OnePlus: no separator
        ("scan 1987-07-14 grandma.jpg", "1987-07-14T00:00:00"),  # a day a person wrote
    ],
)
def test_names_that_say_the_day_date_the_photo(name: str, taken: str) -> None:
    assert date_in_name(f"/photos/{name}") == taken


@pytest.mark.parametrize(
    "name",
    [
        "Room 2001.jpg",  # a year alone is no date taken
        "1987-07 Holiday.jpg",  # nor a month
        "DSC01234.JPG",
        "P1010001.JPG",
        "12345678.jpg",  # no year 1234 of a photo
        "FB_IMG_1563100200000.jpg",  # digits that run on are a number, not a date
        "x2019071412.jpg",
        "2019-02-30.jpg",  # no such day
        "2019-0714.jpg",  # two separators or none
        "20991231.jpg",  # not yet
        "18991231.jpg",  # eight digits from before 1900: a number
        "a3f2e19870512bc4.jpg",  # hex: a hash or an id (a hostile review)
        "0f3e2011-06-12c3b.jpg",
        "Scan_20240315.jpg",  # a scanner's: the day of the scan, not of the print
        "201907141030001234.jpg",  # digits that run on
    ],
)
def test_names_that_say_no_whole_day_date_nothing(name: str) -> None:
    assert date_in_name(f"/photos/{name}") is None


def dates(library: Library) -> dict[str, tuple[str | None, str | None]]:
    return {os.path.basename(p.path): (p.taken, p.taken_from) for p in library.catalog.photos()}


def test_a_chat_picture_sits_in_the_timeline_and_the_folders_of_its_day(
    four_photos: Path, tmp_path: Path
) -> None:
    chat = make_photo(four_photos / "b" / "IMG-20190714-WA0003.jpg", seed=40, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
        assert dates(library)[chat.name] == ("2019-07-14T00:00:00", FROM_NAME)
        [photo] = [p for p in library.catalog.photos() if p.path == str(chat)]
        assert photo.dated_by_name and not photo.own_date
        timeline = library.timeline()
        row = next(r for r, p in enumerate(timeline.photos) if p.path == str(chat))
        assert row not in timeline.file_dated and timeline.dates[row].startswith("2019-07-14")
        plan = library.organize_plan(OrganizeRequest("date", str(tmp_path / "Sorted")))
        [item] = [i for i in plan.photos if i.photo.path == str(chat)]
        assert item.folder == "2019/2019-07"
        undated = {os.path.basename(p.path) for p in library.timeline(only_undated=True).photos}
        assert chat.name not in undated and "p0.jpg" in undated


def test_its_own_date_and_then_a_sidecar_s_win_over_its_name(four_photos: Path) -> None:
    exif = Image.Exif()
    exif[306] = "2001:02:03 04:05:06"  # DateTime
    own = make_photo(
        four_photos / "b" / "IMG_20190714_103000.jpg", seed=41, size=(64, 48), exif=exif.tobytes()
    )
    side = make_photo(four_photos / "b" / "IMG_20190715_103000.jpg", seed=42, size=(64, 48))
    xmp = Path(f"{side}.xmp")
    xmp.write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        ' exif:DateTimeOriginal="1999-12-31T23:59:00"/></rdf:RDF></x:xmpmeta>'
    )
    with Library(locations()) as library:
        library.scan()
        assert dates(library)[own.name] == ("2001-02-03T04:05:06", None)
        assert dates(library)[side.name] == ("1999-12-31T23:59:00", xmp.name)
        xmp.unlink()  # the sidecar gone: its name dates it again, without reading the photo
        summary = library.scan()
        assert summary.unchanged == 6
        assert dates(library)[side.name] == ("2019-07-15T10:30:00", FROM_NAME)


def test_a_catalog_from_before_dates_its_photos_by_name_without_reading_them(four_photos: Path) -> None:
    shot = make_photo(four_photos / "b" / "Screenshot_2019-07-14-10-30-00.png", seed=43, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
    db = sqlite3.connect(locations().catalog)  # as schema 15 left it: no name dates
    db.execute("UPDATE files SET taken=NULL, taken_from=NULL WHERE taken_from IS NOT NULL")
    db.execute("PRAGMA user_version=15")
    db.commit()
    db.close()
    with Library(locations()) as library:
        assert dates(library)[shot.name] == (None, None)
        summary = library.scan()
        assert summary.unchanged == 5  # no photo read again
        assert dates(library)[shot.name] == ("2019-07-14T10:30:00", FROM_NAME)


def test_a_name_s_date_is_not_camera_data_for_the_keeper() -> None:
    """Of two identical copies without EXIF, the one named by a chat app was kept for its "most
    complete camera data (date taken)"."""
    chat, plain = (
        PhotoInfo(path, "same", 100, 1, 8, 8, "JPEG", taken, None, None, taken_from=source)
        for path, taken, source in (
            ("/lib/chat/IMG-20190714-WA0003.jpg", "2019-07-14T00:00:00", FROM_NAME),
            ("/lib/a/beach.jpg", None, None),
        )
    )
    _, why = choose_keeper([chat, plain], KeeperPolicy())
    assert "camera data" not in why


def test_a_name_not_in_utf8_is_still_its_name_s_date(four_photos: Path) -> None:
    """A hostile review: the name's date of a photo whose name has a byte not UTF-8 was taken
    for a sidecar's (the name kept as words no longer matched the file's)."""
    folder = os.fsencode(four_photos / "b")
    os.makedirs(folder)
    odd = os.path.join(folder, b"IMG_20190714_103000_\xe9.jpg")
    make_photo(Path(os.fsdecode(odd)), seed=44, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
        [photo] = [p for p in library.catalog.photos() if p.path == os.fsdecode(odd)]
        assert photo.taken == "2019-07-14T10:30:00" and photo.dated_by_name


def test_the_timeline_and_an_organize_plan_say_which_dates_are_names(
    four_photos: Path, tmp_path: Path
) -> None:
    """A hostile review: 'timeline' and 'organize --dry-run' listed a name's date as the photo's
    own; a person could not tell which to check."""
    from tests.cli import photoorg

    make_photo(four_photos / "b" / "IMG-20190714-WA0003.jpg", seed=45, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
    listed = photoorg("timeline", "2019-07")
    assert listed.returncode == 0, listed.stderr
    assert "1 photo is dated by its file's name, marked (date from its name)" in listed.stdout
    assert "IMG-20190714-WA0003.jpg  (date from its name)" in listed.stdout
    as_json = json.loads(photoorg("timeline", "2019-07", "--json").stdout)
    assert [p["date_from"] for p in as_json["photos"]] == ["name"]
    plan = photoorg("organize", "--by", "date", "--to", tmp_path / "Sorted", "--dry-run", "-v")
    assert plan.returncode == 0, plan.stderr
    assert (
        "1 photo goes by the date its name says (a phone's or a chat app's: IMG-20190714-WA0003.jpg)"
        in plan.stdout
    )
    assert "IMG-20190714-WA0003.jpg  (date from its name)" in plan.stdout
