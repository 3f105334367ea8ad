"""``photoorg organize``: the plan first, always; then one undoable action."""

from __future__ import annotations

import argparse
import contextlib
import json
import os

from photoorg.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    confirmed,
    library_roots_or_say,
    missing_paths,
    open_library,
    print_notes,
    progress_bar,
    say,
)
from photoorg.core.companions import is_sidecar, kinds_said
from photoorg.core.humanize import agree, human_bytes, plural, printable, some_of
from photoorg.core.library import STAY_NOTES, Library, OrganizePlan, OrganizeRequest, Outcome
from photoorg.core.organize_places import first_staying, sidecars_left_out
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress


def cmd_organize(args: argparse.Namespace, where: Locations) -> int:
    if missing_paths(args.folders):
        return EXIT_USAGE
    request = OrganizeRequest(
        by=args.by,
        destination=os.path.abspath(args.to),
        template=args.template,
        copy=args.copy,
        file_date=args.file_date,
        prune_empty=args.prune_empty,
        leave_rest=not args.gather_rest,
    )
    with open_library(args, where) as library:
        roots = library_roots_or_say(library)
        if roots is None and not args.folders:
            return EXIT_USAGE
        bar = ProgressBar()
        try:
            if roots:  # the library's photos, up to date (an import leaves out what it has)
                library.scan(roots, Progress(on_change=bar), embed=args.by == "group")
            paths = [p.path for p in library.album_photos(args.album)] if args.album else None
            plan = library.organize_plan(
                request,
                args.folders or None,
                paths=paths,
                group_ids=args.group or None,
                progress=Progress(on_change=bar),
            )
        finally:
            bar.close()
        print_notes(library)
        if args.json and args.dry_run:
            print(json.dumps(plan_json(plan), indent=2))
            return EXIT_OK
        if not args.json:
            print(plan_text(plan, each=args.verbose))
        if args.dry_run:
            print("Dry run: nothing was changed.")
            return EXIT_OK
        if not plan.moving():
            if args.json:
                print(json.dumps({"plan": plan_json(plan), "done": 0}, indent=2))
            else:
                print("Nothing to do.")
            return EXIT_OK
        if not args.yes:
            verb = "Copy" if plan.request.copy else "Move"
            answer = confirmed(f"{verb} {plural(len(plan.moving()), 'photo')} as planned?")
            if answer is None:
                if args.json:  # the plan still (a new-user review: nothing on stdout)
                    print(json.dumps({"plan": plan_json(plan), "done": 0}, indent=2))
                say("photoorg: Nothing was changed: no terminal to ask at; --yes carries out the plan.")
                return EXIT_FAILED
            if not answer:
                if args.json:
                    print(json.dumps({"plan": plan_json(plan), "done": 0}, indent=2))
                else:
                    print("Nothing was changed.")
                return EXIT_OK
        outcome, pruned = _carry_out(library, plan)
    if args.json:
        print(json.dumps({"plan": plan_json(plan), **outcome_json(outcome, pruned)}, indent=2))
    else:
        print(outcome_text(outcome, pruned))
    return EXIT_OK if outcome.done and not outcome.failed else EXIT_FAILED


def _carry_out(library: Library, plan: OrganizePlan) -> tuple[Outcome, list[str]]:
    with progress_bar() as progress:
        return library.organize(plan, progress=progress)


