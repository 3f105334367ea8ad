"""The bundle smoke test: build the Linux one-folder app with packaging/build.py and run it as
a person would, with nothing of this checkout's Python on its path.

Slow (the build takes minutes), so it runs only when asked for:

    python -m pytest -m bundle tests/test_bundle.py

``PHOTOORG_BUNDLE=dist/photoorg/photoorg`` tests a bundle that is already built instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from photoorg import __version__
from photoorg.desktop import APP_ID
from tests.conftest import make_photo
from tests.modelfactory import make_random_dinov2

REPO = Path(__file__).resolve().parent.parent
PHOTOS = 6

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the smoke test builds the Linux bundle"),
]


@pytest.fixture(scope="session")
def bundle() -> Path:
    given = os.environ.get("PHOTOORG_BUNDLE")
    if given:
        return Path(given).absolute()
    done = subprocess.run([sys.executable, str(REPO / "packaging" / "build.py")], cwd=REPO, timeout=3600)
    assert done.returncode == 0, "packaging/build.py failed"
    return REPO / "dist" / "photoorg" / "photoorg"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A person's environment: a home of their own, no Python of this checkout, no network."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(HOME=str(tmp_path / "home"), HF_HUB_OFFLINE="1", QT_QPA_PLATFORM="offscreen")
    return env


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "Pictures"
    for i in range(PHOTOS):
        make_photo(folder / f"img_{i}.jpg", seed=i, quality=90)
    return folder


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_random_dinov2(tmp_path_factory.mktemp("tiny-dinov2"), "tiny", seed=0)


def run(bundle: Path, *args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle), *map(str, args)], capture_output=True, text=True, env=env, timeout=600, cwd="/"
    )


def test_version_and_help(bundle: Path, env: dict[str, str]) -> None:
    version = run(bundle, "--version", env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"photoorg {__version__}"
    helped = run(bundle, "--help", env=env)
    assert helped.returncode == 0, helped.stderr
    for command in ("scan", "duplicates", "organize", "album", "desktop-entry"):
        assert command in helped.stdout


def test_scan_with_a_model_folder(
    bundle: Path, env: dict[str, str], photos: Path, tiny: Path, tmp_path
) -> None:
    done = run(bundle, "--home", tmp_path / "h", "scan", photos, "--model", tiny, "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["seen"], report["embedded"], report["failed"]) == (PHOTOS, PHOTOS, 0), report
    assert "Traceback" not in done.stderr


def test_the_bundle_reads_raw_files(bundle: Path, env: dict[str, str], tiny: Path, tmp_path: Path) -> None:
    """LibRaw (rawpy) is in the bundle: a DNG is embedded from its preview, not a failure."""
    from PIL import Image

    from tests.rawfactory import make_dng

    folder = tmp_path / "Card"
    folder.mkdir()
    make_dng(folder / "IMG_1.DNG", Image.open(make_photo(tmp_path / "shot.png", seed=7, size=(96, 64))))
    done = run(bundle, "--home", tmp_path / "h", "scan", folder, "--model", tiny, "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["seen"], report["embedded"], report["failed"]) == (1, 1, 0), report
    assert report["failures"] == [], report  # not in Problems


def model_vectors(catalog: Path) -> dict[str, dict[str, np.ndarray]]:
    """The catalog's vectors by the number format they were made in, each by fingerprint."""
    with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT m.dtype, v.fingerprint, v.vector FROM vectors v JOIN models m ON m.id = v.model_id"
        ).fetchall()
    found: dict[str, dict[str, np.ndarray]] = {}
    for dtype, fingerprint, blob in rows:
        found.setdefault(dtype, {})[fingerprint] = np.frombuffer(blob, "<f4")
    return found


