"""*Set date taken*: a date written into the XMP sidecars of photos that have none of their own,
journaled and undoable; the photo itself is never written, and the catalog dates the photos
at once (and again when the action is undone)."""

from __future__ import annotations

import errno
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from photoorg.core import sidecar_writes
from photoorg.core.date_edits import OWN_DATE, SAME_DATE
from photoorg.core.date_words import date_taken_of, when_words
from photoorg.core.errors import PhotoorgError
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.xmp import add_keywords, date_taken, keywords, set_date_taken
from tests.conftest import make_photo
from tests.core.sidecar_kills import KILL_AT

WHEN = datetime(1987, 7, 14, 10, 5)


def dates(library: Library) -> dict[str, tuple[str | None, str | None]]:
    return {os.path.basename(p.path): (p.taken, p.taken_from) for p in library.catalog.photos()}


def known(library: Library) -> dict[str, str | None]:
    return {os.path.basename(p.path): p.taken_known for p in library.catalog.photos()}


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_photo_without_a_date_is_dated_by_a_new_sidecar_and_undo_takes_it_back(four_photos: Path) -> None:
    a = four_photos / "a"
    photos_before = {n: b for n, b in file_bytes(a).items() if n.endswith(".jpg")}
    with Library(locations()) as library:
        assert dates(library)["p1.jpg"] == (None, None)  # by its file's date
        _, outcome = library.set_date_taken([str(a / "p1.jpg")], WHEN)
        assert outcome is not None and outcome.batch is not None and len(outcome.done) == 1
        sidecar = a / "p1.jpg.xmp"
        assert date_taken(sidecar.read_bytes()) == WHEN
        # The catalog has the date at once: the timeline and organize by date see it.
        assert dates(library)["p1.jpg"] == ("1987-07-14T10:05:00", "p1.jpg.xmp")
        assert {
            n: b for n, b in file_bytes(a).items() if n.endswith(".jpg")
        } == photos_before  # photos untouched
        history = library.history()[0][0]
        assert history.summary == "set the date taken to 14 July 1987, 10:05" and history.files == 1
        undone = library.undo()
        assert len(undone.done) == 1 and "undid the date change" in (undone.note or "")
        assert not sidecar.exists()  # the sidecar photoorg made went to the trash
        assert dates(library)["p1.jpg"] == (None, None)  # dated by its file again
        assert library.redo_refused() is None and library.redoable() is not None


def test_a_date_change_undone_is_redone_as_a_new_undoable_action(four_photos: Path) -> None:
    """Edit > Redo after Edit > Undo sets the same date again (it said "set it again by hand")."""
    a = four_photos / "a"
    with Library(locations()) as library:
        _, first = library.set_date_taken([str(a / "p1.jpg"), str(a / "p2.jpg")], WHEN)
        assert first is not None and first.batch is not None
        library.undo()
        redoable = library.redoable()
        assert redoable is not None and redoable.id == first.batch
        again = library.redo(expect=first.batch)
        assert len(again.done) == 2 and again.batch not in (None, first.batch)
        assert again.note == "set the date taken to 14 July 1987, 10:05 again (2 photos)"
        assert date_taken((a / "p1.jpg.xmp").read_bytes()) == WHEN
        assert dates(library)["p1.jpg"] == ("1987-07-14T10:05:00", "p1.jpg.xmp")
        assert dates(library)["p2.jpg"] == ("1987-07-14T10:05:00", "p2.jpg.xmp")
        newest = library.history()[0][0]
        assert newest.summary == f"redo of action {first.batch}: set the date taken to 14 July 1987, 10:05"
        # ... itself undone and redone, named after the first
        library.undo()
        assert not (a / "p1.jpg.xmp").exists() and dates(library)["p1.jpg"] == (None, None)
        library.redo()
        assert library.history()[0][0].summary.startswith("redo of action ")
        assert "redo of action" not in library.history()[0][0].summary[len("redo of action ") :]
        assert dates(library)["p1.jpg"] == ("1987-07-14T10:05:00", "p1.jpg.xmp")


def test_a_month_is_redone_as_a_month_and_a_folder_protected_since_is_left_alone(four_photos: Path) -> None:
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p1.jpg")], datetime(1975, 6, 1), known="month")
        library.undo()
        library.redo()
        assert known(library)["p1.jpg"] == "month" and dates(library)["p1.jpg"][0] == "1975-06-01T00:00:00"
        library.undo()
        library.set_protected(str(a), True)
        assert library.redo_refused() is None  # offered: the plan is made when it runs
        with pytest.raises(
            PhotoorgError, match="Nothing of action 2 can be done again: in a protected folder"
        ):
            library.redo()
        assert not (a / "p1.jpg.xmp").exists() and dates(library)["p1.jpg"] == (None, None)


def test_a_date_change_is_not_redone_once_another_was_made_or_when_photoorg_kept_no_record(
    four_photos: Path,
) -> None:
    a = four_photos / "a"
    with Library(locations()) as library:
        _, first = library.set_date_taken([str(a / "p1.jpg")], WHEN)
        library.undo()
        library.set_date_taken([str(a / "p2.jpg")], datetime(1990, 1, 1))
        assert library.redoable() is None  # something was done since the undo
        library.undo()
        redoable = library.redoable()
        assert first is not None and redoable is not None and redoable.id != first.batch  # the second
        assert library.redo().done  # p2 dated again
        library.undo()
        second = library.history()[0][0]
        # A date change made by a photoorg that kept no record of what it set (before this one)
        with library.catalog.transaction() as db:
            db.execute("DELETE FROM meta WHERE key=?", (f"dates-set-by-action:{second.id}",))
        assert "set it again by hand" in (library.redo_refused() or "")
        with pytest.raises(PhotoorgError, match="set it again by hand"):
            library.redo()


