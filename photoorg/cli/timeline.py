"""``photoorg timeline [WHEN] [--find TEXT]``: the library by the date each photo was taken, as
the app's All photos shows it (a review: the command line had no way to list it)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
from typing import Any

from photoorg.cli.common import EXIT_OK, EXIT_USAGE, open_library, say, say_missing
from photoorg.core.humanize import agree, plural, printable
from photoorg.core.library import Timeline
from photoorg.core.paths import Locations
from photoorg.core.timeline import shown_date
from photoorg.core.videos import is_video_name

#: A search without a year or month lists the photos it finds up to this many, else counts them.
FIND_LISTS = 200
_WHEN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2}))?$")


def cmd_timeline(args: argparse.Namespace, where: Locations) -> int:
    when = _WHEN.match(args.when or "")
    if args.when and (when is None or not 1 <= int(when["month"] or 1) <= 12):
        say(f"photoorg timeline: WHEN is a year or a month (2023, 2023-05), not {args.when!r}.")
        return EXIT_USAGE
    with open_library(args, where) as library:
        _, missing = library.library_roots()
        say_missing(missing)  # a review: with every folder unplugged it said "scan adds some"
        timeline = library.timeline(args.find or "", only_undated=args.undated)
    year = int(when["year"]) if when else None
    month = int(when["month"]) if when and when["month"] else None
    months = [
        m
        for m in timeline.months
        if year in (None, m.year) and (month is None or (m.month_known and m.month == month))
    ]
    # The photos themselves, not only the months: of a year or month, those without a date, and
    # what a search finds when that fits on a screen or two (a review: --find gave counts only).
    # (--json lists every photo found: a script reads them, not a screen; a new-user review)
    found = sum(m.count for m in months) if args.find and not args.when else 0
    listed = bool(args.when or args.undated or (found and (args.json or found <= FIND_LISTS)))
    rows = [r for m in months for r in range(m.first, m.first + m.count)] if listed else []
    if args.json:
        print(json.dumps(_as_json(timeline, months, rows), indent=2))
        return EXIT_OK
    print(_as_text(timeline, months, rows, args, missing, listed))
    return EXIT_OK


def _as_json(timeline: Timeline, months: list, rows: list[int]) -> dict[str, object]:
    return {
        "months": [
            # "month": null for the photos of a year whose month nobody knows
            {
                "year": m.year,
                "month": m.month if m.month_known else None,
                "photos": m.count,
                "file_dated": m.file_dated,
            }
            for m in months
        ],
        "photos": [
            {
                "path": timeline.photos[r].path,
                "date": timeline.dates[r],
                "file_date": r in timeline.file_dated,
                "date_from": _date_from(timeline, r),
                # a sidecar's year or month alone: "date" is its first day (a new-user review)
                "known": (timeline.photos[r].taken_known if timeline.photos[r].taken else None) or "day",
                # a Live Photo's video, folded behind its still (not a photo of its own here)
                "live_video": live.path if (live := timeline.live.get(timeline.photos[r].path)) else None,
            }
            for r in rows
        ],
    }


def _date_from(timeline: Timeline, row: int) -> str:
    """Where a photo's date comes from: "photo" (its EXIF), "sidecar", "name" (its file's name:
    core.name_dates), "video" (a Live Photo's, the still having none) or "file" (its file's date)."""
    p = timeline.photos[row]
    if row in timeline.file_dated or not p.taken:
        return "file"
    if p.taken_from and is_video_name(p.taken_from):
        return "video"
    return "name" if p.dated_by_name else "photo" if p.own_date else "sidecar"


def _as_text(
    timeline: Timeline,
    months: list,
    rows: list[int],
    args: argparse.Namespace,
    missing: list[str],
    listed: bool,
) -> str:
    found = f' whose name or folder holds "{args.find}"' if args.find else ""
    if args.undated:
        found = f" without a date taken{found}"
    n = sum(m.count for m in months)
    if not n:
        what = f" in {args.when}" if args.when else ""
        return f"No photos{found}{what}." + (
            "" if timeline.photos or found or missing else " 'photoorg scan DIR' adds some."
        )
    by_file = sum(1 for r in rows if r in timeline.file_dated) if listed else len(timeline.file_dated)
    lines = [f"{plural(n, 'photo')}{found}{' in ' + args.when if args.when else ''}, newest first."]
    if args.undated:
        lines.append("Each is placed by its file's date: when the file was last saved or copied. "
                     "'photoorg date PHOTO... --taken 1987-07-14' gives photos a date taken.")  # fmt: skip
    elif by_file:
        lines.append(f"{plural(by_file, 'photo')} without a date taken {'is' if by_file == 1 else 'are'} "
                     "placed by the file's date, marked (file date); 'photoorg timeline --undated' "
                     "lists only those.")  # fmt: skip
    by_name = sum(1 for r in rows if _date_from(timeline, r) == "name")
    if by_name:  # (a hostile review: a name's date was listed as the photo's own)
        its = agree(by_name, "is dated by its", "are dated by their")
        lines.append(f"{plural(by_name, 'photo')} {its} file's name, marked (date from its name); "
                     "'photoorg date' gives another.")  # fmt: skip
    if not listed:  # the years and months: 'photoorg timeline 2023-05' lists one
        lines.append("")
        width = max([16, *(len(m.label) for m in months)])  # ("1975, month unknown")
        for y in dict.fromkeys(m.year for m in months):
            in_year = [m for m in months if m.year == y]
            lines.append(f"{y}  {plural(sum(m.count for m in in_year), 'photo')}")
            lines.extend(f"  {m.label:<{width}} {m.count:>6}{_by_file(m, args.undated)}" for m in in_year)
        lines.append("")
        find = f" --find {shlex.quote(args.find)}" if args.find else ""
        lines.append(
            f"'photoorg timeline 2023{find}' or 'photoorg timeline 2023-05{find}' lists the photos of a "
            "year or month."
        )
        return "\n".join(lines)
    for m in months:
        lines += ["", f"{m.label} ({plural(m.count, 'photo')})"]
        for r in range(m.first, m.first + m.count):
            how = _date_from(timeline, r)
            mark = _MARKS.get(how, "")
            live = timeline.live.get(timeline.photos[r].path)
            if live is not None:
                mark += f"  (Live Photo, with {printable(os.path.basename(live.path))})"
            shown = shown_date(timeline.photos[r], timeline.dates[r])
            lines.append(f"  {shown:<10}  {printable(timeline.photos[r].path)}{mark}")
    return "\n".join(lines)


#: How a listed photo's date is marked, by where it comes from (_date_from; its own: no mark).
_MARKS = {"file": "  (file date)", "name": "  (date from its name)", "video": "  (date from its video)"}


def _by_file(month: Any, undated: bool) -> str:
    """How many of a month's photos are there by their file's date (a review: 149 photos with
    no date taken made the newest month, when they were copied, look like a holiday)."""
    if not month.file_dated or undated:
        return ""
    n = month.file_dated
    return "  (all by file date)" if n == month.count else f"  ({n} by file date)"
