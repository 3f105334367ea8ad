"""Which int8 engine for DINOv2 on a CPU: speed and cosine to fp32, side by side in one run.

Compares, on crops of real photos prepared exactly as a scan prepares them:
- torch fp32 (the reference);
- ONNX Runtime fp32 and ONNX Runtime dynamic int8 (``quantize_dynamic``: per tensor and per channel);
- torch's dynamic int8 of the Linear layers (``torch.ao.quantization.quantize_dynamic``, deprecated);
- torchao ``Int8DynamicActivationInt8WeightConfig`` (when torchao is installed).

    python tests/bench/bench_int8_engines.py MODEL_FOLDER PHOTO_FOLDER [--photos 32] [--batch 8]

Prints photos/s (best of ``--rounds`` batches, the engines taking turns) and the minimum cosine
to torch fp32 over the photos. Timing on a shared machine is noisy: compare the ratios within one
run.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def crops_of(folder: str, n: int) -> np.ndarray:
    from photoorg.core import imaging, scanner

    out = []
    for rec in scanner.scan([folder]):
        try:
            data = Path(rec.path).read_bytes()
            out.append(imaging.model_input(imaging.decode(data, 256, path=rec.path), 256, 224))
        except Exception:
            continue
        if len(out) == n:
            break
    return np.stack(out)


def normalise(crops: np.ndarray) -> np.ndarray:
    mean = np.array([0.485, 0.456, 0.406], np.float32).reshape(1, 3, 1, 1) * 255
    std = np.array([0.229, 0.224, 0.225], np.float32).reshape(1, 3, 1, 1) * 255
    return ((crops.transpose(0, 3, 1, 2).astype(np.float32) - mean) / std).astype(np.float32)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def best_rates(engines: dict[str, object], x: np.ndarray, batch: int, rounds: int) -> dict[str, float]:
    """Photos/s of each engine on one batch, the best of ``rounds``, the engines taking turns
    within each round (so that a busy moment of the shared machine hits them all alike)."""
    best = dict.fromkeys(engines, float("inf"))
    for _ in range(rounds):
        for name, fn in engines.items():
            t = time.perf_counter()
            fn(x[:batch])  # type: ignore[operator]
            best[name] = min(best[name], time.perf_counter() - t)
    return {name: batch / seconds for name, seconds in best.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("photos")
    ap.add_argument("--photos-n", "--photos", dest="n", type=int, default=32)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    import torch
    from transformers import AutoModel

    x = normalise(crops_of(args.photos, args.n))
    model = AutoModel.from_pretrained(args.model, use_safetensors=True).eval()

    def torch_fn(m):
        def run(b: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                return m(pixel_values=torch.from_numpy(b)).pooler_output.float().numpy()

        return run

    engines: dict[str, object] = {"torch fp32": torch_fn(model)}
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from photoorg.core.int8 import export_onnx

    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_onnx(model, fp32)
        variants = {"onnxruntime fp32": fp32}
        for name, per_channel, ops in (
            ("per tensor", False, None),
            ("per channel", True, None),
            ("per channel, MatMul only", True, ["MatMul", "Gemm"]),
        ):
            out = Path(tmp) / f"int8-{len(variants)}.onnx"
            quantize_dynamic(
                fp32, out, weight_type=QuantType.QInt8, per_channel=per_channel, op_types_to_quantize=ops
            )
            variants[f"onnxruntime int8 {name}"] = out
        for name, path in variants.items():
            session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            engines[name] = lambda b, s=session: s.run(None, {"pixel_values": b})[0]
            if "int8" in name:  # photo by photo: a vector that does not depend on its batch
                engines[f"{name}, 1 photo a run"] = lambda b, s=session: np.concatenate(
                    [s.run(None, {"pixel_values": b[i : i + 1]})[0] for i in range(len(b))]
                )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qmodel = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, torch.qint8)
    engines["torch.ao dynamic int8 (Linear)"] = torch_fn(qmodel)
    try:
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_
    except ImportError:
        print("torchao is not installed: left out")
    else:
        ao = copy.deepcopy(model)
        quantize_(ao, Int8DynamicActivationInt8WeightConfig())
        engines["torchao int8 dyn act + int8 weight"] = torch_fn(ao)

    cosines, failed = {}, {}
    ref = None
    for name, fn in list(engines.items()):
        try:
            out = unit(np.concatenate([fn(x[i : i + args.batch]) for i in range(0, len(x), args.batch)]))
        except Exception as exc:  # an engine that does not work here is a finding too
            failed[name] = f"{type(exc).__name__}: {exc}"[:80]
            del engines[name]
            continue
        ref = out if ref is None else ref
        cosines[name] = float((out * ref).sum(axis=1).min())
    rates = best_rates(engines, x, args.batch, args.rounds)

    print(f"{len(x)} photos from {args.photos}, batch {args.batch}, torch threads {torch.get_num_threads()}")
    base = rates["torch fp32"]
    print(f"{'engine':<48} {'photos/s':>9} {'x fp32':>7} {'min cos':>9}")
    for name, r in rates.items():
        print(f"{name:<48} {r:>9.2f} {r / base:>7.2f} {cosines[name]:>9.5f}")
    for name, why in failed.items():
        print(f"{name:<48} failed: {why}")


if __name__ == "__main__":
    main()