def plan_text(plan: OrganizePlan, each: bool = False) -> str:
    """The plan as the terminal shows it: its folders with their counts, and with ``each`` (-v)
    every photo under its folder, from where, and its new name where it gets another (a
    new-user review: which file goes where was only in --json)."""
    r = plan.request
    verb = "Copy" if r.copy else "Move"
    moving = plan.moving()
    lines = [
        f"Plan: {verb.lower()} {plural(len(moving), 'photo')} by {r.by} into {r.destination}"
        + (f" (template {r.template})" if r.by == "date" else "")
    ]
    companions: dict[str, list[str]] = {}
    photos: dict[str, list[str]] = {}
    for p in moving:
        companions.setdefault(p.folder, []).extend(c for c, _ in p.companions)
        if each:
            name = os.path.basename(p.target or "")
            renamed = f"  as {printable(name)}" if name != os.path.basename(p.photo.path) else ""
            by_name = "  (date from its name)" if r.by == "date" and p.photo.dated_by_name else ""
            photos.setdefault(p.folder, []).append(f"      {printable(p.photo.path)}{renamed}{by_name}")
    for folder, count in plan.folders().items():
        extra = f" (+{kinds_said(companions[folder])})" if companions.get(folder) else ""
        label = f"  (the group “{plan.labels[folder]}”)" if folder in plan.labels else ""
        lines.append(f"  {folder or '.'}/{label}  {plural(count, 'photo')}{extra}")
        lines.extend(photos.get(folder, ()))
    if moving and not each:
        lines.append("(-v lists each photo under its folder)")
    named = plan.dated_by_name
    if named:
        lines.append(
            f"{plural(len(named), 'photo')} {agree(len(named), 'goes', 'go')} by the date "
            f"{agree(len(named), 'its name says', 'their names say')} (a phone's or a chat app's: "
            f"{printable(os.path.basename(named[0].photo.path))}){'' if each else '; -v marks them'}"
        )
    if plan.by_file_date:
        n = plan.by_file_date
        lines.append(
            f"By file date: {plural(n, 'photo')} without a date taken {agree(n, 'goes', 'go')} by "
            f"{agree(n, 'its', 'their')} file's date (when the file was last saved or copied)"
        )
    if plan.undated:
        lines.append(
            f"Undated: {plural(plan.undated, 'photo')} without a date taken "
            f"{agree(plan.undated, 'goes', 'go')} to undated/"
            + ("" if r.file_date else " (--file-date uses their file's date instead)")
        )
    for note in STAY_NOTES:
        n = plan.count(note)
        if n:
            where, them = agree(n, "stays where it is", "stay where they are"), agree(n, "it", "them")
            words = {
                "already there": f"{where} (already there)",
                "protected": f"{where} (in a protected folder; never moved)",
                "already in the library": f"left out: the library has {them} already",
                "an exact copy there": f"{where} ({printable(first_staying(plan, note))}"
                f"{', …' if n > 1 else ''}): an exact copy of {agree(n, 'it', 'each')} is there already or "
                f"goes there in this plan ('photoorg duplicates' offers {them} for clean-up)",
                "in no group": f"in no group {where} (--gather-rest puts {them} in Unsorted/)",
                "no date taken": f"without a date taken {where} (--file-date dates {them} by "
                f"{agree(n, 'its', 'their')} file; --gather-rest puts {them} in undated/)",
            }[note]
            more = sidecars_left_out(plan) if note == "already in the library" else ""
            lines.append(f"{plural(n, 'photo')} {words}{more}")
            if each and note == "an exact copy there":  # which (a new-user review: only --json said)
                lines += [f"      {printable(p.photo.path)}" for p in plan.photos if p.note == note]
    if plan.collisions:
        lines.append(
            f"Name collisions: {len(plan.collisions)}; nothing is replaced, the photo that comes is numbered:"
        )
        named = {s.source: s.target or "" for s in plan.steps()}
        names = {t.lower() for t in named.values()}

        def why(want: str) -> str:  # (a hostile review: "IMG_1.png is taken" where only the name
            if os.path.lexists(want) or want.lower() in names:  # of its sidecar or video was)
                return f"{os.path.basename(want)} is taken"
            folder, stem = os.path.dirname(want), os.path.splitext(os.path.basename(want))[0]
            there = [os.path.basename(t) for t in named.values() if os.path.dirname(t) == folder]
            with contextlib.suppress(OSError):
                there += os.listdir(folder)
            if any(  # a photo of the stem, not a sidecar (whose name is taken then: said below)
                os.path.splitext(n)[0].lower() == stem.lower() and not is_sidecar(n) for n in there
            ):  # (a hostile review)
                return f"another {stem}.* is there: they would share the sidecar {stem}.xmp"
            return "the name of a file that goes with it is taken"

        lines.extend(
            f"    {src} -> {os.path.basename(named.get(src, want))} ({why(want)})"
            for want, src in plan.collisions[:10]
        )
        if len(plan.collisions) > 10:
            lines.append(f"    ... and {len(plan.collisions) - 10} more")
    lines.append(
        f"In all: {human_bytes(plan.total_bytes)} in {plural(len(moving) + plan.companion_count, 'file')}; "
        f"{human_bytes(plan.free_bytes)} free at the destination."
    )
    leaving = plan.leaving_library()
    if leaving:
        lines.append(
            f"{plural(leaving, 'photo')} {agree(leaving, 'leaves', 'leave')} the library: {r.destination} is "
            f"not one of its folders ('photoorg library add {r.destination}' adds it)."
        )
    twice = plan.twice_in_library()
    if twice:
        lines.append(
            f"{plural(twice, 'photo')} will be in the library twice: the copies go into a library folder, "
            "where each is a duplicate of its original (--to a folder outside the library keeps a copy "
            "elsewhere; without --copy the photos are sorted)."
        )
    if plan.empty_folders and r.prune_empty:  # each one named (a new-user review: one of "3 more" went)
        lines.append("Folders left empty, removed afterwards:")
        lines.extend(f"  {folder}" for folder in plan.empty_folders)
    elif plan.empty_folders:
        lines.append(f"Folders left empty, kept (--prune-empty removes them): {some_of(plan.empty_folders)}")
    if plan.sources_left_empty and not r.copy:
        named = some_of(plan.sources_left_empty)
        lines.append(
            f"Left empty and kept: {named} (a folder organized is never removed, only folders inside it)"
        )
    return "\n".join(printable(line) for line in lines)


