"""``photoorg`` with no command: the desktop app."""

from __future__ import annotations

import argparse
import os
import sys

from photoorg.cli.common import EXIT_FAILED
from photoorg.core.paths import Locations


def cmd_app(args: argparse.Namespace, where: Locations) -> int:
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
        from photoorg.gui.launch import run
    except ImportError as exc:
        print(
            f"photoorg: the desktop app cannot start ({exc}). The command line works without it: "
            "photoorg --help",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return run(where, model=args.model)
