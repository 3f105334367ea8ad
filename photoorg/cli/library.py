"""``photoorg library list|problems|add|remove|protect|unprotect|model``: the library's folders,
the same ones the app shows, in the same settings file, and the files it could not read."""

from __future__ import annotations

import argparse
import json
import os

from photoorg.cli.common import EXIT_OK, EXIT_USAGE, missing_paths, open_library, say
from photoorg.core.download import size_of
from photoorg.core.errors import ModelNotCached, ModelUnavailable
from photoorg.core.humanize import agree, plural, printable
from photoorg.core.library import Library
from photoorg.core.model_folder import resolve_model
from photoorg.core.paths import Locations, as_in_library, is_under
from photoorg.core.settings import Settings


def cmd_library(args: argparse.Namespace, where: Locations) -> int:
    with open_library(args, where) as library:
        what = args.library_command
        if what == "list":
            return _list(library, args.json)
        if what == "add":
            if missing_paths(args.folders):
                return EXIT_USAGE
            given = list(dict.fromkeys(os.path.abspath(f) for f in args.folders))  # each once
            folders = [f for f in given if os.path.isdir(f)]
            if len(folders) < len(given):
                say("photoorg: only folders can be added to the library.")
                return EXIT_USAGE
            before = library.saved_settings.folders
            added = library.add_folders(folders, protect=args.protect_added)
            for folder in folders:
                state = "added" if folder in added else "already in the library"
                protected = ", protected" if args.protect_added else ""
                print(f"{printable(folder)}: {state}{protected}")
                inside = (
                    [f for f in before if f != folder and is_under(f, [folder])] if folder in added else []
                )
                if inside:  # said: 'library remove' of one of them no longer works
                    names = ", ".join(printable(f) for f in inside)
                    print(
                        f"  it holds the library folders {names}: they are part of it now (and library"
                        f" folders again if {printable(folder)} is removed)"
                    )
            if added:
                print("Run 'photoorg scan' (or open the app) to look at the new photos.")
            return EXIT_OK
        if what == "model":
            return _model(library, args.model_name)
        if what == "problems":
            return _problems(library, args.json)
        saved = library.saved_settings
        # A folder named through a link into the library is that library folder's (a review:
        # 'unprotect /tmp/link/Odense' said it was not protected, while trash refused there).
        folder = as_in_library(args.folder, saved.folders)
        if what == "remove":
            if folder not in saved.folders:
                say(
                    f"photoorg: {printable(folder)} is not a library folder;"
                    " 'photoorg library list' lists them."
                )
                return EXIT_USAGE
            back = library.remove_folder(folder)
            inner = [p for p in saved.protected if is_under(p, [folder]) and not is_under(p, back)]
            print(f"{printable(folder)} is no longer in the library; its photos were not touched.")
            if back:  # (a new-user review: they were gone with it, their protection too)
                names = ", ".join(printable(f) for f in back)
                print(f"  {names} {agree(len(back), 'is a library folder', 'are library folders')} again,"
                      f" as before {printable(folder)} was added")  # fmt: skip
            if inner:  # protection is for folders of the library
                print(f"  no longer protected with it: {', '.join(printable(p) for p in inner)}")
        elif what == "protect":
            if not os.path.isdir(folder):  # a typo would protect nothing
                say(f"photoorg: there is no folder {printable(folder)} (a folder on a drive that is not "
                    "connected can be protected once it is).")  # fmt: skip
                return EXIT_USAGE
            library.set_protected(folder, True)
            print(
                f"{printable(folder)} is protected: its photos are never trashed, moved or proposed"
                " for removal."
            )
        elif not is_under(folder, saved.protected):  # (inside a protected one: the library says)
            say(f"photoorg: {printable(folder)} was not protected; 'photoorg library list' shows what is.")
            return EXIT_USAGE
        else:
            library.set_protected(folder, False)
            print(f"{printable(folder)} is no longer protected.")
    return EXIT_OK


def _model(library: Library, name: str | None) -> int:
    if name is None:
        print(library.saved_settings.model)
        return EXIT_OK
    looks_like_a_folder = os.path.isabs(name) or name.startswith((".", "~"))
    if not name.strip() or (looks_like_a_folder and not os.path.isdir(os.path.expanduser(name))):
        say(
            f"photoorg: {name!r} is neither a model folder here nor a Hugging Face id "
            "(like facebook/dinov2-base)."
        )
        return EXIT_USAGE
    name = os.path.expanduser(name)
    chosen = os.path.abspath(name) if os.path.isdir(name) else name  # a folder, else a hub id
    fetched = ""
    try:  # what a scan would say, said now (a folder with no model, not DINOv2, pickle weights)
        resolve_model(chosen, cache_dir=library.where.model_cache, allow_download=False)
    except ModelNotCached:  # a hub model not on this computer yet: said (a new-user review)
        fetched = f" It is not on this computer yet: 'photoorg scan' downloads it first{size_of(chosen)}."
    except ModelUnavailable as exc:
        say(f"photoorg: {exc}")
        return EXIT_USAGE

    def change(s: Settings) -> None:
        s.model = chosen
        s.model_declined = False

    library.change_settings(change)
    print(
        f"The library uses the model {chosen} from now on; 'photoorg scan' looks at the photos with it.",
        end="",
    )
    print(fetched)
    return EXIT_OK


def _list(library: Library, as_json: bool) -> int:
    s = library.saved_settings
    counts = library.photo_counts()
    folders = [
        {
            "path": f,
            "present": os.path.isdir(f),
            "photos": counts.get(f, 0),
            "protected": f in s.protected,
            "protected_inside": [p for p in s.protected if p != f and is_under(p, [f])],
        }
        for f in s.folders
    ]
    if as_json:
        print(json.dumps({"folders": folders, "protected": s.protected}, indent=2))
        return EXIT_OK
    if not folders:
        print("The library has no folders yet: photoorg library add DIR (or photoorg scan DIR).")
        return EXIT_OK
    for f in folders:
        marks = []
        if f["protected"]:
            marks.append("protected")
        if not f["present"]:
            marks.append("not found: a disconnected drive?")
        extra = f"  ({', '.join(marks)})" if marks else ""
        print(f"{printable(f['path'])}  {plural(f['photos'], 'photo')}{extra}")
        for inner in f["protected_inside"]:
            print(f"    {printable(inner)}  (protected)")
    return EXIT_OK


def _problems(library: Library, as_json: bool) -> int:
    """The files the scans could not read (and library folders not there), as the app's Problems
    page lists them (a review: the command line said them only at the end of a scan)."""
    roots, missing = library.library_roots()
    found = library.problems(roots, missing)
    if as_json:
        print(json.dumps([{"path": path, "reason": why} for path, why in found], indent=2))
        return EXIT_OK
    if not found:
        print("No problems: every file the scans found could be read.")
    if missing:  # a review: listed as "2 files could not be read"
        print(
            f"{plural(len(missing), 'library folder')} not there (a disconnected drive?); "
            "their photos stay in the catalog until they are back:"
        )
        for folder in missing:
            print(f"  {printable(folder)}")
    files = found[len(missing) :]
    if files:
        left = "it is left as it is" if len(files) == 1 else "they are left as they are"
        print(f"{plural(len(files), 'file')} could not be read ({left}):")
        for path, why in files:
            print(f"  {printable(path)}: {printable(why)}")
        print("'photoorg trash FILE' or 'photoorg move FILE --to DIR' takes one away (undoable).")
    return EXIT_OK
