"""The command line's arguments. A flag that is not given leaves the saved setting as it is:
defaults live in :class:`photoorg.core.settings.Settings`, and ``--help`` shows them from there."""

from __future__ import annotations

import argparse

from photoorg import __version__
from photoorg.core.duplicates import Verdict
from photoorg.core.embedder import DEVICES, DTYPES, PREPROCESS_CHOICES
from photoorg.core.folder_names import DEFAULT_TEMPLATE, TEMPLATE_FIELDS
from photoorg.core.keeper import DEFAULT_RULES
from photoorg.core.settings import Settings

_DEFAULTS = Settings()


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    """--home, --model and -v, before the command (``top``) or after it."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=default,
        help="keep the catalog, settings and logs under DIR "
        "(default: the usual per-user folders; also $PHOTOORG_HOME)",
    )
    parser.add_argument(
        "--model",
        metavar="M",
        default=default,
        help="DINOv2 model for this run: a Hugging Face id or a local folder "
        f"(default: the one in the settings, {_DEFAULTS.model} unless changed in the app)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show informational messages",
    )


def _no_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="when another photoorg is changing this library, fail at once (exit code 75) "
        "instead of waiting for it",
    )


def _embedding_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default=None,
        help="where to run the model (default: the setting; auto: CUDA, then Apple MPS, then CPU)",
    )
    parser.add_argument(
        "--dtype",
        choices=DTYPES,
        default=None,
        help=(
            "number format (default: the setting; auto: fp16 on GPUs, bf16 on CPUs that have it, "
            "else fp32; int8: faster on a CPU, the model made once in int8 for ONNX Runtime)"
        ),
    )
    parser.add_argument(
        "--preprocess",
        choices=PREPROCESS_CHOICES,
        default=None,
        help=(
            "how photos are prepared for the model (default: the setting; auto: as the library's "
            f"photos were, the newest, {PREPROCESS_CHOICES[-1]}, for a new library). A newer "
            "version looks at every photo again; the notes say when one exists and how long "
            "that would take"
        ),
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        default=None,
        help="photos per model batch (default 64 on CUDA, 32 on MPS, 16 on CPU)",
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", default=None, help="decode threads (default: cores - 1, 2 to 16)"
    )
    parser.add_argument(
        "--offline", action="store_true", help="never download the model; use only what is on this computer"
    )


def _folders(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "folders",
        nargs="*",
        metavar="DIR",
        help=f"{what} (default: the library's folders; a folder not in the library is added to it)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photoorg",
        description="Organise photo folders: DINOv2 embeddings, groups of similar photos, duplicates. "
        "With no command, the desktop app starts. The app and these commands share one library: "
        "its folders, protected folders and settings.",
    )
    parser.add_argument("--version", action="version", version=f"photoorg {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lib = sub.add_parser(
        "library",
        help="list, add, remove or protect the library's folders (shared with the app)",
        description="The folders photoorg looks at, as the app shows them. Photos in a protected "
        "folder (a library folder or any folder inside one) are never trashed, moved or proposed "
        "for removal, by the app or by these commands.",
    )
    _common(lib, top=False)
    lib_sub = lib.add_subparsers(dest="library_command", metavar="WHAT", required=True)
    listing = lib_sub.add_parser("list", help="the library's folders, protected folders and photo counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add = lib_sub.add_parser("add", help="add folders to the library (without scanning them)")
    add.add_argument("folders", nargs="+", metavar="DIR")
    add.add_argument("--protect", dest="protect_added", action="store_true", help="and protect them")
    model = lib_sub.add_parser(
        "model",
        help="show the model the library uses, or choose it (a hub id or a local folder), as the "
        "app's settings do: every later command and the app use it",
    )
    model.add_argument("model_name", nargs="?", metavar="MODEL")
    for name, text in (
        ("remove", "take a folder out of the library (its photos are not touched)"),
        ("protect", "protect a library folder, or a folder inside one"),
        ("unprotect", "take a folder's protection away"),
    ):
        one = lib_sub.add_parser(name, help=text)
        one.add_argument("folder", metavar="DIR")

    scan = sub.add_parser(
        "scan",
        help="find photos in the library's folders (or DIR) and embed them into the catalog",
        description="Find photos under the folders and bring the catalog up to date: new and changed "
        "photos are embedded, unchanged ones are skipped, moved ones keep their vectors. A folder "
        "that is not in the library yet is added to it. The first scan downloads the model "
        "(unless --offline).",
    )
    _common(scan, top=False)
    _folders(scan, "photo folders, searched recursively")
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="also skip files or folders matching this glob in this run (repeatable; the saved "
        "patterns always apply)",
    )
    scan.add_argument("--json", action="store_true", help="print the summary as JSON")
    _embedding_options(scan)

    bench = sub.add_parser(
        "bench",
        help="measure photos per second: decode, model, end to end, naive",
        description="Measure decode-only, model-only and end-to-end speed on "
        "the photos under DIR, beside the naive path (full decode, "
        "transformers image processor, fp32, one photo at a time).",
    )
    _common(bench, top=False)
    bench.add_argument("folders", nargs="+", metavar="DIR")
    bench.add_argument(
        "--limit", type=int, default=None, metavar="N", help="use at most N photos (default: all)"
    )
    bench.add_argument(
        "--naive-limit", type=int, default=24, metavar="N", help="photos for the slow naive path (default 24)"
    )
    bench.add_argument(
        "--no-int8",
        dest="int8",
        action="store_false",
        help="on a CPU, leave out the int8 rows (they make the int8 model the first time)",
    )
    bench.add_argument("--json", action="store_true", help="print the table as JSON")
    _embedding_options(bench)

    groups = sub.add_parser(
        "groups",
        help="show the library's groups of similar photos",
        description="Bring the catalog up to date, then show the library's groups of similar "
        "photos (HDBSCAN over the DINOv2 vectors), each with its id, which it keeps across "
        "rescans, and its name. Photos that fit no group are listed as Unsorted. With DIR, only "
        "the photos under DIR are shown.",
    )
    _common(groups, top=False)
    _folders(groups, "show only photos under these folders")
    groups.add_argument(
        "--min-group-size",
        type=int,
        default=None,
        metavar="N",
        help=f"smallest group for this run (default: the setting, {_DEFAULTS.min_group_size}); a run "
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
    _embedding_options(groups)

    th = sub.add_parser(
        "thresholds",
        help="judge the duplicate thresholds on your own photos: a histogram and example pairs",
        description="The two thresholds (same image, similar shots) are starting points from "
        "published practice, not values tuned on your photos. This shows how similar each photo is "
        "to its nearest neighbour in the library (a sample of 5,000 in a larger one), where the "
        "thresholds fall, and pairs of photos at a similarity, so you can see where 'the same "
        "picture' ends. --set-same / --set-similar save new values (the app's Settings too).",
    )
    _common(th, top=False)
    th.add_argument(
        "--at",
        type=float,
        action="append",
        metavar="COS",
        help="show example pairs at this similarity (repeatable)",
    )
    th.add_argument("--set-same", type=float, metavar="COS", help="save this 'same image' threshold")
    th.add_argument("--set-similar", type=float, metavar="COS", help="save this 'similar shots' threshold")
    th.add_argument("--json", action="store_true", help="print the histogram and pairs as JSON")
    _embedding_options(th)

    dups = sub.add_parser(
        "duplicates",
        help="find duplicate photos and suggest which copy to keep",
        description="Bring the catalog up to date, then list duplicate sets among the library's "
        "photos (or those under DIR): exact copies, the same image saved again, and similar "
        "shots, each with the copy to keep and why.",
    )
    _common(dups, top=False)
    _folders(dups, "look only at photos under these folders")
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
        help=f"embedding similarity for 'same image' (default: the setting, {_DEFAULTS.same_threshold})",
    )
    dups.add_argument(
        "--similar-threshold",
        type=float,
        default=None,
        metavar="COS",
        help=f"embedding similarity for 'similar' (default: the setting, {_DEFAULTS.similar_threshold})",
    )
    dups.add_argument(
        "--offer-raw-jpegs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="offer the JPEG a camera wrote beside its RAW (IMG_1.JPG beside IMG_1.CR2) as a "
        "duplicate of the RAW; by default the pair is one shot and the JPEG is never offered "
        "(default: the setting, off unless changed in the app's Settings)",
    )
    dups.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="DIR",
        help="also treat this folder as protected: its photos are always kept (repeatable)",
    )
    dups.add_argument(
        "--prefer",
        action="append",
        default=[],
        metavar="DIR",
        help="prefer keeping photos in this folder when all else is equal",
    )
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
        help="remember a decision about a set: not-duplicates, keep-both, or forget; remembered "
        "by content, so it survives renames, moves and rescans",
    )
    dups.add_argument("--json", action="store_true", help="print JSON")
    _embedding_options(dups)

    for name, helptext in (
        ("trash", "move photos to the system trash (undo brings them back)"),
        ("move", "move photos into a folder (never overwrites; undo moves them back)"),
        ("copy", "copy photos into a folder (never overwrites)"),
    ):
        act = sub.add_parser(
            name,
            help=helptext,
            description=helptext[0].upper()
            + helptext[1:]
            + ". Each photo is first checked against the catalog: a photo that changed since it "
            "was scanned is skipped, and so is a photo in a protected folder (the library's, set "
            "here or in the app). Every action is journaled and can be undone.",
        )
        _common(act, top=False)
        act.add_argument("paths", nargs="+", metavar="PHOTO")
        if name != "trash":
            act.add_argument("--to", required=True, metavar="DIR", help="destination folder")
        if name != "copy":
            act.add_argument(
                "--protect",
                action="append",
                default=[],
                metavar="DIR",
                help="also never touch photos in this folder (repeatable)",
            )
        act.add_argument("--dry-run", action="store_true", help="print exactly what would happen, do nothing")
        _no_wait(act)

    alb = sub.add_parser(
        "album",
        help="albums taught by example: show a few photos, photoorg finds the rest",
        description="An album is what you mean ('the dog', 'receipts'), across years and folders. "
        "Make one from a few example photos; photoorg trains a classifier on their DINOv2 vectors and "
        "suggests the photos most likely to belong; accept or reject them and the suggestions improve. "
        "Albums are kept by content (they survive moves and renames); 'photoorg undo' takes back "
        "any change.",
    )
    _common(alb, top=False)
    alb_sub = alb.add_subparsers(dest="album_command", metavar="WHAT", required=True)
    alb_list = alb_sub.add_parser("list", help="the albums and how many photos each holds")
    alb_list.add_argument("--json", action="store_true", help="print JSON")
    for name, text in (
        ("create", "make an album from example photos"),
        ("add", "add example photos to an album"),
        ("accept", "accept suggested photos into an album"),
        ("reject", "reject suggested photos (they are not suggested again)"),
        ("remove", "take photos out of an album (the photos are not touched)"),
    ):
        one = alb_sub.add_parser(name, help=text)
        one.add_argument("name", metavar="NAME")
        one.add_argument("photos", nargs="+", metavar="PHOTO")
    suggest = alb_sub.add_parser("suggest", help="the photos most likely to belong to an album, best first")
    suggest.add_argument("name", metavar="NAME")
    suggest.add_argument("-k", type=int, default=20, metavar="N", help="how many (default 20)")
    suggest.add_argument("--json", action="store_true", help='print [{"path", "score"}, ...], best first')
    show = alb_sub.add_parser("show", help="the photos of an album")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help='print {"name", "members": [paths]}')
    _embedding_options(suggest)
    kw = alb_sub.add_parser(
        "keywords",
        help="write the album's name as a keyword into its photos' XMP sidecars",
        description="Write the album's name as a keyword (dc:subject, which digiKam, darktable, "
        "Lightroom and exiftool read) into the XMP sidecar of each of its photos: IMG.jpg.xmp, or "
        "an existing IMG.xmp. A sidecar that exists keeps everything else; its earlier version is "
        "kept until the action is undone. Photos are never changed, nor anything in a protected "
        "folder. 'photoorg undo' takes the keyword out again.",
    )
    kw.add_argument("name", metavar="NAME")
    kw.add_argument("--dry-run", action="store_true", help="print which sidecars would change, write nothing")
    _no_wait(kw)

    org = sub.add_parser(
        "organize",
        help="sort photos into folders by date or by group (the plan first)",
        description="Sort the library's photos (or those under DIR) into folders under --to: by "
        "date taken with a template, or one folder per group. The plan is printed first (folders "
        "and counts, what stays, name collisions, protected photos, bytes), then carried out as "
        "one action that 'photoorg undo' reverses. Sidecars (.xmp, .aae, .json), a Live Photo's "
        ".mov and a RAW of the same shot go with their photo. A DIR outside the library (a "
        "memory card) is imported: photos the library already has are left out.",
    )
    _common(org, top=False)
    org.add_argument("folders", nargs="*", metavar="DIR", help="photos to organize (default: the library)")
    org.add_argument(
        "--by", choices=("date", "group"), required=True, help="folders by date taken, or by group"
    )
    org.add_argument("--to", required=True, metavar="DEST", help="the folder the new folders go in")
    org.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="T",
        help=f"folders by date (default {DEFAULT_TEMPLATE}); fields: "
        + ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        + "; with {name} it names the file too",
    )
    org.add_argument("--copy", action="store_true", help="copy instead of move (an import from a card)")
    org.add_argument(
        "--file-date",
        action="store_true",
        help="photos without a date taken use their file's date (default: they go to undated/)",
    )
    org.add_argument(
        "--group", action="append", type=int, metavar="ID", help="only the photos of this group (repeatable)"
    )
    org.add_argument("--album", metavar="NAME", help="only the photos of this album")
    org.add_argument(
        "--prune-empty",
        action="store_true",
        help="remove the folders the move leaves empty (never one that holds anything)",
    )
    org.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    org.add_argument("--json", action="store_true", help="print the plan (and what was done) as JSON")
    _no_wait(org)

    undo = sub.add_parser(
        "undo",
        help="undo the last trash/move/copy, or the one numbered N",
        description="Put the files of an action back, each checked to be the photo the action "
        "left. Without N: the newest action with files still to put back (an interrupted undo "
        "goes on where it stopped). With N: that action, retrying files an earlier undo could "
        "not put back.",
    )
    _common(undo, top=False)
    undo.add_argument(
        "batch", nargs="?", type=int, metavar="N", help="an action number from 'photoorg history'"
    )
    _no_wait(undo)
    redo = sub.add_parser(
        "redo",
        help="do the action undone last again (if nothing was done since)",
        description="Trash, move or copy again the files the last undo put back, as a new action "
        "(undoable like any other), each checked again as a first run would be.",
    )
    _common(redo, top=False)
    _no_wait(redo)
    hist = sub.add_parser(
        "history",
        help="list the file actions photoorg did, newest first",
        description="The file actions (trash, move, copy, organize) and changes to groups and albums "
        "photoorg did, newest first, with their numbers: 'photoorg undo N' takes one back.",
    )
    _common(hist, top=False)
    hist.add_argument("batch", nargs="?", type=int, metavar="N", help="list the files of action N")
    hist.add_argument(
        "--limit", type=int, default=50, metavar="N", help="show at most N actions (default 50)"
    )
    hist.add_argument("--json", action="store_true", help="print JSON")

    entry = sub.add_parser(
        "desktop-entry",
        help="put photoorg in the desktop's menu, or take it out (Linux)",
        description="Write (install) or remove the menu entry (a .desktop file) and photoorg's icons "
        "under $XDG_DATA_HOME (default ~/.local/share), whatever --home says. The entry starts "
        "this installation of photoorg: the Python of its venv, or the bundle's own program.",
    )
    _common(entry, top=False)
    entry.add_argument("desktop_command", choices=("install", "remove"), metavar="install|remove")

    similar = sub.add_parser("similar", help="find the photos most like a given photo")
    _common(similar, top=False)
    similar.add_argument("photo", metavar="PHOTO")
    similar.add_argument("-k", type=int, default=10, metavar="N", help="how many (default 10)")
    similar.add_argument(
        "--in",
        dest="folders",
        action="append",
        default=[],
        metavar="DIR",
        help="search only photos under DIR (repeatable; default: the whole catalog)",
    )
    similar.add_argument("--json", action="store_true", help="print JSON")
    _embedding_options(similar)
    return parser
