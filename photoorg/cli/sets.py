"""``photoorg groups``, ``photoorg duplicates`` and ``photoorg similar``: what the catalog's
vectors say about the library, through the library service."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable

from photoorg.cli import report
from photoorg.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    confirmed,
    library_roots_or_say,
    missing_paths,
    open_library,
    print_notes,
    progress_bar,
    say,
)
from photoorg.cli.files import report_action
from photoorg.cli.organize import outcome_json
from photoorg.cli.scan import as_given, bring_up_to_date, look_outside
from photoorg.core.duplicates import KEEP_BOTH, NOT_DUPLICATES, DuplicateSet, Verdict
from photoorg.core.errors import ModelUnavailable, PhotoorgError
from photoorg.core.grouping import UNSORTED
from photoorg.core.humanize import agree, human_bytes, plural, printable
from photoorg.core.library import Action, Library
from photoorg.core.paths import Locations, is_under
from photoorg.core.set_choices import suggested_cleanup


def cmd_groups(args: argparse.Namespace, where: Locations) -> int:
    if missing_paths(args.folders):
        return EXIT_USAGE
    with open_library(args, where) as library:
        if args.rename:
            return _rename(library, *args.rename)
        if args.move or args.merge:
            return _change_groups(library, args)
        if args.to is not None:  # not silently a listing
            say("photoorg: --to goes with --move PHOTO...: photoorg groups --move PHOTO... --to ID.")
            return EXIT_USAGE
        roots = library.saved_settings.folders
        args.folders = as_given(library, args.folders)  # (a link into it: inside)
        outside = [printable(f) for f in args.folders if not is_under(f, roots)]
        if outside:  # the library's groups: of its photos (a look never adds a folder: a review)
            name = outside[0]
            say(
                f"photoorg: {name} is not in the library, and groups are the library's. 'photoorg "
                f"library add {name}' adds it; 'photoorg duplicates {name}' or 'photoorg similar "
                f"PHOTO --in {name}' look in it as it is."
            )
            return EXIT_USAGE
        if library_roots_or_say(library) is None:
            return EXIT_USAGE
        bring_up_to_date(library)
        try:
            groups = library.groups(only=args.folders or None)
        except ModelUnavailable as exc:
            say(f"photoorg: cannot group photos without the model. {exc}")
            return EXIT_FAILED
        if not library.stores_groups:
            say("Grouped with other settings for this run only; the library's own groups are unchanged.")
    if args.json:
        print(json.dumps(report.groups_json(groups), indent=2))
    else:
        print(report.groups_text(groups, args.members))
    return EXIT_OK


def _rename(library: Library, group_id: str, name: str) -> int:
    try:
        gid = int(group_id)
    except ValueError:
        say(f"photoorg: a group id is a number ('photoorg groups' lists them), not {group_id!r}.")
        return EXIT_USAGE
    batch = library.rename_group(gid, name)
    print(f"Group {gid} is now called {name!r}." if name.strip() else f"Group {gid} has no name now.")
    print(f"Action {batch}; 'photoorg undo' takes it back.")
    return EXIT_OK


def _change_groups(library: Library, args: argparse.Namespace) -> int:
    """--move PHOTO... --to ID, or --merge ID OTHER: the person's changes to the groups."""
    if args.merge:
        batch = library.merge_groups(*args.merge)
        into, other = args.merge
        print(f"Group {other} joined group {into} (action {batch}; 'photoorg undo' takes it back).")
        return EXIT_OK
    if args.to is None:
        say("photoorg: --move needs --to ID (a group id from 'photoorg groups', or 'unsorted').")
        return EXIT_USAGE
    try:
        target = UNSORTED if args.to.lower() == "unsorted" else int(args.to)
    except ValueError:
        say(f"photoorg: --to takes a group id or 'unsorted', not {args.to!r}.")
        return EXIT_USAGE
    if missing_paths(args.move, "photo"):
        return EXIT_USAGE
    batch = library.move_to_group(args.move, target)
    where = "Unsorted" if target == UNSORTED else f"group {target}"
    print(
        f"Put {plural(len(args.move), 'photo')} in {where} (action {batch}; the files are not moved; "
        "'photoorg undo' takes it back)."
    )
    return EXIT_OK


_DECISIONS = {"not-duplicates": NOT_DUPLICATES, "keep-both": KEEP_BOTH, "forget": None}


