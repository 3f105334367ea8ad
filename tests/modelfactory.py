"""Build DINOv2 model folders with random weights, for tests and speed benchmarks.

Trained weights cannot be downloaded where photoorg is tested, so tests save a randomly
initialised ``Dinov2Model`` plus the DINOv2 image processor config with ``save_pretrained`` and
load it by path through photoorg's normal model-loading code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# The hub configs of facebook/dinov2-* (image_size 518: position embeddings for 37x37 patches).
SIZES = {
    "tiny": dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, image_size=518),
    "small": dict(hidden_size=384, num_hidden_layers=12, num_attention_heads=6, image_size=518),
    "base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, image_size=518),
    # About 29 MB and as quick as "tiny": position embeddings for 150x150 patches make it large
    # enough that huggingface_hub writes it in several of its 10 MB chunks (the download tests).
    "download": dict(hidden_size=256, num_hidden_layers=2, num_attention_heads=4, image_size=2100),
}


def make_random_dinov2(folder: str | Path, size: str = "tiny", seed: int = 0) -> Path:
    """Save a random DINOv2 model of ``size`` with its image processor config to ``folder``."""
    import torch
    from transformers import Dinov2Config, Dinov2Model

    folder = Path(folder)
    torch.manual_seed(seed)
    config = Dinov2Config(patch_size=14, mlp_ratio=4, layerscale_value=1.0, **SIZES[size])
    model = Dinov2Model(config).eval()
    model.save_pretrained(folder)  # safetensors by default
    # The processor config facebook/dinov2-* ship (BitImageProcessor: resize 256, crop 224).
    processor = {
        "image_processor_type": "BitImageProcessor",
        "do_resize": True,
        "size": {"shortest_edge": 256},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": 224, "width": 224},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": [0.485, 0.456, 0.406],
        "image_std": [0.229, 0.224, 0.225],
        "do_convert_rgb": True,
    }
    (folder / "preprocessor_config.json").write_text(json.dumps(processor, indent=2))
    return folder


if __name__ == "__main__":
    out = make_random_dinov2(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "base")
    print(out)
