"""Build photoorg's one-folder app with PyInstaller, from a clean venv.

    python3 packaging/build.py            # -> dist/photoorg/photoorg (dist/photoorg.app on macOS)
    python3 packaging/build.py --fresh    # the venv made anew first

Steps: a venv (default ``.venv-bundle``) with the CPU build of torch (a bundle is for every
computer; CUDA would add GBs), photoorg from this working tree, PyInstaller and
pyinstaller-hooks-contrib; the platform's icon (``.ico`` on Windows, ``.icns`` on macOS; both
are made everywhere, they are small) from the committed PNGs; then ``packaging/photoorg.spec``.
Prints the time it took and the bundle's size. Uses only the standard library.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from install import torch_requirement, venv_python  # noqa: E402

TOOLS = ["pyinstaller>=6.11", "pyinstaller-hooks-contrib>=2025.1"]


def run(*cmd: str | Path, **kw: object) -> None:
    print("+ " + " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)  # type: ignore[call-overload]


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-bundle", help="default: .venv-bundle")
    parser.add_argument("--fresh", action="store_true", help="remove the venv first")
    parser.add_argument(
        "--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build",
        help="work folder, with the icons (default: build)",
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    venv = args.venv.absolute()
    if args.fresh and venv.exists():
        shutil.rmtree(venv)
    if not venv_python(venv).exists():
        run(sys.executable, "-m", "venv", venv)
    py = venv_python(venv)
    torch_args, why = torch_requirement(sys.platform, gpu=None, force="cpu")
    print(f"torch: {why}", flush=True)
    run(py, "-m", "pip", "install", "--quiet", *torch_args)
    run(py, "-m", "pip", "install", "--quiet", ROOT, *TOOLS)

    icons = args.work.absolute() / "icons"
    run(
        py,
        HERE / "make_icons.py",
        "--only-platform",
        "--ico",
        icons / "photoorg.ico",
        "--icns",
        icons / "photoorg.icns",
    )
    env = dict(os.environ, PHOTOORG_ICONS=str(icons))
    run(
        py, "-m", "PyInstaller", "--noconfirm", "--clean",
        "--distpath", args.dist.absolute(), "--workpath", args.work.absolute() / "pyinstaller",
        HERE / "photoorg.spec",
        cwd=ROOT, env=env,
    )  # fmt: skip
    bundle = args.dist.absolute() / ("photoorg.app" if sys.platform == "darwin" else "photoorg")
    program = {"darwin": bundle / "Contents" / "MacOS" / "photoorg", "win32": bundle / "photoorg.exe"}.get(
        sys.platform, bundle / "photoorg"
    )
    minutes, seconds = divmod(round(time.monotonic() - start), 60)
    size = folder_size(bundle) / 2**20
    print(f"Built {program} in {minutes} min {seconds} s; the folder holds {size:.0f} MiB.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
