"""photoorg in the desktop's menu: `photoorg desktop-entry install|remove`, and the files a
package installs (packaging/linux/), checked by the freedesktop.org validators."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from photoorg import __version__
from photoorg.desktop import APP_ID, ICON_SIZES, ICON_SVG, desktop_entry, icon_png

REPO = Path(__file__).resolve().parent.parent
LINUX = REPO / "packaging" / "linux"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop.org desktops only")


def validate_desktop_file(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: apt-get install desktop-file-utils)")
    done = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def entry_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def exec_argv(value: str) -> list[str]:
    """The Exec key as a launcher splits it: the string escapes first (two backslashes are
    one), then the quoting, a subset of the POSIX shell's double quotes, so sh splits it."""
    assert "%" not in value.replace("%%", "")  # no field codes: photoorg takes no files
    quoted = value.replace("\\\\", "\\").replace("%%", "%")
    out = subprocess.run(["sh", "-c", f"printf '%s\\0' {quoted}"], capture_output=True, text=True, check=True)
    return out.stdout.split("\0")[:-1]


def photoorg(python: Path | str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "photoorg", *args], capture_output=True, text=True, env=env, timeout=120, cwd="/"
    )


@pytest.fixture
def odd_venv(tmp_path: Path) -> Path:
    """A venv whose path has a space and a dollar sign, that runs this photoorg: what the
    menu entry must start, quoted so a launcher splits it right."""
    venv = tmp_path / "my photos $HOME" / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    here = sysconfig.get_paths()["purelib"]  # this environment's packages, then this photoorg
    (site / "photoorg-test.pth").write_text(f"{REPO}\n{here}\n", encoding="utf-8")
    return venv / "bin" / "python"


def test_install_puts_an_entry_in_the_menu_that_starts_this_installation(
    odd_venv: Path, tmp_path: Path
) -> None:
    data = tmp_path / "xdg-data"
    env = dict(os.environ, XDG_DATA_HOME=str(data))
    home = tmp_path / "library-home"
    done = photoorg(odd_venv, "--home", str(home), "desktop-entry", "install", env=env)
    assert done.returncode == 0, done.stderr
    entry = data / "applications" / f"{APP_ID}.desktop"
    assert f"photoorg is in the menu: {entry}" in done.stdout
    validate_desktop_file(entry)
    keys = entry_keys(entry)
    assert keys["Name"] == "photoorg" and keys["Icon"] == APP_ID and keys["Terminal"] == "false"
    # The menu runs this venv's Python (its path as it is: the link is what makes it the venv's).
    argv = exec_argv(keys["Exec"])
    assert argv == [str(odd_venv), "-m", "photoorg"]
    assert keys["TryExec"] == str(odd_venv)
    started = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=120, env=env)
    assert started.stdout.strip() == f"photoorg {__version__}", started.stderr
    # The icons, where the icon theme looks for them; --home moved none of it.
    for size in ICON_SIZES:
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(png) as image:
            assert image.size == (size, size)
    svg = data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == ICON_SVG.read_bytes()
    assert not home.exists() or not any(p.suffix in (".desktop", ".png") for p in home.rglob("*"))


def test_without_xdg_data_home_the_entry_goes_to_local_share(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env["HOME"] = str(tmp_path / "home")
    done = photoorg(sys.executable, "desktop-entry", "install", env=env)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "home" / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    validate_desktop_file(entry)
    assert exec_argv(entry_keys(entry)["Exec"]) == [sys.executable, "-m", "photoorg"]


def test_remove_takes_out_only_what_install_wrote(tmp_path: Path) -> None:
    data = tmp_path / "xdg-data"
    env = dict(os.environ, XDG_DATA_HOME=str(data))
    other = data / "applications" / "org.example.Other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    other_icon = data / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Other.png"
    other_icon.parent.mkdir(parents=True)
    other_icon.write_bytes(b"png")

    assert photoorg(sys.executable, "desktop-entry", "install", env=env).returncode == 0
    removed = photoorg(sys.executable, "desktop-entry", "remove", env=env)
    assert removed.returncode == 0, removed.stderr
    assert f"removed {len(ICON_SIZES) + 2} files" in removed.stdout
    assert not any(APP_ID in p.name for p in data.rglob("*"))
    assert other.exists() and other_icon.exists()

    again = photoorg(sys.executable, "desktop-entry", "remove", env=env)
    assert again.returncode == 0 and "was not in the menu" in again.stdout


def test_the_packaged_desktop_file_is_valid_and_made_by_the_same_code() -> None:
    packaged = LINUX / f"{APP_ID}.desktop"
    validate_desktop_file(packaged)
    # `python packaging/make_icons.py` writes it; an edit by hand would be lost there.
    assert packaged.read_text(encoding="utf-8") == desktop_entry(["photoorg"])


def test_the_metainfo_is_valid_and_shows_the_screenshots_of_this_repository() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian: apt-get install appstream)")
    done = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    root = ElementTree.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    images = [e.text or "" for e in root.iter("image")]
    assert images
    for url in images:
        assert url.startswith("https://"), url
        _, _, path = url.partition("/main/")
        assert (REPO / path).is_file(), f"{url} names no file of this repository"
    assert {Path(u).name for u in images} == {
        p.name for p in (REPO / "resources" / "screenshots").glob("*.png")
    }


def test_the_icon_pngs_have_their_sizes_and_a_transparent_background() -> None:
    for size in ICON_SIZES:
        with Image.open(icon_png(size)) as png:
            image = png.convert("RGBA")
        assert image.size == (size, size)
        alpha = image.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0  # a corner outside the photos
        assert alpha.getextrema()[1] == 255  # and something drawn


def test_the_windows_and_macos_icons_hold_every_size_they_need(tmp_path: Path) -> None:
    """build.py makes them with this command on every system; here they are read back."""
    ico, icns = tmp_path / "photoorg.ico", tmp_path / "photoorg.icns"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "packaging" / "make_icons.py"),
            "--only-platform",
            "--ico",
            ico,
            "--icns",
            icns,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert done.returncode == 0, done.stderr
    with Image.open(ico) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(image.info["sizes"])
    with Image.open(icns) as image:
        assert image.format == "ICNS"
        assert {(16, 16, 2), (128, 128, 1), (512, 512, 2)} <= set(image.info["sizes"])  # 1024 pixels