def test_an_existing_sidecar_keeps_everything_else_and_gets_its_earlier_version_back(
    four_photos: Path,
) -> None:
    a = four_photos / "a"
    sidecar = a / "p2.jpg.xmp"
    earlier = add_keywords(None, ["Grandma", "Scans"])
    assert earlier is not None
    sidecar.write_bytes(earlier)
    with Library(locations()) as library:
        library.scan()
        _, outcome = library.set_date_taken([str(a / "p2.jpg")], WHEN)
        assert outcome is not None and len(outcome.done) == 1
        now = sidecar.read_bytes()
        assert date_taken(now) == WHEN and keywords(now) == ["Grandma", "Scans"]
        assert dates(library)["p2.jpg"] == ("1987-07-14T10:05:00", "p2.jpg.xmp")
        # A second date replaces the first (the date a person corrects), and says so (a new-user
        # review: a sidecar's date was written over without a word).
        library.notes.clear()
        library.set_date_taken([str(a / "p2.jpg")], datetime(1988, 1, 2), dry_run=True)
        assert library.notes == ["would replace the date 1 photo had: p2.jpg (1987-07-14, from p2.jpg.xmp)"]
        library.notes.clear()
        library.set_date_taken([str(a / "p2.jpg")], datetime(1988, 1, 2))
        assert library.notes == ["replaced the date 1 photo had: p2.jpg (1987-07-14, from p2.jpg.xmp)"]
        assert dates(library)["p2.jpg"] == ("1988-01-02T00:00:00", "p2.jpg.xmp")
        library.undo()
        library.undo()
        assert sidecar.read_bytes() == earlier  # byte for byte
        assert dates(library)["p2.jpg"] == (None, None)


def test_photos_with_their_own_date_protected_ones_and_unreadable_sidecars_are_left_alone(
    four_photos: Path, tmp_path: Path
) -> None:
    exif = Image.Exif()
    exif[306] = "2001:02:03 04:05:06"
    own = make_photo(four_photos / "b" / "own.jpg", seed=41, size=(64, 48), exif=exif.tobytes())
    kept = make_photo(four_photos / "archive" / "kept.jpg", seed=42, size=(64, 48))
    broken = four_photos / "a" / "p3.jpg.xmp"
    broken.write_bytes(b"<not xml")
    elsewhere = make_photo(tmp_path / "elsewhere.jpg", seed=43, size=(64, 48))
    with Library(locations(), protect=[str(four_photos / "archive")]) as library:
        library.scan()
        before = {os.path.basename(p): Path(p).read_bytes() for p in (own, kept)}
        steps, outcome = library.set_date_taken(
            [
                str(own),
                str(kept),
                str(four_photos / "a" / "p3.jpg"),
                str(elsewhere),
                str(tmp_path / "gone.jpg"),
            ],
            WHEN,
        )
        why = {os.path.basename(s.companion_of or ""): s.skip or "" for s in steps}
        assert why["own.jpg"].startswith(OWN_DATE) and "2001-02-03 04:05:06" in why["own.jpg"]
        assert "protected" in why["kept.jpg"]
        assert "not well-formed XML" in why["p3.jpg"]
        assert "not a photo the library's catalog holds" in why["elsewhere.jpg"]
        assert why["gone.jpg"] == "the photo is not there"
        assert outcome is not None and outcome.batch is None and not outcome.done  # no empty action
        assert broken.read_bytes() == b"<not xml"
        assert not Path(f"{own}.xmp").exists() and not Path(f"{kept}.xmp").exists()
        assert {os.path.basename(p): Path(p).read_bytes() for p in (own, kept)} == before
        assert dates(library)["own.jpg"] == ("2001-02-03T04:05:06", None)


def test_a_dry_run_writes_nothing_and_the_same_date_again_is_no_action(four_photos: Path) -> None:
    a = four_photos / "a"
    with Library(locations()) as library:
        steps, outcome = library.set_date_taken([str(a / "p1.jpg")], WHEN, dry_run=True)
        assert outcome is None and [s.skip for s in steps] == [None]
        assert not (a / "p1.jpg.xmp").exists()
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
        batches = library.history()[1]
        steps, outcome = library.set_date_taken([str(a / "p1.jpg")], WHEN)
        assert [s.skip for s in steps] == [SAME_DATE]
        assert outcome is not None and outcome.batch is None and library.history()[1] == batches


def test_undo_leaves_a_sidecar_another_program_changed_since(four_photos: Path) -> None:
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
        sidecar = a / "p1.jpg.xmp"
        edited = add_keywords(sidecar.read_bytes(), ["edited in digiKam"])
        assert edited is not None
        sidecar.write_bytes(edited)
        outcome = library.undo()
        assert not outcome.done and outcome.failed
        assert "changed since photoorg wrote the date taken into it" in outcome.failed[0][1]
        assert sidecar.read_bytes() == edited  # the other program's edit stays


