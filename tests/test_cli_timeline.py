"""The library by date and its problems from the command line, as the app's All photos and
Problems pages show them (a review: the command line had neither)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.cli import photoorg


def test_the_timeline_lists_months_then_a_months_photos_and_finds_by_name_or_folder(
    library, tiny_model, tmp_path
) -> None:
    (library / "2024" / "broken.jpg").write_bytes(b"not a jpeg")
    base = ("--home", tmp_path / "h-timeline", "--model", tiny_model)
    assert photoorg(*base, "scan", library).returncode == 0
    listed = json.loads(photoorg(*base, "timeline", "--json").stdout)
    assert sum(m["photos"] for m in listed["months"]) == 10 and listed["photos"] == []
    newest = listed["months"][0]
    when = f"{newest['year']}-{newest['month']:02d}"
    month = json.loads(photoorg(*base, "timeline", when, "--json").stdout)
    assert len(month["photos"]) == newest["photos"] and all(
        p["date"].startswith(when) for p in month["photos"]
    )
    dates = [p["date"] for p in month["photos"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    text = photoorg(*base, "timeline", when).stdout
    assert text.startswith(f"{newest['photos']} photos in {when}, newest first.")
    assert all(f"  {p['date']}  {p['path']}" in text for p in month["photos"])
    found = json.loads(photoorg(*base, "timeline", "--find", "2023", "--json").stdout)
    assert sum(m["photos"] for m in found["months"]) == 6  # the folder 2023, not the library's name
    # A search lists what it finds, not only how many a month (a review).
    in_2023 = sorted(str(p) for p in (library / "2023").glob("*.*"))
    assert sorted(p["path"] for p in found["photos"]) == in_2023
    found_text = photoorg(*base, "timeline", "--find", "2023").stdout
    assert all(f"  {p['path']}" in found_text for p in found["photos"])
    assert photoorg(*base, "timeline", "--find", "pictures").stdout.startswith("10 photos whose name")
    assert photoorg(*base, "timeline", "2023-13").returncode == 2
    problems = photoorg(*base, "library", "problems")
    assert problems.returncode == 0 and f"  {library / '2024' / 'broken.jpg'}: " in problems.stdout


def test_a_library_folder_not_there_is_named_as_a_folder_by_problems_and_the_timeline(
    library, tiny_model, tmp_path
) -> None:
    """A review: with its drive unplugged, 'library problems' called the folder "1 file could not
    be read" and the timeline said "No photos. 'photoorg scan DIR' adds some"."""
    base = ("--home", tmp_path / "h-gone", "--model", tiny_model)
    assert photoorg(*base, "scan", library).returncode == 0
    library.rename(tmp_path / "unplugged")
    problems = photoorg(*base, "library", "problems")
    assert problems.stdout.startswith("1 library folder not there (a disconnected drive?)")
    assert f"  {library}\n" in problems.stdout and "could not be read" not in problems.stdout
    timeline = photoorg(*base, "timeline")
    assert timeline.returncode == 0 and timeline.stdout.strip() == "No photos."
    assert f"Note: the library folder {library} is not there" in timeline.stderr