def cmd_duplicates(args: argparse.Namespace, where: Locations) -> int:
    if missing_paths(args.folders + args.protect + args.prefer):
        return EXIT_USAGE
    if args.mark and args.mark[1] not in _DECISIONS:
        say(
            f"photoorg duplicates: --mark takes a set id and one of {', '.join(_DECISIONS)}, "
            f"not {args.mark[1]!r}."
        )
        return EXIT_USAGE
    if ((args.dry_run or args.yes) and not args.trash) or (args.trash and args.mark):
        say("photoorg duplicates: --dry-run and --yes go with --trash, and --trash not with --mark.")
        return EXIT_USAGE
    try:
        library = open_library(args, where)
        library.settings  # noqa: B018 - validates the flags laid over the settings
    except ValueError as exc:
        say(f"photoorg: {exc}")
        return EXIT_USAGE
    with library:
        if not args.folders and library_roots_or_say(library) is None:
            return EXIT_USAGE
        args.folders = as_given(library, args.folders)
        verdicts = [Verdict(v) for v in args.verdict] if args.verdict else list(Verdict)
        if library.library_roots()[0]:
            bring_up_to_date(library)
        looked_at = look_outside(library, args.folders)  # never added (a review)
        model_id, problem = library.model()
        if model_id is None:
            say(f"Without the model only exact copies can be found. {problem or ''}")
        sets = library.duplicates(only=args.folders or None, verdicts=verdicts)
        if args.mark:  # a set a decision hides can have it changed or forgotten
            hidden = lambda: library.duplicates(only=args.folders or None, verdicts=verdicts, decided=True)  # noqa: E731
            return _mark_set(library, sets, hidden, *args.mark)
        if args.trash:
            return _trash_suggested(library, sets, args, looked_at)
        elsewhere = library.copies_elsewhere(args.folders) if args.folders and not args.json else 0
    if args.json:
        print(json.dumps(report.duplicates_json(sets), indent=2))
    elif not sets and model_id is None:  # (a review: "No duplicates found" where 6 re-saves were)
        print("No exact copies found; re-saved images and similar shots need the model (see above).")
    else:
        print(report.duplicates_text(sets))
    if elsewhere:
        names = ", ".join(printable(f) for f in args.folders)
        print(
            f"\n{plural(elsewhere, 'photo')} under {names} {agree(elsewhere, 'has', 'have')} an exact copy "
            "elsewhere in the library: 'photoorg duplicates' (without a folder) lists "
            f"{agree(elsewhere, 'that set', 'those sets')}."
        )
    return EXIT_OK if model_id is not None or verdicts == [Verdict.EXACT] else EXIT_FAILED


def _trash_suggested(
    library: Library,
    sets: list[DuplicateSet],
    args: argparse.Namespace,
    looked_at: list[str],
) -> int:
    """``duplicates --trash``: the copies and re-saves the suggestions do not keep go to the
    trash, as one action 'photoorg undo' reverses; the plan first, then a question (found by
    a new-user review: the command line listed duplicates but could not clean them up)."""
    plan = suggested_cleanup(sets)
    try:
        steps = library.plan_trash_from_sets(plan, looked_at) if plan else []
    except PhotoorgError as exc:  # a set would lose every copy: never
        say(f"photoorg: {exc}")
        return EXIT_FAILED
    going = [s for s in steps if s.skip is None and s.companion_of is None]
    # Each file that goes, with the photo it goes with (a hostile review: the sidecars that go
    # were missing from --json); and each photo skipped, with why.
    listed = [
        {"path": s.source, "with": s.companion_of, "why": s.skip}
        for s in steps
        if s.companion_of is None or s.skip is None
    ]
    if args.json and (args.dry_run or not going):
        print(json.dumps({"sets": report.duplicates_json(sets), "trash": listed}, indent=2))
        return EXIT_OK
    if not args.json:
        # Only the sets something goes from, each with its keeper's reason (a review: all 36 sets,
        # 300 lines of similar shots --trash never touches, above the plan); the plan counts the rest.
        removing = {p for _, remove in plan for p in remove}
        trashed_from = [s for s in sets if any(p.path in removing for p in s.photos)]
        if trashed_from:
            print(report.duplicates_text(trashed_from, counted=False))  # the plan counts
            print()
        print(_trash_plan_text(sets, steps, plan))
    if not going:
        return EXIT_OK
    if args.dry_run:
        print("Dry run: no photo was moved.")
        return EXIT_OK
    if not args.yes:
        answer = confirmed(f"Move {plural(len(going), 'photo')} to the trash?")
        if answer is None:
            if args.json:  # the plan still (a new-user review: nothing on stdout)
                print(json.dumps({"sets": report.duplicates_json(sets), "trash": listed}, indent=2))
            say("photoorg: Nothing was changed: no terminal to ask at; --yes carries out the plan.")
            return EXIT_FAILED
        if not answer:
            print("Nothing was changed.")
            return EXIT_OK
    shown = [s.source for s in steps if s.skip is None]  # what was listed, and nothing else
    with progress_bar() as progress:
        outcome = library.trash_from_sets(plan, progress, shown=shown, looked_at=looked_at)
    print_notes(library)
    if args.json:
        print(json.dumps({"sets": report.duplicates_json(sets), **outcome_json(outcome, [])}, indent=2))
        return EXIT_OK if outcome.done and not outcome.failed else EXIT_FAILED
    return report_action(outcome.action or Action.TRASH, outcome)


