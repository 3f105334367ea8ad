"""``photoorg album list|create|add|suggest|accept|reject|remove|rename|delete|show|keywords``:
albums taught by example."""

from __future__ import annotations

import argparse
import json
import os
import shlex
from collections.abc import Sequence

from photoorg.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, missing_paths, open_library, say
from photoorg.cli.scan import bring_up_to_date
from photoorg.core.errors import ModelUnavailable
from photoorg.core.humanize import agree, plural, printable
from photoorg.core.library import (
    EXAMPLE,
    MEMBER,
    REJECTED,
    REMOVED,
    Album,
    Library,
    emptied_phrase,
    keywords_phrase,
    left_alone,
)
from photoorg.core.paths import Locations


def cmd_album(args: argparse.Namespace, where: Locations) -> int:
    what = args.album_command
    photos = list(dict.fromkeys(map(os.path.abspath, getattr(args, "photos", None) or [])))  # each once
    if missing_paths(photos, "photo"):
        return EXIT_USAGE
    with open_library(args, where) as library:
        if what == "list":
            return _list(library, args.json)
        if what == "show":
            return _show(library, args.name, args.json)
        if what == "suggest":
            return _suggest(library, args.name, args.k, args.json)
        if what == "keywords":
            return _keywords(library, args.name, args.dry_run, args.take_out)
        if what == "create":
            album = library.create_album(args.name, photos)
            print(f"Made the album {printable(album.name)} from {plural(len(album.positives), 'photo')}.")
            print(f"Next: photoorg album suggest {shlex.quote(album.name)} (the likeliest photos).")
            return EXIT_OK
        if what == "rename":
            batch = library.rename_album(args.name, args.new_name)
            new = library.album(args.new_name).name
            print(f"Renamed the album to {printable(new)} (action {batch}; 'photoorg undo' takes it back).")
            return EXIT_OK
        if what == "delete":
            album = library.album(args.name)
            if args.keywords:  # first, as an action of its own
                code = _keywords(library, args.name, dry_run=False, take_out=True)
                if code != EXIT_OK:
                    print("The album was not deleted.")
                    return code
            else:
                steps, _ = library.album_keywords(args.name, dry_run=True, take_out=True)
                if stay := sum(1 for s in steps if s.skip is None):
                    say(
                        f"Note: its keyword stays in {plural(stay, 'sidecar')} photoorg wrote it into "
                        "('photoorg undo', then 'album delete --keywords', takes it out too)."
                    )
            batch = library.delete_album(args.name)
            # Two actions: one undo brings the album back, a second its keyword (a new-user review)
            back = "; a second 'photoorg undo' puts its keyword back" if args.keywords else ""
            print(
                f"Deleted the album {printable(album.name)} ({plural(len(album.positives), 'photo')}); the "
                f"photos are not touched (action {batch}; 'photoorg undo' brings the album back{back})."
            )
            return EXIT_OK
        role = {"add": EXAMPLE, "accept": MEMBER, "reject": REJECTED, "remove": REMOVED}[what]
        before = library.album(args.name)
        batch = library.teach(args.name, photos, role)
        if batch is None:
            state = {
                "add": "in the album",
                "accept": "in the album",
                "reject": "rejected",
                "remove": "not in the album",
            }
            print(
                f"Nothing changed: {'the photo is' if len(photos) == 1 else 'the photos are'} "
                f"{state[what]} already."
            )
            return EXIT_OK
        after = library.album(args.name)
        done = {"add": "Added", "accept": "Accepted", "reject": "Rejected", "remove": "Took out"}[what]
        # What changed for the album, not only the verb (a review: rejecting a photo of the album
        # said "Rejected 1 photo", not that it left the album).
        left = len(set(before.positives) - set(after.positives))
        back = len(set(after.positives) & set(before.rejected))
        change = f"; {plural(left, 'photo')} left the album" if left and role == REJECTED else ""
        change += f"; {plural(back, 'photo')} rejected before" if back else ""
        print(
            f"{done} {plural(len(photos), 'photo')}{change}. {printable(after.name)} has "
            f"{_counted(after, len(library.album_photos(after.name)))} "
            f"(action {batch}; 'photoorg undo' takes it back)."
        )
    return EXIT_OK


