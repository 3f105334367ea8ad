"""DINOv2 image embeddings through Hugging Face transformers.

Two phases, so that nothing heavy happens before it is needed:

- :meth:`Embedder.resolve` finds the model folder (a local folder, or the hub id in the local
  cache, downloading it only when allowed) and reads its preprocessing settings. No torch
  (:mod:`photoorg.core.model_folder`).
- :meth:`Embedder.load` imports torch, picks the device and dtype and loads the weights
  (safetensors only, never remote code).

The embedding of a photo is the L2-normalised CLS token after the final layer norm
(``pooler_output`` of ``Dinov2Model``), computed from a 224x224 centre crop prepared exactly as
the model's own image processor prepares it (see :func:`photoorg.core.imaging.model_input`).
"""

from __future__ import annotations

import logging
import os
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from photoorg.core.devices import default_batch_size, pick_device, pick_dtype
from photoorg.core.errors import ModelUnavailable
from photoorg.core.imaging import LATEST_PREPROCESS, PREPROCESS_VERSIONS
from photoorg.core.model_folder import DEFAULT_MODEL, Preprocess, ResolvedModel, resolve_model
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)


def _default_int8_dir() -> Path:
    from photoorg.core.paths import locations

    return locations().int8_models


def vit_flops(config: Any, crop: int) -> float:
    """The matrix-product FLOPs (2 per multiply-add) of a DINOv2 forward pass on one crop:
    patch embedding, then per layer the query/key/value and output projections, the two
    attention products and the MLP. Norms, softmax and activations (under 1 %) are left out,
    as in the usual count of transformer FLOPs."""
    d, layers, patch = config.hidden_size, config.num_hidden_layers, config.patch_size
    patches = (crop // patch) ** 2
    tokens = patches + 1 + int(getattr(config, "num_register_tokens", 0) or 0)
    embed = 2 * patches * (getattr(config, "num_channels", 3) * patch * patch) * d
    if getattr(config, "use_swiglu_ffn", False):  # dinov2-giant: d -> 2h, h -> d
        hidden = (int(d * config.mlp_ratio) * 2 // 3 + 7) // 8 * 8
        mlp = 2 * tokens * d * 3 * hidden
    else:
        mlp = 2 * tokens * d * int(d * config.mlp_ratio) * 2
    attention = 2 * tokens * d * 4 * d + 2 * 2 * tokens * tokens * d
    return float(embed + layers * (attention + mlp))


class Embedder:
    """Turns batches of (N, 224, 224, 3) uint8 crops into L2-normalised DINOv2 vectors."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        allow_download: bool = True,
        int8_dir: str | os.PathLike[str] | None = None,
        preprocess: int = LATEST_PREPROCESS,
    ) -> None:
        """``int8_dir``: where int8 models are kept (default: photoorg's, see paths.py);
        ``preprocess``: the preprocessing version the photos are prepared with."""
        if preprocess not in PREPROCESS_VERSIONS:
            raise ValueError(f"preprocessing version must be one of {PREPROCESS_VERSIONS}")
        self.model_name = model
        self.preprocess_version = preprocess
        self.requested_device = device
        self.device_note: str | None = None  # why the model runs on the CPU, not as asked
        self.requested_dtype = dtype
        self._batch_size = batch_size
        self._cache_dir = cache_dir
        self._allow_download = allow_download
        self._resolved: ResolvedModel | None = None
        self._model: Any = None
        self._forward: Any = None  # on a CUDA GPU (photoorg.core.cuda_forward)
        self._int8_dir = int8_dir
        self.device = ""
        self.dtype = ""
        self.dim = 0

    def variant(self, dtype: str, device: str | None = None) -> Embedder:
        """The same model in another number format (and device), from the same folders."""
        return Embedder(
            self.model_name,
            device=device or self.requested_device,
            dtype=dtype,
            batch_size=self._batch_size,
            cache_dir=self._cache_dir,
            allow_download=self._allow_download,
            int8_dir=self._int8_dir,
            preprocess=self.preprocess_version,
        )

    # -- phase 1: no torch -------------------------------------------------------------
    def resolve(self, progress: Progress = NULL_PROGRESS) -> ResolvedModel:
        """The model folder (downloading a hub model when allowed, with ``progress``)."""
        if self._resolved is None:
            resolved = resolve_model(
                self.model_name,
                cache_dir=self._cache_dir,
                allow_download=self._allow_download,
                progress=progress,
            )
            pp = replace(resolved.preprocess, version=self.preprocess_version)
            self._resolved = replace(resolved, preprocess=pp)
        return self._resolved

    @property
    def preprocess(self) -> Preprocess:
        return self.resolve().preprocess

    # -- phase 2: torch ----------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self, progress: Progress = NULL_PROGRESS) -> Embedder:
        """Import torch and load the model (int8: make it first, the first time, with a stage
        on ``progress``, whose cancel stops that).

        Raises:
            ModelUnavailable: the model cannot be loaded (or made, for int8).
            Cancelled: cancelled while the int8 model was made.
        """
        if self._model is not None:
            return self
        resolved = self.resolve()
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if self.requested_dtype == "int8":
            return self._load_int8(resolved, progress)
        try:
            self.device = pick_device(self.requested_device)
        except ModelUnavailable:  # a GPU asked for that is not here: the CPU, this run
            gpu = {"cuda": "a CUDA GPU", "mps": "Apple's MPS"}.get(
                self.requested_device, self.requested_device
            )
            self.device = "cpu"
            self.device_note = (
                f"The model was to run on {gpu}, but PyTorch sees no {self.requested_device.upper()} "
                "here: it runs on the CPU this time (Settings > Run the model on, or --device)"
            )
        self.dtype = pick_dtype(self.device, self.requested_dtype)
        torch_dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[self.dtype]
        log.info("loading %s from %s on %s (%s)", resolved.name, resolved.folder, self.device, self.dtype)
        try:
            model = AutoModel.from_pretrained(
                resolved.folder,
                use_safetensors=True,
                trust_remote_code=False,
                local_files_only=True,
                dtype=torch_dtype,
            )
        except Exception as exc:
            raise ModelUnavailable(
                f"The model '{resolved.name}' in {resolved.folder} could not be loaded: {exc}"
            ) from exc
        try:
            model.eval().to(self.device)
        except Exception as exc:  # a GPU that fails (driver, memory): the CPU, this run
            if self.device == "cpu":
                raise
            log.warning("the model could not be put on %s", self.device, exc_info=True)
            self.device_note = (
                f"The model could not run on {self.device.upper()} ({exc}): it runs on the CPU this time"
            )
            self.device = "cpu"
            self.dtype = pick_dtype(self.device, self.requested_dtype)
            torch_dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[self.dtype]
            model = model.to(dtype=torch_dtype).to(self.device)
        self.dim = int(model.config.hidden_size)
        p = resolved.preprocess
        self._mean = torch.tensor(p.mean, device=self.device).view(1, 3, 1, 1) * 255.0
        self._std = torch.tensor(p.std, device=self.device).view(1, 3, 1, 1) * 255.0
        self._torch_dtype = torch_dtype
        self._config = model.config
        if self.device.startswith("cuda"):
            from photoorg.core.cuda_forward import CudaForward

            self._forward = CudaForward(model, self.device)
        self._model = model
        return self

    def _load_int8(self, resolved: ResolvedModel, progress: Progress) -> Embedder:
        import torch
        from transformers import AutoConfig

        from photoorg.core import int8

        if self.requested_device in ("cuda", "mps"):
            self.device_note = (
                f"int8 runs on the CPU only, so the model runs there, not on {self.requested_device.upper()} "
                "(choose the automatic number format in Settings, or --dtype auto, for the GPU)"
            )
        try:
            import onnx  # noqa: F401 - what the quantizer reads and writes
            import onnxruntime  # noqa: F401
            import onnxscript  # noqa: F401 - torch.onnx.export needs it
        except ImportError as exc:
            raise ModelUnavailable(
                f"int8 needs ONNX Runtime, onnx and onnxscript, which are not installed here ({exc}). "
                "Install them (pip install onnxruntime onnx onnxscript) or choose the automatic "
                "number format (Settings, or --dtype auto)."
            ) from exc
        self.device, self.dtype = "cpu", "int8"
        folder = Path(self._int8_dir) if self._int8_dir is not None else _default_int8_dir()
        config = AutoConfig.from_pretrained(resolved.folder, local_files_only=True, trust_remote_code=False)
        p = resolved.preprocess
        log.info("loading %s as int8 (ONNX Runtime) on the CPU", resolved.name)
        self._model = int8.load(
            resolved.folder, resolved.revision, folder, p.crop, torch.get_num_threads(), progress
        )
        self.dim = int(config.hidden_size)
        # The torch path's normalisation, in the same float32 arithmetic: (x - 255 mean) / (255 std).
        self._mean_np = (np.array(p.mean, np.float32) * np.float32(255.0)).reshape(1, 3, 1, 1)
        self._std_np = (np.array(p.std, np.float32) * np.float32(255.0)).reshape(1, 3, 1, 1)
        self._config = config
        return self

    @property
    def batch_size(self) -> int:
        return self._batch_size or default_batch_size(self.device or "cpu")

    @property
    def key(self) -> str:
        """Catalog key of this embedder's vectors (requires :meth:`load`)."""
        if not self.loaded:
            raise RuntimeError("Embedder.key needs load() first")
        return self.resolve().key(self.dtype)

    def embed(self, crops: np.ndarray) -> np.ndarray:
        """(N, H, W, 3) uint8 crops -> (N, dim) float32 unit vectors."""
        self.load()
        if self.dtype == "int8":
            x = np.ascontiguousarray(crops).transpose(0, 3, 1, 2).astype(np.float32)
            out = self._model((x - self._mean_np) / self._std_np)
            norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
            return (out / norms).astype(np.float32)
        import torch

        forward = self._forward
        with torch.inference_mode(), torch.cuda.stream(forward.stream) if forward else nullcontext():
            x = torch.from_numpy(np.ascontiguousarray(crops)).to(self.device, non_blocking=True)
            x = x.permute(0, 3, 1, 2).float()
            x = ((x - self._mean) / self._std).to(self._torch_dtype)
            if forward is not None:
                out = forward(x, self.batch_size)
            else:
                out = self._model(pixel_values=x).pooler_output.float()
            out = torch.nn.functional.normalize(out, dim=1)
            return out.cpu().numpy()

    def flops_per_photo(self) -> float:
        """Floating-point operations of the model on one crop (requires :meth:`load`)."""
        if not self.loaded:
            raise RuntimeError("Embedder.flops_per_photo needs load() first")
        return vit_flops(self._config, self.preprocess.crop)

    def describe(self) -> str:
        if not self.loaded:
            return self.model_name
        return f"{self.model_name} on {self.device} ({self.dtype})"