@pytest.mark.parametrize(
    ("there", "written"),
    [
        # digiKam's whole-name sidecar spelt in capitals: the scan reads it, so it gets the date
        ({"p1.jpg.XMP": "1950-01-01T00:00:00"}, "p1.jpg.XMP"),
        # Takeout's JSON of the whole name is read before IMG_1.xmp: a new p1.jpg.xmp, read first
        ({"p1.jpg.json": "1990", "p1.xmp": None}, "p1.jpg.xmp"),
    ],
)
def test_the_date_goes_into_the_sidecar_a_scan_reads_first(
    four_photos: Path, there: dict[str, str | None], written: str
) -> None:
    """Found by a review: the date went into p1.jpg.xmp beside p1.jpg.XMP, and into p1.xmp
    beside Takeout's p1.jpg.json: "dated", and the timeline kept the other sidecar's date."""
    import json

    a = four_photos / "a"
    for name, date in there.items():
        if name.endswith(".json"):
            (a / name).write_text(json.dumps({"photoTakenTime": {"timestamp": "631152000"}}))  # 1990
        else:
            made = set_date_taken(None, datetime.fromisoformat(date)) if date else add_keywords(None, ["x"])
            assert made is not None
            (a / name).write_bytes(made)
    with Library(locations()) as library:
        library.scan()
        _, outcome = library.set_date_taken([str(a / "p1.jpg")], WHEN)
        assert outcome is not None and [os.path.basename(s.source) for s in outcome.done] == [written]
        assert dates(library)["p1.jpg"] == ("1987-07-14T10:05:00", written)
        library.undo()
        assert dates(library)["p1.jpg"][0] != "1987-07-14T10:05:00"


def test_a_sidecar_too_large_to_be_read_for_dates_is_left_alone(four_photos: Path) -> None:
    """Found by a review: a 5 MB sidecar got the date, which no scan reads (4 MB at most)."""
    sidecar = four_photos / "a" / "p1.jpg.xmp"
    made = add_keywords(None, ["x"])
    assert made is not None
    sidecar.write_bytes(made.replace(b"<x:xmpmeta", b"<!--" + b" " * (5 << 20) + b"-->\n<x:xmpmeta"))
    before = sidecar.read_bytes()
    with Library(locations()) as library:
        library.scan()
        steps, outcome = library.set_date_taken([str(four_photos / "a" / "p1.jpg")], WHEN)
        assert "larger than a scan reads dates from" in (steps[0].skip or "")
        assert outcome is not None and outcome.batch is None and sidecar.read_bytes() == before


def test_stopped_halfway_the_catalog_still_has_the_dates_written(four_photos: Path) -> None:
    """Found by a review: a cancel after the first sidecar left it dated on the disk and not
    in the catalog."""
    from photoorg.core.errors import Cancelled
    from photoorg.core.progress import Progress

    class StopAfterOne(Progress):
        def advance(self, n: int = 1, check: bool = True) -> None:
            if self.stage.startswith("Writing"):
                self.cancel()
            super().advance(n, check)

    a = four_photos / "a"
    with Library(locations()) as library:
        with pytest.raises(Cancelled):
            library.set_date_taken([str(a / "p0.jpg"), str(a / "p1.jpg")], WHEN, progress=StopAfterOne())
        assert (a / "p0.jpg.xmp").exists() and not (a / "p1.jpg.xmp").exists()
        assert dates(library)["p0.jpg"] == ("1987-07-14T10:05:00", "p0.jpg.xmp")
        assert dates(library)["p1.jpg"] == (None, None)
        library.undo()
        assert dates(library)["p0.jpg"] == (None, None) and not (a / "p0.jpg.xmp").exists()


def test_a_sidecar_another_photo_reads_too_is_left_to_it(four_photos: Path) -> None:
    """Found by a review: IMG_1.xmp beside IMG_1.jpg and IMG_1.png got the JPEG's date, which
    dated the PNG too (and a RAW's develop sidecar likewise). The JPEG gets a sidecar of its own."""
    a = four_photos / "a"
    make_photo(a / "IMG_1.jpg", seed=50, size=(64, 48))
    make_photo(a / "IMG_1.png", seed=51, size=(64, 48))
    shared = add_keywords(None, ["both"])
    assert shared is not None
    (a / "IMG_1.xmp").write_bytes(shared)
    with Library(locations()) as library:
        library.scan()
        _, outcome = library.set_date_taken([str(a / "IMG_1.jpg")], WHEN)
        assert outcome is not None and [os.path.basename(s.source) for s in outcome.done] == ["IMG_1.jpg.xmp"]
        assert (a / "IMG_1.xmp").read_bytes() == shared
        assert dates(library)["IMG_1.jpg"] == ("1987-07-14T10:05:00", "IMG_1.jpg.xmp")
        assert dates(library)["IMG_1.png"] == (None, None)


def test_undo_on_a_coarse_clock_still_dates_the_photo_again(four_photos: Path, monkeypatch) -> None:
    """Found by a review: on a FAT card (a 2 s clock) an undo within the same two seconds left
    the sidecar's name and time as the catalog knew them, and the catalog kept the date undone."""
    from photoorg.core import sidecar_undo

    a = four_photos / "a"
    sidecar = a / "p1.jpg.xmp"
    earlier = add_keywords(None, ["k"])
    assert earlier is not None
    sidecar.write_bytes(earlier)
    with Library(locations()) as library:
        library.scan()
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
        assert dates(library)["p1.jpg"][0] == "1987-07-14T10:05:00"
        written_ns = sidecar.stat().st_mtime_ns
        real = sidecar_undo.fsync_dir

        def same_tick(folder: str) -> None:  # the file system's clock: the undo's file gets the same time
            os.utime(sidecar, ns=(written_ns, written_ns))
            real(folder)

        monkeypatch.setattr(sidecar_undo, "fsync_dir", same_tick)
        library.undo()
        assert sidecar.read_bytes() == earlier and sidecar.stat().st_mtime_ns == written_ns
        assert dates(library)["p1.jpg"] == (None, None)


