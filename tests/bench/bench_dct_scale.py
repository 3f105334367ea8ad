"""How much the JPEG DCT scale changes a photo's vector (issue 15): the 2x rule against the 1x rule.

photoorg decodes a JPEG at a reduced DCT scale (1/2, 1/4, 1/8) before the bicubic resize to the
model's 256 px. The rule today keeps the decoded image's short edge at >= 2x 256; the 1x rule
takes the smallest scale whose short edge is still >= 256 (a quarter of the pixels, or fewer).
For every photo this prints nothing; at the end, the cosine between vectors:

- ``2x~full`` and ``1x~full``: each rule against the model's own preprocessing (a full decode,
  then Pillow's antialiased bicubic resize of the whole image, as transformers does);
- ``1x~2x``: the two rules against each other;
- ``resave``: for scale, the 2x rule's vector against that of the same photo re-saved as JPEG
  quality 85 (a change a person calls "the same photo");

each as min / 1st percentile / mean, over the photos whose decode scale differs between the rules.

    python tests/bench/bench_dct_scale.py PHOTOS --model MODEL_FOLDER [--upscale 3000]

``--upscale N`` first makes each photo N px on its short edge (JPEG quality 90), as a 12 MP
camera photo is; without it the photos are used as they are.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image

from photoorg.core import imaging
from photoorg.core.embedder import Embedder

EXTS = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"}


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def photos(folder: Path, upscale: int | None) -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in EXTS):
        data = path.read_bytes()
        if upscale:
            img = imaging.decode(data, path=str(path)).image
            assert img is not None
            w, h = imaging.resize_size(img.width, img.height, upscale)
            data = _jpeg(img.resize((w, h), Image.Resampling.BICUBIC), 90)
        out.append((str(path), data))
    return out


def crops(data: bytes, short: int, crop: int) -> dict[str, np.ndarray]:
    full = imaging.decode(data)  # every pixel; model_input then resizes the whole image
    two = imaging.decode(data, short)  # today's rule: short edge >= 2 x short
    one = imaging.decode(data, -(-short // imaging.DRAFT_OVERSAMPLE))  # 1x: short edge >= short
    assert full.image is not None
    resaved = imaging.decode(_jpeg(full.image, 85), short)
    return {
        "full": imaging.model_input(full, short, crop),
        "2x": imaging.model_input(two, short, crop),
        "1x": imaging.model_input(one, short, crop),
        "resave": imaging.model_input(resaved, short, crop),
        "differs": np.array(two.image.size != one.image.size),  # type: ignore[union-attr]
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("photos")
    ap.add_argument("--model", required=True)
    ap.add_argument("--upscale", type=int, default=None)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    embedder = Embedder(args.model, device="cpu", dtype="fp32", allow_download=False).load()
    pp = embedder.preprocess
    items = photos(Path(args.photos), args.upscale)
    vectors: dict[str, list[np.ndarray]] = {k: [] for k in ("full", "2x", "1x", "resave")}
    differs: list[bool] = []
    for start in range(0, len(items), args.batch):
        batch = [crops(data, pp.resize_short, pp.crop) for _, data in items[start : start + args.batch]]
        differs.extend(bool(c["differs"]) for c in batch)
        for key, out in vectors.items():
            out.append(embedder.embed(np.stack([c[key] for c in batch])))
    v = {k: np.concatenate(parts) for k, parts in vectors.items()}
    mask = np.array(differs)
    upscaled = f", upscaled to {args.upscale} px" if args.upscale else ""
    print(f"{len(items)} photos from {args.photos}{upscaled}")
    print(f"model {args.model} (cpu fp32); the decode scale differs between the rules for {mask.sum()}")
    if not mask.any():
        return
    print(f"{'cosine':<10} {'min':>8} {'1st pct':>8} {'mean':>8}")
    for name, a, b in (("2x~full", "2x", "full"), ("1x~full", "1x", "full"), ("1x~2x", "1x", "2x"),
                       ("resave", "2x", "resave")):  # fmt: skip
        cos = np.einsum("ij,ij->i", v[a][mask], v[b][mask])
        print(f"{name:<10} {cos.min():>8.5f} {np.percentile(cos, 1):>8.5f} {cos.mean():>8.5f}")
    same = v["2x"][mask] @ v["2x"].T  # how alike different photos are under this model
    idx = np.flatnonzero(mask)
    same[np.arange(len(idx)), idx] = -1
    print(f"nearest other photo (2x rule): median cosine {np.median(same.max(axis=1)):.5f}")


if __name__ == "__main__":
    main()
