"""The command line's arguments. A flag that is not given leaves the saved setting as it is:
defaults live in :class:`photoorg.core.settings.Settings`, and ``--help`` shows them from there."""

from __future__ import annotations

import argparse

from photoorg import __version__
from photoorg.cli.options import (
    DEFAULTS,
    at_least,
    command_group,
    common_options,
    cosine,
    described,
    embedding_options,
    folders_argument,
    folders_option,
    no_wait,
)
from photoorg.cli.parser_albums import add_album_commands
from photoorg.cli.parser_files import add_file_commands
from photoorg.core.duplicates import Verdict
from photoorg.core.keeper import DEFAULT_RULES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photoorg",
        description="Organize photo folders: DINOv2 embeddings, groups of similar photos, duplicates. "
        "With no command, the desktop app starts. The app and these commands share one library: "
        "its folders, protected folders and settings.",
    )
    parser.add_argument("--version", action="version", version=f"photoorg {__version__}")
    common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lib_sub = command_group(
        sub,
        "library",
        "list, add, remove or protect the library's folders (shared with the app)",
        "The folders photoorg looks at, as the app shows them. Photos in a protected "
        "folder (a library folder or any folder inside one) are never trashed, moved or proposed "
        "for removal, by the app or by these commands.",
        model=False,
    )
    listing = described(
        lib_sub, "list", "the library's folders, protected folders and photo counts", model=False
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    problems = described(
        lib_sub, "problems", "the files the scans could not read, and why (the app's Problems)", model=False
    )
    problems.add_argument("--json", action="store_true", help="print JSON")
    add = described(lib_sub, "add", "add folders to the library (without scanning them)", model=False)
    add.add_argument("folders", nargs="+", metavar="DIR", help="photo folders")
    add.add_argument("--protect", dest="protect_added", action="store_true", help="and protect them")
    model = described(
        lib_sub,
        "model",
        "show the model the library uses, or choose it (a hub id or a local folder), as the "
        "app's settings do: every later command and the app use it",
        model=False,
    )
    model.add_argument(
        "model_name", nargs="?", metavar="MODEL", help="a hub id (facebook/dinov2-base) or a model folder"
    )
    for name, text in (
        ("remove", "take a folder out of the library (its photos are not touched)"),
        ("protect", "protect a library folder, or a folder inside one"),
        ("unprotect", "take a folder's protection away"),
    ):
        one = described(lib_sub, name, text, model=False)
        one.add_argument("folder", metavar="DIR", help="a folder")

    scan = sub.add_parser(
        "scan",
        help="find photos in the library's folders (or DIR) and embed them into the catalog",
        description="Find photos under the folders and bring the catalog up to date: new and changed "
        "photos are embedded, unchanged ones are skipped, moved ones keep their vectors. A folder "
        "that is not in the library yet is added to it. The first scan downloads the model "
        "(unless --offline).",
    )
    common_options(scan, top=False)
    folders_argument(scan, "photo folders, searched recursively; one not in the library is added to it")
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="also skip files or folders matching this glob in this run (repeatable; the saved "
        "patterns always apply)",
    )
    scan.add_argument("--json", action="store_true", help="print the summary as JSON")
    embedding_options(scan)

    tl = described(
        sub,
        "timeline",
        "the library by the date each photo was taken, newest first (the app's All photos)",
        description="With no WHEN, the years and months with how many photos each has; with a year "
        "or a month, its photos, each with its date. A photo without a date taken is placed by its "
        "file's date and marked so. No scan: what the last one found.",
        model=False,
    )
    tl.add_argument("when", nargs="?", metavar="WHEN", help="a year (2023) or a month (2023-05)")
    tl.add_argument("--find", metavar="TEXT", help="only photos whose name or folder holds TEXT")
    tl.add_argument(
        "--undated",
        action="store_true",
        help="only the photos without a date taken (placed by their file's date, which is when the "
        "file was last saved or copied)",
    )
    tl.add_argument("--json", action="store_true", help="print JSON")

    groups = sub.add_parser(
        "groups",
        help="show the library's groups of similar photos",
        description="Bring the catalog up to date, then show the library's groups of similar "
        "photos (HDBSCAN over the DINOv2 vectors), each with its id, which it keeps across "
        "rescans, and its name. Photos that fit no group are listed as Unsorted. With DIR, only "
        "the photos under DIR are shown.",
    )
    common_options(groups, top=False)
    folders_argument(groups, "show only photos under these folders of the library")
    groups.add_argument(
        "--min-group-size",
        type=at_least(2),
        default=None,
        metavar="N",
        help=f"smallest group for this run (default: the setting, {DEFAULTS.min_group_size}); a run "
        "with other grouping options shows its groups but keeps the library's",
    )
    groups.add_argument(
        "--method",
        choices=("eom", "leaf"),
        default=None,
        help="eom: fewer, broader groups (default); leaf: more, finer groups",
    )
    groups.add_argument("--members", action="store_true", help="list every photo of every group")
    groups.add_argument(
        "--rename", nargs=2, metavar=("ID", "NAME"), help="name group ID (an empty NAME takes the name away)"
    )
    groups.add_argument(
        "--move",
        nargs="+",
        metavar="PHOTO",
        help="put these photos into the group given with --to (also after every regrouping)",
    )
    groups.add_argument(
        "--to", metavar="ID", help="the group --move puts photos in ('unsorted': out of their groups)"
    )
    groups.add_argument(
        "--merge",
        nargs=2,
        type=int,
        metavar=("ID", "OTHER"),
        help="the photos of group OTHER join group ID, which keeps its id and name",
    )
    groups.add_argument("--json", action="store_true", help="print JSON")
    embedding_options(groups)

    similar = described(sub, "similar", "find the photos most like a given photo, most similar first")
    similar.add_argument("photo", metavar="PHOTO", help="a photo file")
    similar.add_argument("-k", type=at_least(1), default=10, metavar="N", help="how many (default 10)")
    folders_option(
        similar,
        "--in",
        "search only photos under DIR (repeatable; default: the library's; a folder outside "
        "the library is read, not added to it)",
        dest="folders",
    )
    similar.add_argument("--json", action="store_true", help="print JSON")
    embedding_options(similar)

    th = sub.add_parser(
        "thresholds",
        help="judge the duplicate thresholds on your own photos: a histogram and example pairs",
        description="The two thresholds (same image, similar shots) are starting points from "
        "published practice, not values tuned on your photos. This shows how similar each photo is "
        "to its nearest neighbour in the library (a sample of 5,000 in a larger one), where the "
        "thresholds fall, and pairs of photos at a similarity, so you can see where 'the same "
        "picture' ends. --set-same / --set-similar save new values (the app's Settings too).",
    )
    common_options(th, top=False)
    th.add_argument(
        "--at",
        type=cosine,
        action="append",
        metavar="COS",
        help="show example pairs at this similarity (repeatable)",
    )
    th.add_argument("--set-same", type=cosine, metavar="COS", help="save this 'same image' threshold")
    th.add_argument("--set-similar", type=cosine, metavar="COS", help="save this 'similar shots' threshold")
    th.add_argument("--json", action="store_true", help="print the histogram and pairs as JSON")
    embedding_options(th)

    dups = sub.add_parser(
        "duplicates",
        help="find duplicate photos, suggest which copy to keep, and trash the rest (--trash)",
        description="Bring the catalog up to date, then list duplicate sets among the library's "
        "photos (or those under DIR): exact copies, the same image saved again, and similar "
        "shots, each with the copy to keep and why. --trash moves the copies and re-saves that "
        "are not kept to the trash (the plan first, then a question; 'photoorg undo' puts them "
        "back); similar shots are different photos and are never trashed for you.",
    )
    common_options(dups, top=False)
    folders_argument(
        dups, "look only at photos under these folders (one outside the library is read, not added)"
    )
    dups.add_argument(
        "--verdict",
        action="append",
        choices=[v.value for v in Verdict],
        help="only these kinds of set (repeatable; default: all)",
    )
    dups.add_argument(
        "--same-threshold",
        type=float,
        default=None,
        metavar="COS",
        help=f"embedding similarity for 'same image' (default: the setting, {DEFAULTS.same_threshold})",
    )
    dups.add_argument(
        "--similar-threshold",
        type=float,
        default=None,
        metavar="COS",
        help=f"embedding similarity for 'similar' (default: the setting, {DEFAULTS.similar_threshold})",
    )
    dups.add_argument(
        "--offer-raw-jpegs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="offer the JPEG a camera wrote beside its RAW (IMG_1.JPG beside IMG_1.CR2) as a "
        "duplicate of the RAW; by default the pair is one shot and the JPEG is never offered "
        "(default: the setting, off unless changed in the app's Settings)",
    )
    folders_option(
        dups, "--protect", "also treat this folder as protected: its photos are always kept (repeatable)"
    )
    folders_option(dups, "--prefer", "prefer keeping photos in this folder when all else is equal")
    dups.add_argument(
        "--keeper-rules",
        type=lambda text: [r.strip() for r in text.split(",") if r.strip()],
        metavar="RULES",
        help="comma-separated order of the rules that pick the copy to keep (default: "
        f"{','.join(DEFAULT_RULES)})",
    )
    dups.add_argument(
        "--mark",
        nargs=2,
        metavar=("SET_ID", "DECISION"),
        help="remember a decision about a set: not-duplicates (they are different photos), "
        "keep-both (duplicates, but every one stays), or forget (the set is proposed again); "
        "remembered by content, so it survives renames, moves and rescans",
    )
    dups.add_argument(
        "--trash",
        action="store_true",
        help="move the copies and re-saves not kept (all but each set's keeper; never a protected "
        "photo, never a similar shot) to the trash, as one action; asks after the plan",
    )
    dups.add_argument("--dry-run", action="store_true", help="with --trash: print the plan, change nothing")
    dups.add_argument(
        "-y", "--yes", action="store_true", help="with --trash: do it without asking (a script needs --yes)"
    )
    dups.add_argument("--json", action="store_true", help="print JSON")
    no_wait(dups)
    embedding_options(dups)

    add_file_commands(sub)

    add_album_commands(sub)

    entry = sub.add_parser(
        "desktop-entry",
        help="put photoorg in the desktop's menu, or take it out (Linux)",
        description="Write (install) or remove the menu entry (a .desktop file) and photoorg's icons "
        "under $XDG_DATA_HOME (default ~/.local/share), whatever --home says. The entry starts "
        "this installation of photoorg: the Python of its venv, or the bundle's own program.",
    )
    common_options(entry, top=False, model=False)
    entry.add_argument(
        "desktop_command", choices=("install", "remove"), metavar="install|remove", help="what to do"
    )

    st = sub.add_parser(
        "settings",
        help="show the settings the app keeps (File > Settings), or change one",
        description="With no NAME, every setting and its value (and its default, when changed); "
        "with NAME, its value; with NAME VALUE, a new value (a list setting takes every VALUE: "
        '\'photoorg settings exclude "*.tmp" "Thumbs/*"\'). The app and every command use them; '
        "a command's own flags (--device, the thresholds) apply to that one run only.",
    )
    common_options(st, top=False, model=False)
    st.add_argument("name", nargs="?", metavar="NAME", help="a setting's name (with no NAME: all of them)")
    st.add_argument("values", nargs="*", metavar="VALUE", help="its new value")
    st.add_argument("--reset", action="store_true", help="give the setting its default back")
    st.add_argument("--json", action="store_true", help="print every setting as JSON")

    bench = sub.add_parser(
        "bench",
        help="measure photos per second: decode, model, end to end, naive",
        description="Measure decode-only, model-only and end-to-end speed on "
        "the photos under DIR, beside the naive path (full decode, "
        "transformers image processor, fp32, one photo at a time).",
    )
    common_options(bench, top=False)
    bench.add_argument("folders", nargs="+", metavar="DIR", help="folders of photos to measure with")
    bench.add_argument(
        "--limit", type=at_least(1), default=None, metavar="N", help="use at most N photos (default: all)"
    )
    bench.add_argument(
        "--naive-limit",
        type=at_least(1),
        default=24,
        metavar="N",
        help="photos for the slow naive path (default 24)",
    )
    bench.add_argument(
        "--no-int8",
        dest="int8",
        action="store_false",
        help="on a CPU, leave out the int8 rows (they make the int8 model the first time)",
    )
    bench.add_argument("--json", action="store_true", help="print the table as JSON")
    embedding_options(bench)
    return parser
