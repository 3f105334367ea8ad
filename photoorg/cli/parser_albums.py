"""The arguments of ``photoorg album``: albums taught by example, their suggestions, answers and
keywords. Out of parser.py, which had grown past its size."""

from __future__ import annotations

from typing import Any

from photoorg.cli.options import at_least, command_group, described, embedding_options, no_wait

ALBUM_NAME = "the album's name, as 'photoorg album list' shows it (upper or lower case alike)"


def add_album_commands(sub: Any) -> None:
    """``photoorg album ...`` under the top-level sub-commands ``sub``."""
    alb_sub = command_group(
        sub,
        "album",
        "albums taught by example: show a few photos, photoorg finds the rest",
        "An album is what you mean ('the dog', 'receipts'), across years and folders. "
        "Make one from a few example photos; photoorg trains a classifier on their DINOv2 vectors and "
        "suggests the photos most likely to belong; accept or reject them and the suggestions improve. "
        "Albums are kept by content (they survive moves and renames); 'photoorg undo' takes back "
        "any change.",
    )
    alb_list = described(alb_sub, "list", "the albums and how many photos each holds")
    alb_list.add_argument("--json", action="store_true", help="print JSON")
    for name, text in (
        ("create", "make an album from example photos"),
        ("add", "add example photos to an album"),
        ("accept", "accept suggested photos into an album"),
        ("reject", "reject suggested photos (they are not suggested again)"),
        ("remove", "take photos out of an album (the photos are not touched)"),
    ):
        one = described(alb_sub, name, text)
        one.add_argument("name", metavar="NAME", help=ALBUM_NAME)
        one.add_argument("photos", nargs="+", metavar="PHOTO", help="photo files")
    suggest = described(alb_sub, "suggest", "the photos most likely to belong to an album, best first")
    suggest.add_argument("name", metavar="NAME", help=ALBUM_NAME)
    suggest.add_argument("-k", type=at_least(1), default=20, metavar="N", help="how many (default 20)")
    suggest.add_argument("--json", action="store_true", help='print [{"path", "score"}, ...], best first')
    rename = described(alb_sub, "rename", "give an album another name (its photos and answers stay)")
    rename.add_argument("name", metavar="NAME", help=ALBUM_NAME)
    rename.add_argument("new_name", metavar="NEW_NAME", help="its new name")
    delete = described(
        alb_sub, "delete", "delete an album (the photos are not touched; 'photoorg undo' brings it back)"
    )
    delete.add_argument("name", metavar="NAME", help=ALBUM_NAME)
    delete.add_argument(
        "--keywords",
        action="store_true",
        help="first take the album's keyword out of the sidecars photoorg wrote it into (an action of "
        "its own)",
    )
    show = described(alb_sub, "show", "the photos of an album")
    show.add_argument("name", metavar="NAME", help=ALBUM_NAME)
    show.add_argument(
        "--json",
        action="store_true",
        help='print {"name", "members": [paths], "away": N, "away_photos": [{"path", "why", "undo", '
        '"then"}]} ("then": older actions to undo after "undo", newest first)',
    )
    embedding_options(suggest)
    kw = described(
        alb_sub,
        "keywords",
        "write the album's name as a keyword into its photos' XMP sidecars",
        description="Write the album's name as a keyword (dc:subject, which digiKam, darktable, "
        "Lightroom and exiftool read) into the XMP sidecar of each of its photos: IMG.jpg.xmp, or "
        "an existing IMG.xmp. A sidecar that exists keeps everything else; its earlier version is "
        "kept until the action is undone. Photos are never changed, nor anything in a protected "
        "folder. Writing it again also takes out what photoorg wrote before and no longer holds: "
        "the album's old name after a rename, and its name from photos that left the album; never "
        "a keyword the sidecar had before. 'photoorg undo' puts each sidecar back as it was.",
    )
    kw.add_argument("name", metavar="NAME", help=ALBUM_NAME)
    kw.add_argument(
        "--take-out",
        action="store_true",
        help="take the album's keyword (every name of it photoorg wrote) out of every sidecar instead",
    )
    kw.add_argument("--dry-run", action="store_true", help="print which sidecars would change, write nothing")
    no_wait(kw)
