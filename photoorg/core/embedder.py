"""DINOv2 image embeddings through Hugging Face transformers.

Two phases, so that nothing heavy happens before it is needed:

- :meth:`Embedder.resolve` finds the model folder (a local folder, or the hub id in the local
  cache, downloading it only when allowed) and reads its preprocessing settings. No torch.
- :meth:`Embedder.load` imports torch, picks the device and dtype and loads the weights
  (safetensors only, never remote code).

The embedding of a photo is the L2-normalised CLS token after the final layer norm
(``pooler_output`` of ``Dinov2Model``), computed from a 224x224 centre crop prepared exactly as
the model's own image processor prepares it (see :func:`photoorg.core.imaging.model_input`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from photoorg.core import download
from photoorg.core.devices import default_batch_size, pick_device, pick_dtype
from photoorg.core.errors import ModelNotCached, ModelUnavailable, UnsafeModel
from photoorg.core.imaging import LATEST_PREPROCESS, PREPROCESS_VERSIONS
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

DEFAULT_MODEL = "facebook/dinov2-base"
#: The preprocessing setting: "auto" (the library's: :mod:`photoorg.core.vector_choice`) or a
#: version number.
PREPROCESS_CHOICES = ("auto", *(str(v) for v in PREPROCESS_VERSIONS))

# DINOv2's published preprocessing, used when a folder has no preprocessor_config.json.
_DEFAULT_PREPROCESS = {
    "size": {"shortest_edge": 256},
    "crop_size": {"height": 224, "width": 224},
    "image_mean": [0.485, 0.456, 0.406],
    "image_std": [0.229, 0.224, 0.225],
}


@dataclass(frozen=True)
class Preprocess:
    """How a file becomes model input: decode by the rule of preprocessing ``version``
    (:data:`photoorg.core.imaging.PREPROCESS_VERSIONS`), resize the shorter edge, centre crop,
    normalise. The version is photoorg's choice (the library's); the rest is the model's."""

    resize_short: int
    crop: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    version: int = LATEST_PREPROCESS

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Preprocess:
        merged = {**_DEFAULT_PREPROCESS, **cfg}
        size = merged["size"]
        crop = merged["crop_size"]
        if isinstance(size, int):
            size = {"shortest_edge": size}
        if isinstance(crop, int):
            crop = {"height": crop, "width": crop}
        short = size.get("shortest_edge")
        if short is None or crop.get("height") != crop.get("width"):
            raise ModelUnavailable(
                f"unsupported image preprocessing in the model folder ({size}, crop {crop}); "
                "photoorg expects a DINOv2 processor (shortest_edge resize and a square crop)"
            )
        if merged.get("do_center_crop") is False:
            raise ModelUnavailable("unsupported image preprocessing: the model does not centre-crop")
        resample = merged.get("resample", 3)
        if resample not in (3, "bicubic", None):
            log.warning("model asks for resample=%s; photoorg resizes with bicubic", resample)
        return cls(int(short), int(crop["height"]), tuple(merged["image_mean"]), tuple(merged["image_std"]))

    @property
    def tag(self) -> str:
        return f"pp{self.version}-{self.resize_short}-{self.crop}"


_TAG = re.compile(r"pp(\d+)-\d+-\d+")


def key_preprocess(key: str) -> int | None:
    """The preprocessing version in a catalog key made by :meth:`ResolvedModel.key` (None for
    a key of another shape)."""
    parts = key.rsplit("/", 2)
    found = _TAG.fullmatch(parts[1]) if len(parts) == 3 else None
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class ResolvedModel:
    """A model folder on disk and what identifies its weights."""

    name: str  # hub id or local folder path as the person gave it
    folder: Path
    revision: str  # hub commit, or a content digest of a local folder's files
    preprocess: Preprocess

    def key(self, dtype: str) -> str:
        """The catalog key of vectors made by this model with this dtype."""
        return f"{self.name}@{self.revision[:16]}/{self.preprocess.tag}/{dtype}"


