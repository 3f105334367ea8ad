"""Command line: ``photoorg scan``, ``photoorg bench``; with no command, the desktop app."""

from __future__ import annotations

import argparse
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
from photoorg.core.progress import Progress

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
    return parser


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
            eta_text = f" ETA {_duration(eta)}" if eta is not None else ""
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


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _make_embedder(args: argparse.Namespace, where: Locations):
    from photoorg.core.embedder import Embedder

    cache_dir = where.models if (args.home or os.environ.get("PHOTOORG_HOME")) else None
    return Embedder(
        args.model or DEFAULT_MODEL,
        device=args.device,
        dtype=args.dtype,
        batch_size=args.batch_size,
        cache_dir=cache_dir,
        allow_download=not args.offline,
    )


def _check_folders(folders: Sequence[str]) -> str | None:
    missing = [f for f in folders if not os.path.exists(f)]
    if missing:
        return f"photoorg: no such folder: {', '.join(missing)}"
    return None


def cmd_scan(args: argparse.Namespace, where: Locations) -> int:
    from photoorg.core.catalog import Catalog
    from photoorg.core.pipeline import run_scan

    if (problem := _check_folders(args.folders)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    bar = ProgressBar()
    progress = Progress(on_change=bar)
    with Catalog(where.catalog) as catalog:
        if catalog.set_aside_to is not None:
            print(
                f"The old catalog was unusable and was kept as {catalog.set_aside_to}; "
                "a new one was started.",
                file=sys.stderr,
            )
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


def cmd_bench(args: argparse.Namespace, where: Locations) -> int:
    from photoorg import bench

    if (problem := _check_folders(args.folders)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    return bench.run(args, _make_embedder(args, where))


def cmd_app(args: argparse.Namespace, where: Locations) -> int:
    print(
        "The photoorg desktop app is not built yet.\n"
        "Meanwhile use the command line:\n"
        "  photoorg scan ~/Pictures      embed your photos into the catalog\n"
        "  photoorg --help               all commands\n"
        f"The catalog lives at {where.catalog}",
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "batch_size", None) is not None and args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    where = locations(args.home)
    setup_logging(where, args.verbose)
    commands = {"scan": cmd_scan, "bench": cmd_bench}
    try:
        return commands.get(args.command, cmd_app)(args, where)
    except PhotoorgError as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:
        log.exception("unexpected error")
        print(f"photoorg: unexpected error; details are in {where.logs / 'photoorg.log'}", file=sys.stderr)
        return EXIT_FAILED
