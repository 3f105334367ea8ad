"""What every command shares: exit codes, logging, the progress bar, and opening the library
service with the command's flags laid over the saved settings."""

from __future__ import annotations

import argparse
import contextlib
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TextIO

from photoorg.cli.report import fitted
from photoorg.core.given import Given
from photoorg.core.humanize import format_duration, human_bytes, printable
from photoorg.core.library import Library
from photoorg.core.paths import Locations
from photoorg.core.progress import Progress

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUSY = 75  # EX_TEMPFAIL: another photoorg holds the library and --no-wait was given
EXIT_INTERRUPTED = 130


class _Brief(logging.Formatter):
    """A warning on the terminal in one line: the message and the error's own words; the
    traceback goes to the log file only (a hostile review saw SQLite's on a full disk)."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{record.levelname}: {record.getMessage()}"
        error = record.exc_info[1] if record.exc_info else None
        return f"{text} ({error})" if error is not None and str(error) else text


def setup_logging(where: Locations, verbose: bool) -> None:
    """stderr for warnings (info with -v), and a rotating log file for everything."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.INFO if verbose else logging.WARNING)
    err.setFormatter(_Brief())
    # A log file that cannot be written (its disk full) is no reason for a traceback on the
    # terminal (a hostile review): the command says what failed in its own words.
    logging.raiseExceptions = False
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


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress]:
    """A Progress that draws a :class:`ProgressBar` (on a terminal), closed when the work ends."""
    bar = ProgressBar()
    try:
        yield Progress(on_change=bar)
    finally:
        bar.close()


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
            if p.unit == "B":
                done, total, rate = human_bytes(p.done), human_bytes(p.total), f"{human_bytes(int(p.rate))}/s"
            else:
                done, total, rate = str(p.done), str(p.total), f"{p.rate:.1f}/s"
            text = f"{p.stage}: [{bar}] {done}/{total}  {rate}{eta_text}"
        else:
            text = f"{p.stage}: {p.done}"
        self.stream.write("\r" + text.ljust(100)[:100])
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._stage:
            self.stream.write("\n")
            self.stream.flush()
        self._stage = ""


def say(text: str) -> None:
    """A note for the person, on stderr (stdout stays clean for --json)."""
    print(text, file=sys.stderr, flush=True)


def confirmed(question: str) -> bool | None:
    """Whether the person at the terminal says yes to ``question`` about the plan just printed;
    None when there is no terminal to ask at (a script: it says --yes). The question goes to
    stderr, so that it shows also when the output goes to a pipe or is --json (found by a
    review: `organize ... | tail` and `--json` moved every photo without a question)."""
    if not sys.stdin.isatty():
        return None
    sys.stdout.flush()
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def open_library(args: argparse.Namespace, where: Locations, *, allow_download: bool = False) -> Library:
    """The library service with this command's flags laid over the saved settings.

    A flag a command does not have, or that was not given, leaves the setting as saved.
    """
    overrides = {
        "model": getattr(args, "model", None),
        "device": getattr(args, "device", None),
        "dtype": getattr(args, "dtype", None),
        "preprocess": getattr(args, "preprocess", None),
        "same_threshold": getattr(args, "same_threshold", None),
        "similar_threshold": getattr(args, "similar_threshold", None),
        "offer_raw_jpegs": getattr(args, "offer_raw_jpegs", None),
        "min_group_size": getattr(args, "min_group_size", None),
        "group_method": getattr(args, "method", None),
        "keeper_rules": getattr(args, "keeper_rules", None),
    }
    library = Library(
        where,
        overrides,
        protect=getattr(args, "protect", None) or (),
        prefer=getattr(args, "prefer", None) or (),
        exclude=getattr(args, "exclude", None) or (),
        batch_size=getattr(args, "batch_size", None),
        workers=getattr(args, "workers", None),
        allow_download=allow_download and not getattr(args, "offline", False),
        wait=not getattr(args, "no_wait", False),
        on_wait=say,
    )
    return library


def print_notes(library: Library) -> None:
    """What opening the catalog found (a moved catalog, a crash settled), once."""
    for note in library.notes:
        say(fitted(f"Note: {note}.", "  ", sys.stderr))
    library.notes.clear()
    if library.reembed_offer:
        say(fitted(f"Note: {library.reembed_offer}.", "  ", sys.stderr))
        library.reembed_offer = None


def missing_paths(paths: Sequence[str], what: str = "folder") -> bool:
    """Say which paths do not exist (a usage error); True when any is missing."""
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        say(f"photoorg: no such {what}: {', '.join(printable(p) for p in missing)}")
    return bool(missing)


def add_given(library: Library, paths: Sequence[str]) -> Given:
    """Add the folders among the paths a person gave to the library, saying what was added
    and what was left out; ``.roots`` is what to scan."""
    given = library.add_given(paths)
    for folder in given.added:
        say(f"Added {printable(folder)} to the library.")
    for path, why in given.left:
        say(f"Left out {printable(path)}: {why}.")
    return given


def say_missing(folders: Sequence[str]) -> None:
    """A note for each library folder that is not there."""
    for folder in folders:
        say(
            f"Note: the library folder {printable(folder)} is not there, or empty where photos were "
            "(a disconnected drive?); skipped, its photos stay in the catalog."
        )


def library_roots_or_say(library: Library) -> list[str] | None:
    """The library's folders that are there; None (after saying why) when there are none."""
    roots, missing = library.library_roots()
    say_missing(missing)
    if not roots and not missing:
        say(
            "photoorg: the library has no folders yet. Add one with 'photoorg library add DIR', "
            "or scan one with 'photoorg scan DIR'."
        )
        return None
    return roots
