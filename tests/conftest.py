"""Shared fixtures: an isolated photoorg home per test, random DINOv2 models, generated photos."""

from __future__ import annotations

import contextlib
import os
import subprocess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"  # tests never reach the network
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.hubstandin import HubStandIn, hub_stand_in
from tests.modelfactory import make_random_dinov2

DATA = Path(__file__).parent / "data"
LOOKALIKE_PAIRS = [("aloeL.jpg", "aloeR.jpg"), ("leuvenA.jpg", "leuvenB.jpg")]
REAL_PHOTOS = sorted(
    p
    for p in DATA.iterdir()
    if p.suffix in (".jpg", ".png") and not any(p.name in pair for pair in LOOKALIKE_PAIRS)
)


@pytest.fixture(autouse=True)
def photoorg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own catalog, settings and logs."""
    home = tmp_path / "photoorg-home"
    monkeypatch.setenv("PHOTOORG_HOME", str(home))
    # The trash of the tests: never the real one of whoever runs them.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_random_dinov2(tmp_path_factory.mktemp("tiny-dinov2"), "tiny", seed=0)


@pytest.fixture(scope="session")
def other_tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_random_dinov2(tmp_path_factory.mktemp("tiny-dinov2-b"), "tiny", seed=1)


@pytest.fixture(scope="session")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full dinov2-base architecture with random weights (same computation as the real one)."""
    return make_random_dinov2(tmp_path_factory.mktemp("base-dinov2"), "base", seed=0)


#: Short enough that a stalled transfer is noticed within the test, long enough for a busy machine.
HUB_TIMEOUT_S = 2


@pytest.fixture(scope="session")
def download_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random DINOv2 of about 29 MB: the model the hub stand-in serves."""
    return make_random_dinov2(tmp_path_factory.mktemp("download-dinov2"), "download", seed=0)


@pytest.fixture
def hub(download_model: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    """A stand-in for the Hugging Face hub serving ``download_model`` as facebook/dinov2-base, with
    this process and its children pointed at it (downloads on); it stops after the test.

    huggingface_hub reads its environment once, when imported: this process's copy is set on
    its ``constants`` (what setting the variables before the import does), children get the
    variables.
    """
    from huggingface_hub import constants

    with hub_stand_in(download_model) as server:
        env = {
            "HF_ENDPOINT": server.url,
            "HF_HUB_OFFLINE": "0",
            "HF_HUB_ETAG_TIMEOUT": str(HUB_TIMEOUT_S),
            "HF_HUB_DOWNLOAD_TIMEOUT": str(HUB_TIMEOUT_S),
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(constants, "ENDPOINT", server.url)
        monkeypatch.setattr(
            constants, "HUGGINGFACE_CO_URL_TEMPLATE", server.url + "/{repo_id}/resolve/{revision}/{filename}"
        )
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", HUB_TIMEOUT_S)
        monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", HUB_TIMEOUT_S)
        # photoorg turns telemetry off when it downloads; restored for the other tests.
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", constants.HF_HUB_DISABLE_TELEMETRY)
        yield server


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Callable[[str, int], Path]]:
    """Mounts tmpfs file systems of a given size (KiB) under tmp_path; unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted: list[Path] = []

    def mount(name: str, kib: int) -> Path:
        point = tmp_path / name
        point.mkdir(parents=True, exist_ok=True)
        command = ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system of ``folder`` up to ``leave`` free bytes with one file."""
    filler = folder / "filler.bin"
    with open(filler, "ab") as f, contextlib.suppress(OSError):
        while True:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            if free <= leave:
                break
            f.write(b"\0" * min(65536, max(free - leave, 4096)))
            f.flush()
    return filler


def make_photo(
    path: Path, seed: int, size: tuple[int, int] = (320, 240), fmt: str | None = None, **save: object
) -> Path:
    """A distinct synthetic photo: a gradient with random shapes, deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    base = rng.uniform(0, 255, 3)
    slope = rng.uniform(-0.6, 0.6, (2, 3))
    arr = base + xx[..., None] * slope[0] + yy[..., None] * slope[1]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, w - 10)), int(rng.integers(0, h - 10))
        x1, y1 = x0 + int(rng.integers(10, w // 2)), y0 + int(rng.integers(10, h // 2))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format=fmt, **save)
    return path


def make_mpo(path: Path, as_jpeg: Path | None = None) -> Path:
    """A stereo camera's photo: the real pair aloeL/aloeR as one multi-picture JPEG (MPO), the
    left eye first, as phones and 3D cameras save them; with ``as_jpeg``, also the left eye
    alone as a plain JPEG of the very same encoding."""
    left, right = (Image.open(DATA / name) for name in ("aloeL.jpg", "aloeR.jpg"))
    path.parent.mkdir(parents=True, exist_ok=True)
    left.save(path, format="MPO", save_all=True, append_images=[right], quality=90)
    if as_jpeg is not None:
        left.save(as_jpeg, format="JPEG", quality=90)
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A folder of 10 distinct generated photos in two sub-folders."""
    root = tmp_path / "Pictures"
    for i in range(6):
        make_photo(root / "2023" / f"img_{i:03d}.jpg", seed=i, quality=92)
    for i in range(6, 10):
        make_photo(root / "2024" / f"img_{i:03d}.png", seed=i)
    return root
