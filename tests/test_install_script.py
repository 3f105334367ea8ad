"""packaging/install.py: the torch build that fits the computer, without the CUDA download on
one that has no NVIDIA GPU."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "packaging"))
from install import CPU_INDEX, TORCH_VERSION, torch_requirement  # noqa: E402


def dry_run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "packaging" / "install.py"), "--dry-run", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def has_nvidia_gpu() -> bool:
    gpus = Path("/proc/driver/nvidia/gpus")
    return bool(shutil.which("nvidia-smi")) or (gpus.is_dir() and any(gpus.iterdir()))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CUDA download is Linux's")
def test_a_linux_computer_gets_the_torch_build_that_fits_its_gpu(tmp_path: Path) -> None:
    done = dry_run("--venv", tmp_path / "venv")
    assert done.returncode == 0, done.stderr
    pip_torch = next(line for line in done.stdout.splitlines() if "pip install torch" in line)
    if has_nvidia_gpu():
        assert pip_torch.endswith(f"install torch=={TORCH_VERSION}"), done.stdout
    else:
        assert pip_torch.endswith(f"install torch=={TORCH_VERSION}+cpu --extra-index-url {CPU_INDEX}")
        assert "no NVIDIA GPU found" in done.stdout
    assert done.stdout.splitlines()[-1].endswith(f"pip install {REPO}")  # photoorg after torch
    assert not (tmp_path / "venv").exists()  # a dry run makes nothing


def test_cpu_and_cuda_can_be_chosen_by_hand(tmp_path: Path) -> None:
    cpu = dry_run("--cpu", "--venv", tmp_path / "v")
    cuda = dry_run("--cuda", "--venv", tmp_path / "v")
    assert cpu.returncode == 0 and cuda.returncode == 0
    if sys.platform.startswith("linux"):
        assert f"torch=={TORCH_VERSION}+cpu" in cpu.stdout and "--cpu was given" in cpu.stdout
        assert "+cpu" not in cuda.stdout and "--cuda was given" in cuda.stdout


def test_macos_and_windows_take_pypis_torch() -> None:
    """There PyPI's wheel is the right one (Apple GPU; CPU), and no CUDA build is downloaded."""
    for platform in ("darwin", "win32"):
        for gpu in (None, "an NVIDIA GPU"):
            args, _ = torch_requirement(platform, gpu)
            assert args == [f"torch=={TORCH_VERSION}"]


def test_the_script_installs_the_torch_the_readme_names() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"pip install torch==([\d.]+)", readme)) == {TORCH_VERSION}


def test_the_gpu_jpeg_decoder_matches_torchs_cuda(tmp_path: Path) -> None:
    from install import gpu_jpeg_extra, wants_cuda_build

    assert [gpu_jpeg_extra(v) for v in ("13.0", "12.8", None)] == ["cuda13", "cuda12", None]
    assert gpu_jpeg_extra("11.8") is None  # nvImageCodec for CUDA 11 is not among photoorg's extras
    assert wants_cuda_build("linux", "a GPU") and not wants_cuda_build("linux", None)
    assert not wants_cuda_build("darwin", None, "cuda") and not wants_cuda_build("linux", "a GPU", "cpu")
    done = dry_run("--venv", tmp_path / "venv", "--cuda")
    assert "photoorg[cuda13] or [cuda12]" in done.stdout
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"cuda12", "cuda13"} <= set(extras)