def _list(library: Library, as_json: bool) -> int:
    albums = library.albums()
    # The photos in the library now, as 'album show' lists them (one trashed is not counted;
    # one edited in place is, as it is now).
    present = {a.name: len(library.album_photos(a.name)) for a in albums}
    if as_json:
        rows = [
            {
                "name": a.name,
                "photos": present[a.name],
                "away": len(set(a.positives)) - present[a.name],
                "rejected": len(a.rejected),
            }
            for a in albums
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not albums:
        print("No albums yet: photoorg album create NAME PHOTO... makes one from a few examples.")
    for a in albums:
        print(f"{printable(a.name)}  ({_counted(a, present[a.name])})")
    return EXIT_OK


def _counted(album: Album, present: int) -> str:
    """An album's photos as the app counts them: all of them, those away said apart (a review:
    "Fish (3 photos)" here, "6 photos (3 are away)" in the app)."""
    everything = len(set(album.positives))
    away = f", {everything - present} away" if everything > present else ""  # (not "(… (1 away), …)")
    return f"{plural(everything, 'photo')}{away}, {len(album.rejected)} rejected"


def _show(library: Library, name: str, as_json: bool) -> int:
    view = library.album_view(name, suggest=False)
    if as_json:
        members = [p.path for p in view.members]
        away = [
            {"path": a.path or None, "why": a.why, "undo": a.undo, "then": list(a.then)}
            for a in view.away_photos
        ]
        shown = {"name": view.album.name, "members": members, "away": len(away), "away_photos": away}
        print(json.dumps(shown, indent=2))
        return EXIT_OK
    away = f" ({view.away} away)" if view.away else ""  # counted as the app and 'album list' do
    print(f"{printable(view.album.name)}: {plural(len(view.members) + view.away, 'photo')}{away}")
    for p in view.members:
        print(f"  {printable(p.path)}")
    if view.away_photos:  # each, with where it went (a review: the sentence said neither)
        print(f"Not in the library now ({len(view.away_photos)}):")
        for a in view.away_photos:
            steps = " then ".join(f"'photoorg undo {b}'" for b in a.undos)
            back = f"; {steps} {agree(len(a.undos), 'brings', 'bring')} it back" if a.undos else ""
            print(f"  {printable(a.path) + ': ' if a.path else ''}{a.why}{back}")
    return EXIT_OK


def _suggest(library: Library, name: str, k: int, as_json: bool) -> int:
    library.album(name)  # a wrong name is said before the scan
    bring_up_to_date(library)
    try:
        found, likely = library.suggest(name, k)
    except ModelUnavailable as exc:
        say(f"photoorg: suggestions need the model. {exc}")
        return EXIT_FAILED
    if as_json:
        suggestions = [{"path": p.path, "score": round(s, 4)} for p, s in found]
        print(json.dumps({"name": name, "likely": likely, "suggestions": suggestions}, indent=2))
        return EXIT_OK
    print(f"The photos most likely to belong to {printable(name)}, best first ({likely} likely in all):")
    for p, s in found:
        print(f"  {s:.3f}  {printable(p.path)}")
    said = shlex.quote(name)  # (a new-user review: "NAME", not the album's name)
    print(f"Answer with 'photoorg album accept {said} PHOTO...' and 'photoorg album reject {said} PHOTO...'.")
    return EXIT_OK


def _took_out(words: Sequence[str]) -> str:
    """What a sidecar's step takes out: what photoorg wrote there before that no longer holds."""
    return f"  (taking out {' and '.join(printable(w) for w in words)})" if words else ""


def _nothing(name: str, take_out: bool, skipped: int = 0, failed: int = 0) -> str:
    """Why no sidecar changed: all failed (a hostile review: a full disk was said to leave
    every sidecar "as it should be"), were left alone, or needed nothing."""
    alone = f"{skipped} left alone" if skipped else ""
    if failed:
        also = f", {alone}" if alone else ""
        return f"No keyword was {'taken out' if take_out else 'written'}: {failed} failed{also} (see above)."
    rest = f" ({alone}, see above)" if alone else ""
    if take_out:
        return f"Nothing to take out: no sidecar has a keyword photoorg wrote for {printable(name)}{rest}."
    if skipped:
        may = "photoorg may change "
        return f"Nothing to write: every sidecar of {printable(name)} {may}is as it should be{rest}."
    return f"Nothing to write: every sidecar of {printable(name)} is as it should be."


def _keywords(library: Library, name: str, dry_run: bool, take_out: bool = False) -> int:
    album = library.album(name)
    steps, outcome = library.album_keywords(name, dry_run=dry_run, take_out=take_out)
    if outcome is None:  # the plan only
        todo = [s for s in steps if s.skip is None]
        for s in todo:
            verb = "make" if not os.path.exists(s.source) else "add to" if s.adds else "take out of"
            empty = "  (then empty: to the trash)" if s.empties else ""
            print(f"  {verb}  {printable(s.source)}{_took_out(s.takes_out)}{empty}")
        for s in steps:
            if s.skip is not None:
                print(f"  skip  {printable(s.companion_of)}: {s.skip}")
        if not todo:
            print(_nothing(album.name, take_out, left_alone(steps)))
        else:
            print(f"Would {keywords_phrase(album.name, todo, everywhere=take_out)}; nothing was written.")
        _say_away(library, album.name, take_out)
        return EXIT_OK
    for s in outcome.done:
        verb = "trashed" if s.empties else "wrote  "
        print(
            f"  {verb}  {printable(s.source)}{_took_out(s.takes_out)}{'  (left empty)' if s.empties else ''}"
        )
    for s in outcome.skipped:
        print(f"  skip   {printable(s.companion_of)}: {s.skip}")
    for s, reason in outcome.failed:
        print(f"  FAILED {printable(s.source)}: {reason}")
    if outcome.batch is None:
        print(_nothing(album.name, take_out, left_alone(outcome.skipped), len(outcome.failed)))
    else:
        phrase = keywords_phrase(album.name, outcome.done, past=True, everywhere=take_out)
        emptied = emptied_phrase(outcome.done)
        also = f"; {emptied}" if emptied else ""
        print(
            f"{phrase[0].upper()}{phrase[1:]}{also} (action {outcome.batch}; 'photoorg undo' takes it back)."
        )
    _say_away(library, album.name, take_out)
    return EXIT_FAILED if outcome.failed else EXIT_OK


def _say_away(library: Library, name: str, take_out: bool) -> None:
    """The album's photos that are not in the library now: their sidecars were not reached (a
    hostile review: 'album delete --keywords' said "Nothing to take out" while the sidecars of
    the photos organized out of the library still held the keyword)."""
    away = library.album_view(name, suggest=False).away
    if away:
        what = "a keyword photoorg wrote there stays" if take_out else "no keyword was written there"
        print(
            f"{plural(away, 'photo')} of {printable(name)} {agree(away, 'is', 'are')} not in the library "
            f"now, so {agree(away, 'its sidecars were', 'their sidecars were')} not reached: {what} "
            f"('photoorg album show {printable(name)}' says where {agree(away, 'it', 'they')} went)."
        )