def plan_json(plan: OrganizePlan) -> dict[str, object]:
    r = plan.request
    return {
        "by": r.by,
        "destination": r.destination,
        "template": r.template,
        "copy": r.copy,
        "gather_rest": not r.leave_rest or r.copy,
        "folders": plan.folders(),
        "moves": [
            {
                "source": p.photo.path,
                "target": p.target,
                "folder": p.folder,
                "dated_by": p.dated_by,
                "companions": [{"source": s, "target": t} for s, t in p.companions],
            }
            for p in plan.moving()
        ],
        "stay": [{"path": p.photo.path, "why": p.note} for p in plan.photos if not p.moves],
        "undated": plan.undated,
        "by_file_date": plan.by_file_date,
        "collisions": [{"wanted": w, "source": s} for w, s in plan.collisions],
        "bytes": plan.total_bytes,
        "free_bytes": plan.free_bytes,
        "empty_folders": plan.empty_folders,
        "sources_left_empty": plan.sources_left_empty,
        "leaving_library": plan.leaving_library(),
        "twice_in_library": plan.twice_in_library(),
    }


def outcome_json(outcome: Outcome, pruned: list[str]) -> dict[str, object]:
    return {
        "action": outcome.batch,
        "done": len(outcome.done),
        "skipped": [{"path": s.source, "why": s.skip} for s in outcome.skipped],
        "failed": [{"path": s.source, "why": why} for s, why in outcome.failed],
        "numbered": [{"planned": planned, "path": new, "why": why} for planned, new, why in outcome.renamed],
        "removed_empty_folders": pruned,
    }


def outcome_text(outcome: Outcome, pruned: list[str]) -> str:
    lines = [f"  skip  {s.source}: {s.skip}" for s in outcome.skipped]
    lines += [f"  FAILED  {s.source}: {why}" for s, why in outcome.failed]
    lines += [f"  numbered  {new}: {why}" for _planned, new, why in outcome.renamed]
    if outcome.batch is not None:
        copied = outcome.action is not None and outcome.action.value == "copy"
        undo = "moves the copies to the trash" if copied else "puts every one back"
        lines.append(
            f"Done: {plural(len(outcome.done), 'file')} {'copied' if copied else 'moved'}, "
            f"action {outcome.batch}. 'photoorg undo' {undo}."
        )
    else:
        lines.append("Nothing was done.")
    if pruned:
        lines.append(f"Removed {plural(len(pruned), 'empty folder')}.")
    return "\n".join(printable(line) for line in lines)
