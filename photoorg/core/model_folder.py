"""Which DINOv2 model: a Hugging Face hub id (from the local cache, downloaded when allowed) or
a model folder on this computer; what identifies its weights (the hub commit, or a digest of
the folder) and how photos are prepared for it. Never imports torch: a start resolves the
model before anything heavy is loaded (:class:`photoorg.core.embedder.Embedder` loads it)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photoorg.core import download, model_checks
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
        model_checks.verify(cached, name)
        return cached
    if constants.HF_HUB_OFFLINE:
        raise ModelNotCached(
            name, download.offline_help(name, "downloads are turned off: HF_HUB_OFFLINE"), True
        )
    if not allow_download:
        raise ModelNotCached(
            name,
            f"The model '{name}' is not on this computer yet. 'photoorg scan' downloads it once"
            f"{download.size_of(name)}, or point photoorg at a downloaded model folder with --model FOLDER.",
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
