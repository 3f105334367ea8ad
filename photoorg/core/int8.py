"""DINOv2 in int8 on the CPU: exported once to ONNX, dynamically quantized, run by ONNX Runtime.

Why this engine (measured side by side on this 2-core AVX2 machine, dinov2-base, 32 photos,
``tests/bench/bench_int8_engines.py``): ONNX Runtime with dynamic int8 quantization ran at 2.5x
torch fp32 with a min cosine to fp32 of 0.9994; torch's dynamic int8 (``torch.ao``, deprecated)
at 1.0x with 0.9970, torchao's int8 dynamic activation + int8 weight at 0.3x with 0.9993.

The converted model is made from the model's own weights the first time int8 is asked for and
kept in photoorg's model folder (:attr:`photoorg.core.paths.Locations.int8_models`), one file
per model revision and recipe (:data:`RECIPE`, the exporter's and quantizer's versions). It is
written to a temporary folder beside its final place and only then renamed into place, so a
killed or cancelled export never leaves a file under the final name; a file that cannot be
loaded anyway is deleted and made again.

Only imported when int8 is used: it imports torch, onnx, onnxscript and onnxruntime.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from photoorg.core.errors import Cancelled, ModelUnavailable
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

#: Bump when photoorg changes how the int8 model is made (export options, quantization options).
EXPORT_VERSION = 2  # 2: weights in 7 bits (reduce_range)
#: What the stage says while the model is converted (the first time only).
STAGE_PREPARE = "Preparing the int8 model for this CPU (once, about a minute)"
INPUT, OUTPUT = "pixel_values", "embedding"
_TEMP_PREFIX = ".export-"


def recipe() -> str:
    """Everything that changes the converted file besides the weights: photoorg's recipe and
    the versions of the exporter (torch, onnxscript) and the quantizer (onnxruntime)."""
    import onnxruntime
    import onnxscript
    import torch

    t = torch.__version__.split("+")[0]
    return f"v{EXPORT_VERSION}-torch{t}-onnxscript{onnxscript.__version__}-ort{onnxruntime.__version__}"


def model_path(folder: Path, revision: str) -> Path:
    """Where the int8 model of this revision is kept."""
    return folder / f"dinov2-{revision[:16]}-int8-{recipe()}.onnx"


def _pooled(model: Any) -> Any:
    """A module that gives the model's embedding (``pooler_output``: the CLS token after the
    final layer norm), what the torch path uses."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
            return self.inner(pixel_values=pixel_values).pooler_output

    return Pooled(model)


def export_onnx(model: Any, path: Path, crop: int = 224) -> None:
    """Export a transformers ``Dinov2Model`` (fp32, eval) to an fp32 ONNX file at ``path``:
    input (N, 3, crop, crop) normalised pixels, output (N, hidden) ``pooler_output``, N free.

    Uses torch's dynamo exporter (``torch.onnx.export(dynamo=True)``, which needs onnxscript);
    the weights go into the one file (a DINOv2 is far below ONNX's 2 GB limit).
    """
    import torch

    example = torch.zeros(2, 3, crop, crop)
    batch = torch.export.Dim("batch", min=1, max=4096)
    with warnings.catch_warnings(), _quiet_exporter():
        # The exporter's own chatter (a FutureWarning from torch.utils._pytree, notes that
        # torchvision is missing) is noise for the person; failures still raise.
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            _pooled(model),
            (example,),
            dynamo=True,
            input_names=[INPUT],
            output_names=[OUTPUT],
            dynamic_shapes={INPUT: {0: batch}},
            external_data=False,
            verbose=False,
        )
        program.save(str(path), external_data=False)


