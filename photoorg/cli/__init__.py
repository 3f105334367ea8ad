"""The command line: ``photoorg COMMAND``; with no command, the desktop app.

Every command opens the library service (:class:`photoorg.core.library.Library`) with its
flags laid over the saved settings, and does its work through it: the same folders, protected
folders, catalog and journal as the app. One module per command family; this one only
dispatches.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from photoorg.cli.common import EXIT_BUSY, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, setup_logging
from photoorg.cli.parser import build_parser
from photoorg.core.errors import LibraryBusy, PhotoorgError, full_disk
from photoorg.core.paths import locations

log = logging.getLogger(__name__)

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen app's engine process starts here (Windows)
    # A file name that is not valid in the locale's encoding (a Latin-1 name on a UTF-8 system)
    # is printed as its own bytes, never a crash after the work is done.
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors=errors)
    parser = build_parser()
    args = parser.parse_args(argv)
    mark = getattr(args, "mark", None)
    if mark and mark[1] not in ("not-duplicates", "keep-both", "forget"):
        parser.error("--mark DECISION must be not-duplicates, keep-both or forget")
    where = locations(args.home)
    setup_logging(where, args.verbose)
    from photoorg.cli import (
        albums,
        app,
        desktop,
        files,
        library,
        organize,
        scan,
        sets,
        settings,
        thresholds,
        timeline,
    )

    commands = {
        "library": library.cmd_library,
        "album": albums.cmd_album,
        "scan": scan.cmd_scan,
        "bench": scan.cmd_bench,
        "groups": sets.cmd_groups,
        "timeline": timeline.cmd_timeline,
        "duplicates": sets.cmd_duplicates,
        "thresholds": thresholds.cmd_thresholds,
        "similar": sets.cmd_similar,
        "trash": files.cmd_file_action,
        "move": files.cmd_file_action,
        "copy": files.cmd_file_action,
        "date": files.cmd_date,
        "organize": organize.cmd_organize,
        "undo": files.cmd_undo,
        "redo": files.cmd_redo,
        "history": files.cmd_history,
        "desktop-entry": desktop.cmd_desktop_entry,
        "settings": settings.cmd_settings,
    }
    try:
        return commands.get(args.command, app.cmd_app)(args, where)
    except BrokenPipeError:  # the reader went away (`photoorg ... | head`): nothing to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush does not fail
        return EXIT_OK
    except LibraryBusy as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except PhotoorgError as exc:
        print(f"photoorg: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:  # (a new-user review: Ctrl-C midway through an organize said nothing)
        said = _INTERRUPTED.get(args.command)
        if said:
            with contextlib.suppress(OSError):
                print(f"photoorg: interrupted. {said}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        full = full_disk(exc, str(where.catalog.parent))
        if full is not None:  # said in words; the traceback for the log file alone
            log.info("the disk is full", exc_info=True)
            print(f"photoorg: {full}", file=sys.stderr)
            return EXIT_FAILED
        log.exception("unexpected error")
        print(f"photoorg: unexpected error; details are in {where.logs / 'photoorg.log'}", file=sys.stderr)
        return EXIT_FAILED


_DONE_SO_FAR = (
    "The files changed so far are journaled as one action ('photoorg history' lists it); "
    "'photoorg undo' takes them back."
)
#: What a command stopped by Ctrl-C leaves, said as it stops (the others change no file).
_INTERRUPTED = {
    **dict.fromkeys(("trash", "move", "copy", "organize", "redo", "date", "duplicates"), _DONE_SO_FAR),
    "album": _DONE_SO_FAR,  # its keywords written into sidecars
    "undo": "The files put back so far are back; 'photoorg undo' again goes on with the rest.",
}