def test_a_photo_named_through_a_link_to_its_folder_is_dated(four_photos: Path, tmp_path: Path) -> None:
    """Found by a review: it was "not in the library's catalog", as trash and move are not."""
    (tmp_path / "link").symlink_to(four_photos / "a")
    with Library(locations()) as library:
        steps, outcome = library.set_date_taken([str(tmp_path / "link" / "p1.jpg")], WHEN)
        assert steps[0].companion_of == str(four_photos / "a" / "p1.jpg")
        assert outcome is not None and len(outcome.done) == 1
        assert dates(library)["p1.jpg"] == ("1987-07-14T10:05:00", "p1.jpg.xmp")
        with pytest.raises(PhotoorgError, match="not a date a photo can have been taken"):
            library.set_date_taken([str(four_photos / "a" / "p2.jpg")], datetime(1800, 1, 1))


def test_dates_as_people_type_them() -> None:
    assert date_taken_of("1987-07-14") == (datetime(1987, 7, 14), "day")
    assert date_taken_of(" 1987-07-14 10:05 ") == (datetime(1987, 7, 14, 10, 5), "day")
    as_exif = date_taken_of("1987-07-14T10:05:30.25+02:00")  # as EXIF keeps it: no time zone
    assert as_exif == (datetime(1987, 7, 14, 10, 5, 30), "day")
    assert date_taken_of("1987-07") == (datetime(1987, 7, 1), "month")  # a scanned print's
    assert date_taken_of("1987") == (datetime(1987, 1, 1), "year")
    next_month = (datetime.now() + timedelta(days=31)).strftime("%Y-%m-%d")  # a review: it was taken
    for wrong in (
        next_month,
        "14/07/1987",
        "1987-13-01",
        "1987-13",
        "yesterday",
        "1800-01-01",
        "1800",
        "2999-01-01",
        "1987-W28",
    ):
        with pytest.raises(PhotoorgError):
            date_taken_of(wrong)
    assert when_words(datetime(1987, 7, 14)) == "14 July 1987"
    assert when_words(datetime(1987, 7, 14, 9, 3)) == "14 July 1987, 09:03"
    assert when_words(datetime(1987, 7, 1), "month") == "July 1987"
    assert when_words(datetime(1987, 1, 1), "year") == "1987"


def test_a_print_known_to_the_year_or_month_only_is_dated_so(four_photos: Path) -> None:
    """A scanned print whose year alone is known: "1987" in photoshop:DateCreated (as XMP lets
    it say, and Lightroom writes it), not a made-up 1 January 00:00; the timeline places it in
    January 1987, its first day. A full date the sidecar had goes, as it would be read first."""
    a = four_photos / "a"
    with Library(locations()) as library:
        _, outcome = library.set_date_taken([str(a / "p1.jpg")], datetime(1987, 7, 14), known="year")
        assert outcome is not None and len(outcome.done) == 1
        sidecar = (a / "p1.jpg.xmp").read_bytes()
        assert b">1987</photoshop:DateCreated>" in sidecar and b"DateTimeOriginal" not in sidecar
        assert dates(library)["p1.jpg"] == ("1987-01-01T00:00:00", "p1.jpg.xmp")
        assert known(library)["p1.jpg"] == "year"  # not January: a new-user review
        from photoorg.core.timeline import shown_date, timeline_of

        timeline = timeline_of(library.catalog.photos())
        [month] = [m for m in timeline.months if m.year == 1987]
        assert month.label == "1987, month unknown" and month.name == "Month unknown" and month.count == 1
        row = month.first
        assert shown_date(timeline.photos[row], timeline.dates[row]) == "1987"
        rest = timeline.subset(r for r in range(len(timeline.photos)) if r != 0)  # (a filter)
        assert "1987, month unknown" in [m.label for m in rest.months]
        assert library.history()[0][0].summary == "set the date taken to 1987"
        exact = set_date_taken(None, WHEN)
        assert exact is not None
        (a / "p2.jpg.xmp").write_bytes(exact)
        library.scan()
        _, outcome = library.set_date_taken([str(a / "p2.jpg")], datetime(1990, 5, 20), known="month")
        assert outcome is not None and len(outcome.done) == 1
        changed = (a / "p2.jpg.xmp").read_bytes()
        assert b">1990-05</photoshop:DateCreated>" in changed and b"DateTimeOriginal" not in changed
        assert dates(library)["p2.jpg"] == ("1990-05-01T00:00:00", "p2.jpg.xmp")
        assert known(library)["p2.jpg"] == "month"
        steps, _ = library.set_date_taken([str(a / "p2.jpg")], datetime(1990, 5, 3), known="month")
        assert [s.skip for s in steps] == [SAME_DATE]
        library.undo()
        assert (a / "p2.jpg.xmp").read_bytes() == exact
        assert dates(library)["p2.jpg"][0] == "1987-07-14T10:05:00" and known(library)["p2.jpg"] is None
        # Organized by date, a year alone goes into the year's folder, with no month made up.
        from photoorg.core.library import OrganizeRequest

        plan = library.organize_plan(OrganizeRequest("date", str(four_photos / "sorted")))
        placed = {os.path.basename(p.photo.path): p.target for p in plan.photos if p.target}
        assert placed["p1.jpg"] == str(four_photos / "sorted" / "1987" / "p1.jpg")
        assert placed["p2.jpg"] == str(four_photos / "sorted" / "1987" / "1987-07" / "p2.jpg")