@contextlib.contextmanager
def _quiet_exporter() -> Any:
    """Silence torch.onnx's progress prints (stdout) and its logger's warnings meanwhile."""
    import io

    names = ("torch.onnx", "torch.export", "torch._export", "onnxscript", "onnx_ir", "root")
    loggers = [logging.getLogger(n if n != "root" else None) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def quantize(fp32: Path, out: Path) -> None:
    """Dynamic int8 quantization of the matrix products, ONNX Runtime's ``quantize_dynamic``:
    weights int8 per output channel, activations quantized on the fly. The patch embedding (a
    convolution, 0.3 % of the FLOPs) stays fp32. Measured on dinov2-base (random weights, 32
    photos): min cosine to fp32 0.99936 this way, 0.99896 per tensor with the convolution in
    int8, at the same speed.

    The weights take 7 bits (``reduce_range``): on a CPU without VNNI (AVX2 only) ONNX Runtime
    multiplies uint8 activations by int8 weights with an instruction whose 16-bit sums
    saturate. Measured on such a CPU (2-core AMD EPYC, AVX2; 213 photos of ../shared/photos,
    random-weight dinov2-base): min cosine to fp32 0.99753 with 8 bits, 0.99824 with 7; the
    tiny test model 0.9955 and 0.9999 (10 generated photos); the same speed. With VNNI
    nothing saturates, and 7 bits lose little; one file serves every CPU."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_exporter():  # "consider pre-processing" goes to the root logger at WARNING
        quantize_dynamic(
            fp32,
            out,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul", "Gemm"],
        )


def _clear_leftovers(folder: Path) -> None:
    """Remove the temporary folders of exports that were killed (a day old or more: a running
    export in another process takes minutes at most)."""
    now = time.time()
    for leftover in folder.glob(f"{_TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > 86400:
                shutil.rmtree(leftover, ignore_errors=True)


def prepare(
    model_folder: Path, revision: str, folder: Path, crop: int = 224, progress: Progress = NULL_PROGRESS
) -> Path:
    """The int8 ONNX file of the model in ``model_folder``: the one kept in ``folder``, or a
    new one exported and quantized now (seconds to a minute for dinov2-base; ``progress`` shows
    a stage meanwhile and its cancel stops between steps, leaving nothing behind).

    Raises:
        ModelUnavailable: the export or the quantization failed (says what to do instead).
        Cancelled: the person cancelled.
    """
    final = model_path(folder, revision)
    if final.exists():
        return final
    folder.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(folder)
    started = time.monotonic()
    log.info("making the int8 model of %s (revision %s) in %s", model_folder, revision[:16], final)
    with progress.interlude(STAGE_PREPARE):
        temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=folder))
        try:
            import torch
            from transformers import AutoModel

            try:
                model = AutoModel.from_pretrained(
                    model_folder,
                    use_safetensors=True,
                    trust_remote_code=False,
                    local_files_only=True,
                    dtype=torch.float32,
                ).eval()
                progress.check()
                export_onnx(model, temp / "fp32.onnx", crop)
                del model
                progress.check()
                quantize(temp / "fp32.onnx", temp / "int8.onnx")
                progress.check()
                with open(temp / "int8.onnx", "rb") as f:
                    os.fsync(f.fileno())
                if not final.exists():  # else another photoorg made it meanwhile: the same file
                    os.replace(temp / "int8.onnx", final)
            except (ModelUnavailable, Cancelled):
                raise
            except Exception as exc:  # the exporter's or quantizer's failure, a full disk
                log.exception("the int8 model could not be made")
                raise ModelUnavailable(
                    f"The int8 model could not be made from {model_folder}: {exc}. Choose the "
                    "automatic number format instead (Settings, or --dtype auto)."
                ) from exc
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    for old in folder.glob(f"dinov2-{revision[:16]}-int8-*.onnx"):  # an older recipe's file
        if old != final:
            with contextlib.suppress(OSError):
                old.unlink()
    log.info("int8 model ready in %.1f s (%d MB)", time.monotonic() - started, final.stat().st_size >> 20)
    return final


class Int8Model:
    """An ONNX Runtime session on the int8 file: normalised (N, 3, H, W) float32 in, the
    model's (N, hidden) embedding out.

    Photo by photo: the activations' int8 scale is taken over the whole input, so in a batch a
    photo's vector would depend on the photos beside it (with the tiny test model, components
    moved by up to 0.003). One at a time, a photo always gets the same vector, at the same speed
    here (measured: 8.5 photos/s one by one against 8.2 in batches of 8, dinov2-base).
    """

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3  # errors only: its warnings are not the person's business
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, pixels: np.ndarray) -> np.ndarray:
        pixels = np.ascontiguousarray(pixels, dtype=np.float32)
        return np.concatenate(
            [self.session.run([OUTPUT], {INPUT: pixels[i : i + 1]})[0] for i in range(len(pixels))]
        )


def load(
    model_folder: Path,
    revision: str,
    folder: Path,
    crop: int,
    threads: int,
    progress: Progress = NULL_PROGRESS,
) -> Int8Model:
    """The int8 model, made first if need be; a kept file that does not load is made again."""
    path = prepare(model_folder, revision, folder, crop, progress)
    try:
        return Int8Model(path, threads)
    except Exception:
        log.warning("the int8 model %s does not load; making it again", path, exc_info=True)
        with contextlib.suppress(OSError):
            path.unlink()
        return Int8Model(prepare(model_folder, revision, folder, crop, progress), threads)
