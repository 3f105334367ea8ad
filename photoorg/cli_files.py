"""CLI commands that touch files: ``trash``, ``move``, ``copy``, ``undo``, ``history``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from photoorg.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, _open_catalog_reconciled
from photoorg.core.paths import Locations

_VERBS = {"trash": "trashes", "move": "moves", "copy": "copies"}


def cmd_file_action(args: argparse.Namespace, where: Locations) -> int:
    from photoorg.core import actions

    action = actions.Action(args.command)
    folders = [p for p in args.paths if os.path.isdir(p)]
    if folders:
        print(
            f"photoorg: {folders[0]} is a folder; photoorg {_VERBS[action.value]} photos, not folders. "
            "Name the photos.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    destination = getattr(args, "to", None)
    protected = [os.path.abspath(p) for p in getattr(args, "protect", [])]
    with _open_catalog_reconciled(where) as catalog:
        steps = actions.plan(catalog, action, args.paths, destination, protected)
        todo = [s for s in steps if s.skip is None]
        verb = {"trash": "Trash", "move": "Move", "copy": "Copy"}[action.value]
        for step in steps:
            if step.skip:
                print(f"  skip  {step.source}: {step.skip}")
            elif args.dry_run:
                where_to = "the trash" if action is actions.Action.TRASH else step.target
                print(f"  would {action.value}  {step.source} -> {where_to}")
        if args.dry_run:
            skipped = len(steps) - len(todo)
            print(f"Dry run: {len(todo)} to {action.value}, {skipped} skipped. Nothing was changed.")
            return EXIT_OK
        outcome = actions.execute(catalog, action, steps, f"{verb} {len(todo)} photo(s)")
    for step in outcome.done:
        where_to = "the trash" if action is actions.Action.TRASH else step.target
        print(f"  {action.value}  {step.source} -> {where_to}")
    for step, reason in outcome.failed:
        print(f"  FAILED  {step.source}: {reason}")
    if outcome.batch is not None:
        print(f"Done: {len(outcome.done)} photo(s), action {outcome.batch}. 'photoorg undo' reverses it.")
    else:
        print("Nothing was done.")
    return EXIT_FAILED if outcome.failed else EXIT_OK


def cmd_undo(args: argparse.Namespace, where: Locations) -> int:
    from photoorg.core import actions

    with _open_catalog_reconciled(where) as catalog:
        outcome = actions.undo(catalog, args.batch)
    for step in outcome.done:
        # Undoing a copy sends the copy to the trash; anything else puts a file back.
        print(f"  {'copy trashed' if step.source == step.target else 'restored'}  {step.target}")
    for step, reason in outcome.failed:
        print(f"  FAILED  {step.target}: {reason}")
    print(
        f"Undid action {outcome.batch}: {len(outcome.done)} photo(s) back"
        + (f", {len(outcome.failed)} could not be" if outcome.failed else "")
        + "."
    )
    return EXIT_FAILED if outcome.failed else EXIT_OK


def cmd_history(args: argparse.Namespace, where: Locations) -> int:
    from datetime import datetime

    from photoorg.core import actions

    with _open_catalog_reconciled(where) as catalog:
        batches = actions.history(catalog)
    if args.json:
        print(json.dumps([b.__dict__ for b in batches], indent=2))
        return EXIT_OK
    if not batches:
        print("No file actions yet.")
    for b in batches:
        when = datetime.fromtimestamp(b.created).strftime("%Y-%m-%d %H:%M")
        state = " (undone)" if b.undone else ""
        print(f"{b.id:>5}  {when}  {b.summary}{state}")
    return EXIT_OK