def _folder_revision(folder: Path) -> str:
    """A digest of a local model folder: config files whole, weights by size and both ends."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json":
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        elif path.suffix == ".safetensors":
            size = path.stat().st_size
            h.update(f"{path.name}\0{size}\0".encode())
            with path.open("rb") as f:
                h.update(f.read(1 << 20))
                f.seek(max(0, size - (1 << 20)))
                h.update(f.read(1 << 20))
    return h.hexdigest()


def resolve_model(
    name: str = DEFAULT_MODEL,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    allow_download: bool = True,
    progress: Progress = NULL_PROGRESS,
) -> ResolvedModel:
    """Find the model folder for ``name`` (a local folder or a hub id). Never imports torch.

    A hub model missing from the cache is downloaded when ``allow_download`` (progress in bytes
    on ``progress``; see :mod:`photoorg.core.download`).

    Raises:
        ModelUnavailable: not cached and cannot be downloaded, or not a DINOv2 model.
        UnsafeModel: the folder only has pickle weights.
        Cancelled: the download was cancelled.
    """
    local = Path(name).expanduser()
    if local.is_dir():
        folder = local.absolute()
        revision = None
    elif (
        local.exists()
        or name.startswith((".", "/", "~"))
        or name.count("/") != 1  # hub ids are "owner/name"
        or (os.sep != "/" and os.sep in name)
    ):
        raise ModelUnavailable(
            f"'{name}' is neither a model folder on this computer nor a Hugging Face model id "
            "such as facebook/dinov2-base."
        )
    else:
        folder = _hub_folder(name, cache_dir, allow_download, progress)
        revision = folder.name  # snapshots/<commit>
    _check_folder(folder, name)
    if revision is None:
        revision = _folder_revision(folder)
    pp_path = folder / "preprocessor_config.json"
    pp_cfg = json.loads(pp_path.read_text()) if pp_path.exists() else {}
    return ResolvedModel(name, folder, revision, Preprocess.from_config(pp_cfg))


def _hub_folder(name: str, cache_dir: Any, allow_download: bool, progress: Progress) -> Path:
    from huggingface_hub import constants, snapshot_download

    try:
        cached = Path(
            snapshot_download(
                name,
                cache_dir=cache_dir,
                allow_patterns=list(download.WEIGHT_PATTERNS),
                local_files_only=True,
            )
        )
    except Exception:  # not there, or a snapshot an interrupted download left incomplete
        log.info("model %s is not (completely) in the local cache", name)
    else:
        download.verify(cached, name)
        return cached
    if constants.HF_HUB_OFFLINE:
        raise ModelNotCached(
            name, download.offline_help(name, "downloads are turned off: HF_HUB_OFFLINE"), True
        )
    if not allow_download:
        raise ModelNotCached(
            name,
            f"The model '{name}' is not on this computer yet. 'photoorg scan' downloads it once "
            "(about 350 MB for dinov2-base), or point photoorg at a downloaded model folder with "
            "--model FOLDER.",
            False,
        )
    return download.download(name, cache_dir, progress)


def _check_folder(folder: Path, name: str) -> None:
    config = folder / "config.json"
    if not config.exists():
        raise ModelUnavailable(f"'{name}' is not a model folder: it has no config.json.")
    try:
        cfg = json.loads(config.read_text())
    except ValueError as exc:
        raise ModelUnavailable(f"The config.json of model '{name}' is not valid JSON.") from exc
    if cfg.get("model_type") != "dinov2":
        raise ModelUnavailable(
            f"The model '{name}' is a '{cfg.get('model_type')}' model; photoorg needs a DINOv2 "
            "model such as facebook/dinov2-small, facebook/dinov2-base or facebook/dinov2-large."
        )
    if cfg.get("auto_map"):
        raise UnsafeModel(
            f"The model '{name}' asks to run its own code (auto_map in config.json); photoorg "
            "never runs code shipped with a model."
        )
    if not any(folder.glob("*.safetensors")):
        pickles = sorted(p.name for p in folder.glob("*.bin")) + sorted(p.name for p in folder.glob("*.pt*"))
        what = f" (it has {', '.join(pickles)})" if pickles else ""
        raise UnsafeModel(
            f"The model folder for '{name}' has no .safetensors weights{what}. photoorg only "
            "loads safetensors, because pickle weights can run arbitrary code. Convert it with "
            "transformers: model.save_pretrained(folder, safe_serialization=True)."
        )


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

        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(crops)).to(self.device, non_blocking=True)
            x = x.permute(0, 3, 1, 2).float()
            x = ((x - self._mean) / self._std).to(self._torch_dtype)
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
