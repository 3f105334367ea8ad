"""``photoorg desktop-entry install|remove``: photoorg in the desktop's menu, with its icon."""

from __future__ import annotations

import argparse
import sys

from photoorg import desktop
from photoorg.cli.common import EXIT_OK, EXIT_USAGE, say
from photoorg.core.humanize import printable
from photoorg.core.paths import Locations


def cmd_desktop_entry(args: argparse.Namespace, where: Locations) -> int:
    # The entry is the person's, not the library's: --home does not move it.
    if sys.platform in ("win32", "darwin"):
        say(
            "photoorg: desktop-entry is for Linux and other freedesktop.org desktops; on macOS and "
            "Windows use the app bundle (see Packaging in the README)."
        )
        return EXIT_USAGE
    if args.desktop_command == "install":
        command = desktop.this_installation()
        done = desktop.install(command)
        print(f"photoorg is in the menu: {done.entry}")
        print(f"It starts: {' '.join(command)}")
        print(f"Icons: {done.svg.parents[2]}")
        print("Some desktops show a new entry only after logging in again.")
        return EXIT_OK
    removed = desktop.remove()
    if not removed:
        print(f"photoorg was not in the menu (no {desktop.APP_ID}.desktop under {desktop.data_home()}).")
        return EXIT_OK
    print(f"photoorg is no longer in the menu; removed {len(removed)} files:")
    for path in removed:
        print(f"  {printable(path)}")
    return EXIT_OK
