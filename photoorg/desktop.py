"""photoorg's place on the desktop: its application id, its icon, and the menu entry.

``photoorg desktop-entry install`` writes the freedesktop.org menu entry (a ``.desktop`` file)
and the icons under ``$XDG_DATA_HOME`` (default ``~/.local/share``), so a pip-installed photoorg
shows up in the desktop's menu; the entry starts this very installation (its venv's Python, or
the bundle's own program), wherever it is. ``packaging/linux/`` holds the entry a system package
or the bundle installs, made by :func:`desktop_entry` too. Qt-free: the command line uses it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

#: Reverse-DNS id: the name of the .desktop and metainfo files and of the icon, and the app id
#: the window gives Wayland, so the desktop matches the window with its entry.
APP_ID = "io.github.photoorg.photoorg"
RESOURCES = Path(__file__).parent / "resources"
ICON_SVG = RESOURCES / "photoorg.svg"
ICONS = RESOURCES / "icons" / "hicolor"  # ICONS/NxN/apps/APP_ID.png, rendered from ICON_SVG
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

_ENTRY = """\
[Desktop Entry]
Type=Application
Name=photoorg
GenericName=Photo Organizer
Comment=Sort a large photo library into groups of similar photos and clean up duplicates
Icon={icon}
Exec={exec}
TryExec={try_exec}
Terminal=false
StartupNotify=true
StartupWMClass=photoorg
Categories=Graphics;Photography;Qt;
Keywords=photos;pictures;duplicates;organize;albums;similar;
"""


def icon_png(size: int, root: Path = ICONS) -> Path:
    return root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def _exec_arg(arg: str) -> str:
    """One argument of an ``Exec`` key, quoted as the Desktop Entry Specification asks."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    arg = arg.replace("%", "%%")  # a literal percent sign is written twice (not a field code)
    if reserved & set(arg):
        arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return arg


def _string_value(text: str) -> str:
    """A value of type string: backslashes are escaped once more in the file."""
    return text.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The text of photoorg's ``.desktop`` file for a menu entry that runs ``command``."""
    exec_line = " ".join(_exec_arg(a) for a in command)
    return _ENTRY.format(icon=APP_ID, exec=_string_value(exec_line), try_exec=_string_value(command[0]))


def this_installation() -> list[str]:
    """The command that starts this photoorg: the bundle's program when frozen, else this
    interpreter (a venv's ``bin/python``, not resolved: the link is what makes it the venv's)
    with ``-m photoorg``."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    return [os.path.abspath(sys.executable), "-m", "photoorg"]


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (the spec)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


@dataclass(frozen=True)
class Installed:
    """The files of the menu entry under one data folder."""

    entry: Path
    pngs: dict[int, Path]
    svg: Path

    @property
    def files(self) -> list[Path]:
        return [self.entry, *self.pngs.values(), self.svg]


def _targets(root: Path) -> Installed:
    theme = root / "icons" / "hicolor"
    return Installed(
        entry=root / "applications" / f"{APP_ID}.desktop",
        pngs={size: icon_png(size, theme) for size in ICON_SIZES},
        svg=theme / "scalable" / "apps" / f"{APP_ID}.svg",
    )


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name, so a menu never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def install(command: list[str] | None = None, root: Path | None = None) -> Installed:
    """Write the icons and the menu entry (running ``command``, default
    :func:`this_installation`) under ``root`` (default :func:`data_home`); returns where."""
    targets = _targets(root or data_home())
    for size, target in targets.pngs.items():
        _write(target, icon_png(size).read_bytes())
    _write(targets.svg, ICON_SVG.read_bytes())
    # The entry last: a menu that shows it finds its icon.
    _write(targets.entry, desktop_entry(command or this_installation()).encode("utf-8"))
    _touch(targets.svg.parents[2])
    return targets


def remove(root: Path | None = None) -> list[Path]:
    """Remove the menu entry and the icons :func:`install` writes; returns those that were there."""
    targets = _targets(root or data_home())
    removed = []
    for path in targets.files:
        if path.exists():
            path.unlink()
            removed.append(path)
    _touch(targets.svg.parents[2])
    return removed


def _touch(theme: Path) -> None:
    """GTK's icon cache notices new or removed icons by the theme folder's time."""
    if theme.is_dir():
        os.utime(theme)
