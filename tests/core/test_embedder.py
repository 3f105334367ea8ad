from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core import imaging
from photoorg.core.embedder import Embedder
from photoorg.core.errors import ModelUnavailable, UnsafeModel
from photoorg.core.model_folder import key_preprocess, resolve_model
from tests.conftest import REAL_PHOTOS


def embed_files(embedder: Embedder, paths: list[Path]) -> np.ndarray:
    p = embedder.preprocess
    crops = [
        imaging.model_input(
            imaging.decode(path.read_bytes(), p.resize_short, path=str(path)), p.resize_short, p.crop
        )
        for path in paths
    ]
    return embedder.embed(np.stack(crops))


def test_vectors_are_unit_length_and_distinct(tiny_model: Path) -> None:
    vectors = embed_files(Embedder(str(tiny_model), device="cpu"), REAL_PHOTOS)
    assert vectors.shape == (len(REAL_PHOTOS), 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert (sims[~np.eye(len(sims), dtype=bool)] < 0.9999).all()


def test_pipeline_preprocessing_matches_the_transformers_processor(base_model: Path, tmp_path: Path) -> None:
    """Our decode (JPEG draft, EXIF) + crop + normalise gives the embedding the model's own
    image processor gives on the full image: full dinov2-base architecture, real photos."""
    import torch
    from transformers import AutoImageProcessor, AutoModel

    # A 12 MP-class JPEG, so that draft decoding reduces by 4 (the real ones here are <= 2 MP).
    big = tmp_path / "coffee_3000.jpg"
    Image.open(REAL_PHOTOS[1]).convert("RGB").resize((3000, 2000), Image.Resampling.LANCZOS).save(
        big, quality=92
    )
    photos = [*REAL_PHOTOS, big]
    ours = embed_files(Embedder(str(base_model), device="cpu", dtype="fp32"), photos)

    processor = AutoImageProcessor.from_pretrained(base_model, backend="pil")
    model = AutoModel.from_pretrained(base_model, use_safetensors=True).eval()
    images = [Image.open(p).convert("RGB") for p in photos]
    with torch.inference_mode():
        pixels = processor(images=images, return_tensors="pt")["pixel_values"]
        ref = torch.nn.functional.normalize(model(pixel_values=pixels).pooler_output, dim=1).numpy()
    cosines = (ours * ref).sum(axis=1)
    print("cosine to the transformers processor:", np.round(cosines, 5))
    assert cosines.min() >= 0.999, cosines


def test_exif_rotated_copy_embeds_like_the_upright_original(tiny_model: Path, tmp_path: Path) -> None:
    upright = Image.open(REAL_PHOTOS[0]).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view": store the picture turned the other way
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "rotated.png", exif=exif)
    upright.save(tmp_path / "upright.png")
    a, b = embed_files(
        Embedder(str(tiny_model), device="cpu"), [tmp_path / "upright.png", tmp_path / "rotated.png"]
    )
    assert float(a @ b) > 0.9999


def test_missing_hub_model_offline_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as info:
        resolve_model("facebook/dinov2-base", cache_dir=tmp_path, allow_download=True)
    message = str(info.value)
    assert "facebook/dinov2-base" in message
    assert "--model" in message and "folder" in message


def test_missing_local_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="neither a model folder"):
        resolve_model(str(tmp_path / "no-such-model"))


def test_pickle_only_model_folder_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(tiny_model, folder)
    state = load_file(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    torch.save(state, folder / "pytorch_model.bin")
    with pytest.raises(
        UnsafeModel, match=r"only loads safetensors.*pytorch_model\.bin|pytorch_model\.bin.*safetensors"
    ):
        Embedder(str(folder)).load()


def test_remote_code_model_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "remote"
    shutil.copytree(tiny_model, folder)
    cfg = json.loads((folder / "config.json").read_text())
    cfg["auto_map"] = {"AutoModel": "evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(UnsafeModel, match="never runs code"):
        resolve_model(str(folder))


def test_non_dinov2_model_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "vit"
    shutil.copytree(tiny_model, folder)
    cfg = json.loads((folder / "config.json").read_text())
    cfg["model_type"] = "vit"
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelUnavailable, match="needs a DINOv2 model"):
        resolve_model(str(folder))


def test_model_key_names_model_revision_preprocessing_and_dtype(
    tiny_model: Path, other_tiny_model: Path
) -> None:
    a = Embedder(str(tiny_model), device="cpu", dtype="fp32").load()
    b = Embedder(str(other_tiny_model), device="cpu", dtype="fp32").load()
    assert a.key.startswith(str(tiny_model)) and a.key.endswith("/pp2-256-224/fp32")
    assert a.key != b.key  # different weights, different vectors
    older = Embedder(str(tiny_model), device="cpu", dtype="fp32", preprocess=1).load()
    assert older.key == a.key.replace("/pp2-", "/pp1-")  # another preprocessing, other vectors
    assert [key_preprocess(e.key) for e in (older, a)] == [1, 2]