def test_the_date_goes_where_other_tools_keep_it_and_nowhere_else() -> None:
    attr = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        b' exif:DateTimeOriginal="1999-01-01T00:00:00" exif:Flash="0"/></rdf:RDF></x:xmpmeta>'
    )
    changed = set_date_taken(attr, WHEN)
    assert changed is not None and date_taken(changed) == WHEN
    assert changed.count(b"DateTimeOriginal") == 1 and b'exif:Flash="0"' in changed  # replaced in place
    element = changed.replace(b' exif:DateTimeOriginal="1987-07-14T10:05:00"', b"").replace(
        b"/></rdf:RDF>",
        b"><exif:DateTimeOriginal>1999-01-01</exif:DateTimeOriginal></rdf:Description></rdf:RDF>",
    )
    assert date_taken(element) == datetime(1999, 1, 1)
    again = set_date_taken(element, WHEN)
    assert (
        again is not None and date_taken(again) == WHEN and again.count(b"DateTimeOriginal") == 2
    )  # open+close
    assert set_date_taken(again, WHEN) is None
    # A day after a year: the year said in photoshop:DateCreated says the day too (a review:
    # Bridge and exiftool showed the year set before).
    year = set_date_taken(None, datetime(1987, 1, 1), "year")
    assert year is not None
    day = set_date_taken(year, datetime(1990, 5, 6))
    assert day is not None and b">1987<" not in day and day.count(b"1990-05-06") == 2
    # A day without a time of day is written as the day alone (other tools showed midnight).
    assert b"T00:00:00" not in day and date_taken(day) == datetime(1990, 5, 6)
    # Found by a review: a value that is no date, beside photoshop:DateCreated saying the date
    # wanted, was left (other tools read it first); so was another description's other date.
    odd = attr.replace(b'"1999-01-01T00:00:00"', b'"garbage" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
                       b' photoshop:DateCreated="1987-07-14T10:05:00"')  # fmt: skip
    fixed = set_date_taken(odd, WHEN)
    assert fixed is not None and b"garbage" not in fixed and date_taken(fixed) == WHEN
    second = (
        b'<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        b"<exif:DateTimeOriginal>2001-01-01</exif:DateTimeOriginal></rdf:Description></rdf:RDF>"
    )
    two = attr.replace(b"</rdf:RDF>", second)
    both = set_date_taken(two, WHEN)
    assert (
        both is not None
        and b"1999-01-01" not in both
        and b"2001" not in both
        and both.count(b"1987-07-14T10:05:00") == 2
    )


KILLER = (
    KILL_AT
    + r"""
from datetime import datetime
with Library(locations()) as library:
    if what == "write":
        library.set_date_taken(sys.argv[4:], datetime(1987, 7, 14, 10, 5))
    else:
        library.undo()
"""
)


# p1.jpg.xmp is made, then p2.jpg.xmp (there before) changed; undone in the opposite order.
@pytest.mark.parametrize(
    ("name", "nth", "what"),
    [
        ("fsync_dir", 1, "write"),  # p1's sidecar made, not journaled done
        ("place", 1, "write"),  # p2's earlier version kept, p2 not written yet
        ("copymode", 1, "write"),  # p2's new version in its temporary file
        ("fsync_dir", 2, "write"),  # p2 replaced, not journaled done
        ("fsync_dir", 1, "undo"),  # p2 put back, not journaled undone
        ("move_to_trash", 1, "undo"),  # p1's sidecar in the trash, not journaled undone
    ],
)
def test_a_kill_at_any_point_loses_no_sidecar_and_undo_still_works(
    four_photos: Path, name: str, nth: int, what: str
) -> None:
    import signal
    import subprocess
    import sys

    a = four_photos / "a"
    earlier = add_keywords(None, ["Scans"])
    assert earlier is not None
    (a / "p2.jpg.xmp").write_bytes(earlier)
    photos = [str(a / "p1.jpg"), str(a / "p2.jpg")]
    before = file_bytes(a)
    if what == "undo":
        with Library(locations()) as library:
            library.set_date_taken(photos, WHEN)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, name, str(nth), what, *photos], env=env, capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # The next photoorg settles what the kill left (under the lock), then undo finishes the job.
    with Library(locations()) as library:
        library.scan()
        if any(b.undone is None and b.files for b in library.history()[0]):
            library.undo()
        assert file_bytes(a) == before  # every sidecar as it was, byte for byte; no temporary file
        assert dates(library)["p1.jpg"] == (None, None) and dates(library)["p2.jpg"] == (None, None)


