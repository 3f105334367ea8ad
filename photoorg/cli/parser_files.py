"""The arguments of the commands that change files: trash, move, copy, organize, date, undo,
redo, and the history of what they did. Each is one journaled action the library service carries out."""

from __future__ import annotations

from typing import Any

from photoorg.cli.options import at_least, common_options, folders_option, no_wait
from photoorg.core.folder_names import DEFAULT_TEMPLATE, TEMPLATE_FIELDS


def add_file_commands(sub: Any) -> None:
    """Add the file commands to ``sub`` (the parser's subcommands)."""
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
            + (
                "was scanned is skipped (one in a protected folder is copied too: a copy changes "
                "nothing there)"
                if name == "copy"
                else "was scanned is skipped, and so is a photo in a protected folder (the library's, "
                "set here or in the app)"
            )
            + ". Every action is journaled and can be undone.",
        )
        common_options(act, top=False, model=False)
        along = (
            "sidecars and Live Photo video go"
            if name == "trash"
            else "sidecars, RAW and Live Photo video of the same shot go"
        )
        act.add_argument("paths", nargs="+", metavar="PHOTO", help=f"photo files (their {along} along)")
        if name != "trash":
            act.add_argument("--to", required=True, metavar="DIR", help="destination folder")
        if name != "copy":
            folders_option(act, "--protect", "also never touch photos in this folder (repeatable)")
        act.add_argument("--dry-run", action="store_true", help="print exactly what would happen, do nothing")
        no_wait(act)

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
    common_options(org, top=False)
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
        + "; with {name} in its last part it names the file too (keeping the photo's extension)",
    )
    org.add_argument("--copy", action="store_true", help="copy instead of move (an import from a card)")
    org.add_argument(
        "--file-date",
        action="store_true",
        help="photos without a date taken use their file's date",
    )
    org.add_argument(
        "--gather-rest",
        action="store_true",
        help="move the photos in no group (--by group) or without a date (--by date) into "
        "Unsorted/ or undated/ (default: they stay where they are; a --copy or an import from a "
        "folder outside the library takes them all)",
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
    org.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="carry the plan out without asking (organize asks after the plan; a script needs --yes)",
    )
    org.add_argument("--json", action="store_true", help="print the plan (and what was done) as JSON")
    no_wait(org)

    date = sub.add_parser(
        "date",
        help="set the date taken of photos that have none (written into their XMP sidecars)",
        description="Write a date taken into the XMP sidecars of photos that do not say when they "
        "were taken (a scanned print, a screenshot, a picture saved from a chat), so the timeline "
        "and 'organize --by date' place them there, and digiKam, darktable and Lightroom read it "
        "too. Photos are never written: a photo with a date of its own is left alone (its own "
        "date wins), and so are photos in protected folders. One action that 'photoorg undo' "
        "reverses, sidecar by sidecar.",
    )
    common_options(date, top=False, model=False)
    date.add_argument("paths", nargs="+", metavar="PHOTO", help="photo files of the library")
    date.add_argument(
        "--taken",
        required=True,
        metavar="WHEN",
        help="the date taken: 1987-07-14, or 1987-07-14 10:05; 1987-07 or 1987 when only the month or the "
        "year is known (a scanned print)",
    )
    folders_option(date, "--protect", "also never write sidecars in this folder (repeatable)")
    date.add_argument("--dry-run", action="store_true", help="print what would be written, do nothing")
    no_wait(date)

    undo = sub.add_parser(
        "undo",
        help="undo the last action (a trash, move, copy, organize, or change to groups, albums, "
        "keywords or duplicate decisions), or the one numbered N",
        description="Put the files of an action back, each checked to be the photo the action "
        "left. Without N: the newest action with files still to put back (an interrupted undo "
        "goes on where it stopped; files an undo could not put back are left for 'undo N', and "
        "it says which action has them). With N: that action, retrying files an earlier undo "
        "could not put back.",
    )
    common_options(undo, top=False, model=False)
    undo.add_argument(
        "batch", nargs="?", type=int, metavar="N", help="an action number from 'photoorg history'"
    )
    no_wait(undo)
    redo = sub.add_parser(
        "redo",
        help="do the action undone last again (if nothing was done since)",
        description="Trash, move or copy again the files the last undo put back, as a new action "
        "(undoable like any other), each checked again as a first run would be.",
    )
    common_options(redo, top=False, model=False)
    no_wait(redo)
    hist = sub.add_parser(
        "history",
        help="list the actions photoorg did, newest first",
        description="The file actions (trash, move, copy, organize) and changes to groups and albums "
        "photoorg did, newest first, with their numbers: 'photoorg undo N' takes one back.",
    )
    common_options(hist, top=False, model=False)
    hist.add_argument("batch", nargs="?", type=int, metavar="N", help="list the files of action N")
    hist.add_argument(
        "--limit", type=at_least(1), default=50, metavar="N", help="show at most N actions (default 50)"
    )
    hist.add_argument("--json", action="store_true", help="print JSON")
