"""CLI commands over the catalog's vectors: ``groups``, ``duplicates``, ``similar``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from photoorg.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    _make_embedder,
    _missing_folders,
    _open_catalog_reconciled,
)
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress


def _bring_up_to_date(args: argparse.Namespace, where: Locations, catalog, roots: Sequence[str]):
    """The incremental scan the set commands run first; returns (summary, model id or None)."""
    from photoorg.core.pipeline import run_scan

    bar = ProgressBar()
    try:
        summary = run_scan(
            roots,
            catalog,
            _make_embedder(args, where),
            progress=Progress(on_change=bar),
            decode_workers=args.workers,
        )
    finally:
        bar.close()
    new = summary.embedded + summary.reused
    note = f" ({new} new or changed)" if new else ""
    photos = "photo" if summary.seen == 1 else "photos"
    print(
        f"Catalog up to date: {summary.seen} {photos}{note}, {len(summary.failures)} unreadable.",
        file=sys.stderr,
    )
    model = catalog.find_model(summary.model_key) if summary.model_key else None
    return summary, (model.id if model else None)


def cmd_groups(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import report
    from photoorg.core.grouping import GroupSettings, group_photos

    if _missing_folders(args.folders):
        return EXIT_USAGE
    settings = GroupSettings(min_group_size=args.min_group_size, method=args.method)
    with _open_catalog_reconciled(where) as catalog:
        summary, model_id = _bring_up_to_date(args, where, catalog, args.folders)
        if model_id is None:
            print(
                f"photoorg: cannot group photos without the model. {summary.model_error or ''}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        roots = [os.path.abspath(f) for f in args.folders]
        groups = group_photos(catalog, model_id, roots, settings=settings)
    if args.json:
        print(json.dumps(report.groups_json(groups), indent=2))
    else:
        print(report.groups_text(groups, args.members))
    return EXIT_OK


def cmd_duplicates(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import report
    from photoorg.core.duplicates import DuplicateSettings, Verdict, find_duplicates
    from photoorg.core.keeper import KeeperPolicy

    if _missing_folders(args.folders + args.protect + args.prefer):
        return EXIT_USAGE
    try:
        settings = DuplicateSettings(
            same_threshold=args.same_threshold, similar_threshold=args.similar_threshold
        )
    except ValueError as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        rules = tuple(r.strip() for r in args.keeper_rules.split(",")) if args.keeper_rules else None
        policy = KeeperPolicy(
            protected=tuple(os.path.abspath(p) for p in args.protect),
            preferred=tuple(os.path.abspath(p) for p in args.prefer),
            **({"rules": rules} if rules else {}),
        )
    except ValueError as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    verdicts = [Verdict(v) for v in args.verdict] if args.verdict else list(Verdict)
    with _open_catalog_reconciled(where) as catalog:
        summary, model_id = _bring_up_to_date(args, where, catalog, args.folders)
        if model_id is None:
            print(
                f"Without the model only exact copies can be found. {summary.model_error or ''}",
                file=sys.stderr,
            )
        roots = [os.path.abspath(f) for f in args.folders]
        sets = find_duplicates(catalog, model_id, roots, settings=settings, policy=policy, verdicts=verdicts)
        if args.mark:
            return _mark_set(catalog, sets, *args.mark)
    if args.json:
        print(json.dumps(report.duplicates_json(sets), indent=2))
    else:
        print(report.duplicates_text(sets))
    return EXIT_OK if model_id is not None or verdicts == [Verdict.EXACT] else EXIT_FAILED


def _mark_set(catalog, sets, set_id: str, decision: str) -> int:
    from photoorg.core.duplicates import mark

    chosen = next((s for s in sets if s.id == set_id), None)
    if chosen is None:
        print(
            f"photoorg: no duplicate set {set_id} among the sets found now; run "
            "'photoorg duplicates' to see the current set ids.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    mark(catalog, chosen, None if decision == "forget" else decision.replace("-", "_"))
    what = {
        "not-duplicates": "are not duplicates",
        "keep-both": "are all kept",
        "forget": "are no longer remembered",
    }[decision]
    names = ", ".join(os.path.basename(p.path) for p in chosen.photos)
    print(
        f"Remembered: the photos of set {set_id} ({names}) {what}."
        if decision != "forget"
        else f"Decisions about set {set_id} ({names}) {what}."
    )
    return EXIT_OK


def cmd_similar(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import report
    from photoorg.core.grouping import find_similar

    target = os.path.abspath(args.photo)
    if not os.path.isfile(target):
        print(f"photoorg: no such photo: {args.photo}", file=sys.stderr)
        return EXIT_USAGE
    if _missing_folders(args.folders):
        return EXIT_USAGE
    with _open_catalog_reconciled(where) as catalog:
        summary, model_id = _bring_up_to_date(args, where, catalog, [target, *args.folders])
        failure = next((f.reason for f in summary.failures if f.path == target), None)
        if failure:
            print(f"photoorg: cannot read {args.photo}: {failure}", file=sys.stderr)
            return EXIT_FAILED
        if model_id is None:
            print(
                f"photoorg: cannot compare photos without the model. {summary.model_error or ''}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        roots = [os.path.abspath(f) for f in args.folders] or None
        result = find_similar(catalog, model_id, target, args.k, roots)
    if args.json:
        print(json.dumps(report.similar_json(target, result), indent=2))
    else:
        print(report.similar_text(target, result))
    return EXIT_OK