def test_months_and_days_nobody_knows_are_not_made_up_by_the_timeline_or_organize(four_photos: Path) -> None:
    """Found by a review: "month unknown" split January in two; a template of {day} filed the
    year-only photos of 1969 and 1975 together; a part naming the month took the known year with
    it ("{year}-{month}-{day} {name}" named the file without its year)."""
    from photoorg.core.library import OrganizeRequest
    from photoorg.core.timeline import timeline_of

    a = four_photos / "a"
    with Library(locations()) as library:
        for name, when, known_to in (
            ("p0.jpg", datetime(1975, 1, 1), "year"),
            ("p1.jpg", datetime(1975, 1, 1), "month"),
            ("p2.jpg", datetime(1975, 1, 14), "day"),
            ("p3.jpg", datetime(1969, 1, 1), "year"),
        ):
            library.set_date_taken([str(a / name)], when, known=known_to)
        timeline = timeline_of(library.catalog.photos())
        labels = [(m.label, [os.path.basename(p.path) for p in timeline.photos[m.first : m.first + m.count]])
                  for m in timeline.months]  # fmt: skip
        assert labels == [
            ("January 1975", ["p2.jpg", "p1.jpg"]),
            ("1975, month unknown", ["p0.jpg"]),
            ("1969, month unknown", ["p3.jpg"]),
        ]

        def placed(template: str) -> dict[str, str]:
            plan = library.organize_plan(OrganizeRequest("date", str(four_photos / "out"), template=template))
            out = str(four_photos / "out") + os.sep
            return {os.path.basename(p.photo.path): (p.target or "").replace(out, "") for p in plan.photos}

        assert placed("{day}") == {"p0.jpg": "1975/p0.jpg", "p1.jpg": "1975/p1.jpg", "p2.jpg": "14/p2.jpg",
                                   "p3.jpg": "1969/p3.jpg"}  # fmt: skip
        assert placed("{year}/{year}-{month}-{day} {name}") == {
            "p0.jpg": "1975/1975 p0.jpg",
            "p1.jpg": "1975/1975-01 p1.jpg",
            "p2.jpg": "1975/1975-01-14 p2.jpg",
            "p3.jpg": "1969/1969 p3.jpg",
        }
        assert placed("{month_name} {year}/{name}")["p0.jpg"] == "1975/p0.jpg"


def test_a_full_disk_or_a_second_photoorg_changes_no_sidecar(four_photos: Path, monkeypatch) -> None:
    """The attacks the keyword writer (shared with dates) is held to: a disk full while the new
    version is written leaves the sidecar as it was and no action to undo; while another
    photoorg holds the library, a photoorg told not to wait writes nothing."""
    from photoorg.core.errors import LibraryBusy

    a = four_photos / "a"
    earlier = add_keywords(None, ["k"])
    assert earlier is not None
    (a / "p2.jpg.xmp").write_bytes(earlier)
    with (
        Library(locations()) as other,
        other.writing(),  # another photoorg at work
        Library(locations(), wait=False) as library,
        pytest.raises(LibraryBusy),
    ):
        library.set_date_taken([str(a / "p1.jpg"), str(a / "p2.jpg")], WHEN)
    assert not (a / "p1.jpg.xmp").exists() and (a / "p2.jpg.xmp").read_bytes() == earlier

    def full(*_args: object, **_kw: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sidecar_writes, "temp_name", full)  # the new version cannot be written
    with Library(locations()) as library:
        _, outcome = library.set_date_taken([str(a / "p1.jpg"), str(a / "p2.jpg")], WHEN)
        assert outcome is not None and not outcome.done and len(outcome.failed) == 2
        assert all("No space left" in why for _, why in outcome.failed)
        assert outcome.batch is None and library.undoable() is None  # nothing to undo, nothing claimed
        assert dates(library)["p1.jpg"] == (None, None) and dates(library)["p2.jpg"] == (None, None)
    assert not (a / "p1.jpg.xmp").exists() and (a / "p2.jpg.xmp").read_bytes() == earlier
    assert not [p for p in a.iterdir() if p.name.startswith(".photoorg-")]  # no temporary file left
    assert not list((locations().catalog.parent / "sidecar-originals").rglob("*.xmp"))  # no kept copy left


