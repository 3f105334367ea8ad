"""Install photoorg into a venv with the torch build that fits this computer.

    python3 packaging/install.py                # into ./.venv, then: .venv/bin/photoorg
    python3 packaging/install.py --dry-run      # only print what it would run, and why

``pip install torch`` on Linux brings a CUDA build of several GB, useless without an NVIDIA
GPU. This script looks for one (``nvidia-smi``, or the NVIDIA driver's entries in /proc) and
installs the CPU build from PyTorch's own index when there is none. On macOS and Windows the
torch on PyPI is already the one to use (Apple GPU / CPU). ``--cpu`` or ``--cuda`` decides
instead of the detection. With the CUDA build it then adds NVIDIA's JPEG decoder for the GPU
(photoorg[cuda13] or [cuda12], the one matching torch's CUDA: ``torch.version.cuda``). Uses only
the standard library: any Python 3.11+ runs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH_VERSION = "2.13.0"  # the README's pin
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def nvidia_gpu() -> str | None:
    """A sentence naming the NVIDIA GPU this computer has, or None when it has none."""
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            out = None
        if out is not None and out.returncode == 0 and "GPU" in out.stdout:
            return f"nvidia-smi lists {out.stdout.strip().splitlines()[0]}"
    gpus = Path("/proc/driver/nvidia/gpus")
    if gpus.is_dir() and any(gpus.iterdir()):
        return "the NVIDIA driver reports a GPU in /proc/driver/nvidia/gpus"
    return None


def wants_cuda_build(platform: str, gpu: str | None, force: str | None = None) -> bool:
    """Whether :func:`torch_requirement` installs PyPI's CUDA build (Linux with a GPU)."""
    return platform.startswith("linux") and (force == "cuda" if force else gpu is not None)


def torch_requirement(platform: str, gpu: str | None, force: str | None = None) -> tuple[list[str], str]:
    """pip's arguments for torch on ``platform`` (``sys.platform``), and why.

    ``force``: "cpu" or "cuda" instead of what ``gpu`` says.
    """
    wants_cuda = force == "cuda" if force else gpu is not None
    if platform.startswith("linux"):
        if wants_cuda:
            why = gpu if not force else "--cuda was given"
            return [f"torch=={TORCH_VERSION}"], f"the CUDA build from PyPI ({why})"
        why = "--cpu was given" if force else "no NVIDIA GPU found"
        # +cpu exists only on PyTorch's CPU index, so pip cannot pick PyPI's CUDA build instead.
        return (
            [f"torch=={TORCH_VERSION}+cpu", "--extra-index-url", CPU_INDEX],
            f"the CPU build from {CPU_INDEX} ({why}; saves a download of several GB)",
        )
    if platform == "win32" and wants_cuda:
        return (
            [f"torch=={TORCH_VERSION}"],
            "PyPI's build, which is CPU-only on Windows: for the NVIDIA GPU, install torch first "
            "with the command pytorch.org gives for your CUDA version, then run this again",
        )
    return [f"torch=={TORCH_VERSION}"], "PyPI's build (Apple GPU and CPU on macOS; CPU on Windows)"


def gpu_jpeg_extra(cuda_version: str | None) -> str | None:
    """The extra of photoorg that decodes JPEGs on the GPU for torch built with this CUDA
    (``torch.version.cuda``: "13.0" -> "cuda13"), or None (a CPU build, or a CUDA photoorg
    has no extra for)."""
    major = (cuda_version or "").partition(".")[0]
    return f"cuda{major}" if major in ("12", "13") else None


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def plan(venv: Path, torch_args: list[str], project_args: list[str]) -> list[list[str]]:
    """The commands, in order: make the venv, torch first, then photoorg (which keeps it)."""
    py = str(venv_python(venv))
    steps = []
    if not venv_python(venv).exists():
        steps.append([sys.executable, "-m", "venv", str(venv)])
    steps.append([py, "-m", "pip", "install", *torch_args])
    steps.append([py, "-m", "pip", "install", *project_args])
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="the venv (default: .venv here)")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--cpu", dest="force", action="store_const", const="cpu", help="the CPU build")
    choice.add_argument("--cuda", dest="force", action="store_const", const="cuda", help="the CUDA build")
    parser.add_argument(
        "--editable-with-tests", action="store_true", help="pip install -e '.[test]' (to work on photoorg)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)

    gpu = nvidia_gpu()
    torch_args, why = torch_requirement(sys.platform, gpu, args.force)
    project = ["-e", f"{ROOT}[test]"] if args.editable_with_tests else [str(ROOT)]
    steps = plan(args.venv.absolute(), torch_args, project)
    print(f"torch: {why}", flush=True)
    for step in steps:
        print("+ " + " ".join(step), flush=True)
        if not args.dry_run:
            done = subprocess.run(step, check=False)
            if done.returncode != 0:
                print(f"install.py: that command failed (exit code {done.returncode}).", file=sys.stderr)
                return done.returncode
    if wants_cuda_build(sys.platform, gpu, args.force):
        if args.dry_run:
            print("+ then photoorg[cuda13] or [cuda12], whichever matches torch.version.cuda", flush=True)
        else:
            asked = [
                str(venv_python(args.venv.absolute())),
                "-c",
                "import torch; print(torch.version.cuda or '')",
            ]
            found = subprocess.run(asked, capture_output=True, text=True, check=False)
            extra = gpu_jpeg_extra(found.stdout.strip())
            if extra is not None:  # JPEGs decoded on the GPU; photoorg works without (Pillow)
                extras = f"test,{extra}" if args.editable_with_tests else extra
                step = [asked[0], "-m", "pip", "install", *project[:-1], f"{ROOT}[{extras}]"]
                print("+ " + " ".join(step), flush=True)
                if subprocess.run(step, check=False).returncode != 0:
                    print("install.py: the GPU JPEG decoder did not install; JPEGs are decoded on the CPU.")
    if not args.dry_run:
        where = "Scripts" if os.name == "nt" else "bin"
        print(f"Done. Start photoorg with {args.venv / where / 'photoorg'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
