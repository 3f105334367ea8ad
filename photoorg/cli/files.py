"""``photoorg trash|move|copy|date|undo|redo|history``: file actions through the library service, with
the library's protected folders, under the library lock."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime

from photoorg.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, open_library, print_notes, progress_bar, say
from photoorg.core.date_words import date_taken_of, when_words
from photoorg.core.humanize import plural, printable
from photoorg.core.library import (
    PROTECTED,
    Action,
    NothingToUndo,
    Outcome,
    Step,
    left_behind_text,
    not_back,
    undone_note,
    with_them,
)
from photoorg.core.paths import Locations

_VERBS = {"trash": "trashes", "move": "moves", "copy": "copies"}


def cmd_file_action(args: argparse.Namespace, where: Locations) -> int:
    action = Action(args.command)
    folders = [p for p in args.paths if os.path.isdir(p)]
    if folders:
        say(
            f"photoorg: {folders[0]} is a folder; photoorg {_VERBS[action.value]} photos, not folders. "
            "Name the photos."
        )
        return EXIT_USAGE
    destination = getattr(args, "to", None)
    with open_library(args, where) as library:
        if args.dry_run:
            steps = library.plan(action, args.paths, destination)
            print_notes(library)
            todo = [s for s in steps if s.skip is None]
            for step in steps:
                if step.skip:
                    print(f"  {_skip(step)}  {printable(step.source)}: {printable(step.skip or '')}")
                else:
                    where_to = "the trash" if action is Action.TRASH else step.target
                    print(f"  would {action.value}  {printable(step.source)} -> {printable(where_to)}")
            photos = [s for s in todo if s.companion_of is None]
            skipped = sum(1 for s in steps if s.skip and s.companion_of is None)
            print(
                f"Dry run: {len(photos)} to {action.value}"
                f"{with_them([s.source for s in todo if s.companion_of is not None], len(photos))}, "
                f"{skipped} skipped. "
                "Nothing was changed."
            )
            return EXIT_OK if todo else EXIT_FAILED
        with progress_bar() as progress:  # a move of thousands of photos takes minutes: a bar, not silence
            outcome = library.act(action, args.paths, destination, progress=progress)
    code = report_action(action, outcome)
    sys.stdout.flush()
    print_notes(library)  # after the files it speaks of (a review: "left the library" came first)
    return code


def cmd_date(args: argparse.Namespace, where: Locations) -> int:
    """``photoorg date PHOTO... --taken WHEN``: the date taken written into their sidecars."""
    when, known = date_taken_of(args.taken)
    folders = [p for p in args.paths if os.path.isdir(p)]
    if folders:
        named = os.path.join(folders[0], "*.jpg")
        say(f"photoorg: {folders[0]} is a folder; photoorg dates photos. Name them ({named}).")
        return EXIT_USAGE
    with open_library(args, where) as library:
        steps, outcome = library.set_date_taken(args.paths, when, known=known, dry_run=args.dry_run)
        todo = [s for s in steps if s.skip is None]
        for step in [s for s in steps if s.skip] if outcome is None else outcome.skipped:
            print(f"  skip  {printable(step.companion_of or step.source)}: {printable(step.skip or '')}")
        if outcome is None:
            for step in todo:
                print(f"  would date  {printable(step.companion_of or '')} -> {printable(step.source)}")
            print(
                f"Dry run: {plural(len(todo), 'photo')} to date {when_words(when, known)}, "
                f"{len(steps) - len(todo)} skipped. Nothing was changed."
            )
            return EXIT_OK if todo else EXIT_FAILED
        for step in outcome.done:
            print(f"  dated  {printable(step.companion_of or '')} -> {printable(step.source)}")
        for step, reason in outcome.failed:
            print(f"  FAILED  {printable(step.companion_of or step.source)}: {printable(reason)}")
        if outcome.batch is not None:
            print(
                f"Done: {plural(len(outcome.done), 'photo')} dated {when_words(when, known)}, action "
                f"{outcome.batch}. 'photoorg undo' takes it back."
            )
        else:
            print("Nothing was done.")
    sys.stdout.flush()
    print_notes(library)
    return EXIT_OK if outcome.done and not outcome.failed else EXIT_FAILED


def report_action(action: Action, outcome: Outcome) -> int:
    """Each file of a trash, move or copy, and a last line with the action's number; the
    exit code."""
    for step in outcome.skipped:
        print(f"  {_skip(step)}  {printable(step.source)}: {printable(step.skip or '')}")
    numbered = {new: f"  ({why})" for _planned, new, why in outcome.renamed}
    for step in outcome.done:
        where_to = "the trash" if action is Action.TRASH else step.target
        said = numbered.get(step.target or "", "")
        print(f"  {action.value}  {printable(step.source)} -> {printable(where_to)}{printable(said)}")
    for step, reason in outcome.failed:
        print(f"  FAILED  {printable(step.source)}: {printable(reason)}")
    if outcome.batch is not None:
        done = outcome.photos_and_them()
        print(f"Done: {done}, action {outcome.batch}. 'photoorg undo' takes it back.")
    else:
        print("Nothing was done.")
    if any(s.skip == PROTECTED for s in outcome.skipped):  # the way out (a review: none was said)
        print("Protected folders are never changed; 'photoorg library unprotect FOLDER' lifts that.")
    return EXIT_OK if outcome.done and not outcome.failed else EXIT_FAILED


def _skip(step: Step) -> str:
    """How a file left alone is listed: a photo is skipped, a sidecar another file owns stays."""
    return "stays" if step.companion_of is not None else "skip"


def cmd_redo(args: argparse.Namespace, where: Locations) -> int:
    """Do the action undone last again, as a new action (if nothing was done since)."""
    with open_library(args, where) as library:
        with progress_bar() as progress:
            outcome = library.redo(progress)
        print_notes(library)
    if outcome.action is None:  # a decision about a duplicate set, or a change to sidecars, made again
        for step, why in outcome.failed:  # (a hostile review: a full disk was said with exit 0)
            print(printable(f"  FAILED  {step.source}: {why}"))
        print(printable(f"{outcome.note[0].upper()}{outcome.note[1:]}: action {outcome.batch}."))
        print("'photoorg undo' takes it back.")
        return EXIT_FAILED if outcome.failed else EXIT_OK
    return report_action(outcome.action, outcome)


def cmd_undo(args: argparse.Namespace, where: Locations) -> int:
    with open_library(args, where) as library:
        try:
            with progress_bar() as progress:
                outcome = library.undo(args.batch, progress)
        except NothingToUndo as exc:
            print_notes(library)
            more = f" {left_behind_text(exc.left_behind, 'photoorg undo')}" if exc.left_behind else ""
            say(f"photoorg: There is nothing {'more ' if more else ''}to undo.{more}")
            return EXIT_FAILED
        print_notes(library)
    for line in undo_lines(outcome):
        print(printable(line))  # names, and the summaries of decisions made of them
    return EXIT_FAILED if outcome.failed else EXIT_OK


def undo_lines(outcome: Outcome) -> list[str]:
    """What an undo did, file by file, a line that says it all, and a note on a newer action
    whose files are still to put back (a plain undo went on with an older one)."""
    if outcome.note:  # a change to the groups, albums or decisions, or keywords taken out of sidecars
        lines = [f"  NOT UNDONE  {printable(step.source)}: {reason}" for step, reason in outcome.failed]
        again = f"; 'photoorg undo {outcome.batch}' tries the rest again" if outcome.failed else ""
        # "Undid action 12: the change to the albums: ...", as a file action says it.
        lines.append(f"{undone_note(outcome)}{again}.")
    else:
        lines = _file_lines(outcome)
    if outcome.left_behind:  # a newer action's files, left for 'photoorg undo N'
        lines.append(f"Note: {left_behind_text(outcome.left_behind, 'photoorg undo')}")
    return lines


def _file_lines(outcome: Outcome) -> list[str]:
    copy = outcome.action is Action.COPY
    taken = {new: f"  ({printable(why)})" for _old, new, why in outcome.renamed}
    if copy:  # the copy that went, not its name in the trash (a new-user review)
        lines = [f"  copy trashed  {printable(step.source)}" for step in outcome.done]
    else:  # where it is back, and a new name said (an app review: not why)
        lines = [
            f"  restored  {printable(step.target)}{taken.get(step.target or '', '')}" for step in outcome.done
        ]
    lines += [
        f"  NOT UNDONE  {printable(step.target or step.source)}: {reason}" for step, reason in outcome.failed
    ]
    if copy:
        done = outcome.photos_and_them("copy", "copies", after=" moved to the trash")
    else:
        done = outcome.photos_and_them(after=" back")
    if outcome.failed:
        failed = f"{plural(len(outcome.failed), 'file')} {not_back(outcome.action)} (see above)"
        retry = f"'photoorg undo {outcome.batch}' tries {'it' if len(outcome.failed) == 1 else 'them'} again"
        if not outcome.done and outcome.earlier:  # a retry: an earlier undo put the rest back
            before = f"{plural(outcome.earlier, 'file')} came back in an earlier undo"
            lines.append(f"Action {outcome.batch} is undone in part: {before}; {failed}. {retry}.")
        elif not outcome.done:
            lines.append(f"Action {outcome.batch} is not undone: {failed}. {retry}.")
        else:
            lines.append(f"Undid action {outcome.batch} in part: {done}; {failed}. {retry}.")
    else:
        lines.append(f"Undid action {outcome.batch}: {done}.")
    return lines


def cmd_history(args: argparse.Namespace, where: Locations) -> int:
    if args.batch is not None:
        return _action_files(args, where)
    with open_library(args, where) as library:
        batches, total = library.history(args.limit)
        print_notes(library)
    if args.json:
        print(json.dumps([_batch_json(b) for b in batches], indent=2))
        return EXIT_OK
    if not batches:
        print("No file actions yet.")
    for b in batches:
        when = datetime.fromtimestamp(b.created).strftime("%Y-%m-%d %H:%M")
        if b.not_undone and not b.undone_files:  # (a hostile review: "undone except 80 files"
            state = f", not undone: {plural(b.not_undone, 'file')} {not_back(b.action)}"  # of 80)
        elif b.not_undone:
            state = f", undone except {plural(b.not_undone, 'file')} that {not_back(b.action)}"
        elif b.undone:
            state = ", undone"
        elif b.undone_files:
            state = f", {b.undone_files} of them undone"
        else:
            state = " done"  # (a new-user review: "6 files done, undone" for one undone)
        print(f"{b.id:>5}  {when}  {printable(b.summary)} ({b.extent}{state})")
    if total > len(batches):
        print(f"... and {total - len(batches)} older (--limit {total} shows all).")
    return EXIT_OK


def _action_files(args: argparse.Namespace, where: Locations) -> int:
    """``photoorg history N``: the files of one action and what became of each."""
    with open_library(args, where) as library:
        files = library.action_files(args.batch)
        [info] = [b for b in library.history(None)[0] if b.id == args.batch]
    if args.json:
        print(json.dumps([f.__dict__ for f in files], indent=2))
        return EXIT_OK
    print(f"Action {info.id}: {printable(info.summary)}")
    if not files:
        what = (
            "a decision about 1 duplicate set"
            if info.action == "decision"
            else f"{info.extent} to the groups, albums or duplicate decisions"
        )
        print(f"  ({what}; no file was moved)")
    for f in files:
        line = f"  {f.state:<22} {printable(f.source)}"
        if f.target:
            line += f"\n  {'':<22} -> {printable(f.target)}"
        if f.back_at and f.back_at != f.source:
            where = "now at" if "trash" in f.state else "back at"
            line += f"\n  {'':<22} {where} {printable(f.back_at)}"
        if f.kept:
            line += f"\n  {'':<22} its earlier version is kept at {printable(f.kept)}"
        if f.problem:
            line += f"\n  {'':<22} ({printable(f.problem)})"
        print(line)
    return EXIT_OK


def _batch_json(info: object) -> dict[str, object]:
    """An action as ``history --json`` gives it: its times as local ISO 8601 with the offset,
    as the text listing reads them (a review: "created": 1796349918.2)."""
    out = dict(vars(info))
    for key in ("created", "undone"):
        if isinstance(out.get(key), (int, float)):
            out[key] = datetime.fromtimestamp(out[key]).astimezone().isoformat(timespec="seconds")
    return out
