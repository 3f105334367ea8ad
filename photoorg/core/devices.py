"""Which device and number format the model runs with: the choices, what PyTorch finds here,
and the defaults (fp16 on GPUs, bf16 on CPUs that have it, else fp32). Whatever imports torch
does so when called, in the engine process; the app reads the devices the engine saw from a
file (:func:`known_devices`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from photoorg.core.errors import ModelUnavailable

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda", "mps")
#: "int8": the model exported to ONNX and quantized, run by ONNX Runtime on the CPU
#: (:mod:`photoorg.core.int8`).
DTYPES = ("auto", "fp32", "fp16", "bf16", "int8")


def pick_device(requested: str = "auto") -> str:
    """'cuda', 'mps' or 'cpu' for ``requested`` (imports torch)."""
    import torch

    if requested not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}")
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelUnavailable("--device cuda was asked for, but PyTorch sees no CUDA GPU.")
    if requested == "mps" and not (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        raise ModelUnavailable("--device mps was asked for, but Apple MPS is not available.")
    return requested


def available_devices() -> list[str]:
    """The devices PyTorch can run the model on here, CPU first (imports torch)."""
    import torch

    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        found.append("mps")
    return found


#: Where the app finds the devices the engine's PyTorch saw (the window never imports torch).
DEVICES_FILE = "devices.json"


def save_devices(folder: Path) -> None:
    """Write :func:`available_devices` to ``folder``/devices.json (best effort)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / DEVICES_FILE).write_text(json.dumps({"devices": available_devices()}))
    except OSError:
        log.info("could not write %s", folder / DEVICES_FILE, exc_info=True)


def known_devices(folder: Path) -> list[str] | None:
    """The devices the last run's PyTorch saw, or None before it ever ran here."""
    try:
        found = json.loads((folder / DEVICES_FILE).read_text()).get("devices")
    except (OSError, ValueError, AttributeError):
        return None
    return [d for d in found if d in DEVICES] if isinstance(found, list) else None


def cpu_has_native_bf16() -> bool:
    """True on CPUs with bf16 matrix instructions (AVX512-BF16 or AMX), where bf16 pays."""
    import torch

    cpu = getattr(torch, "cpu", None)
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(cpu, c, lambda: False)()) for c in checks)


def pick_dtype(device: str, requested: str = "auto") -> str:
    """fp16 on GPUs; bf16 on CPUs with native bf16; otherwise fp32 (int8 only when asked for:
    see the README's *Speed* for why it is not the default)."""
    if requested not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}")
    if requested != "auto":
        return requested
    if device in ("cuda", "mps"):
        return "fp16"
    return "bf16" if cpu_has_native_bf16() else "fp32"


def default_batch_size(device: str) -> int:
    return {"cuda": 64, "mps": 32}.get(device, 16)
