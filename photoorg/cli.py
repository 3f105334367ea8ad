"""Command line: ``photoorg scan``, ``photoorg bench``; with no command, the desktop app."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from photoorg import __version__
from photoorg.core.embedder import DEFAULT_MODEL, DEVICES, DTYPES
from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import Locations, locations
from photoorg.core.progress import Progress, format_duration

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
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
        help=f"DINOv2 model: a Hugging Face id or a local folder (default {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show informational messages",
    )


def _embedding_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default="auto",
        help="where to run the model (default: CUDA, then Apple MPS, then CPU)",
    )
    parser.add_argument(
        "--dtype",
        choices=DTYPES,
        default="auto",
        help="number format (default: fp16 on GPUs, bf16 on CPUs that have it, else fp32)",
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photoorg",
        description="Organise photo folders: DINOv2 embeddings, groups of similar photos, duplicates. "
        "With no command, the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"photoorg {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan",
        help="find photos under folders and embed them into the catalog",
        description="Find photos under the folders and bring the catalog up to "
        "date: new and changed photos are embedded, unchanged ones "
        "are skipped, moved ones keep their vectors.",
    )
    _common(scan, suppress=True)
    scan.add_argument("folders", nargs="+", metavar="DIR", help="photo folders (searched recursively)")
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip files or folders matching this glob (repeatable)",
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
    _common(bench, suppress=True)
    bench.add_argument("folders", nargs="+", metavar="DIR")
    bench.add_argument(
        "--limit", type=int, default=None, metavar="N", help="use at most N photos (default: all)"
    )
    bench.add_argument(
        "--naive-limit", type=int, default=24, metavar="N", help="photos for the slow naive path (default 24)"
    )
    bench.add_argument("--json", action="store_true", help="print the table as JSON")
    _embedding_options(bench)
    groups = sub.add_parser(
        "groups",
        help="show the photos sorted into groups of similar photos",
        description="Bring the catalog up to date for the folders, then group "
        "their photos by what they show (HDBSCAN over the DINOv2 "
        "vectors). Photos that fit no group are listed as Unsorted.",
    )
    _common(groups, suppress=True)
    groups.add_argument("folders", nargs="+", metavar="DIR")
    groups.add_argument(
        "--min-group-size", type=int, default=5, metavar="N", help="smallest group worth showing (default 5)"
    )
    groups.add_argument(
        "--method",
        choices=("eom", "leaf"),
        default="eom",
        help="eom: fewer, broader groups (default); leaf: more, finer groups",
    )
    groups.add_argument("--members", action="store_true", help="list every photo of every group")
    groups.add_argument("--json", action="store_true", help="print JSON")
    _embedding_options(groups)

    dups = sub.add_parser(
        "duplicates",
        help="find duplicate photos and suggest which copy to keep",
        description="Bring the catalog up to date for the folders, then list "
        "duplicate sets: exact copies, the same image saved again, "
        "and similar shots, each with the copy to keep and why.",
    )
    _common(dups, suppress=True)
    dups.add_argument("folders", nargs="+", metavar="DIR")
    dups.add_argument(
        "--verdict",
        action="append",
        choices=[v.value for v in _verdicts()],
        help="only these kinds of set (repeatable; default: all)",
    )
    dups.add_argument(
        "--same-threshold",
        type=float,
        default=0.98,
        metavar="COS",
        help="embedding similarity for 'same image' (default 0.98)",
    )
    dups.add_argument(
        "--similar-threshold",
        type=float,
        default=0.93,
        metavar="COS",
        help="embedding similarity for 'similar' (default 0.93)",
    )
    dups.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="DIR",
        help="a reference folder: its photos are always kept (repeatable)",
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
        metavar="RULES",
        help="comma-separated order of the rules that pick the copy to keep (default: "
        "protected,resolution,file_size,format,exif,earliest_taken,preferred_folder,oldest_file)",
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
            + ". Each photo is first checked against the catalog: a photo that "
            "changed since it was scanned is skipped. Every action is journaled.",
        )
        _common(act, suppress=True)
        act.add_argument("paths", nargs="+", metavar="PHOTO")
        if name != "trash":
            act.add_argument("--to", required=True, metavar="DIR", help="destination folder")
        if name != "copy":
            act.add_argument(
                "--protect",
                action="append",
                default=[],
                metavar="DIR",
                help="never touch photos in this folder (repeatable)",
            )
        act.add_argument("--dry-run", action="store_true", help="print exactly what would happen, do nothing")
    undo = sub.add_parser("undo", help="undo the last trash/move/copy, or the one numbered N")
    _common(undo, suppress=True)
    undo.add_argument(
        "batch", nargs="?", type=int, metavar="N", help="an action number from 'photoorg history'"
    )
    hist = sub.add_parser("history", help="list the file actions photoorg did, newest first")
    _common(hist, suppress=True)
    hist.add_argument("--json", action="store_true", help="print JSON")

    similar = sub.add_parser("similar", help="find the photos most like a given photo")
    _common(similar, suppress=True)
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


def _verdicts():
    from photoorg.core.duplicates import Verdict

    return list(Verdict)


def setup_logging(where: Locations, verbose: bool) -> None:
    """stderr for warnings (info with -v), and a rotating log file for everything."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.INFO if verbose else logging.WARNING)
    err.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(err)
    try:
        where.logs.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(
            where.logs / "photoorg.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError as exc:
        log.warning("cannot write the log file in %s: %s", where.logs, exc)
    for noisy in ("httpx", "httpcore", "urllib3", "huggingface_hub", "filelock"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


class ProgressBar:
    """A one-line progress bar on a terminal; silent when output is not a terminal."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._last = 0.0
        self._stage = ""

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if p.stage != self._stage:
            if self._stage:
                self.stream.write("\n")
            self._stage = p.stage
        elif now - self._last < 0.1 and p.done < p.total:
            return
        self._last = now
        if p.total:
            width = 28
            filled = int(width * p.done / p.total)
            bar = "#" * filled + "-" * (width - filled)
            eta = p.eta
            eta_text = f" ETA {format_duration(eta)}" if eta is not None else ""
            text = f"{p.stage}: [{bar}] {p.done}/{p.total}  {p.rate:.1f}/s{eta_text}"
        else:
            text = f"{p.stage}: {p.done}"
        self.stream.write("\r" + text.ljust(100)[:100])
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._stage:
            self.stream.write("\n")
            self.stream.flush()
        self._stage = ""


def _make_embedder(args: argparse.Namespace, where: Locations):
    from photoorg.core.embedder import Embedder

    return Embedder(
        args.model or DEFAULT_MODEL,
        device=args.device,
        dtype=args.dtype,
        batch_size=args.batch_size,
        cache_dir=where.model_cache,
        allow_download=not args.offline,
    )


def _missing_folders(folders: Sequence[str]) -> bool:
    """Say which folders do not exist (a usage error); True when any is missing."""
    missing = [f for f in folders if not os.path.exists(f)]
    if missing:
        print(f"photoorg: no such folder: {', '.join(missing)}", file=sys.stderr)
    return bool(missing)


def cmd_scan(args: argparse.Namespace, where: Locations) -> int:
    from photoorg.core.pipeline import run_scan

    if _missing_folders(args.folders):
        return EXIT_USAGE
    bar = ProgressBar()
    progress = Progress(on_change=bar)
    with _open_catalog_reconciled(where) as catalog:
        try:
            summary = run_scan(
                args.folders,
                catalog,
                _make_embedder(args, where),
                exclude=args.exclude,
                progress=progress,
                decode_workers=args.workers,
            )
        except KeyboardInterrupt:
            bar.close()
            print(
                "Interrupted. Everything committed so far is kept; run the same command to continue.",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        finally:
            bar.close()
    if args.json:
        print(json.dumps(_summary_dict(summary, where), indent=2))
    else:
        _print_summary(summary, where)
    if summary.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.ok else EXIT_FAILED


def _summary_dict(s, where: Locations) -> dict:
    return {
        "folders": s.roots,
        "model": s.model,
        "model_key": s.model_key,
        "model_error": s.model_error,
        "seen": s.seen,
        "embedded": s.embedded,
        "reused": s.unchanged + s.reused,
        "unchanged": s.unchanged,
        "reused_by_content": s.reused,
        "not_embedded": s.not_embedded,
        "removed_from_catalog": s.removed,
        "failed": len(s.failures),
        "failures": [{"path": f.path, "reason": f.reason} for f in s.failures],
        "cancelled": s.cancelled,
        "seconds": round(s.elapsed, 3),
        "photos_per_second": round(s.photos_per_second, 2),
        "catalog": str(where.catalog),
    }


def _print_summary(s, where: Locations) -> None:
    out = sys.stdout
    folders = "folder" if len(s.roots) == 1 else "folders"
    print(f"Scanned {len(s.roots)} {folders} with {s.model or 'no model'} in {s.elapsed:.1f} s", file=out)
    rate = f"  ({s.photos_per_second:.1f} photos/s)" if s.embedded else ""
    print(f"  photos seen:        {s.seen}", file=out)
    print(f"  embedded:           {s.embedded}{rate}", file=out)
    print(
        f"  reused from cache:  {s.unchanged + s.reused}"
        f"  (unchanged {s.unchanged}, same content elsewhere {s.reused})",
        file=out,
    )
    if s.not_embedded:
        print(
            f"  not embedded:       {s.not_embedded}  (no model; catalogued for exact duplicates)", file=out
        )
    if s.removed:
        print(f"  gone from disk:     {s.removed}  (forgotten by the catalog)", file=out)
    print(f"  failed:             {len(s.failures)}", file=out)
    for f in s.failures:
        print(f"    {f.path}: {f.reason}", file=out)
    if s.model_error:
        print(f"\nNot embedded: {s.model_error}", file=out)
    if s.cancelled:
        print("\nCancelled. Everything committed so far is kept; run the same command to continue.", file=out)
    print(f"Catalog: {where.catalog}", file=out)


def _open_catalog_reconciled(where: Locations):
    from photoorg.core.actions import reconcile
    from photoorg.core.catalog import Catalog

    catalog = Catalog(where.catalog)
    if catalog.set_aside_to is not None:
        print(
            f"The old catalog was unusable and was kept as {catalog.set_aside_to}; a new one was started.",
            file=sys.stderr,
        )
    for note in reconcile(catalog):
        print(f"Note: {note}.", file=sys.stderr)
    return catalog


def cmd_bench(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import bench

    if _missing_folders(args.folders):
        return EXIT_USAGE
    return bench.run(args, _make_embedder(args, where))


def cmd_app(args: argparse.Namespace, where: Locations) -> int:
    """The desktop app (``photoorg`` with no command)."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        print(
            "photoorg: no display to open the app on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Start it from a desktop session, or use the command line: photoorg --help",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        from photoorg.gui.app import run
    except ImportError as exc:
        print(
            f"photoorg: the desktop app cannot start ({exc}). The command line works without it: "
            "photoorg --help",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return run(where, model=args.model)


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen app's engine process starts here (Windows)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "batch_size", None) is not None and args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    mark = getattr(args, "mark", None)
    if mark and mark[1] not in ("not-duplicates", "keep-both", "forget"):
        parser.error("--mark DECISION must be not-duplicates, keep-both or forget")
    where = locations(args.home)
    setup_logging(where, args.verbose)
    from photoorg import cli_files, cli_sets

    commands = {
        "scan": cmd_scan,
        "bench": cmd_bench,
        "groups": cli_sets.cmd_groups,
        "duplicates": cli_sets.cmd_duplicates,
        "similar": cli_sets.cmd_similar,
        "trash": cli_files.cmd_file_action,
        "move": cli_files.cmd_file_action,
        "copy": cli_files.cmd_file_action,
        "undo": cli_files.cmd_undo,
        "history": cli_files.cmd_history,
    }
    try:
        return commands.get(args.command, cmd_app)(args, where)
    except BrokenPipeError:  # the reader went away (`photoorg ... | head`): nothing to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush does not fail
        return EXIT_OK
    except PhotoorgError as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:
        log.exception("unexpected error")
        print(f"photoorg: unexpected error; details are in {where.logs / 'photoorg.log'}", file=sys.stderr)
        return EXIT_FAILED
