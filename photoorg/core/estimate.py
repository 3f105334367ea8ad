"""How long the model's first look at a library takes on this computer, for each model size,
measured in a couple of seconds: the machine's matrix-product rate in the dtype the model would
run in, and each model's FLOPs per photo (what the first-run dialog shows, so a person with no
GPU can choose a smaller model). torch is imported here: the engine process calls it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from photoorg.core.devices import pick_device, pick_dtype
from photoorg.core.embedder import vit_flops
from photoorg.core.settings import MODEL_CHOICES

#: The hub models' shapes (hidden size, layers), as in their config.json; patch 14, MLP ratio 4.
ARCHITECTURES = {
    "facebook/dinov2-small": (384, 12),
    "facebook/dinov2-base": (768, 12),
    "facebook/dinov2-large": (1024, 24),
}
#: A scan runs at about this fraction of the matrix-product limit (measured with `photoorg
#: bench` on a 2-core AVX2 CPU: end to end 2.4 photos/s where fp32 allows 2.9).
EFFICIENCY = 0.8
CROP = 224


@dataclass
class ScanEstimate:
    """Seconds the first scan of ``photos`` photos takes with each hub model, on ``device``."""

    photos: int
    device: str
    dtype: str
    flops_per_second: float
    seconds: dict[str, float] = field(default_factory=dict)
    #: The same with Settings > "Faster on this CPU (int8)", when that is faster here (empty
    #: otherwise: on a GPU, with int8 chosen already, or where bf16 beats it).
    int8_seconds: dict[str, float] = field(default_factory=dict)


def flops_per_photo(model: str) -> float:
    hidden, layers = ARCHITECTURES[model]
    config = SimpleNamespace(hidden_size=hidden, num_hidden_layers=layers, patch_size=14, mlp_ratio=4)
    return vit_flops(config, CROP)


def matmul_rate(device: str, dtype: str, seconds: float = 0.4) -> float:
    """FLOP/s of matrix products shaped like the model's (tokens x hidden x 4 hidden)."""
    import torch

    torch_dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype]
    best = 0.0
    with torch.inference_mode():
        # One photo's products first: where the dtype is emulated (bf16 on an AVX2-only CPU)
        # one batch's product takes a minute, and measuring it held a catalog's opening for
        # three (found when the test suite took 15 minutes on such a machine).
        for m, k, n in ((257, 768, 3072), (16 * 257, 768, 3072), (2048, 2048, 2048)):
            a = torch.randn(m, k, device=device).to(torch_dtype)
            b = torch.randn(k, n, device=device).to(torch_dtype)
            t = time.perf_counter()
            torch.mm(a, b)  # warm-up
            if device == "cuda":
                torch.cuda.synchronize()
            took = time.perf_counter() - t
            if took >= seconds:  # slow enough to be measured already; larger ones take longer
                best = max(best, 2 * m * k * n / took)
                break
            started = time.perf_counter()
            while True:
                t = time.perf_counter()
                torch.mm(a, b)
                if device == "cuda":
                    torch.cuda.synchronize()
                best = max(best, 2 * m * k * n / (time.perf_counter() - t))
                if time.perf_counter() - started >= seconds:
                    break
    return best


#: int8 (ONNX Runtime) against fp32 on the same CPU, end to end: 2.1x to 3x measured with
#: `photoorg bench` (README, "Faster on a CPU: int8"); the lower figure, to promise no more.
INT8_SPEEDUP = 2.1


def first_scan(photos: int, device: str = "auto", dtype: str = "auto") -> ScanEstimate:
    """Measure this machine and estimate the first scan of ``photos`` with each hub model."""
    chosen = "cpu" if dtype == "int8" else pick_device(device)
    kind = pick_dtype(chosen, dtype)
    if kind == "int8":  # its products run in ONNX Runtime: from the fp32 rate, as measured
        rate = matmul_rate(chosen, "fp32") * EFFICIENCY * INT8_SPEEDUP
    else:
        rate = matmul_rate(chosen, kind) * EFFICIENCY
    estimate = ScanEstimate(photos, chosen, kind, rate)
    int8_rate = 0.0
    if chosen == "cpu" and kind != "int8":
        fp32 = rate / EFFICIENCY if kind == "fp32" else matmul_rate(chosen, "fp32")
        int8_rate = fp32 * EFFICIENCY * INT8_SPEEDUP
    for model in MODEL_CHOICES:
        estimate.seconds[model] = photos * flops_per_photo(model) / rate
        if int8_rate > rate:
            estimate.int8_seconds[model] = photos * flops_per_photo(model) / int8_rate
    return estimate