def test_photos_without_a_date_taken_are_said_by_month_and_listed_alone(tmp_path, tiny_model) -> None:
    """A new-user review: 149 photos copied today, without a date taken, made "December 2026"
    the library's biggest month, and nothing said why; nor could they be listed alone."""
    from tests.core.test_organize import dated

    lib = tmp_path / "Pictures"
    dated(lib / "trip" / "a.jpg", 1, "2019:05:01 10:00:00")
    dated(lib / "trip" / "b.jpg", 2, "2019:05:02 10:00:00")
    for i in range(3):
        dated(lib / "scans" / f"s{i}.jpg", 10 + i, None)
    base = ("--home", tmp_path / "h-undated", "--model", tiny_model)
    assert photoorg(*base, "scan", lib).returncode == 0
    text = photoorg(*base, "timeline").stdout
    assert "'photoorg timeline --undated' lists only those" in text
    assert "  May 2019" in text and "(all by file date)" in text
    [by_file] = [line for line in text.splitlines() if "(all by file date)" in line]
    assert by_file.split()[2] == "3"  # the month the scans were made in, said to be by file date
    only = photoorg(*base, "timeline", "--undated")
    assert only.stdout.startswith("3 photos without a date taken, newest first.")
    assert all(f"{lib / 'scans' / f's{i}.jpg'}  (file date)" in only.stdout for i in range(3))
    assert "a.jpg" not in only.stdout
    listed = json.loads(photoorg(*base, "timeline", "--undated", "--json").stdout)
    assert sorted(p["path"] for p in listed["photos"]) == [str(lib / "scans" / f"s{i}.jpg") for i in range(3)]
    assert all(p["file_date"] for p in listed["photos"]) and listed["months"][0]["file_dated"] == 3
    # Two of them get the date of the prints they are scans of; the timeline places them there.
    assert "'photoorg date PHOTO... --taken 1987-07-14' gives photos a date taken." in only.stdout
    scans = [str(lib / "scans" / f"s{i}.jpg") for i in range(2)]
    dated_now = photoorg(*base, "date", *scans, str(lib / "trip" / "a.jpg"), "--taken", "1990-05-01 09:30")
    assert dated_now.returncode == 0, dated_now.stderr
    assert f"  dated  {scans[0]} -> {scans[0]}.xmp" in dated_now.stdout
    assert f"  skip  {lib / 'trip' / 'a.jpg'}: it has a date taken of its own" in dated_now.stdout
    done = "Done: 2 photos dated 1 May 1990, 09:30, action 1. 'photoorg undo' takes it back."
    assert done in dated_now.stdout
    text = photoorg(*base, "timeline").stdout
    assert "  May 1990              2" in text and "1 photo without a date taken is placed" in text
    assert photoorg(*base, "undo").returncode == 0
    assert "May 1990" not in photoorg(*base, "timeline").stdout and not os.path.exists(f"{scans[0]}.xmp")
    again = photoorg(*base, "redo")  # the same date for the same photos, as action 2
    assert again.returncode == 0, again.stderr
    assert "Set the date taken to 1 May 1990, 09:30 again (2 photos): action 2." in again.stdout
    assert "  May 1990              2" in photoorg(*base, "timeline").stdout
    assert photoorg(*base, "undo").returncode == 0 and not os.path.exists(f"{scans[0]}.xmp")
    wrong = photoorg(*base, "date", *scans, "--taken", "01/05/1990")
    assert wrong.returncode == 1 and "is not a date photoorg reads" in wrong.stderr
    no_day = photoorg(*base, "date", *scans, "--taken", "2020-02-30")  # well written, no such day
    assert no_day.returncode == 1 and "'2020-02-30' is no day of the calendar." in no_day.stderr
    print_known = photoorg(*base, "date", str(lib / "scans" / "s2.jpg"), "--taken", "1985")  # the year only
    assert "Done: 1 photo dated 1985, action 3." in print_known.stdout
    assert "  1985, month unknown      1" in photoorg(*base, "timeline").stdout  # on its first day, said so
    year = photoorg(*base, "timeline", "1985")  # and listed with what is known (a new-user review)
    assert f"  1985        {lib / 'scans' / 's2.jpg'}" in year.stdout and "1985-01-01" not in year.stdout
    [listed] = json.loads(photoorg(*base, "timeline", "1985", "--json").stdout)["photos"]
    assert listed["known"] == "year" and listed["date"] == "1985-01-01"
    folder = photoorg(*base, "date", str(lib / "scans"), "--taken", "1990-05-01")
    assert folder.returncode == 2 and f"{lib / 'scans'} is a folder; photoorg dates photos." in folder.stderr


_FIND_LISTS_3 = """
import sys
from photoorg.cli import main, timeline
timeline.FIND_LISTS = 3  # "many": more than 3
sys.exit(main(sys.argv[1:]))
"""


def test_a_search_that_finds_many_photos_counts_them_by_month_and_lists_them_all_in_json(
    library, tiny_model, tmp_path
) -> None:
    """A new-user review: 'timeline --find TEXT --json' gave "photos": [] where 214 matched (the
    text, more than a screen, counts them by month and says so)."""
    home = str(tmp_path / "h-many")
    assert photoorg("--home", home, "--model", tiny_model, "scan", library).returncode == 0

    def timeline(*args: str) -> str:
        run = [sys.executable, "-c", _FIND_LISTS_3, "--home", home, "timeline", "--find", "img", *args]
        done = subprocess.run(run, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert len(json.loads(timeline("--json"))["photos"]) == 10
    text = timeline()
    assert text.startswith('10 photos whose name or folder holds "img"') and "--find img' lists" in text