def _trash_plan_text(sets: list[DuplicateSet], steps: list, plan: list[tuple[list[str], list[str]]]) -> str:
    """The plan set by set: what stays, what goes to the trash (and the files with it)."""
    going = [s for s in steps if s.skip is None and s.companion_of is None]
    size = sum(os.path.getsize(s.source) for s in going if os.path.isfile(s.source))
    lines = [f"Plan: move {plural(len(going), 'photo')} ({human_bytes(size)}) from "
             f"{plural(len(plan), 'set')} to the trash; each set's keeper stays."]  # fmt: skip
    by_photo = {s.source: s for s in steps if s.companion_of is None}
    companions: dict[str, list[str]] = {}
    for s in steps:
        if s.companion_of is not None and s.skip is None:
            companions.setdefault(s.companion_of, []).append(s.source)
    listed: set[str] = set()  # a copy in two sets (copies, and a re-save of one) is listed once
    for members, remove in plan:
        lines.extend(f"  keep   {printable(p)}" for p in members if p not in remove)
        for path in remove:
            if path in listed:
                continue
            listed.add(path)
            step = by_photo.get(path)
            if step is not None and step.skip is not None:
                lines.append(f"  skip   {printable(path)}: {printable(step.skip)}")
                continue
            lines.append(f"  trash  {printable(path)}")
            lines.extend(f"    with {printable(c)}" for c in companions.get(path, []))
    similar = sum(1 for s in sets if s.verdict is Verdict.SIMILAR or s.suspicious)
    if similar:
        lines.append(
            f"{plural(similar, 'set')} of similar shots (or of many pictures that look alike) "
            f"{agree(similar, 'is', 'are')} left as they are: different photos, yours to choose "
            "('photoorg trash PHOTO...')."
        )
    if not going:
        lines.append("Nothing to trash.")
    return "\n".join(lines)


def _mark_set(
    library: Library, sets: list, decided: Callable[[], list[DuplicateSet]], set_id: str, decision: str
) -> int:
    """Remember a decision about the set ``set_id``, among the sets shown or those a decision
    hides (a new-user review: once marked, a set could be neither forgotten nor changed)."""
    chosen = next((s for s in sets if s.id == set_id), None)
    if chosen is None:
        chosen = next((s for s in decided() if s.id == set_id), None)
    if chosen is None:
        say(
            f"photoorg: no duplicate set {set_id} among the sets found now; run "
            "'photoorg duplicates' to see the current set ids."
        )
        return EXIT_USAGE
    stored = _DECISIONS[decision]
    try:
        batch = library.mark(chosen, stored)
    except PhotoorgError as exc:  # "not duplicates" for exact copies
        say(f"photoorg: {exc}")
        return EXIT_USAGE
    if batch is None:
        print(f"Nothing is remembered about set {set_id}: there is nothing to forget.")
        return EXIT_OK
    what = {
        "not-duplicates": "are not duplicates",
        "keep-both": "are all kept",
        "forget": "are no longer remembered",
    }[decision]
    names = ", ".join(printable(os.path.basename(p.path)) for p in chosen.photos)
    print(
        f"Remembered: the photos of set {set_id} ({names}) {what}."
        if decision != "forget"
        else f"Decisions about set {set_id} ({names}) {what}."
    )
    print(f"Action {batch}; 'photoorg undo' takes it back.")
    if decision != "forget":
        print(f"The set is no longer listed; 'photoorg duplicates --mark {set_id} forget' lists it again.")
    return EXIT_OK


def cmd_similar(args: argparse.Namespace, where: Locations) -> int:
    target = os.path.abspath(args.photo)
    if not os.path.isfile(target):
        say(f"photoorg: no such photo: {printable(args.photo)}")
        return EXIT_USAGE
    if missing_paths(args.folders):
        return EXIT_USAGE
    with open_library(args, where) as library:
        if not args.folders and library_roots_or_say(library) is None:
            return EXIT_USAGE
        args.folders = as_given(library, args.folders)
        if library.library_roots()[0]:
            bring_up_to_date(library)
        look_outside(library, args.folders)  # a search never adds a folder (a review)
        try:
            result = library.similar(target, args.k, within=args.folders or None)
        except ModelUnavailable as exc:
            say(f"photoorg: cannot compare photos without the model. {exc}")
            return EXIT_FAILED
    if args.json:
        print(json.dumps(report.similar_json(target, result), indent=2))
    else:
        print(report.similar_text(target, result))
    return EXIT_OK