def test_a_catalog_that_cannot_be_written_is_said_as_such_not_as_an_unexpected_error(
    four_photos: Path, monkeypatch
) -> None:
    """A hostile review: on a full disk the writing stopped with its careful message ("once the
    catalog can be written again, 'photoorg undo'..."), then reading the dates again failed too
    and its bare disk I/O error, "unexpected", took the first one's place."""
    import sqlite3

    from photoorg.core import date_edits
    from photoorg.core.catalog import Catalog
    from photoorg.core.errors import CatalogError

    said = "The catalog could not be written (disk I/O error), so the date change stopped."

    def stopped(*_args: object, **_kw: object) -> object:
        raise CatalogError(said)

    def failing(*_args: object, **_kw: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(date_edits, "write_dates", stopped)
    monkeypatch.setattr(Catalog, "read_sidecars_again", failing)
    a = four_photos / "a"
    with Library(locations()) as library, pytest.raises(CatalogError) as raised:
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
    assert str(raised.value) == said


def test_a_sidecar_keeps_its_owner_and_extended_attributes_and_undo_gives_its_time_back(
    four_photos: Path,
) -> None:
    """A hostile review: a date written into a sidecar took its owner, its extended attributes
    (macOS tags, another program's marks) and, after the undo, its time; a hard link was parted.
    Undo said "put back the earlier version" of what was only its content."""
    a = four_photos / "a"
    earlier = add_keywords(None, ["k"])
    assert earlier is not None
    sidecar = a / "p1.jpg.xmp"
    sidecar.write_bytes(earlier)
    os.chmod(sidecar, 0o640)
    xattrs = hasattr(os, "setxattr")
    if xattrs:
        os.setxattr(sidecar, "user.darktable", b"keep me")
    os.utime(sidecar, ns=(1_577_880_000 * 10**9, 1_577_880_000 * 10**9))  # 2020-01-01
    owner = (1234, 2345) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(sidecar, *owner)
    linked = a / "p2.jpg.xmp"
    linked.write_bytes(earlier)
    os.link(linked, four_photos / "elsewhere.xmp")
    with Library(locations()) as library:
        _, outcome = library.set_date_taken([str(a / "p1.jpg"), str(a / "p2.jpg")], WHEN)
        assert outcome is not None and [s.source for s in outcome.done] == [str(sidecar)]
        [(why)] = [s.skip for s in outcome.skipped if s.source == str(linked)]
        assert why == "its sidecar p2.jpg.xmp has another name too (a hard link); left as it is"
        st = sidecar.stat()
        assert (st.st_uid, st.st_gid) == owner and st.st_mode & 0o777 == 0o640
        assert not xattrs or os.getxattr(sidecar, "user.darktable") == b"keep me"
        assert st.st_mtime_ns > 1_577_880_000 * 10**9  # a new version: a new time
        library.undo()
    st = sidecar.stat()
    assert sidecar.read_bytes() == earlier and st.st_mtime_ns == 1_577_880_000 * 10**9
    assert (st.st_uid, st.st_gid) == owner and st.st_mode & 0o777 == 0o640
    assert not xattrs or os.getxattr(sidecar, "user.darktable") == b"keep me"
    assert linked.stat().st_nlink == 2 and linked.read_bytes() == earlier


def test_a_sidecar_of_another_user_is_left_as_it_is(four_photos: Path, monkeypatch) -> None:
    """Written anew under its name, another user's sidecar (a shared family folder) would become
    the sidecar of the user running photoorg, who cannot give it back: it is left as it is."""
    from photoorg.core.paths import FolderSet
    from photoorg.core.sidecar_writes import unwritable

    sidecar = four_photos / "a" / "p1.jpg.xmp"
    sidecar.write_bytes(b"<x:xmpmeta/>")
    monkeypatch.setattr(os, "geteuid", lambda: sidecar.stat().st_uid + 1, raising=False)
    why = unwritable(str(four_photos / "a" / "p1.jpg"), str(sidecar), FolderSet([]))
    assert why == "its sidecar p1.jpg.xmp belongs to another user; left as it is"


def test_redo_sets_again_only_what_the_undo_took_back(four_photos: Path) -> None:
    """Found by a hostile review: the undo of action 1 could not take p1's date back (a later
    date change had written that sidecar since), and Redo "set again" 1987 over that later date."""
    a = four_photos / "a"
    with Library(locations()) as library:
        _, first = library.set_date_taken([str(a / "p1.jpg"), str(a / "p2.jpg")], WHEN)
        library.set_date_taken([str(a / "p1.jpg")], datetime(1990, 1, 1, 12, 0))
        assert first is not None and first.batch is not None
        undone = library.undo(first.batch)  # p2 back; p1's sidecar is the later action's now
        assert len(undone.done) == 1 and len(undone.failed) == 1
        again = library.redo()
        assert again.note == "set the date taken to 14 July 1987, 10:05 again (1 photo)"
        assert dates(library)["p1.jpg"][0] == "1990-01-01T12:00:00"  # the later date stays
        assert dates(library)["p2.jpg"][0] == "1987-07-14T10:05:00"
        # An undo that took nothing back leaves nothing to do again.
        _, third = library.set_date_taken([str(a / "p3.jpg")], WHEN)
        library.set_date_taken([str(a / "p3.jpg")], datetime(1991, 1, 1))
        assert third is not None and third.batch is not None
        assert not library.undo(third.batch).done
        assert "put nothing back: there is nothing to do again" in (library.redo_refused() or "")
        with pytest.raises(PhotoorgError, match="put nothing back"):
            library.redo()
        assert dates(library)["p3.jpg"][0] == "1991-01-01T00:00:00"


def test_a_redo_that_writes_nothing_says_so_and_is_no_action(
    four_photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a hostile review: on a full disk, Redo said "again (0 photos)", exit 0, and
    "'photoorg undo' takes it back" of nothing."""
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
        library.undo()
        newest = library.history()[0][0].id

        def full(*_args: object, **_kw: object) -> str:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(sidecar_writes, "temp_name", full)
        with pytest.raises(PhotoorgError, match="Nothing of action 1 was done again: No space left"):
            library.redo()
        assert library.history()[0][0].id == newest and not (a / "p1.jpg.xmp").exists()
        # ... and what the dropped action kept is forgotten (its number may be another's later)
        kept = library.catalog._db.execute("SELECT key FROM meta WHERE key LIKE 'dates-set-by-action:%'")
        assert [k for (k,) in kept] == ["dates-set-by-action:1"]


@pytest.mark.parametrize(
    "kept", ["{", "null", '{"when": "1987-07-14T10:05:00"}', '{"when": "x", "known": "day"}']
)
def test_what_a_date_change_kept_that_cannot_be_read_is_refused_in_words(
    four_photos: Path, kept: str
) -> None:
    """Found by a hostile review: Redo was offered, then failed with "unexpected error"."""
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p1.jpg")], WHEN)
        library.undo()
        with library.catalog.transaction() as db:
            db.execute("UPDATE meta SET value=? WHERE key='dates-set-by-action:1'", (kept,))
        assert "set it again by hand" in (library.redo_refused() or "")
        with pytest.raises(PhotoorgError, match="set it again by hand"):
            library.redo()


def test_a_catalog_that_cannot_keep_what_a_date_change_sets_stops_it_before_any_sidecar(
    four_photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a hostile review: the sidecars were written, the command said the disk was
    full, and the action could be undone but never redone."""
    import sqlite3

    from photoorg.core.catalog import Catalog

    a = four_photos / "a"

    def full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with Library(locations()) as library:
        monkeypatch.setattr(Catalog, "set_meta", full)
        with pytest.raises(sqlite3.OperationalError):
            library.set_date_taken([str(a / "p1.jpg")], WHEN)
        assert not (a / "p1.jpg.xmp").exists() and library.undoable() is None
        assert dates(library)["p1.jpg"] == (None, None)


def test_photos_of_a_folder_removed_from_the_library_are_not_dated(four_photos: Path, tmp_path: Path) -> None:
    """Found by a hostile review (a redo wrote into the removed folder: the catalog keeps its
    rows)."""
    other = tmp_path / "Other"
    make_photo(other / "q1.jpg", seed=45, size=(64, 48))
    with Library(locations()) as library:
        library.add_folders([str(other)])
        library.scan()
        library.set_date_taken([str(other / "q1.jpg")], WHEN)
        library.undo()
        library.remove_folder(str(other))
        steps, outcome = library.set_date_taken([str(other / "q1.jpg")], WHEN)
        assert (
            outcome is not None
            and not outcome.done
            and "not in the library's folders" in (steps[0].skip or "")
        )
        with pytest.raises(PhotoorgError, match="not in the library's folders"):
            library.redo()
        assert not (other / "q1.jpg.xmp").exists()


def test_a_plan_lists_each_folder_once(four_photos: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a hostile review: each photo's folder was listed again for it (3,000 photos of
    one folder took 28 s to date)."""
    a = four_photos / "a"
    for i in range(4, 40):
        make_photo(a / f"p{i}.jpg", seed=i, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
        photos = [str(p) for p in sorted(a.glob("*.jpg"))]
        listed: list[str] = []
        scandir, listdir = os.scandir, os.listdir
        monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or scandir(path))
        monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or listdir(path))
        steps, _ = library.set_date_taken(photos, WHEN, dry_run=True)
        assert len(steps) == 40 and all(s.skip is None for s in steps)
        assert listed.count(str(a)) == 1, listed


def test_a_redo_dates_the_photo_it_dated_not_one_given_its_name_since(four_photos: Path) -> None:
    """Found by a hostile review: p3.jpg renamed x.jpg and p0.jpg renamed p3.jpg by another
    program, the redo dated p0's content under p3's name."""
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p3.jpg")], WHEN)
        library.undo()
        os.rename(a / "p3.jpg", a / "x.jpg")
        os.rename(a / "p0.jpg", a / "p3.jpg")
        library.scan()
        why = "p3.jpg is not the photo action 1 changed, where it was"
        assert why in (library.redo_refused() or "")  # not offered, then refused (a review)
        with pytest.raises(PhotoorgError, match=why):
            library.redo()
        assert not (a / "p3.jpg.xmp").exists() and dates(library)["p3.jpg"] == (None, None)


def test_a_date_redo_writes_into_the_sidecar_it_wrote_and_no_other(four_photos: Path) -> None:
    """Found by a hostile review: after the undo, another program made p3.xmp, and the redo
    put the date there (p3.jpg.xmp, the one the date change had made, was not made again)."""
    a = four_photos / "a"
    with Library(locations()) as library:
        library.set_date_taken([str(a / "p3.jpg")], WHEN)
        library.undo()
        theirs = add_keywords(None, ["from digiKam"])
        assert theirs is not None
        (a / "p3.xmp").write_bytes(theirs)
        library.scan()
        with pytest.raises(PhotoorgError, match=r"its date would go into p3\.xmp now, not p3\.jpg\.xmp"):
            library.redo()
        assert (a / "p3.xmp").read_bytes() == theirs and not (a / "p3.jpg.xmp").exists()


def test_a_date_change_undone_after_its_photo_was_moved_blames_no_move(
    four_photos: Path, tmp_path: Path
) -> None:
    """Found by a hostile review: the undo of a date change whose sidecar a later move had
    carried made that move look like an undo stopped halfway, and Redo was refused for good,
    naming the move."""
    from photoorg.core.actions import Action

    a, b = four_photos / "a", four_photos / "b"
    b.mkdir()
    with Library(locations()) as library:
        _, dated = library.set_date_taken([str(a / "p3.jpg")], WHEN)
        library.act(Action.MOVE, [str(a / "p3.jpg")], str(b))
        assert (b / "p3.jpg.xmp").exists() and dated is not None and dated.batch is not None
        assert library.undo(dated.batch).done
        assert not (b / "p3.jpg.xmp").exists() and (b / "p3.jpg").exists()  # the move stays
        why = library.redo_refused() or ""
        assert "stopped before it finished" not in why and "p3.jpg is not the photo action 1 changed" in why
