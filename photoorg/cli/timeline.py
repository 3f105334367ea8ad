"""``photoorg timeline [WHEN] [--find TEXT]``: the library by the date each photo was taken, as
the app's All photos shows it (a review: the command line had no way to list it)."""

from __future__ import annotations

import argparse
import json
import re

from photoorg.cli.common import EXIT_OK, EXIT_USAGE, open_library, say, say_missing
from photoorg.core.humanize import plural, printable
from photoorg.core.library import Timeline
from photoorg.core.paths import Locations

_WHEN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2}))?$")


def cmd_timeline(args: argparse.Namespace, where: Locations) -> int:
    when = _WHEN.match(args.when or "")
    if args.when and (when is None or not 1 <= int(when["month"] or 1) <= 12):
        say(f"photoorg timeline: WHEN is a year or a month (2023, 2023-05), not {args.when!r}.")
        return EXIT_USAGE
    with open_library(args, where) as library:
        _, missing = library.library_roots()
        say_missing(missing)  # a review: with every folder unplugged it said "scan adds some"
        timeline = library.timeline(args.find or "")
    year = int(when["year"]) if when else None
    month = int(when["month"]) if when and when["month"] else None
    months = [m for m in timeline.months if year in (None, m.year) and month in (None, m.month)]
    rows = [r for m in months for r in range(m.first, m.first + m.count)] if args.when else []
    if args.json:
        print(json.dumps(_as_json(timeline, months, rows), indent=2))
        return EXIT_OK
    print(_as_text(timeline, months, rows, args, missing))
    return EXIT_OK


def _as_json(timeline: Timeline, months: list, rows: list[int]) -> dict[str, object]:
    return {
        "months": [{"year": m.year, "month": m.month, "photos": m.count} for m in months],
        "photos": [
            {
                "path": timeline.photos[r].path,
                "date": timeline.dates[r],
                "file_date": r in timeline.file_dated,
            }
            for r in rows
        ],
    }


def _as_text(
    timeline: Timeline, months: list, rows: list[int], args: argparse.Namespace, missing: list[str]
) -> str:
    found = f' whose name or folder holds "{args.find}"' if args.find else ""
    n = sum(m.count for m in months)
    if not n:
        what = f" in {args.when}" if args.when else ""
        return f"No photos{found}{what}." + (
            "" if timeline.photos or found or missing else " 'photoorg scan DIR' adds some."
        )
    by_file = sum(1 for r in rows if r in timeline.file_dated) if args.when else len(timeline.file_dated)
    lines = [f"{plural(n, 'photo')}{found}{' in ' + args.when if args.when else ''}, newest first."]
    if by_file:
        lines.append(f"{plural(by_file, 'photo')} without a date taken {'is' if by_file == 1 else 'are'} "
                     "placed by the file's date, marked (file date).")  # fmt: skip
    if not args.when:  # the years and months, each with its photos: 'photoorg timeline 2023-05' lists them
        lines.append("")
        for y in dict.fromkeys(m.year for m in months):
            in_year = [m for m in months if m.year == y]
            lines.append(f"{y}  {plural(sum(m.count for m in in_year), 'photo')}")
            lines.extend(f"  {m.label:<16} {m.count:>6}" for m in in_year)
        lines.append("")
        lines.append(
            "'photoorg timeline 2023' or 'photoorg timeline 2023-05' lists the photos of a year or month."
        )
        return "\n".join(lines)
    for m in months:
        lines += ["", f"{m.label} ({plural(m.count, 'photo')})"]
        for r in range(m.first, m.first + m.count):
            mark = "  (file date)" if r in timeline.file_dated else ""
            lines.append(f"  {timeline.dates[r]}  {printable(timeline.photos[r].path)}{mark}")
    return "\n".join(lines)