def test_the_bundle_makes_and_runs_the_int8_model(
    bundle: Path, env: dict[str, str], photos: Path, tiny: Path, tmp_path: Path
) -> None:
    """int8 on the CPU works in the bundle: the model is exported (torch.onnx, onnxscript),
    quantized (ONNX Runtime) and run there, and its vectors agree with fp32's."""
    home = tmp_path / "h"
    done = run(bundle, "--home", home, "scan", photos, "--model", tiny, "--dtype", "int8", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["model_error"] is None, report
    assert report["model"].endswith("(int8)"), report
    assert (report["embedded"], report["failed"]) == (PHOTOS, 0), report
    assert "Traceback" not in done.stderr, done.stderr
    assert [p.suffix for p in (home / "cache" / "int8-models").iterdir()] == [".onnx"]
    fp32 = run(bundle, "--home", home, "scan", photos, "--model", tiny, "--dtype", "fp32", "--json", env=env)
    assert fp32.returncode == 0, fp32.stderr
    vectors = model_vectors(home / "data" / "catalog.sqlite3")
    assert sorted(vectors) == ["fp32", "int8"] and vectors["int8"].keys() == vectors["fp32"].keys()
    cosines = [float(vectors["int8"][k] @ vectors["fp32"][k]) for k in vectors["fp32"]]
    assert min(cosines) >= 0.998, cosines  # the pip install's bar (tests/core/test_int8.py)


def test_scan_with_a_model_from_the_hugging_face_cache(
    bundle: Path, env: dict[str, str], photos: Path, tiny: Path, tmp_path: Path
) -> None:
    """A hub id, found in the Hugging Face cache ($HF_HOME) as the hub's download leaves it:
    blobs named by their sha256, a snapshot of links to them, refs/main naming it."""
    repo = tmp_path / "hf" / "hub" / "models--facebook--dinov2-small"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    for file in tiny.iterdir():
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        (repo / "blobs" / digest).write_bytes(file.read_bytes())
        (snapshot / file.name).symlink_to(Path("..", "..", "blobs", digest))
    env = dict(env, HF_HOME=str(tmp_path / "hf"))  # and the per-user folders in $HOME
    done = run(bundle, "scan", photos, "--model", "facebook/dinov2-small", "--offline", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["embedded"], report["failed"]) == (PHOTOS, 0), report


def vectors_in(catalog: Path) -> int:
    if not catalog.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_the_app_starts_its_engine_and_scans_offscreen(
    bundle: Path, env: dict[str, str], photos: Path, tiny: Path, tmp_path: Path
) -> None:
    """The window opens, its engine process (spawned from the frozen program) loads the model
    and embeds the library's photos; closed by the desktop's SIGTERM, nothing went wrong."""
    home = tmp_path / "h"
    for args in (("library", "add", photos), ("library", "model", tiny)):
        assert run(bundle, "--home", home, *args, env=env).returncode == 0
    out, err = tmp_path / "app.out", tmp_path / "app.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        app = subprocess.Popen([str(bundle), "--home", str(home)], env=env, stdout=stdout, stderr=stderr)
        try:
            deadline = time.monotonic() + 300  # generous: a busy 2-core machine; not a timing test
            while vectors_in(home / "data" / "catalog.sqlite3") < PHOTOS and app.poll() is None:
                assert time.monotonic() < deadline, "the app's engine did not embed the photos"
                time.sleep(0.5)
            time.sleep(3)  # and the window keeps running a few seconds after the scan
            assert app.poll() is None, err.read_text()
            app.send_signal(signal.SIGTERM)
            assert app.wait(timeout=120) == 0, err.read_text()
        finally:
            if app.poll() is None:
                app.kill()
    log = (home / "logs" / "photoorg.log").read_text()
    assert "engine photoorg.core.embedder: loading" in log  # the model ran in the engine process
    assert " ERROR " not in log and "Traceback" not in log, log
    assert "Traceback" not in err.read_text() and "qt." not in err.read_text(), err.read_text()
    rescan = run(bundle, "--home", home, "scan", "--json", env=env)
    report = json.loads(rescan.stdout)
    assert (report["embedded"], report["reused"]) == (0, PHOTOS), report  # the engine's work was kept


def test_the_bundle_holds_what_a_desktop_needs_and_not_torchs_tests(bundle: Path) -> None:
    inside = bundle.parent / "_internal"
    plugins = inside / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so"):
        assert (plugins / plugin).exists(), plugin
    assert (
        inside / "photoorg" / "resources" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"
    ).exists()
    for unused in ("torch/test", "torch/include", "tkinter", "pydantic", "PySide6/Qt/translations"):
        assert not (inside / unused).exists(), unused
    assert not list(inside.glob("libcudart*"))  # a building machine's CUDA, never the CPU build's
    # torch's config modules are read as source when torch is imported; inductor's code is not.
    assert (inside / "torch" / "_inductor" / "config.py").exists()
    assert not (inside / "torch" / "_inductor" / "graph.py").exists()
    assert [p.name for p in (inside / "torch" / "bin").iterdir()] == ["torch_shm_manager"]  # torch needs it


def resolved_libraries(library: Path, search: Path) -> dict[str, str | None]:
    """Each library ``library`` needs, and where the dynamic loader finds it (ldd; None: not
    found), looking in ``search`` first."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(search))
    done = subprocess.run(["ldd", str(library)], capture_output=True, text=True, env=env, check=True)
    found: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        name, arrow, where = line.strip().partition(" => ")
        if arrow:
            found[name] = None if where.startswith("not found") else where.split(" (")[0]
    return found


def test_the_qt_the_desktop_loads_finds_all_its_libraries(bundle: Path) -> None:
    """What the spec leaves out of Qt is nothing the window needs: the Qt modules photoorg imports
    and the plugins of a desktop (xcb, wayland and its shell, the image formats) find in the
    bundle every library that the pip install's PySide6 finds in its own folder, and nothing is
    missing that the pip install finds (a library neither finds is one this building machine
    lacks, such as GTK or libwayland-cursor)."""
    import PySide6

    installed, inside = Path(PySide6.__file__).parent, bundle.parent / "_internal"
    needed = [f"{m}.abi3.so" for m in ("QtCore", "QtGui", "QtWidgets", "QtDBus")] + [
        f"Qt/plugins/{p}"
        for p in (
            "platforms/libqxcb.so",
            "platforms/libqwayland.so",
            "platforms/libqoffscreen.so",
            "wayland-shell-integration/libxdg-shell.so",
            "xcbglintegrations/libqxcb-glx-integration.so",
            "imageformats/libqjpeg.so",
            "imageformats/libqwebp.so",
            "iconengines/libqsvgicon.so",
        )
    ]
    for name in needed:
        there = resolved_libraries(installed / name, installed / "Qt" / "lib")
        here = resolved_libraries(inside / "PySide6" / name, inside)
        for lib, where in there.items():
            if where is not None and where.startswith(str(installed)):  # one of PySide6's own
                assert (here.get(lib) or "").startswith(str(inside)), (name, lib, here.get(lib))
            elif where is not None:
                assert here.get(lib) is not None, (name, lib)


def test_the_bundle_puts_itself_in_the_menu(bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    from tests.test_desktop import entry_keys, exec_argv, validate_desktop_file

    env = dict(env, XDG_DATA_HOME=str(tmp_path / "share"))
    done = run(bundle, "desktop-entry", "install", env=env)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "share" / "applications" / f"{APP_ID}.desktop"
    validate_desktop_file(entry)
    assert exec_argv(entry_keys(entry)["Exec"]) == [str(bundle)]  # the bundle's program, no Python
    assert (tmp_path / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").exists()
