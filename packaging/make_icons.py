"""Make photoorg's icons and menu entry from their one source each.

    python packaging/make_icons.py                 # the hicolor PNGs and packaging/linux/*.desktop
    python packaging/make_icons.py --ico F --icns G  # also Windows' .ico and macOS' .icns

The PNGs (``photoorg/resources/icons/hicolor/NxN/apps/``) are rendered from
``photoorg/resources/photoorg.svg`` with Qt's SVG renderer and committed: they ship in the
wheel, for the window and ``photoorg desktop-entry install``. The .ico and .icns are made
from those PNGs with Pillow by ``packaging/build.py`` (build output, not committed).
Run from the repository root, in an environment with photoorg's dependencies.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from photoorg.desktop import APP_ID, ICON_SIZES, ICON_SVG, desktop_entry, icon_png  # noqa: E402

LINUX = ROOT / "packaging" / "linux"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # what Windows asks of an application icon
ICNS_SIZES = (16, 32, 64, 128, 256, 512)  # each also serves as the @2x of the one below


def _render(size: int, target: Path) -> Path:
    """Render the SVG at ``size`` pixels square (transparent background, antialiased)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        _keep.append(QGuiApplication([]))  # painting on a QImage needs one
    renderer = QSvgRenderer(str(ICON_SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {ICON_SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    return target


_keep: list[object] = []


def render_pngs() -> list[Path]:
    """The PNG of every hicolor size."""
    return [_render(size, icon_png(size)) for size in ICON_SIZES]


def write_desktop_file() -> Path:
    """The entry a system package or a distribution installs (photoorg on the PATH)."""
    target = LINUX / f"{APP_ID}.desktop"
    target.write_text(desktop_entry(["photoorg"]), encoding="utf-8")
    return target


def make_ico(target: Path) -> Path:
    from PIL import Image

    largest = Image.open(icon_png(256))
    target.parent.mkdir(parents=True, exist_ok=True)
    largest.save(target, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return target


def make_icns(target: Path) -> Path:
    """macOS' icon: 16 to 512 points, each at 1x and 2x (so up to 1024 pixels, rendered anew)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        largest = Image.open(_render(1024, Path(tmp) / "1024.png"))
        others = [Image.open(icon_png(s)) for s in ICNS_SIZES]
        target.parent.mkdir(parents=True, exist_ok=True)
        largest.save(target, format="ICNS", append_images=others)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ico", type=Path, help="also write Windows' icon here")
    parser.add_argument("--icns", type=Path, help="also write macOS' icon here")
    parser.add_argument(
        "--only-platform", action="store_true", help="only the .ico/.icns (the PNGs are committed)"
    )
    args = parser.parse_args(argv)
    made: list[Path] = []
    if not args.only_platform:
        made += render_pngs()
        made.append(write_desktop_file())
    if args.ico:
        made.append(make_ico(args.ico))
    if args.icns:
        made.append(make_icns(args.icns))
    for path in made:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
