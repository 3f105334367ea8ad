"""``photoorg scan`` and ``photoorg bench``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from photoorg.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    add_given,
    library_roots_or_say,
    missing_paths,
    open_library,
    print_notes,
    progress_bar,
    say,
)
from photoorg.core.humanize import plural, printable
from photoorg.core.library import Library, ScanSummary
from photoorg.core.paths import Locations, as_in_library, is_under
from photoorg.core.progress import Progress


def cmd_scan(args: argparse.Namespace, where: Locations) -> int:
    if missing_paths(args.folders):
        return EXIT_USAGE
    with open_library(args, where, allow_download=True) as library:
        if args.folders:
            roots = add_given(library, args.folders).roots
            if not roots:
                say("photoorg: nothing to scan: give folders, or photos inside the library's folders.")
                return EXIT_USAGE
        else:
            found = library_roots_or_say(library)
            if found is None:
                return EXIT_USAGE
            roots = found
        print_notes(library)
        bar = ProgressBar()
        try:
            summary = library.scan(roots, Progress(on_change=bar))
        except KeyboardInterrupt:
            bar.close()
            say("Interrupted. Everything committed so far is kept; run the same command to continue.")
            return EXIT_INTERRUPTED
        finally:
            bar.close()
        library.reembed_offer = library.pending_offer()  # said at every scan until done
        print_notes(library)
    if args.json:
        print(json.dumps(summary_dict(summary, where), indent=2))
    else:
        print_summary(summary, where)
    if summary.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.ok else EXIT_FAILED


def summary_dict(s: ScanSummary, where: Locations) -> dict:
    return {
        "folders": s.roots,
        "model": s.model,
        "model_key": s.model_key,
        "model_error": s.model_error,
        "seen": s.seen,
        "videos": s.videos,
        "live_videos": s.live_videos,
        "embedded": s.embedded,
        "reused": s.unchanged + s.reused,
        "unchanged": s.unchanged,
        "reused_by_content": s.reused,
        "not_embedded": s.not_embedded,
        "removed_from_catalog": s.removed,
        "excluded_from_catalog": s.excluded,
        "skipped_this_run": s.passed_over,
        "failed": len(s.failures),
        "failures": [{"path": f.path, "reason": f.reason} for f in s.failures],
        "cancelled": s.cancelled,
        "seconds": round(s.elapsed, 3),
        "model_load_seconds": round(s.load_elapsed, 3),
        "photos_per_second": round(s.photos_per_second, 2),
        "catalog": str(where.catalog),
    }


def print_summary(s: ScanSummary, where: Locations) -> None:
    out = sys.stdout
    folders = "folder" if len(s.roots) == 1 else "folders"
    # Without the model it names none (a new-user review: "with facebook/dinov2-base", then "no model")
    model = s.model if s.model and not s.model_error else "no model (exact copies only)"
    loading = f" (the model loaded in {s.load_elapsed:.1f} s)" if s.load_elapsed >= 0.1 else ""
    print(f"Scanned {len(s.roots)} {folders} with {model} in {s.elapsed:.1f} s{loading}", file=out)
    rate = f"  ({s.photos_per_second:.1f} photos/s)" if s.embedded else ""
    its = "its" if s.live_videos == 1 else "their"
    live = f"; {plural(s.live_videos, 'Live Photo video')}, shown with {its} photo" if s.live_videos else ""
    videos = f"  (and {plural(s.videos, 'video')}: catalogued, not embedded{live})" if s.videos else ""
    print(f"  photos seen:        {s.seen - s.videos}{videos}", file=out)
    print(f"  embedded:           {s.embedded}{rate}", file=out)
    print(
        f"  reused from cache:  {s.unchanged + s.reused}"
        f"  (unchanged {s.unchanged}; known by their content, moved, copied or back: {s.reused})",
        file=out,
    )
    if s.not_embedded:
        print(
            f"  not embedded:       {s.not_embedded}  (no model; catalogued for exact duplicates)", file=out
        )
    if s.removed:
        print(f"  gone from disk:     {s.removed}  (forgotten by the catalog)", file=out)
    if s.excluded:
        print(
            f"  left out:           {s.excluded}  (matched an excluded pattern; the files are untouched)",
            file=out,
        )
    if s.passed_over:
        print(
            f"  skipped this run:   {s.passed_over}  (matched --exclude; they stay in the catalog)", file=out
        )
    print(f"  failed:             {len(s.failures)}", file=out)
    for f in s.failures:
        print(f"    {printable(f.path)}: {f.reason}", file=out)
    if s.model_error:
        print(f"\nNot embedded: {s.model_error}", file=out)
    if s.cancelled:
        print("\nCancelled. Everything committed so far is kept; run the same command to continue.", file=out)
    print(f"Catalog: {where.catalog}", file=out)


def bring_up_to_date(library: Library, roots: list[str] | None = None) -> ScanSummary:
    """The incremental scan the other commands run first (it never downloads the model)."""
    with progress_bar() as progress:
        summary = library.scan(roots, progress)
    print_notes(library)
    new = summary.embedded + summary.reused
    note = f" ({new} new or changed)" if new else ""
    # The photos as 'library list' counts them: the unreadable ones apart (an app review read
    # "215 photos, 2 unreadable" here and 213 photos there).
    readable = summary.seen - len(summary.failures) - summary.live_videos  # (a Live Photo: one)
    say(f"Catalog up to date: {plural(readable, 'photo')}{note}, {len(summary.failures)} unreadable.")
    return summary


def as_given(library: Library, folders: Sequence[str]) -> list[str]:
    """The folders a person gave, named as the library names them: a link into a library
    folder is that folder (a hostile review: looked at as outside, its photos catalogued twice)."""
    return [as_in_library(f, library.saved_settings.folders) for f in folders]


def look_outside(library: Library, folders: Sequence[str]) -> list[str]:
    """The folders given to look in (``duplicates DIR``, ``similar --in DIR``) that are outside
    the library's folders, read (catalogued and embedded) without becoming library folders: a
    look never changes the library (a review: 'similar --in CARD' added a memory card, and the
    duplicates' clean-up then kept the card's copy of a photo and trashed the library's)."""
    roots = library.saved_settings.folders
    outside = [f for f in dict.fromkeys(os.path.abspath(f) for f in folders) if not is_under(f, roots)]
    if outside:
        with progress_bar() as progress:
            summary = library.scan(outside, progress)
        print_notes(library)
        readable = summary.seen - len(summary.failures) - summary.live_videos  # (a Live Photo: one)
        names = " ".join(printable(f) for f in outside)
        them = "it" if len(outside) == 1 else "them"
        say(
            f"Looked at {plural(readable, 'photo')} under {names} without adding {them} to the library "
            f"('photoorg library add {names}' adds {them}; the photos are read already)."
        )
    return outside


def cmd_bench(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import bench

    if missing_paths(args.folders):
        return EXIT_USAGE
    with open_library(args, where, allow_download=True) as library:
        return bench.run(args, library.embedder())
